# pragma version ~=0.4.3
"""
@title RevenueConfig
@notice The DAO's revenue settings, shared by every persona's share token
        (contracts/persona/PersonaShare.vy, which holds and splits its own
        persona's revenue):

        - `fee_bps`: the protocol fee taken from every payment, at most
          MAX_FEE_BPS. A share token copies it when it settles its accounts
          (on mint, burn, `sync` and `withdraw_fees`), so a change reaches a
          persona's revenue from that persona's next settlement on; anyone may
          call `PersonaShare.sync` to apply it at once.
        - `fee_recipient`: who receives protocol fees (the staking rewards or
          the protocol treasury); share tokens read it when fees are withdrawn.
        - The ERC-20s allowed as revenue besides ETH (always accepted): FMC
          from construction, more by the owner. At most MAX_ASSETS distinct
          assets (ETH included) can ever be listed, so a share transfer does
          bounded work; disallowing a token stops new payments only (what was
          paid stays claimable), and its slot is never freed.

        The owner is the DAO timelock (two-step ownership transfer).
        Nothing here is read on the ETH payment or ETH claim paths.
"""

from snekmate.auth import ownable
from snekmate.auth import ownable_2step

from ..interfaces import IRevenueConfig

implements: IRevenueConfig

initializes: ownable
initializes: ownable_2step[ownable := ownable]

exports: (
    ownable_2step.owner,
    ownable_2step.pending_owner,
    ownable_2step.transfer_ownership,
    ownable_2step.accept_ownership,
    ownable_2step.renounce_ownership,
)

# @notice Upper bound of fee_bps (10%).
MAX_FEE_BPS: public(constant(uint256)) = 1_000
# @notice Most distinct assets (ETH included) ever listed.
MAX_ASSETS: public(constant(uint256)) = 8

ETH: constant(address) = empty(address)

# @notice Protocol fee in basis points of every payment.
fee_bps: public(uint256)
# @notice Receiver of the protocol fee (e.g. staking rewards or the protocol treasury).
fee_recipient: public(address)
# @notice Whether new payments in an asset are accepted (ETH: always).
is_allowed: public(HashMap[address, bool])
# @notice Every asset ever listed, ETH first (index 0), then FMC (index 1).
asset_list: public(DynArray[address, MAX_ASSETS])


event FeeChanged:
    previous_fee_bps: uint256
    new_fee_bps: uint256


event FeeRecipientChanged:
    previous_recipient: indexed(address)
    new_recipient: indexed(address)


event AssetAllowed:
    asset: indexed(address)
    allowed: bool


@deploy
def __init__(owner_: address, fmc_: address, fee_recipient_: address, fee_bps_: uint256):
    """
    @notice Deploys the settings owned by `owner_` (the DAO timelock), with
            ETH and FMC as accepted assets.
    @param owner_ The owner (non-zero).
    @param fmc_ The FMC token (non-zero).
    @param fee_recipient_ Receiver of protocol fees (non-zero).
    @param fee_bps_ Initial fee, at most MAX_FEE_BPS.
    """
    assert owner_ != empty(address), "revenue: zero owner"
    assert fmc_ != empty(address), "revenue: zero FMC"
    assert fee_recipient_ != empty(address), "revenue: zero fee recipient"
    assert fee_bps_ <= MAX_FEE_BPS, "revenue: fee above maximum"

    ownable.__init__()
    ownable_2step.__init__()
    ownable_2step._transfer_ownership(owner_)

    self.fee_bps = fee_bps_
    self.fee_recipient = fee_recipient_
    log FeeChanged(previous_fee_bps=0, new_fee_bps=fee_bps_)
    log FeeRecipientChanged(previous_recipient=empty(address), new_recipient=fee_recipient_)

    self.asset_list.append(ETH)
    self.is_allowed[ETH] = True
    log AssetAllowed(asset=ETH, allowed=True)
    self.asset_list.append(fmc_)
    self.is_allowed[fmc_] = True
    log AssetAllowed(asset=fmc_, allowed=True)


@external
def set_fee_bps(new_fee_bps: uint256):
    """
    @notice Owner only: sets the protocol fee. Each persona applies it from
            its next settlement (mint, burn, `sync`, `withdraw_fees`) on;
            revenue received before that settlement pays the previous fee.
    @param new_fee_bps Basis points, at most MAX_FEE_BPS.
    """
    ownable._check_owner()
    assert new_fee_bps <= MAX_FEE_BPS, "revenue: fee above maximum"
    log FeeChanged(previous_fee_bps=self.fee_bps, new_fee_bps=new_fee_bps)
    self.fee_bps = new_fee_bps


@external
def set_fee_recipient(new_recipient: address):
    """
    @notice Owner only: sets who receives protocol fees (including fees
            accrued and not yet withdrawn).
    @param new_recipient The receiver (non-zero).
    """
    ownable._check_owner()
    assert new_recipient != empty(address), "revenue: zero fee recipient"
    log FeeRecipientChanged(previous_recipient=self.fee_recipient, new_recipient=new_recipient)
    self.fee_recipient = new_recipient


@external
def set_asset_allowed(token: address, allowed: bool):
    """
    @notice Owner only: allows or disallows revenue payments in ERC-20
            `token`. A token allowed for the first time takes one of the
            MAX_ASSETS slots for good; disallowing keeps existing accruals
            claimable.
    @param token The ERC-20 (ETH is always allowed and cannot be changed).
    @param allowed The new status (must differ from the current one).
    """
    ownable._check_owner()
    assert token != ETH, "revenue: ETH is always allowed"
    assert self.is_allowed[token] != allowed, "revenue: status unchanged"
    if allowed and token not in self.asset_list:
        assert len(self.asset_list) < MAX_ASSETS, "revenue: asset limit reached"
        self.asset_list.append(token)
    self.is_allowed[token] = allowed
    log AssetAllowed(asset=token, allowed=allowed)


@view
@external
def assets() -> DynArray[address, MAX_ASSETS]:
    """
    @notice Every asset ever listed (allowed now or before), ETH first.
    @return The assets.
    """
    return self.asset_list
