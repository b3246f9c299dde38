"""The social suite's own logic: nearest-rank percentiles, goal labels, the rows that put
PostgreSQL beside SQLite, the seeded data set and its load batches, and the request mixes.
No server is started and no figure is checked."""

from collections import Counter

import pytest

from benchmarks.core import Row
from benchmarks.suites import social
from benchmarks.suites.social import (
    COMPONENT,
    POSTGRES,
    SQLITE,
    BackendRun,
    Latency,
    feed_requests,
    goal_label,
    goal_word,
    interaction_plan,
    make_dataset,
    per_second,
    percentile,
    side_by_side,
    table_batches,
)

NOW = 1_790_000_000


@pytest.fixture(scope="module")
def small():
    """A small data set (fixed addresses: no key derivation needed)."""
    fans = 60
    addresses = ([f"0x{i:040x}" for i in range(fans)], [i.to_bytes(32, "big") for i in range(1, fans + 1)])
    return make_dataset(
        NOW, personas=10, fans=fans, posts=400, likes=3_000, comments=600, shares=150, addresses=addresses
    )


def test_nearest_rank_percentiles_are_measured_samples():
    samples = list(range(1, 1001))  # 1..1000
    assert percentile(samples, 50) == 500
    assert percentile(samples, 99) == 990  # not 991: the rank is computed in integers
    assert percentile(samples, 100) == 1000
    assert percentile(samples, 0.1) == 1
    assert percentile([3.0, 1.0, 2.0], 50) == 2.0
    assert percentile([5.0], 99) == 5.0
    assert percentile([1, 2, 3, 4], 50) == 2  # the lower middle: a sample, never an average
    shuffled = [7, 1, 9, 3, 5, 2, 8, 4, 6, 10]
    assert percentile(shuffled, 90) == 9 and percentile(shuffled, 91) == 10
    for value in (samples, shuffled):
        for q in (1, 25, 50, 75, 99, 99.9):
            assert percentile(value, q) in value
    with pytest.raises(ValueError):
        percentile([], 50)
    with pytest.raises(ValueError):
        percentile([1.0], 0)
    with pytest.raises(ValueError):
        percentile([1.0], 100.5)


def test_latency_summary_is_in_milliseconds_with_the_rate():
    seconds = [i / 1000 for i in range(1, 201)]  # 1..200 ms
    lat = Latency.of(seconds, wall_s=4.0)
    assert (lat.n, lat.p50_ms, lat.p99_ms, lat.per_s) == (200, 100.0, 198.0, 50.0)
    assert Latency.of([0.002]).per_s is None
    assert per_second(150, 2.0) == 75.0 and per_second(1, 0.0) is None


def test_goal_words_and_labels():
    assert goal_word(99.9, 100) == "met"
    assert goal_word(100.0, 100) == "not met"  # "under 100 ms" is strict
    assert goal_word(None, 100) == "not measured"
    assert goal_label("< 100 ms", {POSTGRES: 40.0, SQLITE: 12.0}, 100) == "(goal < 100 ms: met on both)"
    assert goal_label("< 100 ms", {POSTGRES: 140.0, SQLITE: 120.0}, 100) == "(goal < 100 ms: not met on both)"
    assert (
        goal_label("< 100 ms", {POSTGRES: 140.0, SQLITE: 12.0}, 100)
        == "(goal < 100 ms: PostgreSQL not met, SQLite met)"
    )
    assert (
        goal_label("< 100 ms", {POSTGRES: None, SQLITE: 12.0}, 100)
        == "(goal < 100 ms: PostgreSQL not measured, SQLite met)"
    )
    assert goal_label("< 5 s", {SQLITE: 4.0}, 5) == "(goal < 5 s: SQLite met)"


def test_rows_put_postgres_as_ours_and_sqlite_as_the_anchor():
    r = side_by_side("feed read p99", "ms", {POSTGRES: 30.0, SQLITE: 20.0}, "SQLite 3.40 (WAL)")
    assert isinstance(r, Row) and r.component == COMPONENT
    assert (r.ours, r.anchor_value, r.unit) == (30.0, 20.0, "ms")
    assert r.ratio == pytest.approx(1.5)
    missing = side_by_side("feed read p99", "ms", {SQLITE: 20.0}, "SQLite")
    assert missing.ours is None and missing.anchor_value == 20.0 and missing.ratio is None


def test_a_backend_run_keeps_its_figures_by_name():
    run = BackendRun()
    run.put("feed_one", Latency(10, 12.5, 80.0, 40.0))
    run.put("signin", Latency(8, 100.0, 150.0))
    assert run.figures == {"feed_one_p50": 12.5, "feed_one_p99": 80.0, "feed_one_per_s": 40.0, "signin_p50": 100.0,
                           "signin_p99": 150.0}  # fmt: skip
    run.note_load()
    assert len(run.loads) == 1 and run.loads[0] >= 0


def test_the_data_set_is_seeded_and_keeps_every_unique_key(small):
    again = make_dataset(NOW, personas=10, fans=60, posts=400, likes=3_000, comments=600, shares=150,
                         addresses=(small.fans, small.fan_keys))  # fmt: skip
    assert again.table_rows() == small.table_rows()
    assert again.likes == small.likes and again.reactions == small.reactions
    assert len(small.posts) == 400 and [p[0] for p in small.posts] == list(range(1, 401))
    # the unique constraints of the tables hold in the rows (the load would fail otherwise)
    assert len({(p, a) for p, a, *_ in small.likes}) == len(small.likes)
    assert len({(p, a) for p, a, *_ in small.shares}) == len(small.shares)
    assert len({(p, a) for p, a, *_ in small.follows}) == len(small.follows)
    assert len({(p, f, t // (7 * 86_400)) for p, f, _, t in small.ratings}) == len(small.ratings)
    assert len({(p, v, t // 86_400) for p, _, v, t in small.impressions}) == len(small.impressions)
    # every time is in the past, and reactions come after their post
    posted = {pid: t for pid, _, t in small.posts}
    assert all(t < NOW for *_, t in small.reactions)
    assert all(t >= posted[p] for p, _, _, _, t, _ in small.likes)
    assert all(t2 >= t for *_, t, t2 in small.likes)
    # the log is in time order, and holds exactly the state rows' events
    times = [r[6] for r in small.reactions]
    assert times == sorted(times)
    kinds = Counter(r[4] for r in small.reactions)
    assert kinds["like"] == len(small.likes) and kinds["unlike"] == sum(
        1 for *_, active, _, _ in small.likes if not active
    )
    assert kinds["comment"] == len(small.comments) and kinds["share"] == len(small.shares)
    assert kinds["follow"] == len(small.follows) and kinds["rating"] == len(small.ratings)


def test_the_spread_is_skewed_like_a_real_network(small):
    posts = Counter(pid for _, pid, _ in small.posts)
    assert min(posts.values()) >= 20  # every persona posts
    assert posts[1] > 2 * posts[10]  # the most popular persona posts far more than the least
    likes = sorted(Counter(p for p, *_ in small.likes).values())
    assert likes[-1] > 5 * likes[len(likes) // 2]  # a few posts take off
    assert 0 < sum(1 for _, _, o, *_ in small.likes if o == "federated") < len(small.likes) * 0.1
    assert 0 < sum(1 for *_, active, _, _ in small.likes if not active) < len(small.likes) * 0.1
    assert abs(len(small.likes) - 3_000) < 600 and abs(len(small.comments) - 600) < 150


def test_the_comments_pass_moderation():
    sentiments = social._sentiments()  # raises for a text moderation would hold
    assert len(sentiments) == len(social.COMMENT_TEXTS) and len(set(sentiments)) > 5
    assert min(sentiments) < 0 < max(sentiments)  # a spread of moods, not all praise


def test_load_batches_fill_every_column_parents_first(small):
    import social.activitypub.tables  # noqa: F401 - ap_published is in the metadata with it
    from social.store.models import Base

    sessions = {f"token-{i}": a for i, a in enumerate(small.fans)}
    seen: list[str] = []
    counts: Counter[str] = Counter()
    for name, rows in table_batches(small, sessions, chunk=500):
        assert 0 < len(rows) <= 500
        if name not in seen:
            seen.append(name)
        counts[name] += len(rows)
        table = Base.metadata.tables[name]
        required = {c.name for c in table.columns if not c.nullable and not (c.primary_key and c.autoincrement is True)}
        assert all(required <= row.keys() <= {c.name for c in table.columns} for row in rows), name
    assert seen.index("personas") < seen.index("posts") < seen.index("likes") < seen.index("reactions")
    assert seen.index("posts") < seen.index("comments")
    assert dict(counts) == small.table_rows() | {"sessions": len(sessions)}


def test_request_mixes_are_seeded_and_follow_the_data(small):
    tokens = [f"t{i}" for i in range(len(small.fans))]
    reads = feed_requests(small, tokens, 400, seed=1)
    assert reads == feed_requests(small, tokens, 400, seed=1)
    assert all(1 <= r.persona_id <= 10 and r.token in tokens for r in reads)
    older = [r for r in reads if r.before is not None]
    assert 0.1 < len(older) / len(reads) < 0.3  # one read in five is an older page
    assert all(r.before in small.posts_of[r.persona_id] for r in older)
    plan = interaction_plan(small, clients=3, each=200, seed=2)
    assert len(plan) == 3 and all(len(p) == len(t) == 200 for p, t in plan)
    texts = [t for _, ts in plan for t in ts]
    share = sum(1 for t in texts if t is not None) / len(texts)
    assert 0.15 < share < 0.35
    assert all(1 <= p <= 400 for ps, _ in plan for p in ps)
