"""FameEngine benchmarks: our contracts beside reference implementations, on one private chain.

`python -m benchmarks` (or `make bench`) compiles our contracts with `ape compile`, compiles the
Solidity anchors in benchmarks/anchors/ with solc-js, starts its own anvil, runs every registered
suite and writes benchmarks/results/bench.md and bench.json. `python -m benchmarks NAME ...` runs
only the named suites; `--list` lists them.

Adding a suite: a module in benchmarks/suites/ with

    from benchmarks import Context, Row, suite

    @suite("name", title="Component")
    def name(ctx: Context) -> Iterable[Row]:
        '''How the figures are taken (printed under the table in bench.md).'''
        ...

See benchmarks/context.py for what a Context offers.
"""

from .artifacts import Artifact, MissingContract
from .context import Context, Deployed, DevAccount, TxFailed, calldata_gas
from .core import ROW_KEYS, SUITES, Row, Suite, suite

__all__ = [
    "Artifact",
    "Context",
    "Deployed",
    "DevAccount",
    "MissingContract",
    "ROW_KEYS",
    "Row",
    "SUITES",
    "Suite",
    "TxFailed",
    "calldata_gas",
    "suite",
]
