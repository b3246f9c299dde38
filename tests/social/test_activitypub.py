"""ActivityPub without a network: the documents, HTTP Signatures (draft-cavage, as Mastodon signs
them) both ways, what the inbox accepts and refuses, and the delivery queue's retries and restarts.
A remote fediverse account lives in an httpx MockTransport that serves its actor and key and
checks every request we make to it (signed GETs, signed deliveries)."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from fame.moderation import moderate
from social.activitypub import objects
from social.activitypub.delivery import FAILED, RetryPolicy
from social.activitypub.keys import KeyPair, generate_keypair
from social.activitypub.routes import create_router
from social.activitypub.service import Federation, FederationConfig, spec_summary
from social.activitypub.signatures import (
    SignatureError,
    check_request,
    digest_header,
    digest_matches,
    parse_signature,
    request_target,
    sign_request,
    verify_signature,
)
from social.activitypub.tables import ActorKey, RemoteActor
from social.store import personas as persona_store
from social.store import posts as post_store
from social.store.db import Database
from social.store.models import Comment, Delivery, Follow, Hold, Like, Reaction, Share

BASE = "http://social.test"
REMOTE = "https://remote.example"
BOB = f"{REMOTE}/users/bob"
BOB_KEY = f"{BOB}#main-key"
BOB_INBOX = f"{BOB}/inbox"
SHARED_INBOX = f"{REMOTE}/inbox"
NOVA = f"{BASE}/ap/personas/nova"


@pytest.fixture(scope="module")
def bob_keys() -> KeyPair:
    return generate_keypair()


@dataclass
class Remote:
    """The remote server: serves bob's actor, takes deliveries, checks our signatures."""

    keys: KeyPair
    our_key: dict[str, str] = field(default_factory=dict)  # our key id -> PEM, read from our actor
    received: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    inbox_status: int = 202
    fetches: int = 0

    def actor(self) -> dict[str, Any]:
        return {
            "@context": [objects.AS_CONTEXT, objects.SECURITY_CONTEXT],
            "id": BOB,
            "type": "Person",
            "preferredUsername": "bob",
            "inbox": BOB_INBOX,
            "endpoints": {"sharedInbox": SHARED_INBOX},
            "publicKey": {"id": BOB_KEY, "owner": BOB, "publicKeyPem": self.keys.public_pem},
        }

    def check_our_signature(self, request: httpx.Request) -> None:
        headers = {k.lower(): v for k, v in request.headers.items()}
        params = parse_signature(headers["signature"])
        target = request_target(request.method, str(request.url))
        body = request.content if request.method == "POST" else None
        check_request(params, request.method, target, headers, body)
        verify_signature(params, target, headers, self.our_key[params.key_id])

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.check_our_signature(request)
        if request.method == "GET" and str(request.url) == BOB:
            self.fetches += 1
            return httpx.Response(200, json=self.actor())
        if request.method == "POST" and str(request.url) in (BOB_INBOX, SHARED_INBOX):
            self.received.append((str(request.url), json.loads(request.content)))
            return httpx.Response(self.inbox_status)
        return httpx.Response(404)


@dataclass
class World:
    db: Database
    federation: Federation
    client: TestClient
    remote: Remote
    persona_id: int

    def sign_and_post(
        self,
        activity: dict[str, Any],
        *,
        keys: KeyPair | None = None,
        date: float | None = None,
        body: bytes | None = None,
    ) -> httpx.Response:
        raw = json.dumps(activity).encode()
        headers = sign_request(
            "POST",
            f"{NOVA}/inbox",
            BOB_KEY,
            (keys or self.remote.keys).private_key,
            body=raw,
            headers={"content-type": objects.ACTIVITY_JSON},
            now=date,
        )
        return self.client.post("/ap/personas/nova/inbox", content=body if body is not None else raw, headers=headers)

    def count(self, model: Any) -> int:
        with self.db.sessions() as session:
            return int(session.scalar(select(func.count()).select_from(model)) or 0)

    def post(
        self, body: str = "Hello, fediverse.", image: str | None = None, key: str = "p1", **media: str | None
    ) -> int:
        with self.db.sessions() as session:
            post, _ = post_store.create(
                session,
                persona_id=self.persona_id,
                body=body,
                image_cid=image,
                manifest_cid=None,
                ai_label="AI-generated",
                idempotency_key=key,
                source="runtime",
                verdict=moderate(body),
                now=int(time.time()),
                **media,
            )
            return post.id


@pytest.fixture
def world(tmp_path: Path, bob_keys: KeyPair) -> Iterator[World]:
    db = Database(f"sqlite:///{tmp_path / 'social.db'}")
    db.migrate()
    remote = Remote(bob_keys)
    federation = Federation(
        db.sessions,
        FederationConfig(base_url=BASE, gateway_url="http://gateway.test", retry=RetryPolicy(base_s=10)),
        client=httpx.Client(transport=httpx.MockTransport(remote.handler)),
        summary_of=lambda persona: "A light-chaser from the data lake.",
    )
    with db.sessions() as session:
        persona_id = persona_store.add(
            session, name="Nova Lumen", handle="nova", now=int(time.time()), post_interval_s=60
        ).id
    app = FastAPI()
    app.include_router(create_router(federation, worker=False))
    with TestClient(app, base_url=BASE) as client:
        actor = client.get("/ap/personas/nova").json()
        remote.our_key[actor["publicKey"]["id"]] = actor["publicKey"]["publicKeyPem"]
        yield World(db, federation, client, remote, persona_id)
    db.dispose()


def follow(world: World, activity_id: str = f"{BOB}/follows/1") -> httpx.Response:
    return world.sign_and_post({"id": activity_id, "type": "Follow", "actor": BOB, "object": NOVA})


# --- signatures ---------------------------------------------------------------------------------


def test_a_signed_request_verifies_and_any_change_breaks_it(bob_keys: KeyPair) -> None:
    body = b'{"type":"Like"}'
    headers = sign_request("POST", "https://a.example/inbox?x=1", "k", bob_keys.private_key, body=body)
    params = parse_signature(headers["signature"])
    assert params.headers == ("(request-target)", "host", "date", "digest")
    target = request_target("POST", "https://a.example/inbox?x=1")
    assert target == "post /inbox?x=1"
    check_request(params, "POST", target, headers, body)
    verify_signature(params, target, headers, bob_keys.public_pem)
    with pytest.raises(SignatureError, match="does not verify"):
        verify_signature(params, "post /elsewhere", headers, bob_keys.public_pem)
    with pytest.raises(SignatureError, match="does not verify"):
        verify_signature(params, target, {**headers, "host": "b.example"}, bob_keys.public_pem)
    with pytest.raises(SignatureError, match="does not verify"):
        verify_signature(params, target, headers, generate_keypair().public_pem)
    with pytest.raises(SignatureError, match="Digest"):
        check_request(params, "POST", target, headers, b'{"type":"Undo"}')


def test_the_date_must_be_within_minutes_and_the_required_headers_signed(bob_keys: KeyPair) -> None:
    old = time.time() - 3600
    headers = sign_request("POST", "https://a.example/inbox", "k", bob_keys.private_key, body=b"{}", now=old)
    params = parse_signature(headers["signature"])
    with pytest.raises(SignatureError, match="Date"):
        check_request(params, "POST", "post /inbox", headers, b"{}")
    get = sign_request("GET", "https://a.example/inbox", "k", bob_keys.private_key)
    with pytest.raises(SignatureError, match="digest"):  # a POST must sign its digest
        check_request(parse_signature(get["signature"]), "POST", "post /inbox", get, b"{}")
    with pytest.raises(SignatureError, match="algorithm"):
        parse_signature('keyId="k",algorithm="hmac-sha256",headers="date",signature="AAAA"')
    with pytest.raises(SignatureError, match="keyId"):
        parse_signature('algorithm="rsa-sha256",signature="AAAA"')


def test_digest_header_forms() -> None:
    body = b"moo"
    assert digest_header(body) == "SHA-256=R9+ukoir89XSJSq/sL1qyWYmN9ZG5t+dXSdLwzbierw="
    assert digest_matches("sha-256=R9+ukoir89XSJSq/sL1qyWYmN9ZG5t+dXSdLwzbierw=", body)
    sha512 = base64.b64encode(__import__("hashlib").sha512(body).digest()).decode()
    assert digest_matches(f"SHA-512={sha512}, SHA-256=R9+ukoir89XSJSq/sL1qyWYmN9ZG5t+dXSdLwzbierw=", body)
    assert not digest_matches("SHA-256=AAAA", body)
    assert not digest_matches("MD5=AAAA", body)  # no algorithm we check: not a match


# --- documents ----------------------------------------------------------------------------------


def test_webfinger_actor_and_key_made_once(world: World) -> None:
    r = world.client.get("/.well-known/webfinger", params={"resource": "acct:nova@social.test"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/jrd+json")
    assert r.json()["links"][0] == {"rel": "self", "type": "application/activity+json", "href": NOVA}
    assert (
        world.client.get("/.well-known/webfinger", params={"resource": "acct:nova@elsewhere.test"}).status_code == 404
    )
    assert world.client.get("/.well-known/webfinger", params={"resource": "acct:nobody@social.test"}).status_code == 404
    assert world.client.get("/.well-known/webfinger", params={"resource": "acct:@Nova@social.test"}).status_code == 200
    first, again = world.client.get("/ap/personas/nova").json(), world.client.get("/ap/personas/nova").json()
    assert first["type"] == "Service" and first["preferredUsername"] == "nova" and first["name"] == "Nova Lumen"
    assert first["summary"] == "<p>A light-chaser from the data lake.</p>"
    assert (first["inbox"], first["outbox"], first["followers"]) == (
        f"{NOVA}/inbox",
        f"{NOVA}/outbox",
        f"{NOVA}/followers",
    )
    assert first["publicKey"] == again["publicKey"] and first["publicKey"]["owner"] == NOVA
    assert world.count(ActorKey) == 1


def test_outbox_note_and_followers(world: World) -> None:
    post_id = world.post(
        "Morning light.\n\nSecond paragraph <3", image="bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy"
    )
    outbox = world.client.get("/ap/personas/nova/outbox").json()
    assert (outbox["type"], outbox["totalItems"]) == ("OrderedCollection", 1)
    page = world.client.get(outbox["first"].removeprefix(BASE)).json()
    (create,) = page["orderedItems"]
    note = create["object"]
    assert create["type"] == "Create" and note["id"] == f"{BASE}/ap/posts/{post_id}"
    assert note["content"] == "<p>Morning light.</p><p>Second paragraph &lt;3</p><p><small>AI-generated</small></p>"
    assert note["attachment"] == [
        {
            "type": "Image",
            "mediaType": "image/png",
            "url": "http://gateway.test/ipfs/bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy",
            "name": "AI-generated",
        }
    ]
    assert objects.PUBLIC in note["to"] and f"{NOVA}/followers" in note["cc"]
    assert world.client.get(f"/ap/posts/{post_id}").json()["id"] == note["id"]
    assert follow(world).status_code == 202
    followers = world.client.get("/ap/personas/nova/followers").json()
    assert followers["totalItems"] == 1 and followers["first"]["orderedItems"] == [BOB]


def test_a_video_note_carries_the_video_and_its_poster(world: World) -> None:
    poster = "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy"
    video = "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi"
    subtitles = "bafkreidgvpkjawlxz6sffxzwgooowe5yt7i6wsyg236mfoks77nywkptdq"
    video_id = world.post(
        "Dawn, in motion.", image=poster, key="v1", media_cid=video, media_type="video/mp4", subtitles_cid=subtitles
    )
    audio_id = world.post("Dawn, as a song.", key="a1", media_cid=video, media_type="audio/mp4")
    note = world.client.get(f"/ap/posts/{video_id}").json()
    gateway = "http://gateway.test/ipfs"
    assert note["attachment"] == [
        {"type": "Video", "mediaType": "video/mp4", "url": f"{gateway}/{video}", "name": "AI-generated"},
        {"type": "Image", "mediaType": "image/png", "url": f"{gateway}/{poster}", "name": "AI-generated"},
    ]
    assert subtitles not in json.dumps(note)  # subtitles stay with the web app's player
    (audio,) = world.client.get(f"/ap/posts/{audio_id}").json()["attachment"]
    assert (audio["type"], audio["mediaType"]) == ("Audio", "audio/mp4")
    page = world.client.get("/ap/personas/nova/outbox", params={"page": "true"}).json()
    assert {item["object"]["id"]: item["object"]["attachment"][0]["type"] for item in page["orderedItems"]} == {
        f"{BASE}/ap/posts/{audio_id}": "Audio",
        f"{BASE}/ap/posts/{video_id}": "Video",
    }


def test_spec_summary() -> None:
    assert spec_summary({"narrative": {"tagline": " Chasing light ", "backstory": "x"}}) == "Chasing light"
    assert spec_summary({"narrative": {"backstory": "word " * 200}}).endswith("...")
    assert spec_summary({}) == ""


# --- the inbox ----------------------------------------------------------------------------------


def test_unsigned_or_badly_signed_requests_get_401_and_store_nothing(world: World) -> None:
    activity = {"id": f"{BOB}/follows/1", "type": "Follow", "actor": BOB, "object": NOVA}
    unsigned = world.client.post("/ap/personas/nova/inbox", json=activity)
    assert unsigned.status_code == 401 and "not signed" in unsigned.json()["detail"]
    assert world.sign_and_post(activity, keys=generate_keypair()).status_code == 401  # not bob's key
    assert world.sign_and_post(activity, date=time.time() - 600).status_code == 401  # stale Date
    tampered = json.dumps({**activity, "object": f"{BASE}/ap/personas/other"}).encode()
    assert world.sign_and_post(activity, body=tampered).status_code == 401  # Digest mismatch
    for model in (Follow, Reaction, Delivery, RemoteActor):
        assert world.count(model) == 0


def test_the_activity_actor_must_be_the_signer(world: World) -> None:
    r = world.sign_and_post({"id": f"{REMOTE}/x", "type": "Follow", "actor": f"{REMOTE}/users/mallory", "object": NOVA})
    assert r.status_code == 401 and world.count(Follow) == 0


def test_a_remote_server_over_the_write_limit_gets_429(world: World) -> None:
    world.federation.limit = lambda key: 7 if key == "activitypub:remote.example" else None
    r = follow(world)
    assert r.status_code == 429 and r.headers["retry-after"] == "7" and world.count(Follow) == 0


def test_follow_is_recorded_and_a_signed_accept_delivered(world: World) -> None:
    assert follow(world).json() == {"status": "followed"}
    assert follow(world).json() == {"status": "duplicate"}  # a re-delivery
    with world.db.sessions() as session:
        row = session.scalars(select(Follow)).one()
        # deliveries go to the shared inbox when the follower's server has one
        assert (row.actor, row.origin, row.active, row.inbox) == (BOB, "federated", True, SHARED_INBOX)
    assert world.remote.fetches == 1  # the key is cached after the first check
    assert world.federation.run_once() == 1
    ((inbox, accept),) = world.remote.received  # its signature was checked by the remote
    assert inbox == BOB_INBOX and accept["type"] == "Accept" and accept["actor"] == NOVA
    assert accept["object"]["id"] == f"{BOB}/follows/1"
    undo = world.sign_and_post({"id": f"{BOB}/undo/1", "type": "Undo", "actor": BOB, "object": f"{BOB}/follows/1"})
    assert undo.json() == {"status": "unfollowed"}
    with world.db.sessions() as session:
        assert session.scalars(select(Follow)).one().active is False


def test_likes_shares_replies_and_undo(world: World) -> None:
    post_id = world.post()
    note = f"{BASE}/ap/posts/{post_id}"
    like = {"id": f"{BOB}/likes/1", "type": "Like", "actor": BOB, "object": note}
    assert world.sign_and_post(like).json() == {"status": "liked"}
    announce = {"id": f"{BOB}/announces/1", "type": "Announce", "actor": BOB, "object": note}
    assert world.sign_and_post(announce).json() == {"status": "shared"}
    other = {"id": f"{BOB}/likes/2", "type": "Like", "actor": BOB, "object": f"{REMOTE}/notes/9"}
    assert world.sign_and_post(other).json() == {"status": "ignored"}

    def reply(n: int, text: str) -> dict[str, Any]:
        return {
            "id": f"{BOB}/create/{n}",
            "type": "Create",
            "actor": BOB,
            "object": {
                "id": f"{BOB}/notes/{n}",
                "type": "Note",
                "attributedTo": BOB,
                "inReplyTo": note,
                "content": f"<p>{text}</p>",
            },
        }

    mention = (
        '<span class="h-card"><a href="https://social.test/@nova" class="u-url mention">@<span>nova</span></a></span>'
    )
    assert world.sign_and_post(reply(1, f"{mention} Beautiful &amp; calm")).json() == {"status": "commented"}
    assert world.sign_and_post(reply(2, "You are a piece of shit")).json() == {"status": "commented"}
    with world.db.sessions() as session:
        assert [(lk.actor, lk.origin, lk.active) for lk in session.scalars(select(Like))] == [(BOB, "federated", True)]
        assert [(s.actor, s.origin) for s in session.scalars(select(Share))] == [(BOB, "federated")]
        comments = list(session.scalars(select(Comment).order_by(Comment.id)))
        assert [(c.body, c.origin, c.status, c.reply_state) for c in comments] == [
            ("Beautiful & calm", "federated", "visible", "pending"),
            ("You are a piece of shit", "federated", "held", "pending"),
        ]
        assert session.scalars(select(Hold)).one().target_id == comments[1].id
    undo = {"id": f"{BOB}/undo/2", "type": "Undo", "actor": BOB, "object": like}  # embedded this time
    assert world.sign_and_post(undo).json() == {"status": "unliked"}
    with world.db.sessions() as session:
        kinds = [r.kind for r in session.scalars(select(Reaction).order_by(Reaction.id))]
        assert kinds == ["like", "share", "comment", "comment", "unlike"]
        assert {r.origin for r in session.scalars(select(Reaction))} == {"federated"}


# --- delivery -----------------------------------------------------------------------------------


def test_a_post_reaches_followers_once_with_backoff_on_failure(world: World) -> None:
    follow(world)
    world.federation.run_once()  # the Accept
    world.remote.received.clear()
    world.remote.inbox_status = 503
    post_id = world.post()
    assert world.federation.run_once() == 0
    with world.db.sessions() as session:
        row = session.scalars(
            select(Delivery).where(Delivery.activity_id == f"{BASE}/ap/posts/{post_id}/activity")
        ).one()
        assert (row.inbox, row.attempts, row.state) == (SHARED_INBOX, 1, "pending")
        assert row.next_at >= int(time.time()) + 9 and row.last_error.startswith("503")
    assert world.federation.run_once() == 0  # not due yet: nothing sent
    assert len(world.remote.received) == 1
    # a restarted service (a new Federation on the same database) finds the row and sends it when due
    world.remote.inbox_status = 202
    clock = [time.time() + 3600]
    restarted = Federation(
        world.db.sessions,
        world.federation.config,
        client=world.federation.client,
        clock=lambda: clock[0],
    )
    assert restarted.run_once() == 1
    with world.db.sessions() as session:
        row = session.scalars(select(Delivery).where(Delivery.id == row.id)).one()
        assert (row.attempts, row.state) == (2, "delivered")
    assert world.federation.publish_pending() == 0  # published once
    assert [inbox for inbox, _ in world.remote.received] == [SHARED_INBOX, SHARED_INBOX]


def test_a_gone_inbox_fails_for_good(world: World) -> None:
    follow(world)
    world.remote.inbox_status = 410
    world.federation.run_once()
    with world.db.sessions() as session:
        (row,) = session.scalars(select(Delivery)).all()
        assert (row.state, row.attempts) == (FAILED, 1)


def test_retry_policy_grows_and_caps() -> None:
    policy = RetryPolicy(base_s=30, cap_s=600)
    delays = [policy.delay(n) for n in range(1, 8)]
    assert 30 <= delays[0] <= 33 and 60 <= delays[1] <= 66 and all(d <= 660 for d in delays)
