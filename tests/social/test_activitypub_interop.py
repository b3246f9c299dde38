"""A persona federates with an independent fediverse server: bovine-herd on loopback
(tests/social/fediverse_peer.py; `make fedi-peer` installs it in .fedi-venv/).

An account on the peer looks the persona up by WebFinger through its own server and follows it;
the persona's Accept reaches the peer (the persona shows in the account's `following`), the
persona's next post arrives in the account's inbox, and the account's like and reply come back as
a federated like and a federated, moderated, pending-for-the-runtime comment. Every request
either way is signed and checked: bovine's signatures by our inbox, ours by bovine's."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from fediverse_peer import PEER_ENV, PEER_PYTHON, FediversePeer
from sqlalchemy import select

from fame.procs import Supervisor, free_port, wait_until
from social.activitypub.delivery import RetryPolicy
from social.activitypub.objects import id_of
from social.activitypub.routes import create_router
from social.activitypub.service import Federation, FederationConfig
from social.moderation import moderate
from social.store import personas as persona_store
from social.store import posts as post_store
from social.store.db import Database
from social.store.models import Comment, Follow, Like, Reaction

pytestmark = pytest.mark.skipif(not PEER_PYTHON.exists(), reason="the fediverse peer is not installed: make fedi-peer")


def eventually(check: Callable[[], Any], timeout: float = 20.0, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(0.2)
    raise AssertionError(f"{what} did not happen within {timeout:.0f}s (last: {last!r})")


@dataclass
class Ours:
    db: Database
    federation: Federation
    url: str


@pytest.fixture
def ours(tmp_path: Path) -> Iterator[Ours]:
    db = Database(f"sqlite:///{tmp_path / 'social.db'}")
    db.migrate()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    federation = Federation(
        db.sessions,
        FederationConfig(base_url=url, gateway_url="http://127.0.0.1:8088", poll_s=0.2, retry=RetryPolicy(base_s=0.5)),
    )
    app = FastAPI()
    app.include_router(create_router(federation))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_until(lambda: server.started, 10, "the social service")
    yield Ours(db, federation, url)
    server.should_exit = True
    thread.join(10)
    db.dispose()


@pytest.fixture
def peer(tmp_path: Path) -> Iterator[FediversePeer]:
    workdir = tmp_path / "peer"
    workdir.mkdir()
    peer = FediversePeer(workdir, free_port())
    with Supervisor() as sup:
        proc = sup.start("bovine-herd", peer.serve_argv(), log=peer.log, env=PEER_ENV, cwd=workdir)
        wait_until(
            lambda: httpx.get(f"{peer.url}/.well-known/nodeinfo", timeout=1).status_code == 200,
            30,
            "bovine-herd",
            proc,
            peer.log,
        )
        yield peer


def test_a_peer_account_follows_receives_likes_and_replies(ours: Ours, peer: FediversePeer) -> None:
    with ours.db.sessions() as session:
        nova = persona_store.add(session, name="Nova Lumen", handle="nova", now=int(time.time()), post_interval_s=3600)
        persona_id = nova.id
    actor_url = f"{ours.url}/ap/personas/nova"

    alice = peer.register("alice")

    # WebFinger and the actor, fetched by the peer through the account's proxyUrl.
    found = alice.act("lookup", f"acct:nova@127.0.0.1:{ours.url.rsplit(':', 1)[1]}")
    assert found["id"] == actor_url and found["preferredUsername"] == "nova"

    alice.act("follow", actor_url)
    eventually(lambda: actor_url in alice.act("following"), what="the persona's Accept reaching the peer")
    with ours.db.sessions() as session:
        row = session.scalars(select(Follow).where(Follow.actor == alice.actor_id)).one()
        assert (row.origin, row.active, row.inbox) == ("federated", True, alice.act("whoami")["inbox"])

    # The persona posts: a signed Create/Note reaches the follower's inbox.
    with ours.db.sessions() as session:
        post, _ = post_store.create(
            session,
            persona_id=persona_id,
            body="Sunrise over the data lake.",
            image_cid="bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy",
            manifest_cid=None,
            ai_label="AI-generated",
            idempotency_key="k1",
            source="runtime",
            verdict=moderate("Sunrise over the data lake."),
            now=int(time.time()),
        )
    note_id = f"{ours.url}/ap/posts/{post.id}"
    ours.federation.wake()

    def delivered() -> Any:
        # The inbox lists ids; the peer's proxy gives the activity as the peer stored it.
        if f"{note_id}/activity" not in alice.act("inbox"):
            return None
        return alice.act("lookup", f"{note_id}/activity")

    create = eventually(delivered, what="the post reaching the follower's inbox")
    # (the peer embeds what it knows of the actor: its id is ours)
    assert create["type"] == "Create" and id_of(create["actor"]) == actor_url
    note = create["object"]
    assert note["id"] == note_id
    assert "Sunrise over the data lake." in note["content"] and "AI-generated" in note["content"]
    assert note["attachment"][0]["url"].endswith("/ipfs/bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy")

    # The follower likes and replies; both come back signed and are stored as federated.
    alice.act("like", note_id, actor_url)
    alice.act("reply", json.dumps(note), "What a view, Nova!")

    def reactions_in() -> Any:
        with ours.db.sessions() as session:
            likes = session.scalars(select(Like).where(Like.post_id == post.id, Like.origin == "federated")).all()
            comments = session.scalars(select(Comment).where(Comment.post_id == post.id)).all()
            return (likes, comments) if likes and comments else None

    likes, comments = eventually(reactions_in, what="the like and the reply reaching the persona")
    assert [(like.actor, like.active) for like in likes] == [(alice.actor_id, True)]
    (comment,) = comments
    assert (comment.actor, comment.origin, comment.status, comment.reply_state) == (
        alice.actor_id,
        "federated",
        "visible",
        "pending",
    )
    assert comment.body == "What a view, Nova!"
    with ours.db.sessions() as session:
        kinds = sorted(
            (r.kind, r.origin) for r in session.scalars(select(Reaction).where(Reaction.persona_id == persona_id))
        )
    assert kinds == [("comment", "federated"), ("follow", "federated"), ("like", "federated")]
