"""The mutation operators and ids (audit/mutation/operators.py, generate.py) on Vyper snippets
written here, and on real contracts.

Invariants: each operator makes exactly the text edits listed for the snippet (so nothing in
its docstrings, comments, event declaration or type annotations); every mutant of a real
contract still parses; ids do not change when unrelated lines are added above; the sample is
stable, spread over the operators and the functions, and independent of the mutants' order.

Plain pytest, no chain: `.venv/bin/python -m pytest tests/audit -q -p no:ape_test -k "not end_to_end"`.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from vyper.ast import parse_to_ast

from audit.mutation.generate import Mutant, generate, sample
from audit.mutation.operators import OPERATORS

ROOT = Path(__file__).resolve().parents[2]

SNIPPET = '''# pragma version ~=0.4.3
"""
@title Snippet
@notice Prose the operators must not touch: x < y, assert, self.total = 1, log Moved(), not True.
"""

event Moved:
    amount: uint256

LIMIT: constant(uint256) = 10
total: public(uint256)
items: DynArray[uint256, 4]
paused: bool


@internal
def _pair(x: uint256, y: uint256) -> uint256:
    return x


@external
def step(a: uint256, b: uint256) -> uint256:
    """
    @notice a < b and not paused, said in prose
    """
    # a comment: assert a < b, self.total = 0, a * 2
    assert a < LIMIT, "too big"
    if a >= b and not self.paused:
        self.total += a * 2
    self.paused = True
    self.items.append(a)
    log Moved(amount=a)
    return self.total - min(a, b) + self._pair(a, b)
'''

#: operator -> every line a mutant of SNIPPET turns into (the line changed, stripped)
EXPECTED = {
    "comparison": {
        'assert a <= LIMIT, "too big"',
        "if a > b and not self.paused:",
    },
    "off-by-one": {
        "LIMIT: constant(uint256) = 11",
        "LIMIT: constant(uint256) = 9",
        "self.total += a * 3",
        "self.total += a * 1",
    },
    "arithmetic": {
        "self.total += a // 2",
        "return self.total + min(a, b) + self._pair(a, b)",
        "return self.total - min(a, b) - self._pair(a, b)",
    },
    "assert": {"pass"},
    "state-write": {
        "pass",  # `self.total += ...`, `self.paused = True` and the append, each removed
        "self.total -= a * 2",
    },
    "arguments": {
        # min(a, b) is commutative: not swapped
        "return self.total - min(a, b) + self._pair(b, a)",
    },
    "log": {"pass"},
    "boolean": {
        "if a >= b and self.paused:",
        "if not (a >= b and not self.paused):",
        "if a >= b or not self.paused:",
        "self.paused = False",
    },
}

#: how many mutants each operator makes on SNIPPET (several edits give the line `pass`)
EXPECTED_COUNTS = {"state-write": 4, "assert": 1, "log": 1}


def _changed_lines(mutant: Mutant, source: str) -> list[str]:
    before, after = source.splitlines(), mutant.apply(source).splitlines()
    assert len(before) == len(after), mutant
    return [new.strip() for old, new in zip(before, after, strict=True) if old != new]


@pytest.fixture(scope="module")
def snippet(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Mutant]]:
    root = tmp_path_factory.mktemp("snippet")
    (root / "Snippet.vy").write_text(SNIPPET)
    generated = generate(SNIPPET, "Snippet.vy", root=root)
    assert generated.typed  # the compiler's analysis passed: argument swaps are on
    return root, generated.mutants


@pytest.mark.parametrize("operator", OPERATORS)
def test_each_operator_makes_exactly_its_edits(snippet: tuple[Path, list[Mutant]], operator: str) -> None:
    mine = [m for m in snippet[1] if m.operator == operator]
    lines = set()
    for mutant in mine:
        changed = _changed_lines(mutant, SNIPPET)
        assert len(changed) == 1, (mutant, changed)
        lines.add(changed[0])
    assert lines == EXPECTED[operator]
    if operator in EXPECTED_COUNTS:
        assert len(mine) == EXPECTED_COUNTS[operator]


def test_docstrings_comments_and_declarations_are_untouched(snippet: tuple[Path, list[Mutant]]) -> None:
    lines = SNIPPET.splitlines()
    code_lines = {
        i
        for i, line in enumerate(lines)
        if line.strip()
        and not line.strip().startswith(("#", "@", '"""', "event", "amount:", "items:", "total:", "paused:"))
        and "Prose" not in line
        and "prose" not in line
    }
    for mutant in snippet[1]:
        after = mutant.apply(SNIPPET).splitlines()
        touched = {i for i, (old, new) in enumerate(zip(lines, after, strict=True)) if old != new}
        assert touched and touched <= code_lines, mutant


def test_a_mutant_is_one_precise_edit(snippet: tuple[Path, list[Mutant]]) -> None:
    for mutant in snippet[1]:
        assert SNIPPET[mutant.start : mutant.end] == mutant.original
        assert mutant.apply(SNIPPET) == SNIPPET[: mutant.start] + mutant.replacement + SNIPPET[mutant.end :]
    one = snippet[1][0]
    with pytest.raises(ValueError, match="changed under the mutant"):
        one.apply(SNIPPET.replace(one.original, one.original + "  ", 1) if one.start == 0 else "x" + SNIPPET)


def test_without_types_there_are_no_argument_swaps(snippet: tuple[Path, list[Mutant]]) -> None:
    parsed_only = generate(SNIPPET, "Snippet.vy")  # no root: parsed, not analysed
    assert not parsed_only.typed
    assert {m.operator for m in parsed_only.mutants} == set(OPERATORS) - {"arguments"}
    assert {m.id for m in parsed_only.mutants} == {m.id for m in snippet[1] if m.operator != "arguments"}


def test_ids_survive_unrelated_lines_added_above(tmp_path: Path, snippet: tuple[Path, list[Mutant]]) -> None:
    extra = """

# A comment and a function added above: nothing of `step` moves but its line numbers.
@external
def other(c: uint256) -> uint256:
    assert c > 3
    return c + 1
"""
    edited = SNIPPET.replace("paused: bool\n", "paused: bool\n" + extra, 1)
    (tmp_path / "Snippet.vy").write_text(edited)
    after = generate(edited, "Snippet.vy", root=tmp_path).mutants
    before = {m.id: m for m in snippet[1]}
    moved = {m.id: m for m in after}
    assert set(before) <= set(moved)
    assert all(moved[i].line == before[i].line + extra.count("\n") for i in before if before[i].line > 13)
    assert len(set(moved) - set(before)) == len([m for m in after if m.function == "other"])
    # editing a mutated line gives that line's mutants new ids, and only those
    retouched = SNIPPET.replace("assert a < LIMIT", "assert a < LIMIT + 0")
    (tmp_path / "Snippet.vy").write_text(retouched)
    again = {m.id for m in generate(retouched, "Snippet.vy", root=tmp_path).mutants}
    lost = set(before) - again
    assert lost and all(before[i].line == 27 for i in lost)


def test_ids_are_unique_and_name_contract_and_operator(snippet: tuple[Path, list[Mutant]]) -> None:
    ids = [m.id for m in snippet[1]]
    assert len(ids) == len(set(ids))
    assert all(i.split(":")[:2] == ["Snippet", m.operator] for i, m in zip(ids, snippet[1], strict=True))


def test_sample_is_stable_and_spread(snippet: tuple[Path, list[Mutant]]) -> None:
    mutants = snippet[1]
    assert sample(mutants, None) == mutants and sample(mutants, 0) == mutants
    picked = sample(mutants, len(OPERATORS))
    assert len(picked) == len(OPERATORS)
    assert Counter(m.operator for m in picked) == Counter(OPERATORS)
    assert sample(list(reversed(mutants)), 5) == list(reversed(sample(mutants, 5)))
    assert [m.start for m in picked] == sorted(m.start for m in picked)


def test_sample_spreads_over_functions_and_does_not_depend_on_order() -> None:
    """RevenueConfig has most of its mutants in its constructor: the sample still takes them
    from many functions, at most two from one, and the same eight whatever order they come in."""
    path = "contracts/persona/RevenueConfig.vy"
    mutants = generate((ROOT / path).read_text(), path).mutants
    picked = sample(mutants, 8)
    per_function = Counter(m.function for m in picked)
    assert len(picked) == 8 and len(per_function) >= 5 and max(per_function.values()) <= 2
    assert Counter(m.function for m in mutants).most_common(1)[0][1] > 8  # not a spread by luck
    assert sample(list(reversed(mutants)), 8) == list(reversed(picked))
    # within an operator, a function already in the sample yields to one that is not
    for mutant in picked:
        others = [m for m in mutants if m.operator == mutant.operator and m not in picked]
        assert not others or per_function[mutant.function] <= 1 + min(per_function[m.function] for m in others)


# A contract (the smallest), one that imports interfaces and a module compiled into another.
REAL = ["contracts/persona/RevenueConfig.vy", "contracts/persona/PersonaTreasury.vy", "contracts/token/votes.vy"]


@pytest.mark.parametrize("path", REAL)
def test_every_mutant_of_a_real_contract_parses(path: str) -> None:
    source = (ROOT / path).read_text()
    generated = generate(source, path, root=ROOT)
    assert generated.typed
    assert {m.operator for m in generated.mutants} >= {"comparison", "assert", "arguments", "log", "boolean"}
    for mutant in generated.mutants:
        parse_to_ast(mutant.apply(source))


def test_unknown_operator_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown operators: swap"):
        generate(SNIPPET, "Snippet.vy", operators=("swap",))
