# pragma version ~=0.4.3
"""
@title PersonaShare
@notice The ERC-20 (with EIP-2612 permit) that represents co-ownership of one
        FameEngine persona, and the address that receives and splits that
        persona's revenue. Deployed by the launchpad from an ERC-5202
        blueprint (`create_from_blueprint`), one instance per persona.

        Shares:
        - Supply is created only by `minter` and never exceeds `max_supply`
          (the supply declared at launch, itself at most MAX_SUPPLY_LIMIT).
        - Holders may burn their own shares (or, with an allowance, someone
          else's); burnt supply may be minted again up to `max_supply`.
          Revenue credited before a burn stays claimable.
        - There is no owner and no admin: nothing about the token can be
          changed after deployment. The DAO's settings (fee, fee recipient,
          allowed ERC-20s) are read from `revenue_config` (RevenueConfig).

        Revenue:
        - ETH: anyone pays the persona with a plain ETH transfer to this
          address (empty calldata). Nothing is written: the payment only logs
          `EthPaid`, and the accounting below is derived from this
          contract's balance when it is needed.
        - ERC-20: `pay(token, amount)` for FMC and any token the DAO allows
          (transferFrom; tokens that deliver a different amount are
          rejected). Tokens sent without `pay` are not revenue.
        - A protocol fee of floor(gross * fee_bps / 10000) (rounding favours
          the holders) is set aside on every payment and sent to the DAO's
          fee recipient by anyone's `withdraw_fees`. `fee_bps` is a copy of
          RevenueConfig's fee, taken at every settlement (see below).
        - The rest accrues to share holders pro rata to their balances;
          holders take it whenever they like with `claim` (ETH) or
          `claim_token`.

        Accounting (O(1) per payment and per claim, whatever the number of
        holders). Per asset there is a per-share accumulator `acc` (base
        units * ACC_SCALE per share unit). Revenue since the last settlement
        is D gross (ETH: this balance + ETH sent out since the settlement -
        the balance then; a token: what `pay` received since), so while the
        supply S does not change
            acc = acc_base + floor((D - fee(D)) * ACC_SCALE / S)
        is computed on the fly and never written by a payment or a claim.
        A settlement (before every mint and burn, in `withdraw_fees`, and in
        anyone's `sync`) writes that value into acc_base, moves fee(D) to
        the accrued fees and restarts D at zero; it also copies the DAO's
        current fee. A holder h with balance b_h has a signed correction
        c_h (ACC_SCALE units) and a withdrawn amount w_h; it is owed
            floor((acc * b_h + c_h) / ACC_SCALE) - w_h.
        Moving x shares from a to b adds acc * x to c_a and subtracts it
        from c_b (a mint subtracts, a burn adds; both run just after a
        settlement), so accruals to date stay with whoever held the shares,
        and a transfer does one update per asset the persona has received
        (at most MAX_ASSETS).

        Small or zero supply: revenue is distributed only while the supply
        is at least MIN_DISTRIBUTION_SUPPLY (one whole share). Below that,
        payments are held (D keeps growing, acc does not move) and go to
        the holders of the first supply that reaches it; nothing is
        stranded. A fee change that takes effect while revenue is held
        applies to that revenue.

        Rounding (the dust bound). In ACC_SCALE units, every value of acc
        that the contract uses is the exact cumulative net revenue per share
        rounded down by less than one unit per settlement interval. For a
        holder h write E_h for its exact pro-rata entitlement (the sum over
        time of its balance share of every net amount distributed), and
        paid_h = claimed + claimable. Then
            E_h - 1 - (sum_k b_{h,k} + sent_h) / ACC_SCALE
                < paid_h <=
            E_h + received_h / ACC_SCALE
        where b_{h,k} is h's balance at the end of each settlement interval
        k it held shares in (the current one included), sent_h / received_h
        the shares it sent / received by transfer, mint or burn. With
        ACC_SCALE = MAX_SUPPLY_LIMIT = 1e30 each term is below one base unit:
        a holder can be off by at most 1 base unit plus one per settlement
        and one per share movement of its own. Across holders the errors of
        a transfer cancel, so the total owed to all holders never exceeds
        the net revenue (sum over intervals of S_k * floor(N_k * ACC_SCALE /
        S_k) / ACC_SCALE <= sum N_k): what is claimable plus accrued fees
        never exceeds what the contract holds, and what stays behind per
        settlement interval is less than S_k / ACC_SCALE <= 1 base unit.

        Overflow: a token accepts at most MAX_REVENUE = 2^112 - 1 base
        units of gross revenue through `pay` in total (for ETH, 2^112 wei is
        over 10^7 times all ETH in existence). With S >= 1e18 while
        distributing and balances <= 1e30, every acc * balance product stays
        below 2^252, so transfers, claims and settlements cannot overflow.
"""

from ethereum.ercs import IERC20

from snekmate.utils import ecdsa
from snekmate.utils import eip712_domain_separator

from ..interfaces import IRevenueConfig

implements: IERC20

initializes: eip712_domain_separator

exports: eip712_domain_separator.eip712Domain

# @notice Largest `max_supply` a persona may declare: 1e12 whole shares at 18 decimals.
MAX_SUPPLY_LIMIT: public(constant(uint256)) = 10**30
# @notice Accumulator scale (acc is in base units * ACC_SCALE per share unit).
ACC_SCALE: public(constant(uint256)) = 10**30
# @notice Revenue is distributed only while the supply is at least this (one whole share).
MIN_DISTRIBUTION_SUPPLY: public(constant(uint256)) = 10**18
# @notice Most gross revenue a token can be paid through `pay`, in total.
MAX_REVENUE: public(constant(uint256)) = 2**112 - 1
# @notice Most distinct revenue assets (ETH included), as in RevenueConfig.
MAX_ASSETS: public(constant(uint256)) = 8
# @notice Upper bound of the fee, as in RevenueConfig.
MAX_FEE_BPS: public(constant(uint256)) = 1_000
# @notice ERC-20 decimals.
decimals: public(constant(uint8)) = 18

BPS: constant(uint256) = 10_000
ETH: constant(address) = empty(address)
MASK128: constant(uint256) = 2**128 - 1
MASK104: constant(uint256) = 2**104 - 1
# The low 128 bits of _state hold OFFSET + (ETH sent out since the last
# settlement) - (the balance at the last settlement), kept non-negative.
OFFSET: constant(uint256) = 2**127
SUPPLY_SHIFT: constant(uint256) = 128
FEE_SHIFT: constant(uint256) = 232
LOW232: constant(uint256) = 2**232 - 1

_PERMIT_TYPE_HASH: constant(bytes32) = keccak256(
    "Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"
)

# @notice Token name.
name: public(immutable(String[25]))
# @notice Token symbol.
symbol: public(immutable(String[5]))
# @notice The persona this token represents (its id in the PersonaRegistry).
persona_id: public(immutable(uint256))
# @notice The only account that can mint (the launchpad).
minter: public(immutable(address))
# @notice The DAO's revenue settings (RevenueConfig).
revenue_config: public(immutable(IRevenueConfig))
# @notice The declared supply: totalSupply never exceeds it.
max_supply: public(immutable(uint256))

# @notice ERC-20 allowances.
allowance: public(HashMap[address, HashMap[address, uint256]])
# @notice EIP-2612 nonces.
nonces: public(HashMap[address, uint256])

# Packed persona state, read by every claim and transfer:
#   bits 0..127   OFFSET + ETH out since the last settlement - balance then
#   bits 128..231 total supply
#   bits 232..247 fee_bps in force (copied from RevenueConfig at settlements)
_state: uint256
# Packed per account: bits 0..127 share balance, bits 128..255 ETH withdrawn.
_account: HashMap[address, uint256]
# asset -> accumulator at the last settlement (ACC_SCALE units per share unit)
_acc_base: HashMap[address, uint256]
# asset -> holder -> correction (ACC_SCALE units)
_correction: HashMap[address, HashMap[address, int256]]
# token -> holder -> withdrawn (ETH's is packed in _account)
_withdrawn: HashMap[address, HashMap[address, uint256]]
# token -> gross paid since the last settlement
_pending: HashMap[address, uint256]
# asset -> settled protocol fees not yet withdrawn
_fees: HashMap[address, uint256]
# @notice Gross revenue ever paid in each ERC-20 through `pay` (at most MAX_REVENUE).
token_revenue: public(HashMap[address, uint256])
# ERC-20s this persona has been paid in, in order of first payment.
_tokens: DynArray[address, MAX_ASSETS - 1]


event EthPaid:
    payer: address
    amount: uint256


event RevenuePaid:
    asset: indexed(address)
    payer: indexed(address)
    amount: uint256


event EthClaimed:
    holder: address
    amount: uint256


event Claimed:
    asset: indexed(address)
    holder: indexed(address)
    amount: uint256


event RevenueSettled:
    asset: indexed(address)
    amount: uint256
    fee: uint256
    share_supply: uint256
    acc_per_share: uint256


event FeeUpdated:
    fee_bps: uint256


event FeesWithdrawn:
    asset: indexed(address)
    recipient: indexed(address)
    amount: uint256


@deploy
def __init__(
    name_: String[25],
    symbol_: String[5],
    persona_id_: uint256,
    minter_: address,
    revenue_config_: IRevenueConfig,
    max_supply_: uint256,
):
    """
    @notice Creates the share token of persona `persona_id_` with 18 decimals
            and zero supply, taking the DAO's current fee. The EIP-712 domain
            is (name_, "1").
    @param name_ Token name (1..25 bytes).
    @param symbol_ Token symbol (1..5 bytes).
    @param persona_id_ The persona id (non-zero; the registry's next id).
    @param minter_ The only minter (non-zero).
    @param revenue_config_ The RevenueConfig (non-zero).
    @param max_supply_ The declared supply, 1..MAX_SUPPLY_LIMIT.
    """
    assert len(name_) > 0, "shares: empty name"
    assert len(symbol_) > 0, "shares: empty symbol"
    assert persona_id_ != 0, "shares: zero persona id"
    assert minter_ != empty(address), "shares: zero minter"
    assert revenue_config_.address != empty(address), "shares: zero revenue config"
    assert max_supply_ > 0, "shares: zero max supply"
    assert max_supply_ <= MAX_SUPPLY_LIMIT, "shares: max supply above limit"

    eip712_domain_separator.__init__(name_, "1")
    name = name_
    symbol = symbol_
    persona_id = persona_id_
    minter = minter_
    revenue_config = revenue_config_
    max_supply = max_supply_

    fee: uint256 = min(staticcall revenue_config_.fee_bps(), MAX_FEE_BPS)
    # Any ETH already at this address counts as revenue (it is the balance
    # minus nothing sent out).
    self._state = OFFSET | (fee << FEE_SHIFT)
    log FeeUpdated(fee_bps=fee)


# ---------------------------------------------------------------- revenue in


@external
@payable
def __default__():
    """
    @notice Pays the persona `msg.value` wei of revenue: send ETH to this
            address (empty calldata; a call matching no function lands here
            too). Writes nothing; the amount is accounted from the balance
            when it is needed.
    """
    log EthPaid(payer=msg.sender, amount=msg.value)


@external
@nonreentrant
def pay(token: address, amount: uint256):
    """
    @notice Pulls `amount` of the allowed ERC-20 `token` from the caller
            (approve first) as revenue of this persona.
    @param token An ERC-20 RevenueConfig allows (ETH: send it to this address).
    @param amount A positive amount; the token must deliver exactly it.
    """
    assert token != ETH, "revenue: send ETH to this address"
    assert amount != 0, "revenue: zero amount"
    assert staticcall revenue_config.is_allowed(token), "revenue: asset not allowed"
    gross: uint256 = self.token_revenue[token]
    assert amount <= MAX_REVENUE - gross, "revenue: revenue limit reached"
    if gross == 0:
        # RevenueConfig lists at most MAX_ASSETS assets ever (ETH included),
        # so this list cannot outgrow its bound.
        self._tokens.append(token)
    self.token_revenue[token] = gross + amount
    self._pending[token] += amount
    log RevenuePaid(asset=token, payer=msg.sender, amount=amount)

    before: uint256 = staticcall IERC20(token).balanceOf(self)
    assert extcall IERC20(token).transferFrom(msg.sender, self, amount, default_return_value=True), "revenue: transferFrom failed"
    assert staticcall IERC20(token).balanceOf(self) == before + amount, "revenue: token delivered a different amount"


# ---------------------------------------------------------------- revenue out


@external
@nonreentrant
def claim() -> uint256:
    """
    @notice Pays the caller all the ETH revenue it can claim (whole wei; any
            sub-wei remainder stays credited).
    @return The amount paid (reverts if zero).
    """
    account: uint256 = self._account[msg.sender]
    state: uint256 = self._state
    owed: uint256 = self._owed(self._eth_acc(state), account & MASK128, self._correction[ETH][msg.sender])
    amount: uint256 = owed - (account >> 128)
    assert amount != 0, "revenue: nothing to claim"
    assert (state & MASK128) + amount <= MASK128, "revenue: ETH total overflow"
    self._account[msg.sender] = account + (amount << 128)
    self._state = state + amount
    log EthClaimed(holder=msg.sender, amount=amount)
    assert raw_call(msg.sender, b"", value=amount, revert_on_failure=False), "revenue: ETH transfer failed"
    return amount


@external
@nonreentrant
def claim_token(token: address) -> uint256:
    """
    @notice Pays the caller all the revenue in ERC-20 `token` it can claim
            (whole base units; any remainder stays credited).
    @param token An ERC-20 the persona was paid in (ETH: use `claim`).
    @return The amount paid (reverts if zero).
    """
    assert token != ETH, "revenue: use claim for ETH"
    state: uint256 = self._state
    acc: uint256 = self._token_acc(token, (state >> SUPPLY_SHIFT) & MASK104, state >> FEE_SHIFT)
    withdrawn: uint256 = self._withdrawn[token][msg.sender]
    amount: uint256 = self._owed(acc, self._account[msg.sender] & MASK128, self._correction[token][msg.sender]) - withdrawn
    assert amount != 0, "revenue: nothing to claim"
    self._withdrawn[token][msg.sender] = withdrawn + amount
    log Claimed(asset=token, holder=msg.sender, amount=amount)
    assert extcall IERC20(token).transfer(msg.sender, amount, default_return_value=True), "revenue: transfer failed"
    return amount


@external
@nonreentrant
def withdraw_fees(asset: address) -> uint256:
    """
    @notice Anyone: settles, then sends every protocol fee accrued in `asset`
            to RevenueConfig's current fee recipient.
    @dev While the supply is below MIN_DISTRIBUTION_SUPPLY the fee on held
         revenue is not settled yet and is not sent.
    @param asset The asset (zero address = ETH).
    @return The amount sent (reverts if zero).
    """
    state: uint256 = self._settle()
    amount: uint256 = self._fees[asset]
    assert amount != 0, "revenue: no fees"
    self._fees[asset] = 0
    recipient: address = staticcall revenue_config.fee_recipient()
    log FeesWithdrawn(asset=asset, recipient=recipient, amount=amount)
    if asset == ETH:
        self._state = state + amount
        assert raw_call(recipient, b"", value=amount, revert_on_failure=False), "revenue: ETH transfer failed"
    else:
        assert extcall IERC20(asset).transfer(recipient, amount, default_return_value=True), "revenue: transfer failed"
    return amount


@external
@nonreentrant
def sync():
    """
    @notice Anyone: settles revenue received so far at the fee in force, then
            takes RevenueConfig's current fee for what comes next (how a DAO
            fee change reaches this persona without waiting for a mint or
            burn). Claimable amounts do not change.
    """
    self._settle()


# ---------------------------------------------------------------- ERC-20


@external
@nonreentrant
def transfer(to: address, amount: uint256) -> bool:
    """
    @notice Moves `amount` shares from the caller to `to`; revenue accrued
            so far stays with the caller.
    @param to The receiver (non-zero).
    @param amount At most the caller's balance.
    @return True (reverts on failure).
    """
    self._transfer(msg.sender, to, amount)
    return True


@external
@nonreentrant
def transferFrom(owner: address, to: address, amount: uint256) -> bool:
    """
    @notice Moves `amount` shares from `owner` to `to` using the caller's
            allowance; revenue accrued so far stays with `owner`.
    @param owner The account debited.
    @param to The receiver (non-zero).
    @param amount At most `owner`'s balance and the caller's allowance.
    @return True (reverts on failure).
    """
    self._spend_allowance(owner, msg.sender, amount)
    self._transfer(owner, to, amount)
    return True


@external
def approve(spender: address, amount: uint256) -> bool:
    """
    @notice Sets `spender`'s allowance over the caller's shares.
    @param spender The spender (non-zero).
    @param amount The allowance (max_value(uint256): never decreases).
    @return True.
    """
    self._approve(msg.sender, spender, amount)
    return True


@external
def permit(owner: address, spender: address, amount: uint256, deadline: uint256, v: uint8, r: bytes32, s: bytes32):
    """
    @notice EIP-2612: sets `spender`'s allowance over `owner`'s shares from
            `owner`'s signature of the EIP-712 Permit message with its
            current nonce.
    @param owner The signer.
    @param spender The spender (non-zero).
    @param amount The allowance.
    @param deadline Last valid block timestamp.
    @param v Signature v.
    @param r Signature r.
    @param s Signature s.
    """
    assert block.timestamp <= deadline, "erc20: expired deadline"
    nonce: uint256 = self.nonces[owner]
    self.nonces[owner] = nonce + 1
    struct_hash: bytes32 = keccak256(abi_encode(_PERMIT_TYPE_HASH, owner, spender, amount, nonce, deadline))
    digest: bytes32 = eip712_domain_separator._hash_typed_data_v4(struct_hash)
    signer: address = ecdsa._recover_vrs(digest, convert(v, uint256), convert(r, uint256), convert(s, uint256))
    assert signer == owner, "erc20: invalid signature"
    self._approve(owner, spender, amount)


@external
@nonreentrant
def mint(to: address, amount: uint256):
    """
    @notice Minter only: settles, then creates `amount` shares for `to`,
            never past `max_supply`. New shares earn revenue from now on
            (and revenue held while the supply was below
            MIN_DISTRIBUTION_SUPPLY, if this mint reaches it).
    @param to The receiver (non-zero).
    @param amount The amount created.
    """
    assert msg.sender == minter, "shares: caller is not the minter"
    assert to != empty(address), "erc20: mint to the zero address"
    state: uint256 = self._settle()
    supply: uint256 = (state >> SUPPLY_SHIFT) & MASK104
    assert supply + amount <= max_supply, "shares: max supply exceeded"
    self._state = state + (amount << SUPPLY_SHIFT)
    self._account[to] += amount
    self._rebase(to, amount, True)
    log IERC20.Transfer(sender=empty(address), receiver=to, value=amount)


@external
@nonreentrant
def burn(amount: uint256):
    """
    @notice Settles, then destroys `amount` of the caller's shares (revenue
            accrued so far stays claimable).
    @param amount At most the caller's balance.
    """
    self._burn(msg.sender, amount)


@external
@nonreentrant
def burn_from(owner: address, amount: uint256):
    """
    @notice Settles, then destroys `amount` of `owner`'s shares using the
            caller's allowance (revenue accrued so far stays claimable by
            `owner`).
    @param owner The account debited.
    @param amount At most `owner`'s balance and the caller's allowance.
    """
    self._spend_allowance(owner, msg.sender, amount)
    self._burn(owner, amount)


# ---------------------------------------------------------------- views


@view
@external
def totalSupply() -> uint256:
    """
    @notice The share supply.
    @return Base units (18 decimals).
    """
    return (self._state >> SUPPLY_SHIFT) & MASK104


@view
@external
def balanceOf(owner: address) -> uint256:
    """
    @notice `owner`'s shares.
    @param owner The account.
    @return Base units (18 decimals).
    """
    return self._account[owner] & MASK128


@view
@external
def DOMAIN_SEPARATOR() -> bytes32:
    """
    @notice The EIP-712 domain separator of this chain.
    @return The separator.
    """
    return eip712_domain_separator._domain_separator_v4()


@view
@external
def claimable(holder: address) -> uint256:
    """
    @notice What `claim()` would pay `holder` now.
    @param holder A current or former holder.
    @return Wei.
    """
    account: uint256 = self._account[holder]
    return self._owed(self._eth_acc(self._state), account & MASK128, self._correction[ETH][holder]) - (account >> 128)


@view
@external
def claimable_token(token: address, holder: address) -> uint256:
    """
    @notice What `claim_token(token)` would pay `holder` now.
    @param token An ERC-20.
    @param holder A current or former holder.
    @return Base units of `token`.
    """
    state: uint256 = self._state
    acc: uint256 = self._token_acc(token, (state >> SUPPLY_SHIFT) & MASK104, state >> FEE_SHIFT)
    return self._owed(acc, self._account[holder] & MASK128, self._correction[token][holder]) - self._withdrawn[token][holder]


@view
@external
def claimed(asset: address, holder: address) -> uint256:
    """
    @notice What `holder` has claimed so far.
    @param asset The asset (zero address = ETH).
    @param holder The holder.
    @return Base units of `asset`.
    """
    if asset == ETH:
        return self._account[holder] >> 128
    return self._withdrawn[asset][holder]


@view
@external
def acc_per_share(asset: address) -> uint256:
    """
    @notice The accumulator now (net revenue per share unit, ACC_SCALE units).
    @param asset The asset (zero address = ETH).
    @return The accumulator.
    """
    state: uint256 = self._state
    if asset == ETH:
        return self._eth_acc(state)
    return self._token_acc(asset, (state >> SUPPLY_SHIFT) & MASK104, state >> FEE_SHIFT)


@view
@external
def pending_revenue(asset: address) -> uint256:
    """
    @notice Gross revenue received since the last settlement (including
            revenue held while the supply is below MIN_DISTRIBUTION_SUPPLY).
    @param asset The asset (zero address = ETH).
    @return Base units of `asset`.
    """
    if asset == ETH:
        return self._eth_since_settlement(self._state)
    return self._pending[asset]


@view
@external
def fees_owed(asset: address) -> uint256:
    """
    @notice Protocol fees in `asset` not yet withdrawn: settled ones plus the
            fee on revenue since the last settlement (once distributable).
    @param asset The asset (zero address = ETH).
    @return Base units of `asset`.
    """
    state: uint256 = self._state
    owed: uint256 = self._fees[asset]
    if (state >> SUPPLY_SHIFT) & MASK104 >= MIN_DISTRIBUTION_SUPPLY:
        gross: uint256 = self._pending[asset]
        if asset == ETH:
            gross = self._eth_since_settlement(state)
        owed += gross * (state >> FEE_SHIFT) // BPS
    return owed


@view
@external
def fee_bps() -> uint256:
    """
    @notice The fee in force for this persona (RevenueConfig's, as of the
            last settlement).
    @return Basis points.
    """
    return self._state >> FEE_SHIFT


@view
@external
def revenue_tokens() -> DynArray[address, MAX_ASSETS - 1]:
    """
    @notice The ERC-20s this persona has been paid in (ETH is always
            tracked), in order of first payment: what a transfer iterates.
    @return The tokens.
    """
    return self._tokens


# ---------------------------------------------------------------- internals


@view
@internal
def _eth_since_settlement(state: uint256) -> uint256:
    return self.balance + (state & MASK128) - OFFSET


@view
@internal
def _eth_acc(state: uint256) -> uint256:
    acc: uint256 = self._acc_base[ETH]
    supply: uint256 = (state >> SUPPLY_SHIFT) & MASK104
    if supply >= MIN_DISTRIBUTION_SUPPLY:
        gross: uint256 = self.balance + (state & MASK128) - OFFSET
        acc += (gross - gross * (state >> FEE_SHIFT) // BPS) * ACC_SCALE // supply
    return acc


@view
@internal
def _token_acc(token: address, supply: uint256, fee: uint256) -> uint256:
    acc: uint256 = self._acc_base[token]
    if supply >= MIN_DISTRIBUTION_SUPPLY:
        gross: uint256 = self._pending[token]
        if gross != 0:
            acc += (gross - gross * fee // BPS) * ACC_SCALE // supply
    return acc


@pure
@internal
def _owed(acc: uint256, balance: uint256, correction: int256) -> uint256:
    # acc * balance < 2^252 (see Overflow), and the sum is never negative.
    return convert(convert(acc * balance, int256) + correction, uint256) // ACC_SCALE


@internal
def _settle() -> uint256:
    """
    Writes the accumulators' current values into acc_base and the fee on
    revenue since the last settlement into the accrued fees (when the supply
    is distributable), then copies RevenueConfig's fee. Returns the new state.
    """
    state: uint256 = self._state
    supply: uint256 = (state >> SUPPLY_SHIFT) & MASK104
    fee: uint256 = state >> FEE_SHIFT
    if supply >= MIN_DISTRIBUTION_SUPPLY:
        gross: uint256 = self.balance + (state & MASK128) - OFFSET
        if gross != 0:
            self._settle_asset(ETH, gross, supply, fee)
            state = (state & ~MASK128) | (OFFSET - self.balance)
        for token: address in self._tokens:
            gross = self._pending[token]
            if gross != 0:
                self._settle_asset(token, gross, supply, fee)
                self._pending[token] = 0
    new_fee: uint256 = min(staticcall revenue_config.fee_bps(), MAX_FEE_BPS)
    if new_fee != fee:
        state = (state & LOW232) | (new_fee << FEE_SHIFT)
        log FeeUpdated(fee_bps=new_fee)
    self._state = state
    return state


@internal
def _settle_asset(asset: address, gross: uint256, supply: uint256, fee_bps_: uint256):
    fee: uint256 = gross * fee_bps_ // BPS
    acc: uint256 = self._acc_base[asset] + (gross - fee) * ACC_SCALE // supply
    self._acc_base[asset] = acc
    if fee != 0:
        self._fees[asset] += fee
    log RevenueSettled(asset=asset, amount=gross, fee=fee, share_supply=supply, acc_per_share=acc)


@internal
def _rebase(holder: address, amount: uint256, credited: bool):
    # Right after a settlement acc == acc_base for every asset.
    acc: uint256 = self._acc_base[ETH]
    if acc != 0:
        self._shift(ETH, holder, convert(acc * amount, int256), credited)
    for token: address in self._tokens:
        acc = self._acc_base[token]
        if acc != 0:
            self._shift(token, holder, convert(acc * amount, int256), credited)


@internal
def _shift(asset: address, holder: address, delta: int256, credited: bool):
    # Shares credited to `holder`: what they accrued before now is not its own.
    if credited:
        self._correction[asset][holder] -= delta
    else:
        self._correction[asset][holder] += delta


@internal
def _transfer(owner: address, to: address, amount: uint256):
    # `owner` is never zero: it is msg.sender, or an owner whose allowance
    # was spent (_spend_allowance rejects the zero address).
    assert to != empty(address), "erc20: transfer to the zero address"
    account: uint256 = self._account[owner]
    assert account & MASK128 >= amount, "erc20: transfer amount exceeds balance"
    self._account[owner] = account - amount
    self._account[to] += amount
    log IERC20.Transfer(sender=owner, receiver=to, value=amount)
    if owner == to or amount == 0:
        return
    state: uint256 = self._state
    acc: uint256 = self._eth_acc(state)
    if acc != 0:
        delta: int256 = convert(acc * amount, int256)
        self._correction[ETH][owner] += delta
        self._correction[ETH][to] -= delta
    supply: uint256 = (state >> SUPPLY_SHIFT) & MASK104
    fee: uint256 = state >> FEE_SHIFT
    for token: address in self._tokens:
        acc = self._token_acc(token, supply, fee)
        if acc != 0:
            delta: int256 = convert(acc * amount, int256)
            self._correction[token][owner] += delta
            self._correction[token][to] -= delta


@internal
def _burn(owner: address, amount: uint256):
    account: uint256 = self._account[owner]
    assert account & MASK128 >= amount, "erc20: burn amount exceeds balance"
    state: uint256 = self._settle()
    self._state = state - (amount << SUPPLY_SHIFT)
    self._account[owner] = account - amount
    self._rebase(owner, amount, False)
    log IERC20.Transfer(sender=owner, receiver=empty(address), value=amount)


@internal
def _approve(owner: address, spender: address, amount: uint256):
    assert owner != empty(address), "erc20: approve from the zero address"
    assert spender != empty(address), "erc20: approve to the zero address"
    self.allowance[owner][spender] = amount
    log IERC20.Approval(owner=owner, spender=spender, value=amount)


@internal
def _spend_allowance(owner: address, spender: address, amount: uint256):
    current: uint256 = self.allowance[owner][spender]
    if current != max_value(uint256):
        assert current >= amount, "erc20: insufficient allowance"
        self._approve(owner, spender, unsafe_sub(current, amount))
