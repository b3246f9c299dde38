"""The simulated platform: deterministic, monotone, operators nearly agree, engagement
follows content emotion, VADER-scored comments, outages."""

import statistics

from oracle.adapters.base import PlatformUnavailable
from oracle.sentiment import compound, sentiment_bps
from oracle.simulator import DAY, EMOTIONS, SimulatedPlatform, World

AT = 1_795_000_000 // 3 * 3


def test_deterministic_per_seed_epoch_persona():
    a, b = SimulatedPlatform(7, 0), SimulatedPlatform(7, 0)
    assert a.observe([1, 2, 3], AT) == b.observe([3, 2, 1], AT)
    assert SimulatedPlatform(8, 0).observe([1], AT) != a.observe([1], AT)


def test_lifetime_counts_never_decrease():
    p = SimulatedPlatform(7, 1)
    previous = None
    for k in range(0, 3 * DAY, 1_793):  # crosses day boundaries
        e = p.observe([4], AT + k)[4]
        if previous:
            for name in ("views", "likes", "shares", "comments"):
                assert getattr(e, name) >= getattr(previous, name), (k, name)
        previous = e


def test_honest_operators_nearly_agree():
    ops = [SimulatedPlatform(7, i) for i in range(4)]
    for pid in range(1, 6):
        seen = [o.observe([pid], AT)[pid] for o in ops]
        views = [e.views for e in seen]
        assert max(views) - min(views) <= max(views) * 0.001  # counters read seconds apart
        assert max(e.sentiment_bps for e in seen) - min(e.sentiment_bps for e in seen) <= 2_000
        assert len({e.observed_at for e in seen}) == 1


def test_personas_differ():
    w = World(7)
    followers = {w.profile(p).followers for p in range(1, 20)}
    assert len(followers) == 19 and max(followers) > 10 * min(followers)


def test_engagement_follows_emotion():
    w = World(11)
    posts = [post for pid in range(1, 40) for day in range(20_400, 20_430) for post in w.posts(pid, day)]
    by = {name: [p for p in posts if p.emotion == name and p.viral == 1.0] for name in EMOTIONS}

    def ratio(items, a, b):
        return statistics.median(getattr(p, a) / getattr(p, b) for p in items)

    # Anger draws comments rather than likes; joy the other way round.
    assert ratio(by["anger"], "comments", "likes") > 2 * ratio(by["joy"], "comments", "likes")
    # Surprise travels further than calm content (shares per view).
    assert ratio(by["surprise"], "shares", "views") > ratio(by["calm"], "shares", "views")
    # Viral posts exist and are much bigger.
    viral = [p for p in posts if p.viral > 1]
    assert viral and statistics.median(p.viral for p in viral) > 3


def test_comment_sentiment_follows_tone():
    w = World(5)
    posts = [post for pid in range(1, 30) for day in range(20_400, 20_410) for post in w.posts(pid, day)]
    mood = {name: [sentiment_bps(w.comment_pool(p)) for p in posts if p.emotion == name] for name in ("joy", "anger")}
    assert statistics.mean(mood["joy"]) > statistics.mean(mood["anger"]) + 1_000


def test_vader_scores_real_text():
    assert compound("I love this, it is wonderful!") > 0.5
    assert compound("This is awful and boring.") < -0.3
    assert sentiment_bps([]) is None


def test_outages_hit_everyone_in_the_same_windows():
    ops = [SimulatedPlatform(3, i, outage_rate=0.3) for i in range(3)]
    outcomes = []
    for k in range(40):
        t = AT + 300 * k
        down = []
        for o in ops:
            try:
                o.observe([1], t)
                down.append(False)
            except PlatformUnavailable:
                down.append(True)
        assert len(set(down)) == 1
        outcomes.append(down[0])
    assert 3 <= sum(outcomes) <= 25
