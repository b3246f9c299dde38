"""A contract's mutants: the operators' edits, each with a stable id, and a stable sample.

A mutant's id is `Contract:operator:hash`, the hash over what the edit does and where, in
terms that unrelated edits elsewhere in the file leave alone: the operator, the enclosing
function's name, the text of the source lines the edit touches (whitespace collapsed), the
original and replacement snippets, and the rank of the mutant among those that share all of
these. Line numbers and offsets are not part of it, so adding a function or a comment above
keeps every id; editing the mutated line itself gives its mutants new ids.
"""

from __future__ import annotations

import difflib
import hashlib
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path

from vyper.ast import parse_to_ast  # type: ignore[import-untyped]

from audit.mutation.compiler import annotate
from audit.mutation.operators import OPERATORS, SourceText, candidate_edits, function_at, functions


@dataclass(frozen=True)
class Mutant:
    id: str
    contract: str
    path: str
    operator: str
    start: int
    end: int
    original: str
    replacement: str
    description: str
    line: int
    function: str

    def apply(self, source: str) -> str:
        if source[self.start : self.end] != self.original:
            raise ValueError(f"{self.id}: the source changed under the mutant (expected {self.original!r})")
        return source[: self.start] + self.replacement + source[self.end :]

    def diff(self, source: str, context: int = 3) -> str:
        lines = difflib.unified_diff(
            source.splitlines(keepends=True),
            self.apply(source).splitlines(keepends=True),
            fromfile=f"a/{self.path}",
            tofile=f"b/{self.path}",
            n=context,
        )
        return "".join(lines)

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class Generated:
    mutants: list[Mutant]
    #: whether the compiler's types were available (the `arguments` operator needs them)
    typed: bool


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def generate(
    source: str,
    path: str | Path,
    *,
    root: Path | None = None,
    operators: tuple[str, ...] = OPERATORS,
) -> Generated:
    """The mutants of `source`, the text of `path` (relative to `root`, the project whose
    search paths resolve its imports). Without a root the text is only parsed (no types)."""
    path = Path(path)
    unknown = set(operators) - set(OPERATORS)
    if unknown:
        raise ValueError(f"unknown operators: {', '.join(sorted(unknown))} (known: {', '.join(OPERATORS)})")
    if root is None:
        module, typed = parse_to_ast(source, resolved_path=str(path)), False
    else:
        module, typed = annotate(root, path, source)
    text = SourceText(source)
    contract = path.stem
    seen: set[tuple[int, int, str]] = set()
    ranks: dict[str, int] = defaultdict(int)
    spans = functions(module, text)
    mutants: list[Mutant] = []
    for edit in candidate_edits(module, text, typed, operators):
        key = (edit.start, edit.end, edit.replacement)
        if key in seen:
            continue  # two operators making the same edit: one mutant
        seen.add(key)
        first_line = text.line_of(edit.start)
        last_line = text.line_of(max(edit.start, edit.end - 1))
        context = _collapse("".join(text.lines[first_line - 1 : last_line]))
        function = function_at(spans, edit.start)
        base = _digest(edit.operator, function, context, edit.original, edit.replacement)
        rank = ranks[base]
        ranks[base] += 1
        mutants.append(
            Mutant(
                id=f"{contract}:{edit.operator}:{_digest(base, str(rank))[:10]}",
                contract=contract,
                path=path.as_posix(),
                operator=edit.operator,
                start=edit.start,
                end=edit.end,
                original=edit.original,
                replacement=edit.replacement,
                description=edit.description,
                line=first_line,
                function=function,
            )
        )
    return Generated(mutants, typed)


def sample(mutants: list[Mutant], max_mutants: int | None) -> list[Mutant]:
    """At most `max_mutants` of them (None or 0: all), spread over the operators and over the
    functions: the operators take turns, and at its turn an operator gives its mutant from the
    function (`<module>` for constants) that has the fewest in the sample so far; among those,
    the mutants go in the order of a hash of the contract's path and the mutant's id. The same
    contract and ids give the same sample, whatever order they come in, so a re-run finds its
    results in the cache."""
    if not max_mutants or len(mutants) <= max_mutants:
        return list(mutants)
    queues: dict[str, list[Mutant]] = defaultdict(list)
    for mutant in sorted(mutants, key=lambda m: _digest(m.path, m.id)):
        queues[mutant.operator].append(mutant)
    order = [op for op in OPERATORS if op in queues]
    chosen: list[Mutant] = []
    per_function: Counter[str] = Counter()
    while len(chosen) < max_mutants:
        for op in order:
            queue = queues[op]
            if queue and len(chosen) < max_mutants:
                at = min(range(len(queue)), key=lambda i: (per_function[queue[i].function], i))
                picked = queue.pop(at)
                per_function[picked.function] += 1
                chosen.append(picked)
    position = {m.id: i for i, m in enumerate(mutants)}
    return sorted(chosen, key=lambda m: position[m.id])
