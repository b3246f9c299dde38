# pragma version ~=0.4.3
"""
@title PersonaTreasury
@notice One account per (persona, asset) for every FameEngine persona, in ETH
        (asset = zero address) and in ERC-20 tokens. Anyone may deposit into a
        registered persona's account; only the owner (the DAO timelock) spends.

        Conservation: for every asset, the contract's balance is at least the
        sum of all persona accounts in that asset (`total_of(asset)`). Tokens or
        ETH that reach the contract without a deposit (plain transfers,
        self-destruct) are surplus that only the owner can move out
        (`recover_surplus`), never out of a persona's account.
"""

from ethereum.ercs import IERC20

from snekmate.auth import ownable
from snekmate.auth import ownable_2step

from ..interfaces import IPersonaRegistry
from ..interfaces import IPersonaTreasury

implements: IPersonaTreasury

initializes: ownable
initializes: ownable_2step[ownable := ownable]

exports: (
    ownable_2step.owner,
    ownable_2step.pending_owner,
    ownable_2step.transfer_ownership,
    ownable_2step.accept_ownership,
    ownable_2step.renounce_ownership,
)

# @notice The persona registry deposits are checked against.
registry: public(immutable(IPersonaRegistry))

# @notice Sum of all persona accounts in an asset (zero address = ETH).
total_of: public(HashMap[address, uint256])

_balances: HashMap[uint256, HashMap[address, uint256]]


event Deposited:
    persona_id: indexed(uint256)
    asset: indexed(address)
    sender: indexed(address)
    amount: uint256


event Spent:
    persona_id: indexed(uint256)
    asset: indexed(address)
    to: indexed(address)
    amount: uint256


event SurplusRecovered:
    asset: indexed(address)
    to: indexed(address)
    amount: uint256


@deploy
def __init__(owner_: address, registry_: IPersonaRegistry):
    """
    @notice Deploys the treasury owned by `owner_` (the DAO timelock).
    @param owner_ The owner; must not be the zero address.
    @param registry_ The PersonaRegistry; must not be the zero address.
    """
    assert owner_ != empty(address), "treasury: zero owner"
    assert registry_.address != empty(address), "treasury: zero registry"
    ownable.__init__()
    ownable_2step.__init__()
    ownable_2step._transfer_ownership(owner_)
    registry = registry_


@view
@external
def balance_of(persona_id: uint256, token: address) -> uint256:
    """
    @notice The account of `persona_id` in `token` (zero address = ETH).
    @param persona_id The persona.
    @param token The asset.
    @return The balance.
    """
    return self._balances[persona_id][token]


@external
@nonreentrant
def deposit(persona_id: uint256, token: address, amount: uint256):
    """
    @notice Pulls `amount` of `token` from the caller (approve first) into the
            account of `persona_id`.
    @dev Reverts for tokens that deliver less than `amount` (fee-on-transfer):
         the account must never exceed what the contract holds.
    @param persona_id A registered persona.
    @param token An ERC-20 (not the zero address; use `deposit_eth` for ETH).
    @param amount A positive amount.
    """
    assert token != empty(address), "treasury: use deposit_eth for ETH"
    assert amount > 0, "treasury: zero amount"
    self._check_persona(persona_id)

    before: uint256 = staticcall IERC20(token).balanceOf(self)
    self._balances[persona_id][token] += amount
    self.total_of[token] += amount
    log Deposited(persona_id=persona_id, asset=token, sender=msg.sender, amount=amount)

    assert extcall IERC20(token).transferFrom(msg.sender, self, amount, default_return_value=True), "treasury: transferFrom failed"
    assert staticcall IERC20(token).balanceOf(self) == before + amount, "treasury: token delivered a different amount"


@external
@payable
@nonreentrant
def deposit_eth(persona_id: uint256):
    """
    @notice Credits `msg.value` wei to the ETH account of `persona_id`.
    @param persona_id A registered persona.
    """
    assert msg.value > 0, "treasury: zero amount"
    self._check_persona(persona_id)
    self._balances[persona_id][empty(address)] += msg.value
    self.total_of[empty(address)] += msg.value
    log Deposited(persona_id=persona_id, asset=empty(address), sender=msg.sender, amount=msg.value)


@external
@nonreentrant
def spend(persona_id: uint256, token: address, to: address, amount: uint256):
    """
    @notice Owner only: pays `amount` of `token` (zero address = ETH) from the
            account of `persona_id` to `to`.
    @param persona_id The persona whose account is debited.
    @param token The asset.
    @param to The receiver (non-zero).
    @param amount A positive amount, at most the account balance.
    """
    ownable._check_owner()
    assert to != empty(address), "treasury: zero receiver"
    assert amount > 0, "treasury: zero amount"
    balance: uint256 = self._balances[persona_id][token]
    assert amount <= balance, "treasury: amount exceeds persona balance"

    self._balances[persona_id][token] = balance - amount
    self.total_of[token] -= amount
    log Spent(persona_id=persona_id, asset=token, to=to, amount=amount)

    self._send(token, to, amount)


@external
@nonreentrant
def recover_surplus(token: address, to: address) -> uint256:
    """
    @notice Owner only: sends what the contract holds in `token` beyond the sum
            of the persona accounts (assets that arrived without a deposit) to `to`.
    @param token The asset (zero address = ETH).
    @param to The receiver (non-zero).
    @return The amount sent (reverts if there is no surplus).
    """
    ownable._check_owner()
    assert to != empty(address), "treasury: zero receiver"
    held: uint256 = self.balance
    if token != empty(address):
        held = staticcall IERC20(token).balanceOf(self)
    surplus: uint256 = held - self.total_of[token]
    assert surplus > 0, "treasury: no surplus"
    log SurplusRecovered(asset=token, to=to, amount=surplus)
    self._send(token, to, surplus)
    return surplus


@internal
@view
def _check_persona(persona_id: uint256):
    assert staticcall registry.share_token_of(persona_id) != empty(address), "treasury: unknown persona"


@internal
def _send(token: address, to: address, amount: uint256):
    if token == empty(address):
        sent: bool = raw_call(to, b"", value=amount, revert_on_failure=False)
        assert sent, "treasury: ETH transfer failed"
    else:
        assert extcall IERC20(token).transfer(to, amount, default_return_value=True), "treasury: transfer failed"
