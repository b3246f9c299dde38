"""Binary Merkle trees with Poseidon(left, right) nodes, natively and as a circuit gadget.

Convention (shared by the tree, the gadget and the DID registry): leaves are numbered from
the left; at level i the path bit is bit i of the leaf index: 0 means the running node is the
left child (its sibling on the right), 1 that it is the right child. Empty leaves are 0, so an
empty subtree of height h has the root Z_h with Z_0 = 0, Z_{h+1} = Poseidon(Z_h, Z_h).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..field import R
from ..r1cs import LC, ConstraintSystem, LCLike
from .poseidon import poseidon, poseidon_gadget

DEFAULT_DEPTH = 20


def zero_roots(depth: int) -> list[int]:
    z = [0]
    for _ in range(depth):
        z.append(poseidon([z[-1], z[-1]]))
    return z


class MerkleTree:
    """A sparse fixed-depth tree (only filled nodes are stored); leaves appended in order."""

    def __init__(self, depth: int = DEFAULT_DEPTH, leaves: Sequence[int] = ()):
        if not 1 <= depth <= 32:
            raise ValueError("depth must be 1..32")
        self.depth = depth
        self.zeros = zero_roots(depth)
        self.levels: list[dict[int, int]] = [dict() for _ in range(depth + 1)]
        self.size = 0
        for leaf in leaves:
            self.append(leaf)

    def node(self, level: int, index: int) -> int:
        return self.levels[level].get(index, self.zeros[level])

    def append(self, leaf: int) -> int:
        """Insert at the next free index; returns that index."""
        if self.size >= 1 << self.depth:
            raise ValueError("tree is full")
        index = self.size
        self.size += 1
        self.set(index, leaf)
        return index

    def set(self, index: int, leaf: int) -> None:
        self.levels[0][index] = int(leaf) % R
        i = index
        for level in range(self.depth):
            parent = i >> 1
            left = self.node(level, parent << 1)
            right = self.node(level, (parent << 1) | 1)
            self.levels[level + 1][parent] = poseidon([left, right])
            i = parent

    @property
    def root(self) -> int:
        return self.node(self.depth, 0)

    def proof(self, index: int) -> tuple[list[int], list[int]]:
        """(siblings, path_bits) for the leaf at index, bottom-up."""
        siblings, bits = [], []
        i = index
        for level in range(self.depth):
            siblings.append(self.node(level, i ^ 1))
            bits.append(i & 1)
            i >>= 1
        return siblings, bits


def root_from_path(leaf: int, siblings: Sequence[int], bits: Sequence[int]) -> int:
    cur = int(leaf) % R
    for sib, bit in zip(siblings, bits, strict=False):
        cur = poseidon([sib, cur] if bit else [cur, sib])
    return cur


def merkle_root_gadget(cs: ConstraintSystem, leaf: LCLike, siblings: Sequence[LCLike], bits: Sequence[LCLike]) -> LC:
    """The root of the path (constrained); each path bit is constrained boolean. Per level:
    one row for the bit, one for the swap, 240 for Poseidon."""
    if len(siblings) != len(bits):
        raise ValueError("siblings and bits differ in length")
    cur = cs._lc(leaf)
    for level, (sib, bit) in enumerate(zip(siblings, bits, strict=False)):
        sib, bit = cs._lc(sib), cs._lc(bit)
        cs.assert_bool(bit)
        swap = cs.mul(bit, sib - cur, label=f"merkle_swap[{level}]")  # bit * (sib - cur)
        left = cur + swap  # bit ? sib : cur
        right = sib - swap  # bit ? cur : sib
        cur = poseidon_gadget(cs, [left, right], label=f"merkle_node[{level}]")
    return cur
