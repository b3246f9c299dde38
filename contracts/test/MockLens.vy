# pragma version ~=0.4.3
"""
@title MockLens
@notice FameEngine TEST-ONLY reader: runs many uint256 view calls (and ETH
        balance reads) in one eth_call, so that a property test can check
        every invariant after every step without hundreds of RPC round trips.
        Never deploy outside tests.
"""

MAX_CALLS: constant(uint256) = 96


struct Call:
    target: address
    data: Bytes[164]


@view
@external
def eth_balance(account: address) -> uint256:
    """
    @notice The ETH balance of `account` (usable as a Call with target = this lens).
    """
    return account.balance


@view
@external
def read(calls: DynArray[Call, MAX_CALLS]) -> DynArray[uint256, MAX_CALLS]:
    """
    @notice Static-calls each target with its data; each must return one word.
    @return The words, in order.
    """
    out: DynArray[uint256, MAX_CALLS] = []
    for c: Call in calls:
        ret: Bytes[32] = raw_call(c.target, c.data, max_outsize=32, is_static_call=True)
        out.append(convert(ret, uint256))
    return out
