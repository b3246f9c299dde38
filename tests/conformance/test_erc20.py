"""ERC-20 (Token Standard) conformance of FMC and of the persona share token (PersonaShare).

Every test runs against both tokens (the `token` fixture). Sections of ERC-20 covered:
"Methods" (name, symbol, decimals, totalSupply, balanceOf, transfer, transferFrom, approve,
allowance) and "Events" (Transfer, Approval), each clause a test named after it. Event
tests read the raw logs, so the indexed layout of the standard's event declarations is
checked too, not only what ape decodes.

Clauses that do not apply to a token contract, and why:
- "Callers MUST handle false from returns (bool success). Callers MUST NOT assume that
  false is never returned!" binds the callers of a token, not the token (both tokens
  revert on failure and return true otherwise, which is what the tests check).
- The approve note "clients SHOULD make sure to create user interfaces in such a way that
  they set the allowance first to 0" binds user interfaces; the part about the contract
  ("the contract itself shouldn't enforce it") is tested.
ERC-20 is silent on burns, on transfers to the zero address and on approvals of the zero
address: both tokens revert there, which the standard permits, so nothing is asserted.
"""

import ape
from conformance_helpers import MAX_UINT256, ZERO, address, decode_data, raw_logs, topic_address

TRANSFER = "Transfer(address,address,uint256)"
APPROVAL = "Approval(address,address,uint256)"


def the_transfer(receipt, token):
    """The single raw ERC-20 Transfer log of `receipt`: (from, to, value)."""
    logs = raw_logs(receipt, token.contract, TRANSFER)
    assert len(logs) == 1, "exactly one Transfer log"
    log = logs[0]
    assert len(log["topics"]) == 3, "Transfer(address indexed _from, address indexed _to, uint256 _value)"
    return topic_address(log["topics"][1]), topic_address(log["topics"][2]), decode_data(["uint256"], log["data"])[0]


def the_approval(receipt, token):
    """The raw ERC-20 Approval logs of `receipt`, each (owner, spender, value)."""
    out = []
    for log in raw_logs(receipt, token.contract, APPROVAL):
        assert len(log["topics"]) == 3, "Approval(address indexed _owner, address indexed _spender, uint256 _value)"
        out.append(
            (topic_address(log["topics"][1]), topic_address(log["topics"][2]), decode_data(["uint256"], log["data"])[0])
        )
    return out


# --------------------------------------------------------------------------- optional metadata


def test_erc20_name_OPTIONAL_returns_the_name_of_the_token(token):
    """name: "Returns the name of the token - e.g. "MyToken". OPTIONAL" (present: a string)."""
    assert token.contract.name() == token.name


def test_erc20_symbol_OPTIONAL_returns_the_symbol_of_the_token(token):
    """symbol: "Returns the symbol of the token. E.g. "HIX". OPTIONAL" (present: a string)."""
    assert token.contract.symbol() == token.symbol


def test_erc20_decimals_OPTIONAL_returns_a_uint8(token):
    """decimals: "Returns the number of decimals the token uses ... function decimals() public
    view returns (uint8)". OPTIONAL; both tokens use 18."""
    abi = {e.name: e for e in token.contract.contract_type.abi if e.type == "function"}
    assert [o.type for o in abi["decimals"].outputs] == ["uint8"]
    assert token.contract.decimals() == 18


def test_erc20_methods_have_the_standard_signatures(token):
    """ "Methods": the six functions and their return types, as the standard declares them."""
    abi = {e.name: e for e in token.contract.contract_type.abi if e.type == "function"}
    expected = {
        "totalSupply": ([], ["uint256"]),
        "balanceOf": (["address"], ["uint256"]),
        "transfer": (["address", "uint256"], ["bool"]),
        "transferFrom": (["address", "address", "uint256"], ["bool"]),
        "approve": (["address", "uint256"], ["bool"]),
        "allowance": (["address", "address"], ["uint256"]),
    }
    for name, (inputs, outputs) in expected.items():
        assert [i.type for i in abi[name].inputs] == inputs, name
        assert [o.type for o in abi[name].outputs] == outputs, name
    for name in ("totalSupply", "balanceOf", "allowance", "name", "symbol", "decimals"):
        assert abi[name].stateMutability == "view", name


# --------------------------------------------------------------------------- totalSupply, balanceOf


def test_erc20_totalSupply_returns_the_total_token_supply(token, bob):
    """totalSupply: "Returns the total token supply." (it follows token creation)."""
    assert token.contract.totalSupply() == token.supply
    token.mint(bob, 5)
    assert token.contract.totalSupply() == token.supply + 5


def test_erc20_balanceOf_returns_the_account_balance(token, alice, bob):
    """balanceOf: "Returns the account balance of another account with address _owner."."""
    assert token.contract.balanceOf(alice) == token.supply and token.contract.balanceOf(bob) == 0
    token.contract.transfer(bob, 12, sender=alice)
    assert token.contract.balanceOf(alice) == token.supply - 12 and token.contract.balanceOf(bob) == 12


# --------------------------------------------------------------------------- transfer


def test_erc20_transfer_transfers_value_to_address(token, alice, bob):
    """transfer: "Transfers _value amount of tokens to address _to"; returns (bool success)."""
    assert token.contract.transfer.call(bob, 7, sender=alice) is True
    token.contract.transfer(bob, 7, sender=alice)
    assert token.contract.balanceOf(bob) == 7 and token.contract.balanceOf(alice) == token.supply - 7


def test_erc20_transfer_MUST_fire_Transfer_event(token, alice, bob):
    """transfer: "... and MUST fire the Transfer event."."""
    receipt = token.contract.transfer(bob, 7, sender=alice)
    assert the_transfer(receipt, token) == (address(alice), address(bob), 7)


def test_erc20_transfer_SHOULD_throw_if_balance_insufficient(token, alice, bob):
    """transfer: "The function SHOULD throw if the message caller's account balance does not have
    enough tokens to spend."."""
    with ape.reverts():
        token.contract.transfer(alice, 1, sender=bob)
    with ape.reverts():
        token.contract.transfer(bob, token.supply + 1, sender=alice)
    assert token.contract.balanceOf(alice) == token.supply


def test_erc20_transfer_of_zero_value_MUST_be_treated_as_normal_and_fire_Transfer(token, alice, bob):
    """transfer: "Transfers of 0 values MUST be treated as normal transfers and fire the Transfer
    event." (also from an account holding nothing)."""
    receipt = token.contract.transfer(bob, 0, sender=alice)
    assert the_transfer(receipt, token) == (address(alice), address(bob), 0)
    receipt = token.contract.transfer(alice, 0, sender=bob)
    assert the_transfer(receipt, token) == (address(bob), address(alice), 0)
    assert token.contract.balanceOf(alice) == token.supply and token.contract.balanceOf(bob) == 0


def test_erc20_transfer_to_self_is_a_normal_transfer(token, alice):
    """transfer: a transfer to oneself moves nothing and still fires Transfer."""
    receipt = token.contract.transfer(alice, 3, sender=alice)
    assert the_transfer(receipt, token) == (address(alice), address(alice), 3)
    assert token.contract.balanceOf(alice) == token.supply


# --------------------------------------------------------------------------- transferFrom


def test_erc20_transferFrom_transfers_value_from_to(token, alice, bob, carol):
    """transferFrom: "Transfers _value amount of tokens from address _from to address _to"."""
    token.contract.approve(bob, 50, sender=alice)
    assert token.contract.transferFrom.call(alice, carol, 40, sender=bob) is True
    token.contract.transferFrom(alice, carol, 40, sender=bob)
    assert token.contract.balanceOf(carol) == 40 and token.contract.balanceOf(alice) == token.supply - 40


def test_erc20_transferFrom_MUST_fire_Transfer_event(token, alice, bob, carol):
    """transferFrom: "... and MUST fire the Transfer event."."""
    token.contract.approve(bob, 50, sender=alice)
    receipt = token.contract.transferFrom(alice, carol, 40, sender=bob)
    assert the_transfer(receipt, token) == (address(alice), address(carol), 40)


def test_erc20_transferFrom_SHOULD_throw_unless_from_authorized_the_sender(token, alice, bob, carol):
    """transferFrom: "The function SHOULD throw unless the _from account has deliberately authorized
    the sender of the message via some mechanism." (no allowance, then too small a one)."""
    with ape.reverts():
        token.contract.transferFrom(alice, carol, 1, sender=bob)
    token.contract.approve(bob, 10, sender=alice)
    with ape.reverts():
        token.contract.transferFrom(alice, carol, 11, sender=bob)
    with ape.reverts():
        token.contract.transferFrom(alice, carol, 1, sender=carol)  # carol was not authorized
    assert token.contract.balanceOf(carol) == 0


def test_erc20_transferFrom_SHOULD_throw_if_from_balance_insufficient(token, alice, bob, carol):
    """transferFrom: an authorized spender cannot move more than _from holds (the transfer
    clause "SHOULD throw if ... balance does not have enough tokens" applied to _from)."""
    token.contract.approve(alice, MAX_UINT256, sender=bob)
    with ape.reverts():
        token.contract.transferFrom(bob, carol, 1, sender=alice)


def test_erc20_transferFrom_of_zero_value_MUST_be_treated_as_normal_and_fire_Transfer(token, alice, bob, carol):
    """transferFrom: "Transfers of 0 values MUST be treated as normal transfers and fire the
    Transfer event."."""
    token.contract.approve(bob, 5, sender=alice)
    receipt = token.contract.transferFrom(alice, carol, 0, sender=bob)
    assert the_transfer(receipt, token) == (address(alice), address(carol), 0)
    assert token.contract.allowance(alice, bob) == 5


# --------------------------------------------------------------------------- approve, allowance


def test_erc20_approve_allows_spender_to_withdraw_multiple_times_up_to_value(token, alice, bob, carol):
    """approve: "Allows _spender to withdraw from your account multiple times, up to the _value
    amount."; allowance: "Returns the amount which _spender is still allowed to withdraw"."""
    assert token.contract.approve.call(bob, 30, sender=alice) is True
    token.contract.approve(bob, 30, sender=alice)
    token.contract.transferFrom(alice, carol, 10, sender=bob)
    assert token.contract.allowance(alice, bob) == 20
    token.contract.transferFrom(alice, carol, 20, sender=bob)
    assert token.contract.allowance(alice, bob) == 0
    with ape.reverts():
        token.contract.transferFrom(alice, carol, 1, sender=bob)
    assert token.contract.balanceOf(carol) == 30


def test_erc20_approve_called_again_overwrites_the_current_allowance(token, alice, bob):
    """approve: "If this function is called again it overwrites the current allowance with _value."
    and, from its note, "the contract itself shouldn't enforce" a reset to 0 first."""
    token.contract.approve(bob, 100, sender=alice)
    token.contract.approve(bob, 30, sender=alice)  # non-zero to non-zero is accepted
    assert token.contract.allowance(alice, bob) == 30
    token.contract.approve(bob, 0, sender=alice)
    assert token.contract.allowance(alice, bob) == 0


def test_erc20_Approval_MUST_trigger_on_any_successful_call_to_approve(token, alice, bob):
    """Approval: "MUST trigger on any successful call to approve(address _spender, uint256
    _value)." (including an approval of 0 and one that changes nothing)."""
    for value in (100, 100, 0, MAX_UINT256):
        receipt = token.contract.approve(bob, value, sender=alice)
        assert the_approval(receipt, token) == [(address(alice), address(bob), value)]


# --------------------------------------------------------------------------- token creation


def test_erc20_Transfer_SHOULD_be_triggered_from_0x0_when_tokens_are_created(token, bob):
    """Transfer: "A token contract which creates new tokens SHOULD trigger a Transfer event with
    the _from address set to 0x0 when tokens are created."."""
    receipt = token.mint(bob, 9)
    assert the_transfer(receipt, token) == (ZERO, address(bob), 9)


def test_erc20_Transfer_SHOULD_be_triggered_from_0x0_for_the_supply_created_at_deployment(project, deployer, alice):
    """Transfer: the same SHOULD for FMC's initial supply, minted by its constructor."""
    fmc = project.FMC.deploy(10**24, alice, 10**21, sender=deployer)
    receipt = fmc.creation_metadata.receipt
    logs = raw_logs(receipt, fmc, TRANSFER)
    assert len(logs) == 1 and len(logs[0]["topics"]) == 3
    assert topic_address(logs[0]["topics"][1]) == ZERO and topic_address(logs[0]["topics"][2]) == address(alice)
    assert decode_data(["uint256"], logs[0]["data"]) == (10**21,)
