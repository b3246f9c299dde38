"""Rows and the suite registry: what a benchmark suite returns, and how it is found.

A suite is a function `(ctx: Context) -> Iterable[Row]` registered with `@suite(...)` in a module
of benchmarks/suites/ (every module there is imported by the runner).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .context import Context

Number = int | float

#: Keys of one row in bench.json, in order.
ROW_KEYS = ("component", "action", "unit", "ours", "anchor", "anchor_value", "ratio")


@dataclass(frozen=True)
class Row:
    """One measured action: our figure beside the reference implementation's.

    `ours` or `anchor_value` is None when that side could not be measured (the contract is not
    written yet, or the scenario failed on it); the ratio is then None too.
    """

    component: str  # e.g. "FMC token"
    action: str  # e.g. "transfer to a fresh account"
    ours: Number | None
    anchor: str | None  # the reference implementation, e.g. "OpenZeppelin 5.7.0 ERC20Votes"; None: no anchor
    anchor_value: Number | None
    unit: str = "gas"

    @property
    def ratio(self) -> float | None:
        """ours / anchor: below 1 means FameEngine needs less."""
        if self.ours is None or self.anchor_value is None or self.anchor_value == 0:
            return None
        return self.ours / self.anchor_value

    def to_dict(self) -> dict:
        ratio = self.ratio
        return {
            "component": self.component,
            "action": self.action,
            "unit": self.unit,
            "ours": self.ours,
            "anchor": self.anchor,
            "anchor_value": self.anchor_value,
            "ratio": None if ratio is None else round(ratio, 4),
        }


SuiteFunc = Callable[["Context"], Iterable[Row]]


@dataclass(frozen=True)
class Suite:
    name: str  # what `python -m benchmarks NAME` selects
    title: str  # heading in the report
    func: SuiteFunc
    doc: str  # the function's docstring: how the figures were taken, shown under the table

    def run(self, ctx: Context) -> list[Row]:
        return list(self.func(ctx))


#: Every registered suite by name, in registration order.
SUITES: dict[str, Suite] = {}


def suite(name: str, *, title: str | None = None) -> Callable[[SuiteFunc], SuiteFunc]:
    """Register a benchmark suite.

    @suite("governance", title="Governance")
    def governance(ctx: Context) -> Iterable[Row]:
        '''How the figures are taken (shown in bench.md).'''
        ...
        yield Row(component="Governance", action="castVote", ours=..., anchor=..., anchor_value=...)
    """

    def register(func: SuiteFunc) -> SuiteFunc:
        if name in SUITES and SUITES[name].func is not func:
            raise ValueError(f"benchmark suite {name!r} is registered twice")
        doc = inspect.cleandoc(func.__doc__ or "")
        SUITES[name] = Suite(name=name, title=title or name, func=func, doc=doc)
        return func

    return register
