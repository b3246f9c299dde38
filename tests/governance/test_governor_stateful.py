"""Stateful property test of FameGovernor against a Python model.

Hypothesis drives FMC holders who transfer and delegate, propose (harmless
actions, or a quorum change through governance itself), vote, travel in time
(also exactly onto the boundaries of each proposal), queue, execute and cancel,
and strangers who try to change parameters directly.

Invariants, in words:
  * every proposal's state is the one the model computes from its own record
    of snapshots, deadlines, ETAs and tallies (Pending, Active, Canceled,
    Defeated, Succeeded, Queued, Expired, Executed);
  * a vote weighs exactly the voter's votes at the proposal's snapshot, as
    tracked by the model's own checkpoints (and as FMC's getPastVotes says);
    nothing acquired after the snapshot counts;
  * the tallies are the model's tallies;
  * the quorum of a proposal uses the quorum numerator in force at its
    snapshot; a later change (even a lower one) never revives a Defeated one;
  * parameters change only through executed proposals (the timelock): direct
    calls always revert and leave them unchanged;
  * every account's current votes match the model.
Each example starts from a chain snapshot and restores it at teardown.
"""

from gov_helpers import (
    ACTIVE,
    E18,
    GRACE_PERIOD,
    QUEUED,
    QUORUM_NUMERATOR,
    SUCCEEDED,
    SUPPLY,
    THRESHOLD,
    TIMELOCK_DELAY,
    VOTING_DELAY,
    VOTING_PERIOD,
    ModelProposal,
    Proposal,
    ProposalRules,
    VotesModel,
    encode_call,
    mine_to,
    proposal_id,
)
from hypothesis import event
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

MAX_PROPOSALS = 4
QUORUM_CHOICES = [1, 100, 400, 2_500, 5_000]
WARPS = [1, 600, 3_600, 86_400, 2 * 86_400, 5 * 86_400, 14 * 86_400]
BOUNDARIES = ["snapshot", "snapshot+1", "deadline", "deadline+1", "eta", "eta+grace-1", "eta+grace"]


class GovernorMachine(ProposalRules, RuleBasedStateMachine):
    # set by the test function
    governor = fmc = timelock = None
    actors = []  # ape accounts
    reached = {}  # state -> count, for the curious (-s prints it)
    queue_sender, execute_sender = 0, 1  # who queues and executes in `drive`

    def __init__(self):
        super().__init__()
        self.addr = [str(a.address) for a in self.actors]
        self.model = VotesModel(self.fmc, self.addr)
        self.quorum_hist = [(0, QUORUM_NUMERATOR)]
        self.proposals = []
        self.n = 0

    # ------------------------------------------------------------ helpers

    def _numerator_at(self, timepoint):
        value = self.quorum_hist[0][1]
        for key, v in self.quorum_hist:
            if key <= timepoint:
                value = v
        return value

    def _quorum_at(self, timepoint):
        return SUPPLY * self._numerator_at(timepoint) // 10_000

    def _pick(self, i):
        return self.proposals[i % len(self.proposals)]

    # ------------------------------------------------------------ token moves

    @rule(s=st.integers(0, 4), r=st.integers(0, 4), frac=st.sampled_from([1, 10, 50, 100]))
    def transfer(self, s, r, frac):
        sender, receiver = self.actors[s], self.actors[r]
        amount = self.model.balance[self.addr[s]] * frac // 100
        t = self._tx_time()
        self.tx.ok(self.fmc, "transfer", receiver, amount, sender=sender)
        self._sync()
        assert self.t == t
        self.model.transfer(self.addr[s], self.addr[r], amount, t)

    @rule(a=st.integers(0, 4), d=st.integers(0, 4))
    def delegate(self, a, d):
        t = self._tx_time()
        self.tx.ok(self.fmc, "delegate", self.actors[d], sender=self.actors[a])
        self._sync()
        self.model.delegate(self.addr[a], self.addr[d], t)

    # ------------------------------------------------------------ proposals

    @initialize(who=st.integers(0, 2), quorum_change=st.booleans(), q=st.sampled_from(QUORUM_CHOICES))
    def first_proposal(self, who, quorum_change, q):
        """Every example starts with one proposal by a large holder."""
        self.propose(who, quorum_change, q)

    @precondition(lambda self: len(self.proposals) < MAX_PROPOSALS)
    @rule(who=st.integers(0, 4), quorum_change=st.booleans(), q=st.sampled_from(QUORUM_CHOICES))
    def propose(self, who, quorum_change, q):
        proposer = self.actors[who]
        self.n += 1
        description = f"FameEngine stateful proposal {self.n}"
        if quorum_change:
            target, calldata, kind = self.governor, encode_call(self.governor, "updateQuorumNumerator", q), "quorum"
        else:
            target, calldata, kind = self.fmc, encode_call(self.fmc, "balanceOf", proposer), "noop"
        t = self._tx_time()
        allowed = self.model.past_votes(self.addr[who], t - 1) >= THRESHOLD
        args = ([str(target.address)], [0], [calldata], description)
        if not allowed:
            self.tx.reverts(
                self.governor, "propose", *args, sender=proposer, reason="governor: proposer votes below threshold"
            )
            self._sync()
            return
        pid = self.tx.ok(self.governor, "propose", *args, sender=proposer, returns=["uint256"])
        self._sync()
        assert self.t == t
        # the id is the OZ-compatible hash computed off-chain
        assert pid == proposal_id(*args)
        proposal = Proposal(pid, *args)
        self.proposals.append(
            ModelProposal(proposal, self.addr[who], t + VOTING_DELAY, t + VOTING_DELAY + VOTING_PERIOD, kind, q)
        )

    def _vote(self, p, v, support):
        voter = self.actors[v]
        t = self._tx_time()
        state = self._state(p, t)
        if state != ACTIVE:
            self.tx.reverts(
                self.governor, "castVote", p.pid, support, sender=voter, reason="governor: vote not currently active"
            )
        elif self.addr[v] in p.voted:
            self.tx.reverts(
                self.governor, "castVote", p.pid, support, sender=voter, reason="governor: vote already cast"
            )
        else:
            weight = self.model.past_votes(self.addr[v], p.snapshot)
            assert self.tx.ok(self.governor, "castVote", p.pid, support, sender=voter, returns=["uint256"]) == weight
            assert self.fmc.getPastVotes(voter, p.snapshot) == weight
            p.voted.add(self.addr[v])
            p.tally[support] += weight
        self._sync()

    def _queue(self, p, who):
        t = self._tx_time()
        if self._state(p, t) != SUCCEEDED:
            self.tx.reverts(
                self.governor,
                "queue",
                *p.proposal.args,
                sender=self.actors[who],
                reason="governor: proposal not successful",
            )
        else:
            self.tx.ok(self.governor, "queue", *p.proposal.args, sender=self.actors[who])
            p.eta = t + TIMELOCK_DELAY
            assert self.governor.proposalEta(p.pid) == p.eta
        self._sync()

    def _execute(self, p, who):
        t = self._tx_time()
        state = self._state(p, t)
        if state != QUEUED:
            self.tx.reverts(
                self.governor,
                "execute",
                *p.proposal.args,
                sender=self.actors[who],
                reason="governor: proposal not queued",
            )
        elif t < p.eta:
            self.tx.reverts(
                self.governor,
                "execute",
                *p.proposal.args,
                sender=self.actors[who],
                reason="governor: proposal not ready",
            )
        else:
            self.tx.ok(self.governor, "execute", *p.proposal.args, sender=self.actors[who])
            p.executed = True
            if p.kind == "quorum":
                if self.quorum_hist[-1][0] == t:
                    self.quorum_hist[-1] = (t, p.value)
                else:
                    self.quorum_hist.append((t, p.value))
        self._sync()

    @precondition(lambda self: self.proposals)
    @rule(i=st.integers(0, MAX_PROPOSALS - 1), v=st.integers(0, 4), support=st.integers(0, 2))
    def vote(self, i, v, support):
        self._vote(self._pick(i), v, support)

    @precondition(lambda self: self.proposals)
    @rule(i=st.integers(0, MAX_PROPOSALS - 1), who=st.integers(0, 4))
    def queue(self, i, who):
        self._queue(self._pick(i), who)

    @precondition(lambda self: self.proposals)
    @rule(i=st.integers(0, MAX_PROPOSALS - 1), who=st.integers(0, 4))
    def execute(self, i, who):
        self._execute(self._pick(i), who)

    @precondition(lambda self: self.proposals)
    @rule(
        i=st.integers(0, MAX_PROPOSALS - 1),
        supports=st.lists(st.sampled_from([1, None, 0, 1, 2]), min_size=5, max_size=5),
        stop=st.sampled_from(["executed", "canceled", "voted", "ended", "queued", "executed", "expired"]),
    )
    def drive(self, i, supports, stop):
        """Walks proposal i forward through its phases, voting on the way,
        until `stop` (a shortcut through the long sequences the other rules
        would rarely string together)."""
        self._walk(self._pick(i), supports, stop)

    @precondition(lambda self: self.proposals)
    @rule(i=st.integers(0, MAX_PROPOSALS - 1), who=st.integers(0, 4))
    def cancel(self, i, who):
        self._cancel(self._pick(i), who)

    @precondition(lambda self: self.proposals)
    @rule(
        i=st.integers(0, MAX_PROPOSALS - 1), supports=st.lists(st.sampled_from([1, 0, 1, 2, 1]), min_size=3, max_size=3)
    )
    def drive_to_execution(self, i, supports):
        """`drive` all the way, with the three large holders voting."""
        self.drive(i, supports + [None, None], "executed")

    @rule(
        who=st.integers(0, 4),
        method=st.sampled_from(["setVotingDelay", "setVotingPeriod", "setProposalThreshold", "updateQuorumNumerator"]),
    )
    def stranger_sets_a_parameter(self, who, method):
        self._tx_time()
        self.tx.reverts(
            self.governor, method, 7_200, sender=self.actors[who], reason="governor: caller is not the timelock"
        )
        self._sync()

    # ------------------------------------------------------------ time

    @rule(delta=st.sampled_from(WARPS))
    def warp(self, delta):
        mine_to(self.t + delta)
        self._sync()

    @precondition(lambda self: self.proposals)
    @rule(i=st.integers(0, MAX_PROPOSALS - 1), where=st.sampled_from(BOUNDARIES))
    def warp_to_boundary(self, i, where):
        p = self._pick(i)
        target = {
            "snapshot": p.snapshot,
            "snapshot+1": p.snapshot + 1,
            "deadline": p.deadline,
            "deadline+1": p.deadline + 1,
            "eta": p.eta,
            "eta+grace-1": p.eta + GRACE_PERIOD - 1,
            "eta+grace": p.eta + GRACE_PERIOD,
        }[where]
        if (where.startswith("eta") and p.eta == 0) or target <= self.t:
            return
        mine_to(target)
        self._sync()

    # ------------------------------------------------------------ invariants

    @invariant()
    def states_and_tallies_match_the_model(self):
        for p in self.proposals:
            state = self._state(p, self.t)
            event(f"reached state {state}")
            GovernorMachine.reached[state] = GovernorMachine.reached.get(state, 0) + 1
            assert self.governor.state(p.pid) == state, (p.kind, p.snapshot, p.deadline, p.eta, self.t)
            assert tuple(self.governor.proposalVotes(p.pid)) == tuple(p.tally)

    @invariant()
    def parameters_change_only_through_governance(self):
        assert self.governor.quorumNumerator() == self.quorum_hist[-1][1]
        assert self.governor.votingDelay() == VOTING_DELAY
        assert self.governor.votingPeriod() == VOTING_PERIOD
        assert self.governor.proposalThreshold() == THRESHOLD

    @invariant()
    def current_votes_match_the_model(self):
        for a in self.addr:
            assert self.fmc.getVotes(a) == self.model.votes(a)


def test_governor_state_machine(governor, fmc, timelock, launchpad, alice, bob, carol, dave, erin):
    # erin starts with a little FMC so that every actor can move tokens
    fmc.transfer(erin, 2_000_000 * E18, sender=carol)
    GovernorMachine.governor = governor
    GovernorMachine.fmc = fmc
    GovernorMachine.timelock = timelock
    GovernorMachine.actors = [alice, bob, carol, dave, erin]
    run_state_machine_as_test(GovernorMachine)
    print("governor states reached (state: step count):", dict(sorted(GovernorMachine.reached.items())))
