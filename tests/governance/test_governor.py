"""Unit tests of FameGovernor: every external function and revert path.

Time is driven explicitly: `mine_to(t)` makes views see clock() == t, and
`set_next(t)` makes the next transaction run at block.timestamp == t.
"""

import ape
import pytest
from ape import chain
from eth_utils import keccak
from gov_helpers import (
    ABSTAIN,
    ACTIVE,
    AGAINST,
    CANCELED,
    DEFEATED,
    E18,
    EXECUTED,
    EXPIRED,
    FOR,
    GRACE_PERIOD,
    PENDING,
    QUEUED,
    QUORUM_NUMERATOR,
    SUCCEEDED,
    SUPPLY,
    THRESHOLD,
    TIMELOCK_DELAY,
    VOTING_DELAY,
    VOTING_PERIOD,
    ZERO,
    delegate,
    encode_call,
    events,
    in_one_block,
    mine_to,
    now,
    proposal_id,
    set_next,
    sign_ballot,
    timelock_salt,
    warp,
)


def noop_action(fmc, who):
    """A harmless action: the timelock reads a balance."""
    return (fmc, 0, encode_call(fmc, "balanceOf", who))


# ------------------------------------------------------------------ deployment


def test_deployment_parameters(governor, launchpad, fmc, timelock, deployer):
    assert governor.token() == fmc.address
    assert governor.timelock() == timelock.address
    assert governor.votingDelay() == VOTING_DELAY
    assert governor.votingPeriod() == VOTING_PERIOD
    assert governor.proposalThreshold() == THRESHOLD
    assert governor.quorumNumerator() == QUORUM_NUMERATOR
    assert governor.quorumDenominator() == 10_000
    assert governor.name() == "FameEngine Governor"
    assert governor.version() == "1"
    assert governor.COUNTING_MODE() == "support=bravo&quorum=for,abstain"
    assert governor.CLOCK_MODE() == "mode=timestamp"
    assert governor.clock() == now() == fmc.clock()
    assert governor.launchpad() == launchpad.address
    assert governor.bootstrapper() == ZERO  # used by the bootstrap
    assert governor.GRACE_PERIOD() == GRACE_PERIOD
    assert governor.MAX_ACTIONS() == 8
    assert governor.MAX_CALLDATA() == 1024
    assert governor.BALLOT_TYPEHASH() == keccak(
        text="Ballot(uint256 proposalId,uint8 support,address voter,uint256 nonce)"
    )
    domain = governor.eip712Domain()
    assert domain[1] == "FameEngine Governor" and domain[2] == "1"
    assert domain[3] == chain.chain_id and domain[4] == governor.address


@pytest.mark.parametrize(
    "delay,period,threshold,numerator,reason",
    [
        (30 * 86_400 + 1, VOTING_PERIOD, THRESHOLD, 400, "governor: voting delay out of bounds"),
        (VOTING_DELAY, 3_599, THRESHOLD, 400, "governor: voting period out of bounds"),
        (VOTING_DELAY, 60 * 86_400 + 1, THRESHOLD, 400, "governor: voting period out of bounds"),
        (VOTING_DELAY, VOTING_PERIOD, 10_000_000 * E18 + 1, 400, "governor: proposal threshold out of bounds"),
        (VOTING_DELAY, VOTING_PERIOD, THRESHOLD, 0, "governor: quorum numerator out of bounds"),
        (VOTING_DELAY, VOTING_PERIOD, THRESHOLD, 5_001, "governor: quorum numerator out of bounds"),
    ],
)
def test_deployment_bounds(project, deployer, fmc, timelock, delay, period, threshold, numerator, reason):
    with ape.reverts(reason):
        project.FameGovernor.deploy(fmc, timelock, delay, period, threshold, numerator, sender=deployer)


def test_deployment_refuses_a_block_number_clock(project, deployer, timelock):
    from pathlib import Path

    from ape import compilers

    source = (Path(__file__).parent / "mocks" / "BlockClockToken.vy").read_text()
    token = compilers.compile_source("vyper", source, contractName="BlockClockToken").deploy(sender=deployer)
    with ape.reverts("governor: token clock is not timestamp"):
        project.FameGovernor.deploy(token, timelock, 1, 3_600, 0, 400, sender=deployer)


def test_deployment_extreme_bounds_accepted(project, deployer, fmc, timelock):
    g = project.FameGovernor.deploy(fmc, timelock, 0, 3_600, 0, 1, sender=deployer)
    assert g.votingDelay() == 0 and g.quorumNumerator() == 1
    g = project.FameGovernor.deploy(fmc, timelock, 30 * 86_400, 60 * 86_400, 10_000_000 * E18, 5_000, sender=deployer)
    assert g.votingPeriod() == 60 * 86_400 and g.quorumNumerator() == 5_000


def test_deployment_zero_addresses(project, deployer, fmc, timelock):
    with ape.reverts("governor: zero token"):
        project.FameGovernor.deploy(ZERO, timelock, 1, 3_600, 0, 400, sender=deployer)
    with ape.reverts("governor: zero timelock"):
        project.FameGovernor.deploy(fmc, ZERO, 1, 3_600, 0, 400, sender=deployer)


# ------------------------------------------------------------------ propose


def test_propose_records_the_proposal(governor, fmc, gov, alice):
    action = noop_action(fmc, alice)
    description = "FameEngine: a first proposal"
    set_next(now() + 10)
    receipt = governor.propose([fmc.address], [0], [action[2]], description, sender=alice)
    t = receipt.timestamp
    pid = proposal_id([fmc.address], [0], [action[2]], description)
    assert receipt.return_value == pid
    assert governor.hashProposal([fmc.address], [0], [action[2]], keccak(text=description)) == pid
    assert governor.proposalSnapshot(pid) == t + VOTING_DELAY
    assert governor.proposalDeadline(pid) == t + VOTING_DELAY + VOTING_PERIOD
    assert governor.proposalProposer(pid) == alice.address
    assert governor.proposalEta(pid) == 0
    assert governor.proposalNeedsQueuing(pid)
    assert governor.state(pid) == PENDING
    assert governor.proposalVotes(pid) == (0, 0, 0)
    [log] = events(receipt, governor.ProposalCreated)
    assert log.proposalId == pid
    assert log.proposer == alice.address
    assert log.targets == [fmc.address]
    assert log.values == [0]
    assert log.signatures == [""]
    assert [bytes(c) for c in log.calldatas] == [action[2]]
    assert log.voteStart == t + VOTING_DELAY
    assert log.voteEnd == t + VOTING_DELAY + VOTING_PERIOD
    assert log.description == description


def test_propose_many_actions(governor, fmc, gov, alice, bob):
    actions = [noop_action(fmc, alice)] * 7 + [(bob, 0, b"")]
    p = gov.propose(actions, alice)
    assert governor.state(p.pid) == PENDING
    with ape.reverts():  # a ninth action does not fit the ABI bound
        gov.propose(actions + [noop_action(fmc, bob)], alice)


def test_propose_reverts(governor, fmc, alice, dave, erin):
    cd = encode_call(fmc, "balanceOf", alice)
    with ape.reverts("governor: invalid proposal length"):
        governor.propose([fmc.address], [0, 0], [cd], "x", sender=alice)
    with ape.reverts("governor: invalid proposal length"):
        governor.propose([fmc.address], [0], [cd, cd], "x", sender=alice)
    with ape.reverts("governor: empty proposal"):
        governor.propose([], [], [], "x", sender=alice)
    # dave holds 5M FMC but never delegated: no votes; erin holds nothing.
    with ape.reverts("governor: proposer votes below threshold"):
        governor.propose([fmc.address], [0], [cd], "x", sender=dave)
    with ape.reverts("governor: proposer votes below threshold"):
        governor.propose([fmc.address], [0], [cd], "x", sender=erin)
    governor.propose([fmc.address], [0], [cd], "x", sender=alice)
    with ape.reverts("governor: proposal already exists"):
        governor.propose([fmc.address], [0], [cd], "x", sender=alice)
    # the same actions with another description are another proposal
    governor.propose([fmc.address], [0], [cd], "y", sender=alice)


def test_threshold_is_checked_at_clock_minus_one(governor, fmc, alice, erin):
    """Votes received in the very block of the proposal do not count (clock()-1)."""
    cd = encode_call(fmc, "balanceOf", alice)
    statuses = in_one_block(
        (fmc, "transfer", (erin, THRESHOLD), alice),
        (fmc, "delegate", (erin,), erin),
        (governor, "propose", ([fmc.address], [0], [cd], "same block"), erin),
    )
    assert statuses == [1, 1, 0]
    assert fmc.getVotes(erin) == THRESHOLD
    warp(1)
    governor.propose([fmc.address], [0], [cd], "next block", sender=erin)


def test_threshold_exactly_met(governor, fmc, alice, erin):
    cd = encode_call(fmc, "balanceOf", alice)
    fmc.transfer(erin, THRESHOLD - 1, sender=alice)
    delegate(fmc, erin, erin)
    warp(1)
    with ape.reverts("governor: proposer votes below threshold"):
        governor.propose([fmc.address], [0], [cd], "x", sender=erin)
    fmc.transfer(erin, 1, sender=alice)
    warp(1)
    governor.propose([fmc.address], [0], [cd], "x", sender=erin)


def test_propose_cannot_call_launch_of_the_launchpad(governor, launchpad, alice):
    cd = encode_call(launchpad, "launch", 1)
    with ape.reverts("governor: launch only through the launchpad"):
        governor.propose([launchpad.address], [0], [cd], "sneaky launch", sender=alice)
    # other launchpad calls are fine
    cd = encode_call(launchpad, "set_max_creator_allocation_bps", 100)
    governor.propose([launchpad.address], [0], [cd], "lp parameter", sender=alice)


def test_relay_propose_only_launchpad(governor, launchpad, fmc, alice, deployer):
    cd = encode_call(fmc, "balanceOf", alice)
    with ape.reverts("governor: caller is not the launchpad"):
        governor.relay_propose(alice, [fmc.address], [0], [cd], "x", sender=alice)
    with ape.reverts("governor: caller is not the launchpad"):
        governor.relay_propose(alice, [fmc.address], [0], [cd], "x", sender=deployer)


def test_relay_propose_without_launchpad(fresh_governor, fmc, alice):
    """No launchpad set: nobody (not even the zero address) can relay."""
    governor = fresh_governor
    assert governor.launchpad() == ZERO
    cd = encode_call(fmc, "balanceOf", alice)
    with ape.reverts("governor: caller is not the launchpad"):
        governor.relay_propose(alice, [fmc.address], [0], [cd], "x", sender=alice)


def test_relay_propose_records_the_proposer(governor, accounts, fmc, alice, erin, as_timelock):
    """Relaying from a launchpad account: the threshold and the proposer are the relayed account's."""
    relayer = accounts[7]
    governor.set_launchpad(relayer, sender=as_timelock)
    cd = encode_call(fmc, "balanceOf", alice)
    with ape.reverts("governor: proposer votes below threshold"):
        governor.relay_propose(erin, [fmc.address], [0], [cd], "x", sender=relayer)
    with ape.reverts("governor: zero proposer"):
        governor.relay_propose(ZERO, [fmc.address], [0], [cd], "x", sender=relayer)
    receipt = governor.relay_propose(alice, [fmc.address], [0], [cd], "x", sender=relayer)
    pid = proposal_id([fmc.address], [0], [cd], "x")
    assert receipt.return_value == pid
    assert governor.proposalProposer(pid) == alice.address
    assert events(receipt, governor.ProposalCreated)[0].proposer == alice.address


# ------------------------------------------------------------------ states and votes


def test_state_boundaries(governor, fmc, gov, alice):
    p = gov.propose([noop_action(fmc, alice)], alice)
    snapshot, deadline = governor.proposalSnapshot(p.pid), governor.proposalDeadline(p.pid)
    mine_to(snapshot)
    assert governor.state(p.pid) == PENDING
    mine_to(snapshot + 1)
    assert governor.state(p.pid) == ACTIVE
    mine_to(deadline)
    assert governor.state(p.pid) == ACTIVE
    mine_to(deadline + 1)
    assert governor.state(p.pid) == DEFEATED  # nobody voted


def test_unknown_proposal(governor, alice):
    with ape.reverts("governor: unknown proposal"):
        governor.state(12345)
    with ape.reverts("governor: unknown proposal"):
        governor.castVote(12345, FOR, sender=alice)


def test_vote_window(governor, fmc, gov, alice, bob, carol):
    p = gov.propose([noop_action(fmc, alice)], alice)
    snapshot, deadline = governor.proposalSnapshot(p.pid), governor.proposalDeadline(p.pid)
    set_next(snapshot)
    with ape.reverts("governor: vote not currently active"):
        governor.castVote(p.pid, FOR, sender=alice)
    set_next(snapshot + 1)
    governor.castVote(p.pid, FOR, sender=alice)
    set_next(deadline)
    governor.castVote(p.pid, AGAINST, sender=bob)  # last second still counts
    set_next(deadline + 1)
    with ape.reverts("governor: vote not currently active"):
        governor.castVote(p.pid, FOR, sender=carol)
    assert governor.proposalVotes(p.pid) == (30_000_000 * E18, 40_000_000 * E18, 0)
    assert governor.state(p.pid) == SUCCEEDED


def test_cast_vote_weights_and_events(governor, fmc, gov, alice, bob, carol, dave):
    p = gov.propose([noop_action(fmc, alice)], alice)
    gov.to_active(p)
    r1 = governor.castVote(p.pid, FOR, sender=alice)
    r2 = governor.castVoteWithReason(p.pid, AGAINST, "FameEngine needs a better plan", sender=bob)
    r3 = governor.castVote(p.pid, ABSTAIN, sender=carol)
    r4 = governor.castVote(p.pid, FOR, sender=dave)  # no delegated votes: weight 0, still recorded
    snapshot = governor.proposalSnapshot(p.pid)
    for receipt, voter, support, reason in (
        (r1, alice, FOR, ""),
        (r2, bob, AGAINST, "FameEngine needs a better plan"),
        (r3, carol, ABSTAIN, ""),
        (r4, dave, FOR, ""),
    ):
        weight = fmc.getPastVotes(voter, snapshot)
        assert receipt.return_value == weight
        assert governor.getVotes(voter, snapshot) == weight
        [log] = events(receipt, governor.VoteCast)
        assert (log.voter, log.proposalId, log.support, log.weight, log.reason) == (
            voter.address,
            p.pid,
            support,
            weight,
            reason,
        )
        assert governor.hasVoted(p.pid, voter)
    assert r4.return_value == 0
    assert governor.proposalVotes(p.pid) == (30_000_000 * E18, 40_000_000 * E18, 20_000_000 * E18)


def test_vote_reverts(governor, fmc, gov, alice):
    p = gov.propose([noop_action(fmc, alice)], alice)
    with ape.reverts("governor: vote not currently active"):
        governor.castVote(p.pid, FOR, sender=alice)
    gov.to_active(p)
    with ape.reverts("governor: invalid vote type"):
        governor.castVote(p.pid, 3, sender=alice)
    governor.castVote(p.pid, FOR, sender=alice)
    with ape.reverts("governor: vote already cast"):
        governor.castVote(p.pid, AGAINST, sender=alice)
    with ape.reverts("governor: vote already cast"):
        governor.castVoteWithReason(p.pid, FOR, "again", sender=alice)


def test_votes_acquired_after_the_snapshot_give_nothing(governor, fmc, gov, alice, carol, erin):
    p = gov.propose([noop_action(fmc, alice)], alice)
    snapshot = governor.proposalSnapshot(p.pid)
    # carol moves everything to erin after the snapshot
    set_next(snapshot + 1)
    fmc.transfer(erin, fmc.balanceOf(carol), sender=carol)
    delegate(fmc, erin, erin)
    assert fmc.getVotes(erin) == 20_000_000 * E18 and fmc.getVotes(carol) == 0
    assert governor.castVote(p.pid, FOR, sender=erin).return_value == 0
    assert governor.castVote(p.pid, FOR, sender=carol).return_value == 20_000_000 * E18
    # re-delegation after the snapshot does not move weight either
    delegate(fmc, alice, erin)
    assert governor.castVote(p.pid, AGAINST, sender=alice).return_value == 40_000_000 * E18
    assert governor.proposalVotes(p.pid) == (40_000_000 * E18, 20_000_000 * E18, 0)


def test_votes_acquired_at_the_snapshot_count(governor, fmc, gov, alice, carol, erin):
    p = gov.propose([noop_action(fmc, alice)], alice)
    snapshot = governor.proposalSnapshot(p.pid)
    set_next(snapshot)
    statuses = in_one_block(  # both land exactly at the snapshot timepoint
        (fmc, "transfer", (erin, 1_000 * E18), carol),
        (fmc, "delegate", (erin,), erin),
    )
    assert statuses == [1, 1]
    set_next(snapshot + 1)
    assert governor.castVote(p.pid, FOR, sender=erin).return_value == 1_000 * E18
    assert governor.castVote(p.pid, FOR, sender=carol).return_value == 20_000_000 * E18 - 1_000 * E18


# ------------------------------------------------------------------ castVoteBySig


def test_cast_vote_by_sig(governor, fmc, gov, alice, bob, erin):
    p = gov.propose([noop_action(fmc, alice)], alice)
    gov.to_active(p)
    assert governor.nonces(bob) == 0
    sig = sign_ballot(governor, bob, p.pid, AGAINST, 0)
    receipt = governor.castVoteBySig(p.pid, AGAINST, bob, sig, sender=erin)  # anyone relays
    assert receipt.return_value == 30_000_000 * E18
    [log] = events(receipt, governor.VoteCast)
    assert log.voter == bob.address and log.support == AGAINST
    assert governor.hasVoted(p.pid, bob) and not governor.hasVoted(p.pid, erin)
    assert governor.nonces(bob) == 1
    assert governor.proposalVotes(p.pid) == (30_000_000 * E18, 0, 0)
    # replay: the nonce moved on, so the digest no longer matches
    with ape.reverts("governor: invalid signature"):
        governor.castVoteBySig(p.pid, AGAINST, bob, sig, sender=erin)


def test_cast_vote_by_sig_rejects_bad_signatures(governor, fmc, gov, alice, bob, erin):
    p = gov.propose([noop_action(fmc, alice)], alice)
    gov.to_active(p)
    good = sign_ballot(governor, alice, p.pid, FOR, 0)
    # claimed voter is not the signer
    with ape.reverts("governor: invalid signature"):
        governor.castVoteBySig(p.pid, FOR, bob, good, sender=erin)
    # another support than signed
    with ape.reverts("governor: invalid signature"):
        governor.castVoteBySig(p.pid, AGAINST, alice, good, sender=erin)
    # wrong nonce, wrong chain id, wrong verifying contract
    for sig in (
        sign_ballot(governor, alice, p.pid, FOR, 1),
        sign_ballot(governor, alice, p.pid, FOR, 0, chain_id=chain.chain_id + 1),
        sign_ballot(governor, alice, p.pid, FOR, 0, verifying=fmc.address),
    ):
        with ape.reverts("governor: invalid signature"):
            governor.castVoteBySig(p.pid, FOR, alice, sig, sender=erin)
    # garbage / truncated signatures
    with ape.reverts():
        governor.castVoteBySig(p.pid, FOR, alice, b"\x01" * 65, sender=erin)
    with ape.reverts():  # neither 65 bytes nor an EIP-2098 64-byte compact signature
        governor.castVoteBySig(p.pid, FOR, alice, good[:63], sender=erin)
    if good[64] == 28:  # r||s without v is the compact form of a v = 27 signature: another signer
        with ape.reverts():
            governor.castVoteBySig(p.pid, FOR, alice, good[:64], sender=erin)
    # the good one still works, once
    assert governor.castVoteBySig(p.pid, FOR, alice, good, sender=erin).return_value == 40_000_000 * E18


def test_cast_vote_by_sig_after_direct_vote(governor, fmc, gov, alice, erin):
    p = gov.propose([noop_action(fmc, alice)], alice)
    gov.to_active(p)
    sig = sign_ballot(governor, alice, p.pid, FOR, 0)
    governor.castVote(p.pid, FOR, sender=alice)
    with ape.reverts("governor: vote already cast"):
        governor.castVoteBySig(p.pid, FOR, alice, sig, sender=erin)
    # the failed attempt consumed nothing
    assert governor.nonces(alice) == 0


def test_cast_vote_by_sig_outside_active(governor, fmc, gov, alice, erin):
    p = gov.propose([noop_action(fmc, alice)], alice)
    sig = sign_ballot(governor, alice, p.pid, FOR, 0)
    with ape.reverts("governor: vote not currently active"):
        governor.castVoteBySig(p.pid, FOR, alice, sig, sender=erin)


# ------------------------------------------------------------------ counting and quorum


def test_quorum_value(governor, fmc, gov, alice):
    p = gov.propose([noop_action(fmc, alice)], alice)
    snapshot = governor.proposalSnapshot(p.pid)
    with ape.reverts("fmc: future lookup"):
        governor.quorum(snapshot)
    mine_to(snapshot + 1)
    assert governor.quorum(snapshot) == SUPPLY * QUORUM_NUMERATOR // 10_000
    assert governor.quorum_numerator_at(snapshot) == QUORUM_NUMERATOR


def _fund_voter(fmc, source, voter, amount):
    fmc.transfer(voter, amount, sender=source)
    delegate(fmc, voter, voter)
    warp(1)


def test_quorum_counts_for_and_abstain(governor, fmc, gov, alice, carol, erin, dave):
    quorum = SUPPLY * QUORUM_NUMERATOR // 10_000  # 4M
    _fund_voter(fmc, carol, erin, quorum // 2)
    _fund_voter(fmc, carol, dave, quorum // 2 - 1)  # dave: 5M undelegated + 2M-1 delegated -> all 7M-1 votes
    # For alone below quorum: Defeated
    p1 = gov.propose([noop_action(fmc, alice)], alice)
    # For + Abstain exactly the quorum: Succeeded
    p2 = gov.propose([noop_action(fmc, carol)], alice)
    gov.to_active(p2)  # p2 was proposed last
    governor.castVote(p1.pid, FOR, sender=erin)  # 2M
    governor.castVote(p2.pid, FOR, sender=erin)  # 2M
    dave_votes = fmc.getPastVotes(dave, governor.proposalSnapshot(p2.pid))
    assert dave_votes == 5_000_000 * E18 + quorum // 2 - 1
    gov.to_end(p1)
    assert governor.state(p1.pid) == DEFEATED
    # p2 with abstain: a fresh pair of proposals so that the exact-quorum case is checked
    p3 = gov.propose([noop_action(fmc, erin)], alice)
    p4 = gov.propose([noop_action(fmc, dave)], alice)
    gov.to_active(p4)
    governor.castVote(p3.pid, FOR, sender=erin)  # 2M For
    governor.castVote(p3.pid, ABSTAIN, sender=dave)  # 7M-1 abstain: quorum reached
    governor.castVote(p4.pid, FOR, sender=erin)
    governor.castVote(p4.pid, AGAINST, sender=dave)  # For < Against
    gov.to_end(p4)
    assert governor.state(p3.pid) == SUCCEEDED
    assert governor.state(p4.pid) == DEFEATED


def test_quorum_exact_boundary(governor, fmc, gov, alice, carol, erin):
    quorum = SUPPLY * QUORUM_NUMERATOR // 10_000
    _fund_voter(fmc, carol, erin, quorum - 1)
    p1 = gov.propose([noop_action(fmc, alice)], alice)
    gov.to_active(p1)
    governor.castVote(p1.pid, FOR, sender=erin)
    gov.to_end(p1)
    assert governor.state(p1.pid) == DEFEATED  # one wei short
    fmc.transfer(erin, 1, sender=carol)
    warp(1)
    p2 = gov.propose([noop_action(fmc, carol)], alice)
    gov.to_active(p2)
    governor.castVote(p2.pid, FOR, sender=erin)
    gov.to_end(p2)
    assert governor.state(p2.pid) == SUCCEEDED  # exactly the quorum


def test_tie_is_defeated(governor, fmc, gov, alice, carol, erin):
    _fund_voter(fmc, carol, erin, 10_000_000 * E18)  # carol keeps 10M, erin 10M
    p = gov.propose([noop_action(fmc, alice)], alice)
    gov.to_active(p)
    governor.castVote(p.pid, FOR, sender=erin)
    governor.castVote(p.pid, AGAINST, sender=carol)
    gov.to_end(p)
    assert governor.proposalVotes(p.pid) == (10_000_000 * E18, 10_000_000 * E18, 0)
    assert governor.state(p.pid) == DEFEATED


def test_lowering_the_quorum_does_not_revive_a_defeated_proposal(governor, fmc, gov, alice, carol, erin):
    _fund_voter(fmc, carol, erin, 1_000_000 * E18)  # 1M < 4M quorum
    weak = gov.propose([noop_action(fmc, erin)], alice)
    gov.to_active(weak)
    governor.castVote(weak.pid, FOR, sender=erin)
    gov.to_end(weak)
    assert governor.state(weak.pid) == DEFEATED
    old_snapshot = governor.proposalSnapshot(weak.pid)

    # governance lowers the quorum to the minimum (0.01 %)
    lower = gov.run([(governor, 0, encode_call(governor, "updateQuorumNumerator", 1))], alice)
    assert governor.quorumNumerator() == 1
    assert governor.quorum_numerator_at(old_snapshot) == QUORUM_NUMERATOR
    assert governor.quorum(old_snapshot) == SUPPLY * QUORUM_NUMERATOR // 10_000
    assert governor.state(weak.pid) == DEFEATED  # not revived
    with ape.reverts("governor: proposal not successful"):
        governor.queue(*weak.args, sender=erin)

    # a proposal made afterwards gets the new quorum
    again = gov.propose([noop_action(fmc, carol)], alice)
    gov.to_active(again)
    governor.castVote(again.pid, FOR, sender=erin)
    gov.to_end(again)
    assert governor.quorum(governor.proposalSnapshot(again.pid)) == SUPPLY * 1 // 10_000
    assert governor.state(again.pid) == SUCCEEDED
    assert governor.state(lower.pid) == EXECUTED


def test_raising_the_quorum_does_not_defeat_a_succeeded_proposal(governor, fmc, gov, alice, carol, erin):
    _fund_voter(fmc, carol, erin, 4_000_000 * E18)
    p = gov.propose([noop_action(fmc, erin)], alice)
    gov.to_active(p)
    governor.castVote(p.pid, FOR, sender=erin)
    gov.to_end(p)
    assert governor.state(p.pid) == SUCCEEDED
    gov.run([(governor, 0, encode_call(governor, "updateQuorumNumerator", 5_000))], alice, voters=[alice, carol])
    assert governor.state(p.pid) == SUCCEEDED


def test_quorum_numerator_history(governor, fmc, as_timelock):
    t0 = now()
    assert governor.quorum_numerator_at(0) == QUORUM_NUMERATOR  # before the first checkpoint
    set_next(t0 + 100)
    governor.updateQuorumNumerator(1_000, sender=as_timelock)
    set_next(t0 + 200)
    governor.updateQuorumNumerator(2_000, sender=as_timelock)
    set_next(t0 + 300)
    governor.updateQuorumNumerator(3_000, sender=as_timelock)
    warp(1)
    expected = {
        t0: QUORUM_NUMERATOR,
        t0 + 99: QUORUM_NUMERATOR,
        t0 + 100: 1_000,
        t0 + 150: 1_000,
        t0 + 199: 1_000,
        t0 + 200: 2_000,
        t0 + 299: 2_000,
        t0 + 300: 3_000,
        t0 + 10**6: 3_000,
    }
    for t, value in expected.items():
        assert governor.quorum_numerator_at(t) == value, t
    assert governor.quorumNumerator() == 3_000


def test_quorum_numerator_same_block_updates_overwrite(governor, as_timelock):
    statuses = in_one_block(
        (governor, "updateQuorumNumerator", (1_000,), as_timelock),
        (governor, "updateQuorumNumerator", (2_000,), as_timelock),
    )
    assert statuses == [1, 1]
    t = now()
    assert governor.quorum_numerator_at(t) == 2_000
    assert governor.quorum_numerator_at(t - 1) == QUORUM_NUMERATOR


# ------------------------------------------------------------------ queue / execute / expire


def test_queue_and_execute(governor, timelock, fmc, gov, alice, bob, erin):
    p = gov.propose([noop_action(fmc, alice)], alice)
    with ape.reverts("governor: proposal not successful"):
        governor.queue(*p.args, sender=erin)
    gov.to_active(p)
    governor.castVote(p.pid, FOR, sender=alice)
    with ape.reverts("governor: proposal not successful"):
        governor.queue(*p.args, sender=erin)
    with ape.reverts("governor: proposal not queued"):
        governor.execute(*p.args, sender=erin)
    gov.to_end(p)
    assert governor.state(p.pid) == SUCCEEDED
    with ape.reverts("governor: proposal not queued"):
        governor.execute(*p.args, sender=erin)

    receipt = governor.queue(*p.args, sender=erin)  # anyone queues
    eta = receipt.timestamp + TIMELOCK_DELAY
    assert receipt.return_value == p.pid
    assert governor.proposalEta(p.pid) == eta
    assert governor.state(p.pid) == QUEUED
    [log] = events(receipt, governor.ProposalQueued)
    assert (log.proposalId, log.etaSeconds) == (p.pid, eta)
    salt = timelock_salt(governor, p.dhash)
    op = timelock.hash_operation_batch(p.targets, p.values, p.calldatas, b"\x00" * 32, salt)
    assert timelock.is_operation_pending(op) and not timelock.is_operation_ready(op)
    assert timelock.get_timestamp(op) == eta
    with ape.reverts("governor: proposal not successful"):
        governor.queue(*p.args, sender=erin)

    set_next(eta - 1)
    with ape.reverts("governor: proposal not ready"):
        governor.execute(*p.args, sender=erin)
    set_next(eta)
    receipt = governor.execute(*p.args, sender=erin)  # anyone executes
    assert receipt.return_value == p.pid
    assert [log.proposalId for log in events(receipt, governor.ProposalExecuted)] == [p.pid]
    assert len(events(receipt, timelock.CallExecuted)) == 1
    assert governor.state(p.pid) == EXECUTED
    assert timelock.is_operation_done(op)
    with ape.reverts("governor: proposal not queued"):
        governor.execute(*p.args, sender=erin)
    with ape.reverts("governor: proposal not successful"):
        governor.queue(*p.args, sender=erin)


def test_expired_after_grace_period(governor, timelock, fmc, gov, alice, erin):
    p = gov.propose([noop_action(fmc, alice)], alice)
    gov.pass_and_queue(p)
    eta = governor.proposalEta(p.pid)
    mine_to(eta + GRACE_PERIOD - 1)
    assert governor.state(p.pid) == QUEUED
    mine_to(eta + GRACE_PERIOD)
    assert governor.state(p.pid) == EXPIRED
    with ape.reverts("governor: proposal not queued"):
        governor.execute(*p.args, sender=erin)
    # the timelock operation is still "ready" there, but only the governor may execute it
    salt = timelock_salt(governor, p.dhash)
    assert timelock.is_operation_ready(
        timelock.hash_operation_batch(p.targets, p.values, p.calldatas, b"\x00" * 32, salt)
    )
    with ape.reverts("access_control: account is missing role"):
        timelock.execute_batch(p.targets, p.values, p.calldatas, b"\x00" * 32, salt, sender=erin)


def test_execute_at_last_second_of_grace(governor, fmc, gov, alice, erin):
    p = gov.propose([noop_action(fmc, alice)], alice)
    gov.pass_and_queue(p)
    eta = governor.proposalEta(p.pid)
    set_next(eta + GRACE_PERIOD - 1)
    governor.execute(*p.args, sender=erin)
    assert governor.state(p.pid) == EXECUTED
    mine_to(eta + GRACE_PERIOD + 10)
    assert governor.state(p.pid) == EXECUTED  # never turns Expired


def test_execute_forwards_value_and_uses_timelock_funds(governor, timelock, fmc, gov, alice, erin):
    # the DAO pays 2 ETH from its own funds and 1 ETH sent along with `execute`
    erin.transfer(timelock, 2 * E18)
    p = gov.propose([(erin, 3 * E18, b"")], alice)
    gov.pass_and_queue(p)
    before = erin.balance
    receipt = governor.execute(*p.args, sender=alice, value=E18)
    assert erin.balance == before + 3 * E18
    assert timelock.balance == 0  # 2 ETH of its own + 1 ETH forwarded, all paid out
    assert receipt.return_value == p.pid


def test_execute_bubbles_up_a_failing_action(governor, launchpad, fmc, gov, alice):
    # the launchpad rejects an allocation above its cap: the whole proposal reverts
    bad = encode_call(launchpad, "set_max_creator_allocation_bps", 9_999)
    p = gov.propose([noop_action(fmc, alice), (launchpad, 0, bad)], alice)
    gov.pass_and_queue(p)
    with ape.reverts("launchpad: creator allocation above cap"):
        governor.execute(*p.args, sender=alice)
    assert governor.state(p.pid) == QUEUED  # nothing happened; it may expire


def test_batch_executes_in_order(governor, fmc, gov, alice):
    actions = [
        (governor, 0, encode_call(governor, "setVotingDelay", 7_200)),
        (governor, 0, encode_call(governor, "setVotingPeriod", 2 * 86_400)),
        (governor, 0, encode_call(governor, "setProposalThreshold", 500_000 * E18)),
        (governor, 0, encode_call(governor, "updateQuorumNumerator", 1_000)),
    ]
    p = gov.propose(actions, alice)
    gov.pass_and_queue(p)
    receipt = gov.execute(p, sender=alice)
    assert governor.votingDelay() == 7_200
    assert governor.votingPeriod() == 2 * 86_400
    assert governor.proposalThreshold() == 500_000 * E18
    assert governor.quorumNumerator() == 1_000
    [d] = events(receipt, governor.VotingDelaySet)
    assert (d.oldVotingDelay, d.newVotingDelay) == (VOTING_DELAY, 7_200)
    [v] = events(receipt, governor.VotingPeriodSet)
    assert (v.oldVotingPeriod, v.newVotingPeriod) == (VOTING_PERIOD, 2 * 86_400)
    [t] = events(receipt, governor.ProposalThresholdSet)
    assert (t.oldProposalThreshold, t.newProposalThreshold) == (THRESHOLD, 500_000 * E18)
    [q] = events(receipt, governor.QuorumNumeratorUpdated)
    assert (q.oldQuorumNumerator, q.newQuorumNumerator) == (QUORUM_NUMERATOR, 1_000)
    # new parameters apply to new proposals only
    new = gov.propose([noop_action(fmc, alice)], alice)
    t_new = chain.blocks.head.timestamp
    assert governor.proposalSnapshot(new.pid) == t_new + 7_200
    assert governor.proposalDeadline(new.pid) == t_new + 7_200 + 2 * 86_400
    assert governor.proposalDeadline(p.pid) - governor.proposalSnapshot(p.pid) == VOTING_PERIOD


def test_queue_uses_current_timelock_delay(governor, timelock, fmc, gov, alice):
    gov.run([(timelock, 0, encode_call(timelock, "update_delay", 3 * 86_400))], alice)
    assert timelock.get_minimum_delay() == 3 * 86_400
    p = gov.propose([noop_action(fmc, alice)], alice)
    gov.to_active(p)
    governor.castVote(p.pid, FOR, sender=alice)
    gov.to_end(p)
    receipt = governor.queue(*p.args, sender=alice)
    assert governor.proposalEta(p.pid) == receipt.timestamp + 3 * 86_400


def test_same_actions_new_description_after_expiry(governor, fmc, gov, alice, bob):
    """An expired batch leaves its timelock operation behind; the same calls can be proposed again."""
    actions = [noop_action(fmc, bob)]
    p1 = gov.propose(actions, alice, description="FameEngine: read bob")
    gov.pass_and_queue(p1)
    mine_to(governor.proposalEta(p1.pid) + GRACE_PERIOD)
    assert governor.state(p1.pid) == EXPIRED
    p2 = gov.propose(actions, alice, description="FameEngine: read bob, again")
    gov.pass_and_queue(p2)
    gov.execute(p2, sender=alice)
    assert governor.state(p2.pid) == EXECUTED


# ------------------------------------------------------------------ cancel


def test_cancel_by_proposer_while_pending(governor, fmc, gov, alice, bob):
    p = gov.propose([noop_action(fmc, alice)], alice)
    with ape.reverts("governor: caller is not the proposer"):
        governor.cancel(*p.args, sender=bob)
    receipt = governor.cancel(*p.args, sender=alice)
    assert receipt.return_value == p.pid
    assert [log.proposalId for log in events(receipt, governor.ProposalCanceled)] == [p.pid]
    assert governor.state(p.pid) == CANCELED
    with ape.reverts("governor: proposal not pending"):
        governor.cancel(*p.args, sender=alice)
    gov.to_active(p)
    assert governor.state(p.pid) == CANCELED
    with ape.reverts("governor: vote not currently active"):
        governor.castVote(p.pid, FOR, sender=alice)
    gov.to_end(p)
    assert governor.state(p.pid) == CANCELED
    with ape.reverts("governor: proposal not successful"):
        governor.queue(*p.args, sender=alice)


def test_cancel_too_late(governor, fmc, gov, alice):
    p = gov.propose([noop_action(fmc, alice)], alice)
    snapshot = governor.proposalSnapshot(p.pid)
    set_next(snapshot)
    governor.cancel(*p.args, sender=alice)  # the last Pending second
    p2 = gov.propose([noop_action(fmc, alice)], alice)
    set_next(governor.proposalSnapshot(p2.pid) + 1)
    with ape.reverts("governor: proposal not pending"):
        governor.cancel(*p2.args, sender=alice)
    with ape.reverts("governor: unknown proposal"):
        governor.cancel([fmc.address], [0], [b""], b"\x11" * 32, sender=alice)


# ------------------------------------------------------------------ governance-only setters


@pytest.mark.parametrize(
    "method,arg",
    [
        ("setVotingDelay", 1),
        ("setVotingPeriod", 86_400),
        ("setProposalThreshold", 1),
        ("updateQuorumNumerator", 1),
        ("set_launchpad", ZERO),
    ],
)
def test_setters_only_timelock(governor, deployer, alice, method, arg):
    for sender in (deployer, alice):
        with ape.reverts("governor: caller is not the timelock"):
            getattr(governor, method)(arg, sender=sender)


@pytest.mark.parametrize(
    "method,good,bad,reason",
    [
        ("setVotingDelay", [0, 30 * 86_400], [30 * 86_400 + 1], "governor: voting delay out of bounds"),
        ("setVotingPeriod", [3_600, 60 * 86_400], [3_599, 60 * 86_400 + 1, 0], "governor: voting period out of bounds"),
        (
            "setProposalThreshold",
            [0, 10_000_000 * E18],
            [10_000_000 * E18 + 1],
            "governor: proposal threshold out of bounds",
        ),
        ("updateQuorumNumerator", [1, 5_000], [0, 5_001, 10_000], "governor: quorum numerator out of bounds"),
    ],
)
def test_setter_bounds(governor, as_timelock, method, good, bad, reason):
    setter = getattr(governor, method)
    for value in bad:
        with ape.reverts(reason):
            setter(value, sender=as_timelock)
    for value in good:
        setter(value, sender=as_timelock)
    getter = {
        "setVotingDelay": governor.votingDelay,
        "setVotingPeriod": governor.votingPeriod,
        "setProposalThreshold": governor.proposalThreshold,
        "updateQuorumNumerator": governor.quorumNumerator,
    }[method]
    assert getter() == good[-1]


def test_setter_bound_violation_through_a_proposal(governor, gov, alice):
    p = gov.propose([(governor, 0, encode_call(governor, "updateQuorumNumerator", 0))], alice)
    gov.pass_and_queue(p)
    with ape.reverts("governor: quorum numerator out of bounds"):
        gov.execute(p, sender=alice)
    assert governor.quorumNumerator() == QUORUM_NUMERATOR


# ------------------------------------------------------------------ launchpad bootstrap


def test_bootstrap_launchpad_once(fresh_governor, deployer, alice, accounts):
    governor = fresh_governor
    assert governor.bootstrapper() == deployer.address
    assert governor.launchpad() == ZERO
    lp1, lp2 = accounts[7], accounts[8]
    with ape.reverts("governor: caller is not the bootstrapper"):
        governor.bootstrap_launchpad(lp1, sender=alice)
    with ape.reverts("governor: zero launchpad"):
        governor.bootstrap_launchpad(ZERO, sender=deployer)
    receipt = governor.bootstrap_launchpad(lp1, sender=deployer)
    assert governor.launchpad() == lp1.address
    assert governor.bootstrapper() == ZERO
    [log] = events(receipt, governor.LaunchpadSet)
    assert (log.oldLaunchpad, log.newLaunchpad) == (ZERO, lp1.address)
    assert [log.bootstrapper for log in events(receipt, governor.BootstrapperRenounced)] == [deployer.address]
    with ape.reverts("governor: caller is not the bootstrapper"):
        governor.bootstrap_launchpad(lp2, sender=deployer)
    with ape.reverts("governor: caller is not the bootstrapper"):
        governor.renounce_bootstrapper(sender=deployer)


def test_renounce_bootstrapper(fresh_governor, deployer, alice, accounts):
    governor = fresh_governor
    with ape.reverts("governor: caller is not the bootstrapper"):
        governor.renounce_bootstrapper(sender=alice)
    governor.renounce_bootstrapper(sender=deployer)
    assert governor.bootstrapper() == ZERO
    with ape.reverts("governor: caller is not the bootstrapper"):
        governor.bootstrap_launchpad(accounts[7], sender=deployer)


def test_set_launchpad_through_governance(governor, gov, alice, deployer, accounts):
    new = accounts[7]
    p = gov.run([(governor, 0, encode_call(governor, "set_launchpad", new))], alice)
    assert governor.launchpad() == new.address
    assert governor.bootstrapper() == ZERO  # governance ended the bootstrap window
    assert governor.state(p.pid) == EXECUTED
    with ape.reverts("governor: caller is not the bootstrapper"):
        governor.bootstrap_launchpad(accounts[8], sender=deployer)
    # governance may also remove it
    gov.run([(governor, 0, encode_call(governor, "set_launchpad", ZERO))], alice)
    assert governor.launchpad() == ZERO
