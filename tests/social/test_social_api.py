"""The social service's HTTP API (social/README.md) through FastAPI's TestClient.

Invariants: reads are public and writes need a session; a repeated like, share, follow,
rating or view counts once; a comment passes moderation (flagged: held, invisible until a
moderator shows it, never deleted); 422 for empty or oversized comments, 404 for unknown
personas and posts, 429 with Retry-After past the write limit, 503 with Retry-After while
the database cannot be used (and a 503 wrote nothing); the runtime's posts are idempotent,
its replies answer once; the engagement totals for a moment never change afterwards.
"""

from __future__ import annotations

import sqlite3
import time

import pytest
from fastapi.testclient import TestClient
from social_helpers import CID, OPERATOR, Clock, fan, make_service, runtime_post, settings_for, sign_in

from fame.moderation import moderate
from social.api.app import create_app
from social.chain import ChainUnavailable, Holders
from social.store import posts as post_store
from social.store import reactions
from social.terms import RATING_EPOCH_S


class Api:
    def __init__(self, service):
        self.service = service
        self.app = create_app(service, background=False, federation=False)
        self.clients: list[TestClient] = []
        self.operator = self.client()
        self.persona = self.operator.post(
            "/api/operator/personas", json={"name": "Nova Lumen"}, headers=OPERATOR
        ).json()

    def client(self) -> TestClient:
        c = TestClient(self.app)
        c.__enter__()
        self.clients.append(c)
        return c

    def fan(self, i: int) -> TestClient:
        c = self.client()
        assert sign_in(c, fan(i), issued_at=self.service.clock()).status_code == 200
        return c

    def post(self, key: str = "p1", body: str = "first light over the city") -> dict:
        return runtime_post(self.operator, self.persona["id"], key, body)

    def close(self) -> None:
        for c in self.clients:
            c.__exit__(None, None, None)


@pytest.fixture
def api(tmp_path):
    service = make_service(f"sqlite:///{tmp_path / 'social.db'}", clock=Clock(), comment_max_chars=200)
    a = Api(service)
    yield a
    a.close()
    service.close()


def settled(api: Api) -> int:
    """A moment every write so far is at or before, made the past (the endpoint settles 2 s)."""
    at = api.service.now()
    api.service.clock.advance(3)  # type: ignore[attr-defined]
    return at


def totals(api: Api, at: int) -> dict:
    r = api.operator.get("/api/engagement", params={"at": at})
    assert r.status_code == 200, r.text
    return r.json()["personas"][str(api.persona["id"])]


# ------------------------------------------------------------------ personas and feed


def test_personas_are_public_and_unknown_ones_are_404(api):
    anon = api.client()
    (p,) = anon.get("/api/personas").json()
    assert p["handle"] == "nova_lumen" and p["rating"] == {"mean": None, "count": 0} and p["following"] is False
    assert anon.get(f"/api/personas/{p['id']}").json() == p
    r = anon.get("/api/personas/999")
    assert r.status_code == 404 and "no persona 999" in r.json()["detail"]
    assert anon.get("/api/personas/0").status_code == 422
    assert anon.get("/api/posts/12345").status_code == 404


def test_the_feed_pages_newest_first(api):
    ids = [api.post(f"k{i}", f"post number {i}")["id"] for i in range(5)]
    anon = api.client()
    pid = api.persona["id"]
    first = anon.get(f"/api/personas/{pid}/feed", params={"limit": 2}).json()
    assert [p["id"] for p in first["posts"]] == ids[::-1][:2] and first["next"] == ids[3]
    second = anon.get(f"/api/personas/{pid}/feed", params={"limit": 2, "before": first["next"]}).json()
    assert [p["id"] for p in second["posts"]] == [ids[2], ids[1]]
    last = anon.get(f"/api/personas/{pid}/feed", params={"limit": 2, "before": second["next"]}).json()
    assert [p["id"] for p in last["posts"]] == [ids[0]] and last["next"] is None
    assert anon.get(f"/api/personas/{pid}/feed", params={"limit": 51}).status_code == 422
    assert anon.get("/api/personas/77/feed").status_code == 404
    assert anon.get(f"/api/personas/{pid}").json()["posts"] == 5


# ------------------------------------------------------------------ fans' writes


def test_writes_need_a_session(api):
    post = api.post()
    anon = api.client()
    for method, path, body in [
        ("POST", f"/api/posts/{post['id']}/like", None),
        ("POST", f"/api/posts/{post['id']}/share", None),
        ("POST", f"/api/posts/{post['id']}/comments", {"body": "hi"}),
        ("POST", f"/api/personas/{api.persona['id']}/follow", None),
        ("POST", f"/api/personas/{api.persona['id']}/rating", {"stars": 5}),
    ]:
        r = anon.request(method, path, json=body)
        assert r.status_code == 401 and "sign in first" in r.json()["detail"], (path, r.text)


def test_a_repeated_like_share_follow_or_rating_counts_once(api):
    post = api.post()
    alice, bob = api.fan(1), api.fan(2)
    pid = api.persona["id"]
    for _ in range(3):
        liked = alice.post(f"/api/posts/{post['id']}/like").json()
        alice.post(f"/api/posts/{post['id']}/share")
        alice.post(f"/api/personas/{pid}/follow")
        rated = alice.post(f"/api/personas/{pid}/rating", json={"stars": 4})
        assert rated.status_code == 200
    assert liked["likes"] == 1 and liked["liked"] is True
    bob.post(f"/api/posts/{post['id']}/like")
    view = bob.get(f"/api/posts/{post['id']}").json()
    assert (view["likes"], view["shares"], view["liked"]) == (2, 1, True)
    persona = alice.get(f"/api/personas/{pid}").json()
    assert persona["followers"] == 1 and persona["following"] is True and persona["rating"] == {"mean": 4.0, "count": 1}
    assert bob.get(f"/api/personas/{pid}").json()["following"] is False
    # unlike, unfollow; other stars in the same epoch are refused, the next epoch takes them
    assert alice.delete(f"/api/posts/{post['id']}/like").json()["likes"] == 1
    assert alice.delete(f"/api/personas/{pid}/follow").json()["followers"] == 0
    r = alice.post(f"/api/personas/{pid}/rating", json={"stars": 1})
    assert r.status_code == 409 and "this week already" in r.json()["detail"]
    api.service.clock.advance(RATING_EPOCH_S)  # type: ignore[attr-defined]
    alice = api.fan(1)  # a week later the session has expired too
    r = alice.post(f"/api/personas/{pid}/rating", json={"stars": 2})
    assert r.json()["rating"] == {"mean": 3.0, "count": 2}
    assert alice.post(f"/api/personas/{pid}/rating", json={"stars": 6}).status_code == 422


def test_views_count_once_per_viewer_per_post_per_day(api):
    post = api.post()
    alice = api.fan(1)
    for _ in range(3):
        alice.get(f"/api/posts/{post['id']}")
        alice.get(f"/api/personas/{api.persona['id']}/feed")
    anon = api.client()
    first = anon.get(f"/api/posts/{post['id']}")  # no client id yet: not a view, but one is given
    assert "fame_client=" in first.headers["set-cookie"]
    anon.get(f"/api/posts/{post['id']}")
    anon.get(f"/api/posts/{post['id']}")
    assert totals(api, settled(api))["views"] == 2
    api.service.clock.advance(86_400)  # type: ignore[attr-defined]
    alice.get(f"/api/posts/{post['id']}")
    assert totals(api, settled(api))["views"] == 3


def test_comments_are_moderated_and_held_ones_wait_for_a_moderator(api):
    post = api.post()
    alice = api.fan(1)
    ok = alice.post(f"/api/posts/{post['id']}/comments", json={"body": "  so beautiful, I love it!  "}).json()
    assert ok["status"] == "visible" and ok["body"] == "so beautiful, I love it!" and ok["holder"] is False
    bad = alice.post(f"/api/posts/{post['id']}/comments", json={"body": "you stupid piece of shit"}).json()
    hostile = alice.post(f"/api/posts/{post['id']}/comments", json={"body": "I hate you, you are awful and disgusting"})
    assert bad["status"] == "held" and hostile.json()["status"] == "held"
    shown = [c["id"] for c in api.client().get(f"/api/posts/{post['id']}").json()["comments"]]
    assert shown == [ok["id"]]
    assert api.client().get("/api/moderation/holds").status_code == 401
    holds = api.operator.get("/api/moderation/holds", headers=OPERATOR).json()
    assert [h["target_id"] for h in holds] == [bad["id"], hostile.json()["id"]]
    assert "profanity" in holds[0]["reason"] and "very negative" in holds[1]["reason"]
    assert holds[0]["body"] == "you stupid piece of shit" and holds[0]["post_id"] == post["id"]
    r = api.operator.post(f"/api/moderation/holds/{holds[0]['id']}", json={"decision": "show"}, headers=OPERATOR)
    assert r.json()["decision"] == "show"
    api.operator.post(f"/api/moderation/holds/{holds[1]['id']}", json={"decision": "reject"}, headers=OPERATOR)
    again = api.operator.post(f"/api/moderation/holds/{holds[1]['id']}", json={"decision": "show"}, headers=OPERATOR)
    assert again.status_code == 409
    assert (
        api.operator.post("/api/moderation/holds/999", json={"decision": "show"}, headers=OPERATOR).status_code == 404
    )
    shown = [c["id"] for c in api.client().get(f"/api/posts/{post['id']}").json()["comments"]]
    assert shown == [ok["id"], bad["id"]]
    assert api.operator.get("/api/moderation/holds", headers=OPERATOR).json() == []
    decided = api.operator.get("/api/moderation/holds", params={"state": "all"}, headers=OPERATOR).json()
    assert [h["decision"] for h in decided] == ["show", "reject"]  # rejected is kept, not deleted


@pytest.mark.parametrize(("body", "what"), [("", "at least 1"), ("   ", "at least 1"), ("x" * 201, "at most 200")])
def test_empty_or_oversized_comments_are_422(api, body, what):
    post = api.post()
    r = api.fan(1).post(f"/api/posts/{post['id']}/comments", json={"body": body})
    assert r.status_code == 422 and what in r.json()["detail"] and r.json()["detail"].startswith("body")


def test_a_comment_on_an_unknown_post_is_404(api):
    r = api.fan(1).post("/api/posts/4242/comments", json={"body": "hello"})
    assert r.status_code == 404


def test_past_the_write_limit_is_429_with_retry_after(tmp_path):
    service = make_service(f"sqlite:///{tmp_path / 'rl.db'}", writes_per_minute=3)
    api = Api(service)
    try:
        post = api.post()
        alice, bob = api.fan(1), api.fan(2)
        codes = [alice.post(f"/api/posts/{post['id']}/like").status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        r = alice.post(f"/api/posts/{post['id']}/comments", json={"body": "hi"})
        assert (
            r.status_code == 429 and 1 <= int(r.headers["Retry-After"]) <= 60 and "try again in" in r.json()["detail"]
        )
        assert bob.post(f"/api/posts/{post['id']}/like").status_code == 200  # per fan
        assert alice.get(f"/api/posts/{post['id']}").status_code == 200  # reads are not limited
    finally:
        api.close()
        service.close()


# ------------------------------------------------------------------ the persona runtime


def test_runtime_posts_are_idempotent_and_moderated(api):
    first = api.post("same-key", "hello fans")
    again = api.post("same-key", "a different body sent on retry")
    assert again == first and first["ai_label"] == "AI-generated" and first["kind"] == "post"
    labelled = api.operator.post(
        "/api/runtime/posts",
        json={
            "persona_id": api.persona["id"],
            "body": "made by the runtime",
            "manifest_cid": CID,
            "idempotency_key": "labelled",
            "ai_label": "AI-generated (persona runtime)",
            "image_cid": CID,
        },
        headers=OPERATOR,
    ).json()
    assert labelled["ai_label"] == "AI-generated (persona runtime)" and labelled["image_cid"] == CID
    held = api.post("rude", "what a shit day")
    assert held["status"] == "held"
    assert api.client().get(f"/api/posts/{held['id']}").status_code == 404
    feed = api.client().get(f"/api/personas/{api.persona['id']}/feed").json()["posts"]
    assert [p["id"] for p in feed] == [labelled["id"], first["id"]]
    assert api.client().post("/api/runtime/posts", json={}).status_code == 401
    body = {"persona_id": 999, "body": "x", "manifest_cid": CID, "idempotency_key": "k"}
    assert api.operator.post("/api/runtime/posts", json=body, headers=OPERATOR).status_code == 404
    wrong = {"Authorization": "Bearer nope"}
    assert api.operator.post("/api/runtime/posts", json=body, headers=wrong).status_code == 401


def test_the_reply_queue_leases_answers_once_and_skips(api):
    post = api.post()
    alice = api.fan(1)
    c1 = alice.post(f"/api/posts/{post['id']}/comments", json={"body": "what inspires you?"}).json()
    c2 = alice.post(f"/api/posts/{post['id']}/comments", json={"body": "nice"}).json()
    alice.post(f"/api/posts/{post['id']}/comments", json={"body": "shit"})  # held: never in the queue
    claim = api.operator.post("/api/runtime/replies/claim", json={"limit": 5, "lease_s": 30}, headers=OPERATOR).json()
    assert [(c["comment"]["id"], c["post"]["id"], c["persona_id"]) for c in claim] == [
        (c1["id"], post["id"], api.persona["id"]),
        (c2["id"], post["id"], api.persona["id"]),
    ]
    assert api.operator.post("/api/runtime/replies/claim", json={}, headers=OPERATOR).json() == []
    api.service.clock.advance(31)  # type: ignore[attr-defined]
    assert len(api.operator.post("/api/runtime/replies/claim", json={}, headers=OPERATOR).json()) == 2
    answer = {"body": "the city lights at dawn", "manifest_cid": CID}
    reply = api.operator.post(f"/api/runtime/replies/{c1['id']}", json=answer, headers=OPERATOR)
    assert reply.status_code == 200 and reply.json()["kind"] == "reply" and reply.json()["in_reply_to"] == c1["id"]
    twice = api.operator.post(f"/api/runtime/replies/{c1['id']}", json=answer, headers=OPERATOR)
    assert twice.status_code == 409 and "answered already" in twice.json()["detail"]
    skip = api.operator.post(f"/api/runtime/replies/{c2['id']}", json={"skip": "nothing to add"}, headers=OPERATOR)
    assert skip.json() == {"comment_id": c2["id"], "skip": "nothing to add"}
    both = {"body": "x", "manifest_cid": CID, "skip": "y"}
    assert api.operator.post(f"/api/runtime/replies/{c2['id']}", json=both, headers=OPERATOR).status_code == 422
    assert api.operator.post("/api/runtime/replies/999", json=answer, headers=OPERATOR).status_code == 404
    comments = api.client().get(f"/api/posts/{post['id']}").json()["comments"]
    assert comments[0]["reply"]["body"] == "the city lights at dawn" and comments[1]["reply"] is None
    # replies are not posts of the feed
    assert [p["id"] for p in api.client().get(f"/api/personas/{api.persona['id']}/feed").json()["posts"]] == [
        post["id"]
    ]


def test_emotions_and_the_reaction_log(api):
    pid = api.persona["id"]
    r = api.operator.put(f"/api/runtime/personas/{pid}/emotion", json={"emotion": "joy"}, headers=OPERATOR)
    assert r.json()["emotion"] == "joy"
    bad = api.operator.put(f"/api/runtime/personas/{pid}/emotion", json={"emotion": "ennui"}, headers=OPERATOR)
    assert bad.status_code == 422
    post = api.post()
    alice = api.fan(1)
    alice.post(f"/api/posts/{post['id']}/like")
    alice.delete(f"/api/posts/{post['id']}/like")
    alice.post(f"/api/posts/{post['id']}/comments", json={"body": "lovely"})
    alice.post(f"/api/personas/{pid}/rating", json={"stars": 5})
    page = api.operator.get("/api/runtime/reactions", params={"limit": 2}, headers=OPERATOR).json()
    assert [r["kind"] for r in page["reactions"]] == ["like", "unlike"]
    rest = api.operator.get("/api/runtime/reactions", params={"since": page["next"]}, headers=OPERATOR).json()
    assert [(r["kind"], r["value"]) for r in rest["reactions"]] == [
        ("comment", moderate("lovely").sentiment_bps),
        ("rating", 5),
    ]
    assert api.operator.get("/api/runtime/reactions", params={"since": rest["next"]}, headers=OPERATOR).json() == {
        "reactions": [],
        "next": rest["next"],
    }


# ------------------------------------------------------------------ engagement


def test_engagement_as_of_a_moment_is_final(api):
    post = api.post()
    alice, bob = api.fan(1), api.fan(2)
    for c in (alice, bob):
        c.get(f"/api/posts/{post['id']}")
        c.post(f"/api/posts/{post['id']}/like")
    alice.post(f"/api/posts/{post['id']}/comments", json={"body": "I love this, so beautiful!"})
    alice.post(f"/api/posts/{post['id']}/share")
    alice.post(f"/api/personas/{api.persona['id']}/follow")
    bob.post(f"/api/personas/{api.persona['id']}/rating", json={"stars": 3})
    at = settled(api)
    before = totals(api, at)
    assert {k: before[k] for k in ("views", "likes", "shares", "comments", "follows", "ratings")} == {
        "views": 2,
        "likes": 2,
        "shares": 1,
        "comments": 1,
        "follows": 1,
        "ratings": 1,
    }
    assert before["rating_mean_milli"] == 3000 and before["sentiment_bps"] > 5000
    assert before["federated"] == dict.fromkeys(before["federated"], 0)
    # later: an unlike, a share, a fediverse like; the answer for `at` stays the same
    bob.delete(f"/api/posts/{post['id']}/like")
    bob.post(f"/api/posts/{post['id']}/share")
    with api.service.db.sessions() as s:
        reactions.like(
            s, post_store.get(s, post["id"]), "https://fedi.example/users/eve", "federated", api.service.now()
        )
    assert totals(api, at) == before
    now = totals(api, settled(api))
    # bob's like stays counted (likes count first likes: churn mints nothing); eve's is federated, inside the totals
    assert (now["likes"], now["shares"], now["federated"]["likes"]) == (3, 2, 1)


def test_engagement_refuses_the_future_and_waits_out_the_present(api):
    now = int(time.time())
    r = api.operator.get("/api/engagement", params={"at": now + 3600})
    assert r.status_code == 422 and "in the future" in r.json()["detail"]
    started = time.monotonic()
    assert api.operator.get("/api/engagement", params={"at": now}).json()["at"] == now
    assert time.monotonic() - started >= 0.9  # settled: every write stamped up to `at` has committed
    assert set(api.operator.get("/api/engagement").json()["personas"]) == {str(api.persona["id"])}


def test_daily_history_for_the_chart(api):
    post = api.post()
    alice = api.fan(1)
    alice.post(f"/api/posts/{post['id']}/like")
    alice.get(f"/api/posts/{post['id']}")
    days = api.client().get(f"/api/personas/{api.persona['id']}/engagement/history", params={"days": 3}).json()["days"]
    assert len(days) == 3 and days[-1]["likes"] == 1 and days[-1]["views"] == 1 and days[0]["likes"] == 0
    assert days[1]["start"] - days[0]["start"] == 86_400


# ------------------------------------------------------------------ faults


def test_a_locked_database_is_503_and_the_write_is_not_lost_after(tmp_path):
    from social.service import SocialService
    from social.store.db import Database

    url = f"sqlite:///{tmp_path / 'locked.db'}"
    service = SocialService(settings_for(url), Database(url, busy_timeout_ms=200), clock=Clock())
    service.db.migrate()
    api = Api(service)
    try:
        post = api.post()
        alice = api.fan(1)
        assert alice.post(f"/api/posts/{post['id']}/like").status_code == 200
        locker = sqlite3.connect(str(tmp_path / "locked.db"), isolation_level=None)
        locker.execute("BEGIN EXCLUSIVE")  # another process holds the database
        try:
            r = alice.post(f"/api/posts/{post['id']}/share")
            assert r.status_code == 503 and r.headers["Retry-After"] and "unavailable" in r.json()["detail"]
        finally:
            locker.execute("ROLLBACK")
            locker.close()
        view = alice.get(f"/api/posts/{post['id']}").json()
        assert (view["likes"], view["shares"]) == (1, 0)  # the accepted like is there, the refused share is not
        assert alice.post(f"/api/posts/{post['id']}/share").json()["shares"] == 1
    finally:
        api.close()
        service.close()


def test_a_database_that_is_not_ready_is_503(tmp_path):
    from social.service import SocialService
    from social.store.db import Database

    url = f"sqlite:///{tmp_path / 'late.db'}"
    service = SocialService(settings_for(url), Database(url))  # not migrated
    with TestClient(create_app(service, background=False, federation=False)) as c:
        r = c.get("/api/personas")
        assert r.status_code == 503 and "not ready" in r.json()["detail"] and r.headers["Retry-After"]
        assert c.get("/health").json()["ok"] is False
        service.db.migrate()
        assert c.get("/api/personas").json() == [] and c.get("/health").json()["ok"] is True
    service.close()


def test_the_holder_badge_reads_the_share_token_and_forgives_an_outage():
    class Reader:
        def __init__(self):
            self.calls = 0
            self.down = False

        def balance_of(self, token, holder):
            self.calls += 1
            if self.down:
                raise ChainUnavailable("node down")
            return 5 if holder.endswith("1") else 0

    now = [0.0]
    reader = Reader()
    holders = Holders(reader, ttl=60, failure_ttl=10, clock=lambda: now[0])  # type: ignore[arg-type]
    token = "0x" + "ab" * 20
    assert holders.is_holder(token, "0x" + "00" * 19 + "01") is True
    assert holders.is_holder(token, "0x" + "00" * 19 + "02") is False
    assert holders.is_holder(token, "0x" + "00" * 19 + "01") is True and reader.calls == 2  # cached
    assert holders.is_holder(None, "0x" + "00" * 19 + "01") is False  # no share token: no badge
    assert Holders(None).is_holder(token, "0x01") is False  # no chain: no badge
    reader.down, now[0] = True, 61.0
    assert holders.is_holder(token, "0x" + "00" * 19 + "01") is False  # unknown while the node is down
    reader.down, now[0] = False, 72.0
    assert holders.is_holder(token, "0x" + "00" * 19 + "01") is True  # back after the short failure ttl
