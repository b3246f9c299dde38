"""Circuit gadgets: Poseidon (circomlib-compatible), binary Merkle inclusion, comparisons."""

from .poseidon import poseidon, poseidon_gadget  # noqa: F401
from .merkle import MerkleTree, merkle_root_gadget  # noqa: F401
from .comparators import is_zero, is_equal, num2bits, less_than, assert_bool  # noqa: F401
