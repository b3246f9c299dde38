"""ERC-6372 (Contract clock) conformance of FMC.

FMC is the only contract in scope that claims ERC-6372 (its votes module declares
`implements: IERC6372`; ERC-5805 asks voting tokens to announce their clock with it).
Covered: "Specification" (both functions MUST be implemented, with the declared types),
"clock" (the current timepoint of the mode, a non-decreasing function of the chain),
"CLOCK_MODE" (a URL query string; "mode=timestamp" for a timestamp clock) and "Expected
properties" ("The clock() function MUST be non-decreasing"). The block-number forms of
CLOCK_MODE (`mode=blocknumber&from=...`) and "any other mode" do not apply: FMC's clock is
block.timestamp, which the tests establish independently of CLOCK_MODE before checking
that CLOCK_MODE says so.
"""

from urllib.parse import parse_qsl

from ape import chain
from conformance_helpers import abi_signatures, mine_to, now
from eth_abi import decode as abi_decode
from eth_utils import keccak


def clock_at(fmc, block_number: int) -> int:
    """clock() as of block `block_number` (a raw eth_call at that block)."""
    w3 = chain.provider.web3
    data = keccak(text="clock()")[:4]
    out = w3.eth.call({"to": str(fmc.address), "data": data}, block_identifier=block_number)
    return abi_decode(["uint48"], out)[0]


def test_erc6372_compliant_contracts_MUST_implement_clock_and_CLOCK_MODE(fmc):
    """ "Compliant contracts MUST implement the clock and CLOCK_MODE functions as specified below":
    function clock() external view returns (uint48); function CLOCK_MODE() external view returns
    (string)."""
    functions = abi_signatures(fmc, "function")
    clock, mode = functions["clock()"], functions["CLOCK_MODE()"]
    assert clock.stateMutability == "view" and [o.type for o in clock.outputs] == ["uint48"]
    assert mode.stateMutability == "view" and [o.type for o in mode.outputs] == ["string"]


def test_erc6372_clock_returns_the_current_timepoint_of_the_mode(fmc):
    """clock: "This function returns the current timepoint according to the mode the contract is
    operating on" -- block after block, including jumps of several days, it is the block's
    timestamp (and not its number)."""
    for jump in (1, 13, 3 * 86_400):
        mine_to(now() + jump)
        head = chain.blocks.head
        assert fmc.clock() == head.timestamp != head.number


def test_erc6372_clock_MUST_be_non_decreasing(fmc):
    """clock: "It MUST be a non-decreasing function of the chain" and Expected properties: "The
    clock() function MUST be non-decreasing." -- read at every block of a stretch of chain,
    including blocks mined without moving time forward."""
    w3 = chain.provider.web3
    first = chain.blocks.head.number
    for jump in (5, 1, 1000, 2):
        mine_to(now() + jump)
    w3.provider.make_request("evm_mine", [])  # anvil picks the timestamp
    w3.provider.make_request("evm_mine", [])
    last = chain.blocks.head.number
    clocks = [clock_at(fmc, n) for n in range(first, last + 1)]
    assert clocks == sorted(clocks)
    assert clocks[-1] == fmc.clock()


def test_erc6372_CLOCK_MODE_MUST_be_formatted_like_a_URL_query_string(fmc):
    """CLOCK_MODE: "This string MUST be formatted like a URL query string (a.k.a.
    application/x-www-form-urlencoded), decodable in standard JavaScript with new
    URLSearchParams(CLOCK_MODE)." -- parsed strictly as x-www-form-urlencoded."""
    pairs = parse_qsl(fmc.CLOCK_MODE(), keep_blank_values=True, strict_parsing=True)
    assert pairs and all(key for key, _ in pairs)
    assert dict(pairs)["mode"] == "timestamp"


def test_erc6372_CLOCK_MODE_MUST_return_mode_timestamp_when_operating_on_timestamps(fmc):
    """CLOCK_MODE: "If operating using timestamp, then this function MUST return mode=timestamp."
    (the clock is block.timestamp, as the tests above establish)."""
    mine_to(now() + 77)
    assert fmc.clock() == chain.blocks.head.timestamp
    assert fmc.CLOCK_MODE() == "mode=timestamp"
