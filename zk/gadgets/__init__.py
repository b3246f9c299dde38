"""Circuit gadgets: Poseidon (circomlib-compatible), binary Merkle inclusion, comparisons."""

from .comparators import assert_bool, is_equal, is_zero, less_than, num2bits
from .merkle import MerkleTree, merkle_root_gadget
from .poseidon import poseidon, poseidon_gadget

__all__ = [
    "MerkleTree",
    "assert_bool",
    "is_equal",
    "is_zero",
    "less_than",
    "merkle_root_gadget",
    "num2bits",
    "poseidon",
    "poseidon_gadget",
]
