"""Circuit gadgets: Poseidon (circomlib-compatible), binary Merkle inclusion, comparisons."""

from .comparators import assert_bool, is_equal, is_zero, less_than, num2bits  # noqa: F401
from .merkle import MerkleTree, merkle_root_gadget  # noqa: F401
from .poseidon import poseidon, poseidon_gadget  # noqa: F401
