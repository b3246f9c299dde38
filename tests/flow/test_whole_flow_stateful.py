"""The whole FameEngine economy, property-based: one hypothesis RuleBasedStateMachine
over the contracts deployed exactly as in production (`scripts/deploy.py::deploy_all`:
the timelock owns everything, the governor is its only proposer/executor; the short
governance periods of the local dev chain), checked against a small Python model.

Rules (any order, any account): propose a persona through the launchpad, contribute
FMC, vote, travel in time, queue, execute (= launch), a `drive` rule that walks one
campaign through its whole life, refunds of failed campaigns, share claims, revenue
payments in ETH (plain transfers to the persona's share token) and in FMC, share
transfers, revenue claims, protocol-fee withdrawals,
staking-reward funding BY THE TIMELOCK, performance scores BY THE ORACLE, staking
with every lock option, reward claims, withdrawals (early ones must revert), and
parameter changes attempted by ordinary accounts (must revert).

Two privileged callers are impersonated with `anvil_impersonateAccount` instead of
being reached through their real paths:
  * the timelock, to fund staking rewards (`fund(amount, duration)` from the DAO's
    own FMC budget; a full proposal per funding would cost six transactions and
    several time jumps per step and is already covered by the governance tests);
  * the EngagementOracle (the staking `updater` after the deploy), to set
    performance scores (a real oracle report needs the operators' signed rounds,
    tested in tests/oracle/). Without scores no reward would ever be streamed.

Invariants, in words, checked after every step:
  * FMC is conserved: every FMC holder (the accounts, the deployer, the timelock,
    the launchpad, the treasury, the staking contract, every share token) holds exactly
    what the model says, these add up to totalSupply, and totalSupply never moves.
    The contracts' expected holdings are also derived from their own books: the
    launchpad holds the open, unrefunded contributions (= its `total_held`), the
    treasury the raises of launched personas, the staking contract
    staked + funded - paid, each share token the FMC revenue paid to its persona -
    claimed - fees sent;
  * a contributor to a failed campaign can always withdraw exactly what they gave
    (the refund is simulated with eth_call for every such contributor);
  * for every persona, the share balances add up to the share supply, which is
    what the model minted and at most the declared supply;
  * revenue is solvent: for every persona, in ETH and in FMC, everything claimable
    by every holder + the protocol fees owed never exceed what its share token
    holds, and that is exactly paid - claimed - fees withdrawn;
  * staking rewards paid never exceed rewards funded (and both, and the total
    staked, equal the model's);
  * nobody withdraws before unlock: an early withdraw reverts (in the rule) and
    every closed position was closed at or after its unlock time;
  * a vote's weight equals getPastVotes(voter, proposal snapshot) (at the vote,
    and again after every later step), and the governor's tallies are the sums of
    the recorded weights; each proposal's state is the model's;
  * only the timelock changes parameters: every DAO parameter and every owner is
    what the deploy left (ordinary accounts' attempts revert, in their rule).

Each example starts from a chain snapshot and restores it at teardown; the loaded
hypothesis profile (tests/conftest.py) decides examples and steps.
"""

from collections import Counter
from types import SimpleNamespace

from ape import chain
from eth_abi import decode as abi_decode
from eth_abi import encode as abi_encode
from eth_utils import keccak, to_checksum_address
from gov_helpers import (
    E18,
    MAX_UINT,
    PHASE_FAILED,
    PHASE_FUNDING,
    PHASE_LAUNCHED,
    SHARES_PER_PERSONA,
    CampaignRules,
    encode_call,
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

ETH = "0x0000000000000000000000000000000000000000"
DAY = 86_400
MAX_CAMPAIGNS = 3
GOALS = [1_000 * E18, 40_000 * E18, 20_000_000 * E18]
AMOUNTS = [1, E18 + 7, 500 * E18, 25_000 * E18, 1_000_000 * E18]
ETH_AMOUNTS = [1, 10**15 + 3, 10**18]
WARPS = [1, 61, 3_601, DAY, 15 * DAY, 31 * DAY, 91 * DAY]
LOCK_DURATIONS = [0, 30 * DAY, 90 * DAY, 180 * DAY, 365 * DAY]
_LENS_READ = keccak(text="read((address,bytes)[])")[:4]


def _a(x) -> str:
    return to_checksum_address(str(x.address if hasattr(x, "address") else x))


class WholeFlowMachine(CampaignRules, RuleBasedStateMachine):
    """Class attributes are set by the test function. The campaign rules are
    gov_helpers.CampaignRules, kept here against books of every FMC and share
    balance (the hooks below) and followed by the revenue and staking rules."""

    at = {}
    project = None
    actors = []  # alice, bob, carol, dave
    deployer = None
    reached = Counter()  # what the run got to do (printed at the end, `-s` shows it)
    queue_sender, execute_sender = 3, 2  # dave queues, carol executes: anyone may

    def __init__(self):
        super().__init__()
        self.w3 = self.tx.w3
        at = self.at
        self.fmc, self.governor, self.timelock = at["FMC"], at["FameGovernor"], at["FameTimelock"]
        self.launchpad, self.treasury, self.registry = (
            at["PersonaLaunchpad"],
            at["PersonaTreasury"],
            at["PersonaRegistry"],
        )
        self.revenue, self.staking, self.oracle, self.lens = (
            at["RevenueConfig"],
            at["PersonaStaking"],
            at["EngagementOracle"],
            at["MockLens"],
        )
        self.dao = SimpleNamespace(address=_a(self.timelock))  # impersonated
        self.oracle_sender = SimpleNamespace(address=_a(self.oracle))  # impersonated
        self.addr = [_a(x) for x in self.actors]
        self.holders = [
            *self.addr,
            _a(self.deployer),
            _a(self.timelock),
            _a(self.launchpad),
            _a(self.treasury),
            _a(self.staking),
        ]  # + each share token, from its launch
        self.supply = self.fmc.totalSupply()
        balances = self._read([(self.fmc, "balanceOf", (h,)) for h in self.holders])
        self.fmc_bal = dict(zip(self.holders, balances, strict=True))
        assert sum(self.fmc_bal.values()) == self.supply
        # the model's parameters, as the deploy set them (only_the_timelock_changes_parameters keeps them)
        self.quorum = self.governor.quorum(self.t - 1)
        self.voting_delay, self.voting_period = self.governor.votingDelay(), self.governor.votingPeriod()
        self.threshold = self.governor.proposalThreshold()
        self.max_creator_bps = self.launchpad.max_creator_allocation_bps()
        self.timelock_delay = self.timelock.get_minimum_delay()
        self.personas = self.registry.persona_count()
        self.votes = []  # (campaign, voter address, snapshot, weight)
        # revenue: per (share token, asset), filled at each launch
        self.rev_paid, self.rev_claimed, self.fees_sent = {}, {}, {}
        # staking
        self.positions = {}  # id -> dict(owner, persona, amount, unlock_at, closed_at)
        self.funded = 0
        self.paid = 0
        self.params = self._params()

    # ------------------------------------------------------------ helpers

    def _read(self, calls):
        """uint256 views in batches of one eth_call each (MockLens); a call is
        (contract, method, args), or ("eth", address) for an ETH balance."""
        payload = []
        for c in calls:
            if c[0] == "eth":
                payload.append((_a(self.lens), encode_call(self.lens, "eth_balance", c[1])))
            else:
                payload.append((_a(c[0]), encode_call(c[0], c[1], *c[2])))
        out = []
        for i in range(0, len(payload), 96):
            data = _LENS_READ + abi_encode(["(address,bytes)[]"], [payload[i : i + 96]])
            ret = self.w3.eth.call({"to": _a(self.lens), "data": data})
            out += abi_decode(["uint256[]"], ret)[0]
        return out

    def _params(self):
        """Every DAO parameter and owner the deploy set (none may change here)."""
        s, g, lp = self.staking, self.governor, self.launchpad
        calls = [
            (g, "votingDelay", ()),
            (g, "votingPeriod", ()),
            (g, "proposalThreshold", ()),
            (g, "quorumNumerator", ()),
            (lp, "max_creator_allocation_bps", ()),
            (self.revenue, "fee_bps", ()),
            (self.revenue, "fee_recipient", ()),
            (s, "updater", ()),
            (s, "lock_option_count", ()),
            (self.timelock, "get_minimum_delay", ()),
        ]
        calls += [(c, "owner", ()) for c in (self.fmc, self.registry, self.treasury, self.revenue, s)]
        calls += [(s, "multiplier", (i,)) for i in range(len(LOCK_DURATIONS))]
        return self._read(calls)

    def _open_positions(self):
        return sorted(pid for pid, p in self.positions.items() if p["closed_at"] is None)

    # ------------------------------------------------------------ the campaign rules' books and hooks
    # The books are checked against the chain after every step (fmc_is_conserved,
    # share_balances_add_up_to_the_supply); the rules read them instead of the chain
    # to save the calls.

    def _fmc_of(self, a):
        return self.fmc_bal[a]

    def _shares_of(self, c, a):
        return c.shares.get(a, 0)

    def _move_fmc(self, src, dst, amount):
        self.fmc_bal[_a(src)] -= amount
        self.fmc_bal[_a(dst)] += amount

    def _on_voted(self, c, a, weight):
        self.reached["vote"] += 1
        self.votes.append((c, a, c.p.snapshot, weight))

    def _on_launched(self, c):
        """The share token takes the DAO's revenue settings, holds FMC revenue from now
        on (a holder in the books) and is approved by everyone (FMC revenue is paid with
        PersonaShare.pay, a transferFrom)."""
        assert c.share.revenue_config() == _a(self.revenue)
        share = _a(c.share)
        self.holders.append(share)
        self.fmc_bal[share] = 0
        for asset in (ETH, _a(self.fmc)):
            self.rev_paid[share, asset] = self.rev_claimed[share, asset] = self.fees_sent[share, asset] = 0
        for acct in self.actors:
            self.tx.ok(self.fmc, "approve", c.share, MAX_UINT, sender=acct)
        self.reached["launch"] += 1

    def _on_claimed(self, c, a, amount):
        self.reached["claim shares"] += 1

    def _on_refunded(self, c, a, amount):
        self.reached["refund"] += 1

    # ------------------------------------------------------------ campaigns and governance

    def _drive(self, c, supports, stop, fund):
        """Walks c's proposal forward: the missing FMC is contributed (fund=True),
        the four accounts vote `supports` (None: no vote), then it goes as far as
        `stop`."""
        if fund and self._phase(c, self.t + 1) == PHASE_FUNDING and c.raised < c.goal:
            giver = max(range(len(self.actors)), key=lambda i: self.fmc_bal[self.addr[i]])
            self._contribute(c, giver, c.goal - c.raised)
        self._walk(c, supports, stop)

    @initialize()
    def first_persona(self):
        """Every example starts with one persona launched by the DAO (alice
        proposes, alice and bob fund and vote For) and its shares claimed, so that
        the revenue and staking rules have something to work on from step one."""
        self._propose(0, 1_000 * E18, 500)
        c = self.campaigns[-1]
        self._contribute(c, 0, 400 * E18)
        self._contribute(c, 1, 600 * E18)
        self._drive(c, [1, 1, None, None], "executed", False)
        assert c.status == "launched"
        for who in range(len(self.actors)):
            if self._claimable_shares(c, self.addr[who])[1]:
                self._claim(c, who)
        self.fund_staking(100_000 * E18, 30)
        self.set_performance(0, 10**18)

    @precondition(lambda self: len(self.campaigns) < MAX_CAMPAIGNS)
    @rule(who=st.integers(0, 3), goal=st.sampled_from(GOALS), bps=st.sampled_from([0, 777, 1_000, 1_001]))
    def propose_persona(self, who, goal, bps):
        self._propose(who, goal, bps)

    @rule(i=st.integers(0, MAX_CAMPAIGNS - 1), who=st.integers(0, 3), amount=st.sampled_from(AMOUNTS))
    def contribute(self, i, who, amount):
        self._contribute(self._pick(i), who, amount)

    @rule(i=st.integers(0, MAX_CAMPAIGNS - 1), v=st.integers(0, 3), support=st.integers(0, 2))
    def vote(self, i, v, support):
        self._vote(self._pick(i), v, support)

    @rule(delta=st.sampled_from(WARPS))
    def warp(self, delta):
        self._warp_to(self.t + delta)

    @rule(i=st.integers(0, MAX_CAMPAIGNS - 1))
    def queue(self, i):
        self._queue(self._pick(i), self.queue_sender)

    @rule(i=st.integers(0, MAX_CAMPAIGNS - 1))
    def execute(self, i):
        self._execute(self._pick(i), self.execute_sender)

    @rule(
        i=st.integers(0, MAX_CAMPAIGNS - 1),
        goal=st.sampled_from(GOALS),
        supports=st.lists(st.sampled_from([1, None, 0, 1, 2]), min_size=4, max_size=4),
        stop=st.sampled_from(["executed", "voted", "queued", "executed", "expired", "settled"]),
        fund=st.sampled_from([True, True, False]),
    )
    def drive(self, i, goal, supports, stop, fund):
        """A campaign that is not launched yet (bob opens one with `goal` if there is
        none and there is room) is walked through the sequences the single rules
        rarely string together: funded to its goal (fund=True), voted, then taken as
        far as `stop`; "settled" ends the vote and lets everyone claim or refund."""
        pending = [c for c in self.campaigns if c.status != "launched"]
        if not pending and len(self.campaigns) < MAX_CAMPAIGNS:
            self._propose(1, goal, 0)
            pending = [c for c in self.campaigns if c.status != "launched"]
        if not pending:
            return
        c = pending[i % len(pending)]
        if stop == "settled":
            self._drive(c, supports, "voted", fund)
            self._warp_to(c.p.deadline + 1)
            self.settle(self.campaigns.index(c))
        else:
            self._drive(c, supports, stop, fund)

    # ------------------------------------------------------------ shares and refunds

    @rule(i=st.integers(0, MAX_CAMPAIGNS - 1), who=st.integers(0, 3))
    def claim_shares(self, i, who):
        self._claim(self._pick(i), who)

    @rule(i=st.integers(0, MAX_CAMPAIGNS - 1), who=st.integers(0, 3))
    def refund(self, i, who):
        self._refund(self._pick(i), who)

    @rule(i=st.integers(0, MAX_CAMPAIGNS - 1))
    def settle(self, i):
        """Everyone takes what is theirs: every share claim after a launch, every refund after a failure."""
        c = self._pick(i)
        phase = self._phase(c, self.t + 1)
        for who, a in enumerate(self.addr):
            if phase == PHASE_LAUNCHED and self._claimable_shares(c, a)[1]:
                self._claim(c, who)
            elif phase == PHASE_FAILED and c.given.get(a, 0) > 0:
                self._refund(c, who)

    @precondition(lambda self: self._launched())
    @rule(
        i=st.integers(0, MAX_CAMPAIGNS - 1),
        src=st.integers(0, 3),
        dst=st.integers(0, 3),
        part=st.sampled_from([1, 2, 3]),
    )
    def transfer_shares(self, i, src, dst, part):
        """src sends dst all (part=1), half (2) or a third (3) of its shares of a persona."""
        launched = self._launched()
        c = launched[i % len(launched)]
        a, b = self.addr[src], self.addr[dst]
        amount = c.shares.get(a, 0) // part
        if amount == 0:
            return
        self._tx_time()
        self.tx.ok(c.share, "transfer", b, amount, sender=self.actors[src])
        c.shares[a] -= amount
        c.shares[b] = c.shares.get(b, 0) + amount
        self.reached["share transfer"] += 1
        self._sync()

    # ------------------------------------------------------------ revenue

    @precondition(lambda self: self._launched())
    @rule(i=st.integers(0, MAX_CAMPAIGNS - 1), payer=st.integers(0, 3), amount=st.sampled_from(ETH_AMOUNTS))
    def pay_eth(self, i, payer, amount):
        launched = self._launched()
        c = launched[i % len(launched)]
        self._tx_time()
        tx_hash = self.w3.eth.send_transaction(
            {
                "from": self.addr[payer],
                "to": _a(c.share),
                "value": amount,
                "gas": 100_000,
                "maxFeePerGas": 10**12,
                "maxPriorityFeePerGas": 0,
            }
        )
        assert self.w3.eth.wait_for_transaction_receipt(tx_hash, timeout=120, poll_latency=0.005)["status"] == 1
        self.rev_paid[_a(c.share), ETH] += amount
        self.reached["revenue paid ETH"] += 1
        self._sync()

    @precondition(lambda self: self._launched())
    @rule(i=st.integers(0, MAX_CAMPAIGNS - 1), payer=st.integers(0, 3), amount=st.sampled_from(AMOUNTS))
    def pay_fmc(self, i, payer, amount):
        launched = self._launched()
        c = launched[i % len(launched)]
        f, a = _a(self.fmc), self.addr[payer]
        amount = min(amount, self.fmc_bal[a])
        if amount == 0:
            return
        self._tx_time()
        self.tx.ok(c.share, "pay", f, amount, sender=self.actors[payer])
        self._move_fmc(a, c.share, amount)
        self.rev_paid[_a(c.share), f] += amount
        self._sync()

    @precondition(lambda self: self._launched())
    @rule(i=st.integers(0, MAX_CAMPAIGNS - 1), who=st.integers(0, 3), fmc=st.booleans())
    def claim_revenue(self, i, who, fmc):
        """Pays exactly what `claimable` said just before; reverts when that is zero."""
        launched = self._launched()
        c = launched[i % len(launched)]
        asset, a = (_a(self.fmc) if fmc else ETH), self.addr[who]
        method, args = ("claim_token", (asset,)) if fmc else ("claim", ())
        expected = c.share.claimable_token(asset, a) if fmc else c.share.claimable(a)
        self._tx_time()
        if expected == 0:
            self.tx.reverts(c.share, method, *args, sender=self.actors[who], reason="revenue: nothing to claim")
        else:
            assert self.tx.ok(c.share, method, *args, sender=self.actors[who], returns=["uint256"]) == expected
            self.rev_claimed[_a(c.share), asset] += expected
            self.reached["revenue claim " + ("FMC" if fmc else "ETH")] += 1
            if fmc:
                self._move_fmc(c.share, a, expected)
        self._sync()

    @precondition(lambda self: self._launched())
    @rule(i=st.integers(0, MAX_CAMPAIGNS - 1))
    def everyone_claims_revenue(self, i):
        """Every account claims both assets of a persona (nothing-to-claim ones must revert)."""
        for who in range(len(self.actors)):
            for fmc in (False, True):
                self.claim_revenue(i, who, fmc)

    @precondition(lambda self: self._launched())
    @rule(i=st.integers(0, MAX_CAMPAIGNS - 1), who=st.integers(0, 3), fmc=st.booleans())
    def withdraw_fees(self, i, who, fmc):
        """Anyone sends a persona's protocol fees to the fee recipient (the timelock): exactly
        what `fees_owed` said just before; reverts when that is zero."""
        launched = self._launched()
        c = launched[i % len(launched)]
        asset = _a(self.fmc) if fmc else ETH
        owed = c.share.fees_owed(asset)
        self._tx_time()
        if owed == 0:
            self.tx.reverts(c.share, "withdraw_fees", asset, sender=self.actors[who], reason="revenue: no fees")
        else:
            assert self.tx.ok(c.share, "withdraw_fees", asset, sender=self.actors[who], returns=["uint256"]) == owed
            if fmc:
                self._move_fmc(c.share, self.timelock, owed)
            self.fees_sent[_a(c.share), asset] += owed
            self.reached["fees withdrawn"] += 1
        self._sync()

    # ------------------------------------------------------------ staking

    @rule(amount=st.sampled_from([E18, 1_000 * E18 + 1, 100_000 * E18]), days=st.integers(1, 30))
    def fund_staking(self, amount, days):
        """The DAO (timelock, impersonated) restarts the reward stream with more FMC."""
        amount = min(amount, self.fmc_bal[_a(self.timelock)])
        if amount == 0:
            return
        self._tx_time()
        self.tx.ok(self.staking, "fund", amount, days * DAY, sender=self.dao)
        self.funded += amount
        self.reached["staking funded"] += 1
        self._move_fmc(self.timelock, self.staking, amount)
        self._sync()

    @precondition(lambda self: self._launched())
    @rule(i=st.integers(0, MAX_CAMPAIGNS - 1), score=st.sampled_from([0, 1, 7, 10**18]))
    def set_performance(self, i, score):
        """The oracle (impersonated) scores a persona; rewards follow the scores."""
        launched = self._launched()
        c = launched[i % len(launched)]
        self._tx_time()
        self.tx.ok(self.staking, "set_performance", [c.persona_id], [score], sender=self.oracle_sender)
        self._sync()

    @precondition(lambda self: self._launched())
    @rule(
        i=st.integers(0, MAX_CAMPAIGNS - 1),
        who=st.integers(0, 3),
        amount=st.sampled_from(AMOUNTS),
        lock=st.integers(0, 4),
    )
    def stake(self, i, who, amount, lock):
        launched = self._launched()
        c = launched[i % len(launched)]
        a = self.addr[who]
        amount = min(amount, self.fmc_bal[a])
        if amount == 0:
            return
        t = self._tx_time()
        pos = self.tx.ok(
            self.staking, "stake", c.persona_id, amount, lock, sender=self.actors[who], returns=["uint256"]
        )
        assert pos not in self.positions
        self.reached["stake"] += 1
        self.positions[pos] = dict(
            owner=who, persona=c.persona_id, amount=amount, unlock_at=t + LOCK_DURATIONS[lock], closed_at=None
        )
        self._move_fmc(a, self.staking, amount)
        self._sync()

    @precondition(lambda self: self._open_positions())
    @rule(k=st.integers(0, 31), stranger=st.integers(0, 5))
    def claim_stake_rewards(self, k, stranger):
        """The owner claims a position's rewards (locked or not); someone else's claim reverts."""
        open_ = self._open_positions()
        pid = open_[k % len(open_)]
        p = self.positions[pid]
        self._tx_time()
        if stranger < 4 and stranger != p["owner"]:
            self.tx.reverts(
                self.staking, "claim", pid, sender=self.actors[stranger], reason="staking: not position owner"
            )
        else:
            reward = self.tx.ok(self.staking, "claim", pid, sender=self.actors[p["owner"]], returns=["uint256"])
            self.reached["reward claim" + (" (paid)" if reward else " (zero)")] += 1
            self.paid += reward
            self._move_fmc(self.staking, self.addr[p["owner"]], reward)
        self._sync()

    def _withdraw(self, pid):
        p = self.positions[pid]
        t = self._tx_time()
        if t < p["unlock_at"]:
            self.tx.reverts(
                self.staking, "withdraw", pid, sender=self.actors[p["owner"]], reason="staking: position locked"
            )
            self.reached["early withdraw refused"] += 1
        else:
            reward = self.tx.ok(self.staking, "withdraw", pid, sender=self.actors[p["owner"]], returns=["uint256"])
            self.paid += reward
            self._move_fmc(self.staking, self.addr[p["owner"]], p["amount"] + reward)
            p["closed_at"] = t
            self.reached["withdraw" + (" with reward" if reward else "")] += 1
        self._sync()

    @precondition(lambda self: self._open_positions())
    @rule(k=st.integers(0, 31))
    def withdraw(self, k):
        """Withdraw now: reverts while locked, pays principal + rewards once unlocked."""
        open_ = self._open_positions()
        self._withdraw(open_[k % len(open_)])

    @precondition(lambda self: self._open_positions())
    @rule(k=st.integers(0, 31))
    def withdraw_after_unlock(self, k):
        """Travel to the position's unlock time (if needed), then withdraw."""
        open_ = self._open_positions()
        pid = open_[k % len(open_)]
        self._warp_to(self.positions[pid]["unlock_at"] - 1)
        self._withdraw(pid)

    # ------------------------------------------------------------ parameters

    @rule(who=st.integers(0, 4), which=st.integers(0, 12))
    def parameter_change_by_outsider(self, who, which):
        """Any account but the timelock (the deployer included) fails to change a parameter."""
        acct = self.actors[who] if who < 4 else self.deployer
        a = _a(acct)
        g, lp, sp, s = self.governor, self.launchpad, self.revenue, self.staking
        not_gov, not_owner = "governor: caller is not the timelock", "ownable: caller is not the owner"
        attempts = [
            (g, "setVotingDelay", (1,), not_gov),
            (g, "setProposalThreshold", (0,), not_gov),
            (g, "updateQuorumNumerator", (1,), not_gov),
            (g, "set_launchpad", (a,), not_gov),
            (lp, "set_max_creator_allocation_bps", (3_000,), "launchpad: caller is not the timelock"),
            (sp, "set_fee_bps", (0,), not_owner),
            (sp, "set_fee_recipient", (a,), not_owner),
            (s, "set_lock_option", (0, 0, 50_000, True), not_owner),
            (s, "set_updater", (a,), not_owner),
            (self.timelock, "update_delay", (0,), "timelock_controller: caller must be timelock"),
            (self.fmc, "set_minter", (a, True), not_owner),
            (self.fmc, "mint", (a, E18), "fmc: caller is not a minter"),
            (self.registry, "set_registrar", (a,), not_owner),
        ]
        contract, method, args, reason = attempts[which]
        self._tx_time()
        self.tx.reverts(contract, method, *args, sender=acct, reason=reason)
        self._sync()

    # ------------------------------------------------------------ invariants

    @invariant()
    def fmc_is_conserved(self):
        """Every holder has what the model says; together they hold the whole, unchanged supply;
        each contract's holding also follows from its own books."""
        calls = [(self.fmc, "balanceOf", (h,)) for h in self.holders] + [
            (self.fmc, "totalSupply", ()),
            (self.launchpad, "total_held", ()),
        ]
        *balances, total, held = self._read(calls)
        assert dict(zip(self.holders, balances, strict=False)) == self.fmc_bal
        assert sum(balances) == total == self.supply
        assert self.fmc_bal[_a(self.launchpad)] == self._open_held() == held
        assert self.fmc_bal[_a(self.treasury)] == sum(c.raised for c in self._launched())
        staked = sum(p["amount"] for p in self.positions.values() if p["closed_at"] is None)
        assert self.fmc_bal[_a(self.staking)] == staked + self.funded - self.paid
        f = _a(self.fmc)
        for c in self._launched():
            k = (_a(c.share), f)
            assert self.fmc_bal[_a(c.share)] == self.rev_paid[k] - self.rev_claimed[k] - self.fees_sent[k]

    @invariant()
    def failed_campaign_contributors_can_withdraw_exactly_what_they_gave(self):
        for c in self.campaigns:
            if self._phase(c, self.t) == PHASE_FAILED:
                self._assert_refundable(c)

    @invariant()
    def share_balances_add_up_to_the_supply(self):
        for c in self._launched():
            values = self._read([(c.share, "balanceOf", (a,)) for a in self.addr] + [(c.share, "totalSupply", ())])
            *balances, supply = values
            assert balances == [c.shares.get(a, 0) for a in self.addr]
            assert sum(balances) == supply == c.minted <= SHARES_PER_PERSONA

    @invariant()
    def revenue_is_solvent(self):
        for c in self._launched():
            share = _a(c.share)
            for asset in (ETH, _a(self.fmc)):
                if asset == ETH:
                    calls = [(c.share, "claimable", (a,)) for a in self.addr] + [("eth", share)]
                else:
                    calls = [(c.share, "claimable_token", (asset, a)) for a in self.addr] + [
                        (self.fmc, "balanceOf", (share,))
                    ]
                calls.append((c.share, "fees_owed", (asset,)))
                *owed, balance, fees = self._read(calls)
                k = (share, asset)
                assert balance == self.rev_paid[k] - self.rev_claimed[k] - self.fees_sent[k]
                assert sum(owed) + fees <= balance

    @invariant()
    def staking_pays_no_more_than_funded_and_nobody_left_early(self):
        funded, paid, staked = self._read(
            [(self.staking, m, ()) for m in ("total_funded", "total_paid", "total_staked")]
        )
        assert (funded, paid) == (self.funded, self.paid)
        assert paid <= funded
        assert staked == sum(p["amount"] for p in self.positions.values() if p["closed_at"] is None)
        for p in self.positions.values():
            assert p["closed_at"] is None or p["closed_at"] >= p["unlock_at"]

    @invariant()
    def votes_weigh_the_past_votes_at_the_snapshot(self):
        if self.votes:
            past = self._read([(self.fmc, "getPastVotes", (a, snapshot)) for _, a, snapshot, _ in self.votes])
            assert past == [weight for *_, weight in self.votes]
        states = self._read([(self.governor, "state", (c.p.pid,)) for c in self.campaigns])
        assert states == [self._state(c.p, self.t) for c in self.campaigns]
        for c in self.campaigns:
            if c.p.voted:
                against, for_, abstain = self.governor.proposalVotes(c.p.pid)
                assert [against, for_, abstain] == c.p.tally

    @invariant()
    def only_the_timelock_changes_parameters(self):
        assert self._params() == self.params


def test_whole_flow_state_machine(project, economy, deployer, alice, bob, carol, dave):
    from gov_helpers import FastTx

    w3 = chain.provider.web3
    timelock, oracle = economy["FameTimelock"], economy["EngagementOracle"]
    # the deploy left the roles where production has them
    assert all(
        economy[n].owner() == timelock.address
        for n in ("FMC", "PersonaRegistry", "PersonaTreasury", "RevenueConfig", "PersonaStaking")
    )
    assert economy["PersonaStaking"].updater() == oracle.address
    assert economy["Reputation"].oracle() == oracle.address
    assert economy["RevenueConfig"].fee_recipient() == timelock.address
    for who in (timelock, oracle):
        w3.provider.make_request("anvil_impersonateAccount", [str(who.address)])
        w3.provider.make_request("anvil_setBalance", [str(who.address), hex(100 * E18)])
    tx = FastTx()
    for acct in (alice, bob, carol, dave):
        for spender in ("PersonaLaunchpad", "PersonaStaking"):
            tx.ok(economy["FMC"], "approve", economy[spender], MAX_UINT, sender=acct)
    tx.ok(
        economy["FMC"],
        "approve",
        economy["PersonaStaking"],
        MAX_UINT,
        sender=SimpleNamespace(address=str(timelock.address)),
    )
    WholeFlowMachine.at = economy
    WholeFlowMachine.project = project
    WholeFlowMachine.actors = [alice, bob, carol, dave]
    WholeFlowMachine.deployer = deployer
    WholeFlowMachine.reached.clear()
    try:
        run_state_machine_as_test(WholeFlowMachine)
        print("whole flow, what the run got to do:", dict(sorted(WholeFlowMachine.reached.items())))
    finally:
        for who in (timelock, oracle):
            w3.provider.make_request("anvil_stopImpersonatingAccount", [str(who.address)])
