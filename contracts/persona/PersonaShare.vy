# pragma version ~=0.4.3
"""
@title PersonaShare
@notice The ERC-20 (with EIP-2612 permit) that represents co-ownership of one
        FameEngine persona. Deployed by the launchpad from an ERC-5202 blueprint
        (`create_from_blueprint`), one instance per persona.

        - Supply is created only by `minter` and never exceeds `max_supply`
          (the supply declared at launch, itself at most MAX_SUPPLY_LIMIT).
        - Holders may burn their own shares (or, with an allowance, someone
          else's); burnt supply may be minted again up to `max_supply`.
        - Before EVERY balance change (transfer, transferFrom, mint, burn,
          burn_from) the token calls
          `IRevenueHook(revenue_hook).on_share_transfer(persona_id, from, to)`
          so that revenue accrued so far is credited to the old balances. The
          hook sees the balances and total supply from before the change.
        - There is no owner and no admin: nothing about the token can be changed
          after deployment.
"""

from ethereum.ercs import IERC20

from snekmate.auth import ownable
from snekmate.tokens import erc20

from ..interfaces import IRevenueHook

implements: IERC20

initializes: ownable
initializes: erc20[ownable := ownable]

# Everything but the balance-changing entry points comes from snekmate's erc20;
# transfer / transferFrom / mint / burn / burn_from are defined below so that
# the revenue hook runs first. erc20's owner / minter-role functions are not
# exported: the token has no admin.
exports: (
    erc20.name,
    erc20.symbol,
    erc20.decimals,
    erc20.balanceOf,
    erc20.allowance,
    erc20.totalSupply,
    erc20.approve,
    erc20.permit,
    erc20.nonces,
    erc20.DOMAIN_SEPARATOR,
    erc20.eip712Domain,
)

# @notice Largest `max_supply` a persona may declare: 1e12 whole shares at 18
#         decimals. RevenueSplitter's rounding-dust bound relies on it.
MAX_SUPPLY_LIMIT: public(constant(uint256)) = 10**30

# @notice The persona this token represents (its id in the PersonaRegistry).
persona_id: public(immutable(uint256))
# @notice The only account that can mint (the launchpad).
minter: public(immutable(address))
# @notice Called before every balance change (the RevenueSplitter).
revenue_hook: public(immutable(IRevenueHook))
# @notice The declared supply: totalSupply never exceeds it.
max_supply: public(immutable(uint256))


@deploy
def __init__(
    name_: String[25],
    symbol_: String[5],
    persona_id_: uint256,
    minter_: address,
    revenue_hook_: IRevenueHook,
    max_supply_: uint256,
):
    """
    @notice Creates the share token of persona `persona_id_` with 18 decimals
            and zero supply. The EIP-712 domain is (name_, "1").
    @param name_ Token name (1..25 bytes).
    @param symbol_ Token symbol (1..5 bytes).
    @param persona_id_ The persona id (non-zero; the registry's next id).
    @param minter_ The only minter (non-zero).
    @param revenue_hook_ The RevenueSplitter (non-zero).
    @param max_supply_ The declared supply, 1..MAX_SUPPLY_LIMIT.
    """
    assert len(name_) > 0, "shares: empty name"
    assert len(symbol_) > 0, "shares: empty symbol"
    assert persona_id_ != 0, "shares: zero persona id"
    assert minter_ != empty(address), "shares: zero minter"
    assert revenue_hook_.address != empty(address), "shares: zero revenue hook"
    assert max_supply_ > 0, "shares: zero max supply"
    assert max_supply_ <= MAX_SUPPLY_LIMIT, "shares: max supply above limit"

    ownable.__init__()
    erc20.__init__(name_, symbol_, 18, name_, "1")
    # No admin: drop the owner and minter role snekmate gives the deployer
    # (neither is reachable, as no function using them is exported).
    erc20.is_minter[msg.sender] = False
    log erc20.RoleMinterChanged(minter=msg.sender, status=False)
    ownable._transfer_ownership(empty(address))

    persona_id = persona_id_
    minter = minter_
    revenue_hook = revenue_hook_
    max_supply = max_supply_


@external
@nonreentrant
def transfer(to: address, amount: uint256) -> bool:
    """
    @notice Moves `amount` shares from the caller to `to` after the revenue
            hook has credited both.
    @param to The receiver (non-zero).
    @param amount At most the caller's balance.
    @return True (reverts on failure).
    """
    extcall revenue_hook.on_share_transfer(persona_id, msg.sender, to)
    erc20._transfer(msg.sender, to, amount)
    return True


@external
@nonreentrant
def transferFrom(owner: address, to: address, amount: uint256) -> bool:
    """
    @notice Moves `amount` shares from `owner` to `to` using the caller's
            allowance, after the revenue hook has credited both.
    @param owner The account debited.
    @param to The receiver (non-zero).
    @param amount At most `owner`'s balance and the caller's allowance.
    @return True (reverts on failure).
    """
    extcall revenue_hook.on_share_transfer(persona_id, owner, to)
    erc20._spend_allowance(owner, msg.sender, amount)
    erc20._transfer(owner, to, amount)
    return True


@external
@nonreentrant
def mint(to: address, amount: uint256):
    """
    @notice Minter only: creates `amount` shares for `to`, never past
            `max_supply`.
    @param to The receiver (non-zero).
    @param amount The amount created.
    """
    assert msg.sender == minter, "shares: caller is not the minter"
    assert erc20.totalSupply + amount <= max_supply, "shares: max supply exceeded"
    extcall revenue_hook.on_share_transfer(persona_id, empty(address), to)
    erc20._mint(to, amount)


@external
@nonreentrant
def burn(amount: uint256):
    """
    @notice Destroys `amount` of the caller's shares (their accrued revenue
            stays claimable).
    @param amount At most the caller's balance.
    """
    extcall revenue_hook.on_share_transfer(persona_id, msg.sender, empty(address))
    erc20._burn(msg.sender, amount)


@external
@nonreentrant
def burn_from(owner: address, amount: uint256):
    """
    @notice Destroys `amount` of `owner`'s shares using the caller's allowance
            (revenue accrued so far stays claimable by `owner`).
    @param owner The account debited.
    @param amount At most `owner`'s balance and the caller's allowance.
    """
    extcall revenue_hook.on_share_transfer(persona_id, owner, empty(address))
    erc20._spend_allowance(owner, msg.sender, amount)
    erc20._burn(owner, amount)
