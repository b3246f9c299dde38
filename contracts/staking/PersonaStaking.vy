# pragma version ~=0.4.3
# pragma nonreentrancy off
"""
@title PersonaStaking
@custom:contract-name PersonaStaking
@license AGPL-3.0-only
@notice FMC holders stake FMC on FameEngine personas, optionally locked for a
        while in exchange for a reward multiplier, and earn FMC rewards that
        follow each persona's performance.

        Positions. `stake(persona_id, amount, lock_index)` opens a position
        (ids 1, 2, ... across the contract) owned by the caller. The lock
        option at `lock_index` of the DAO-set schedule fixes the position's
        unlock time and its weight = amount * multiplier_bps / 10_000. Both
        are written into the position: later edits of the schedule never
        touch existing positions. `withdraw(position_id)` is possible only
        from the unlock time on; it returns the principal AND pays every
        reward still pending in the same transaction, then deletes the
        position. `claim(position_id)` pays the pending rewards at any time,
        locked or not.

        Reward stream. `fund(amount, duration)` pulls FMC and streams
        (leftover of the running stream + unallocated budget + amount) over
        `duration` seconds at reward_rate = budget // duration wei per
        second; the division remainder stays in the unallocated budget, so
        reward_rate * remaining time never exceeds what was funded. The
        owner may restart the stream at any time (also with amount 0, to
        re-stream the unallocated budget). Anyone else may fund with
        `duration == 0`, which tops up the running stream and keeps its end,
        or with `duration > 0` while no stream is running.

        Reward split, two levels, O(1) per action:
        1. Personas. Each second's emission is split across personas in
           proportion to their performance scores (set by the updater with
           `set_performance`). A global accumulator
           reward_per_performance += emitted * 1e36 / total_performance
           (division remainder carried to the next update, never lost), and
           each persona checkpoints it: a persona earns
           performance * (accumulator - checkpoint) (1e36-scaled FMC).
        2. Positions. A persona's earnings raise its own accumulator
           reward_per_weight += earnings / persona_weight (remainder carried
           again), and a position earns weight * (accumulator - checkpoint),
           kept 1e36-scaled in the position so that a small position is
           never rounded down to zero: whole wei are paid out, the fraction
           stays for later.
        Nothing is stranded: what is emitted while total performance is zero,
        and what a persona earns while nobody stakes on it, returns to the
        unallocated budget (event `RewardsReturned`) and is streamed again by
        the next `fund`. Rewards paid never exceed rewards funded, and the
        contract's FMC balance always covers total_staked + total_funded -
        total_paid.

        Roles. The owner (the DAO timelock, two-step handover, cannot be
        renounced) edits the lock schedule within fixed bounds and appoints
        the `updater` (the engagement oracle; the timelock until then), the
        only account that may call `set_performance`.

        Reverts start with "staking: " (snekmate's "ownable: ..." strings pass
        through).
@dev Assumes FMC is a plain ERC-20 (no transfer fee, no callbacks) with total
     supply far below 2**256 / 1e36, which FameEngine's capped FMC is. State is
     packed into few storage words (the layout is described where each is
     declared); the packed totals of stake and weight are 96-bit fields whose
     additions are checked, so a token with more than ~2**93 wei in stakes
     would make `stake` revert rather than corrupt them (FMC's cap is ~2**89.7).
"""

from ethereum.ercs import IERC20

from snekmate.auth import ownable
from snekmate.auth import ownable_2step

from ..interfaces import IPersonaRegistry

initializes: ownable
initializes: ownable_2step[ownable := ownable]

exports: (
    ownable.owner,
    ownable_2step.pending_owner,
    ownable_2step.transfer_ownership,
    ownable_2step.accept_ownership,
)


# @dev Fixed-point scale of both accumulators and of per-position rewards.
PRECISION: public(constant(uint256)) = 10**36
# @dev Multipliers are in basis points: 10_000 = 1.0x.
BPS: public(constant(uint256)) = 10_000
# @dev Bounds on the DAO-editable lock schedule.
MAX_LOCK_OPTIONS: public(constant(uint256)) = 8
MAX_LOCK_DURATION: public(constant(uint256)) = 4 * 365 * 86400
MIN_MULTIPLIER_BPS: public(constant(uint256)) = 10_000
MAX_MULTIPLIER_BPS: public(constant(uint256)) = 50_000
# @dev Bounds on the length of a reward stream.
MIN_REWARD_DURATION: public(constant(uint256)) = 86400
MAX_REWARD_DURATION: public(constant(uint256)) = 2 * 365 * 86400
# @dev Largest performance score of one persona.
MAX_PERFORMANCE: public(constant(uint256)) = 10**18
_MASK40: constant(uint256) = 2**40 - 1
_MASK48: constant(uint256) = 2**48 - 1
_MASK56: constant(uint256) = 2**56 - 1
_MASK64: constant(uint256) = 2**64 - 1
_MASK96: constant(uint256) = 2**96 - 1
_MASK120: constant(uint256) = 2**120 - 1
_MASK128: constant(uint256) = 2**128 - 1
_LOW192: constant(uint256) = 2**192 - 1

# @dev Largest stake of one position (packing bound; FMC's whole cap is far below it).
MAX_POSITION_AMOUNT: public(constant(uint256)) = 2**93 - 1
# @dev Largest persona id a position can name (packing bound).
MAX_PERSONA_ID: public(constant(uint256)) = 2**32 - 1
# @dev Largest batch of `set_performance` / `poke` and of `claim_many`.
MAX_BATCH: public(constant(uint256)) = 128
MAX_CLAIM_BATCH: public(constant(uint256)) = 32


struct LockOption:
    duration: uint256        # seconds from stake to unlock
    multiplier_bps: uint256  # 10_000 = 1.0x
    enabled: bool            # disabled options cannot be used by new stakes


struct Position:
    owner: address
    persona_id: uint256
    amount: uint256                  # staked FMC (wei)
    weight: uint256                  # amount * multiplier_bps // BPS
    lock_index: uint256
    multiplier_bps: uint256
    staked_at: uint256
    unlock_at: uint256
    reward_per_weight_paid: uint256  # persona accumulator at the last settlement
    rewards_scaled: uint256          # unpaid rewards, FMC wei * PRECISION


struct PositionRewards:
    reward_per_weight_paid: uint256  # persona accumulator at the last settlement
    rewards_scaled: uint256          # unpaid rewards, FMC wei * PRECISION


struct PersonaPool:
    staked: uint256                       # FMC staked on the persona
    weight: uint256                       # sum of its positions' weights
    performance: uint256                  # current performance score
    positions: uint256                    # open positions
    reward_per_performance_paid: uint256  # global accumulator at the last settlement
    reward_per_weight: uint256            # persona accumulator (scaled by PRECISION)
    weight_carry: uint256                 # remainder of the last division by weight


struct PoolAccumulators:
    reward_per_performance_paid: uint256
    reward_per_weight: uint256


struct EpochInfo:
    performance_epoch: uint256       # number of set_performance calls so far
    performance_updated_at: uint256  # time of the last set_performance
    total_performance: uint256
    reward_rate: uint256             # FMC wei per second
    period_finish: uint256           # end of the running stream
    last_update: uint256             # time the global accumulator was last moved
    reward_per_performance: uint256  # global accumulator (stored)
    unallocated: uint256             # funded FMC not in any stream nor earned
    total_funded: uint256
    total_paid: uint256
    total_staked: uint256
    total_weight: uint256


event Staked:
    position_id: indexed(uint256)
    owner: indexed(address)
    persona_id: indexed(uint256)
    amount: uint256
    weight: uint256
    lock_index: uint256
    unlock_at: uint256


event Withdrawn:
    position_id: indexed(uint256)
    owner: indexed(address)
    persona_id: indexed(uint256)
    amount: uint256
    weight: uint256


event RewardPaid:
    position_id: indexed(uint256)
    owner: indexed(address)
    persona_id: indexed(uint256)
    amount: uint256


event Funded:
    funder: indexed(address)
    amount: uint256
    duration: uint256
    reward_rate: uint256
    period_finish: uint256
    unallocated: uint256


event PerformanceUpdated:
    persona_id: indexed(uint256)
    epoch: indexed(uint256)
    old_score: uint256
    new_score: uint256
    total_performance: uint256


event RewardsReturned:
    persona_id: indexed(uint256)  # 0 = emitted while total performance was zero
    amount: uint256               # whole FMC wei added to the unallocated budget


event LockOptionSet:
    lock_index: indexed(uint256)
    duration: uint256
    multiplier_bps: uint256
    enabled: bool


event UpdaterSet:
    previous_updater: indexed(address)
    new_updater: indexed(address)


# @notice The staked and reward token (FMC).
FMC: public(immutable(IERC20))
# @notice The persona registry: only active personas can be staked on or scored.
REGISTRY: public(immutable(IPersonaRegistry))

# @notice The account allowed to call `set_performance`.
updater: public(address)

# @notice Number of lock options (indexes 0 .. lock_option_count - 1).
lock_option_count: public(uint256)
# A lock option is one word: duration (bits 255..64) | multiplier_bps (63..8) | enabled (bit 0).
# An option that exists is never zero (its multiplier is at least MIN_MULTIPLIER_BPS), so `stake`
# checks its index by reading the option alone, not lock_option_count as well.
_lock_words: HashMap[uint256, uint256]

# A position is three words (opening one writes each new word once, at 22,100 gas apiece; the
# third only if its persona's accumulator is non-zero). What never changes after `stake` is packed:
#   head:  owner (bits 255..96) | persona_id (95..64) | lock_index (63..56)
#          | multiplier_bps (55..40) | staked_at (39..0)
#   stake: amount (bits 255..160) | index in its owner's list (159..40) | unlock_at (39..0)
# The weight is not stored: it is amount * multiplier_bps // BPS, both fixed at stake time.
# `stake` bounds what it packs (persona id < 2**32, amount < 2**93); `position(id)` returns the
# unpacked record.
_position_head: HashMap[uint256, uint256]
_position_stake: HashMap[uint256, uint256]
_position_rewards: HashMap[uint256, PositionRewards]
# Each account's open positions, for enumeration: 64-bit lanes, four to a word. Lane 0 of word 0
# is the count; the list's entry `i` is lane (i + 1) % 4 of word (i + 1) // 4. An account's first
# position writes one new word (count and id together) and the next three only rewrite it.
# Position ids stay below 2**64 (one per `stake`).
_owned: HashMap[address, HashMap[uint256, uint256]]

# A persona's pool (returned whole by `persona_stake`) is kept in four words: the two
# accumulators, one word with what settling the pool reads besides them, and one with what only
# stake and withdraw change:
#   _pool_word:  performance (bits 255..192) | weight (191..96) | weight_carry (95..0)
#   _pool_stake: staked (bits 255..128) | open positions (127..0)
# (performance <= MAX_PERFORMANCE < 2**60; the weight is at most the total weight, a checked
# 96-bit field, and the carry is below the weight.)
_pool_acc: HashMap[uint256, PoolAccumulators]
_pool_word: HashMap[uint256, uint256]
_pool_stake: HashMap[uint256, uint256]

# Totals and the position counter, one word that `stake` and `withdraw` rewrite:
#   next_position_id (bits 255..192) | total_staked (191..96) | total_weight (95..0)
_totals: uint256
# The global accumulator's inputs, read together by every settlement:
#   _stream:      reward_rate (bits 255..96) | period_finish (95..48) | last_update (47..0)
#   _performance: total_performance (bits 255..128) | division carry (127..0, below the total)
# (the rate is at most the funded budget, below 2**136; times fit in 48 bits for 8 million years)
_stream: uint256
_performance: uint256
# @notice Number of `set_performance` calls and time of the last one.
performance_epoch: public(uint256)
performance_updated_at: public(uint256)

# @notice Global reward-per-performance accumulator (scaled by PRECISION).
reward_per_performance: public(uint256)

# @notice Funded FMC that is neither streaming nor earned (re-streamed by `fund`).
unallocated: public(uint256)
# @dev Sub-wei part of returned rewards (scaled by PRECISION, < PRECISION).
_unallocated_dust: uint256

# @notice Cumulative FMC funded / paid as rewards.
total_funded: public(uint256)
total_paid: public(uint256)


@deploy
def __init__(owner_: address, fmc_: address, registry_: address):
    """
    @notice Deploys the staking contract with the default lock schedule
            0: no lock 1.0x, 1: 30 days 1.25x, 2: 90 days 1.5x,
            3: 180 days 2.0x, 4: 365 days 3.0x. The updater starts as `owner_`.
    @param owner_ The owner (the DAO timelock); non-zero.
    @param fmc_ The FMC token; non-zero.
    @param registry_ The PersonaRegistry; non-zero.
    """
    assert owner_ != empty(address), "staking: zero owner"
    assert fmc_ != empty(address), "staking: zero token"
    assert registry_ != empty(address), "staking: zero registry"
    ownable.__init__()
    ownable_2step.__init__()
    ownable_2step._transfer_ownership(owner_)
    FMC = IERC20(fmc_)
    REGISTRY = IPersonaRegistry(registry_)

    self.updater = owner_
    log UpdaterSet(previous_updater=empty(address), new_updater=owner_)

    self._set_lock_option(0, 0, 10_000, True)
    self._set_lock_option(1, 30 * 86400, 12_500, True)
    self._set_lock_option(2, 90 * 86400, 15_000, True)
    self._set_lock_option(3, 180 * 86400, 20_000, True)
    self._set_lock_option(4, 365 * 86400, 30_000, True)

    self._totals = 1 << 192  # position ids start at 1
    self._stream = block.timestamp  # last_update


# ---------------------------------------------------------------- owner


@external
def set_updater(new_updater: address):
    """
    @notice Owner only: appoints the account allowed to call
            `set_performance` (the engagement oracle).
    @param new_updater The new updater; non-zero.
    """
    ownable._check_owner()
    assert new_updater != empty(address), "staking: zero updater"
    log UpdaterSet(previous_updater=self.updater, new_updater=new_updater)
    self.updater = new_updater


@external
def set_lock_option(lock_index: uint256, duration: uint256, multiplier_bps: uint256, enabled: bool):
    """
    @notice Owner only: edits lock option `lock_index`, or appends a new one
            when `lock_index == lock_option_count`. Applies to new stakes
            only: every position keeps the unlock time and weight it got.
    @param lock_index Index to edit (< lock_option_count) or append
           (== lock_option_count, < MAX_LOCK_OPTIONS).
    @param duration Lock length in seconds, at most MAX_LOCK_DURATION.
    @param multiplier_bps Reward multiplier in basis points, within
           [MIN_MULTIPLIER_BPS, MAX_MULTIPLIER_BPS].
    @param enabled Whether new stakes may use the option.
    """
    ownable._check_owner()
    count: uint256 = self.lock_option_count
    assert lock_index <= count and lock_index < MAX_LOCK_OPTIONS, "staking: lock index out of range"
    self._set_lock_option(lock_index, duration, multiplier_bps, enabled)


# ---------------------------------------------------------------- updater


@external
def set_performance(persona_ids: DynArray[uint256, 128], scores: DynArray[uint256, 128]):
    """
    @notice Updater only: sets the performance score of each listed persona
            (unitless, relative to the others). Rewards streamed up to now
            are settled at the old scores first. Personas not listed keep
            their score; a repeated id takes its last score.
    @param persona_ids The personas (same length as `scores`).
    @param scores Scores, each at most MAX_PERFORMANCE; a non-zero score
           needs an active persona.
    """
    assert msg.sender == self.updater, "staking: caller is not the updater"
    assert len(persona_ids) == len(scores), "staking: length mismatch"
    self._update_global()
    epoch: uint256 = self.performance_epoch + 1
    self.performance_epoch = epoch
    self.performance_updated_at = block.timestamp
    performance: uint256 = self._performance
    total: uint256 = performance >> 128
    # The registry's active bitmap (one word per 256 ids), re-read only when
    # the id's word changes: one call for a batch of nearby ids.
    active_index: uint256 = max_value(uint256)
    active_word: uint256 = 0
    for i: uint256 in range(len(persona_ids), bound=MAX_BATCH):
        pid: uint256 = persona_ids[i]
        score: uint256 = scores[i]
        assert score <= MAX_PERFORMANCE, "staking: score too high"
        if score != 0:
            if pid >> 8 != active_index:
                active_index = pid >> 8
                active_word = staticcall REGISTRY.active_bitmap(active_index)
            assert (active_word >> (pid & 255)) & 1 == 1, "staking: persona not active"
        word: uint256 = self._pool_word[pid]
        old: uint256 = word >> 192
        total = total - old + score
        # settled at the old score; written here once when the score changes
        word = self._update_pool(pid, word, score == old)
        if score != old:
            self._pool_word[pid] = (score << 192) | (word & _LOW192)
        log PerformanceUpdated(persona_id=pid, epoch=epoch, old_score=old, new_score=score, total_performance=total)
    self._performance = (total << 128) | (performance & _MASK128)


# ---------------------------------------------------------------- rewards budget


@external
@nonreentrant
def fund(amount: uint256, duration: uint256):
    """
    @notice Pulls `amount` FMC from the caller (approve first) and (re)starts
            the reward stream: budget = leftover of the running stream +
            unallocated + amount; reward_rate = budget // duration; the
            remainder stays unallocated; period_finish = now + duration.
            `duration == 0` instead tops up the running stream and keeps its
            end (remaining time as the duration).
            Owner: any time, any duration in bounds, amount may be 0.
            Anyone else: amount > 0, and `duration > 0` only while no stream
            is running (a running one cannot be stretched or shortened).
    @param amount FMC to add (wei).
    @param duration Stream length in seconds, within [MIN_REWARD_DURATION,
           MAX_REWARD_DURATION], or 0 to top up the running stream.
    """
    is_owner: bool = msg.sender == ownable.owner
    assert is_owner or amount != 0, "staking: zero amount"
    stream: uint256 = self._update_global()
    finish: uint256 = (stream >> 48) & _MASK48
    running: bool = block.timestamp < finish
    leftover: uint256 = 0
    if running:
        leftover = (stream >> 96) * (finish - block.timestamp)
    length: uint256 = duration
    if duration == 0:
        assert running, "staking: no running stream"
        length = finish - block.timestamp
    else:
        assert is_owner or not running, "staking: stream running"
        assert duration >= MIN_REWARD_DURATION and duration <= MAX_REWARD_DURATION, "staking: duration out of range"

    budget: uint256 = leftover + self.unallocated + amount
    rate: uint256 = budget // length
    assert rate != 0, "staking: reward rate is zero"
    unallocated: uint256 = budget - rate * length
    new_finish: uint256 = block.timestamp + length

    # effects
    self._stream = (rate << 96) | (new_finish << 48) | block.timestamp
    self.unallocated = unallocated
    self.total_funded += amount
    log Funded(funder=msg.sender, amount=amount, duration=length, reward_rate=rate, period_finish=new_finish, unallocated=unallocated)

    # interaction
    if amount != 0:
        assert extcall FMC.transferFrom(msg.sender, self, amount, default_return_value=True), "staking: transfer failed"


@external
def poke(persona_ids: DynArray[uint256, 128]):
    """
    @notice Anyone: settles the listed personas, so that rewards a persona
            earned while nobody staked on it return to the unallocated
            budget now (they otherwise return at its next action).
    @param persona_ids The personas to settle.
    """
    self._update_global()
    for pid: uint256 in persona_ids:
        self._update_pool(pid, self._pool_word[pid], True)


# ---------------------------------------------------------------- stakers


@external
@nonreentrant
def stake(persona_id: uint256, amount: uint256, lock_index: uint256) -> uint256:
    """
    @notice Stakes `amount` FMC (approve first) on active persona
            `persona_id` with lock option `lock_index`, opening a position
            owned by the caller. The position keeps its own unlock time
            (now + lock duration) and multiplier, so its weight
            (amount * multiplier // 10_000) never changes.
    @param persona_id An active persona.
    @param amount FMC to stake (wei), > 0 and at most MAX_POSITION_AMOUNT; the weight must be > 0.
    @param lock_index An enabled lock option.
    @return The new position id.
    """
    assert amount != 0, "staking: zero amount"
    assert amount <= MAX_POSITION_AMOUNT, "staking: amount too large"
    assert persona_id <= MAX_PERSONA_ID, "staking: persona not active"
    option: uint256 = self._lock_words[lock_index]
    assert option != 0, "staking: lock index out of range"  # never set: lock_index >= lock_option_count
    assert option & 1 == 1, "staking: lock option disabled"
    assert staticcall REGISTRY.is_active(persona_id), "staking: persona not active"
    multiplier_bps: uint256 = (option >> 8) & _MASK56
    weight: uint256 = amount * multiplier_bps // BPS

    self._update_global()
    pool: uint256 = self._update_pool(persona_id, self._pool_word[persona_id], False)

    totals: uint256 = self._totals
    position_id: uint256 = totals >> 192
    staked: uint96 = convert((totals >> 96) & _MASK96, uint96) + convert(amount, uint96)
    weighted: uint96 = convert(totals & _MASK96, uint96) + convert(weight, uint96)
    self._totals = ((position_id + 1) << 192) | (convert(staked, uint256) << 96) | convert(weighted, uint256)

    owned: uint256 = self._owned[msg.sender][0]
    count: uint256 = owned & _MASK64
    unlock_at: uint256 = block.timestamp + (option >> 64)
    self._position_head[position_id] = (
        (convert(msg.sender, uint256) << 96) | (persona_id << 64) | (lock_index << 56)
        | (multiplier_bps << 40) | block.timestamp
    )
    self._position_stake[position_id] = (amount << 160) | (count << 40) | unlock_at
    paid: uint256 = self._pool_acc[persona_id].reward_per_weight
    if paid != 0:
        self._position_rewards[position_id].reward_per_weight_paid = paid
    # append to the owner's list: entry `count` is lane count + 1
    if count < 3:
        self._owned[msg.sender][0] = (owned + 1) | (position_id << ((count + 1) << 6))
    else:
        self._owned[msg.sender][0] = owned + 1
        self._set_lane(msg.sender, count + 1, position_id)

    self._pool_stake[persona_id] += (amount << 128) | 1  # one more open position
    self._pool_word[persona_id] = pool + (weight << 96)
    log Staked(position_id=position_id, owner=msg.sender, persona_id=persona_id, amount=amount, weight=weight, lock_index=lock_index, unlock_at=unlock_at)

    assert extcall FMC.transferFrom(msg.sender, self, amount, default_return_value=True), "staking: transfer failed"
    return position_id


@external
@nonreentrant
def claim(position_id: uint256) -> uint256:
    """
    @notice Pays the caller's position `position_id` every whole wei of
            reward it has earned; the sub-wei remainder stays in the
            position. Works while locked. Paying nothing does not revert.
    @param position_id A position owned by the caller.
    @return The FMC paid (wei).
    """
    return self._claim(position_id)


@external
@nonreentrant
def claim_many(position_ids: DynArray[uint256, 32]) -> uint256:
    """
    @notice `claim` for each listed position (all owned by the caller).
    @param position_ids Up to MAX_CLAIM_BATCH positions.
    @return The FMC paid in total (wei).
    """
    paid: uint256 = 0
    for position_id: uint256 in position_ids:
        paid += self._claim(position_id)
    return paid


@external
@nonreentrant
def withdraw(position_id: uint256) -> uint256:
    """
    @notice Closes the caller's position `position_id` once unlocked:
            returns the principal and pays every pending reward (whole wei)
            in the same transaction, then deletes the position.
    @param position_id A position owned by the caller, with unlock_at <= now.
    @return The reward paid (wei), on top of the principal.
    """
    pos: Position = self._position(position_id)
    assert pos.owner == msg.sender, "staking: not position owner"
    assert block.timestamp >= pos.unlock_at, "staking: position locked"

    pid: uint256 = pos.persona_id
    self._update_global()
    pool: uint256 = self._update_pool(pid, self._pool_word[pid], False)
    scaled: uint256 = pos.rewards_scaled + pos.weight * (self._pool_acc[pid].reward_per_weight - pos.reward_per_weight_paid)
    reward: uint256 = scaled // PRECISION

    # effects
    self._pool_stake[pid] -= (pos.amount << 128) | 1  # one open position less
    self._pool_word[pid] = pool - (pos.weight << 96)
    totals: uint256 = self._totals
    staked: uint256 = ((totals >> 96) & _MASK96) - pos.amount
    weighted: uint256 = (totals & _MASK96) - pos.weight
    self._totals = (totals & ~_LOW192) | (staked << 96) | weighted
    self.total_paid += reward
    self._remove_owned(msg.sender, (self._position_stake[position_id] >> 40) & _MASK120)
    self._position_head[position_id] = 0
    self._position_stake[position_id] = 0
    self._position_rewards[position_id] = empty(PositionRewards)
    if reward != 0:
        log RewardPaid(position_id=position_id, owner=msg.sender, persona_id=pid, amount=reward)
    log Withdrawn(position_id=position_id, owner=msg.sender, persona_id=pid, amount=pos.amount, weight=pos.weight)

    # interaction
    assert extcall FMC.transfer(msg.sender, pos.amount + reward, default_return_value=True), "staking: transfer failed"
    return reward


# ---------------------------------------------------------------- views


@view
@external
def pending(position_id: uint256) -> uint256:
    """
    @notice FMC (whole wei) position `position_id` could claim now
            (0 for an unknown or closed position).
    @param position_id The position.
    @return Claimable rewards in wei.
    """
    pos: Position = self._position(position_id)
    if pos.owner == empty(address):
        return 0
    acc: uint256 = self._pool_reward_per_weight_now(pos.persona_id)
    return (pos.rewards_scaled + pos.weight * (acc - pos.reward_per_weight_paid)) // PRECISION


@view
@external
def position(position_id: uint256) -> Position:
    """
    @notice The stored record of position `position_id` (all zero if unknown
            or closed). `rewards_scaled` is as of the last settlement; use
            `pending` for the current claimable amount.
    @param position_id The position.
    @return The position.
    """
    return self._position(position_id)


@view
@external
def position_of_owner_by_index(account: address, index: uint256) -> uint256:
    """
    @notice The id of the `index`-th open position of `account`
            (index < position_count_of(account); order changes on withdraw).
    @param account The owner.
    @param index The index.
    @return The position id.
    """
    assert index < self._owned[account][0] & _MASK64, "staking: index out of range"
    return self._lane(account, index + 1)


@view
@external
def position_count_of(arg0: address) -> uint256:
    """
    @notice Number of open positions of an account.
    @param arg0 The account.
    @return The count.
    """
    return self._owned[arg0][0] & _MASK64


@view
@external
def next_position_id() -> uint256:
    """
    @notice Id the next position gets (ids start at 1).
    @return The id.
    """
    return self._totals >> 192


@view
@external
def total_staked() -> uint256:
    """
    @notice FMC staked in total (wei).
    @return The total.
    """
    return (self._totals >> 96) & _MASK96


@view
@external
def total_weight() -> uint256:
    """
    @notice Sum of all open positions' weights.
    @return The total.
    """
    return self._totals & _MASK96


@view
@external
def total_performance() -> uint256:
    """
    @notice Sum of all personas' performance scores.
    @return The total.
    """
    return self._performance >> 128


@view
@external
def reward_rate() -> uint256:
    """
    @notice Reward stream: FMC wei per second until `period_finish`.
    @return The rate.
    """
    return self._stream >> 96


@view
@external
def period_finish() -> uint256:
    """
    @notice End of the running (or last) reward stream.
    @return A timestamp.
    """
    return (self._stream >> 48) & _MASK48


@view
@external
def last_update() -> uint256:
    """
    @notice Last time the global accumulator was brought up to date.
    @return A timestamp.
    """
    return self._stream & _MASK48


@view
@external
def persona_stake(persona_id: uint256) -> PersonaPool:
    """
    @notice Stake, weight, performance, open positions and accumulators
            (as stored at the last settlement) of persona `persona_id`.
    @param persona_id The persona.
    @return The persona's pool.
    """
    acc: PoolAccumulators = self._pool_acc[persona_id]
    word: uint256 = self._pool_word[persona_id]
    stake: uint256 = self._pool_stake[persona_id]
    return PersonaPool(
        staked=stake >> 128,
        weight=(word >> 96) & _MASK96,
        performance=word >> 192,
        positions=stake & _MASK128,
        reward_per_performance_paid=acc.reward_per_performance_paid,
        reward_per_weight=acc.reward_per_weight,
        weight_carry=word & _MASK96,
    )


@view
@external
def multiplier(lock_index: uint256) -> uint256:
    """
    @notice Multiplier (basis points) of lock option `lock_index`.
    @param lock_index An existing lock option.
    @return The multiplier, 10_000 = 1.0x.
    """
    assert lock_index < self.lock_option_count, "staking: lock index out of range"
    return (self._lock_words[lock_index] >> 8) & _MASK56


@view
@external
def lock_option(lock_index: uint256) -> LockOption:
    """
    @notice Lock option `lock_index` (duration, multiplier, enabled).
    @param lock_index An existing lock option.
    @return The option.
    """
    assert lock_index < self.lock_option_count, "staking: lock index out of range"
    word: uint256 = self._lock_words[lock_index]
    return LockOption(duration=word >> 64, multiplier_bps=(word >> 8) & _MASK56, enabled=word & 1 == 1)


@view
@external
def epoch_info() -> EpochInfo:
    """
    @notice Performance epoch, reward stream and totals in one call.
    @return The current figures (accumulator as stored).
    """
    stream: uint256 = self._stream
    totals: uint256 = self._totals
    return EpochInfo(
        performance_epoch=self.performance_epoch,
        performance_updated_at=self.performance_updated_at,
        total_performance=self._performance >> 128,
        reward_rate=stream >> 96,
        period_finish=(stream >> 48) & _MASK48,
        last_update=stream & _MASK48,
        reward_per_performance=self.reward_per_performance,
        unallocated=self.unallocated,
        total_funded=self.total_funded,
        total_paid=self.total_paid,
        total_staked=(totals >> 96) & _MASK96,
        total_weight=totals & _MASK96,
    )


@view
@external
def persona_reward_rate(persona_id: uint256) -> uint256:
    """
    @notice FMC wei per second currently streamed to persona `persona_id`
            (rounded down): reward_rate * performance / total_performance
            while a stream runs, else 0.
    @param persona_id The persona.
    @return Wei per second.
    """
    total: uint256 = self._performance >> 128
    stream: uint256 = self._stream
    if total == 0 or block.timestamp >= (stream >> 48) & _MASK48:
        return 0
    return (stream >> 96) * (self._pool_word[persona_id] >> 192) // total


# ---------------------------------------------------------------- internals


@internal
def _set_lock_option(lock_index: uint256, duration: uint256, multiplier_bps: uint256, enabled: bool):
    assert duration <= MAX_LOCK_DURATION, "staking: lock too long"
    assert multiplier_bps >= MIN_MULTIPLIER_BPS and multiplier_bps <= MAX_MULTIPLIER_BPS, "staking: multiplier out of range"
    self._lock_words[lock_index] = (duration << 64) | (multiplier_bps << 8) | convert(enabled, uint256)
    if lock_index == self.lock_option_count:
        self.lock_option_count = lock_index + 1
    log LockOptionSet(lock_index=lock_index, duration=duration, multiplier_bps=multiplier_bps, enabled=enabled)


@view
@internal
def _emitted(stream: uint256) -> uint256:
    """
    @dev FMC emitted since `last_update`, from the packed stream word.
    """
    end: uint256 = min(block.timestamp, (stream >> 48) & _MASK48)
    last: uint256 = stream & _MASK48
    if end <= last:
        return 0
    return (stream >> 96) * (end - last)


@internal
def _update_global() -> uint256:
    """
    @dev Streams the emission since `last_update` into the global
         accumulator, or back to the unallocated budget when total
         performance is zero. Returns the stream word as it now is.
    """
    stream: uint256 = self._stream
    emitted: uint256 = self._emitted(stream)
    stream = (stream & ~_MASK48) | block.timestamp
    self._stream = stream
    if emitted == 0:
        return stream
    performance: uint256 = self._performance
    total: uint256 = performance >> 128
    if total == 0:
        self.unallocated += emitted
        log RewardsReturned(persona_id=0, amount=emitted)
        return stream
    numerator: uint256 = emitted * PRECISION + (performance & _MASK128)
    self.reward_per_performance += numerator // total
    self._performance = (performance & ~_MASK128) | (numerator % total)
    return stream


@internal
def _update_pool(persona_id: uint256, word: uint256, store: bool) -> uint256:
    """
    @dev Settles persona `persona_id`, whose pool word is `word`, against the
         (already updated) global accumulator: its earnings go to its
         reward-per-weight accumulator, or back to the unallocated budget
         when nothing is staked on it. Returns the pool word as settled (the
         carry may change), written back only when `store` is set: stake and
         withdraw write it once, with their change of weight. Reads only the
         slots it needs: the oracle's batch settles many pools, and each
         untouched slot is a cold read saved.
    """
    acc: uint256 = self.reward_per_performance
    paid: uint256 = self._pool_acc[persona_id].reward_per_performance_paid
    if paid == acc:
        return word
    self._pool_acc[persona_id].reward_per_performance_paid = acc
    earned: uint256 = (word >> 192) * (acc - paid)
    if earned == 0:
        return word
    weight: uint256 = (word >> 96) & _MASK96
    if weight == 0:
        dust: uint256 = self._unallocated_dust + earned
        whole: uint256 = dust // PRECISION
        self._unallocated_dust = dust % PRECISION
        if whole != 0:
            self.unallocated += whole
            log RewardsReturned(persona_id=persona_id, amount=whole)
        return word
    numerator: uint256 = earned + (word & _MASK96)
    self._pool_acc[persona_id].reward_per_weight += numerator // weight
    settled: uint256 = (word & ~_MASK96) | (numerator % weight)
    if store:
        self._pool_word[persona_id] = settled
    return settled


@view
@internal
def _pool_reward_per_weight_now(persona_id: uint256) -> uint256:
    """
    @dev The persona accumulator as `_update_global` + `_update_pool` would
         leave it now (view).
    """
    pool: PoolAccumulators = self._pool_acc[persona_id]
    word: uint256 = self._pool_word[persona_id]
    weight: uint256 = (word >> 96) & _MASK96
    if weight == 0:
        return pool.reward_per_weight
    acc: uint256 = self.reward_per_performance
    emitted: uint256 = self._emitted(self._stream)
    performance: uint256 = self._performance
    total: uint256 = performance >> 128
    if emitted != 0 and total != 0:
        acc += (emitted * PRECISION + (performance & _MASK128)) // total
    earned: uint256 = (word >> 192) * (acc - pool.reward_per_performance_paid)
    return pool.reward_per_weight + (earned + (word & _MASK96)) // weight


@view
@internal
def _position(position_id: uint256) -> Position:
    """
    @dev The position record, unpacked (all zero if unknown or closed).
    """
    head: uint256 = self._position_head[position_id]
    stake: uint256 = self._position_stake[position_id]
    rewards: PositionRewards = self._position_rewards[position_id]
    amount: uint256 = stake >> 160
    multiplier_bps: uint256 = (head >> 40) & 65535
    return Position(
        owner=convert(convert(head >> 96, uint160), address),
        persona_id=(head >> 64) & (2**32 - 1),
        amount=amount,
        weight=amount * multiplier_bps // BPS,
        lock_index=(head >> 56) & 255,
        multiplier_bps=multiplier_bps,
        staked_at=head & _MASK40,
        unlock_at=stake & _MASK40,
        reward_per_weight_paid=rewards.reward_per_weight_paid,
        rewards_scaled=rewards.rewards_scaled,
    )


@internal
def _claim(position_id: uint256) -> uint256:
    pos: Position = self._position(position_id)
    assert pos.owner == msg.sender, "staking: not position owner"
    self._update_global()
    self._update_pool(pos.persona_id, self._pool_word[pos.persona_id], True)
    acc: uint256 = self._pool_acc[pos.persona_id].reward_per_weight
    scaled: uint256 = pos.rewards_scaled + pos.weight * (acc - pos.reward_per_weight_paid)
    reward: uint256 = scaled // PRECISION

    # effects
    self._position_rewards[position_id] = PositionRewards(reward_per_weight_paid=acc, rewards_scaled=scaled % PRECISION)
    if reward == 0:
        return 0
    self.total_paid += reward
    log RewardPaid(position_id=position_id, owner=msg.sender, persona_id=pos.persona_id, amount=reward)

    # interaction
    assert extcall FMC.transfer(msg.sender, reward, default_return_value=True), "staking: transfer failed"
    return reward


@view
@internal
def _lane(account: address, lane: uint256) -> uint256:
    """
    @dev Lane `lane` of `account`'s list (lane 0 is the count, lane i + 1 entry i).
    """
    return (self._owned[account][lane >> 2] >> ((lane & 3) << 6)) & _MASK64


@internal
def _set_lane(account: address, lane: uint256, position_id: uint256):
    """
    @dev Writes `position_id` (0 to clear) into lane `lane` of `account`'s list.
    """
    offset: uint256 = (lane & 3) << 6
    word: uint256 = self._owned[account][lane >> 2]
    self._owned[account][lane >> 2] = (word & ~(_MASK64 << offset)) | (position_id << offset)


@internal
def _remove_owned(account: address, index: uint256):
    """
    @dev Removes entry `index` from `account`'s list: the last entry takes its
         place (and learns its new index), the count drops by one.
    """
    last: uint256 = (self._owned[account][0] & _MASK64) - 1
    if index != last:
        moved: uint256 = self._lane(account, last + 1)
        self._set_lane(account, index + 1, moved)
        stake: uint256 = self._position_stake[moved]
        self._position_stake[moved] = (stake & ~(_MASK120 << 40)) | (index << 40)
    self._set_lane(account, last + 1, 0)
    self._owned[account][0] -= 1
