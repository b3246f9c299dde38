# pragma version ~=0.4.3
"""
@title MockRevenueHook
@notice FameEngine TEST-ONLY revenue hook: records every `on_share_transfer`
        call together with the share balances and supply it observed at that
        moment (proving the share token calls it BEFORE the balance change),
        and can be told to revert. Never deploy outside tests.
"""

from ethereum.ercs import IERC20

# @notice Number of calls received.
calls: public(uint256)
# @notice Arguments and observations of the last call.
last_caller: public(address)
last_persona_id: public(uint256)
last_sender: public(address)
last_receiver: public(address)
last_sender_balance: public(uint256)
last_receiver_balance: public(uint256)
last_total_supply: public(uint256)
# @notice When True, every call reverts.
fail: public(bool)


@external
def set_fail(fail_: bool):
    """
    @notice Makes the hook revert (or not).
    """
    self.fail = fail_


@external
def on_share_transfer(persona_id: uint256, sender: address, receiver: address):
    """
    @notice Records the call and what the caller's balances look like now.
    """
    assert not self.fail, "mock: hook failed"
    self.calls += 1
    self.last_caller = msg.sender
    self.last_persona_id = persona_id
    self.last_sender = sender
    self.last_receiver = receiver
    self.last_sender_balance = 0
    self.last_receiver_balance = 0
    if sender != empty(address):
        self.last_sender_balance = staticcall IERC20(msg.sender).balanceOf(sender)
    if receiver != empty(address):
        self.last_receiver_balance = staticcall IERC20(msg.sender).balanceOf(receiver)
    self.last_total_supply = staticcall IERC20(msg.sender).totalSupply()
