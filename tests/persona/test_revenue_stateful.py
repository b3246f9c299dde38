"""Revenue accounting, property-based: a hypothesis RuleBasedStateMachine against a model.

The world: two personas (LYRA, max supply 1e22; PICO, max supply 3e18 so that the supply
often sits below MIN_DISTRIBUTION_SUPPLY = 1e18 and rounding matters), three holders
(alice, bob, carol), two assets (ETH, paid by plain transfer, and FMC, paid with `pay`).
Rules: mint, transfer, transferFrom, burn, burn_from, payments in ETH and FMC (including
while a persona holds less than one share), claims of both assets, DAO fee changes,
`sync`, fee withdrawals, and a mint past the declared supply (must revert).

The model has two parts:
  * a reference implementation of PersonaShare's integer accounting (lazy accumulator
    per asset computed from the revenue since the last settlement, acc_base written at
    settlements, per-holder corrections and withdrawn amounts, settled fees, the fee in
    force), which the contract must match exactly;
  * the SPECIFICATION, knowing nothing about accumulators: each holder's exact pro-rata
    entitlement as a Fraction. Every payment made while the supply is at least one share
    adds its net amount (the growth of gross - floor(gross * fee / 10000) over the
    settlement interval) to the holders pro rata to their balances at that moment;
    revenue paid while the supply is below one share is held and, when a mint brings
    the supply to one share or more, given pro rata to the balances after that mint.

Invariants, checked after every step (all values read in one eth_call via MockLens):
  1. Shares: sum of holder balances == totalSupply == model supply <= max_supply.
  2. Reference: claimable, claimed, accumulator, revenue pending and fees owed equal the
     model, per persona and asset.
  3. Entitlement within the dust bound stated in PersonaShare's NatSpec:
         E - 1 - (sum_k b_k + sent) / ACC_SCALE  <  claimed + claimable  <=  E + received / ACC_SCALE
     (b_k: the holder's balance at the end of each settlement interval, the current one
     included; sent / received: shares it moved by transfer).
  4. Solvency: per persona and asset, sum of claimables + fees owed <= what the share
     token holds; what stays behind beyond held revenue is less than one base unit per
     holder plus one per settlement.
  5. Fees: what the fee recipient received equals the model's withdrawn fees.

Each example starts from a chain snapshot and ends by restoring it. The loaded
hypothesis profile (tests/conftest.py) decides the number of examples and steps.
"""

from fractions import Fraction

import ape
import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from persona_helpers import ACC_SCALE, BPS, ETH, MAX_FEE_BPS, MIN_SUPPLY

MAX_SUPPLIES = (10**22, 3 * 10**18)
ETH_AMOUNTS = st.one_of(st.integers(1, 1_000), st.integers(1, 10**19))
FMC_AMOUNTS = st.one_of(st.integers(1, 1_000), st.integers(1, 10**24))


def net_of(gross, fee_bps):
    return gross - gross * fee_bps // BPS


class Persona:
    """Reference accounting and exact entitlements of one persona. Holders are indices."""

    def __init__(self, holders, assets, fee_bps, max_supply):
        self.H, self.A = range(holders), list(assets)
        self.max_supply = max_supply
        self.fee = fee_bps  # the fee in force (copied from the config at settlements)
        self.supply = 0
        self.bal = [0] * holders
        self.tokens = []  # ERC-20s paid in, in order of first payment
        self.pending = dict.fromkeys(self.A, 0)  # gross since the last settlement
        self.acc_base = dict.fromkeys(self.A, 0)
        self.corr = {(a, h): 0 for a in self.A for h in self.H}
        self.claimed = {(a, h): 0 for a in self.A for h in self.H}
        self.fees = dict.fromkeys(self.A, 0)  # settled, not withdrawn
        self.settlements = 0
        # specification
        self.entitled = {(a, h): Fraction(0) for a in self.A for h in self.H}
        self.sum_b = {(a, h): 0 for a in self.A for h in self.H}
        self.moved_out = [0] * holders
        self.moved_in = [0] * holders

    # -- reference implementation
    def distributing(self):
        return self.supply >= MIN_SUPPLY

    def acc(self, a):
        acc = self.acc_base[a]
        if self.distributing() and self.pending[a]:
            acc += net_of(self.pending[a], self.fee) * ACC_SCALE // self.supply
        return acc

    def tracked(self):
        return [ETH] + self.tokens

    def claimable(self, a, h):
        return (self.acc(a) * self.bal[h] + self.corr[a, h]) // ACC_SCALE - self.claimed[a, h]

    def fees_owed(self, a):
        lazy = self.pending[a] * self.fee // BPS if self.distributing() else 0
        return self.fees[a] + lazy

    def settle(self, config_fee):
        if self.distributing():
            for a in self.A:
                gross = self.pending[a]
                if gross:
                    fee = gross * self.fee // BPS
                    self.acc_base[a] += (gross - fee) * ACC_SCALE // self.supply
                    self.fees[a] += fee
                    self.pending[a] = 0
        self.settlements += 1
        for a in self.A:
            for h in self.H:
                self.sum_b[a, h] += self.bal[h]
        self.fee = config_fee

    def _give(self, a, amount):
        """Specification: `amount` (net) to the holders pro rata to their balances now."""
        for h in self.H:
            if self.bal[h]:
                self.entitled[a, h] += Fraction(self.bal[h] * amount, self.supply)

    def mint(self, h, amount, config_fee):
        was_distributing = self.distributing()
        self.settle(config_fee)
        self.supply += amount
        self.bal[h] += amount
        for a in self.A:
            self.corr[a, h] -= self.acc_base[a] * amount
        if not was_distributing and self.distributing():  # held revenue goes to these holders
            for a in self.A:
                if self.pending[a]:
                    self._give(a, net_of(self.pending[a], self.fee))

    def burn(self, h, amount, config_fee):
        self.settle(config_fee)
        self.supply -= amount
        self.bal[h] -= amount
        for a in self.A:
            self.corr[a, h] += self.acc_base[a] * amount

    def transfer(self, f, t, amount):
        if f != t and amount:
            for a in self.tracked():
                acc = self.acc(a)
                self.corr[a, f] += acc * amount
                self.corr[a, t] -= acc * amount
            self.moved_out[f] += amount
            self.moved_in[t] += amount
        self.bal[f] -= amount
        self.bal[t] += amount

    def pay(self, a, amount):
        if a != ETH and a not in self.tokens:
            self.tokens.append(a)
        before = net_of(self.pending[a], self.fee)
        self.pending[a] += amount
        if self.distributing():
            self._give(a, net_of(self.pending[a], self.fee) - before)

    def claim(self, a, h):
        amount = self.claimable(a, h)
        self.claimed[a, h] += amount
        return amount

    def withdraw_fees(self, a, config_fee):
        self.settle(config_fee)
        amount, self.fees[a] = self.fees[a], 0
        return amount


@pytest.fixture
def world(project, deployer, make_persona, fmc, fund, payer):
    """Two fresh personas, a funded payer, the lens."""
    personas = [
        make_persona(max_supply=MAX_SUPPLIES[0], name="Lyra", symbol="LYRA"),
        make_persona(max_supply=MAX_SUPPLIES[1], name="Pico", symbol="PICO"),
    ]
    fund(fmc, payer, 10**27)
    for _, share in personas:
        fmc.approve(share, 2**256 - 1, sender=payer)
    lens = project.MockLens.deploy(sender=deployer)
    return [s for _, s in personas], lens


def test_revenue_state_machine(chain, world, revenue_config, fmc, payer, launchpad, fee_sink, owner, alice, bob, carol):
    """Runs RevenueMachine under the loaded hypothesis profile (see the module docstring)."""
    shares, lens = world
    holders = [alice, bob, carol]
    assets = [ETH, fmc.address]
    fee_start = {ETH: fee_sink.balance, fmc.address: fmc.balanceOf(fee_sink)}

    # One batch of reads for all invariants: (label, target, calldata).
    reads = []
    for i, s in enumerate(shares):
        reads.append((("supply", i), s, s.totalSupply.encode_input()))
        reads.append((("fee", i), s, s.fee_bps.encode_input()))
        reads.append((("holds", i, ETH), lens, lens.eth_balance.encode_input(s)))
        reads.append((("holds", i, fmc.address), fmc, fmc.balanceOf.encode_input(s)))
        for h, acct in enumerate(holders):
            reads.append((("bal", i, h), s, s.balanceOf.encode_input(acct)))
            reads.append((("claimable", i, ETH, h), s, s.claimable.encode_input(acct)))
            reads.append((("claimable", i, fmc.address, h), s, s.claimable_token.encode_input(fmc, acct)))
        for a in assets:
            reads.append((("acc", i, a), s, s.acc_per_share.encode_input(a)))
            reads.append((("pending", i, a), s, s.pending_revenue.encode_input(a)))
            reads.append((("fees", i, a), s, s.fees_owed.encode_input(a)))
            for h, acct in enumerate(holders):
                reads.append((("claimed", i, a, h), s, s.claimed.encode_input(a, acct)))
    reads.append((("fee_sink", ETH), lens, lens.eth_balance.encode_input(fee_sink)))
    reads.append((("fee_sink", fmc.address), fmc, fmc.balanceOf.encode_input(fee_sink)))
    calls = [(t.address, bytes(d)) for _, t, d in reads]

    def read_all():
        return dict(zip((label for label, _, _ in reads), lens.read(calls), strict=False))

    P = st.integers(0, len(shares) - 1)
    H = st.integers(0, len(holders) - 1)
    A = st.sampled_from(assets)

    def share_amount(data, room):
        """Mostly small (below one share, to cross MIN_DISTRIBUTION_SUPPLY often), sometimes all."""
        if room == 0:
            return 0
        return data.draw(
            st.one_of(
                st.integers(0, min(room, 100)),
                st.integers(0, min(room, 2 * MIN_SUPPLY)),
                st.just(room),
                st.integers(0, room),
            ),
            label="amount",
        )

    class RevenueMachine(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.snapshot = chain.snapshot()
            self.config_fee = revenue_config.fee_bps()
            self.m = [Persona(len(holders), assets, self.config_fee, MAX_SUPPLIES[i]) for i in range(len(shares))]
            self.withdrawn = dict.fromkeys(assets, 0)

        def teardown(self):
            chain.restore(self.snapshot)

        # ------------------------------------------------------------ share movements

        @rule(p=P, h=H, data=st.data())
        def mint(self, p, h, data):
            """The launchpad mints within the declared supply (settles first)."""
            m = self.m[p]
            amount = share_amount(data, m.max_supply - m.supply)
            shares[p].mint(holders[h], amount, sender=launchpad)
            m.mint(h, amount, self.config_fee)

        @rule(p=P, h=H, excess=st.integers(1, 10**6))
        def mint_past_max_supply(self, p, h, excess):
            """Minting beyond max_supply reverts and changes nothing."""
            amount = self.m[p].max_supply - self.m[p].supply + excess
            with ape.reverts("shares: max supply exceeded"):
                shares[p].mint(holders[h], amount, sender=launchpad)

        @rule(p=P, f=H, t=H, data=st.data())
        def transfer(self, p, f, t, data):
            """A holder moves part or all of its shares (self-transfers included)."""
            amount = share_amount(data, self.m[p].bal[f])
            shares[p].transfer(holders[t], amount, sender=holders[f])
            self.m[p].transfer(f, t, amount)

        @rule(p=P, f=H, t=H, data=st.data())
        def transfer_from(self, p, f, t, data):
            """The payer, approved by `f`, moves `f`'s shares to `t`."""
            amount = share_amount(data, self.m[p].bal[f])
            shares[p].approve(payer, amount, sender=holders[f])
            shares[p].transferFrom(holders[f], holders[t], amount, sender=payer)
            self.m[p].transfer(f, t, amount)

        @rule(p=P, h=H, data=st.data(), spender=st.booleans())
        def burn(self, p, h, data, spender):
            """A holder burns part or all of its shares, itself or through an allowance."""
            amount = share_amount(data, self.m[p].bal[h])
            if spender:
                shares[p].approve(payer, amount, sender=holders[h])
                shares[p].burn_from(holders[h], amount, sender=payer)
            else:
                shares[p].burn(amount, sender=holders[h])
            self.m[p].burn(h, amount, self.config_fee)

        # ------------------------------------------------------------ revenue

        @rule(p=P, amount=ETH_AMOUNTS)
        def pay_eth(self, p, amount):
            """A plain ETH transfer to the share token."""
            payer.transfer(shares[p], amount)
            self.m[p].pay(ETH, amount)

        @rule(p=P, amount=FMC_AMOUNTS)
        def pay_fmc(self, p, amount):
            shares[p].pay(fmc, amount, sender=payer)
            self.m[p].pay(fmc.address, amount)

        @rule(p=P, h=H, a=A)
        def claim(self, p, h, a):
            """A holder claims: it receives exactly what the model says, or the call
            reverts when that is zero."""
            s, expected = shares[p], self.m[p].claimable(a, h)
            call = s.claim if a == ETH else (lambda **kw: s.claim_token(fmc, **kw))
            if expected == 0:
                with ape.reverts("revenue: nothing to claim"):
                    call(sender=holders[h])
                return
            before = s.balance if a == ETH else fmc.balanceOf(s)
            call(sender=holders[h])
            after = s.balance if a == ETH else fmc.balanceOf(s)
            assert before - after == expected == self.m[p].claim(a, h)

        # ------------------------------------------------------------ fees

        @rule(bps=st.one_of(st.just(0), st.just(MAX_FEE_BPS), st.integers(0, MAX_FEE_BPS)))
        def set_fee(self, bps):
            """The DAO changes the fee; personas apply it from their next settlement."""
            revenue_config.set_fee_bps(bps, sender=owner)
            self.config_fee = bps

        @rule(p=P)
        def sync(self, p):
            shares[p].sync(sender=carol)
            self.m[p].settle(self.config_fee)

        @rule(p=P, a=A)
        def withdraw_fees(self, p, a):
            m = self.m[p]
            expected = m.fees[a] + (m.pending[a] * m.fee // BPS if m.distributing() else 0)
            if expected == 0:
                with ape.reverts("revenue: no fees"):
                    shares[p].withdraw_fees(a, sender=carol)
                return
            shares[p].withdraw_fees(a, sender=carol)
            assert m.withdraw_fees(a, self.config_fee) == expected
            self.withdrawn[a] += expected

        # ------------------------------------------------------------ invariants

        @invariant()
        def everything(self):
            v = read_all()
            for p, m in enumerate(self.m):
                # 1. shares: sum of balances == totalSupply == model supply <= max supply
                balances = [v["bal", p, h] for h in m.H]
                assert balances == m.bal
                assert sum(balances) == v["supply", p] == m.supply <= m.max_supply
                assert v["fee", p] == m.fee

                for a in m.A:
                    # 2. reference accounting, exactly
                    assert v["acc", p, a] == m.acc(a)
                    assert v["pending", p, a] == m.pending[a]
                    assert v["fees", p, a] == m.fees_owed(a)
                    total_claimable = 0
                    for h in m.H:
                        claimable = v["claimable", p, a, h]
                        assert claimable == m.claimable(a, h)
                        assert v["claimed", p, a, h] == m.claimed[a, h]
                        # 3. within the dust bound of the exact entitlement
                        paid, entitled = m.claimed[a, h] + claimable, m.entitled[a, h]
                        assert paid <= entitled + Fraction(m.moved_in[h], ACC_SCALE)
                        slack = Fraction(m.sum_b[a, h] + m.bal[h] + m.moved_out[h], ACC_SCALE)
                        assert paid > entitled - 1 - slack
                        total_claimable += claimable
                    # 4. solvency; beyond revenue held below one share, only dust stays
                    owed_out = total_claimable + v["fees", p, a]
                    assert owed_out <= v["holds", p, a]
                    held = 0 if m.distributing() else m.pending[a]
                    assert v["holds", p, a] - owed_out - held <= len(m.H) + m.settlements + 1
            # 5. fees reached the recipient
            for a in assets:
                assert v["fee_sink", a] - fee_start[a] == self.withdrawn[a]

    run_state_machine_as_test(RevenueMachine)
