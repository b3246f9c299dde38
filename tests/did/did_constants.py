"""Constants of the DID tests (a module of its own: `conftest` is not importable by name
when several test folders have one)."""

DEPTH = 4
WINDOW = 2
DOC_CID = "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy"
