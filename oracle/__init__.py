"""FameEngine's engagement oracle, off chain: operator nodes, platform adapters, the
aggregation protocol and the relayer that puts reports on chain.

    report.py      packed layout, EIP-712 digests, signatures (the one encoder/decoder)
    config.py      the oracle's settings (FAME_ORACLE_*)
    adapters/      platform adapters: the interface, YouTube Data API v3
    simulator.py   the embedded simulated platform (the default adapter)
    sentiment.py   comment sentiment (VADER lexicon)
    aggregate.py   medians, which personas are due, the signer's tolerance check
    chainview.py   what an operator reads from the chain (cached, RPC errors counted)
    relayer.py     transmits reports: nonces, bounded gas, retries, SQLite state
    node/          the operator's FastAPI service and its round driver
    keys.py        keystores (never keys in code or logs); dev keystores for the local stack
    launch.py      start_operators(): n operator processes under a fame.procs.Supervisor
    cli.py         the `oracle` command group (wired as `fame oracle`)
"""
