"""The social service's storage on SQLite (WAL) and on a real PostgreSQL server.

Invariants: the migrations create exactly the ORM models' schema (autogenerate finds no
difference) and are applied once however often the service starts; the unique constraints
make a repeated like, view, rating, share, follow or runtime post count once, also when the
repeats race each other from many threads; a comment is answered once; nothing that counts
is ever deleted; and engagement totals as of a moment never change once it has passed.
"""

from __future__ import annotations

import threading

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from social_helpers import Clock
from sqlalchemy import func, select, text

import social.activitypub.tables  # noqa: F401 - its tables are part of the schema the migrations make
from fame.moderation import moderate
from social.store import engagement, holds, personas, posts, reactions, replies
from social.store.db import Database
from social.store.migrate import current, head, upgrade
from social.store.models import Base, Like, Reaction
from social.terms import RATING_EPOCH_S

NOW = 1_796_000_000
FAN = "0x00000000000000000000000000000000000000F1"


@pytest.fixture
def db(db_url):
    database = Database(db_url)
    database.migrate()
    yield database
    database.dispose()


def seed(session, n_posts: int = 1):
    persona = personas.add(session, name="Nova Lumen", now=NOW, post_interval_s=3600, persona_id=1)
    made = [
        posts.create(
            session,
            persona_id=1,
            body=f"post {i}",
            image_cid=None,
            manifest_cid="bafy",
            ai_label="AI-generated",
            idempotency_key=f"k{i}",
            source="runtime",
            verdict=moderate("a calm morning"),
            now=NOW + i,
        )[0]
        for i in range(n_posts)
    ]
    return persona, made


def test_the_migrations_create_exactly_the_models(db):
    assert current(db.engine) == head()
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diff == []


def test_migrating_again_changes_nothing(db):
    upgrade(db.engine)
    upgrade(db.engine)
    assert current(db.engine) == head()


def test_sqlite_runs_in_wal_mode_with_full_sync(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'x.db'}")
    with database.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    database.dispose()


def test_postgres_urls_use_psycopg_and_other_databases_are_refused():
    from fame.errors import FameError
    from social.store.db import normalise_url

    assert normalise_url("postgresql://u@h/d").drivername == "postgresql+psycopg"
    with pytest.raises(FameError, match="SQLite .* or PostgreSQL"):
        normalise_url("mysql://u@h/d")
    with pytest.raises(FameError, match="must be a file"):
        normalise_url("sqlite://")


def test_repeated_reactions_count_once(db):
    with db.sessions() as s:
        persona, (post,) = seed(s)
        assert reactions.like(s, post, FAN, "local", NOW) is True
        assert reactions.like(s, post, FAN, "local", NOW + 1) is False
        assert reactions.share(s, post, FAN, "local", NOW) is True
        assert reactions.share(s, post, FAN, "local", NOW + 1) is False
        assert reactions.follow(s, persona, FAN, "local", NOW) is True
        assert reactions.follow(s, persona, FAN, "local", NOW + 1) is False
        assert reactions.record_views(s, [post, post], FAN, NOW) == 1
        assert reactions.record_views(s, [post], FAN, NOW + 3600) == 0  # same UTC day
        assert reactions.record_views(s, [post], FAN, NOW + 86_400) == 1  # the next day
        row, made = reactions.rate(s, persona, FAN, 4, NOW)
        assert made and reactions.rate(s, persona, FAN, 4, NOW + 60) == (row, False)
        with pytest.raises(reactions.RatingConflict, match="4 stars this week already"):
            reactions.rate(s, persona, FAN, 5, NOW + 120)
        _, made = reactions.rate(s, persona, FAN, 5, NOW + RATING_EPOCH_S)  # the next epoch
        assert made
        kinds = list(s.scalars(select(Reaction.kind).order_by(Reaction.id)))
    assert kinds == ["like", "share", "follow", "rating", "rating"]


def test_unlike_and_like_again_keep_one_row_and_log_each_change(db):
    with db.sessions() as s:
        _, (post,) = seed(s)
        assert reactions.like(s, post, FAN, "local", NOW)
        assert reactions.unlike(s, post, FAN, "local", NOW + 10)
        assert not reactions.unlike(s, post, FAN, "local", NOW + 11)
        assert reactions.like(s, post, FAN, "local", NOW + 20)
        assert s.scalar(select(func.count()).select_from(Like)) == 1
        assert list(s.scalars(select(Reaction.kind).order_by(Reaction.id))) == ["like", "unlike", "like"]


def test_racing_likes_and_views_count_once(db):
    with db.sessions() as s:
        _, (post,) = seed(s)
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def hammer() -> None:
        try:
            start.wait()
            with db.sessions() as s:
                p = s.merge(post)
                for _ in range(5):
                    reactions.like(s, p, FAN, "local", NOW + 5)
                    reactions.record_views(s, [p], FAN, NOW + 5)
        except BaseException as err:  # noqa: BLE001
            errors.append(err)

    threads = [threading.Thread(target=hammer) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    totals = engagement.totals(db.sessions(), NOW + 10)[1]
    assert totals["likes"] == 1 and totals["views"] == 1


def test_a_runtime_post_with_the_same_key_is_the_same_post(db):
    with db.sessions() as s:
        _, (first,) = seed(s)
        again, created = posts.create(
            s,
            persona_id=1,
            body="something else",
            image_cid=None,
            manifest_cid="bafy",
            ai_label="AI-generated",
            idempotency_key="k0",
            source="runtime",
            verdict=moderate("x"),
            now=NOW + 99,
        )
        assert not created and again.id == first.id and again.body == "post 0"


def test_a_comment_is_answered_once_and_leases_expire(db):
    with db.sessions() as s:
        _, (post,) = seed(s)
        c1 = reactions.comment(s, post, FAN, "local", "so lovely", moderate("so lovely"), NOW)
        c2 = reactions.comment(s, post, FAN, "local", "nice", moderate("nice"), NOW)
        held = reactions.comment(s, post, FAN, "local", "shit", moderate("shit"), NOW)
        assert held.status == "held"
        leased = replies.claim(s, 10, 60, NOW)
        assert [c.id for c, _ in leased] == [c1.id, c2.id]  # held comments wait for a moderator
        assert replies.claim(s, 10, 60, NOW + 30) == []  # leased
        assert [c.id for c, _ in replies.claim(s, 1, 60, NOW + 61)] == [c1.id]  # the lease ran out
        reply = replies.answer(s, c1, "thank you!", "bafy", "AI-generated", moderate("thank you!"), NOW + 62)
        assert reply.kind == "reply" and reply.in_reply_to == c1.id
        with pytest.raises(replies.ReplyConflict, match="answered already by post"):
            replies.answer(s, c1, "again", "bafy", "AI-generated", moderate("again"), NOW + 63)
        replies.skip(s, c2, NOW + 64)
        with pytest.raises(replies.ReplyConflict, match="skipped already"):
            replies.answer(s, c2, "late", "bafy", "AI-generated", moderate("late"), NOW + 65)
        with pytest.raises(replies.ReplyConflict, match="held, not visible"):
            replies.skip(s, held, NOW + 66)


def test_racing_claims_never_lease_a_comment_twice(db):
    with db.sessions() as s:
        _, (post,) = seed(s)
        for i in range(20):
            reactions.comment(s, post, FAN, "local", f"comment {i}", moderate("hi"), NOW)
    got: list[int] = []
    lock = threading.Lock()
    start = threading.Barrier(4)

    def claimer() -> None:
        start.wait()
        with db.sessions() as s:
            ids = [c.id for c, _ in replies.claim(s, 8, 60, NOW + 1)]
        with lock:
            got.extend(ids)

    threads = [threading.Thread(target=claimer) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(got) == len(set(got)) == 20


def test_holds_keep_the_item_and_a_decision_is_final(db):
    with db.sessions() as s:
        _, (post,) = seed(s)
        c = reactions.comment(s, post, FAN, "local", "what a shit post", moderate("what a shit post"), NOW)
        (hold,) = holds.list_holds(s)
        assert hold.target == "comment" and hold.target_id == c.id and "shit" in hold.reason
        holds.decide(s, hold, "reject", NOW + 5)
        s.refresh(c)
        assert c.status == "rejected" and c.visible_at is None
        with pytest.raises(holds.HoldConflict):
            holds.decide(s, hold, "show", NOW + 6)
        assert holds.list_holds(s) == [] and len(holds.list_holds(s, "decided")) == 1
        assert s.execute(text("SELECT count(*) FROM comments")).scalar() == 1


def test_totals_as_of_a_moment_never_change_afterwards(db):
    with db.sessions() as s:
        persona, (post,) = seed(s)
        reactions.like(s, post, FAN, "local", NOW + 10)
        reactions.follow(s, persona, FAN, "local", NOW + 10)
        reactions.comment(s, post, FAN, "local", "love it", moderate("love it"), NOW + 10)
        held = reactions.comment(s, post, "0xB0B", "local", "shit", moderate("shit"), NOW + 10)
        reactions.record_views(s, [post], FAN, NOW + 10)
        reactions.rate(s, persona, FAN, 4, NOW + 10)
        before = engagement.totals(s, NOW + 20)
        # everything after NOW + 20: an unlike, an unfollow, a new like, the held comment shown
        reactions.unlike(s, post, FAN, "local", NOW + 30)
        reactions.unfollow(s, persona, FAN, "local", NOW + 30)
        reactions.like(s, post, "0xB0B", "local", NOW + 31)
        reactions.share(s, post, "0xB0B", "federated", NOW + 31)
        (hold,) = holds.list_holds(s)
        holds.decide(s, hold, "show", NOW + 32)
        assert engagement.totals(s, NOW + 20) == before
        t = before[1]
        assert (t["views"], t["likes"], t["comments"], t["follows"], t["ratings"]) == (1, 1, 1, 1, 1)
        assert t["rating_mean_milli"] == 4000 and t["sentiment_bps"] > 0 and t["shares"] == 0
        later = engagement.totals(s, NOW + 40)[1]
        # likes count each fan's first like: FAN's (taken back since) and B0B's
        assert (later["likes"], later["follows"], later["comments"], later["shares"]) == (2, 0, 2, 1)
        assert later["federated"]["shares"] == 1 and later["federated"]["likes"] == 0
        assert held.id  # kept, and counted from the moment it was shown


def test_like_unlike_churn_adds_no_engagement(db):
    """The oracle credits rises in a lifetime total: a fan who likes, unlikes and likes again,
    round after round, must not raise the reported likes past one."""
    with db.sessions() as s:
        _, (post,) = seed(s)
        seen = []
        for i in range(5):
            reactions.like(s, post, FAN, "local", NOW + 10 * i)
            seen.append(engagement.totals(s, NOW + 10 * i)[1]["likes"])
            reactions.unlike(s, post, FAN, "local", NOW + 10 * i + 5)
            seen.append(engagement.totals(s, NOW + 10 * i + 5)[1]["likes"])
        assert seen == [1] * 10
        s.refresh(post)
        assert s.scalar(select(Like.active).where(Like.post_id == post.id)) is False  # the post shows none


def test_sentiment_is_the_mean_of_the_last_seven_days(db):
    with db.sessions() as s:
        _, (post,) = seed(s)
        reactions.comment(s, post, FAN, "local", "terrible", moderate("terrible"), NOW)
        reactions.comment(s, post, FAN, "local", "wonderful", moderate("wonderful"), NOW + 8 * 86_400)
        late = engagement.totals(s, NOW + 8 * 86_400)[1]
        assert late["sentiment_bps"] == moderate("wonderful").sentiment_bps
        both = engagement.totals(s, NOW + 86_400)[1]
        assert both["sentiment_bps"] == moderate("terrible").sentiment_bps


def test_chain_sync_keeps_handles_and_adds_new_personas(db):
    rec = personas.ChainPersona
    with db.sessions() as s:
        assert personas.upsert_from_chain(s, [rec(1, "Nova Lumen", "cid1", None, True)], NOW, 3600) == 1
        new = personas.upsert_from_chain(
            s,
            [rec(1, "Nova Renamed", "cid1", "0x" + "11" * 20, True), rec(2, "Nova Lumen", "cid2", None, False)],
            NOW,
            3600,
        )
        assert new == 1
        rows = {p.id: p for p in personas.all_personas(s)}
        assert rows[1].handle == "nova_lumen" and rows[1].name == "Nova Renamed" and rows[1].share_token
        assert rows[2].handle == "nova_lumen_2" and not rows[2].active
        with pytest.raises(personas.PersonaConflict, match="exists already"):
            personas.add(s, name="x", now=NOW, post_interval_s=1, persona_id=2)
        with pytest.raises(personas.PersonaConflict, match="taken"):
            personas.add(s, name="x", now=NOW, post_interval_s=1, handle="nova_lumen")
        assert personas.add(s, name="Lux", now=NOW, post_interval_s=1).id == 3


def test_clock_helper_moves():
    c = Clock()
    t = c()
    c.advance(100)
    assert c() - t >= 100
