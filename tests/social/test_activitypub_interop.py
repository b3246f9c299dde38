"""A persona federates with an independent fediverse server: bovine-herd on loopback
(tests/social/fediverse_peer.py; `make fedi-peer` installs it in .fedi-venv/).

The social service runs as it does in production (social.api.app on uvicorn, SQLite, the
delivery worker); the persona posts and answers through the runtime API. An account on the peer
looks the persona up by WebFinger through its own server and follows it; the persona's Accept
reaches the peer (the persona shows in the account's `following`), the persona's next post
arrives in the account's inbox, and the account's like and reply come back as a federated like
and a federated comment, counted in GET /api/engagement under `federated`; the runtime claims the
comment like any other and its in-character answer reaches the account's inbox as a reply; a video
post reaches the account with its Video and poster Image attachments as bovine read them. Every
request either way is signed and checked: bovine's by our inbox, ours by bovine."""

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
from fediverse_peer import PEER_ENV, PEER_PYTHON, FediversePeer
from sqlalchemy import select

from fame.config import SocialSettings
from fame.procs import Supervisor, free_port, wait_until
from social.activitypub.objects import id_of
from social.api.app import create_app
from social.service import SocialService
from social.store.db import Database
from social.store.models import Comment, Follow, Like

pytestmark = pytest.mark.skipif(not PEER_PYTHON.exists(), reason="the fediverse peer is not installed: make fedi-peer")

TOKEN = "interop-operator-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
IMAGE = "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy"
VIDEO = "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi"
MANIFEST = "bafkreidgvpkjawlxz6sffxzwgooowe5yt7i6wsyg236mfoks77nywkptdq"


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
    service: SocialService
    url: str
    http: httpx.Client


@pytest.fixture
def ours(tmp_path: Path) -> Iterator[Ours]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    cfg = SocialSettings(database_url=f"sqlite:///{tmp_path / 'social.db'}", public_url=url, operator_token=TOKEN)
    service = SocialService(cfg, Database(cfg.effective_database_url))
    app = create_app(service)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_until(lambda: server.started and service.db.ready, 15, "the social service")
    with httpx.Client(base_url=url, timeout=10) as http:
        yield Ours(service, url, http)
    server.should_exit = True
    thread.join(10)
    service.close()


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
    r = ours.http.post("/api/operator/personas", json={"name": "Nova Lumen", "handle": "nova"}, headers=AUTH)
    assert r.status_code == 200, r.text
    persona_id = r.json()["id"]
    actor_url = f"{ours.url}/ap/personas/nova"
    host = ours.url.removeprefix("http://")

    alice = peer.register("alice")

    # WebFinger and the actor, fetched by the peer itself (the account's proxyUrl).
    found = alice.act("lookup", f"acct:nova@{host}")
    assert found["id"] == actor_url and found["preferredUsername"] == "nova" and found["type"] == "Service"

    alice.act("follow", actor_url)
    eventually(lambda: actor_url in alice.act("following"), what="the persona's Accept reaching the peer")
    alice_inbox = alice.act("whoami")["inbox"]
    with ours.service.db.sessions() as session:
        row = session.scalars(select(Follow).where(Follow.actor == alice.actor_id)).one()
        assert (row.origin, row.active, row.inbox) == ("federated", True, alice_inbox)

    # The persona posts (the runtime's API): a signed Create/Note reaches the follower's inbox.
    body = {
        "persona_id": persona_id,
        "body": "Sunrise over the data lake.",
        "image_cid": IMAGE,
        "manifest_cid": MANIFEST,
        "idempotency_key": "interop-1",
    }
    r = ours.http.post("/api/runtime/posts", json=body, headers=AUTH)
    assert r.status_code == 200, r.text
    post_id = r.json()["id"]
    note_id = f"{ours.url}/ap/posts/{post_id}"

    def arrived(activity_id: str) -> Callable[[], Any]:
        # The inbox lists ids; the peer's proxy gives the activity as the peer stored it.
        return lambda: activity_id in alice.act("inbox") and alice.act("lookup", activity_id)

    create = eventually(arrived(f"{note_id}/activity"), what="the post reaching the follower's inbox")
    assert create["type"] == "Create" and id_of(create["actor"]) == actor_url  # the peer embeds our actor
    note = create["object"]
    assert note["id"] == note_id
    assert "Sunrise over the data lake." in note["content"] and "AI-generated" in note["content"]
    assert note["attachment"][0]["url"].endswith(f"/ipfs/{IMAGE}")

    # The follower likes and replies; both come back signed and are stored as federated.
    alice.act("like", note_id, actor_url)
    reply = alice.act("reply", json.dumps(note), "What a view, Nova!")
    assert reply["status"] == 201

    def reactions_in() -> Any:
        with ours.service.db.sessions() as session:
            likes = session.scalars(select(Like).where(Like.post_id == post_id)).all()
            comments = session.scalars(select(Comment).where(Comment.post_id == post_id)).all()
            return (likes, comments) if likes and comments else None

    likes, comments = eventually(reactions_in, what="the like and the reply reaching the persona")
    assert [(like.actor, like.origin, like.active) for like in likes] == [(alice.actor_id, "federated", True)]
    (comment,) = comments
    assert (comment.actor, comment.origin, comment.status, comment.body) == (
        alice.actor_id,
        "federated",
        "visible",
        "What a view, Nova!",
    )

    # Measured engagement counts them, and labels them federated.
    totals = ours.http.get("/api/engagement", params={"at": int(time.time()) + 1}).json()["personas"][str(persona_id)]
    assert {k: totals["federated"][k] for k in ("likes", "comments", "follows")} == {
        "likes": 1,
        "comments": 1,
        "follows": 1,
    }
    assert totals["likes"] >= 1 and totals["comments"] >= 1

    # The persona runtime claims the federated comment like any other; its answer federates
    # back as a reply to the account's Note, addressed to the account.
    claimed = ours.http.post("/api/runtime/replies/claim", json={"limit": 5, "lease_s": 30}, headers=AUTH).json()
    assert [c["comment"]["id"] for c in claimed] == [comment.id]
    answer = {"body": "Thank you, the lake was glowing today.", "manifest_cid": MANIFEST}
    r = ours.http.post(f"/api/runtime/replies/{comment.id}", json=answer, headers=AUTH)
    assert r.status_code == 200, r.text
    answered = eventually(
        arrived(f"{ours.url}/ap/posts/{r.json()['id']}/activity"), what="the answer reaching the peer"
    )
    assert answered["object"]["inReplyTo"] == comment.ap_id
    assert "the lake was glowing" in answered["object"]["content"]

    # A video post: the Video and its poster reach the follower as attachments bovine kept.
    video = {**body, "idempotency_key": "interop-video", "media_cid": VIDEO, "media_type": "video/mp4"}
    r = ours.http.post("/api/runtime/posts", json=video, headers=AUTH)
    assert r.status_code == 200, r.text
    created = eventually(
        arrived(f"{ours.url}/ap/posts/{r.json()['id']}/activity"), what="the video post reaching the peer"
    )
    attachments = created["object"]["attachment"]
    assert [(a["type"], a["mediaType"], a["url"].rsplit("/ipfs/", 1)[-1]) for a in attachments] == [
        ("Video", "video/mp4", VIDEO),
        ("Image", "image/png", IMAGE),
    ]
