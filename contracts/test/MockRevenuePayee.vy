# pragma version ~=0.4.3
"""
@title MockRevenuePayee
@notice FameEngine TEST-ONLY stand-in for a persona's share token on its
        revenue side, for the content market's unit tests: `pay(token,
        amount)` pulls `amount` of `token` from the caller (as PersonaShare
        does) and records it, so the market's tests do not depend on how
        revenue is split. Never deploy outside tests.
"""

from ethereum.ercs import IERC20

# @notice Revenue received per token.
received: public(HashMap[address, uint256])


@external
def pay(token: address, amount: uint256):
    """
    @notice Pulls `amount` of `token` from the caller as revenue.
    @param token The ERC-20.
    @param amount The amount (the caller approved it).
    """
    self.received[token] += amount
    assert extcall IERC20(token).transferFrom(msg.sender, self, amount, default_return_value=True), "mock: transferFrom failed"
