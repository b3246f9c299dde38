"""Aggregation rules: medians robust to f arbitrary operators, due personas, tolerance."""

from hypothesis import given
from hypothesis import strategies as st

from oracle.aggregate import (
    FIELDS,
    DuePolicy,
    Tolerance,
    aggregate,
    lower_median,
    quorum,
    select_due,
    tolerance_problems,
    why_due,
)
from oracle.report import MAX_COMMENTS, MAX_VIEWS, Engagement

counts = st.integers(0, MAX_COMMENTS)


def honest_strategy(pid=1):
    return st.builds(
        Engagement,
        persona_id=st.just(pid),
        views=st.integers(0, MAX_VIEWS),
        likes=counts,
        shares=counts,
        comments=counts,
        sentiment_bps=st.integers(-10_000, 10_000),
        observed_at=st.integers(0, 2**40 - 1),
    )


@given(data=st.data(), f=st.integers(1, 10))
def test_median_stays_in_honest_range_with_up_to_f_arbitrary(data, f):
    n_obs = data.draw(st.integers(quorum(f), 3 * f + 1), label="observations")
    n_bad = data.draw(st.integers(0, f), label="arbitrary operators")
    honest = data.draw(st.lists(honest_strategy(), min_size=n_obs - n_bad, max_size=n_obs - n_bad))
    # Arbitrary (Byzantine) values: anything that fits the fields, e.g. x1000 or zero.
    bad = data.draw(st.lists(honest_strategy(), min_size=n_bad, max_size=n_bad))
    observations = {i: {1: e} for i, e in enumerate(honest + bad)}
    result = aggregate(observations, f)[1]
    for name in FIELDS:
        values = [getattr(e, name) for e in honest]
        assert min(values) <= getattr(result, name) <= max(values), name


@given(st.lists(st.integers(), min_size=1, max_size=40))
def test_lower_median(values):
    m = lower_median(values)
    assert sum(v < m for v in values) <= (len(values) - 1) // 2
    assert sum(v > m for v in values) <= len(values) // 2


def test_persona_needs_quorum():
    e = Engagement(1, 10, 10, 10, 10, 0, 100)
    obs = {0: {1: e, 2: e}, 1: {1: e, 2: e}, 2: {1: e}}
    assert set(aggregate(obs, 1)) == {1}


def test_liar_times_1000():
    honest = [Engagement(1, 1000 + i, 100 + i, 10, 20, 3000 + i, 500) for i in range(3)]
    liar = Engagement(1, 1_000_000, 100_000, 10_000, 20_000, 3000, 500)
    result = aggregate({i: {1: e} for i, e in enumerate(honest + [liar])}, 1)[1]
    assert 1000 <= result.views <= 1002 and 100 <= result.likes <= 102


POLICY = DuePolicy(heartbeat=600, margin=20, deviation_bps=100, sentiment_deviation_bps=500)


def chain_value(views=1000, sentiment=0, observed_at=1000, updated_at=1000):
    return {
        "views": views,
        "likes": 100,
        "shares": 10,
        "comments": 10,
        "sentiment_bps": sentiment,
        "observed_at": observed_at,
        "updated_at": updated_at,
    }


def test_due_reasons():
    e = Engagement(1, 1000, 100, 10, 10, 0, 1100)
    assert why_due(e, {}, 1100, POLICY) == "never reported"
    assert why_due(e, chain_value(), 1100, POLICY) is None
    assert why_due(e, chain_value(), 1000 + 580, POLICY) == "heartbeat"
    assert why_due(Engagement(1, 1010, 100, 10, 10, 0, 1100), chain_value(), 1100, POLICY) == "views deviation"
    assert why_due(Engagement(1, 1009, 100, 10, 10, 0, 1100), chain_value(), 1100, POLICY) is None
    assert why_due(Engagement(1, 1000, 100, 10, 10, 500, 1100), chain_value(), 1100, POLICY) == "sentiment deviation"
    # Nothing newer than what the chain has: never due (the contract would refuse it).
    assert why_due(Engagement(1, 9999, 100, 10, 10, 0, 1000), chain_value(), 5000, POLICY) is None


def test_select_due_limit_prefers_oldest():
    medians = {p: Engagement(p, 1, 1, 1, 1, 0, 2000) for p in range(1, 6)}
    chain = {p: chain_value(updated_at=100 * p, observed_at=100 * p) for p in range(1, 6)}
    assert list(select_due(medians, chain, 5000, POLICY, limit=2)) == [1, 2]


TOL = Tolerance(counts_bps=500, sentiment_bps=2000, seconds=120)


@given(st.integers(0, 10**9), st.integers(-500, 500))
def test_tolerance_accepts_close_values(ref, delta_bps):
    own = Engagement(1, ref, ref, ref, ref, 0, 100)
    change = ref * abs(delta_bps) // 10_000  # rounded toward zero: within the tolerance
    value = ref + change if delta_bps >= 0 else ref - change
    report = Engagement(1, value, value, value, value, 1999, 219)
    assert tolerance_problems([report], {1: own}, TOL) == []


def test_tolerance_refuses():
    own = {1: Engagement(1, 1000, 100, 10, 10, 0, 100)}
    assert "views" in tolerance_problems([Engagement(1, 1000_000, 100, 10, 10, 0, 100)], own, TOL)[0]
    assert "sentiment" in tolerance_problems([Engagement(1, 1000, 100, 10, 10, 2001, 100)], own, TOL)[0]
    assert "observed_at" in tolerance_problems([Engagement(1, 1000, 100, 10, 10, 0, 221)], own, TOL)[0]
    assert "no observation" in tolerance_problems([Engagement(2, 1, 1, 1, 1, 0, 1)], own, TOL)[0]
