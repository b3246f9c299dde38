# pragma version ~=0.4.3
"""
@title MockHolder
@notice FameEngine TEST-ONLY contract account: forwards calls so that a
        contract can hold shares and claim, and on receiving ETH either
        accepts, rejects, or re-enters a target (reentrancy tests).
        Never deploy outside tests.
"""

# @notice When True, incoming ETH is rejected.
reject_eth: public(bool)
# @notice When set, incoming ETH triggers a call to this target with `reenter_data`.
reenter_target: public(address)
reenter_data: public(Bytes[1024])


@external
@payable
def execute(target: address, data: Bytes[1024]) -> Bytes[1024]:
    """
    @notice Calls `target` with `data` and `msg.value`; bubbles up reverts.
    @return The call's return data.
    """
    return raw_call(target, data, value=msg.value, max_outsize=1024)


@external
def set_behaviour(reject_eth_: bool, reenter_target_: address, reenter_data_: Bytes[1024]):
    """
    @notice Configures what happens on incoming ETH.
    """
    self.reject_eth = reject_eth_
    self.reenter_target = reenter_target_
    self.reenter_data = reenter_data_


@external
@payable
def __default__():
    """
    @notice Incoming ETH: rejected, re-entering, or accepted.
    """
    assert not self.reject_eth, "mock: ETH rejected"
    if self.reenter_target != empty(address):
        raw_call(self.reenter_target, self.reenter_data)
