# pragma version ~=0.4.3
# pragma nonreentrancy off
"""
@title FameTimelock
@custom:contract-name FameTimelock
@license AGPL-3.0-only
@notice The FameEngine DAO timelock: every decision of the DAO (parameter
        changes, treasury spending, persona launches) is scheduled here by
        the FameGovernor and executed only after the minimum delay. It is the
        owner / admin of the other FameEngine contracts and holds the DAO's
        ETH, ERC-20, ERC-721 and ERC-1155 assets.

        It is snekmate's `timelock_controller` module composed into a
        deployable contract, with its complete external interface
        (roles: PROPOSER_ROLE, CANCELLER_ROLE, EXECUTOR_ROLE and the
        DEFAULT_ADMIN_ROLE held by the timelock itself).

        Intended role assignment once bootstrapped:
          - PROPOSER_ROLE and CANCELLER_ROLE: the FameGovernor only;
          - EXECUTOR_ROLE: the FameGovernor only (not "anyone"): the
            governor's grace period would otherwise be bypassable, since an
            expired proposal's batch is still ready here and could be
            executed directly;
          - DEFAULT_ADMIN_ROLE: the timelock itself only (role changes go
            through proposals).

        Bootstrap (the deployer holds DEFAULT_ADMIN_ROLE temporarily):
          1. deploy FameTimelock(min_delay, [], [], deployer);
          2. deploy FameGovernor(fmc, timelock, ...);
          3. deployer: grantRole(PROPOSER_ROLE, governor),
             grantRole(CANCELLER_ROLE, governor),
             grantRole(EXECUTOR_ROLE, governor);
          4. (optional, for contracts whose two-step ownership the timelock
             must accept, while the deployer still is admin) deployer grants
             itself PROPOSER_ROLE and EXECUTOR_ROLE, schedules the
             `accept_ownership()` calls, executes them after `min_delay`
             and revokes both roles from itself (deploy with min_delay 0
             and raise it afterwards by a scheduled `update_delay` call to
             do this in one go);
          5. deployer: renounceRole(DEFAULT_ADMIN_ROLE, deployer).
        After step 5 only proposals passed by FMC holders change anything.
"""


# @dev The interfaces the composed module implements.
from ethereum.ercs import IERC165
implements: IERC165

from snekmate.auth.interfaces import IAccessControl
implements: IAccessControl

from snekmate.tokens.interfaces import IERC721Receiver
implements: IERC721Receiver

from snekmate.tokens.interfaces import IERC1155Receiver
implements: IERC1155Receiver


# @dev Role bookkeeping and the timelock itself (snekmate).
from snekmate.auth import access_control
initializes: access_control

from snekmate.governance import timelock_controller
initializes: timelock_controller[access_control := access_control]


# @dev The timelock surface of snekmate's module: hash_operation, schedule,
# cancel, execute, update_delay, the operation views, role management,
# ERC-165, the ERC-721/1155 receivers and the ETH-receiving `__default__`.
# The three batch entry points are defined below instead: same names, same
# ABI (address[], uint256[], bytes[]), same events and checks, but bounded to
# MAX_BATCH calls. The module sizes its arrays for 255 calls of 1,024 bytes,
# and Vyper reserves memory for the bound, not for the calldata received, so
# every batch paid for ~270 KB of memory per copy (about 1.6M gas to queue or
# execute a one-action proposal). The governor never sends more than its
# MAX_ACTIONS (8) calls.
exports: (
    access_control.DEFAULT_ADMIN_ROLE,
    access_control.hasRole,
    access_control.getRoleAdmin,
    access_control.grantRole,
    access_control.revokeRole,
    access_control.renounceRole,
    access_control.set_role_admin,
    timelock_controller.__default__,
    timelock_controller.supportsInterface,
    timelock_controller.is_operation,
    timelock_controller.is_operation_pending,
    timelock_controller.is_operation_ready,
    timelock_controller.is_operation_done,
    timelock_controller.get_operation_state,
    timelock_controller.hash_operation,
    timelock_controller.schedule,
    timelock_controller.cancel,
    timelock_controller.execute,
    timelock_controller.update_delay,
    timelock_controller.onERC721Received,
    timelock_controller.onERC1155Received,
    timelock_controller.onERC1155BatchReceived,
    timelock_controller.PROPOSER_ROLE,
    timelock_controller.EXECUTOR_ROLE,
    timelock_controller.CANCELLER_ROLE,
    timelock_controller.IERC721_TOKENRECEIVER_SELECTOR,
    timelock_controller.IERC1155_TOKENRECEIVER_SINGLE_SELECTOR,
    timelock_controller.IERC1155_TOKENRECEIVER_BATCH_SELECTOR,
    timelock_controller.get_timestamp,
    timelock_controller.get_minimum_delay,
)


# @notice Most calls in one batch operation (the governor's MAX_ACTIONS).
MAX_BATCH: public(constant(uint256)) = 8
# @notice Most calldata bytes of one call (the module's payload bound).
MAX_PAYLOAD: public(constant(uint256)) = 1_024


# @notice Upper bound on the initial minimum delay (a larger one would freeze
#         the DAO for too long to be a sensible deployment).
MAX_INITIAL_DELAY: public(constant(uint256)) = 30 * 86_400


@deploy
@payable
def __init__(
    minimum_delay_: uint256,
    proposers_: DynArray[address, 8],
    executors_: DynArray[address, 8],
    admin_: address,
):
    """
    @notice Deploys the FameEngine timelock.
    @dev The timelock administers itself; `admin_` (the deployer during the
         bootstrap, or the zero address) additionally gets
         DEFAULT_ADMIN_ROLE and must renounce it once the governor holds
         its roles. Proposers also become cancellers.
    @param minimum_delay_ The minimum delay in seconds for scheduled
           operations (at most MAX_INITIAL_DELAY).
    @param proposers_ Accounts granted PROPOSER_ROLE and CANCELLER_ROLE
           (the governor, or none if it is granted during the bootstrap).
    @param executors_ Accounts granted EXECUTOR_ROLE (the governor, or none
           if it is granted during the bootstrap; the zero address would
           open execution to anyone, which FameEngine does not use).
    @param admin_ Optional temporary administrator (zero address: none).
    """
    assert minimum_delay_ <= MAX_INITIAL_DELAY, "timelock: delay too long"
    access_control.__init__()
    timelock_controller.__init__(minimum_delay_, proposers_, executors_, admin_)


@external
@pure
def hash_operation_batch(
    targets: DynArray[address, MAX_BATCH],
    amounts: DynArray[uint256, MAX_BATCH],
    payloads: DynArray[Bytes[MAX_PAYLOAD], MAX_BATCH],
    predecessor: bytes32,
    salt: bytes32,
) -> bytes32:
    """
    @notice Returns the identifier of a batch operation:
            keccak256(abi.encode(targets, amounts, payloads, predecessor,
            salt)), exactly as snekmate's `hash_operation_batch`.
    @param targets The contracts to call (at most MAX_BATCH).
    @param amounts The wei sent with each call.
    @param payloads The calldata of each call (at most MAX_PAYLOAD bytes).
    @param predecessor The operation that must be done first (or zero).
    @param salt The operation's salt.
    @return The operation identifier.
    """
    return self._hash_batch(targets, amounts, payloads, predecessor, salt)


@external
def schedule_batch(
    targets: DynArray[address, MAX_BATCH],
    amounts: DynArray[uint256, MAX_BATCH],
    payloads: DynArray[Bytes[MAX_PAYLOAD], MAX_BATCH],
    predecessor: bytes32,
    salt: bytes32,
    delay: uint256,
):
    """
    @notice PROPOSER_ROLE only: schedules a batch of calls that becomes
            executable after `delay` seconds.
    @dev Emits one CallScheduled per call and CallSalt if `salt` is
         non-zero. Reverts "access_control: account is missing role",
         "timelock_controller: length mismatch", "timelock_controller:
         operation already scheduled", "timelock_controller: insufficient
         delay"; more than MAX_BATCH calls do not decode.
    @param targets The contracts to call.
    @param amounts The wei sent with each call.
    @param payloads The calldata of each call.
    @param predecessor The operation that must be done first (or zero).
    @param salt The operation's salt.
    @param delay Seconds until it is ready (at least the minimum delay).
    """
    access_control._check_role(timelock_controller.PROPOSER_ROLE, msg.sender)
    assert len(targets) == len(amounts) and len(targets) == len(payloads), "timelock_controller: length mismatch"
    id: bytes32 = self._hash_batch(targets, amounts, payloads, predecessor, salt)
    timelock_controller._schedule(id, delay)
    for i: uint256 in range(len(targets), bound=MAX_BATCH):
        log timelock_controller.CallScheduled(
            id=id, index=i, target=targets[i], amount=amounts[i], payload=payloads[i], predecessor=predecessor, delay=delay
        )
    if salt != empty(bytes32):
        log timelock_controller.CallSalt(id=id, salt=salt)


@external
@payable
def execute_batch(
    targets: DynArray[address, MAX_BATCH],
    amounts: DynArray[uint256, MAX_BATCH],
    payloads: DynArray[Bytes[MAX_PAYLOAD], MAX_BATCH],
    predecessor: bytes32,
    salt: bytes32,
):
    """
    @notice EXECUTOR_ROLE only: executes a ready batch operation, call by
            call, and marks it done.
    @dev Emits one CallExecuted per call. Reverts "access_control: account
         is missing role", "timelock_controller: length mismatch",
         "timelock_controller: operation is not ready",
         "timelock_controller: missing dependency", and bubbles up a
         failing call's revert reason. Reentrancy is harmless for the
         reason snekmate gives: the operation must still be ready after the
         calls, so one executed inside another fails.
    @param targets The contracts to call.
    @param amounts The wei sent with each call.
    @param payloads The calldata of each call.
    @param predecessor The operation that must be done first (or zero).
    @param salt The operation's salt.
    """
    timelock_controller._only_role_or_open_role(timelock_controller.EXECUTOR_ROLE)
    assert len(targets) == len(amounts) and len(targets) == len(payloads), "timelock_controller: length mismatch"
    id: bytes32 = self._hash_batch(targets, amounts, payloads, predecessor, salt)
    timelock_controller._before_call(id, predecessor)
    for i: uint256 in range(len(targets), bound=MAX_BATCH):
        timelock_controller._execute(targets[i], amounts[i], payloads[i])
        log timelock_controller.CallExecuted(id=id, index=i, target=targets[i], amount=amounts[i], payload=payloads[i])
    timelock_controller._after_call(id)


@internal
@pure
def _hash_batch(
    targets: DynArray[address, MAX_BATCH],
    amounts: DynArray[uint256, MAX_BATCH],
    payloads: DynArray[Bytes[MAX_PAYLOAD], MAX_BATCH],
    predecessor: bytes32,
    salt: bytes32,
) -> bytes32:
    return keccak256(abi_encode(targets, amounts, payloads, predecessor, salt))
