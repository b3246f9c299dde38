"""Constants shared by the persona tests (a uniquely named module, so that it never
clashes with another area's conftest when the whole suite runs)."""

ETH = "0x0000000000000000000000000000000000000000"
ZERO = ETH
ACC_SCALE = 10**30  # PersonaShare.ACC_SCALE
MIN_SUPPLY = 10**18  # PersonaShare.MIN_DISTRIBUTION_SUPPLY
MAX_REVENUE = 2**112 - 1  # PersonaShare.MAX_REVENUE
BPS = 10_000
MAX_FEE_BPS = 1_000
MAX_ASSETS = 8
INITIAL_FEE_BPS = 500
SPEC_CID = "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi"
