# pragma version ~=0.4.3
"""
@title RevenueSplitter
@notice Pays FameEngine persona revenue to the persona's share holders.

        Anyone pays a persona in ETH (`pay_eth`) or in an allowed ERC-20 (`pay`).
        A protocol fee of floor(amount * fee_bps / 10000) (owner-set fee_bps,
        at most MAX_FEE_BPS; rounding favours the holders) accrues to the
        protocol and is sent to the current `fee_recipient` (e.g. the staking
        rewards or the protocol treasury) by `withdraw_fees`, which anyone may
        call; fees are pulled, so a recipient that rejects a transfer can never
        block payments. The rest is split among the
        persona's share holders pro rata to their balances at payment time;
        holders pull their part with `claim` / `claim_many`.

        Accounting (O(1) per payment and per claim, whatever the holder count):
        for each (persona, asset) an accumulator `acc_per_share` grows by
        floor(D * ACC_SCALE / S) on a distribution of D base units over share
        supply S. Each holder keeps a checkpoint of the accumulator and an
        owed amount in ACC_SCALE units. The persona's share token calls
        `on_share_transfer` before every balance change, which moves the
        difference accrued on the OLD balances of sender and receiver into
        their owed amounts, for each asset the persona has ever received
        (at most MAX_ASSETS, so a share transfer does bounded work).

        Zero share supply: a payment to a persona whose share supply is zero
        (nobody to pay yet, or everything burnt) is charged the fee and the
        rest is HELD as `undistributed` for that (persona, asset). It is added
        to the next distribution of that asset: the next payment, or anyone's
        `distribute_held` once the supply is positive. Nothing is stranded.

        Rounding (the dust bound). Write D_k for the k-th distribution of an
        asset to a persona, S_k for the share supply then and b_k for a
        holder's balance then. The holder's exact pro-rata entitlement is
        E = sum_k b_k * D_k / S_k. The contract credits
        C = sum_k b_k * floor(D_k * ACC_SCALE / S_k) in ACC_SCALE units, and
        since floor loses less than 1 per share per distribution,
        0 <= E * ACC_SCALE - C < sum_k b_k  (over distributions with b_k > 0).
        Claims only pay whole base units and keep the sub-unit remainder, so
        claimed + claimable == floor(C / ACC_SCALE) and therefore
            E - 1 - (sum_k b_k) / ACC_SCALE  <  claimed + claimable  <=  E.
        With PersonaShare's supply limit S <= 1e30 and ACC_SCALE = 1e36,
        (sum_k b_k) / ACC_SCALE < n / 1e6 after n distributions: a holder is
        never paid more than its entitlement and, for fewer than 10^6
        distributions, at most 1 base unit less than floor(E). The part of a
        distribution that no holder can claim is D_k - S_k * floor(D_k *
        ACC_SCALE / S_k) / ACC_SCALE < S_k / ACC_SCALE <= 1e-6 base units,
        and stays in the contract; each holder's sub-unit remainder (< 1 base
        unit) stays credited to that holder. Hence the sum of everything
        claimable, held and fee-accrued never exceeds the contract's balance,
        and the difference is exactly the sum over holders of
        (entitlement - claimed - claimable).

        Overflow: a (persona, asset) pair accepts at most MAX_REVENUE =
        (2^256 - 1) // ACC_SCALE (about 1.15e41 base units) of gross revenue
        in total; a payment beyond that reverts. This bounds every product
        balance * accumulator-delta and every owed amount by
        MAX_REVENUE * ACC_SCALE, so share transfers (the hook) and claims can
        never overflow.

        Assets: ETH (the zero address) is always accepted; FMC is allowed at
        construction; the owner may allow further ERC-20s. At most MAX_ASSETS
        distinct assets (ETH included) can ever be listed; disallowing an
        asset stops new payments but keeps it listed (its accruals remain
        claimable and tracked), so a slot is never freed. Tokens that deliver
        less than the amount asked (fee-on-transfer) are rejected.
"""

from ethereum.ercs import IERC20

from snekmate.auth import ownable
from snekmate.auth import ownable_2step

from ..interfaces import IPersonaRegistry
from ..interfaces import IRevenueHook

implements: IRevenueHook

initializes: ownable
initializes: ownable_2step[ownable := ownable]

exports: (
    ownable_2step.owner,
    ownable_2step.pending_owner,
    ownable_2step.transfer_ownership,
    ownable_2step.accept_ownership,
    ownable_2step.renounce_ownership,
)

# @notice Accumulator scale: acc_per_share is in base units * ACC_SCALE per share unit.
ACC_SCALE: public(constant(uint256)) = 10**36
# @notice Upper bound of fee_bps (10%).
MAX_FEE_BPS: public(constant(uint256)) = 1_000
# @notice Most distinct assets (ETH included) ever listed.
MAX_ASSETS: public(constant(uint256)) = 8
# @notice Most gross revenue a (persona, asset) pair accepts in total.
MAX_REVENUE: public(constant(uint256)) = max_value(uint256) // ACC_SCALE

BPS: constant(uint256) = 10_000
ETH: constant(address) = empty(address)

# @notice The persona registry (source of each persona's share token).
registry: public(immutable(IPersonaRegistry))

# @notice Protocol fee in basis points of every payment.
fee_bps: public(uint256)
# @notice Receiver of the protocol fee (e.g. staking rewards or the protocol treasury).
fee_recipient: public(address)
# @notice Fees accrued and not yet withdrawn, per asset.
fees_accrued: public(HashMap[address, uint256])

# @notice Whether new payments in an asset are accepted (ETH: always).
is_allowed: public(HashMap[address, bool])
# @notice Every asset ever listed, ETH first (index 0), then FMC (index 1).
asset_list: public(DynArray[address, MAX_ASSETS])

# @notice Accumulated revenue per share unit, scaled by ACC_SCALE, per (persona, asset).
acc_per_share: public(HashMap[uint256, HashMap[address, uint256]])
# @notice Net revenue held while the persona's share supply was zero, per (persona, asset).
undistributed: public(HashMap[uint256, HashMap[address, uint256]])
# @notice Gross revenue ever paid, per (persona, asset) (at most MAX_REVENUE).
revenue_of: public(HashMap[uint256, HashMap[address, uint256]])

_persona_assets: HashMap[uint256, DynArray[address, MAX_ASSETS]]
_has_received: HashMap[uint256, HashMap[address, bool]]
# Share token per persona, copied from the registry on first use (the registry
# never changes a persona's share token).
_share_cache: HashMap[uint256, address]
# persona -> asset -> holder -> accumulator value at the holder's last checkpoint
_checkpoint_acc: HashMap[uint256, HashMap[address, HashMap[address, uint256]]]
# persona -> asset -> holder -> credited and unclaimed revenue, in ACC_SCALE units
_owed_scaled: HashMap[uint256, HashMap[address, HashMap[address, uint256]]]


event RevenuePaid:
    persona_id: indexed(uint256)
    asset: indexed(address)
    payer: indexed(address)
    amount: uint256
    fee: uint256


event RevenueDistributed:
    persona_id: indexed(uint256)
    asset: indexed(address)
    amount: uint256
    share_supply: uint256
    acc_per_share: uint256


event RevenueHeld:
    persona_id: indexed(uint256)
    asset: indexed(address)
    amount: uint256
    total_held: uint256


event SharesCheckpointed:
    persona_id: indexed(uint256)
    sender: indexed(address)
    receiver: indexed(address)


event Claimed:
    persona_id: indexed(uint256)
    asset: indexed(address)
    holder: indexed(address)
    amount: uint256


event FeesWithdrawn:
    asset: indexed(address)
    recipient: indexed(address)
    amount: uint256


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
def __init__(
    owner_: address,
    registry_: IPersonaRegistry,
    fmc_: address,
    fee_recipient_: address,
    fee_bps_: uint256,
):
    """
    @notice Deploys the splitter owned by `owner_` (the DAO timelock), with ETH
            and FMC as accepted assets.
    @param owner_ The owner (non-zero).
    @param registry_ The PersonaRegistry (non-zero).
    @param fmc_ The FMC token (non-zero).
    @param fee_recipient_ Receiver of protocol fees (non-zero).
    @param fee_bps_ Initial fee, at most MAX_FEE_BPS.
    """
    assert owner_ != empty(address), "revenue: zero owner"
    assert registry_.address != empty(address), "revenue: zero registry"
    assert fmc_ != empty(address), "revenue: zero FMC"
    assert fee_recipient_ != empty(address), "revenue: zero fee recipient"
    assert fee_bps_ <= MAX_FEE_BPS, "revenue: fee above maximum"

    ownable.__init__()
    ownable_2step.__init__()
    ownable_2step._transfer_ownership(owner_)
    registry = registry_

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


# ---------------------------------------------------------------- payments


@external
@payable
@nonreentrant
def pay_eth(persona_id: uint256):
    """
    @notice Pays `msg.value` wei of revenue to persona `persona_id`.
    @param persona_id A registered persona (active or retired).
    """
    assert msg.value > 0, "revenue: zero amount"
    self._accrue(persona_id, ETH, msg.value)


@external
@nonreentrant
def pay(persona_id: uint256, token: address, amount: uint256):
    """
    @notice Pulls `amount` of an allowed ERC-20 `token` from the caller
            (approve first) as revenue of persona `persona_id`.
    @param persona_id A registered persona (active or retired).
    @param token An allowed ERC-20 (not the zero address; use `pay_eth`).
    @param amount A positive amount.
    """
    assert token != ETH, "revenue: use pay_eth for ETH"
    assert amount > 0, "revenue: zero amount"
    assert self.is_allowed[token], "revenue: asset not allowed"
    before: uint256 = staticcall IERC20(token).balanceOf(self)

    self._accrue(persona_id, token, amount)

    assert extcall IERC20(token).transferFrom(msg.sender, self, amount, default_return_value=True), "revenue: transferFrom failed"
    assert staticcall IERC20(token).balanceOf(self) == before + amount, "revenue: token delivered a different amount"


@external
@nonreentrant
def distribute_held(persona_id: uint256, asset: address):
    """
    @notice Anyone: distributes revenue held while the persona's share supply
            was zero to the current holders.
    @param persona_id The persona.
    @param asset The asset (zero address = ETH).
    """
    share: address = self._share_token(persona_id)
    assert share != empty(address), "revenue: unknown persona"
    assert self.undistributed[persona_id][asset] > 0, "revenue: nothing held"
    supply: uint256 = staticcall IERC20(share).totalSupply()
    assert supply > 0, "revenue: no shares"
    self._distribute(persona_id, asset, 0, supply)


# ---------------------------------------------------------------- the share hook


@external
@nonreentrant
def on_share_transfer(persona_id: uint256, sender: address, receiver: address):
    """
    @notice Called by the share token of `persona_id` before any balance
            change: credits revenue accrued on the current (old) balances of
            `sender` and `receiver`, for every asset the persona has received.
    @dev Reverts unless the caller is the registered share token of
         `persona_id`. Zero addresses (mint / burn side) are skipped. Emits
         SharesCheckpointed once the persona has received any asset (before
         that there is nothing to credit and nothing changes). Work: at most
         MAX_ASSETS iterations, whatever the number of holders.
    @param persona_id The persona.
    @param sender The account debited (zero address on mint).
    @param receiver The account credited (zero address on burn).
    """
    share: address = self._share_token(persona_id)
    assert share != empty(address) and msg.sender == share, "revenue: caller is not the persona's share token"

    n: uint256 = len(self._persona_assets[persona_id])
    if n == 0:
        return
    do_sender: bool = sender != empty(address)
    do_receiver: bool = receiver != empty(address) and receiver != sender
    sender_balance: uint256 = 0
    receiver_balance: uint256 = 0
    if do_sender:
        sender_balance = staticcall IERC20(share).balanceOf(sender)
    if do_receiver:
        receiver_balance = staticcall IERC20(share).balanceOf(receiver)

    for asset: address in self._persona_assets[persona_id]:
        acc: uint256 = self.acc_per_share[persona_id][asset]
        if do_sender:
            self._checkpoint(persona_id, asset, sender, sender_balance, acc)
        if do_receiver:
            self._checkpoint(persona_id, asset, receiver, receiver_balance, acc)
    log SharesCheckpointed(persona_id=persona_id, sender=sender, receiver=receiver)


# ---------------------------------------------------------------- claims


@external
@nonreentrant
def claim(persona_id: uint256, asset: address) -> uint256:
    """
    @notice Pays the caller everything claimable in `asset` from persona
            `persona_id` (whole base units; the sub-unit remainder stays
            credited).
    @param persona_id The persona.
    @param asset The asset (zero address = ETH).
    @return The amount paid (reverts if zero).
    """
    share: address = self._share_token(persona_id)
    assert share != empty(address), "revenue: unknown persona"
    balance: uint256 = staticcall IERC20(share).balanceOf(msg.sender)
    amount: uint256 = self._settle(persona_id, asset, msg.sender, balance)
    assert amount > 0, "revenue: nothing to claim"
    self._send(asset, msg.sender, amount)
    return amount


@external
@nonreentrant
def claim_many(persona_id: uint256, assets: DynArray[address, MAX_ASSETS]) -> DynArray[uint256, MAX_ASSETS]:
    """
    @notice Like `claim` for several assets of one persona; assets with
            nothing to claim are skipped (no revert).
    @param persona_id The persona.
    @param assets Up to MAX_ASSETS assets (zero address = ETH).
    @return The amount paid per asset, in the order given.
    """
    share: address = self._share_token(persona_id)
    assert share != empty(address), "revenue: unknown persona"
    balance: uint256 = staticcall IERC20(share).balanceOf(msg.sender)
    amounts: DynArray[uint256, MAX_ASSETS] = []
    for asset: address in assets:
        amounts.append(self._settle(persona_id, asset, msg.sender, balance))
    # Interactions only after every state change.
    for i: uint256 in range(len(assets), bound=MAX_ASSETS):
        if amounts[i] > 0:
            self._send(assets[i], msg.sender, amounts[i])
    return amounts


@external
@nonreentrant
def withdraw_fees(asset: address) -> uint256:
    """
    @notice Anyone: sends all accrued protocol fees in `asset` to the current
            `fee_recipient`.
    @param asset The asset (zero address = ETH).
    @return The amount sent (reverts if zero).
    """
    amount: uint256 = self.fees_accrued[asset]
    assert amount > 0, "revenue: no fees"
    recipient: address = self.fee_recipient
    self.fees_accrued[asset] = 0
    log FeesWithdrawn(asset=asset, recipient=recipient, amount=amount)
    self._send(asset, recipient, amount)
    return amount


# ---------------------------------------------------------------- owner


@external
def set_fee_bps(new_fee_bps: uint256):
    """
    @notice Owner only: sets the protocol fee for future payments.
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
            already accrued and not yet withdrawn).
    @param new_recipient The receiver (non-zero).
    """
    ownable._check_owner()
    assert new_recipient != empty(address), "revenue: zero fee recipient"
    log FeeRecipientChanged(previous_recipient=self.fee_recipient, new_recipient=new_recipient)
    self.fee_recipient = new_recipient


@external
def set_asset_allowed(token: address, allowed: bool):
    """
    @notice Owner only: allows or disallows payments in ERC-20 `token`. A
            token allowed for the first time takes one of the MAX_ASSETS
            slots for good; disallowing keeps existing accruals claimable.
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


# ---------------------------------------------------------------- views


@view
@external
def claimable(persona_id: uint256, asset: address, holder: address) -> uint256:
    """
    @notice What `claim(persona_id, asset)` would pay `holder` now.
    @param persona_id The persona.
    @param asset The asset (zero address = ETH).
    @param holder The share holder (current or former).
    @return Whole base units claimable.
    """
    share: address = self._share_token_view(persona_id)
    if share == empty(address):
        return 0
    balance: uint256 = staticcall IERC20(share).balanceOf(holder)
    owed: uint256 = self._owed_scaled[persona_id][asset][holder]
    owed += balance * (self.acc_per_share[persona_id][asset] - self._checkpoint_acc[persona_id][asset][holder])
    return owed // ACC_SCALE


@view
@external
def persona_assets(persona_id: uint256) -> DynArray[address, MAX_ASSETS]:
    """
    @notice The assets persona `persona_id` has ever received (what a share
            transfer iterates over).
    @param persona_id The persona.
    @return The assets, in order of first payment.
    """
    return self._persona_assets[persona_id]


@view
@external
def assets() -> DynArray[address, MAX_ASSETS]:
    """
    @notice Every asset ever listed (allowed now or before), ETH first.
    @return The assets.
    """
    return self.asset_list


# ---------------------------------------------------------------- internals


@internal
def _share_token(persona_id: uint256) -> address:
    share: address = self._share_cache[persona_id]
    if share == empty(address):
        share = staticcall registry.share_token_of(persona_id)
        if share != empty(address):
            self._share_cache[persona_id] = share
    return share


@view
@internal
def _share_token_view(persona_id: uint256) -> address:
    share: address = self._share_cache[persona_id]
    if share == empty(address):
        share = staticcall registry.share_token_of(persona_id)
    return share


@internal
def _accrue(persona_id: uint256, asset: address, amount: uint256):
    share: address = self._share_token(persona_id)
    assert share != empty(address), "revenue: unknown persona"
    revenue: uint256 = self.revenue_of[persona_id][asset]
    assert amount <= MAX_REVENUE - revenue, "revenue: revenue limit reached"
    self.revenue_of[persona_id][asset] = revenue + amount

    fee: uint256 = amount * self.fee_bps // BPS
    self.fees_accrued[asset] += fee
    log RevenuePaid(persona_id=persona_id, asset=asset, payer=msg.sender, amount=amount, fee=fee)

    if not self._has_received[persona_id][asset]:
        # Every accepted asset is in asset_list (<= MAX_ASSETS), so this list
        # cannot outgrow its bound.
        self._has_received[persona_id][asset] = True
        self._persona_assets[persona_id].append(asset)

    supply: uint256 = staticcall IERC20(share).totalSupply()
    if supply == 0:
        held: uint256 = self.undistributed[persona_id][asset] + amount - fee
        self.undistributed[persona_id][asset] = held
        log RevenueHeld(persona_id=persona_id, asset=asset, amount=amount - fee, total_held=held)
    else:
        self._distribute(persona_id, asset, amount - fee, supply)


@internal
def _distribute(persona_id: uint256, asset: address, net: uint256, supply: uint256):
    amount: uint256 = net + self.undistributed[persona_id][asset]
    self.undistributed[persona_id][asset] = 0
    acc: uint256 = self.acc_per_share[persona_id][asset] + amount * ACC_SCALE // supply
    self.acc_per_share[persona_id][asset] = acc
    log RevenueDistributed(persona_id=persona_id, asset=asset, amount=amount, share_supply=supply, acc_per_share=acc)


@internal
def _checkpoint(persona_id: uint256, asset: address, holder: address, balance: uint256, acc: uint256):
    last: uint256 = self._checkpoint_acc[persona_id][asset][holder]
    if last != acc:
        if balance > 0:
            self._owed_scaled[persona_id][asset][holder] += balance * (acc - last)
        self._checkpoint_acc[persona_id][asset][holder] = acc


@internal
def _settle(persona_id: uint256, asset: address, holder: address, balance: uint256) -> uint256:
    # Checkpoint, then take the whole base units out of the owed amount.
    self._checkpoint(persona_id, asset, holder, balance, self.acc_per_share[persona_id][asset])
    owed: uint256 = self._owed_scaled[persona_id][asset][holder]
    amount: uint256 = owed // ACC_SCALE
    if amount > 0:
        self._owed_scaled[persona_id][asset][holder] = owed - amount * ACC_SCALE
        log Claimed(persona_id=persona_id, asset=asset, holder=holder, amount=amount)
    return amount


@internal
def _send(asset: address, to: address, amount: uint256):
    if asset == ETH:
        sent: bool = raw_call(to, b"", value=amount, revert_on_failure=False)
        assert sent, "revenue: ETH transfer failed"
    else:
        assert extcall IERC20(asset).transfer(to, amount, default_return_value=True), "revenue: transfer failed"
