"""A small circuit-building API that produces a rank-1 constraint system and its witness.

    cs = ConstraintSystem("example")
    out = cs.output("y")                 # public outputs first (snarkjs order) ...
    x = cs.public_input("x")             # ... then public inputs ...
    s = cs.private_input("s")            # ... then private inputs
    y = cs.mul(x, s) + 3                 # a new wire and the constraint x * s = wire
    cs.bind(out, y)                      # out == y (one linear constraint)
    circuit = cs.compile()
    w = circuit.witness({"x": 2, "s": 5})  # full assignment, w[0] == 1, w[1] == 13
    assert circuit.r1cs.is_satisfied(w)

Linear combinations (`LC`) are free, as in circom: only `mul`/`constrain` add rows. Every wire
gets a *hint* that computes its value from earlier wires, so `witness()` replays the hints in
creation order; gadgets may register one hint that fills a block of wires natively (Poseidon
does, which keeps witness generation fast).

Wire order in the compiled system is circom's: 0 is the constant one, then the outputs, the
public inputs, the private inputs, then internal wires in creation order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any, Literal

from .field import R

_KIND_ORDER = {"one": 0, "output": 1, "public": 2, "private": 3, "internal": 4}

#: A sparse row of a compiled system: (wire, coeff) pairs sorted by wire.
Sparse = list[tuple[int, int]]
#: One R1CS row (A, B, C).
Constraint = tuple[Sparse, Sparse, Sparse]
#: A witness hint: the values of the dependencies in, the values of its wires out.
Hint = Callable[..., Iterable[int]]
#: A step of a compiled witness program (wire ids in the compiled numbering).
Step = (
    tuple[Literal["mul"], int, Sparse, Sparse]
    | tuple[Literal["lc"], int, Sparse]
    | tuple[Literal["fn"], list[int], list[Sparse], Hint]
)
#: A step while building (wire ids in creation order, terms as built).
_BuildStep = (
    tuple[Literal["mul"], int, dict[int, int], dict[int, int]]
    | tuple[Literal["lc"], int, dict[int, int]]
    | tuple[Literal["fn"], list[int], list[dict[int, int]], Hint]
)


class LC:
    """A linear combination sum(c_i * wire_i) over Fr; wire 0 is the constant 1."""

    __slots__ = ("terms", "cs")

    def __init__(self, terms: Mapping[int, int] | None = None, cs: ConstraintSystem | None = None):
        self.terms: dict[int, int] = {k: v % R for k, v in (terms or {}).items() if v % R}
        self.cs = cs

    # construction helpers
    @staticmethod
    def const(value: int, cs: ConstraintSystem | None = None) -> LC:
        return LC({0: value % R}, cs)

    def _coerce(self, other: LC | int) -> LC:
        if isinstance(other, LC):
            return other
        if isinstance(other, int):
            return LC.const(other, self.cs)
        raise TypeError(f"cannot combine LC with {type(other).__name__}")

    def __add__(self, other: LC | int) -> LC:
        o = self._coerce(other)
        t = dict(self.terms)
        for k, v in o.terms.items():
            nv = (t.get(k, 0) + v) % R
            if nv:
                t[k] = nv
            else:
                t.pop(k, None)
        out = LC(None, self.cs or o.cs)
        out.terms = t
        return out

    __radd__ = __add__

    def __neg__(self) -> LC:
        out = LC(None, self.cs)
        out.terms = {k: (-v) % R for k, v in self.terms.items()}
        return out

    def __sub__(self, other: LC | int) -> LC:
        return self + (-self._coerce(other))

    def __rsub__(self, other: LC | int) -> LC:
        return self._coerce(other) - self

    def __mul__(self, k: int) -> LC:
        if isinstance(k, LC):
            raise TypeError("LC * LC is not linear: use ConstraintSystem.mul")
        k %= R
        out = LC(None, self.cs)
        if k:
            out.terms = {w: v * k % R for w, v in self.terms.items() if v * k % R}
        return out

    __rmul__ = __mul__

    def is_constant(self) -> bool:
        return all(w == 0 for w in self.terms)

    def constant_value(self) -> int:
        return self.terms.get(0, 0)

    def single_wire(self) -> int | None:
        """The wire id if this LC is exactly 1 * wire."""
        if len(self.terms) == 1:
            ((w, c),) = self.terms.items()
            if c == 1 and w != 0:
                return w
        return None

    def __repr__(self) -> str:
        return "LC(" + " + ".join(f"{c}*w{w}" for w, c in sorted(self.terms.items())) + ")"


#: What the builder accepts where it wants a linear combination: an LC or a constant.
LCLike = LC | int


@dataclass
class R1CS:
    """Constraints A_k . w * B_k . w = C_k . w over the wires w (w[0] == 1)."""

    n_wires: int
    n_pub_out: int
    n_pub_in: int
    n_prv_in: int
    constraints: list[Constraint]  # [(A, B, C)], each a list of (wire, coeff) sorted by wire
    labels: list[str] = dc_field(default_factory=list)  # a name per wire
    name: str = "circuit"

    @property
    def n_public(self) -> int:
        return self.n_pub_out + self.n_pub_in

    @property
    def n_constraints(self) -> int:
        return len(self.constraints)

    def first_unsatisfied(self, witness: Sequence[int]) -> int | None:
        """Index of the first violated constraint, or None."""
        if len(witness) != self.n_wires or witness[0] % R != 1:
            return -1
        for k, (a, b, c) in enumerate(self.constraints):
            av = sum(v * witness[i] for i, v in a)
            bv = sum(v * witness[i] for i, v in b)
            cv = sum(v * witness[i] for i, v in c)
            if (av * bv - cv) % R:
                return k
        return None

    def is_satisfied(self, witness: Sequence[int]) -> bool:
        return self.first_unsatisfied(witness) is None

    def nonzeros(self) -> int:
        return sum(len(a) + len(b) + len(c) for a, b, c in self.constraints)

    def domain_size(self) -> int:
        """The QAP domain: smallest power of two > n_constraints + n_public (snarkjs's rule)."""
        m = self.n_constraints + self.n_public
        return 1 << m.bit_length()


@dataclass
class Circuit:
    """A compiled circuit: its R1CS and the program that computes witnesses."""

    r1cs: R1CS
    inputs: dict[str, list[int]]  # name -> list of wire ids (new numbering); scalars are lists of one
    input_kinds: dict[str, str]  # name -> "public" | "private"
    outputs: dict[str, int]  # name -> wire id
    _program: list[Step]
    meta: dict[str, Any] = dc_field(default_factory=dict)

    @property
    def public_names(self) -> list[str]:
        """Names of the public signals in snarkjs order (outputs, then public inputs)."""
        names = list(self.outputs)
        for name, kind in self.input_kinds.items():
            if kind == "public":
                ids = self.inputs[name]
                names += [name] if len(ids) == 1 else [f"{name}[{i}]" for i in range(len(ids))]
        return names

    def witness(self, assignment: Mapping[str, object]) -> list[int]:
        """Full witness for the given inputs (scalars, or lists for array inputs)."""
        w = [0] * self.r1cs.n_wires
        w[0] = 1
        missing = [n for n in self.inputs if n not in assignment]
        if missing:
            raise ValueError(f"missing circuit inputs: {', '.join(missing)}")
        extra = [n for n in assignment if n not in self.inputs]
        if extra:
            raise ValueError(f"unknown circuit inputs: {', '.join(extra)}")
        for name, ids in self.inputs.items():
            val = assignment[name]
            # any value int() takes; int() below checks each one
            vals: list[Any] = list(val) if isinstance(val, (list, tuple)) else [val]
            if len(vals) != len(ids):
                raise ValueError(f"input {name} needs {len(ids)} values, got {len(vals)}")
            for i, v in zip(ids, vals, strict=False):
                v = int(v)
                if not 0 <= v < R:
                    raise ValueError(f"input {name} = {v} is not a field element (0 <= v < r)")
                w[i] = v
        for step in self._program:
            if step[0] == "mul":
                _, out, a, b = step
                w[out] = (sum(c * w[i] for i, c in a) % R) * (sum(c * w[i] for i, c in b) % R) % R
            elif step[0] == "lc":
                _, out, a = step
                w[out] = sum(c * w[i] for i, c in a) % R
            else:
                _, outs, deps, fn = step
                res = fn(*[sum(c * w[i] for i, c in d) % R for d in deps])
                for i, v in zip(outs, res, strict=False):
                    w[i] = int(v) % R
        return w

    def public_signals(self, witness: Sequence[int]) -> list[int]:
        return [int(witness[i]) for i in range(1, 1 + self.r1cs.n_public)]


class ConstraintSystem:
    """Builder; see the module docstring."""

    def __init__(self, name: str = "circuit"):
        self.name = name
        self._kinds: list[str] = ["one"]
        self._labels: list[str] = ["one"]
        self._constraints: list[tuple[dict[int, int], dict[int, int], dict[int, int]]] = []
        self._program: list[_BuildStep] = []
        self._inputs: dict[str, list[int]] = {}
        self._input_kinds: dict[str, str] = {}
        self._outputs: dict[str, int] = {}
        self._bound: set[int] = set()
        self.one = LC({0: 1}, self)

    # -- wires ------------------------------------------------------------------------------------
    def _new_wire(self, kind: str, label: str) -> int:
        self._kinds.append(kind)
        self._labels.append(label)
        return len(self._kinds) - 1

    def _wire_lc(self, w: int) -> LC:
        return LC({w: 1}, self)

    def output(self, name: str) -> LC:
        """Declare a public output; give it its value with `bind(out, lc)`."""
        self._check_name(name)
        w = self._new_wire("output", name)
        self._outputs[name] = w
        return self._wire_lc(w)

    def public_input(self, name: str) -> LC:
        return self._inputs_of(name, 1, "public")[0]

    def private_input(self, name: str) -> LC:
        return self._inputs_of(name, 1, "private")[0]

    def public_inputs(self, name: str, n: int) -> list[LC]:
        return self._inputs_of(name, n, "public")

    def private_inputs(self, name: str, n: int) -> list[LC]:
        return self._inputs_of(name, n, "private")

    def _check_name(self, name: str) -> None:
        if name in self._inputs or name in self._outputs:
            raise ValueError(f"signal {name} declared twice")

    def _inputs_of(self, name: str, n: int, kind: str) -> list[LC]:
        self._check_name(name)
        ids = [self._new_wire(kind, name if n == 1 and kind else f"{name}[{i}]") for i in range(n)]
        self._inputs[name] = ids
        self._input_kinds[name] = kind
        return [self._wire_lc(w) for w in ids]

    # -- constraints ------------------------------------------------------------------------------
    def _lc(self, x: LCLike) -> LC:
        if isinstance(x, LC):
            return x
        if isinstance(x, int):
            return LC.const(x, self)
        raise TypeError(f"expected LC or int, got {type(x).__name__}")

    def constrain(self, a: LCLike, b: LCLike, c: LCLike) -> None:
        """Add the row a * b = c."""
        a, b, c = self._lc(a), self._lc(b), self._lc(c)
        self._constraints.append((a.terms, b.terms, c.terms))

    def mul(self, a: LCLike, b: LCLike, label: str = "mul") -> LC:
        """A new wire equal to a * b (one constraint). Constants fold without a constraint."""
        a, b = self._lc(a), self._lc(b)
        if a.is_constant():
            return b * a.constant_value()
        if b.is_constant():
            return a * b.constant_value()
        w = self._new_wire("internal", label)
        self._program.append(("mul", w, dict(a.terms), dict(b.terms)))
        out = self._wire_lc(w)
        self.constrain(a, b, out)
        return out

    def square(self, a: LCLike, label: str = "sq") -> LC:
        return self.mul(a, a, label)

    def assert_equal(self, a: LCLike, b: LCLike) -> None:
        """a == b as one linear row (a - b) * 1 = 0."""
        self.constrain(self._lc(a) - self._lc(b), self.one, LC(None, self))

    def assert_bool(self, a: LCLike) -> None:
        """a * (a - 1) = 0."""
        a = self._lc(a)
        self.constrain(a, a - 1, LC(None, self))

    def bind(self, out: LC, value: LCLike) -> None:
        """Give a declared output its value: one row value * 1 = out."""
        w = out.single_wire()
        if w is None or self._kinds[w] != "output":
            raise ValueError("bind() takes an output declared with output()")
        if w in self._bound:
            raise ValueError(f"output {self._labels[w]} bound twice")
        self._bound.add(w)
        value = self._lc(value)
        self._program.append(("lc", w, dict(value.terms)))
        self.constrain(value, self.one, out)

    def compute(self, fn: Hint, deps: Sequence[LCLike], n_out: int = 1, label: str = "hint") -> list[LC]:
        """New wires whose values fn(*dep_values) computes. They are NOT constrained: the
        caller must add the constraints that pin them down (circom's `<--`)."""
        ws = [self._new_wire("internal", f"{label}[{i}]" if n_out > 1 else label) for i in range(n_out)]
        self._program.append(("fn", ws, [dict(self._lc(d).terms) for d in deps], fn))
        return [self._wire_lc(w) for w in ws]

    def materialize(self, a: LCLike, label: str = "lc") -> LC:
        """A wire equal to the linear combination a (one row), to keep later rows sparse."""
        a = self._lc(a)
        if a.single_wire() is not None or a.is_constant():
            return a
        w = self._new_wire("internal", label)
        self._program.append(("lc", w, dict(a.terms)))
        out = self._wire_lc(w)
        self.constrain(a, self.one, out)
        return out

    # -- compile ----------------------------------------------------------------------------------
    def compile(self) -> Circuit:
        unbound = [self._labels[w] for w in self._outputs.values() if w not in self._bound]
        if unbound:
            raise ValueError(f"outputs never bound: {', '.join(unbound)}")
        order = sorted(range(len(self._kinds)), key=lambda w: (_KIND_ORDER[self._kinds[w]], w))
        new = [0] * len(order)
        for new_id, old_id in enumerate(order):
            new[old_id] = new_id

        def remap(terms: Mapping[int, int]) -> Sparse:
            return sorted((new[w], c) for w, c in terms.items())

        constraints = [(remap(a), remap(b), remap(c)) for a, b, c in self._constraints]
        program: list[Step] = []
        for step in self._program:
            if step[0] == "mul":
                program.append(("mul", new[step[1]], remap(step[2]), remap(step[3])))
            elif step[0] == "lc":
                program.append(("lc", new[step[1]], remap(step[2])))
            else:
                program.append(("fn", [new[w] for w in step[1]], [remap(d) for d in step[2]], step[3]))
        count = {k: sum(1 for x in self._kinds if x == k) for k in _KIND_ORDER}
        r1cs = R1CS(
            n_wires=len(order),
            n_pub_out=count["output"],
            n_pub_in=count["public"],
            n_prv_in=count["private"],
            constraints=constraints,
            labels=[self._labels[o] for o in order],
            name=self.name,
        )
        return Circuit(
            r1cs=r1cs,
            inputs={n: [new[w] for w in ids] for n, ids in self._inputs.items()},
            input_kinds=dict(self._input_kinds),
            outputs={n: new[w] for n, w in self._outputs.items()},
            _program=program,
        )
