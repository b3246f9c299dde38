"""The mutation operators: each turns one node of a contract's Vyper AST into text edits.

Every edit replaces an exact span of the source (from the node positions the Vyper parser
gives: lineno, col_offset, end_lineno, end_col_offset), so nothing outside the node changes.
Comments are not in the AST and docstrings are DocStr nodes no operator touches; declarations
that hold no behaviour (events, structs, interfaces, flags, imports, exports, type annotations,
decorators) are skipped as a whole.

Operators (the names `--operators` takes):

- comparison: `<` <-> `<=`, `>` <-> `>=`, `==` <-> `!=`, `in` <-> `not in`
- off-by-one: an integer literal n -> n + 1 and n - 1 (a `bound=` only shrinks: a larger
  bound changes nothing a test can see); a non-literal `range` stop -> stop + 1 and stop - 1
- arithmetic: `+` <-> `-`, `*` <-> `//`, `/` -> `*`, `%` -> `//`, `**` -> `*`, `&` <-> `|`,
  `^` -> `|`, `<<` <-> `>>`, and the same on augmented assignments to locals
- assert: an `assert` statement removed
- state-write: a write to storage (`self.x = v`, `self.x += v`, `self.xs.append(v)`,
  `self.xs.pop()`) removed, and `+=` <-> `-=` (and the other augmented operators) on storage
- arguments: two adjacent arguments of one call swapped, positional or keyword, when the
  compiler's types say they are of the same type (and the call is not a commutative builtin)
- log: a `log Event(...)` removed
- boolean: `not` removed, `not` added to an `if` condition, `True` <-> `False`, `and` <-> `or`
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from vyper.ast import nodes as vy_ast  # type: ignore[import-untyped]
from vyper.semantics.types import TYPE_T  # type: ignore[import-untyped]

OPERATORS: tuple[str, ...] = (
    "comparison",
    "off-by-one",
    "arithmetic",
    "assert",
    "state-write",
    "arguments",
    "log",
    "boolean",
)


@dataclass(frozen=True)
class Edit:
    """One candidate mutant: source[start:end] (which reads `original`) becomes `replacement`."""

    operator: str
    start: int
    end: int
    original: str
    replacement: str
    description: str


class SourceText:
    """A contract's text and the map from the parser's (line, column) to character offsets."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = text.splitlines(keepends=True)
        self.line_starts: list[int] = []
        offset = 0
        for line in self.lines:
            self.line_starts.append(offset)
            offset += len(line)
        self.line_starts.append(offset)

    def offset(self, lineno: int, col: int) -> int:
        if lineno > len(self.lines):
            return len(self.text)
        # Python's parser (under Vyper's) counts columns in UTF-8 bytes, not characters.
        line = self.lines[lineno - 1]
        prefix = line.encode("utf-8")[:col].decode("utf-8", errors="ignore")
        return self.line_starts[lineno - 1] + len(prefix)

    def span(self, node: vy_ast.VyperNode) -> tuple[int, int]:
        return self.offset(node.lineno, node.col_offset), self.offset(node.end_lineno, node.end_col_offset)

    def of(self, node: vy_ast.VyperNode) -> str:
        start, end = self.span(node)
        return self.text[start:end]

    def line_of(self, offset: int) -> int:
        """1-based line number of a character offset."""
        lo, hi = 0, len(self.line_starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.line_starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1


# Declarations without behaviour: their whole subtree is left alone.
_SKIPPED_DECLARATIONS = (
    vy_ast.EventDef,
    vy_ast.StructDef,
    vy_ast.InterfaceDef,
    vy_ast.FlagDef,
    vy_ast.Import,
    vy_ast.ImportFrom,
    vy_ast.ImplementsDecl,
    vy_ast.UsesDecl,
    vy_ast.InitializesDecl,
    vy_ast.ExportsDecl,
    vy_ast.DocStr,
)

# Builtins whose arguments at these positions are types, not values (`empty(DynArray[x, 8])`).
_TYPE_ARGUMENTS = {
    "empty": (0,),
    "convert": (1,),
    "abi_decode": (1,),
    "_abi_decode": (1,),
    "max_value": (0,),
    "min_value": (0,),
    "epsilon": (0,),
}
# Keyword arguments that are types or buffer sizes: a changed size is a compile error or
# changes nothing.
_SKIPPED_KEYWORDS = {"output_type", "max_outsize"}
# Builtins for which swapping the first two arguments cannot change the result.
_COMMUTATIVE = {"min", "max", "unsafe_add", "unsafe_mul", "uint256_addmod", "uint256_mulmod"}

_GAP = r"(?:\s|\\\n|\(|\)|#[^\n]*)*"

_COMPARISONS: dict[type, tuple[str, str, str]] = {
    # node type: (token regex, token, replacement)
    vy_ast.Lt: ("<", "<", "<="),
    vy_ast.LtE: ("<=", "<=", "<"),
    vy_ast.Gt: (">", ">", ">="),
    vy_ast.GtE: (">=", ">=", ">"),
    vy_ast.Eq: ("==", "==", "!="),
    vy_ast.NotEq: ("!=", "!=", "=="),
    vy_ast.In: ("in", "in", "not in"),
    vy_ast.NotIn: (r"not\s+in", "not in", "in"),
}

_ARITHMETIC: dict[type, tuple[str, str]] = {
    vy_ast.Add: ("+", "-"),
    vy_ast.Sub: ("-", "+"),
    vy_ast.Mult: ("*", "//"),
    vy_ast.FloorDiv: ("//", "*"),
    vy_ast.Div: ("/", "*"),
    vy_ast.Mod: ("%", "//"),
    vy_ast.Pow: ("**", "*"),
    vy_ast.BitAnd: ("&", "|"),
    vy_ast.BitOr: ("|", "&"),
    vy_ast.BitXor: ("^", "|"),
    vy_ast.LShift: ("<<", ">>"),
    vy_ast.RShift: (">>", "<<"),
}

_ATOMS = (vy_ast.Name, vy_ast.Attribute, vy_ast.Call, vy_ast.Subscript, vy_ast.Int)


class Context:
    """What the operators need besides the node: the text, and whether types are known."""

    def __init__(self, source: SourceText, typed: bool) -> None:
        self.source = source
        self.typed = typed

    def edit(self, operator: str, node: vy_ast.VyperNode, replacement: str, description: str) -> Edit:
        start, end = self.source.span(node)
        return self.edit_span(operator, node, start, end, replacement, description)

    def edit_span(
        self, operator: str, node: vy_ast.VyperNode, start: int, end: int, replacement: str, description: str
    ) -> Edit:
        return Edit(operator, start, end, self.source.text[start:end], replacement, description)

    def token_between(
        self, left: vy_ast.VyperNode, right: vy_ast.VyperNode, token_regex: str
    ) -> tuple[int, int] | None:
        """The span of the operator token between two operands (parentheses, line breaks and
        comments may surround it), or None when the text there is not just that token."""
        a = self.source.span(left)[1]
        b = self.source.span(right)[0]
        if b < a:
            return None
        match = re.fullmatch(f"{_GAP}({token_regex}){_GAP}", self.source.text[a:b])
        if match is None:
            return None
        return a + match.start(1), a + match.end(1)


def _state_rooted(node: vy_ast.VyperNode) -> bool:
    """Whether an assignment target is storage: `self.x`, `self.m[k].f`, ..."""
    seen_attribute = False
    while isinstance(node, (vy_ast.Attribute, vy_ast.Subscript)):
        seen_attribute = seen_attribute or isinstance(node, vy_ast.Attribute)
        node = node.value
    return seen_attribute and isinstance(node, vy_ast.Name) and node.id == "self"


def _type_of(node: vy_ast.VyperNode) -> str | None:
    typ = node._metadata.get("type")
    if typ is None or isinstance(typ, TYPE_T):
        return None
    return str(typ)


def _call_name(node: vy_ast.Call) -> str | None:
    return node.func.id if isinstance(node.func, vy_ast.Name) else None


def comparison(node: vy_ast.VyperNode, ctx: Context) -> Iterator[Edit]:
    if not isinstance(node, vy_ast.Compare):
        return
    entry = _COMPARISONS.get(type(node.op))
    if entry is None:
        return
    regex, token, replacement = entry
    span = ctx.token_between(node.left, node.right, regex)
    if span is not None:
        yield ctx.edit_span("comparison", node, *span, replacement, f"`{token}` -> `{replacement}`")


def off_by_one(node: vy_ast.VyperNode, ctx: Context) -> Iterator[Edit]:
    if isinstance(node, vy_ast.Int):
        text = ctx.source.of(node)
        if not re.fullmatch(r"-?[0-9][0-9_]*", text):
            return
        value = int(text.replace("_", ""))
        parent = node.get_ancestor()
        only_down = isinstance(parent, vy_ast.keyword) and parent.arg == "bound"
        for new in (value - 1,) if only_down else (value + 1, value - 1):
            if new < 0 <= value:
                continue  # a negative literal where the type is unsigned does not compile
            shown = f"{new:_}" if "_" in text else str(new)
            yield ctx.edit("off-by-one", node, shown, f"`{text}` -> `{shown}`")
    elif isinstance(node, vy_ast.For) and isinstance(node.iter, vy_ast.Call) and _call_name(node.iter) == "range":
        if not node.iter.args:
            return
        stop = node.iter.args[-1]
        if isinstance(stop, vy_ast.Int):
            return  # the literal's own mutants cover it
        text = ctx.source.of(stop)
        wrapped = text if isinstance(stop, _ATOMS) else f"({text})"
        for sign in ("+", "-"):
            yield ctx.edit("off-by-one", stop, f"{wrapped} {sign} 1", f"range stop `{text}` -> `{wrapped} {sign} 1`")


def arithmetic(node: vy_ast.VyperNode, ctx: Context) -> Iterator[Edit]:
    if isinstance(node, vy_ast.BinOp):
        entry = _ARITHMETIC.get(type(node.op))
        if entry is None:
            return
        token, replacement = entry
        span = ctx.token_between(node.left, node.right, re.escape(token))
        if span is not None:
            yield ctx.edit_span("arithmetic", node, *span, replacement, f"`{token}` -> `{replacement}`")
    elif isinstance(node, vy_ast.AugAssign) and not _state_rooted(node.target):
        yield from _augmented("arithmetic", node, ctx)


def _augmented(operator: str, node: vy_ast.AugAssign, ctx: Context) -> Iterator[Edit]:
    entry = _ARITHMETIC.get(type(node.op))
    if entry is None:
        return
    token, replacement = entry[0] + "=", entry[1] + "="
    span = ctx.token_between(node.target, node.value, re.escape(token))
    if span is not None:
        yield ctx.edit_span(operator, node, *span, replacement, f"`{token}` -> `{replacement}`")


def assert_removed(node: vy_ast.VyperNode, ctx: Context) -> Iterator[Edit]:
    if isinstance(node, vy_ast.Assert):
        yield ctx.edit("assert", node, "pass", "assert removed")


def state_write(node: vy_ast.VyperNode, ctx: Context) -> Iterator[Edit]:
    if isinstance(node, vy_ast.Assign) and _state_rooted(node.target):
        yield ctx.edit("state-write", node, "pass", "state write removed")
    elif isinstance(node, vy_ast.AugAssign) and _state_rooted(node.target):
        yield ctx.edit("state-write", node, "pass", "state write removed")
        yield from _augmented("state-write", node, ctx)
    elif (
        isinstance(node, vy_ast.Expr)
        and isinstance(node.value, vy_ast.Call)
        and isinstance(node.value.func, vy_ast.Attribute)
        and node.value.func.attr in ("append", "pop")
        and _state_rooted(node.value.func.value)
    ):
        yield ctx.edit("state-write", node, "pass", f"storage `{node.value.func.attr}` removed")


def arguments(node: vy_ast.VyperNode, ctx: Context) -> Iterator[Edit]:
    if not ctx.typed or not isinstance(node, vy_ast.Call):
        return
    name = _call_name(node)
    if name == "range":
        return
    pairs = list(zip(node.args, node.args[1:], strict=False))
    if name in _COMMUTATIVE:
        pairs = pairs[1:]
    values = [kw.value for kw in node.keywords if kw.arg not in _SKIPPED_KEYWORDS]
    pairs += list(zip(values, values[1:], strict=False))
    for first, second in pairs:
        first_type, second_type = _type_of(first), _type_of(second)
        if first_type is None or first_type != second_type:
            continue
        a_start, a_end = ctx.source.span(first)
        b_start, b_end = ctx.source.span(second)
        a_text, b_text = ctx.source.text[a_start:a_end], ctx.source.text[b_start:b_end]
        if a_text == b_text:
            continue
        between = ctx.source.text[a_end:b_start]
        yield ctx.edit_span(
            "arguments", node, a_start, b_end, b_text + between + a_text, f"`{a_text}` <-> `{b_text}` ({first_type})"
        )


def log_removed(node: vy_ast.VyperNode, ctx: Context) -> Iterator[Edit]:
    if isinstance(node, vy_ast.Log):
        yield ctx.edit("log", node, "pass", "log removed")


def boolean(node: vy_ast.VyperNode, ctx: Context) -> Iterator[Edit]:
    if isinstance(node, vy_ast.UnaryOp) and isinstance(node.op, vy_ast.Not):
        text = ctx.source.of(node)
        if text.startswith("not"):
            yield ctx.edit("boolean", node, text[3:].lstrip(), "`not` removed")
    elif isinstance(node, (vy_ast.If, vy_ast.IfExp)):
        test = node.test
        if not (isinstance(test, vy_ast.UnaryOp) and isinstance(test.op, vy_ast.Not)):
            yield ctx.edit("boolean", test, f"not ({ctx.source.of(test)})", "`not` added")
    elif isinstance(node, vy_ast.NameConstant) and node.value in (True, False):
        text = ctx.source.of(node)
        new = "False" if node.value else "True"
        yield ctx.edit("boolean", node, new, f"`{text}` -> `{new}`")
    elif isinstance(node, vy_ast.BoolOp):
        token, new = ("and", "or") if isinstance(node.op, vy_ast.And) else ("or", "and")
        spans = [ctx.token_between(a, b, token) for a, b in zip(node.values, node.values[1:], strict=False)]
        if not spans or any(s is None for s in spans):
            return
        start, end = ctx.source.span(node)
        text = ctx.source.text
        pieces, cursor = [], start
        for s in spans:
            assert s is not None
            pieces += [text[cursor : s[0]], new]
            cursor = s[1]
        pieces.append(text[cursor:end])
        yield ctx.edit_span("boolean", node, start, end, "".join(pieces), f"`{token}` -> `{new}`")


_BY_NAME: dict[str, Callable[[vy_ast.VyperNode, Context], Iterator[Edit]]] = {
    "comparison": comparison,
    "off-by-one": off_by_one,
    "arithmetic": arithmetic,
    "assert": assert_removed,
    "state-write": state_write,
    "arguments": arguments,
    "log": log_removed,
    "boolean": boolean,
}
assert tuple(_BY_NAME) == OPERATORS


def _skipped_nodes(module: vy_ast.Module) -> set[int]:
    """ids of the nodes no operator may touch (see the module docstring)."""
    roots: list[vy_ast.VyperNode] = []
    for node in module.get_descendants():
        if isinstance(node, _SKIPPED_DECLARATIONS):
            roots.append(node)
        elif isinstance(node, (vy_ast.AnnAssign, vy_ast.VariableDecl, vy_ast.arg)):
            roots.append(node.annotation)
        elif isinstance(node, vy_ast.FunctionDef):
            roots += [node.returns, *node.decorator_list]
        elif isinstance(node, vy_ast.For):
            # the loop variable's declaration (and the parser gives it no usable position)
            roots.append(node.target)
        elif isinstance(node, vy_ast.Call):
            name = _call_name(node)
            roots += [node.args[i] for i in _TYPE_ARGUMENTS.get(name or "", ()) if i < len(node.args)]
            roots += [kw for kw in node.keywords if kw.arg in _SKIPPED_KEYWORDS]
        if isinstance(node._metadata.get("type"), TYPE_T):
            roots.append(node)
    skipped: set[int] = set()
    for root in roots:
        if root is None:
            continue
        skipped.add(id(root))
        skipped.update(id(d) for d in root.get_descendants())
    return skipped


def functions(module: vy_ast.Module, source: SourceText) -> list[tuple[int, int, str]]:
    """(start, end, name) of the module's functions. Found by position: the getters the
    compiler expands from `public(...)` declarations are FunctionDefs too, but not in the body."""
    return [(*source.span(fn), fn.name) for fn in module.body if isinstance(fn, vy_ast.FunctionDef)]


def function_at(spans: list[tuple[int, int, str]], offset: int) -> str:
    """The name of the function an offset is in, or `<module>` for module-level code."""
    for start, end, name in spans:
        if start <= offset < end:
            return name
    return "<module>"


def candidate_edits(module: vy_ast.Module, source: SourceText, typed: bool, operators: tuple[str, ...]) -> list[Edit]:
    """Every edit the chosen operators make on a parsed (and, when `typed`, annotated) module,
    in source order, each span checked against the text it replaces."""
    ctx = Context(source, typed)
    skipped = _skipped_nodes(module)
    edits: list[Edit] = []
    for node in module.get_descendants():
        if id(node) in skipped:
            continue
        for name in operators:
            for edit in _BY_NAME[name](node, ctx):
                if edit.replacement != edit.original and source.text[edit.start : edit.end] == edit.original:
                    edits.append(edit)
    edits.sort(key=lambda e: (e.start, e.end, e.operator, e.replacement))
    return edits
