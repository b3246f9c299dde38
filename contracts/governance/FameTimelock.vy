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


# @dev The whole timelock surface, unchanged: hash_operation(_batch),
# schedule(_batch), cancel, execute(_batch), update_delay, the operation
# views, role management, ERC-165 and the ERC-721/1155 receivers, and the
# ETH-receiving `__default__`.
exports: timelock_controller.__interface__


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
