# pragma version ~=0.4.3
# pragma nonreentrancy off
"""
@title EngagementOracle
@custom:contract-name EngagementOracle
@license AGPL-3.0-only
@notice Puts the social-media engagement of FameEngine personas on chain.
        A committee of n oracle operators (n <= 31), at most f of them faulty
        (3f < n), observes every persona off chain; per round (epoch) the
        round's leader takes per-field medians of at least 2f+1 signed
        observations, and the report is accepted here only with valid
        EIP-712 signatures of at least f+1 distinct operators of the current
        configuration, sent by a registered transmitter. At least one honest
        operator has therefore checked every value it carries.

        Packed observation (one uint256 word per persona, most significant
        bits first; all counts are lifetime totals on the platform):

            bits 255..224  persona_id   32 bits  (>= 1, strictly ascending in a report)
            bits 223..176  views        48 bits
            bits 175..136  likes        40 bits
            bits 135..104  shares       32 bits
            bits 103..72   comments     32 bits
            bits  71..56   sentiment    16 bits  sentiment_bps + 10_000 (0..20_000 <-> -1e4..1e4)
            bits  55..40   reserved     16 bits  must be zero
            bits  39..0    observed_at  40 bits  unix seconds

        Stored per persona (one word, the only storage a report writes per
        persona): the same word with persona_id replaced by the block
        timestamp of the report (updated_at, 32 bits, good until 2106),
        observed_at clamped to that block timestamp, and bits 55..40 holding
        the persona's reputation engagement component E (0..6_000) as of
        observed_at.

        EIP-712: domain {name "FameEngine Oracle", version "1", chainId,
        verifyingContract}; type
            Report(uint32 configVersion,uint64 epoch,uint256[] observations)
        (the array is hashed as keccak256 of its packed 32-byte words).
        Signatures are EIP-2098 compact (r, vs), low-s only.

        Gains: with d = max(new - previous, 0) per count (the whole count on
        a persona's first report; a platform recount may lower a count).

        Reputation (the `reputation` sink; zero disables it): every accepted
        observation folds its gains into E with the sink's metric weights
        (read once per report through `metric_weights_packed()`):
            E = min(decay(E, observed_at - previous_observed_at, 7 days) + points, 6_000)
        (engagement_math.vy). Reputation reads E from `latest_packed`, so an
        accepted report moves every reported persona's reputation without a
        call or a storage write per persona in the sink. If reading the
        weights fails, E only decays for that report (SinkCallFailed).

        Staking (the `staking` sink; zero disables it) is not touched by
        `transmit`: its per-pool settlement costs far more than a report, and
        reward shares need not move every round. Instead anyone may call
        `push_performance(ids)`; for every listed persona that is due (its
        last push is at least `performance_interval` seconds old, owner-set,
        0 = any time, and it was observed since) the oracle compares the
        stored word with the word it kept at that persona's last push:
              points = d_views + 5 d_likes + 20 d_shares + 10 d_comments
              rate   = points * 86_400 // (observed_at - pushed_observed_at)
              score  = isqrt(rate) * (sentiment_bps + 10_000)
        i.e. the square root of the weighted engagement per day over the
        whole interval (diminishing returns: one viral persona cannot take
        the whole reward stream), scaled from 0 (all negative) through
        10_000x (neutral) to 20_000x (all positive); at most ~2^48, far
        below staking's 10^18 bound. A persona no longer active scores 0.
        The scores go to staking.set_performance(ids, scores) in one call.
        A persona's first push only keeps its word (a rate needs two).

        Transmitter reimbursement: the DAO funds an ETH budget (plain ETH
        transfers to this contract). An accepted report pays its transmitter
        (gas used + overhead_gas + 16 per calldata byte) * min(tx.gasprice,
        max_gas_price), at most max_reimbursement per report and never more
        than the balance. max_gas_price == 0 (the default) disables it.

        Roles: the owner (the DAO timelock; two-step handover, cannot be
        renounced) sets the operator committee, the heartbeat, the sinks, the
        performance interval and the billing, and withdraws the budget. Reverts start with "oracle: ".
"""

from snekmate.auth import ownable
from snekmate.auth import ownable_2step
from snekmate.utils import ecdsa
from snekmate.utils import eip712_domain_separator

from ..interfaces import IPerformanceSink
from ..interfaces import IPersonaRegistry
from ..reputation import engagement_math

initializes: ownable
initializes: ownable_2step[ownable := ownable]
initializes: eip712_domain_separator

exports: (
    ownable.owner,
    ownable_2step.pending_owner,
    ownable_2step.transfer_ownership,
    ownable_2step.accept_ownership,
    eip712_domain_separator.eip712Domain,
)


# @notice Largest committee.
MAX_OPERATORS: public(constant(uint256)) = 31
# @notice Largest number of personas in one report.
MAX_OBSERVATIONS: public(constant(uint256)) = 128
# @notice How far observed_at may run ahead of block.timestamp (operators' clocks).
FUTURE_ALLOWANCE: public(constant(uint256)) = 30
# @notice Largest sentiment field (sentiment_bps + 10_000).
SENTIMENT_MAX: public(constant(uint256)) = 20_000
SENTIMENT_OFFSET: public(constant(int256)) = 10_000
# @notice Bounds of the owner-set parameters.
MIN_HEARTBEAT: public(constant(uint256)) = 1
MAX_HEARTBEAT: public(constant(uint256)) = 30 * 86400
MAX_OVERHEAD_GAS: public(constant(uint256)) = 1_000_000
# @notice EIP-712 type hash of a report.
REPORT_TYPEHASH: public(constant(bytes32)) = keccak256(
    "Report(uint32 configVersion,uint64 epoch,uint256[] observations)"
)

# Packed layout (see the contract notice).
_PERSONA_SHIFT: constant(uint256) = 224
_VIEWS_SHIFT: constant(uint256) = 176
_LIKES_SHIFT: constant(uint256) = 136
_SHARES_SHIFT: constant(uint256) = 104
_COMMENTS_SHIFT: constant(uint256) = 72
_SENTIMENT_SHIFT: constant(uint256) = 56
_RESERVED_SHIFT: constant(uint256) = 40
_MASK48: constant(uint256) = 2**48 - 1
_MASK40: constant(uint256) = 2**40 - 1
_MASK32: constant(uint256) = 2**32 - 1
_MASK16: constant(uint256) = 2**16 - 1
# Bits 223..40: the engagement fields (observed_at and persona_id cleared).
_FIELDS_MASK: constant(uint256) = (2**224 - 1) ^ (2**40 - 1)
_MASK64: constant(uint256) = 2**64 - 1

_METRIC_WEIGHTS: constant(bytes4) = method_id("metric_weights_packed()", output_type=bytes4)
_SET_PERFORMANCE: constant(bytes4) = method_id("set_performance(uint256[],uint256[])", output_type=bytes4)

# Performance score weights (see the contract notice).
_W_LIKES: constant(uint256) = 5
_W_SHARES: constant(uint256) = 20
_W_COMMENTS: constant(uint256) = 10


struct Report:
    config_version: uint32
    epoch: uint64
    observations: DynArray[uint256, MAX_OBSERVATIONS]


struct Signature:
    r: bytes32
    vs: bytes32  # EIP-2098: bit 255 = v - 27, bits 254..0 = s


struct Engagement:
    views: uint256
    likes: uint256
    shares: uint256
    comments: uint256
    sentiment: int256      # basis points, -10_000..10_000
    observed_at: uint256   # unix seconds (0: never observed)
    updated_at: uint256    # block timestamp of the report (0: never)


struct Billing:
    max_gas_price: uint256      # wei per gas; 0 disables reimbursement
    max_reimbursement: uint256  # wei per report
    overhead_gas: uint256       # gas not seen by the contract (21_000 base and the final transfer)


event ConfigSet:
    config_version: indexed(uint32)
    f: uint256
    signers: DynArray[address, MAX_OPERATORS]
    transmitters: DynArray[address, MAX_OPERATORS]


event ReportAccepted:
    epoch: indexed(uint64)
    config_version: indexed(uint32)
    transmitter: indexed(address)
    signers_bitmap: uint256     # bit i + 1 set: operator i signed
    observations: DynArray[uint256, MAX_OBSERVATIONS]  # as reported, bits 55..40 = the new E


event SinkCallFailed:
    sink: indexed(address)      # the reputation sink, whose weights could not be read
    persona_id: uint256         # always 0: one call per report


event PerformancePushed:
    caller: indexed(address)
    scored: uint256             # personas sent to staking
    first_pushes: uint256       # personas whose first word was kept (no score yet)


event TransmitterReimbursed:
    transmitter: indexed(address)
    epoch: indexed(uint64)
    amount: uint256
    paid: bool


event HeartbeatSet:
    previous_heartbeat: uint256
    new_heartbeat: uint256


event SinksSet:
    reputation: indexed(address)
    staking: indexed(address)


event PerformanceIntervalSet:
    previous_interval: uint256
    new_interval: uint256


event BillingSet:
    max_gas_price: uint256
    max_reimbursement: uint256
    overhead_gas: uint256


event BudgetFunded:
    sender: indexed(address)
    amount: uint256


event BudgetWithdrawn:
    to: indexed(address)
    amount: uint256


# @notice The persona registry (zero: no persona checks).
REGISTRY: public(immutable(IPersonaRegistry))

# @notice Version of the committee; every signature commits to it (0: none yet).
config_version: public(uint32)
# @notice Fault bound of the current committee: f+1 signatures accept a report.
f: public(uint256)
# @notice Highest accepted epoch.
latest_epoch: public(uint64)
# @notice Seconds after which a persona's value is stale.
heartbeat: public(uint256)
# @notice Reputation sink, whose metric weights fold E (zero: disabled).
reputation: public(address)
# @notice Staking sink (zero: disabled).
staking: public(address)
# @notice Least seconds between two performance pushes of a persona (0: any time).
performance_interval: public(uint256)
# @notice Transmitter reimbursement parameters.
billing: public(Billing)

_signers: DynArray[address, MAX_OPERATORS]
_transmitters: DynArray[address, MAX_OPERATORS]
# bits 0..7: signer index + 1; bits 8..15: transmitter index + 1 (current committee)
_roles: HashMap[address, uint256]
# persona id -> stored word (see the contract notice)
_latest: HashMap[uint256, uint256]
# persona id -> its stored word at its last performance push, the push time in bits 255..224
_pushed: HashMap[uint256, uint256]


@deploy
def __init__(owner_: address, registry_: address, reputation_: address, staking_: address, heartbeat_: uint256,
             signers_: DynArray[address, MAX_OPERATORS], transmitters_: DynArray[address, MAX_OPERATORS], f_: uint256):
    """
    @notice Deploys the oracle. An empty committee (no signers, f_ = 0)
            leaves it unconfigured until the owner calls `set_config`.
    @param owner_ The owner (the DAO timelock); non-zero.
    @param registry_ The PersonaRegistry; zero disables persona checks.
    @param reputation_ The Reputation sink; zero disables it.
    @param staking_ The PersonaStaking sink; zero disables it.
    @param heartbeat_ Seconds after which a persona's value is stale.
    @param signers_ Initial signing addresses (see `set_config`).
    @param transmitters_ Initial transmitter addresses.
    @param f_ Initial fault bound.
    """
    assert owner_ != empty(address), "oracle: zero owner"
    ownable.__init__()
    ownable_2step.__init__()
    ownable_2step._transfer_ownership(owner_)
    eip712_domain_separator.__init__("FameEngine Oracle", "1")
    REGISTRY = IPersonaRegistry(registry_)
    self._set_heartbeat(heartbeat_)
    self._set_sinks(reputation_, staking_)
    if len(signers_) != 0 or len(transmitters_) != 0 or f_ != 0:
        self._set_config(signers_, transmitters_, f_)


# ---------------------------------------------------------------- owner


@external
def set_config(signers: DynArray[address, MAX_OPERATORS], transmitters: DynArray[address, MAX_OPERATORS], f: uint256):
    """
    @notice Owner only: replaces the operator committee and increments the
            config version; reports signed for an earlier version are
            rejected from now on. Operator i signs with signers[i] and
            transmits from transmitters[i].
    @param signers Distinct non-zero signing addresses, at most 31.
    @param transmitters Distinct non-zero transmitter addresses, one per signer.
    @param f Fault bound: 1 <= f and 3f < n.
    """
    ownable._check_owner()
    self._set_config(signers, transmitters, f)


@external
def set_heartbeat(new_heartbeat: uint256):
    """
    @notice Owner only: seconds after which a persona's value is stale.
    @param new_heartbeat Between MIN_HEARTBEAT and MAX_HEARTBEAT.
    """
    ownable._check_owner()
    self._set_heartbeat(new_heartbeat)


@external
def set_sinks(new_reputation: address, new_staking: address):
    """
    @notice Owner only: where accepted engagement goes. The staking sink
            must make this contract its updater, the reputation sink must
            make it its oracle; the zero address disables a sink.
    @param new_reputation The Reputation contract or zero.
    @param new_staking The PersonaStaking contract or zero.
    """
    ownable._check_owner()
    self._set_sinks(new_reputation, new_staking)


@external
def set_performance_interval(new_interval: uint256):
    """
    @notice Owner only: least seconds between two performance pushes of a
            persona (0: any time); see `push_performance`.
    @param new_interval At most MAX_HEARTBEAT.
    """
    ownable._check_owner()
    assert new_interval <= MAX_HEARTBEAT, "oracle: interval too long"
    log PerformanceIntervalSet(previous_interval=self.performance_interval, new_interval=new_interval)
    self.performance_interval = new_interval


@external
def set_billing(max_gas_price: uint256, max_reimbursement: uint256, overhead_gas: uint256):
    """
    @notice Owner only: transmitter reimbursement parameters.
    @param max_gas_price Highest gas price reimbursed (wei); 0 disables reimbursement.
    @param max_reimbursement Most paid for one report (wei).
    @param overhead_gas Gas added to what the contract measures, at most MAX_OVERHEAD_GAS.
    """
    ownable._check_owner()
    assert overhead_gas <= MAX_OVERHEAD_GAS, "oracle: overhead too high"
    self.billing = Billing(max_gas_price=max_gas_price, max_reimbursement=max_reimbursement, overhead_gas=overhead_gas)
    log BillingSet(max_gas_price=max_gas_price, max_reimbursement=max_reimbursement, overhead_gas=overhead_gas)


@external
def withdraw_budget(to: address, amount: uint256):
    """
    @notice Owner only: sends `amount` wei of the reimbursement budget to `to`.
    @param to Recipient; non-zero.
    @param amount At most the balance.
    """
    ownable._check_owner()
    assert to != empty(address), "oracle: zero recipient"
    assert amount <= self.balance, "oracle: amount exceeds budget"
    log BudgetWithdrawn(to=to, amount=amount)
    send(to, amount)


@external
@payable
def __default__():
    """
    @notice Funds the transmitter reimbursement budget (plain ETH transfer).
    """
    log BudgetFunded(sender=msg.sender, amount=msg.value)


# ---------------------------------------------------------------- reports


@external
@nonreentrant
def transmit(report: Report, signatures: DynArray[Signature, MAX_OPERATORS]):
    """
    @notice Registered transmitters only: submits a report signed by at
            least f+1 distinct operators of the current committee.
    @param report (config_version, epoch, packed observations sorted by persona id).
    @param signatures EIP-2098 compact signatures of the report's EIP-712
           digest, any order; a repeated signer counts once.
    """
    gas_start: uint256 = msg.gas
    assert (self._roles[msg.sender] >> 8) & 255 != 0, "oracle: not a transmitter"
    assert report.config_version == self.config_version, "oracle: wrong config version"
    assert report.epoch > self.latest_epoch, "oracle: stale epoch"
    count: uint256 = len(report.observations)
    assert count != 0, "oracle: empty report"

    # --- signatures: f+1 distinct operators of this committee
    digest: bytes32 = self._report_digest(report)
    seen: uint256 = 0
    distinct: uint256 = 0
    for sig: Signature in signatures:
        signer: address = ecdsa._try_recover_r_vs(digest, convert(sig.r, uint256), convert(sig.vs, uint256))
        index: uint256 = self._roles[signer] & 255
        assert index != 0, "oracle: unknown signer"
        bit: uint256 = 1 << index
        if seen & bit == 0:
            seen = seen | bit
            distinct += 1
    assert distinct > self.f, "oracle: too few signatures"

    # --- personas: known, active, sorted, in range, newer than what is stored
    registry: IPersonaRegistry = REGISTRY
    check_registry: bool = registry.address != empty(address)
    assert report.observations[0] >> _PERSONA_SHIFT != 0, "oracle: unknown persona"
    if check_registry:
        assert report.observations[count - 1] >> _PERSONA_SHIFT <= staticcall registry.persona_count(), "oracle: unknown persona"
    reputation: address = self.reputation
    weights: uint256 = 0
    if reputation != empty(address):
        weights = self._metric_weights(reputation)
    logged: DynArray[uint256, MAX_OBSERVATIONS] = []
    limit: uint256 = block.timestamp + FUTURE_ALLOWANCE
    stamp: uint256 = block.timestamp << _PERSONA_SHIFT
    previous_id: uint256 = 0
    # The registry's active bitmap, one word per 256 ids: the personas are
    # sorted, so a report reads each word once (one call for 100 personas,
    # instead of 100 calls to is_active).
    active_index: uint256 = max_value(uint256)
    active_word: uint256 = 0
    for word: uint256 in report.observations:
        persona_id: uint256 = word >> _PERSONA_SHIFT
        assert persona_id != previous_id, "oracle: duplicate persona"
        assert persona_id > previous_id, "oracle: personas not sorted"
        previous_id = persona_id
        sentiment_field: uint256 = (word >> _SENTIMENT_SHIFT) & _MASK16
        assert sentiment_field <= SENTIMENT_MAX, "oracle: out of range"
        assert (word >> _RESERVED_SHIFT) & _MASK16 == 0, "oracle: out of range"
        observed_at: uint256 = word & _MASK40
        assert observed_at <= limit, "oracle: future observation"
        observed_at = min(observed_at, block.timestamp)
        if check_registry:
            if persona_id >> 8 != active_index:
                active_index = persona_id >> 8
                active_word = staticcall registry.active_bitmap(active_index)
            assert (active_word >> (persona_id & 255)) & 1 == 1, "oracle: inactive persona"
        stored: uint256 = self._latest[persona_id]
        previous_at: uint256 = stored & _MASK40
        assert observed_at > previous_at, "oracle: stale observation"

        engagement: uint256 = 0
        if reputation != empty(address):
            # Gains: a platform recount may lower a lifetime count, which is no gain. Written
            # out rather than four `_gain` calls: internal calls cost ~100 gas each, per persona.
            d_views: uint256 = (word >> _VIEWS_SHIFT) & _MASK48
            d_views = unsafe_sub(d_views, min(d_views, (stored >> _VIEWS_SHIFT) & _MASK48))
            d_likes: uint256 = (word >> _LIKES_SHIFT) & _MASK40
            d_likes = unsafe_sub(d_likes, min(d_likes, (stored >> _LIKES_SHIFT) & _MASK40))
            d_shares: uint256 = (word >> _SHARES_SHIFT) & _MASK32
            d_shares = unsafe_sub(d_shares, min(d_shares, (stored >> _SHARES_SHIFT) & _MASK32))
            d_comments: uint256 = (word >> _COMMENTS_SHIFT) & _MASK32
            d_comments = unsafe_sub(d_comments, min(d_comments, (stored >> _COMMENTS_SHIFT) & _MASK32))
            engagement = engagement_math._fold(
                (stored >> _RESERVED_SHIFT) & _MASK16,
                observed_at - previous_at,
                engagement_math._points(weights, d_views, d_likes, d_shares, d_comments, sentiment_field),
            )
        self._latest[persona_id] = stamp | (word & _FIELDS_MASK) | (engagement << _RESERVED_SHIFT) | observed_at
        logged.append(word | (engagement << _RESERVED_SHIFT))

    self.latest_epoch = report.epoch
    log ReportAccepted(epoch=report.epoch, config_version=report.config_version, transmitter=msg.sender,
                       signers_bitmap=seen >> 1, observations=logged)

    self._reimburse(gas_start, report.epoch)


@external
@nonreentrant
def push_performance(persona_ids: DynArray[uint256, MAX_OBSERVATIONS]) -> uint256:
    """
    @notice Anyone: sends the staking sink the performance score of every
            listed persona that is due (see the contract notice): reported
            at least once, and either never pushed or pushed at least
            `performance_interval` seconds ago and observed since. Personas
            not due are skipped; a persona's first push keeps its word and
            scores nothing yet; a persona no longer active scores 0.
            Reverts if no listed persona is due, so a caller learns that its
            transaction did nothing.
    @param persona_ids Persona ids, strictly ascending.
    @return The number of personas scored.
    """
    staking: address = self.staking
    assert staking != empty(address), "oracle: no staking sink"
    interval: uint256 = self.performance_interval
    registry: IPersonaRegistry = REGISTRY
    check_registry: bool = registry.address != empty(address)
    ids: DynArray[uint256, MAX_OBSERVATIONS] = []
    scores: DynArray[uint256, MAX_OBSERVATIONS] = []
    first_pushes: uint256 = 0
    previous_id: uint256 = 0
    active_index: uint256 = max_value(uint256)
    active_word: uint256 = 0
    for persona_id: uint256 in persona_ids:
        assert persona_id > previous_id, "oracle: personas not sorted"
        previous_id = persona_id
        word: uint256 = self._latest[persona_id]
        pushed: uint256 = self._pushed[persona_id]
        if not self._push_due(word, pushed, interval):
            continue
        self._pushed[persona_id] = (block.timestamp << _PERSONA_SHIFT) | (word & (2**_PERSONA_SHIFT - 1))
        if pushed == 0:
            first_pushes += 1
            continue
        score: uint256 = 0
        active: bool = True
        if check_registry:
            if persona_id >> 8 != active_index:
                active_index = persona_id >> 8
                active_word = staticcall registry.active_bitmap(active_index)
            active = (active_word >> (persona_id & 255)) & 1 == 1
        if active:
            score = self._score(
                self._gain((word >> _VIEWS_SHIFT) & _MASK48, (pushed >> _VIEWS_SHIFT) & _MASK48),
                self._gain((word >> _LIKES_SHIFT) & _MASK40, (pushed >> _LIKES_SHIFT) & _MASK40),
                self._gain((word >> _SHARES_SHIFT) & _MASK32, (pushed >> _SHARES_SHIFT) & _MASK32),
                self._gain((word >> _COMMENTS_SHIFT) & _MASK32, (pushed >> _COMMENTS_SHIFT) & _MASK32),
                (word >> _SENTIMENT_SHIFT) & _MASK16,
                (word & _MASK40) - (pushed & _MASK40),
            )
        ids.append(persona_id)
        scores.append(score)
    assert len(ids) != 0 or first_pushes != 0, "oracle: nothing due"
    log PerformancePushed(caller=msg.sender, scored=len(ids), first_pushes=first_pushes)
    if len(ids) != 0:
        extcall IPerformanceSink(staking).set_performance(ids, scores)
    return len(ids)


# ---------------------------------------------------------------- readers


@view
@external
def performance_due(persona_ids: DynArray[uint256, MAX_OBSERVATIONS]) -> DynArray[uint256, MAX_OBSERVATIONS]:
    """
    @notice Which of `persona_ids` a `push_performance` would handle now
            (score, or keep a first word).
    @param persona_ids Persona ids, any order.
    @return The due ones, in the order given.
    """
    interval: uint256 = self.performance_interval
    due: DynArray[uint256, MAX_OBSERVATIONS] = []
    for persona_id: uint256 in persona_ids:
        if self._push_due(self._latest[persona_id], self._pushed[persona_id], interval):
            due.append(persona_id)
    return due


@view
@external
def pushed_packed(persona_id: uint256) -> uint256:
    """
    @notice The word kept at `persona_id`'s last performance push: the
            stored layout with the push time in place of updated_at.
    @param persona_id The persona.
    @return The word (0 if never pushed).
    """
    return self._pushed[persona_id]


@view
@external
def latest(persona_id: uint256) -> Engagement:
    """
    @notice The latest accepted engagement of `persona_id` (lifetime counts).
    @param persona_id The persona.
    @return (views, likes, shares, comments, sentiment_bps, observed_at, updated_at); all zero if never reported.
    """
    stored: uint256 = self._latest[persona_id]
    if stored == 0:
        return empty(Engagement)
    return Engagement(
        views=(stored >> _VIEWS_SHIFT) & _MASK48,
        likes=(stored >> _LIKES_SHIFT) & _MASK40,
        shares=(stored >> _SHARES_SHIFT) & _MASK32,
        comments=(stored >> _COMMENTS_SHIFT) & _MASK32,
        sentiment=convert((stored >> _SENTIMENT_SHIFT) & _MASK16, int256) - SENTIMENT_OFFSET,
        observed_at=stored & _MASK40,
        updated_at=stored >> _PERSONA_SHIFT,
    )


@view
@external
def latest_packed(persona_id: uint256) -> uint256:
    """
    @notice The stored word of `persona_id`: the packed layout with
            updated_at in place of the persona id.
    @param persona_id The persona.
    @return The stored word (0 if never reported).
    """
    return self._latest[persona_id]


@view
@external
def is_stale(persona_id: uint256) -> bool:
    """
    @notice True when `persona_id` was never reported or its last report is
            older than the heartbeat.
    @param persona_id The persona.
    @return Whether the value is stale.
    """
    updated_at: uint256 = self._latest[persona_id] >> _PERSONA_SHIFT
    return updated_at == 0 or block.timestamp - updated_at > self.heartbeat


@view
@external
def signers() -> DynArray[address, MAX_OPERATORS]:
    """
    @notice Signing addresses of the current committee (index = operator index).
    @return The signers.
    """
    return self._signers


@view
@external
def transmitters() -> DynArray[address, MAX_OPERATORS]:
    """
    @notice Transmitter addresses of the current committee (index = operator index).
    @return The transmitters.
    """
    return self._transmitters


@view
@external
def operator_index(account: address) -> (int256, int256):
    """
    @notice Where `account` sits in the current committee.
    @param account Any address.
    @return (signer index or -1, transmitter index or -1).
    """
    roles: uint256 = self._roles[account]
    return convert(roles & 255, int256) - 1, convert((roles >> 8) & 255, int256) - 1


@view
@external
def report_digest(report: Report) -> bytes32:
    """
    @notice The EIP-712 digest operators sign for `report`.
    @param report The report.
    @return The digest.
    """
    return self._report_digest(report)


@pure
@external
def performance_score(d_views: uint256, d_likes: uint256, d_shares: uint256, d_comments: uint256,
                      sentiment_field: uint256, elapsed: uint256) -> uint256:
    """
    @notice The staking score of an engagement increase over `elapsed` seconds
            (see the contract notice).
    @param d_views Views gained.
    @param d_likes Likes gained.
    @param d_shares Shares gained.
    @param d_comments Comments gained.
    @param sentiment_field Sentiment as packed (sentiment_bps + 10_000).
    @param elapsed Seconds between the two observations; non-zero.
    @return The score.
    """
    return self._score(d_views, d_likes, d_shares, d_comments, sentiment_field, elapsed)


# ---------------------------------------------------------------- internal


@internal
@view
def _report_digest(report: Report) -> bytes32:
    n: uint256 = len(report.observations)
    packed: Bytes[32 * MAX_OBSERVATIONS + 32] = abi_encode(report.observations, ensure_tuple=False)
    struct_hash: bytes32 = keccak256(abi_encode(
        REPORT_TYPEHASH,
        convert(report.config_version, uint256),
        convert(report.epoch, uint256),
        keccak256(slice(packed, 32, 32 * n)),
    ))
    return eip712_domain_separator._hash_typed_data_v4(struct_hash)


@internal
def _metric_weights(reputation: address) -> uint256:
    # The reputation sink's packed metric weights; 0 (E only decays) if the call fails.
    ok: bool = False
    response: Bytes[32] = b""
    ok, response = raw_call(reputation, abi_encode(b"", method_id=_METRIC_WEIGHTS), max_outsize=32,
                            is_static_call=True, revert_on_failure=False)
    if not ok or len(response) != 32:
        log SinkCallFailed(sink=reputation, persona_id=0)
        return 0
    # Four 16-bit fields: anything above them is not a weight.
    return convert(response, uint256) & _MASK64


@internal
@view
def _push_due(word: uint256, pushed: uint256, interval: uint256) -> bool:
    # Reported; and never pushed, or pushed an interval ago and observed since.
    if word == 0:
        return False
    if pushed == 0:
        return True
    return block.timestamp >= (pushed >> _PERSONA_SHIFT) + interval and word & _MASK40 > pushed & _MASK40


@internal
@pure
def _gain(new: uint256, old: uint256) -> uint256:
    # A platform recount may lower a lifetime count: no gain then.
    return unsafe_sub(new, min(new, old))


@internal
@pure
def _score(d_views: uint256, d_likes: uint256, d_shares: uint256, d_comments: uint256, sentiment_field: uint256,
           elapsed: uint256) -> uint256:
    assert elapsed != 0, "oracle: zero elapsed"
    points: uint256 = d_views + _W_LIKES * d_likes + _W_SHARES * d_shares + _W_COMMENTS * d_comments
    return isqrt(points * 86400 // elapsed) * sentiment_field


@internal
def _reimburse(gas_start: uint256, epoch: uint64):
    billing: Billing = self.billing
    if billing.max_gas_price == 0:
        return
    price: uint256 = min(tx.gasprice, billing.max_gas_price)
    used: uint256 = gas_start - msg.gas + billing.overhead_gas + 16 * len(msg.data)
    amount: uint256 = min(min(used * price, billing.max_reimbursement), self.balance)
    if amount == 0:
        return
    # Transmitters are operators' accounts: a plain transfer with a small gas
    # stipend; a recipient that refuses it is simply not paid.
    paid: bool = raw_call(msg.sender, b"", value=amount, gas=2300, revert_on_failure=False)
    log TransmitterReimbursed(transmitter=msg.sender, epoch=epoch, amount=amount, paid=paid)


@internal
def _set_config(signers: DynArray[address, MAX_OPERATORS], transmitters: DynArray[address, MAX_OPERATORS], f: uint256):
    n: uint256 = len(signers)
    assert n == len(transmitters), "oracle: length mismatch"
    assert f != 0, "oracle: f must be positive"
    assert 3 * f < n, "oracle: need 3f < n"
    for old: address in self._signers:
        self._roles[old] = 0
    for old: address in self._transmitters:
        self._roles[old] = 0
    for i: uint256 in range(n, bound=MAX_OPERATORS):
        s: address = signers[i]
        assert s != empty(address), "oracle: zero signer"
        roles: uint256 = self._roles[s]
        assert roles & 255 == 0, "oracle: duplicate signer"
        self._roles[s] = roles | (i + 1)
    for i: uint256 in range(n, bound=MAX_OPERATORS):
        t: address = transmitters[i]
        assert t != empty(address), "oracle: zero transmitter"
        roles: uint256 = self._roles[t]
        assert (roles >> 8) & 255 == 0, "oracle: duplicate transmitter"
        self._roles[t] = roles | ((i + 1) << 8)
    self._signers = signers
    self._transmitters = transmitters
    self.f = f
    version: uint32 = self.config_version + 1
    self.config_version = version
    log ConfigSet(config_version=version, f=f, signers=signers, transmitters=transmitters)


@internal
def _set_heartbeat(new_heartbeat: uint256):
    assert new_heartbeat >= MIN_HEARTBEAT and new_heartbeat <= MAX_HEARTBEAT, "oracle: heartbeat out of range"
    log HeartbeatSet(previous_heartbeat=self.heartbeat, new_heartbeat=new_heartbeat)
    self.heartbeat = new_heartbeat


@internal
def _set_sinks(new_reputation: address, new_staking: address):
    self.reputation = new_reputation
    self.staking = new_staking
    log SinksSet(reputation=new_reputation, staking=new_staking)
