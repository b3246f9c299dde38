"""EngagementOracle with its sinks (the real Reputation and PersonaStaking), transmitter
reimbursement from the DAO-funded budget, and a property test of the signature rule.

Reputation's engagement component E is folded by the oracle into its own stored word (bits
55..40) with Reputation's metric weights; Reputation reads it from there. Staking is left out
of `transmit`: `push_performance` (anyone, per persona at most once per performance interval)
sends it scores measured between a persona's last push and its latest report."""

from math import isqrt

import ape
import pytest
from hypothesis import given
from hypothesis import strategies as st
from oracle_helpers import ZERO, F, N, engagement, make_report, now, sign
from web3.exceptions import ContractLogicError

from oracle.report import Report, decode_logged, decode_stored, pack_all

GWEI = 10**9


@pytest.fixture(scope="module")
def wired(project, deployer, registry, reputation, staking, signers, transmitter_accounts):
    """An oracle whose sinks are Reputation (which reads E from it) and PersonaStaking (the oracle is
    its updater)."""
    o = project.EngagementOracle.deploy(
        deployer,
        registry,
        reputation,
        staking,
        3600,
        [s.address for s in signers[:N]],
        [t.address for t in transmitter_accounts],
        F,
        sender=deployer,
    )
    reputation.set_oracle(o, sender=deployer)
    staking.set_updater(o, sender=deployer)
    return o


@pytest.fixture(scope="module", autouse=True)
def _module_contracts(wired, oracle):
    """Deploy this module's contracts before the first test's snapshot (no fixture rebasing)."""


def transmit(oracle, report, signers, sender, indices=(0, 1), **kw):
    return oracle.transmit(report.as_call_arg(), sign(report, oracle, signers, indices), sender=sender, **kw)


def score(dv, dl, ds, dc, sentiment_bps, elapsed):
    return isqrt((dv + 5 * dl + 20 * ds + 10 * dc) * 86400 // elapsed) * (sentiment_bps + 10_000)


def points(dv, dl, ds, dc, sentiment_bps, weights=(4, 8, 16, 12)):
    """Reputation's points of an observation's gains (see engagement_math.vy)."""
    volume = sum(w * d.bit_length() for w, d in zip(weights, (dv, dl, ds, dc), strict=False))
    return volume * (sentiment_bps + 10_000) // 20_000


def decay(x, elapsed, half_life=7 * 86400):
    y = x >> (elapsed // half_life) if elapsed // half_life < 256 else 0
    return y - y * (elapsed % half_life) // (2 * half_life)


def logged_engagement(tx, oracle):
    """{persona: new E} from the report's ReportAccepted event."""
    (event,) = tx.events.filter(oracle.ReportAccepted)
    return {e.persona_id: value for e, value in map(decode_logged, event.observations)}


def test_folds_gains_into_reputation(wired, reputation, staking, chain, signers, transmitter_accounts):
    t = transmitter_accounts[0]
    t1 = now(chain) - 200
    first = Report(
        1,
        1,
        tuple(
            pack_all(
                [
                    engagement(1, t1, views=5_000, likes=400, shares=30, comments=60, sentiment_bps=2_000),
                    engagement(2, t1, views=900, likes=50, shares=5, comments=7),
                ]
            )
        ),
    )
    tx = transmit(wired, first, signers, t)
    e1 = {1: points(5_000, 400, 30, 60, 2_000), 2: points(900, 50, 5, 7, 2_500)}  # first report: the whole counts
    assert logged_engagement(tx, wired) == e1
    assert decode_stored(wired.latest_packed(1))["engagement"] == e1[1]
    assert tuple(reputation.engagement_state(1)) == (e1[1], t1)
    assert not tx.events.filter(wired.SinkCallFailed)

    t2 = t1 + 120
    second = Report(
        1,
        2,
        tuple(
            pack_all(
                [
                    engagement(1, t2, views=5_600, likes=430, shares=31, comments=70, sentiment_bps=4_000),
                    engagement(2, t2, views=800, likes=55, shares=5, comments=7, sentiment_bps=-10_000),
                ]
            )
        ),
    )
    tx = transmit(wired, second, signers, t)
    e2 = {
        1: decay(e1[1], 120) + points(600, 30, 1, 10, 4_000),
        2: decay(e1[2], 120) + points(0, 5, 0, 0, -10_000),
    }  # a lower lifetime count (recount) is no gain
    assert logged_engagement(tx, wired) == e2
    assert reputation.engagement_component(1) == decay(e2[1], tx.timestamp - t2)
    assert not tx.events.filter(staking.PerformanceUpdated)  # a report never settles staking


def test_push_performance_scores_the_interval(wired, staking, chain, signers, transmitter_accounts, stranger):
    t = transmitter_accounts[0]
    t1 = now(chain) - 300
    transmit(
        wired,
        Report(
            1,
            1,
            tuple(
                pack_all(
                    [
                        engagement(1, t1, views=5_000, likes=400, shares=30, comments=60),
                        engagement(2, t1, views=900, likes=50, shares=5, comments=7),
                    ]
                )
            ),
        ),
        signers,
        t,
    )
    assert list(wired.performance_due([1, 2, 3])) == [1, 2]  # reported, never pushed; 3 never reported
    tx = wired.push_performance([1, 2], sender=stranger)  # anyone may push
    assert tx.events.filter(wired.PerformancePushed)[0].first_pushes == 2
    assert not tx.events.filter(staking.PerformanceUpdated)  # a first push only keeps the words
    assert list(wired.performance_due([1, 2])) == []  # nothing observed since
    with ape.reverts("oracle: nothing due"):
        wired.push_performance([1, 2], sender=stranger)

    t2, t3 = t1 + 100, t1 + 250
    transmit(
        wired,
        Report(
            1,
            2,
            tuple(pack_all([engagement(1, t2, views=5_300, likes=410, shares=30, comments=65, sentiment_bps=1_000)])),
        ),
        signers,
        t,
    )
    transmit(
        wired,
        Report(
            1,
            3,
            tuple(
                pack_all(
                    [
                        engagement(1, t3, views=5_600, likes=430, shares=31, comments=70, sentiment_bps=4_000),
                        engagement(2, t3, views=800, likes=55, shares=5, comments=7, sentiment_bps=-10_000),
                    ]
                )
            ),
        ),
        signers,
        t,
    )
    tx = wired.push_performance([1, 2], sender=stranger)
    # Gains over the whole interval since the last push (two reports for persona 1), latest sentiment.
    expected = {1: score(600, 30, 1, 10, 4_000, 250), 2: score(0, 5, 0, 0, -10_000, 250)}
    assert expected[1] == wired.performance_score(600, 30, 1, 10, 14_000, 250) > 0 and expected[2] == 0
    assert {e.persona_id: e.new_score for e in tx.events.filter(staking.PerformanceUpdated)} == expected
    assert staking.persona_stake(1).performance == expected[1]
    assert decode_stored(wired.pushed_packed(1))["views"] == 5_600
    assert wired.pushed_packed(1) >> 224 == tx.timestamp  # the push time


def test_push_performance_input_and_interval(
    wired, staking, registry, deployer, chain, signers, transmitter_accounts, stranger
):
    with ape.reverts("ownable: caller is not the owner"):
        wired.set_performance_interval(600, sender=stranger)
    with ape.reverts("oracle: interval too long"):
        wired.set_performance_interval(31 * 86400, sender=deployer)
    wired.set_performance_interval(600, sender=deployer)
    with ape.reverts("oracle: personas not sorted"):
        wired.push_performance([2, 1], sender=stranger)
    with ape.reverts("oracle: personas not sorted"):
        wired.push_performance([1, 1], sender=stranger)
    with ape.reverts("oracle: nothing due"):
        wired.push_performance([1], sender=stranger)  # never reported
    t = transmitter_accounts[0]
    base = now(chain) - 100
    transmit(wired, make_report(1, 1, [1, 2], base), signers, t)
    wired.push_performance([1, 2], sender=stranger)
    transmit(wired, make_report(1, 2, [1, 2], base + 10, scale=2), signers, t)
    assert list(wired.performance_due([1, 2])) == []  # within the interval
    chain.pending_timestamp += 601
    chain.mine()
    assert list(wired.performance_due([1, 2])) == [1, 2]
    registry.set_status(2, 2, sender=deployer)  # persona 2 retires: it scores 0 from now on
    tx = wired.push_performance([1, 2], sender=stranger)
    assert {e.persona_id: e.new_score for e in tx.events.filter(staking.PerformanceUpdated)} == {
        1: wired.performance_score(1_000, 100, 10, 20, 12_500, 10),
        2: 0,
    }
    wired.set_sinks(ZERO, ZERO, sender=deployer)
    with ape.reverts("oracle: no staking sink"):
        wired.push_performance([1], sender=stranger)


def test_push_performance_reverts_when_staking_refuses(
    wired, staking, deployer, accounts, chain, signers, transmitter_accounts, stranger
):
    t = transmitter_accounts[0]
    transmit(wired, make_report(1, 1, [1], now(chain) - 50), signers, t)
    wired.push_performance([1], sender=stranger)
    transmit(wired, make_report(1, 2, [1], now(chain), scale=2), signers, t)
    staking.set_updater(accounts[1], sender=deployer)  # the oracle is no longer allowed
    with ape.reverts("staking: caller is not the updater"):
        wired.push_performance([1], sender=stranger)  # nothing kept: the words stay for a later push
    assert decode_stored(wired.pushed_packed(1))["views"] == 1_001


def test_reputation_weights_apply_to_later_reports(wired, reputation, deployer, chain, signers, transmitter_accounts):
    t = transmitter_accounts[0]
    base = now(chain) - 100
    transmit(wired, make_report(1, 1, [1], base), signers, t)
    reputation.set_metric_weights(0, 0, 0, 1_000, sender=deployer)
    tx = transmit(wired, make_report(1, 2, [1], base + 50, scale=2), signers, t)
    e1 = points(1_001, 100, 10, 20, 2_500)
    assert logged_engagement(tx, wired)[1] == decay(e1, 50) + points(1_000, 100, 10, 20, 2_500, (0, 0, 0, 1_000))


def test_sinks_off_keeps_no_engagement(wired, deployer, chain, signers, transmitter_accounts):
    wired.set_sinks(ZERO, ZERO, sender=deployer)
    tx = transmit(wired, make_report(1, 1, [1], now(chain) - 10), signers, transmitter_accounts[0])
    assert logged_engagement(tx, wired) == {1: 0} and decode_stored(wired.latest_packed(1))["engagement"] == 0


def test_failing_reputation_sink_never_blocks_the_oracle(
    wired, staking, deployer, accounts, chain, signers, transmitter_accounts
):
    # A reputation sink that cannot give its weights (here: an account with no code): the report
    # stands, E only decays.
    wired.set_sinks(accounts[1], staking, sender=deployer)
    t = transmitter_accounts[1]
    transmit(wired, make_report(1, 1, [1, 2], now(chain) - 50), signers, t)
    tx = transmit(wired, make_report(1, 2, [1, 2], now(chain), scale=2), signers, t)
    failed = [(e.sink, e.persona_id) for e in tx.events.filter(wired.SinkCallFailed)]
    assert failed == [(accounts[1].address, 0)]
    assert wired.latest_epoch() == 2 and wired.latest(1).views == 2_001
    assert logged_engagement(tx, wired) == {1: 0, 2: 0}


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
def test_any_report_signed_by_f_or_fewer_is_rejected(
    oracle, chain, signers, transmitter_accounts, indices, extra_outsider
):
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
def test_any_f_plus_1_distinct_in_any_order_is_accepted(
    oracle, chain, signers, transmitter_accounts, order, size, repeats
):
    chosen = list(order[:size]) + list(order[:1]) * repeats
    report = make_report(1, 1, [1], now(chain))
    assert simulate(oracle, chain, report, sign(report, oracle, signers, chosen), transmitter_accounts[0]) is None
