"""Engagement oracle: gas of `transmit` per report and per persona, and report latency.

The report helpers here (building, signing and sending a report) are also used by the economy
suite to score personas for staking rewards the way the oracle does on a live stack.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_utils import to_checksum_address
from web3.contract import Contract
from web3.types import TxReceipt, Wei

from oracle.keys import dev_signer
from oracle.report import Domain, Engagement, Report, pack_all, sign_digest

from ..context import Context, DevAccount
from ..core import Row, suite

COMPONENT = "Engagement oracle"
NO_ANCHOR = "—"
E18 = 10**18
ZERO_ADDRESS = "0x" + "00" * 20

PERSONAS = 100
SIZES = (1, 10, 100)
COMMITTEES = ((4, 1), (7, 2), (31, 10))  # (n, f): each report carries f+1 signatures
TARGET_PER_PERSONA = 10_000  # gas per persona at 100 personas per report
HEARTBEAT = 600
TRANSMIT_GAS = 15_000_000
LATENCY_REPEAT = 11


# ------------------------------------------------------------------------------------------------
# Reports


def observations(personas: Sequence[int], observed_at: int, round_: int) -> list[Engagement]:
    """What operators agreed on for `personas` in round `round_` (lifetime counts that grow each
    round, so every later report carries a gain on every field)."""
    return [
        Engagement(
            persona_id=p,
            views=10_000 * round_ + 37 * p,
            likes=1_000 * round_ + 3 * p,
            shares=100 * round_ + p,
            comments=200 * round_ + p,
            sentiment_bps=2_500,
            observed_at=observed_at,
        )
        for p in personas
    ]


def signed_report(
    ctx: Context, oracle: Contract, signers: Sequence[LocalAccount], f: int, epoch: int, items: list[Engagement]
) -> tuple[Report, list[tuple[bytes, bytes]]]:
    """Pack the observations into the oracle's report for `epoch` and sign its EIP-712 digest with
    the first f+1 operators' keys (EIP-2098 compact signatures)."""
    version = oracle.functions.config_version().call()
    report = Report(version, epoch, tuple(pack_all(items)))
    digest = report.digest(Domain(ctx.chain_id, oracle.address))
    return report, [sign_digest(s, digest).as_call_arg() for s in signers[: f + 1]]


def transmit(
    ctx: Context, oracle: Contract, transmitter: DevAccount, report: Report, sigs: list, *, measure: bool = True
) -> TxReceipt:
    call = oracle.functions.transmit(report.as_call_arg(), sigs)
    if measure:
        return ctx.measure(call, transmitter, gas=TRANSMIT_GAS)
    return ctx.send(call, transmitter, gas=TRANSMIT_GAS)


def next_observed_at(ctx: Context) -> int:
    """An observation time after every earlier one and not ahead of the next block."""
    return ctx.w3.eth.get_block("latest")["timestamp"]


def count_label(count: int) -> str:
    return f"{count} persona" if count == 1 else f"{count} personas"


def synthetic_address(n: int) -> str:
    """A checksummed address with no key behind it (a stand-in for an account that never sends)."""
    return to_checksum_address(f"0x{n:040x}")


def committee_keys(n: int) -> list[LocalAccount]:
    """The local stack's operator signing keys (oracle.keys dev keys), first n."""
    return [dev_signer(i) for i in range(n)]


# ------------------------------------------------------------------------------------------------
# The bench


@dataclass
class World:
    registry: Contract
    fmc: Contract
    reputation: Contract
    staking: Contract
    owner: DevAccount
    transmitter: DevAccount
    keys: list[LocalAccount]


def _set_up(ctx: Context) -> World:
    """A registry with PERSONAS active personas, FMC, and both sinks in a live state: a running
    reward stream and a stake on every persona, so that a staking update settles real pools."""
    accts = ctx.accounts
    owner, staker, transmitter = accts[0], accts[1], accts[6]
    deploy = lambda name, *args: ctx.deploy(ctx.ours(name), *args, sender=owner).contract  # noqa: E731
    fmc = deploy("FMC", 1_000_000_000 * E18, owner.address, 100_000_000 * E18)
    registry = deploy("PersonaRegistry", owner.address)
    ctx.send(registry.functions.set_registrar(owner.address), owner)
    for i in range(1, PERSONAS + 1):
        # The registry never calls the share token: any distinct address stands in for one.
        share = synthetic_address(0x5E000000 + i)
        ctx.send(registry.functions.register(f"persona-{i}", f"cid-{i}", share, owner.address), owner)
    reputation = deploy("Reputation", owner.address, fmc.address, registry.address)
    staking = deploy("PersonaStaking", owner.address, fmc.address, registry.address)
    ctx.send(fmc.functions.approve(staking.address, 1_000_000 * E18), owner)
    ctx.send(staking.functions.fund(1_000_000 * E18, 30 * 86_400), owner)
    ctx.send(fmc.functions.transfer(staker.address, PERSONAS * 1_000 * E18), owner)
    ctx.send(fmc.functions.approve(staking.address, PERSONAS * 1_000 * E18), staker)
    for i in range(1, PERSONAS + 1):
        ctx.send(staking.functions.stake(i, 1_000 * E18, 0), staker)
    keys = committee_keys(max(n for n, _ in COMMITTEES))
    return World(registry, fmc, reputation, staking, owner, transmitter, keys)


def _deploy_oracle(ctx: Context, w: World, n: int, f: int, sinks: bool) -> Contract:
    # Operator 0 transmits from a funded dev account; the other transmitters only need to exist.
    transmitters = [w.transmitter.address] + [synthetic_address(0x7A000000 + i) for i in range(1, n)]
    rep, stk = (w.reputation.address, w.staking.address) if sinks else (ZERO_ADDRESS, ZERO_ADDRESS)
    oracle = ctx.deploy(
        ctx.ours("EngagementOracle"),
        w.owner.address,
        w.registry.address,
        rep,
        stk,
        HEARTBEAT,
        [k.address for k in w.keys[:n]],
        transmitters,
        f,
        sender=w.owner,
    ).contract
    if sinks:
        ctx.send(w.reputation.functions.set_oracle(oracle.address), w.owner)
        ctx.send(w.staking.functions.set_updater(oracle.address), w.owner)
    return oracle


def _reports(ctx: Context, w: World, oracle: Contract, f: int, size: int, count: int = 2) -> list[int]:
    """Gas of `count` consecutive reports of the same personas: the first stores every persona's
    word for the first time; the later ones are the steady state."""
    personas = list(range(1, size + 1))
    out = []
    for epoch in range(1, count + 1):
        report, sigs = signed_report(
            ctx, oracle, w.keys, f, epoch, observations(personas, next_observed_at(ctx), epoch)
        )
        out.append(transmit(ctx, oracle, w.transmitter, report, sigs)["gasUsed"])
    return out


def _check_reputation(w: World, size: int) -> None:
    if w.reputation.functions.engagement_component(size).call() == 0:
        raise RuntimeError("the reports did not move the persona's reputation")


def _pushes(ctx: Context, w: World, oracle: Contract, size: int) -> tuple[int, int, int]:
    """Gas of push_performance calls, each after a report: the personas' first (keeps their words),
    the first scoring one (each persona's staking score goes from zero to a value; nothing has
    been earned yet), and the steady state (the fourth: every score changes and every pool
    settles earnings into accumulators that already hold a value; the third is the first such
    settlement, which writes those accumulators for the first time)."""
    personas = list(range(1, size + 1))
    out = []
    for epoch in (1, 2, 3, 4):
        report, sigs = signed_report(
            ctx, oracle, w.keys, 1, epoch, observations(personas, next_observed_at(ctx), epoch)
        )
        transmit(ctx, oracle, w.transmitter, report, sigs, measure=False)
        out.append(ctx.measure(oracle.functions.push_performance(personas), w.transmitter, gas=TRANSMIT_GAS)["gasUsed"])
    if w.staking.functions.persona_stake(size).call()[2] == 0:
        raise RuntimeError("the push did not score the persona")
    return out[0], out[1], out[3]


def _latency(ctx: Context, w: World, oracle: Contract, f: int, size: int) -> float:
    """Median ms from the operators' agreed observations to the transmit receipt: pack the report,
    sign it with f+1 keys, sign the transaction with the transmitter's key, send it, wait for the
    receipt (anvil mines on arrival)."""
    personas = list(range(1, size + 1))
    transmitter = Account.from_key(w.transmitter.key)
    state = {
        "epoch": oracle.functions.latest_epoch().call(),
        "nonce": ctx.w3.eth.get_transaction_count(transmitter.address),
    }
    chain_id = ctx.chain_id
    samples: list[float] = []

    def one() -> float:
        state["epoch"] += 1
        items = observations(personas, next_observed_at(ctx), state["epoch"])  # taken before the clock starts
        start = time.perf_counter()
        report, sigs = signed_report(ctx, oracle, w.keys, f, state["epoch"], items)
        tx = oracle.functions.transmit(report.as_call_arg(), sigs).build_transaction(
            {
                "from": transmitter.address,
                "nonce": state["nonce"],
                "gas": TRANSMIT_GAS,
                "chainId": chain_id,
                "maxFeePerGas": Wei(100 * 10**9),
                "maxPriorityFeePerGas": Wei(10**9),
            }
        )
        tx_hash = ctx.w3.eth.send_raw_transaction(transmitter.sign_transaction(tx).raw_transaction)
        receipt = ctx.w3.eth.wait_for_transaction_receipt(tx_hash, poll_latency=0.001)
        elapsed = (time.perf_counter() - start) * 1000
        state["nonce"] += 1
        if receipt["status"] != 1:
            raise RuntimeError("a timed transmit reverted")
        return elapsed

    one()  # warm-up: the personas' first report, and caches on both ends
    for _ in range(LATENCY_REPEAT):
        samples.append(one())
    return statistics.median(samples)


@suite("oracle", title="Engagement oracle")
def oracle_suite(ctx: Context) -> Iterator[Row]:
    """EngagementOracle (contracts/oracle/) `transmit`, no anchor. A PersonaRegistry with 100
    active personas; reports of 1, 10 and 100 personas built with oracle/report.py (the packed
    observation words and the EIP-712 digest the oracle nodes use) and signed by f+1 operators
    (oracle.keys dev keys) for committees of n = 4, 7 and 31 (f = 1, 2, 10, so 2, 3 and 11
    signatures). Each figure is the receipt gas of one transmit in a block of its own after an
    empty block, from a fresh oracle (same chain snapshot for every configuration); "steady
    state" is a report for personas that were all reported before (each stored word is
    rewritten), which is what a live oracle sends every round; the personas' first report
    (stored words written from zero) is shown at 100 personas. Transmitter reimbursement is off
    (its default). Gas per persona = transmit gas / personas in the report (the 21,000 base and
    the signatures are spread over the personas, which is why it falls with the report size).
    Figures can move by a few dozen gas from one run to the next: the signatures' bytes, and so
    their calldata cost, depend on the observation times, which follow the chain's clock.

    Sinks off: the oracle only checks and stores. Sinks on (the production wiring): the oracle
    also folds every persona's gains into its reputation engagement component, kept in the same
    stored word (Reputation's metric weights are read once per report; Reputation reads E from
    the oracle), so a report still writes one storage word per persona; staking is wired but a
    report never settles it. Staking's scores are sent by `push_performance` (anyone, each
    persona at most once per performance interval: 1 day on a public network), measured
    separately: a persona's first push keeps its word (a new storage slot: 22,100 gas, once per
    persona), a later one scores every persona into the staking pools, which are in a live
    state (a reward stream is running and every persona has a stake, so each score settles a
    real reward pool).

    Target: under 10,000 gas per persona at 100 personas per report; every 100-persona row says
    whether it is met. A persona's first report cannot meet it: creating its storage word costs
    22,100 gas by itself (a zero-to-non-zero SSTORE), once per persona for the oracle's life.
    Active personas are checked through the registry's active bitmap (one call per 256 ids),
    not one is_active call per persona. Latency: median of 11 (after one warm-up) of the wall time from the
    operators' agreed observations to the transmit receipt on the local anvil, that is packing
    the report, f+1 EIP-712 signatures, signing the transaction with the transmitter's key,
    sending it, and the receipt (anvil mines on arrival, so no block time is waited for); it
    depends on the machine and on what else runs on it, so compare it only within one run.
    """
    with ctx.steps.step(f"{COMPONENT}: registry with {PERSONAS} personas, sinks with live stakes"):
        world = _set_up(ctx)

    def per_persona_label(n: int, f: int, size: int, sinks: str, value: int | None, kind: str = "steady state") -> str:
        label = f"gas per persona, {count_label(size)}, n = {n} ({f + 1} signatures), sinks {sinks}, {kind}"
        if size == PERSONAS and value is not None:
            met = "met" if value < TARGET_PER_PERSONA else "not met"
            label += f" (target < {TARGET_PER_PERSONA:,}: {met})"
        return label

    configs = [(n, f, "off", False) for n, f in COMMITTEES] + [(4, 1, "on (reputation + staking)", True)]
    for n, f, on, sinks in configs:
        results: dict[int, list[int]] = {}
        for size in SIZES:
            with ctx.steps.step(f"{COMPONENT}: n = {n}, {count_label(size)}, sinks {on}"), ctx.isolated():
                try:
                    oracle = _deploy_oracle(ctx, world, n, f, sinks)
                    results[size] = _reports(ctx, world, oracle, f, size)
                    if sinks:
                        _check_reputation(world, size)
                except Exception as exc:  # figures never fail a run
                    ctx.warn(f"{COMPONENT}, n = {n}, {count_label(size)}, sinks {on}: {type(exc).__name__}: {exc}")
        for size in SIZES:
            steady = results[size][-1] if size in results else None
            yield Row(
                COMPONENT,
                f"transmit, {count_label(size)}, n = {n} ({f + 1} signatures), sinks {on}, steady state",
                steady,
                NO_ANCHOR,
                None,
            )
        for size in SIZES:
            steady = results[size][-1] if size in results else None
            per = None if steady is None else round(steady / size)
            yield Row(COMPONENT, per_persona_label(n, f, size, on, per), per, NO_ANCHOR, None, unit="gas/persona")
        if n == 4:
            first = results[PERSONAS][0] if PERSONAS in results else None
            yield Row(
                COMPONENT,
                f"transmit, {PERSONAS} personas, n = {n} ({f + 1} signatures), sinks {on}, the personas' first report",
                first,
                NO_ANCHOR,
                None,
            )
            per = None if first is None else round(first / PERSONAS)
            yield Row(
                COMPONENT,
                per_persona_label(n, f, PERSONAS, on, per, "the personas' first report"),
                per,
                NO_ANCHOR,
                None,
                unit="gas/persona",
            )

    pushes: tuple[int | None, ...] = (None, None, None)
    with ctx.steps.step(f"{COMPONENT}: push_performance, {PERSONAS} personas"), ctx.isolated():
        try:
            pushes = _pushes(ctx, world, _deploy_oracle(ctx, world, 4, 1, True), PERSONAS)
        except Exception as exc:
            ctx.warn(f"{COMPONENT}, push_performance: {type(exc).__name__}: {exc}")
    for kind, value in zip(
        (
            "the personas' first push (keeps their words)",
            "the personas' first scores, live staking pools",
            "steady state, scoring every persona into live staking pools",
        ),
        pushes,
        strict=False,
    ):
        yield Row(COMPONENT, f"push_performance, {PERSONAS} personas, {kind}", value, NO_ANCHOR, None)
        yield Row(
            COMPONENT,
            f"push_performance gas per persona, {PERSONAS} personas, {kind}",
            None if value is None else round(value / PERSONAS),
            NO_ANCHOR,
            None,
            unit="gas/persona",
        )

    for n, f, size in ((4, 1, 1), (4, 1, PERSONAS), (31, 10, PERSONAS)):
        action = f"latency, observations to receipt, {count_label(size)}, n = {n} ({f + 1} signatures), sinks on"
        with ctx.steps.step(f"{COMPONENT}: {action}"), ctx.isolated():
            try:
                oracle = _deploy_oracle(ctx, world, n, f, True)
                ms = round(_latency(ctx, world, oracle, f, size), 1)
            except Exception as exc:
                ctx.warn(f"{COMPONENT}, {action}: {type(exc).__name__}: {exc}")
                ms = None
        yield Row(COMPONENT, action, ms, NO_ANCHOR, None, unit="ms")
