"""EngagementOracle with its sinks (the real Reputation and PersonaStaking), transmitter
reimbursement from the DAO-funded budget, and a property test of the signature rule."""

from math import isqrt

import ape
import pytest
from hypothesis import given
from hypothesis import strategies as st
from web3.exceptions import ContractLogicError

from oracle.report import Report, pack_all

from oracle_helpers import F, N, ZERO, engagement, make_report, now, sign

GWEI = 10**9


@pytest.fixture(scope="module")
def wired(project, deployer, registry, reputation, staking, signers, transmitter_accounts):
    """An oracle whose sinks are Reputation and PersonaStaking (the oracle is their updater)."""
    o = project.EngagementOracle.deploy(deployer, registry, reputation, staking, 3600,
                                        [s.address for s in signers[:N]], [t.address for t in transmitter_accounts],
                                        F, sender=deployer)
    reputation.set_updater(o, sender=deployer)
    staking.set_updater(o, sender=deployer)
    return o


@pytest.fixture(scope="module", autouse=True)
def _module_contracts(wired, oracle):
    """Deploy this module's contracts before the first test's snapshot (no fixture rebasing)."""


def transmit(oracle, report, signers, sender, indices=(0, 1), **kw):
    return oracle.transmit(report.as_call_arg(), sign(report, oracle, signers, indices), sender=sender, **kw)


def score(dv, dl, ds, dc, sentiment_bps, elapsed):
    return isqrt((dv + 5 * dl + 20 * ds + 10 * dc) * 86400 // elapsed) * (sentiment_bps + 10_000)


def test_forwards_gains_to_reputation_and_scores_to_staking(wired, reputation, staking, chain, signers,
                                                            transmitter_accounts):
    t = transmitter_accounts[0]
    t1 = now(chain) - 200
    first = Report(1, 1, tuple(pack_all([engagement(1, t1, views=5_000, likes=400, shares=30, comments=60,
                                                    sentiment_bps=2_000),
                                         engagement(2, t1, views=900, likes=50, shares=5, comments=7)])))
    tx = transmit(wired, first, signers, t)
    recorded = tx.events.filter(reputation.EngagementRecorded)
    assert [(e.persona_id, e.views, e.likes, e.shares, e.comments, e.sentiment, e.observed_at) for e in recorded] == [
        (1, 5_000, 400, 30, 60, 2_000, t1), (2, 900, 50, 5, 7, 2_500, t1)]  # first report: the whole counts
    assert not tx.events.filter(staking.PerformanceUpdated)  # no elapsed time yet: no score
    assert reputation.engagement_state(1).observations == 1

    t2 = t1 + 120
    second = Report(1, 2, tuple(pack_all([engagement(1, t2, views=5_600, likes=430, shares=31, comments=70,
                                                     sentiment_bps=4_000),
                                          engagement(2, t2, views=800, likes=55, shares=5, comments=7,
                                                     sentiment_bps=-10_000)])))
    tx = transmit(wired, second, signers, t)
    recorded = {e.persona_id: e for e in tx.events.filter(reputation.EngagementRecorded)}
    assert (recorded[1].views, recorded[1].likes, recorded[1].shares, recorded[1].comments) == (600, 30, 1, 10)
    assert recorded[2].views == 0  # a lower lifetime count (platform recount) is no gain
    expected = {1: score(600, 30, 1, 10, 4_000, 120), 2: score(0, 5, 0, 0, -10_000, 120)}
    assert expected[1] == wired.performance_score(600, 30, 1, 10, 14_000, 120) > 0 and expected[2] == 0
    updates = {e.persona_id: e.new_score for e in tx.events.filter(staking.PerformanceUpdated)}
    assert updates == expected
    assert staking.persona_stake(1).performance == expected[1]
    assert not tx.events.filter(wired.SinkCallFailed)


def test_failing_sinks_never_block_the_oracle(wired, reputation, staking, deployer, accounts, chain, signers,
                                              transmitter_accounts):
    reputation.set_updater(accounts[1], sender=deployer)  # the oracle is no longer allowed
    staking.set_updater(accounts[1], sender=deployer)
    t = transmitter_accounts[1]
    transmit(wired, make_report(1, 1, [1, 2], now(chain) - 50), signers, t)
    tx = transmit(wired, make_report(1, 2, [1, 2], now(chain), scale=2), signers, t)
    failed = [(e.sink, e.persona_id) for e in tx.events.filter(wired.SinkCallFailed)]
    assert failed == [(reputation.address, 1), (reputation.address, 2), (staking.address, 0)]
    assert wired.latest_epoch() == 2 and wired.latest(1).views == 2_001


def test_performance_interval(wired, staking, deployer, stranger, chain, signers, transmitter_accounts):
    with ape.reverts("ownable: caller is not the owner"):
        wired.set_performance_interval(600, sender=stranger)
    with ape.reverts("oracle: interval too long"):
        wired.set_performance_interval(31 * 86400, sender=deployer)
    wired.set_performance_interval(600, sender=deployer)
    t = transmitter_accounts[0]
    base = now(chain) - 100
    transmit(wired, make_report(1, 1, [1], base), signers, t)
    tx = transmit(wired, make_report(1, 2, [1], base + 10, scale=2), signers, t)
    assert tx.events.filter(staking.PerformanceUpdated)  # the first staking update
    tx = transmit(wired, make_report(1, 3, [1], base + 20, scale=3), signers, t)
    assert not tx.events.filter(staking.PerformanceUpdated)  # within the interval: staking left alone
    chain.pending_timestamp += 601
    tx = transmit(wired, make_report(1, 4, [1], base + 30, scale=4), signers, t)
    assert tx.events.filter(staking.PerformanceUpdated)


def test_performance_score_view(wired):
    assert wired.performance_score(86_400, 0, 0, 0, 10_000, 86_400) == isqrt(86_400) * 10_000
    assert wired.performance_score(2**48 - 1, 2**40 - 1, 2**32 - 1, 2**32 - 1, 20_000, 1) < 10**18
    with ape.reverts("oracle: zero elapsed"):
        wired.performance_score(1, 1, 1, 1, 10_000, 0)


def test_set_sinks(wired, deployer, stranger):
    with ape.reverts("ownable: caller is not the owner"):
        wired.set_sinks(ZERO, ZERO, sender=stranger)
    tx = wired.set_sinks(ZERO, ZERO, sender=deployer)
    assert tx.events.filter(wired.SinksSet)[0].reputation == ZERO
    assert wired.reputation() == ZERO and wired.staking() == ZERO


# ---------------------------------------------------------------- reimbursement


def test_budget_and_billing_admin(oracle, deployer, stranger):
    tx = deployer.transfer(oracle, 10**18)
    assert tx.events.filter(oracle.BudgetFunded)[0].amount == 10**18
    with ape.reverts("ownable: caller is not the owner"):
        oracle.set_billing(1, 1, 1, sender=stranger)
    with ape.reverts("oracle: overhead too high"):
        oracle.set_billing(1, 1, 1_000_001, sender=deployer)
    with ape.reverts("ownable: caller is not the owner"):
        oracle.withdraw_budget(stranger, 1, sender=stranger)
    with ape.reverts("oracle: zero recipient"):
        oracle.withdraw_budget(ZERO, 1, sender=deployer)
    with ape.reverts("oracle: amount exceeds budget"):
        oracle.withdraw_budget(stranger, 10**18 + 1, sender=deployer)
    before = stranger.balance
    oracle.withdraw_budget(stranger, 4 * 10**17, sender=deployer)
    assert stranger.balance == before + 4 * 10**17


def test_transmitter_is_reimbursed(oracle, deployer, chain, signers, transmitter_accounts):
    t = transmitter_accounts[2]
    deployer.transfer(oracle, 10**18)
    oracle.set_billing(100 * GWEI, 10**17, 35_000, sender=deployer)
    before = t.balance
    tx = transmit(oracle, make_report(1, 1, [1, 2, 3], now(chain)), signers, t, gas_price=20 * GWEI)
    event = tx.events.filter(oracle.TransmitterReimbursed)[0]
    assert event.paid and event.transmitter == t.address and event.epoch == 1
    price = tx.gas_price
    assert abs(event.amount // price - tx.gas_used) < 0.2 * tx.gas_used  # about the gas it paid for
    assert t.balance == before - tx.gas_used * price + event.amount


def test_reimbursement_caps(oracle, deployer, chain, signers, transmitter_accounts):
    t = transmitter_accounts[0]
    deployer.transfer(oracle, 10**18)
    # The per-report cap.
    oracle.set_billing(100 * GWEI, 12_345, 35_000, sender=deployer)
    tx = transmit(oracle, make_report(1, 1, [1], now(chain)), signers, t, gas_price=20 * GWEI)
    assert tx.events.filter(oracle.TransmitterReimbursed)[0].amount == 12_345
    # The price cap: paid at max_gas_price when the transaction paid more.
    oracle.set_billing(GWEI, 10**18, 0, sender=deployer)
    tx = transmit(oracle, make_report(1, 2, [2], now(chain)), signers, t, gas_price=50 * GWEI)
    assert tx.events.filter(oracle.TransmitterReimbursed)[0].amount < tx.gas_used * GWEI
    # Never more than the budget.
    oracle.withdraw_budget(deployer, oracle.balance - 1_000, sender=deployer)
    oracle.set_billing(100 * GWEI, 10**18, 35_000, sender=deployer)
    tx = transmit(oracle, make_report(1, 3, [3], now(chain)), signers, t, gas_price=20 * GWEI)
    assert tx.events.filter(oracle.TransmitterReimbursed)[0].amount == 1_000 and oracle.balance == 0
    # Disabled, or an empty budget: nothing.
    tx = transmit(oracle, make_report(1, 4, [4], now(chain)), signers, t, gas_price=20 * GWEI)
    assert not tx.events.filter(oracle.TransmitterReimbursed)
    deployer.transfer(oracle, 10**18)
    oracle.set_billing(0, 10**18, 35_000, sender=deployer)
    tx = transmit(oracle, make_report(1, 5, [5], now(chain)), signers, t, gas_price=20 * GWEI)
    assert not tx.events.filter(oracle.TransmitterReimbursed)


# ---------------------------------------------------------------- the signature rule, as a property
# eth_call through web3 (ape's revert decoding costs seconds per example).


def simulate(oracle, chain, report, sigs, sender):
    """eth_call of transmit: None when it would be accepted, else the revert reason."""
    w3 = chain.provider.web3
    abi = [item.model_dump(mode="json", by_alias=True, exclude_none=True) for item in oracle.contract_type.abi]
    contract = w3.eth.contract(address=oracle.address, abi=abi)
    try:
        contract.functions.transmit(report.as_call_arg(), sigs).call({"from": sender.address}, "pending")
    except ContractLogicError as exc:
        return exc.message.removeprefix("execution reverted: ")
    return None


@given(indices=st.lists(st.integers(0, N - 1), max_size=6), extra_outsider=st.booleans())
def test_any_report_signed_by_f_or_fewer_is_rejected(oracle, chain, signers, transmitter_accounts, indices,
                                                     extra_outsider):
    if len(set(indices)) > F:
        indices = indices[:1] * len(indices)  # keep repeats and order, but one distinct signer
    report = make_report(1, 1, [1], now(chain))
    sigs = sign(report, oracle, signers, indices)
    reason = "oracle: too few signatures"
    if extra_outsider:
        sigs.append(sign(report, oracle, signers, [N])[0])  # a key outside the committee
        reason = "oracle: unknown signer"
    assert simulate(oracle, chain, report, sigs, transmitter_accounts[0]) == reason


@given(order=st.permutations(range(N)), size=st.integers(F + 1, N), repeats=st.integers(0, 3))
def test_any_f_plus_1_distinct_in_any_order_is_accepted(oracle, chain, signers, transmitter_accounts, order, size,
                                                        repeats):
    chosen = list(order[:size]) + list(order[:1]) * repeats
    report = make_report(1, 1, [1], now(chain))
    assert simulate(oracle, chain, report, sign(report, oracle, signers, chosen), transmitter_accounts[0]) is None
