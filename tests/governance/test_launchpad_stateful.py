"""Stateful property test of the PersonaLaunchpad (with the real governor,
timelock, registry, treasury, revenue settings and share blueprint) against a Python model.

Hypothesis opens persona campaigns, contributes FMC (plain and with permits),
votes, travels in time, queues, executes (which launches), cancels, claims
shares and asks for refunds, in any order.

Invariants, in words:
  * FMC is conserved: what the holders, the launchpad and the treasury hold
    together never changes;
  * the launchpad holds exactly the contributions of the campaigns that are
    not launched, minus what was refunded (and says so in `total_held`);
  * a launched persona's treasury account holds exactly its campaign's raise;
  * a contributor to a failed campaign can always withdraw exactly what they
    gave (checked by simulating the refund at every step), and never twice;
  * shares minted for a persona never exceed the declared supply; each claim
    mints floor(contribution * contributor_shares / raised) (+ the creator
    part for the creator); once everyone has claimed, at most one wei of
    shares per contributor is left unminted;
  * each campaign's phase is the one the model computes.
Each example starts from a chain snapshot and restores it at teardown.
"""

from ape import chain
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from gov_helpers import (
    ACTIVE,
    BPS,
    E18,
    GRACE_PERIOD,
    MAX_CREATOR_BPS,
    PENDING,
    PHASE_AWAITING,
    PHASE_FAILED,
    PHASE_FUNDING,
    PHASE_LAUNCHED,
    QUEUED,
    QUORUM_NUMERATOR,
    SHARES_PER_PERSONA,
    SPEC_CID,
    SUCCEEDED,
    SUPPLY,
    THRESHOLD,
    TIMELOCK_DELAY,
    VOTING_DELAY,
    VOTING_PERIOD,
    FastTx,
    ModelProposal,
    Proposal,
    encode_call,
    mine_to,
    model_state,
    now,
    set_next,
    sign_permit,
)

MAX_UINT = 2**256 - 1
MAX_CAMPAIGNS = 3
GOALS = [1, 10**18, 500 * E18, 5_000_000 * E18]
AMOUNTS = [1, 7, E18, 333 * E18 + 1, 1_000 * E18 + 3, 2_000_000 * E18]
WARPS = [1, 3_600, 86_400, 3 * 86_400, 14 * 86_400]


class Campaign:
    def __init__(self, cid, proposal, creator, goal, bps):
        self.cid = cid
        self.p = proposal  # ModelProposal
        self.creator = creator
        self.goal = goal
        self.bps = bps
        self.creator_shares = SHARES_PER_PERSONA * bps // BPS
        self.pool = SHARES_PER_PERSONA - self.creator_shares
        self.raised = 0
        self.refunded = 0
        self.status = "open"
        self.given = {}  # address -> FMC given and not refunded
        self.claimed = set()
        self.creator_claimed = False
        self.minted = 0
        self.persona_id = 0
        self.share = None


class LaunchpadMachine(RuleBasedStateMachine):
    launchpad = governor = fmc = treasury = registry = project = None
    actors = []
    others = []  # other FMC holders (deployer)
    reached = {}

    def __init__(self):
        super().__init__()
        self.snap = chain.snapshot()
        self.t = now()
        self.addr = [str(a.address) for a in self.actors]
        self.campaigns = []
        self.personas = self.registry.persona_count()
        self.n = 0
        self.tx = FastTx()

    def teardown(self):
        chain.restore(self.snap)

    # ------------------------------------------------------------ helpers

    def _tx_time(self):
        t = self.t + 1
        set_next(t)
        return t

    def _sync(self):
        self.t = now()

    @staticmethod
    def _quorum_at(_snapshot):
        return SUPPLY * QUORUM_NUMERATOR // 10_000

    def _pstate(self, c, t):
        return model_state(c.p, t, self._quorum_at)

    def _phase(self, c, t):
        if c.status == "launched":
            return PHASE_LAUNCHED
        if c.status == "refunding":
            return PHASE_FAILED
        s = self._pstate(c, t)
        if s in (PENDING, ACTIVE):
            return PHASE_FUNDING
        if s in (SUCCEEDED, QUEUED):
            return PHASE_AWAITING if c.raised >= c.goal else PHASE_FAILED
        return PHASE_FAILED

    def _pick(self, i):
        return self.campaigns[i % len(self.campaigns)]

    def _warp_to(self, target):
        if target > self.t:
            mine_to(target)
            self._sync()

    # ------------------------------------------------------------ campaigns

    @initialize(who=st.integers(0, 1), goal=st.sampled_from(GOALS), bps=st.sampled_from([0, 1, 777, MAX_CREATOR_BPS]))
    def first_campaign(self, who, goal, bps):
        """Every example starts with one campaign."""
        self.open_campaign(who, goal, bps)

    @precondition(lambda self: len(self.campaigns) < MAX_CAMPAIGNS)
    @rule(who=st.integers(0, 1), goal=st.sampled_from(GOALS), bps=st.sampled_from([0, 1, 777, MAX_CREATOR_BPS, MAX_CREATOR_BPS + 1]))
    def open_campaign(self, who, goal, bps):
        creator = self.actors[who]
        self.n += 1
        name, symbol, description = f"Persona {self.n}", f"P{self.n}", f"FameEngine persona {self.n}"
        votes = self.fmc.getVotes(creator)  # = votes at clock()-1 for the next block
        t = self._tx_time()
        args = (name, symbol, SPEC_CID, goal, bps, description)
        if bps > MAX_CREATOR_BPS:
            self.tx.reverts(self.launchpad, "propose_persona", *args, sender=creator, reason="launchpad: creator allocation too high")
        elif votes < THRESHOLD:
            self.tx.reverts(self.launchpad, "propose_persona", *args, sender=creator, reason="governor: proposer votes below threshold")
        else:
            cid, pid = self.tx.ok(self.launchpad, "propose_persona", *args, sender=creator, returns=["uint256", "uint256"])
            assert cid == len(self.campaigns) + 1
            proposal = Proposal(pid, [self.launchpad.address], [0], [encode_call(self.launchpad, "launch", cid)], description)
            assert proposal.pid == pid
            mp = ModelProposal(proposal, self.addr[who], t + VOTING_DELAY, t + VOTING_DELAY + VOTING_PERIOD)
            self.campaigns.append(Campaign(cid, mp, self.addr[who], goal, bps))
        self._sync()

    @precondition(lambda self: self.campaigns)
    @rule(i=st.integers(0, MAX_CAMPAIGNS - 1), who=st.integers(0, 4), amount=st.sampled_from(AMOUNTS), permit=st.booleans())
    def contribute(self, i, who, amount, permit):
        self._contribute(self._pick(i), who, amount, permit)

    def _contribute(self, c, who, amount, permit):
        acct = self.actors[who]
        amount = min(amount, self.fmc.balanceOf(acct))
        if amount == 0:
            return
        if permit:
            deadline = self.t + 3_600
            v, r, s = sign_permit(self.fmc, acct, self.launchpad, amount, self.fmc.nonces(acct), deadline)
        t = self._tx_time()
        ok = self._phase(c, t) == PHASE_FUNDING
        method, args = ("contribute_with_permit", (c.cid, amount, deadline, v, r, s)) if permit else ("contribute", (c.cid, amount))
        if ok:
            self.tx.ok(self.launchpad, method, *args, sender=acct)
            c.raised += amount
            c.given[self.addr[who]] = c.given.get(self.addr[who], 0) + amount
        else:
            self.tx.reverts(self.launchpad, method, *args, sender=acct, reason="launchpad: campaign not funding")
        self._sync()
        if permit:  # the permit replaced the standing approval
            self.tx.ok(self.fmc, "approve", self.launchpad, MAX_UINT, sender=acct)
            self._sync()

    def _vote(self, c, v, support):
        voter = self.actors[v]
        t = self._tx_time()
        if self._pstate(c, t) != ACTIVE:
            self.tx.reverts(self.governor, "castVote", c.p.pid, support, sender=voter, reason="governor: vote not currently active")
        elif self.addr[v] in c.p.voted:
            self.tx.reverts(self.governor, "castVote", c.p.pid, support, sender=voter, reason="governor: vote already cast")
        else:
            weight = self.tx.ok(self.governor, "castVote", c.p.pid, support, sender=voter, returns=["uint256"])
            assert weight == self.fmc.getPastVotes(voter, c.p.snapshot)
            c.p.voted.add(self.addr[v])
            c.p.tally[support] += weight
        self._sync()

    def _queue(self, c):
        t = self._tx_time()
        if self._pstate(c, t) != SUCCEEDED:
            self.tx.reverts(self.governor, "queue", *c.p.proposal.args, sender=self.actors[4], reason="governor: proposal not successful")
        else:
            self.tx.ok(self.governor, "queue", *c.p.proposal.args, sender=self.actors[4])
            c.p.eta = t + TIMELOCK_DELAY
        self._sync()

    def _execute(self, c):
        t = self._tx_time()
        args, sender = c.p.proposal.args, self.actors[3]
        state = self._pstate(c, t)
        if state != QUEUED:
            reason = "governor: proposal not queued"
        elif t < c.p.eta:
            reason = "governor: proposal not ready"
        elif c.status != "open":
            reason = "launchpad: campaign not open"
        elif c.raised < c.goal:
            reason = "launchpad: funding goal not reached"
        else:
            reason = None
        if reason:
            self.tx.reverts(self.governor, "execute", *args, sender=sender, reason=reason)
        else:
            self.tx.ok(self.governor, "execute", *args, sender=sender)
            c.p.executed = True
            c.status = "launched"
            self.personas += 1
            c.persona_id = self.personas
            record = self.launchpad.campaign(c.cid)
            assert record.persona_id == c.persona_id
            c.share = self.project.PersonaShare.at(record.share_token)
            assert c.share.max_supply() == SHARES_PER_PERSONA
        self._sync()

    def _cancel(self, c, who):
        t = self._tx_time()
        if self._pstate(c, t) != PENDING:
            self.tx.reverts(self.governor, "cancel", *c.p.proposal.args, sender=self.actors[who], reason="governor: proposal not pending")
        elif self.addr[who] != c.creator:
            self.tx.reverts(self.governor, "cancel", *c.p.proposal.args, sender=self.actors[who], reason="governor: caller is not the proposer")
        else:
            self.tx.ok(self.governor, "cancel", *c.p.proposal.args, sender=self.actors[who])
            c.p.canceled = True
        self._sync()

    @precondition(lambda self: self.campaigns)
    @rule(i=st.integers(0, MAX_CAMPAIGNS - 1), v=st.integers(0, 4), support=st.integers(0, 2))
    def vote(self, i, v, support):
        self._vote(self._pick(i), v, support)

    @precondition(lambda self: self.campaigns)
    @rule(i=st.integers(0, MAX_CAMPAIGNS - 1))
    def queue(self, i):
        self._queue(self._pick(i))

    @precondition(lambda self: self.campaigns)
    @rule(i=st.integers(0, MAX_CAMPAIGNS - 1))
    def execute(self, i):
        self._execute(self._pick(i))

    @precondition(lambda self: self.campaigns)
    @rule(i=st.integers(0, MAX_CAMPAIGNS - 1), who=st.integers(0, 4))
    def cancel(self, i, who):
        self._cancel(self._pick(i), who)

    @precondition(lambda self: self.campaigns)
    @rule(
        i=st.integers(0, MAX_CAMPAIGNS - 1),
        supports=st.lists(st.sampled_from([1, None, 0, 1, 1, 2]), min_size=3, max_size=3),
        stop=st.sampled_from(["executed", "canceled", "voted", "ended", "queued", "executed", "expired"]),
        fund=st.sampled_from([1, 0, 2, 1]),
    )
    def drive(self, i, supports, stop, fund):
        """Walks campaign i's proposal forward: dave funds it (fund=1: the missing
        amount, fund=2: one wei short of it), alice, bob and carol vote, then the
        proposal goes as far as `stop` (the long sequences the other rules would
        rarely string together)."""
        c = self._pick(i)
        if fund and self._phase(c, self.t + 1) == PHASE_FUNDING and c.raised < c.goal:
            missing = c.goal - c.raised - (1 if fund == 2 else 0)
            if missing > 0:
                self._contribute(c, 3, missing, False)
        if stop == "canceled":
            self._cancel(c, self.addr.index(c.creator))
            return
        if self._pstate(c, self.t) == PENDING:
            self._warp_to(c.p.snapshot + 1)
        if self._pstate(c, self.t) == ACTIVE:
            for v, support in enumerate(supports):
                if support is not None:
                    self._vote(c, v, support)
        if stop == "voted":
            return
        self._warp_to(c.p.deadline + 1)
        if stop == "ended":
            return
        self._queue(c)
        if stop == "queued" or c.p.eta == 0:
            return
        self._warp_to(c.p.eta + GRACE_PERIOD if stop == "expired" else c.p.eta)
        self._execute(c)

    @precondition(lambda self: self.campaigns)
    @rule(i=st.integers(0, MAX_CAMPAIGNS - 1), supports=st.lists(st.sampled_from([1, 0, 1, 2, 1]), min_size=3, max_size=3))
    def drive_to_launch(self, i, supports):
        """`drive` all the way, funded to the goal (launches unless the votes say no)."""
        self.drive(i, supports, "executed", 1)

    @rule(delta=st.sampled_from(WARPS))
    def warp(self, delta):
        self._warp_to(self.t + delta)

    # ------------------------------------------------------------ claims and refunds

    def _claim(self, c, who):
        acct, a = self.actors[who], self.addr[who]
        t = self._tx_time()
        expected = 0
        something = False
        if c.status == "launched":
            if c.given.get(a, 0) > 0 and a not in c.claimed:
                expected += c.given[a] * c.pool // c.raised
                something = True
            if a == c.creator and not c.creator_claimed and c.creator_shares > 0:
                expected += c.creator_shares
                something = True
        if c.status != "launched":
            self.tx.reverts(self.launchpad, "claim_shares", c.cid, sender=acct, reason="launchpad: campaign not launched")
        elif not something:
            self.tx.reverts(self.launchpad, "claim_shares", c.cid, sender=acct, reason="launchpad: nothing to claim")
        else:
            before = c.share.balanceOf(acct)
            assert self.tx.ok(self.launchpad, "claim_shares", c.cid, sender=acct, returns=["uint256"]) == expected
            assert c.share.balanceOf(acct) == before + expected
            if c.given.get(a, 0) > 0:
                c.claimed.add(a)
            if a == c.creator:
                c.creator_claimed = True
            c.minted += expected
        self._sync()

    def _refund(self, c, who):
        acct, a = self.actors[who], self.addr[who]
        t = self._tx_time()
        if self._phase(c, t) != PHASE_FAILED:
            self.tx.reverts(self.launchpad, "refund", c.cid, sender=acct, reason="launchpad: campaign not failed")
        elif c.given.get(a, 0) == 0:
            self.tx.reverts(self.launchpad, "refund", c.cid, sender=acct, reason="launchpad: nothing to refund")
        else:
            before = self.fmc.balanceOf(acct)
            assert self.tx.ok(self.launchpad, "refund", c.cid, sender=acct, returns=["uint256"]) == c.given[a]
            assert self.fmc.balanceOf(acct) == before + c.given[a]
            c.refunded += c.given[a]
            c.given[a] = 0
            c.status = "refunding"
        self._sync()

    @precondition(lambda self: self.campaigns)
    @rule(i=st.integers(0, MAX_CAMPAIGNS - 1), who=st.integers(0, 4))
    def claim(self, i, who):
        self._claim(self._pick(i), who)

    @precondition(lambda self: self.campaigns)
    @rule(i=st.integers(0, MAX_CAMPAIGNS - 1), who=st.integers(0, 4))
    def refund(self, i, who):
        self._refund(self._pick(i), who)

    @precondition(lambda self: self.campaigns)
    @rule(i=st.integers(0, MAX_CAMPAIGNS - 1))
    def settle(self, i):
        """Everyone takes what is theirs: all claims after a launch, all refunds after a failure."""
        c = self._pick(i)
        phase = self._phase(c, self.t + 1)
        for who, a in enumerate(self.addr):
            if phase == PHASE_LAUNCHED and (
                (c.given.get(a, 0) > 0 and a not in c.claimed) or (a == c.creator and not c.creator_claimed)
            ):
                self._claim(c, who)
            elif phase == PHASE_FAILED and c.given.get(a, 0) > 0:
                self._refund(c, who)
        if phase == PHASE_LAUNCHED:
            contributors = sum(1 for v in c.given.values() if v > 0)
            assert c.minted <= SHARES_PER_PERSONA
            if c.creator_claimed or c.creator_shares == 0:
                assert SHARES_PER_PERSONA - c.minted <= contributors  # flooring dust only

    # ------------------------------------------------------------ invariants

    @invariant()
    def fmc_is_conserved(self):
        holders = [*self.actors, *self.others, self.launchpad, self.treasury]
        assert sum(self.fmc.balanceOf(h) for h in holders) == SUPPLY

    @invariant()
    def launchpad_holds_exactly_the_open_contributions(self):
        held = sum(c.raised - c.refunded for c in self.campaigns if c.status != "launched")
        assert self.fmc.balanceOf(self.launchpad) == held == self.launchpad.total_held()

    @invariant()
    def campaigns_match_the_model(self):
        for c in self.campaigns:
            phase = self._phase(c, self.t)
            LaunchpadMachine.reached[phase] = LaunchpadMachine.reached.get(phase, 0) + 1
            assert self.launchpad.campaign_state(c.cid) == phase
            record = self.launchpad.campaign(c.cid)
            assert (record.raised, record.refunded, record.shares_minted) == (c.raised, c.refunded, c.minted)
            if c.status == "launched":
                assert self.treasury.balance_of(c.persona_id, self.fmc) == c.raised
                assert c.share.totalSupply() == c.minted <= SHARES_PER_PERSONA
            if phase == PHASE_FAILED:
                # every contributor can withdraw exactly what they gave, right now
                for who, a in enumerate(self.addr):
                    if c.given.get(a, 0) > 0:
                        assert self.launchpad.refund.call(c.cid, sender=self.actors[who]) == c.given[a]


def test_launchpad_state_machine(project, launchpad, governor, fmc, treasury, registry, deployer, alice, bob, carol, dave, erin):
    fmc.transfer(erin, 2_000_000 * E18, sender=carol)
    for acct in (alice, bob, carol, dave, erin):
        fmc.approve(launchpad, MAX_UINT, sender=acct)
    LaunchpadMachine.launchpad = launchpad
    LaunchpadMachine.governor = governor
    LaunchpadMachine.fmc = fmc
    LaunchpadMachine.treasury = treasury
    LaunchpadMachine.registry = registry
    LaunchpadMachine.project = project
    LaunchpadMachine.actors = [alice, bob, carol, dave, erin]
    LaunchpadMachine.others = [deployer]
    run_state_machine_as_test(LaunchpadMachine)
    print("campaign phases reached (phase: step count):", dict(sorted(LaunchpadMachine.reached.items())))
