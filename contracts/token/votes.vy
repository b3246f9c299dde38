# pragma version ~=0.4.3
# pragma nonreentrancy off
"""
@title FMC voting power: delegation, vote checkpoints and the clock
@custom:contract-name votes
@license AGPL-3.0-only
@notice The ERC-5805 / ERC-6372 half of the FameEngine governance token
        (FMC). This module owns the delegation map and the checkpointed
        histories of every delegate's votes and of the total supply; the
        token contract (`FMC.vy`) owns the balances and calls in here after
        every balance change:
        - `_transfer_voting_units` after a transfer, mint or burn,
        - `_push_total_supply` after a mint or burn,
        - `_delegate` when a holder (or a signature) picks a delegate.
        Voting power is the balance of every account that delegated to a
        delegate. Holders have no votes until they delegate, to themselves
        or to anyone else.

        The module needs no other module (balances are passed in as
        arguments), so it also compiles on its own: the stand-alone build
        (`votes` in ape's project) only carries the view functions and is
        never deployed. ape recompiles a source only when its own text
        changes, so after editing this module run `ape compile --force`
        to rebuild `FMC` (tests/token checks that the build is fresh).
@dev Storage layout, chosen for gas (every slot is one `uint256`):
     - `_account[a]`: bits 0..159 hold the address `a` delegates to, bits
       160..191 hold how many vote checkpoints delegate `a` has. A
       self-delegated holder therefore finds its delegate and its
       checkpoint count in the same (already warm) slot, and the first
       checkpoint of a delegate only flips a non-zero slot.
     - `_history[a][i]`: the `i`-th checkpoint of delegate `a`, packed as
       `timepoint << 208 | votes` (a `uint48` and a `uint208` in one slot).
     - The total-supply history uses the key `empty(address)` in both maps.
       The zero address can never be a delegate that receives votes (moves
       to or from it are skipped), never delegates (it cannot sign or send
       transactions), and every account-scoped view answers zero for it, so
       the key is free for this purpose.
     Checkpoint timepoints are strictly increasing within a history: a
     write at the timepoint of the last checkpoint updates it in place.
"""


# @dev The ERC-6372 clock interface, declared in this module so that the
# stand-alone build of the module is checked against it as well.
from .interfaces import IERC6372
implements: IERC6372


# @dev One checkpoint as the `checkpoints` view returns it.
struct Checkpoint:
    timepoint: uint48
    votes: uint208


# @dev Emitted when `delegator` changes its delegate (ERC-5805).
event DelegateChanged:
    delegator: indexed(address)
    fromDelegate: indexed(address)
    toDelegate: indexed(address)


# @dev Emitted when the voting power of `delegate` changes (ERC-5805).
event DelegateVotesChanged:
    delegate: indexed(address)
    previousVotes: uint256
    newVotes: uint256


# @dev Packing of a checkpoint: votes in the low 208 bits, timepoint above.
_VOTES_MASK: constant(uint256) = 2**208 - 1
_TIMEPOINT_SHIFT: constant(uint256) = 208


# @dev Packing of an account slot: delegate in the low 160 bits, the
# checkpoint count in the 32 bits above.
_DELEGATE_MASK: constant(uint256) = 2**160 - 1
_COUNT_SHIFT: constant(uint256) = 160
_COUNT_MASK: constant(uint256) = 2**32 - 1
_COUNT_ONE: constant(uint256) = 2**160


# @dev The key of the total-supply history (see the module notes).
_SUPPLY_KEY: constant(address) = empty(address)


# @dev Upper bound on the rounds of the past-lookup binary search. The
# checkpoint count is a `uint32`, so 33 rounds always suffice.
_SEARCH_ROUNDS: constant(uint256) = 64


# @dev Below this many candidates the "recent" probe is not worth its cost.
_RECENT_PROBE_MIN: constant(uint256) = 6


# @dev Delegate (bits 0..159) and checkpoint count (bits 160..191) of
# every account; see the module notes.
_account: HashMap[address, uint256]


# @dev Packed checkpoints of every delegate (and of the total supply).
_history: HashMap[address, HashMap[uint256, uint256]]


@external
@view
def clock() -> uint48:
    """
    @notice Returns the current timepoint of the FMC clock: the block
            timestamp, in seconds (ERC-6372).
    @dev FameEngine measures governance periods, staking lock-ins and
         oracle epochs in seconds, and is meant to run on L2s whose block
         times differ from each other and change over time. A timestamp
         clock keeps a "7-day vote" seven days long on every chain, which
         a block-number clock cannot. Timestamps are non-decreasing from
         block to block, which is all the checkpoint histories need.
    @return uint48 The current block timestamp.
    """
    return convert(block.timestamp, uint48)


@external
@view
def CLOCK_MODE() -> String[14]:
    """
    @notice Describes the FMC clock in the ERC-6372 format.
    @dev Constant: the clock is `block.timestamp` (see `clock`).
    @return String The string "mode=timestamp".
    """
    return "mode=timestamp"


@external
@view
def delegates(account: address) -> address:
    """
    @notice Returns the address `account` has delegated its voting power to.
    @dev The zero address means "not delegated": the account's balance
         counts for nobody.
    @param account The 20-byte address of the holder.
    @return address The 20-byte address of the delegate.
    """
    return convert(self._account[account] & _DELEGATE_MASK, address)


@external
@view
def getVotes(account: address) -> uint256:
    """
    @notice Returns the current voting power of `account`: the sum of the
            balances of every account that delegated to it.
    @param account The 20-byte address of the delegate.
    @return uint256 The current votes of `account`.
    """
    if account == _SUPPLY_KEY:
        return 0
    count: uint256 = self._count(account)
    if count == 0:
        return 0
    return self._history[account][unsafe_sub(count, 1)] & _VOTES_MASK


@external
@view
def getPastVotes(account: address, timepoint: uint256) -> uint256:
    """
    @notice Returns the voting power `account` had at the end of
            `timepoint` (a past block timestamp).
    @dev Reverts with "fmc: future lookup" unless `timepoint < clock()`:
         the votes of the current second can still change.
    @param account The 20-byte address of the delegate.
    @param timepoint The timestamp to look up, strictly in the past.
    @return uint256 The votes of `account` at `timepoint`.
    """
    self._check_past(timepoint)
    if account == _SUPPLY_KEY:
        return 0
    return self._upper_lookup(account, self._count(account), timepoint)


@external
@view
def getPastTotalSupply(timepoint: uint256) -> uint256:
    """
    @notice Returns the total supply of FMC at the end of `timepoint`
            (a past block timestamp).
    @dev Reverts with "fmc: future lookup" unless `timepoint < clock()`.
         The total supply counts every token, delegated or not.
    @param timepoint The timestamp to look up, strictly in the past.
    @return uint256 The total supply at `timepoint`.
    """
    self._check_past(timepoint)
    return self._upper_lookup(_SUPPLY_KEY, self._count(_SUPPLY_KEY), timepoint)


@external
@view
def numCheckpoints(account: address) -> uint32:
    """
    @notice Returns how many vote checkpoints delegate `account` has.
    @param account The 20-byte address of the delegate.
    @return uint32 The number of checkpoints of `account`.
    """
    if account == _SUPPLY_KEY:
        return 0
    return convert(self._count(account), uint32)


@external
@view
def checkpoints(account: address, pos: uint32) -> Checkpoint:
    """
    @notice Returns the `pos`-th vote checkpoint of delegate `account`.
    @dev Reverts with "fmc: checkpoint out of range" unless
         `pos < numCheckpoints(account)`.
    @param account The 20-byte address of the delegate.
    @param pos The 0-based index of the checkpoint.
    @return Checkpoint The timepoint of the checkpoint and the votes
            `account` held from then on.
    """
    index: uint256 = convert(pos, uint256)
    count: uint256 = 0
    if account != _SUPPLY_KEY:
        count = self._count(account)
    assert index < count, "fmc: checkpoint out of range"
    packed: uint256 = self._history[account][index]
    return Checkpoint(
        timepoint=convert(packed >> _TIMEPOINT_SHIFT, uint48), votes=convert(packed & _VOTES_MASK, uint208)
    )


@internal
def _delegate(account: address, delegatee: address, units: uint256):
    """
    @dev Makes `delegatee` the delegate of `account` and moves the voting
         units of `account` (its balance) from the old delegate to the
         new one. Always logs `DelegateChanged`, even when the delegate
         does not change (as ERC-5805 integrators expect one per call).
    @param account The 20-byte address of the holder (never zero).
    @param delegatee The 20-byte address of the new delegate (may be zero,
           which withdraws the votes).
    @param units The current balance of `account`.
    """
    slot: uint256 = self._account[account]
    previous: address = convert(slot & _DELEGATE_MASK, address)
    if previous != delegatee:
        self._account[account] = (slot & ~_DELEGATE_MASK) | convert(delegatee, uint256)
    log DelegateChanged(delegator=account, fromDelegate=previous, toDelegate=delegatee)
    self._move_delegate_votes(previous, delegatee, units)


@internal
def _transfer_voting_units(sender: address, receiver: address, amount: uint256):
    """
    @dev Moves the votes attached to `amount` tokens after a balance change:
         from the delegate of `sender` to the delegate of `receiver`. A zero
         `sender` is a mint and a zero `receiver` a burn; the caller keeps
         the total-supply history with `_push_total_supply`.
    @param sender The 20-byte address tokens left (zero for a mint).
    @param receiver The 20-byte address tokens reached (zero for a burn).
    @param amount The number of tokens moved.
    """
    if amount == 0:
        return
    source: address = empty(address)
    if sender != empty(address):
        source = convert(self._account[sender] & _DELEGATE_MASK, address)
    target: address = empty(address)
    if receiver != empty(address):
        target = convert(self._account[receiver] & _DELEGATE_MASK, address)
    self._move_delegate_votes(source, target, amount)


@internal
def _push_total_supply(supply: uint256):
    """
    @dev Records `supply` as the total supply of the current timepoint.
         The caller guarantees `supply <= cap <= max_value(uint208)`.
    @param supply The total supply after a mint or burn.
    """
    slot: uint256 = self._account[_SUPPLY_KEY]
    count: uint256 = (slot >> _COUNT_SHIFT) & _COUNT_MASK
    latest: uint256 = 0
    if count != 0:
        latest = self._history[_SUPPLY_KEY][unsafe_sub(count, 1)]
    self._write(_SUPPLY_KEY, slot, count, latest, supply)


@internal
def _move_delegate_votes(source: address, target: address, amount: uint256):
    """
    @dev Takes `amount` votes from delegate `source` and gives them to
         delegate `target`, skipping zero addresses. Nothing happens (no
         storage write, no event) when both are the same or `amount` is 0.
    @param source The 20-byte delegate losing votes (zero: none).
    @param target The 20-byte delegate gaining votes (zero: none).
    @param amount The number of votes moved.
    """
    if source == target or amount == 0:
        return
    if source != empty(address):
        self._change_votes(source, amount, False)
    if target != empty(address):
        self._change_votes(target, amount, True)


@internal
def _change_votes(delegate: address, amount: uint256, increase: bool):
    """
    @dev Adds `amount` to (or takes it from) the votes of `delegate`,
         writes the checkpoint of the current timepoint and logs
         `DelegateVotesChanged`.
    @notice The arithmetic cannot leave the `uint208` range: the votes of a
            delegate are a sum of balances, hence at most the total supply,
            which `FMC.vy` keeps at or below its `uint208` cap; and a delegate
            losing `amount` votes holds at least the balance (>= `amount`)
            of the holder they come from. The operations stay checked anyway.
    @param delegate The 20-byte address of the delegate (never zero).
    @param amount The number of votes added or taken.
    @param increase True to add the votes, False to take them.
    """
    slot: uint256 = self._account[delegate]
    count: uint256 = (slot >> _COUNT_SHIFT) & _COUNT_MASK
    latest: uint256 = 0
    if count != 0:
        latest = self._history[delegate][unsafe_sub(count, 1)]
    previous: uint256 = latest & _VOTES_MASK
    current: uint256 = 0
    if increase:
        current = previous + amount
    else:
        current = previous - amount
    self._write(delegate, slot, count, latest, current)
    log DelegateVotesChanged(delegate=delegate, previousVotes=previous, newVotes=current)


@internal
def _write(key: address, slot: uint256, count: uint256, latest: uint256, amount: uint256):
    """
    @dev Records `amount` in the history `key` at the current timepoint:
         updates the latest checkpoint in place if it has the current
         timepoint, otherwise appends a checkpoint and bumps the count kept
         in `_account[key]`.
    @notice The count is a 32-bit field. Appends need a strictly later
            timestamp each, so filling it takes more than a century of
            one checkpoint per second.
    @param key The 20-byte delegate (or `_SUPPLY_KEY`).
    @param slot The current value of `_account[key]`.
    @param count The number of checkpoints in the history (from `slot`).
    @param latest The packed latest checkpoint (zero when `count` is 0).
    @param amount The votes (or supply) to record, at most `max_value(uint208)`.
    """
    now: uint256 = convert(convert(block.timestamp, uint48), uint256)
    packed: uint256 = (now << _TIMEPOINT_SHIFT) | amount
    if count != 0 and (latest >> _TIMEPOINT_SHIFT) == now:
        self._history[key][unsafe_sub(count, 1)] = packed
    else:
        self._history[key][count] = packed
        self._account[key] = unsafe_add(slot, _COUNT_ONE)


@internal
@view
def _count(key: address) -> uint256:
    """
    @dev Returns the number of checkpoints in the history `key`.
    @param key The 20-byte delegate (or `_SUPPLY_KEY`).
    @return uint256 The checkpoint count.
    """
    return (self._account[key] >> _COUNT_SHIFT) & _COUNT_MASK


@internal
@view
def _check_past(timepoint: uint256):
    """
    @dev Reverts with "fmc: future lookup" unless `timepoint` is strictly
         before the current timepoint.
    @param timepoint The timestamp to check.
    """
    assert timepoint < block.timestamp, "fmc: future lookup"


@internal
@view
def _upper_lookup(key: address, count: uint256, timepoint: uint256) -> uint256:
    """
    @dev Returns the value of the last checkpoint of history `key` whose
         timepoint is at most `timepoint`, or 0 when there is none.
         Governance mostly asks about recent timepoints, so the search
         first tries the latest checkpoint, then probes `sqrt(count)`
         checkpoints from the end, then runs a bounded binary search.
    @param key The 20-byte delegate (or `_SUPPLY_KEY`).
    @param count The number of checkpoints in the history.
    @param timepoint The timestamp to look up.
    @return uint256 The recorded value at `timepoint`.
    """
    if count == 0:
        return 0
    high: uint256 = unsafe_sub(count, 1)
    latest: uint256 = self._history[key][high]
    if (latest >> _TIMEPOINT_SHIFT) <= timepoint:
        return latest & _VOTES_MASK

    # Invariant: checkpoints below `low` have a timepoint <= `timepoint`,
    # checkpoints at `high` and above have a later one (true for `high`,
    # the latest checkpoint, as just checked).
    low: uint256 = 0
    if high >= _RECENT_PROBE_MIN:
        probe: uint256 = unsafe_sub(high, isqrt(high))
        if timepoint < (self._history[key][probe] >> _TIMEPOINT_SHIFT):
            high = probe
        else:
            low = unsafe_add(probe, 1)

    for _: uint256 in range(_SEARCH_ROUNDS):
        if low >= high:
            break
        middle: uint256 = unsafe_div(unsafe_add(low, high), 2)
        if timepoint < (self._history[key][middle] >> _TIMEPOINT_SHIFT):
            high = middle
        else:
            low = unsafe_add(middle, 1)

    if high == 0:
        return 0
    return self._history[key][unsafe_sub(high, 1)] & _VOTES_MASK
