"""Revenue accounting, property-based: a hypothesis RuleBasedStateMachine against a model.

The world: two personas (LYRA, max supply 1e22; PICO, max supply 1000 so that
rounding matters), three holders (alice, bob, carol), two assets (ETH and FMC).
Rules: mint, transfer, transferFrom, burn (all calling the revenue hook), payments in
ETH and FMC (including while a persona has no shares), claims, claim_many, fee changes,
fee withdrawals, distribution of held revenue, and a mint past the declared supply
(must revert).

The model has two parts:
  * a reference implementation of the splitter's integer accounting (accumulator,
    checkpoints, owed amounts, held revenue, fees), which the contract must match
    exactly;
  * the holding history turned into each holder's exact pro-rata ENTITLEMENT, as a
    Fraction: for every distribution of D over supply S, each holder with b shares is
    entitled to b * D / S. This part knows nothing about accumulators: it is the
    specification.

Invariants, checked after every step (all values read in one eth_call via MockLens):
  1. Shares: sum of holder balances == totalSupply == model supply <= max_supply.
  2. Reference: each claimable, accumulator, held amount and accrued fee equals the model.
  3. Entitlement within the dust bound: for every holder, persona and asset,
         E - 1 - (sum of the holder's balances over distributions) / 1e36
             < claimed + claimable <= E.
  4. Solvency: for each asset, sum of claimables + held + accrued fees <= the splitter's
     balance, and the difference is exactly the sum over holders of (E - claimed -
     claimable), i.e. the sub-unit fractions (and nothing else) stay behind.
  5. Fees: accrued fees and what the fee recipient received equal the model's fees.

Each example starts from a chain snapshot and ends by restoring it. The loaded
hypothesis profile (tests/conftest.py) decides the number of examples and steps.
"""

from fractions import Fraction

import ape
import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from persona_helpers import ACC_SCALE, BPS, ETH, MAX_FEE_BPS

MAX_SUPPLIES = (10**22, 1_000)
ETH_AMOUNTS = st.one_of(st.integers(1, 1_000), st.integers(1, 10**19))
FMC_AMOUNTS = st.one_of(st.integers(1, 1_000), st.integers(1, 10**24))


class RevenueModel:
    """Reference accounting plus exact entitlements. Holders are indices 0..n-1, personas
    indices 0..m-1, assets are addresses."""

    def __init__(self, n_personas, n_holders, assets, fee_bps, max_supplies):
        self.P, self.H, self.A = range(n_personas), range(n_holders), list(assets)
        self.max_supply = max_supplies
        self.fee_bps = fee_bps
        self.bal = {(p, h): 0 for p in self.P for h in self.H}
        self.supply = {p: 0 for p in self.P}
        self.received = {p: [] for p in self.P}  # assets in order of first payment
        keys = [(p, a, h) for p in self.P for a in self.A for h in self.H]
        self.acc = {(p, a): 0 for p in self.P for a in self.A}
        self.held = {(p, a): 0 for p in self.P for a in self.A}
        self.ckpt = dict.fromkeys(keys, 0)
        self.owed = dict.fromkeys(keys, 0)
        self.claimed = dict.fromkeys(keys, 0)
        self.entitled = {k: Fraction(0) for k in keys}
        self.sum_b = dict.fromkeys(keys, 0)  # sum of the holder's balances over distributions
        self.fees = dict.fromkeys(self.A, 0)  # accrued, not withdrawn
        self.withdrawn = dict.fromkeys(self.A, 0)

    # -- reference implementation of the hook
    def _checkpoint(self, p, a, h):
        self.owed[p, a, h] += self.bal[p, h] * (self.acc[p, a] - self.ckpt[p, a, h])
        self.ckpt[p, a, h] = self.acc[p, a]

    def _hook(self, p, *hs):
        for a in self.received[p]:
            for h in hs:
                if h is not None:
                    self._checkpoint(p, a, h)

    # -- share movements
    def mint(self, p, h, amount):
        self._hook(p, h)
        self.bal[p, h] += amount
        self.supply[p] += amount

    def transfer(self, p, f, t, amount):
        self._hook(p, f, t)
        self.bal[p, f] -= amount
        self.bal[p, t] += amount

    def burn(self, p, h, amount):
        self._hook(p, h)
        self.bal[p, h] -= amount
        self.supply[p] -= amount

    # -- revenue
    def pay(self, p, a, amount):
        fee = amount * self.fee_bps // BPS
        self.fees[a] += fee
        if a not in self.received[p]:
            self.received[p].append(a)
        if self.supply[p] == 0:
            self.held[p, a] += amount - fee
        else:
            self.distribute(p, a, amount - fee)

    def distribute(self, p, a, net):
        d, S = net + self.held[p, a], self.supply[p]
        self.held[p, a] = 0
        self.acc[p, a] += d * ACC_SCALE // S
        for h in self.H:  # the specification: pro rata to balances at this moment
            b = self.bal[p, h]
            if b:
                self.entitled[p, a, h] += Fraction(b * d, S)
                self.sum_b[p, a, h] += b

    def claimable(self, p, a, h):
        return (self.owed[p, a, h] + self.bal[p, h] * (self.acc[p, a] - self.ckpt[p, a, h])) // ACC_SCALE

    def claim(self, p, a, h):
        self._checkpoint(p, a, h)
        amount = self.owed[p, a, h] // ACC_SCALE
        self.owed[p, a, h] -= amount * ACC_SCALE
        self.claimed[p, a, h] += amount
        return amount

    def withdraw_fees(self, a):
        amount, self.fees[a] = self.fees[a], 0
        self.withdrawn[a] += amount
        return amount


@pytest.fixture
def world(project, deployer, make_persona, splitter, fmc, fund, payer, launchpad, fee_sink):
    """Two fresh personas, a funded payer, the lens and the list of reads for the invariants."""
    personas = [
        make_persona(max_supply=MAX_SUPPLIES[0], name="Lyra", symbol="LYRA"),
        make_persona(max_supply=MAX_SUPPLIES[1], name="Pico", symbol="PICO"),
    ]
    fund(fmc, payer, 10**27)
    fmc.approve(splitter, 2**256 - 1, sender=payer)
    lens = project.MockLens.deploy(sender=deployer)
    return personas, lens


def test_revenue_state_machine(chain, world, splitter, fmc, payer, launchpad, fee_sink, owner, alice, bob, carol):
    """Runs RevenueMachine under the loaded hypothesis profile (see the module docstring)."""
    personas, lens = world
    holders = [alice, bob, carol]
    assets = [ETH, fmc.address]
    shares = [s for _, s in personas]
    pids = [p for p, _ in personas]
    fee_start = {ETH: fee_sink.balance, fmc.address: fmc.balanceOf(fee_sink)}

    # One batch of reads for all invariants: (label, target, calldata).
    reads = []
    for i, s in enumerate(shares):
        reads.append((("supply", i), s, s.totalSupply.encode_input()))
        for h, acct in enumerate(holders):
            reads.append((("bal", i, h), s, s.balanceOf.encode_input(acct)))
        for a in assets:
            reads.append((("acc", i, a), splitter, splitter.acc_per_share.encode_input(pids[i], a)))
            reads.append((("held", i, a), splitter, splitter.undistributed.encode_input(pids[i], a)))
            for h, acct in enumerate(holders):
                reads.append((("claimable", i, a, h), splitter, splitter.claimable.encode_input(pids[i], a, acct)))
    for a in assets:
        reads.append((("fees", a), splitter, splitter.fees_accrued.encode_input(a)))
    reads.append((("held_by_splitter", ETH), lens, lens.eth_balance.encode_input(splitter)))
    reads.append((("held_by_splitter", fmc.address), fmc, fmc.balanceOf.encode_input(splitter)))
    reads.append((("fee_sink", ETH), lens, lens.eth_balance.encode_input(fee_sink)))
    reads.append((("fee_sink", fmc.address), fmc, fmc.balanceOf.encode_input(fee_sink)))
    calls = [(t.address, bytes(d)) for _, t, d in reads]

    def read_all():
        return dict(zip((label for label, _, _ in reads), lens.read(calls)))

    P = st.integers(0, len(personas) - 1)
    H = st.integers(0, len(holders) - 1)
    A = st.sampled_from(assets)

    class RevenueMachine(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.snapshot = chain.snapshot()
            self.m = RevenueModel(len(personas), len(holders), assets, splitter.fee_bps(), MAX_SUPPLIES)

        def teardown(self):
            chain.restore(self.snapshot)

        # ------------------------------------------------------------ share movements

        @rule(p=P, h=H, data=st.data())
        def mint(self, p, h, data):
            """The launchpad mints within the declared supply."""
            room = self.m.max_supply[p] - self.m.supply[p]
            if room == 0:
                return
            amount = data.draw(st.one_of(st.integers(1, min(room, 100)), st.integers(1, room)), label="amount")
            shares[p].mint(holders[h], amount, sender=launchpad)
            self.m.mint(p, h, amount)

        @rule(p=P, h=H, excess=st.integers(1, 10**6))
        def mint_past_max_supply(self, p, h, excess):
            """Minting beyond max_supply reverts and changes nothing."""
            amount = self.m.max_supply[p] - self.m.supply[p] + excess
            with ape.reverts("shares: max supply exceeded"):
                shares[p].mint(holders[h], amount, sender=launchpad)

        @rule(p=P, f=H, t=H, data=st.data())
        def transfer(self, p, f, t, data):
            """A holder moves part or all of its shares (self-transfers included)."""
            amount = data.draw(st.integers(0, self.m.bal[p, f]), label="amount")
            shares[p].transfer(holders[t], amount, sender=holders[f])
            self.m.transfer(p, f, t, amount)

        @rule(p=P, f=H, t=H, data=st.data())
        def transfer_from(self, p, f, t, data):
            """The payer, approved by `f`, moves `f`'s shares to `t`."""
            amount = data.draw(st.integers(0, self.m.bal[p, f]), label="amount")
            shares[p].approve(payer, amount, sender=holders[f])
            shares[p].transferFrom(holders[f], holders[t], amount, sender=payer)
            self.m.transfer(p, f, t, amount)

        @rule(p=P, h=H, data=st.data())
        def burn(self, p, h, data):
            """A holder burns part or all of its shares."""
            amount = data.draw(st.integers(0, self.m.bal[p, h]), label="amount")
            shares[p].burn(amount, sender=holders[h])
            self.m.burn(p, h, amount)

        # ------------------------------------------------------------ revenue

        @rule(p=P, amount=ETH_AMOUNTS)
        def pay_eth(self, p, amount):
            splitter.pay_eth(pids[p], value=amount, sender=payer)
            self.m.pay(p, ETH, amount)

        @rule(p=P, amount=FMC_AMOUNTS)
        def pay_fmc(self, p, amount):
            splitter.pay(pids[p], fmc, amount, sender=payer)
            self.m.pay(p, fmc.address, amount)

        @precondition(lambda self: any(
            self.m.held[p, a] and self.m.supply[p] for p in self.m.P for a in self.m.A
        ))
        @rule(data=st.data())
        def distribute_held(self, data):
            """Anyone distributes revenue held while the supply was zero."""
            p, a = data.draw(st.sampled_from(
                [(p, a) for p in self.m.P for a in self.m.A if self.m.held[p, a] and self.m.supply[p]]
            ), label="persona, asset")
            splitter.distribute_held(pids[p], a, sender=carol)
            self.m.distribute(p, a, 0)

        @rule(p=P, h=H, a=A)
        def claim(self, p, h, a):
            """A holder claims: it receives exactly what the model says, or the call
            reverts when that is zero."""
            expected = self.m.claimable(p, a, h)
            if expected == 0:
                with ape.reverts("revenue: nothing to claim"):
                    splitter.claim(pids[p], a, sender=holders[h])
                return
            before = splitter.balance if a == ETH else fmc.balanceOf(splitter)
            splitter.claim(pids[p], a, sender=holders[h])
            after = splitter.balance if a == ETH else fmc.balanceOf(splitter)
            assert before - after == expected
            assert self.m.claim(p, a, h) == expected

        @rule(p=P, h=H)
        def claim_many(self, p, h):
            """claim_many pays every asset at once (zero amounts skipped)."""
            expected = [self.m.claimable(p, a, h) for a in assets]
            eth_before, fmc_before = splitter.balance, fmc.balanceOf(splitter)
            splitter.claim_many(pids[p], assets, sender=holders[h])
            assert [eth_before - splitter.balance, fmc_before - fmc.balanceOf(splitter)] == expected
            for a in assets:
                self.m.claim(p, a, h)

        # ------------------------------------------------------------ fees

        @rule(bps=st.one_of(st.just(0), st.just(MAX_FEE_BPS), st.integers(0, MAX_FEE_BPS)))
        def set_fee(self, bps):
            splitter.set_fee_bps(bps, sender=owner)
            self.m.fee_bps = bps

        @rule(a=A)
        def withdraw_fees(self, a):
            if self.m.fees[a] == 0:
                with ape.reverts("revenue: no fees"):
                    splitter.withdraw_fees(a, sender=carol)
                return
            splitter.withdraw_fees(a, sender=carol)
            self.m.withdraw_fees(a)

        # ------------------------------------------------------------ invariants

        @invariant()
        def everything(self):
            m, v = self.m, read_all()

            # 1. shares: sum of balances == totalSupply == model supply <= max supply
            for p in m.P:
                balances = [v["bal", p, h] for h in m.H]
                assert balances == [m.bal[p, h] for h in m.H]
                assert sum(balances) == v["supply", p] == m.supply[p] <= m.max_supply[p]

            for a in m.A:
                total_claimable, total_gap = 0, Fraction(0)
                for p in m.P:
                    # 2. reference accounting matches exactly
                    assert v["acc", p, a] == m.acc[p, a]
                    assert v["held", p, a] == m.held[p, a]
                    for h in m.H:
                        claimable = v["claimable", p, a, h]
                        assert claimable == m.claimable(p, a, h)
                        # 3. claimed + claimable within the dust bound of the entitlement
                        got = m.claimed[p, a, h] + claimable
                        entitled = m.entitled[p, a, h]
                        assert got <= entitled
                        assert got > entitled - 1 - Fraction(m.sum_b[p, a, h], ACC_SCALE)
                        total_claimable += claimable
                        total_gap += entitled - got
                # 4. solvency, and the only thing left over is the sub-unit fractions
                owed_out = total_claimable + sum(m.held[p, a] for p in m.P) + v["fees", a]
                assert owed_out <= v["held_by_splitter", a]
                assert v["held_by_splitter", a] - owed_out == total_gap
                # 5. fees
                assert v["fees", a] == m.fees[a]
                assert v["fee_sink", a] - fee_start[a] == m.withdrawn[a]

    run_state_machine_as_test(RevenueMachine)
