"""A post's audio or video file (media_cid, media_type, subtitles_cid), on SQLite and PostgreSQL.

Invariants: migration 0002 adds the three columns to a database that already has posts and keeps
them (with no media), and its downgrade takes the columns away and keeps the posts; the runtime's
media post reads back the same through the post and the feed, and a retry with its key is the same
post; media fields that do not go together are refused (422 naming the field, ValueError in the
store) and write nothing.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic import command
from fastapi.testclient import TestClient
from social_helpers import CID, OPERATOR, Clock, make_service
from sqlalchemy import func, inspect, select, text

from fame.moderation import moderate
from social.api.app import create_app
from social.service import SocialService
from social.store import personas, posts
from social.store.db import Database
from social.store.migrate import alembic_config, current, head, upgrade
from social.store.models import Like, Post

NOW = 1_796_000_000
VIDEO = "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi"
POSTER = "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy"
SUBTITLES = "bafkreidgvpkjawlxz6sffxzwgooowe5yt7i6wsyg236mfoks77nywkptdq"
BEFORE_MEDIA = "ap0001"  # the head before the media columns
MEDIA_COLUMNS = {"media_cid", "media_type", "subtitles_cid"}


def post_columns(db: Database) -> set[str]:
    return {c["name"] for c in inspect(db.engine).get_columns("posts")}


def test_the_media_migration_keeps_existing_posts_both_ways(db_url: str) -> None:
    db = Database(db_url)
    try:
        upgrade(db.engine, BEFORE_MEDIA)
        assert current(db.engine) == BEFORE_MEDIA and not post_columns(db) & MEDIA_COLUMNS
        # Rows as the previous revision wrote them: plain SQL, the models already have the new columns.
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO personas (id, handle, name, spec_cid, active, source, post_interval_s, created_at)"
                    " VALUES (1, 'nova_lumen', 'Nova Lumen', '', true, 'operator', 3600, :now)"
                ),
                {"now": NOW},
            )
            conn.execute(
                text(
                    "INSERT INTO posts (persona_id, body, image_cid, manifest_cid, ai_label, kind, source, status,"
                    " visible_at, idempotency_key, created_at) VALUES (1, 'before media', :image, 'bafy',"
                    " 'AI-generated', 'post', 'runtime', 'visible', :now, 'k0', :now)"
                ),
                {"image": POSTER, "now": NOW},
            )
            post_id = conn.execute(text("SELECT id FROM posts")).scalar_one()
            # A row pointing at the post: altering posts must not trip its foreign key.
            conn.execute(
                text(
                    "INSERT INTO likes (post_id, actor, origin, active, created_at, updated_at)"
                    " VALUES (:post, '0x00000000000000000000000000000000000000F1', 'local', true, :now, :now)"
                ),
                {"post": post_id, "now": NOW},
            )

        upgrade(db.engine)
        assert current(db.engine) == head() == "0002" and MEDIA_COLUMNS <= post_columns(db)
        with db.sessions() as s:
            post = s.get(Post, post_id)
            assert post is not None
            assert (post.body, post.image_cid, post.idempotency_key) == ("before media", POSTER, "k0")
            assert (post.media_cid, post.media_type, post.subtitles_cid) == (None, None, None)
            assert s.scalar(select(func.count()).select_from(Like)) == 1

        with db.engine.begin() as conn:
            command.downgrade(alembic_config(conn), BEFORE_MEDIA)
        assert current(db.engine) == BEFORE_MEDIA and not post_columns(db) & MEDIA_COLUMNS
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT body FROM posts WHERE id = :id"), {"id": post_id}).scalar() == (
                "before media"
            )
            assert conn.execute(text("SELECT count(*) FROM likes")).scalar() == 1
            if db.dialect == "sqlite":
                assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []

        upgrade(db.engine)
        assert current(db.engine) == head()
    finally:
        db.dispose()


# ------------------------------------------------------------------ the store


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database(db_url)
    database.migrate()
    yield database
    database.dispose()


def create(session, key: str = "v1", **media: str | None) -> tuple[Post, bool]:
    return posts.create(
        session,
        persona_id=1,
        body="dawn over the data lake, in motion",
        image_cid=media.pop("image_cid", POSTER),
        manifest_cid="bafy",
        ai_label="AI-generated",
        idempotency_key=key,
        source="runtime",
        verdict=moderate("a calm morning"),
        now=NOW,
        **media,
    )


def test_the_store_keeps_a_posts_media_and_a_retry_is_the_same_post(db: Database) -> None:
    with db.sessions() as s:
        personas.add(s, name="Nova Lumen", now=NOW, post_interval_s=3600, persona_id=1)
        video, made = create(s, media_cid=VIDEO, media_type="video/mp4", subtitles_cid=SUBTITLES)
        assert made and (video.media_cid, video.media_type, video.subtitles_cid) == (VIDEO, "video/mp4", SUBTITLES)
        again, made = create(s, media_cid=None, media_type=None)  # a retry that lost its media is still the post
        assert not made and again.id == video.id and again.media_cid == VIDEO
        audio, _ = create(s, "a1", image_cid=None, media_cid=VIDEO, media_type="audio/mp4")
        assert (audio.image_cid, audio.media_type, audio.subtitles_cid) == (None, "audio/mp4", None)
        for bad, field in (
            ({"media_cid": VIDEO}, "media_type"),
            ({"media_type": "video/mp4"}, "media_cid"),
            ({"subtitles_cid": SUBTITLES}, "subtitles_cid"),
            ({"media_cid": VIDEO, "media_type": "video/webm"}, "media_type"),
        ):
            with pytest.raises(ValueError, match=f"^{field}: "):
                create(s, "bad", **bad)
        assert s.scalar(select(func.count()).select_from(Post)) == 2


# ------------------------------------------------------------------ the HTTP API


@pytest.fixture
def service(db_url: str) -> Iterator[SocialService]:
    svc = make_service(db_url, clock=Clock())
    yield svc
    svc.close()


@pytest.fixture
def client(service: SocialService) -> Iterator[TestClient]:
    with TestClient(create_app(service, background=False, federation=False)) as c:
        yield c


def persona_of(client: TestClient) -> int:
    r = client.post("/api/operator/personas", json={"name": "Nova Lumen"}, headers=OPERATOR)
    assert r.status_code == 200, r.text
    return int(r.json()["id"])


def publish(client: TestClient, persona_id: int, key: str, **fields: object):
    body = {"persona_id": persona_id, "body": "dawn, in motion", "manifest_cid": CID, "idempotency_key": key}
    return client.post("/api/runtime/posts", json={**body, **fields}, headers=OPERATOR)


def media_of(post: dict) -> tuple:
    return post["image_cid"], post["media_cid"], post["media_type"], post["subtitles_cid"]


def test_a_video_post_round_trips_through_the_api(client: TestClient) -> None:
    pid = persona_of(client)
    video = {"image_cid": POSTER, "media_cid": VIDEO, "media_type": "video/mp4", "subtitles_cid": SUBTITLES}
    r = publish(client, pid, "video-1", **video)
    assert r.status_code == 200, r.text
    made = r.json()
    assert media_of(made) == (POSTER, VIDEO, "video/mp4", SUBTITLES)
    assert publish(client, pid, "video-1").json() == made  # the same key: the same post, media and all
    audio = publish(client, pid, "audio-1", media_cid=VIDEO, media_type="audio/mp4").json()
    plain = publish(client, pid, "plain-1").json()
    assert media_of(audio) == (None, VIDEO, "audio/mp4", None) and media_of(plain) == (None, None, None, None)

    shown = client.get(f"/api/posts/{made['id']}").json()
    assert media_of(shown) == media_of(made) and shown["comments"] == []
    feed = client.get(f"/api/personas/{pid}/feed").json()["posts"]
    assert [(p["id"], *media_of(p)) for p in feed] == [
        (plain["id"], None, None, None, None),
        (audio["id"], None, VIDEO, "audio/mp4", None),
        (made["id"], POSTER, VIDEO, "video/mp4", SUBTITLES),
    ]
    schema = client.get("/openapi.json").json()["components"]["schemas"]
    for shape in ("PostOut", "PostDetail"):
        assert MEDIA_COLUMNS <= set(schema[shape]["required"])
    assert set(schema["RuntimePostIn"]["properties"]) >= MEDIA_COLUMNS


@pytest.mark.parametrize(
    ("fields", "detail"),
    [
        ({"media_cid": VIDEO}, "media_type: required with media_cid: one of video/mp4, audio/mp4"),
        ({"media_type": "video/mp4"}, "media_cid: required with media_type"),
        ({"subtitles_cid": SUBTITLES}, "subtitles_cid: needs media_cid and media_type"),
        ({"media_cid": VIDEO, "subtitles_cid": SUBTITLES}, "media_type: required with media_cid"),
        ({"media_cid": VIDEO, "media_type": "video/webm"}, "media_type: Input should be 'video/mp4' or 'audio/mp4'"),
        ({"media_cid": "not a cid!", "media_type": "video/mp4"}, "media_cid: String should match pattern"),
    ],
)
def test_media_that_do_not_go_together_are_422(client: TestClient, fields: dict, detail: str) -> None:
    pid = persona_of(client)
    r = publish(client, pid, "bad", **fields)
    assert r.status_code == 422 and r.json()["detail"].startswith(detail), r.text
    assert client.get(f"/api/personas/{pid}/feed").json()["posts"] == []  # nothing written
    assert publish(client, pid, "bad").status_code == 200  # the key is still free
