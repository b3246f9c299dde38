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
     supply far below 2**256 / 1e36, which FameEngine's capped FMC is.
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
_MASK64: constant(uint256) = 2**64 - 1
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


struct PoolCore:
    staked: uint256
    weight: uint256
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
_lock_options: HashMap[uint256, LockOption]

# @notice Id the next position gets (ids start at 1).
next_position_id: public(uint256)
# A position is kept in four words instead of ten (opening one writes each new word once, at
# 22,100 gas apiece): the fields that never change after `stake` are packed.
#   head:  owner (bits 255..96) | persona_id (95..64) | lock_index (63..56)
#          | multiplier_bps (55..40) | staked_at (39..0)
#   stake: amount (bits 231..136) | weight (135..40) | unlock_at (39..0)
# `stake` bounds what it packs (persona id < 2**32, amount < 2**93 so weight < 2**96);
# `position(id)` returns the unpacked record.
_position_head: HashMap[uint256, uint256]
_position_stake: HashMap[uint256, uint256]
_position_rewards: HashMap[uint256, PositionRewards]
# @dev Per-account enumeration: account -> index -> position id, and back.
_owned: HashMap[address, HashMap[uint256, uint256]]
_owned_index: HashMap[uint256, uint256]
# @notice Number of open positions of an account.
position_count_of: public(HashMap[address, uint256])

# A persona's pool (returned whole by `persona_stake`) is kept in five words: its stake, weight
# and the two accumulators, and one word packing what a performance update touches besides them:
#   performance (bits 255..192) | open positions (191..128) | weight_carry (127..0)
# (performance <= MAX_PERFORMANCE < 2**60; the carry is below the pool's weight, itself below
# 5x FMC's capped supply < 2**93), so settling a pool reads and writes one word less.
_pools: HashMap[uint256, PoolCore]
_pool_word: HashMap[uint256, uint256]

# @notice FMC staked in total / sum of all position weights.
total_staked: public(uint256)
total_weight: public(uint256)
# @notice Sum of all personas' performance scores.
total_performance: public(uint256)
# @notice Number of `set_performance` calls and time of the last one.
performance_epoch: public(uint256)
performance_updated_at: public(uint256)

# @notice Reward stream: wei per second until `period_finish`.
reward_rate: public(uint256)
period_finish: public(uint256)
# @notice Last time the global accumulator was brought up to date.
last_update: public(uint256)
# @notice Global reward-per-performance accumulator (scaled by PRECISION).
reward_per_performance: public(uint256)
_performance_carry: uint256

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

    self.next_position_id = 1
    self.last_update = block.timestamp


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
    total: uint256 = self.total_performance
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
        old: uint256 = self._update_pool(pid)
        total = total - old + score
        if score != old:
            self._pool_word[pid] = (score << 192) | (self._pool_word[pid] & _LOW192)
        log PerformanceUpdated(persona_id=pid, epoch=epoch, old_score=old, new_score=score, total_performance=total)
    self.total_performance = total


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
    self._update_global()
    finish: uint256 = self.period_finish
    running: bool = block.timestamp < finish
    leftover: uint256 = 0
    if running:
        leftover = self.reward_rate * (finish - block.timestamp)
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
    self.reward_rate = rate
    self.period_finish = new_finish
    self.last_update = block.timestamp
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
        self._update_pool(pid)


# ---------------------------------------------------------------- stakers


@external
@nonreentrant
def stake(persona_id: uint256, amount: uint256, lock_index: uint256) -> uint256:
    """
    @notice Stakes `amount` FMC (approve first) on active persona
            `persona_id` with lock option `lock_index`, opening a position
            owned by the caller. The position stores its own unlock time
            (now + lock duration) and weight (amount * multiplier // 10_000).
    @param persona_id An active persona.
    @param amount FMC to stake (wei), > 0 and at most MAX_POSITION_AMOUNT; the weight must be > 0.
    @param lock_index An enabled lock option.
    @return The new position id.
    """
    assert amount != 0, "staking: zero amount"
    assert amount <= MAX_POSITION_AMOUNT, "staking: amount too large"
    assert persona_id <= MAX_PERSONA_ID, "staking: persona not active"
    assert lock_index < self.lock_option_count, "staking: lock index out of range"
    option: LockOption = self._lock_options[lock_index]
    assert option.enabled, "staking: lock option disabled"
    assert staticcall REGISTRY.is_active(persona_id), "staking: persona not active"
    weight: uint256 = amount * option.multiplier_bps // BPS

    self._update_global()
    self._update_pool(persona_id)

    position_id: uint256 = self.next_position_id
    self.next_position_id = position_id + 1
    unlock_at: uint256 = block.timestamp + option.duration
    self._position_head[position_id] = (
        (convert(msg.sender, uint256) << 96) | (persona_id << 64) | (lock_index << 56)
        | (option.multiplier_bps << 40) | block.timestamp
    )
    self._position_stake[position_id] = (amount << 136) | (weight << 40) | unlock_at
    paid: uint256 = self._pools[persona_id].reward_per_weight
    if paid != 0:
        self._position_rewards[position_id].reward_per_weight_paid = paid
    count: uint256 = self.position_count_of[msg.sender]
    self._owned[msg.sender][count] = position_id
    self._owned_index[position_id] = count
    self.position_count_of[msg.sender] = count + 1

    self._pools[persona_id].staked += amount
    self._pools[persona_id].weight += weight
    self._pool_word[persona_id] += 1 << 128  # one more open position
    self.total_staked += amount
    self.total_weight += weight
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

    self._update_global()
    self._update_pool(pos.persona_id)
    scaled: uint256 = self._settled_rewards(pos)
    reward: uint256 = scaled // PRECISION

    # effects
    pid: uint256 = pos.persona_id
    self._pools[pid].staked -= pos.amount
    self._pools[pid].weight -= pos.weight
    self._pool_word[pid] -= 1 << 128  # one open position less
    self.total_staked -= pos.amount
    self.total_weight -= pos.weight
    self.total_paid += reward
    self._remove_owned(msg.sender, position_id)
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
    assert index < self.position_count_of[account], "staking: index out of range"
    return self._owned[account][index]


@view
@external
def persona_stake(persona_id: uint256) -> PersonaPool:
    """
    @notice Stake, weight, performance, open positions and accumulators
            (as stored at the last settlement) of persona `persona_id`.
    @param persona_id The persona.
    @return The persona's pool.
    """
    core: PoolCore = self._pools[persona_id]
    word: uint256 = self._pool_word[persona_id]
    return PersonaPool(
        staked=core.staked,
        weight=core.weight,
        performance=word >> 192,
        positions=(word >> 128) & _MASK64,
        reward_per_performance_paid=core.reward_per_performance_paid,
        reward_per_weight=core.reward_per_weight,
        weight_carry=word & _MASK128,
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
    return self._lock_options[lock_index].multiplier_bps


@view
@external
def lock_option(lock_index: uint256) -> LockOption:
    """
    @notice Lock option `lock_index` (duration, multiplier, enabled).
    @param lock_index An existing lock option.
    @return The option.
    """
    assert lock_index < self.lock_option_count, "staking: lock index out of range"
    return self._lock_options[lock_index]


@view
@external
def epoch_info() -> EpochInfo:
    """
    @notice Performance epoch, reward stream and totals in one call.
    @return The current figures (accumulator as stored).
    """
    return EpochInfo(
        performance_epoch=self.performance_epoch,
        performance_updated_at=self.performance_updated_at,
        total_performance=self.total_performance,
        reward_rate=self.reward_rate,
        period_finish=self.period_finish,
        last_update=self.last_update,
        reward_per_performance=self.reward_per_performance,
        unallocated=self.unallocated,
        total_funded=self.total_funded,
        total_paid=self.total_paid,
        total_staked=self.total_staked,
        total_weight=self.total_weight,
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
    total: uint256 = self.total_performance
    if total == 0 or block.timestamp >= self.period_finish:
        return 0
    return self.reward_rate * (self._pool_word[persona_id] >> 192) // total


# ---------------------------------------------------------------- internals


@internal
def _set_lock_option(lock_index: uint256, duration: uint256, multiplier_bps: uint256, enabled: bool):
    assert duration <= MAX_LOCK_DURATION, "staking: lock too long"
    assert multiplier_bps >= MIN_MULTIPLIER_BPS and multiplier_bps <= MAX_MULTIPLIER_BPS, "staking: multiplier out of range"
    self._lock_options[lock_index] = LockOption(duration=duration, multiplier_bps=multiplier_bps, enabled=enabled)
    if lock_index == self.lock_option_count:
        self.lock_option_count = lock_index + 1
    log LockOptionSet(lock_index=lock_index, duration=duration, multiplier_bps=multiplier_bps, enabled=enabled)


@view
@internal
def _emitted_since_update() -> uint256:
    end: uint256 = min(block.timestamp, self.period_finish)
    last: uint256 = self.last_update
    if end <= last:
        return 0
    return self.reward_rate * (end - last)


@internal
def _update_global():
    """
    @dev Streams the emission since `last_update` into the global
         accumulator, or back to the unallocated budget when total
         performance is zero.
    """
    emitted: uint256 = self._emitted_since_update()
    self.last_update = block.timestamp
    if emitted == 0:
        return
    total: uint256 = self.total_performance
    if total == 0:
        self.unallocated += emitted
        log RewardsReturned(persona_id=0, amount=emitted)
        return
    numerator: uint256 = emitted * PRECISION + self._performance_carry
    self.reward_per_performance += numerator // total
    self._performance_carry = numerator % total


@internal
def _update_pool(persona_id: uint256) -> uint256:
    """
    @dev Settles persona `persona_id` against the (already updated) global
         accumulator: its earnings go to its reward-per-weight accumulator,
         or back to the unallocated budget when nothing is staked on it.
         Reads the pool field by field (not the whole struct): the oracle's
         batch settles many pools, and each untouched slot is a cold read
         saved. Returns the persona's performance score.
    """
    acc: uint256 = self.reward_per_performance
    paid: uint256 = self._pools[persona_id].reward_per_performance_paid
    word: uint256 = self._pool_word[persona_id]
    performance: uint256 = word >> 192
    if paid == acc:
        return performance
    self._pools[persona_id].reward_per_performance_paid = acc
    earned: uint256 = performance * (acc - paid)
    if earned == 0:
        return performance
    weight: uint256 = self._pools[persona_id].weight
    if weight == 0:
        dust: uint256 = self._unallocated_dust + earned
        whole: uint256 = dust // PRECISION
        self._unallocated_dust = dust % PRECISION
        if whole != 0:
            self.unallocated += whole
            log RewardsReturned(persona_id=persona_id, amount=whole)
        return performance
    numerator: uint256 = earned + (word & _MASK128)
    self._pools[persona_id].reward_per_weight += numerator // weight
    self._pool_word[persona_id] = (word & ~_MASK128) | (numerator % weight)
    return performance


@view
@internal
def _pool_reward_per_weight_now(persona_id: uint256) -> uint256:
    """
    @dev The persona accumulator as `_update_global` + `_update_pool` would
         leave it now (view).
    """
    pool: PoolCore = self._pools[persona_id]
    if pool.weight == 0:
        return pool.reward_per_weight
    word: uint256 = self._pool_word[persona_id]
    acc: uint256 = self.reward_per_performance
    emitted: uint256 = self._emitted_since_update()
    total: uint256 = self.total_performance
    if emitted != 0 and total != 0:
        acc += (emitted * PRECISION + self._performance_carry) // total
    earned: uint256 = (word >> 192) * (acc - pool.reward_per_performance_paid)
    return pool.reward_per_weight + (earned + (word & _MASK128)) // pool.weight


@view
@internal
def _position(position_id: uint256) -> Position:
    """
    @dev The position record, unpacked (all zero if unknown or closed).
    """
    head: uint256 = self._position_head[position_id]
    stake: uint256 = self._position_stake[position_id]
    rewards: PositionRewards = self._position_rewards[position_id]
    return Position(
        owner=convert(convert(head >> 96, uint160), address),
        persona_id=(head >> 64) & (2**32 - 1),
        amount=stake >> 136,
        weight=(stake >> 40) & (2**96 - 1),
        lock_index=(head >> 56) & 255,
        multiplier_bps=(head >> 40) & 65535,
        staked_at=head & (2**40 - 1),
        unlock_at=stake & (2**40 - 1),
        reward_per_weight_paid=rewards.reward_per_weight_paid,
        rewards_scaled=rewards.rewards_scaled,
    )


@internal
def _settled_rewards(pos: Position) -> uint256:
    """
    @dev Scaled rewards of `pos` against its (already settled) persona.
    """
    acc: uint256 = self._pools[pos.persona_id].reward_per_weight
    return pos.rewards_scaled + pos.weight * (acc - pos.reward_per_weight_paid)


@internal
def _claim(position_id: uint256) -> uint256:
    pos: Position = self._position(position_id)
    assert pos.owner == msg.sender, "staking: not position owner"
    self._update_global()
    self._update_pool(pos.persona_id)
    scaled: uint256 = self._settled_rewards(pos)
    reward: uint256 = scaled // PRECISION

    # effects
    self._position_rewards[position_id] = PositionRewards(
        reward_per_weight_paid=self._pools[pos.persona_id].reward_per_weight, rewards_scaled=scaled % PRECISION)
    if reward == 0:
        return 0
    self.total_paid += reward
    log RewardPaid(position_id=position_id, owner=msg.sender, persona_id=pos.persona_id, amount=reward)

    # interaction
    assert extcall FMC.transfer(msg.sender, reward, default_return_value=True), "staking: transfer failed"
    return reward


@internal
def _remove_owned(account: address, position_id: uint256):
    last: uint256 = self.position_count_of[account] - 1
    index: uint256 = self._owned_index[position_id]
    if index != last:
        moved: uint256 = self._owned[account][last]
        self._owned[account][index] = moved
        self._owned_index[moved] = index
    self._owned[account][last] = 0
    self._owned_index[position_id] = 0
    self.position_count_of[account] = last
