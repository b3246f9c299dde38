# pragma version ~=0.4.3
"""
@title MockRevenuePayee
@notice FameEngine TEST-ONLY revenue sink for the content market's unit tests:
        `pay(persona_id, token, amount)` pulls `amount` of `token` from the
        caller (as the RevenueSplitter does) and records it per persona, so the
        market's tests do not depend on how revenue is split. Never deploy
        outside tests.
"""

from ethereum.ercs import IERC20

# @notice Revenue received per (persona, token).
received: public(HashMap[uint256, HashMap[address, uint256]])


@external
def pay(persona_id: uint256, token: address, amount: uint256):
    """
    @notice Pulls `amount` of `token` from the caller as revenue of `persona_id`.
    @param persona_id The persona.
    @param token The ERC-20.
    @param amount The amount (the caller approved it).
    """
    self.received[persona_id][token] += amount
    assert extcall IERC20(token).transferFrom(msg.sender, self, amount, default_return_value=True), "mock: transferFrom failed"
