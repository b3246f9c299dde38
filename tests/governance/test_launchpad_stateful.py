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

from gov_helpers import (
    E18,
    MAX_CREATOR_BPS,
    MAX_UINT,
    PHASE_FAILED,
    PHASE_FUNDING,
    PHASE_LAUNCHED,
    QUORUM_NUMERATOR,
    SHARES_PER_PERSONA,
    SUPPLY,
    THRESHOLD,
    TIMELOCK_DELAY,
    VOTING_DELAY,
    VOTING_PERIOD,
    CampaignRules,
)
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

MAX_CAMPAIGNS = 3
GOALS = [1, 10**18, 500 * E18, 5_000_000 * E18]
AMOUNTS = [1, 7, E18, 333 * E18 + 1, 1_000 * E18 + 3, 2_000_000 * E18]
WARPS = [1, 3_600, 86_400, 3 * 86_400, 14 * 86_400]


class LaunchpadMachine(CampaignRules, RuleBasedStateMachine):
    launchpad = governor = fmc = treasury = registry = project = None
    actors = []
    others = []  # other FMC holders (deployer)
    reached = {}
    # the governance parameters of the fixtures; the supply and the quorum numerator never change here
    quorum = SUPPLY * QUORUM_NUMERATOR // 10_000
    threshold, max_creator_bps = THRESHOLD, MAX_CREATOR_BPS
    voting_delay, voting_period, timelock_delay = VOTING_DELAY, VOTING_PERIOD, TIMELOCK_DELAY
    queue_sender, execute_sender = 4, 3  # erin queues, dave executes: anyone may

    def __init__(self):
        super().__init__()
        self.addr = [str(a.address) for a in self.actors]
        self.personas = self.registry.persona_count()

    # ------------------------------------------------------------ campaigns

    @initialize(who=st.integers(0, 1), goal=st.sampled_from(GOALS), bps=st.sampled_from([0, 1, 777, MAX_CREATOR_BPS]))
    def first_campaign(self, who, goal, bps):
        """Every example starts with one campaign."""
        self.open_campaign(who, goal, bps)

    @precondition(lambda self: len(self.campaigns) < MAX_CAMPAIGNS)
    @rule(
        who=st.integers(0, 1),
        goal=st.sampled_from(GOALS),
        bps=st.sampled_from([0, 1, 777, MAX_CREATOR_BPS, MAX_CREATOR_BPS + 1]),
    )
    def open_campaign(self, who, goal, bps):
        self._propose(who, goal, bps)

    @precondition(lambda self: self.campaigns)
    @rule(
        i=st.integers(0, MAX_CAMPAIGNS - 1),
        who=st.integers(0, 4),
        amount=st.sampled_from(AMOUNTS),
        permit=st.booleans(),
    )
    def contribute(self, i, who, amount, permit):
        self._contribute(self._pick(i), who, amount, permit)

    @precondition(lambda self: self.campaigns)
    @rule(i=st.integers(0, MAX_CAMPAIGNS - 1), v=st.integers(0, 4), support=st.integers(0, 2))
    def vote(self, i, v, support):
        self._vote(self._pick(i), v, support)

    @precondition(lambda self: self.campaigns)
    @rule(i=st.integers(0, MAX_CAMPAIGNS - 1))
    def queue(self, i):
        self._queue(self._pick(i), self.queue_sender)

    @precondition(lambda self: self.campaigns)
    @rule(i=st.integers(0, MAX_CAMPAIGNS - 1))
    def execute(self, i):
        self._execute(self._pick(i), self.execute_sender)

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
        self._walk(c, supports, stop)

    @precondition(lambda self: self.campaigns)
    @rule(
        i=st.integers(0, MAX_CAMPAIGNS - 1), supports=st.lists(st.sampled_from([1, 0, 1, 2, 1]), min_size=3, max_size=3)
    )
    def drive_to_launch(self, i, supports):
        """`drive` all the way, funded to the goal (launches unless the votes say no)."""
        self.drive(i, supports, "executed", 1)

    @rule(delta=st.sampled_from(WARPS))
    def warp(self, delta):
        self._warp_to(self.t + delta)

    # ------------------------------------------------------------ claims and refunds

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
        """Everyone takes what is theirs: all claims after a launch, all refunds after a failure.
        A creator without creator shares tries too (and must be told there is nothing to claim)."""
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
        assert self.fmc.balanceOf(self.launchpad) == self._open_held() == self.launchpad.total_held()

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
                self._assert_refundable(c)


def test_launchpad_state_machine(
    project, launchpad, governor, fmc, treasury, registry, deployer, alice, bob, carol, dave, erin
):
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
