"""Constants and small chain helpers shared by the staking and reputation tests."""

DAY = 86400
TOKEN = 10**18
PRECISION = 10**36
CAP = 10**9 * TOKEN
SUPPLY = 5 * 10**8 * TOKEN
HOLDER_BALANCE = 10**7 * TOKEN
ACTIVE_PERSONAS = (1, 2, 3)
RETIRED_PERSONA = 4
ZERO = "0x0000000000000000000000000000000000000000"


def head(chain):
    """Timestamp of the latest block (the time views are evaluated at)."""
    return chain.blocks.head.timestamp


def travel(chain, seconds):
    """Mine an empty block `seconds` after the next pending timestamp."""
    chain.pending_timestamp += seconds
    chain.mine()


def own_events(tx, contract):
    """The events `contract` itself emitted in `tx` (token Transfer logs left out)."""
    return [e for e in tx.events if e.contract_address == contract.address]
