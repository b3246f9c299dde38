"""ContentMarket, property-based: a hypothesis RuleBasedStateMachine against a Python model.

The world: persona 1 (active), two requesters (alice, bob), two workers (worker_a bonded to
start with, worker_b unbonded), the owner settling disputes, and a clock that the machine
moves (blocks are exactly 1 s apart unless a rule travels, so the model knows the timestamp
of every transaction in advance).

Rules: request, claim, fulfil, release, reject, settle_dispute (refund / slash / release),
refund, cancel, reopen, bond, unbond, travel. Every rule is also tried when the model says
it must fail: the contract must then revert and change nothing.

Invariants, checked after every step:
  1. Escrow: the market's FMC balance == escrowed + bonded, exactly.
  2. Conservation of fees: fees paid in == paid out (worker + persona + protocol)
     + refunded to requesters + escrowed.
  3. Conservation of bonds: bonds deposited == bonded + withdrawn + slashed.
  4. Every request's status, worker and every worker's bond and open jobs equal the model.
  5. Nobody is stuck: every unsettled request has a path out now or after some time
     (release, dispute settlement, claim/fulfil, refund or cancel), per the model.
"""

import ape
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test
from market_helpers import (
    BRIEF,
    CANCELLED,
    CHALLENGE,
    CLAIM_TTL,
    CLAIMED,
    CONTENT,
    DAY,
    DISPUTED,
    E18,
    FULFILLED,
    MANIFEST,
    MIN_BOND,
    MIN_FEE,
    OPEN,
    REFUNDED,
    RELEASED,
    SLASH_AMOUNT,
    split,
)

FEES = st.one_of(st.just(MIN_FEE), st.integers(MIN_FEE, 10_000 * E18), st.integers(MIN_FEE, MIN_FEE + 10**6))
REFUND, SLASH, RELEASE = 1, 2, 3
SETTLED = (RELEASED, REFUNDED, CANCELLED)


class MarketModel:
    def __init__(self, workers):
        self.requests = {}  # id -> dict
        self.bond = dict.fromkeys(workers, 0)
        self.fees_in = self.paid = self.refunded = 0
        self.bonds_in = self.bonds_out = self.slashed = 0

    def escrowed(self):
        return sum(r["fee"] for r in self.requests.values() if r["status"] not in SETTLED)

    def open_jobs(self, w):
        return sum(
            1 for r in self.requests.values() if r["worker"] == w and r["status"] in (CLAIMED, FULFILLED, DISPUTED)
        )

    @staticmethod
    def live_claim(r, t):
        return r["status"] == CLAIMED and t < r["claim_expires"]

    def claimable(self, r, t):
        return (r["status"] == OPEN or (r["status"] == CLAIMED and t >= r["claim_expires"])) and t < r["deadline"]

    def drop_claim(self, r):
        if r["status"] == CLAIMED:
            r["worker"] = None


def test_market_state_machine(chain, market, fmc, deployer, alice, bob, carol, worker_a, worker_b, fee_sink, payee):
    """Runs MarketMachine under the loaded hypothesis profile (see the module docstring)."""
    requesters = [alice, bob]
    workers = [worker_a, worker_b]
    w3 = chain.provider.web3
    R = st.integers(0, 1)
    W = st.integers(0, 1)

    def t_next():
        # Blocks are 1 s apart (anvil_setBlockTimestampInterval): the next transaction's time.
        return chain.blocks.head.timestamp + 1

    class MarketMachine(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.snapshot = chain.snapshot()
            w3.provider.make_request("anvil_setBlockTimestampInterval", [1])
            self.m = MarketModel(range(2))
            self.start = {"fmc_sink": fmc.balanceOf(fee_sink), "payee": fmc.balanceOf(payee)}
            market.bond(MIN_BOND, sender=worker_a)
            self.m.bond[0] = MIN_BOND
            self.m.bonds_in = MIN_BOND

        def teardown(self):
            w3.provider.make_request("anvil_removeBlockTimestampInterval", [])
            chain.restore(self.snapshot)

        def ids(self):
            return sorted(self.m.requests)

        # ------------------------------------------------------------ requesters

        @rule(who=R, fee=FEES, deadline_in=st.sampled_from([CLAIM_TTL // 2, 2 * CLAIM_TTL, DAY]))
        def request(self, who, fee, deadline_in):
            t = t_next()
            receipt = market.request(1, BRIEF, 0, 255, fee, t + deadline_in, sender=requesters[who])
            rid = receipt.events.filter(market.RequestCreated)[0].request_id
            assert rid == len(self.m.requests) + 1
            self.m.requests[rid] = dict(
                requester=who,
                fee=fee,
                deadline=t + deadline_in,
                status=OPEN,
                worker=None,
                claim_expires=0,
                challenge_ends=0,
            )
            self.m.fees_in += fee

        @precondition(lambda self: self.m.requests)
        @rule(data=st.data())
        def reject(self, data):
            rid = data.draw(st.sampled_from(self.ids()), label="request")
            r, t = self.m.requests[rid], t_next()
            who = requesters[r["requester"]]
            if r["status"] == FULFILLED and t < r["challenge_ends"]:
                market.reject(rid, "off-brief", sender=who)
                r["status"] = DISPUTED
            else:
                with ape.reverts():
                    market.reject(rid, "off-brief", sender=who)

        @precondition(lambda self: self.m.requests)
        @rule(data=st.data())
        def refund(self, data):
            rid = data.draw(st.sampled_from(self.ids()), label="request")
            r, t = self.m.requests[rid], t_next()
            who = requesters[r["requester"]]
            ok = t > r["deadline"] and (r["status"] == OPEN or (r["status"] == CLAIMED and t >= r["claim_expires"]))
            if ok:
                before = fmc.balanceOf(who)
                market.refund(rid, sender=who)
                assert fmc.balanceOf(who) - before == r["fee"]
                self.m.drop_claim(r)
                r["status"] = REFUNDED
                self.m.refunded += r["fee"]
            else:
                with ape.reverts():
                    market.refund(rid, sender=who)

        @precondition(lambda self: self.m.requests)
        @rule(data=st.data())
        def cancel(self, data):
            rid = data.draw(st.sampled_from(self.ids()), label="request")
            r, t = self.m.requests[rid], t_next()
            who = requesters[r["requester"]]
            if r["status"] == OPEN or (r["status"] == CLAIMED and t >= r["claim_expires"]):
                market.cancel(rid, sender=who)
                self.m.drop_claim(r)
                r["status"] = CANCELLED
                self.m.refunded += r["fee"]
            else:
                with ape.reverts():
                    market.cancel(rid, sender=who)

        # ------------------------------------------------------------ workers

        @rule(w=W, amount=st.integers(1, 2 * MIN_BOND))
        def bond(self, w, amount):
            market.bond(amount, sender=workers[w])
            self.m.bond[w] += amount
            self.m.bonds_in += amount

        @rule(w=W, data=st.data())
        def unbond(self, w, data):
            amount = data.draw(st.integers(1, max(1, self.m.bond[w])), label="amount")
            if self.m.open_jobs(w) == 0 and amount <= self.m.bond[w]:
                market.unbond(amount, sender=workers[w])
                self.m.bond[w] -= amount
                self.m.bonds_out += amount
            else:
                with ape.reverts():
                    market.unbond(amount, sender=workers[w])

        @precondition(lambda self: self.m.requests)
        @rule(w=W, data=st.data())
        def claim(self, w, data):
            rid = data.draw(st.sampled_from(self.ids()), label="request")
            r, t = self.m.requests[rid], t_next()
            if self.m.bond[w] >= MIN_BOND and self.m.claimable(r, t):
                market.claim(rid, sender=workers[w])
                r.update(status=CLAIMED, worker=w, claim_expires=min(t + CLAIM_TTL, r["deadline"]))
            else:
                with ape.reverts():
                    market.claim(rid, sender=workers[w])

        @precondition(lambda self: self.m.requests)
        @rule(w=W, data=st.data())
        def fulfil(self, w, data):
            rid = data.draw(st.sampled_from(self.ids()), label="request")
            r, t = self.m.requests[rid], t_next()
            if r["status"] == CLAIMED and r["worker"] == w and t < r["claim_expires"]:
                market.fulfil(rid, CONTENT, MANIFEST, sender=workers[w])
                r.update(status=FULFILLED, challenge_ends=t + CHALLENGE)
            else:
                with ape.reverts():
                    market.fulfil(rid, CONTENT, MANIFEST, sender=workers[w])

        @precondition(lambda self: self.m.requests)
        @rule(by_worker=st.booleans(), data=st.data())
        def reopen(self, by_worker, data):
            rid = data.draw(st.sampled_from(self.ids()), label="request")
            r, t = self.m.requests[rid], t_next()
            caller = workers[r["worker"]] if by_worker and r["worker"] is not None else carol
            if r["status"] == CLAIMED and (caller != carol or t >= r["claim_expires"]):
                market.reopen(rid, sender=caller)
                r.update(status=OPEN, worker=None, claim_expires=0)
            else:
                with ape.reverts():
                    market.reopen(rid, sender=caller)

        # ------------------------------------------------------------ settlement

        def _pay_out(self, r):
            r["status"] = RELEASED
            self.m.paid += r["fee"]

        @precondition(lambda self: self.m.requests)
        @rule(data=st.data())
        def release(self, data):
            rid = data.draw(st.sampled_from(self.ids()), label="request")
            r, t = self.m.requests[rid], t_next()
            if r["status"] == FULFILLED and t >= r["challenge_ends"]:
                before = fmc.balanceOf(workers[r["worker"]])
                market.release(rid, sender=carol)
                assert fmc.balanceOf(workers[r["worker"]]) - before == split(r["fee"])[0]
                self._pay_out(r)
            else:
                with ape.reverts():
                    market.release(rid, sender=carol)

        @precondition(lambda self: any(r["status"] == DISPUTED for r in self.m.requests.values()))
        @rule(outcome=st.sampled_from([REFUND, SLASH, RELEASE]), data=st.data())
        def settle_dispute(self, outcome, data):
            rid = data.draw(st.sampled_from([i for i in self.ids() if self.m.requests[i]["status"] == DISPUTED]))
            r = self.m.requests[rid]
            market.settle_dispute(rid, outcome, sender=deployer)
            if outcome == RELEASE:
                self._pay_out(r)
                return
            if outcome == SLASH:
                cut = min(SLASH_AMOUNT, self.m.bond[r["worker"]])
                self.m.bond[r["worker"]] -= cut
                self.m.slashed += cut
            r["status"] = REFUNDED
            self.m.refunded += r["fee"]

        @rule(seconds=st.sampled_from([1, CLAIM_TTL // 2, CLAIM_TTL, CHALLENGE, DAY]))
        def travel(self, seconds):
            chain.mine(1, timestamp=chain.blocks.head.timestamp + seconds)

        # ------------------------------------------------------------ invariants

        @invariant()
        def escrow_and_conservation(self):
            m = self.m
            escrowed, bonded = market.escrowed(), market.bonded()
            # 1. escrow
            assert fmc.balanceOf(market) == escrowed + bonded
            # 2. fees
            assert escrowed == m.escrowed()
            assert m.fees_in == m.paid + m.refunded + escrowed
            # 3. bonds
            assert bonded == sum(m.bond.values())
            assert m.bonds_in == bonded + m.bonds_out + m.slashed

        @invariant()
        def records_match_the_model(self):
            # 4. statuses, workers, bonds, open jobs
            for rid, r in self.m.requests.items():
                on_chain = market.get_request(rid)
                assert on_chain.status == r["status"]
                if r["status"] in (CLAIMED, FULFILLED, DISPUTED):
                    assert on_chain.worker == workers[r["worker"]].address
            for w in range(2):
                record = market.worker(workers[w])
                assert record.bond == self.m.bond[w]
                assert record.open_jobs == self.m.open_jobs(w)

        @invariant()
        def nobody_is_stuck(self):
            # 5. each unsettled request has a way out (now or once time passes)
            for r in self.m.requests.values():
                if r["status"] in SETTLED:
                    continue
                assert r["status"] in (OPEN, CLAIMED, FULFILLED, DISPUTED)
                # OPEN / CLAIMED: refundable after the deadline (a claim never outlives it);
                # FULFILLED: releasable after the window; DISPUTED: the owner settles.
                if r["status"] == CLAIMED:
                    assert r["claim_expires"] <= r["deadline"]

    run_state_machine_as_test(MarketMachine)
