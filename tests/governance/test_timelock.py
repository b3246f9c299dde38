"""FameTimelock: deployment, the bootstrap procedure, and who may do what afterwards."""

import ape
from gov_helpers import (
    ADMIN_ROLE,
    CANCELLER_ROLE,
    E18,
    EXECUTOR_ROLE,
    PROPOSER_ROLE,
    QUORUM_NUMERATOR,
    THRESHOLD,
    TIMELOCK_DELAY,
    VOTING_DELAY,
    VOTING_PERIOD,
    ZERO,
    encode_call,
    events,
    mine_to,
    now,
)

NO_SALT = b"\x00" * 32


def test_after_bootstrap(timelock, governor, deployer, alice):
    assert timelock.get_minimum_delay() == TIMELOCK_DELAY
    for role in (PROPOSER_ROLE, CANCELLER_ROLE, EXECUTOR_ROLE):
        assert timelock.hasRole(role, governor)
        assert not timelock.hasRole(role, deployer)
        assert not timelock.hasRole(role, ZERO)  # execution is not open to anyone
    assert timelock.hasRole(ADMIN_ROLE, timelock)
    assert not timelock.hasRole(ADMIN_ROLE, deployer)
    assert not timelock.hasRole(ADMIN_ROLE, governor)
    assert timelock.PROPOSER_ROLE() == PROPOSER_ROLE
    assert timelock.EXECUTOR_ROLE() == EXECUTOR_ROLE
    assert timelock.CANCELLER_ROLE() == CANCELLER_ROLE
    assert timelock.MAX_INITIAL_DELAY() == 30 * 86_400


def test_deployment_with_roles(project, deployer, alice, bob):
    tl = project.FameTimelock.deploy(3_600, [alice], [bob], ZERO, sender=deployer)
    assert tl.get_minimum_delay() == 3_600
    assert tl.hasRole(PROPOSER_ROLE, alice) and tl.hasRole(CANCELLER_ROLE, alice)
    assert tl.hasRole(EXECUTOR_ROLE, bob) and not tl.hasRole(PROPOSER_ROLE, bob)
    assert not tl.hasRole(ADMIN_ROLE, deployer)  # no admin given: self-administered only
    assert tl.hasRole(ADMIN_ROLE, tl)


def test_deployment_delay_bound(project, deployer):
    with ape.reverts("timelock: delay too long"):
        project.FameTimelock.deploy(30 * 86_400 + 1, [], [], deployer, sender=deployer)
    project.FameTimelock.deploy(30 * 86_400, [], [], deployer, sender=deployer)


def test_nobody_but_the_governor_schedules_or_executes(timelock, deployer, alice, fmc):
    payload = encode_call(fmc, "balanceOf", alice)
    for sender in (deployer, alice):
        with ape.reverts("access_control: account is missing role"):
            timelock.schedule(fmc, 0, payload, NO_SALT, NO_SALT, TIMELOCK_DELAY, sender=sender)
        with ape.reverts("access_control: account is missing role"):
            timelock.schedule_batch([fmc], [0], [payload], NO_SALT, NO_SALT, TIMELOCK_DELAY, sender=sender)
        with ape.reverts("access_control: account is missing role"):
            timelock.execute(fmc, 0, payload, NO_SALT, NO_SALT, sender=sender)
        with ape.reverts("access_control: account is missing role"):
            timelock.cancel(NO_SALT, sender=sender)
        with ape.reverts("access_control: account is missing role"):
            timelock.grantRole(PROPOSER_ROLE, sender, sender=sender)
    with ape.reverts("timelock_controller: caller must be timelock"):
        timelock.update_delay(0, sender=deployer)


def test_dao_manages_roles_through_proposals(timelock, governor, gov, alice, carol):
    """Role changes go through the timelock itself: the DAO grants carol a canceller seat."""
    gov.run([(timelock, 0, encode_call(timelock, "grantRole", CANCELLER_ROLE, carol))], alice)
    assert timelock.hasRole(CANCELLER_ROLE, carol)
    gov.run([(timelock, 0, encode_call(timelock, "revokeRole", CANCELLER_ROLE, carol))], alice)
    assert not timelock.hasRole(CANCELLER_ROLE, carol)


def test_holds_and_receives_assets(timelock, fmc, alice):
    alice.transfer(timelock, E18)
    assert timelock.balance == E18
    fmc.transfer(timelock, 10 * E18, sender=alice)
    assert fmc.balanceOf(timelock) == 10 * E18
    assert timelock.onERC721Received.call(alice, alice, 1, b"") == bytes.fromhex("150b7a02")
    assert timelock.onERC1155Received.call(alice, alice, 1, 1, b"") == bytes.fromhex("f23a6e61")
    assert timelock.supportsInterface(bytes.fromhex("01ffc9a7"))
    assert timelock.supportsInterface(bytes.fromhex("7965db0b"))
    assert not timelock.supportsInterface(bytes.fromhex("ffffffff"))


def test_dao_spends_its_fmc(timelock, fmc, gov, alice, erin):
    fmc.transfer(timelock, 10 * E18, sender=alice)
    gov.run([(fmc, 0, encode_call(fmc, "transfer", erin, 4 * E18))], alice)
    assert fmc.balanceOf(erin) == 4 * E18 and fmc.balanceOf(timelock) == 6 * E18


def test_full_bootstrap_with_ownership_handover(project, deployer, fmc, registry, alice, bob):
    """The documented bootstrap, including the step for contracts with two-step
    ownership that the timelock must accept (here: the PersonaRegistry):
    deploy with delay 0 and the deployer as admin, let the deployer schedule and
    execute the `accept_ownership` calls and the final `update_delay` at once,
    hand the roles to the governor, and leave."""
    tl = project.FameTimelock.deploy(0, [], [], deployer, sender=deployer)
    gv = project.FameGovernor.deploy(fmc, tl, VOTING_DELAY, VOTING_PERIOD, THRESHOLD, QUORUM_NUMERATOR, sender=deployer)
    reg = project.PersonaRegistry.deploy(deployer, sender=deployer)
    reg.transfer_ownership(tl, sender=deployer)
    assert reg.pending_owner() == tl.address

    tl.grantRole(PROPOSER_ROLE, deployer, sender=deployer)
    tl.grantRole(EXECUTOR_ROLE, deployer, sender=deployer)
    targets = [reg.address, tl.address]
    payloads = [encode_call(reg, "accept_ownership"), encode_call(tl, "update_delay", TIMELOCK_DELAY)]
    tl.schedule_batch(targets, [0, 0], payloads, NO_SALT, NO_SALT, 0, sender=deployer)
    tl.execute_batch(targets, [0, 0], payloads, NO_SALT, NO_SALT, sender=deployer)
    assert reg.owner() == tl.address
    assert tl.get_minimum_delay() == TIMELOCK_DELAY

    for role in (PROPOSER_ROLE, CANCELLER_ROLE, EXECUTOR_ROLE):
        tl.grantRole(role, gv, sender=deployer)
    tl.revokeRole(PROPOSER_ROLE, deployer, sender=deployer)
    tl.revokeRole(EXECUTOR_ROLE, deployer, sender=deployer)
    receipt = tl.renounceRole(ADMIN_ROLE, deployer, sender=deployer)
    assert [log.account for log in events(receipt, tl.RoleRevoked)] == [deployer.address]

    for role in (ADMIN_ROLE, PROPOSER_ROLE, CANCELLER_ROLE, EXECUTOR_ROLE):
        assert not tl.hasRole(role, deployer)
    with ape.reverts("access_control: account is missing role"):
        tl.grantRole(PROPOSER_ROLE, deployer, sender=deployer)
    with ape.reverts("access_control: account is missing role"):
        tl.schedule(reg, 0, b"", NO_SALT, NO_SALT, TIMELOCK_DELAY, sender=deployer)
    # the registry is now the DAO's
    with ape.reverts("ownable: caller is not the owner"):
        reg.set_registrar(alice, sender=deployer)


def test_governor_op_cannot_bypass_the_delay(timelock, governor, gov, fmc, alice):
    """The batch queued by the governor is the timelock's: not executable before the ETA."""
    p = gov.propose([(fmc, 0, encode_call(fmc, "balanceOf", alice))], alice)
    gov.to_active(p)
    governor.castVote(p.pid, 1, sender=alice)
    gov.to_end(p)
    gov.queue(p, sender=alice)
    eta = governor.proposalEta(p.pid)
    assert eta == now() + TIMELOCK_DELAY
    mine_to(eta - 10)
    with ape.reverts("governor: proposal not ready"):
        gov.execute(p, sender=alice)


def test_batch_entry_points_are_bounded_and_keep_snekmates_semantics(project, deployer, fmc, alice, bob):
    """schedule_batch / execute_batch / hash_operation_batch are FameTimelock's own (bounded to
    MAX_BATCH calls, so a batch pays for 8 calls' memory, not 255): same id as snekmate's
    keccak256(abi.encode(...)), same events, same checks; 9 calls do not decode."""
    from eth_abi import encode as abi_encode
    from eth_utils import keccak

    tl = project.FameTimelock.deploy(0, [deployer], [deployer], ZERO, sender=deployer)
    fmc.transfer(tl, 8 * E18, sender=deployer)
    assert tl.MAX_BATCH() == 8 and tl.MAX_PAYLOAD() == 1_024
    targets = [fmc.address] * 8
    payloads = [encode_call(fmc, "transfer", (alice, bob)[i % 2], E18) for i in range(8)]
    salt = b"\x11" * 32
    expected = keccak(
        abi_encode(
            ["address[]", "uint256[]", "bytes[]", "bytes32", "bytes32"], [targets, [0] * 8, payloads, NO_SALT, salt]
        )
    )
    assert tl.hash_operation_batch(targets, [0] * 8, payloads, NO_SALT, salt) == expected

    with ape.reverts("timelock_controller: length mismatch"):
        tl.schedule_batch(targets, [0] * 7, payloads, NO_SALT, salt, 0, sender=deployer)
    with ape.reverts("access_control: account is missing role"):
        tl.schedule_batch(targets, [0] * 8, payloads, NO_SALT, salt, 0, sender=alice)
    with ape.reverts():  # a ninth call exceeds the bound: the calldata does not decode
        tl.schedule_batch(targets + [fmc.address], [0] * 9, payloads + [payloads[0]], NO_SALT, salt, 0, sender=deployer)

    receipt = tl.schedule_batch(targets, [0] * 8, payloads, NO_SALT, salt, 0, sender=deployer)
    scheduled = events(receipt, tl.CallScheduled)
    assert [log.index for log in scheduled] == list(range(8))
    assert all(log.id == expected and log.target == fmc.address for log in scheduled)
    assert [log.salt for log in events(receipt, tl.CallSalt)] == [salt]
    assert tl.is_operation_ready(expected)

    with ape.reverts("access_control: account is missing role"):
        tl.execute_batch(targets, [0] * 8, payloads, NO_SALT, salt, sender=alice)
    before = fmc.balanceOf(alice), fmc.balanceOf(bob)
    receipt = tl.execute_batch(targets, [0] * 8, payloads, NO_SALT, salt, sender=deployer)
    assert [log.index for log in events(receipt, tl.CallExecuted)] == list(range(8))
    assert (fmc.balanceOf(alice), fmc.balanceOf(bob)) == (before[0] + 4 * E18, before[1] + 4 * E18)
    assert fmc.balanceOf(tl) == 0
    assert tl.is_operation_done(expected)
    with ape.reverts("timelock_controller: operation is not ready"):
        tl.execute_batch(targets, [0] * 8, payloads, NO_SALT, salt, sender=deployer)
