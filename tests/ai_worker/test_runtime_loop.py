"""Persona runtime, the loop, against a stand-in of the social service that keeps its runtime
API's promises (social/README.md): one post per idempotency key, leased claims that return to
pending, one answer per comment (409 after), bearer auth. The runtime writes from the labelled
templates here (the model has its own tests); what is checked is the bookkeeping: schedule
slots, restarts, a process killed mid-batch, the service down, rate limits, emotions."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from aiw_helpers import ThreadServer

from ai_worker.manifest import verify_manifest
from ai_worker.persona import EXAMPLE_SPEC
from ai_worker.runtime.client import SocialClient
from ai_worker.runtime.service import PersonaRuntime, schedule_slot
from ai_worker.runtime.writer import TEMPLATE_LABEL, TemplateWriter
from fame.config import PROJECT_ROOT, WorkerSettings
from fame.procs import wait_until

TOKEN = "test-operator-token"


class FakeSocial:
    """The runtime half of the social service's HTTP API, in memory."""

    def __init__(self, personas: list[dict]) -> None:
        from fastapi import FastAPI, Header, HTTPException, Request
        from fastapi.responses import JSONResponse

        self.lock = threading.Lock()
        self.personas = {p["id"]: {"emotion": None, **p} for p in personas}
        self.posts: list[dict] = []
        self.comments: dict[int, dict] = {}
        self.emotion_puts: list[tuple[int, str]] = []
        self.reply_calls: list[int] = []
        self.down = False
        self.after_reply = None  # called with the comment id once a reply is stored, before answering
        app = FastAPI()

        @app.middleware("http")
        async def outage(request: Request, call_next):
            if self.down:
                return JSONResponse({"detail": "database down"}, status_code=503)
            return await call_next(request)

        def auth(authorization: str | None) -> None:
            if authorization != f"Bearer {TOKEN}":
                raise HTTPException(401, "operator token required")

        @app.get("/api/personas")
        def personas_():
            with self.lock:
                return list(self.personas.values())

        @app.post("/api/runtime/posts")
        def create_post(body: dict, authorization: str | None = Header(None)):
            auth(authorization)
            with self.lock:
                for p in self.posts:
                    if p["persona_id"] == body["persona_id"] and p["idempotency_key"] == body["idempotency_key"]:
                        return p
                post = self._post(
                    body["persona_id"],
                    body["body"],
                    body["manifest_cid"],
                    body["ai_label"],
                    "post",
                    key=body["idempotency_key"],
                )
                post["image_cid"] = body.get("image_cid")
                return post

        @app.post("/api/runtime/replies/claim")
        def claim(body: dict, authorization: str | None = Header(None)):
            auth(authorization)
            now = time.time()
            out = []
            with self.lock:
                for c in sorted(self.comments.values(), key=lambda c: c["id"]):
                    if len(out) >= body["limit"]:
                        break
                    free = c["reply_state"] == "pending" or (c["reply_state"] == "claimed" and c["claimed_until"] < now)
                    if free:
                        c["reply_state"], c["claimed_until"] = "claimed", now + body["lease_s"]
                        post = self.posts[c["post_id"] - 1]
                        out.append({"comment": self._comment(c), "post": post, "persona_id": post["persona_id"]})
            return out

        @app.post("/api/runtime/replies/{comment_id}")
        def answer(comment_id: int, body: dict, authorization: str | None = Header(None)):
            auth(authorization)
            with self.lock:
                self.reply_calls.append(comment_id)
                c = self.comments.get(comment_id)
                if c is None:
                    raise HTTPException(404, "no such comment")
                if c["reply_state"] in ("answered", "skipped"):
                    raise HTTPException(409, "answered already")
                if "skip" in body:
                    c["reply_state"] = "skipped"
                    return {"skip": body["skip"]}
                persona = self.posts[c["post_id"] - 1]["persona_id"]
                reply = self._post(persona, body["body"], body["manifest_cid"], body["ai_label"], "reply", comment_id)
                c["reply_state"], c["reply_post_id"] = "answered", reply["id"]
            if self.after_reply is not None:
                self.after_reply(comment_id)
            return reply

        @app.put("/api/runtime/personas/{persona_id}/emotion")
        def emotion(persona_id: int, body: dict, authorization: str | None = Header(None)):
            auth(authorization)
            with self.lock:
                self.personas[persona_id]["emotion"] = body["emotion"]
                self.emotion_puts.append((persona_id, body["emotion"]))
            return {"emotion": body["emotion"]}

        self.app = app

    def _post(self, persona_id, body, manifest_cid, ai_label, kind, in_reply_to=None, key=None) -> dict:
        post = {
            "id": len(self.posts) + 1,
            "persona_id": persona_id,
            "body": body,
            "manifest_cid": manifest_cid,
            "ai_label": ai_label,
            "kind": kind,
            "in_reply_to": in_reply_to,
            "idempotency_key": key,
            "created_at": int(time.time()),
        }
        self.posts.append(post)
        return post

    @staticmethod
    def _comment(c: dict) -> dict:
        return {k: c[k] for k in ("id", "author", "origin", "body", "created_at")}

    def comment(self, post_id: int, body: str) -> int:
        with self.lock:
            cid = len(self.comments) + 1
            self.comments[cid] = {
                "id": cid,
                "post_id": post_id,
                "author": "0x" + "ab" * 20,
                "origin": "local",
                "body": body,
                "created_at": int(time.time()),
                "reply_state": "pending",
                "claimed_until": None,
                "reply_post_id": None,
            }
            return cid

    def replies_to(self, comment_id: int) -> list[dict]:
        with self.lock:
            return [p for p in self.posts if p["kind"] == "reply" and p["in_reply_to"] == comment_id]

    def posts_of(self, persona_id: int, kind: str = "post") -> list[dict]:
        with self.lock:
            return [p for p in self.posts if p["persona_id"] == persona_id and p["kind"] == kind]


PERSONAS = [{"id": 1, "handle": "nova_lux", "name": "Nova Lux"}, {"id": 2, "handle": "kai", "name": "Kai"}]


@pytest.fixture
def fake():
    f = FakeSocial(PERSONAS)
    with ThreadServer(f.app) as server:
        f.url = server.url
        yield f


class Clock:
    def __init__(self, t: float) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


def make_runtime(
    fake, tmp_path, backend, signer, clock=time.time, reply_interval_s=0.0, spec_cids=None, sealer=None, **cfg
) -> PersonaRuntime:
    settings = WorkerSettings(runtime_lease_s=cfg.pop("lease_s", 30), runtime_poll_s=0.05, **cfg)
    return PersonaRuntime(
        SocialClient(fake.url, TOKEN),
        TemplateWriter(),
        backend,
        signer,
        settings,
        tmp_path / "runtime",
        post_interval_s=3600,
        reply_interval_s=reply_interval_s,
        clock=clock,
        spec_cids=spec_cids,
        sealer=sealer,
    )


def test_posts_once_per_slot_even_across_restarts(fake, tmp_path, backend, worker_account):
    t0 = 1_900_000_000.0
    clock = Clock(t0)
    rt = make_runtime(fake, tmp_path, backend, worker_account, clock)
    rt.tick()
    first = {pid: fake.posts_of(pid) for pid in (1, 2)}
    assert all(len(p) == 1 for p in first.values())
    post = first[1][0]
    assert post["ai_label"] == TEMPLATE_LABEL  # template output, labelled as such
    assert post["idempotency_key"] == schedule_slot(1, 3600, t0).key
    # the disclosure manifest is pinned and signed, its content is the text
    manifest = json.loads(backend.read(post["manifest_cid"]))
    assert verify_manifest(manifest, worker_account.address, content=post["body"].encode()) == worker_account.address
    assert manifest["content"]["mediaType"].startswith("text/plain") and manifest["aiGenerated"] is True
    assert manifest["kind"] == "post" and manifest["templateOutput"] is True and manifest["aiLabel"] == TEMPLATE_LABEL
    assert {m["role"] for m in manifest["models"]} == {"text", "emotion"}
    rt.tick()
    # a restart in the same slot: nothing new (local state)
    make_runtime(fake, tmp_path, backend, worker_account, clock).tick()
    # ... and with its state lost, the idempotency key still gives the same post
    make_runtime(fake, tmp_path / "elsewhere", backend, worker_account, clock).tick()
    assert {pid: fake.posts_of(pid) for pid in (1, 2)} == first
    # the next slot posts again
    clock.t = t0 + 3600
    rt.tick()
    assert [len(fake.posts_of(pid)) for pid in (1, 2)] == [2, 2]


def test_persona_schedule_from_the_service(fake, tmp_path, backend, worker_account):
    fake.personas[1]["post_interval_s"] = 60
    clock = Clock(1_900_000_000.0)
    rt = make_runtime(fake, tmp_path, backend, worker_account, clock)
    rt.tick()
    clock.t += 60
    rt.tick()
    assert len(fake.posts_of(1)) == 2 and len(fake.posts_of(2)) == 1  # persona 2: the default hour


def test_every_nth_post_carries_a_picture_from_the_spec(fake, tmp_path, backend, worker_account):
    """posting.image_every = 2: every other slot's post carries a picture of the persona in the
    post's emotion, pinned with a signed manifest whose content is the image and whose caption
    is the post's text; a restart in a picture slot gives the same post, picture included."""
    fake.personas[1]["spec"] = {**EXAMPLE_SPEC, "posting": {"interval_s": 3600, "image_every": 2}}
    t0 = 1_900_000_000.0
    clock = Clock(t0)
    rt = make_runtime(fake, tmp_path, backend, worker_account, clock)
    for hour in range(4):
        clock.t = t0 + hour * 3600
        rt.tick()
    posts = fake.posts_of(1)
    assert len(posts) == 4
    slots = [schedule_slot(1, 3600, t0 + hour * 3600).index for hour in range(4)]
    assert [p["image_cid"] is not None for p in posts] == [i % 2 == 0 for i in slots]
    assert all(p["image_cid"] is None for p in fake.posts_of(2))  # no image_every in its spec
    pictured = [p for p in posts if p["image_cid"]]
    for post in pictured:
        png = backend.read(post["image_cid"])
        assert png.startswith(b"\x89PNG")
        manifest = json.loads(backend.read(post["manifest_cid"]))
        assert verify_manifest(manifest, worker_account.address, content=png) == worker_account.address
        assert manifest["caption"] == post["body"] and manifest["content"]["mediaType"] == "image/png"
        assert {m["role"] for m in manifest["models"]} == {"image", "text", "emotion"}
    # the last picture slot again, from a runtime that lost its state: the very same post
    clock.t = t0 + max(h for h in range(4) if slots[h] % 2 == 0) * 3600
    make_runtime(fake, tmp_path / "elsewhere", backend, worker_account, clock).tick()
    assert fake.posts_of(1) == posts


def test_scheduled_pictures_carry_the_same_credentials_as_paid_ones(fake, tmp_path, backend, worker_account):
    """With the runtime's certificate a post's picture is C2PA-signed and watermarked like a
    paid one: verify() passes every check against the runtime's root and address, the manifest
    says so, and the pixels name the persona and the slot after a JPEG q75 re-encode."""
    import io

    from PIL import Image

    from ai_worker.credentials.certs import ensure_credentials
    from ai_worker.credentials.sealer import Sealer
    from ai_worker.credentials.verify import verify
    from ai_worker.credentials.watermark import decode

    creds = ensure_credentials(tmp_path / "certs", worker_account)
    fake.personas[1]["spec"] = {**EXAMPLE_SPEC, "posting": {"interval_s": 3600, "image_every": 1}}
    make_runtime(fake, tmp_path, backend, worker_account, Clock(1_900_000_000.0), sealer=Sealer(creds)).tick()
    (post,) = fake.posts_of(1)
    png = backend.read(post["image_cid"])
    manifest = json.loads(backend.read(post["manifest_cid"]))
    assert verify_manifest(manifest, worker_account.address, content=png) == worker_account.address
    assert manifest["credentials"]["c2pa"] is True and manifest["credentials"]["watermark"]["payload"]
    report = verify(png, post["image_cid"], creds.root_pem, expected_worker=worker_account.address)
    assert report.ok, report.to_json()
    assert report.content["requestId"] == manifest["requestId"] and report.get("watermark").status == "pass"
    buf = io.BytesIO()
    Image.open(io.BytesIO(png)).convert("RGB").save(buf, format="JPEG", quality=75)
    reading = decode(Image.open(buf))
    assert reading.found and reading.payload.matches(1, manifest["requestId"])
    assert not reading.payload.matches(1, manifest["requestId"] + "x")


def test_each_comment_answered_once_in_the_fans_mood(fake, tmp_path, backend, worker_account):
    rt = make_runtime(fake, tmp_path, backend, worker_account)
    rt.tick()
    post_id = fake.posts_of(1)[0]["id"]
    hostile = [
        "This is terrible and so disappointing, I hate it",
        "Awful, you ruined everything, so angry",
        "Worst post ever, this is a disgrace",
        "Boring and bad, I'm furious",
    ]
    ids = [fake.comment(post_id, text) for text in hostile]
    for _ in range(4):
        rt.tick()
    assert all(len(fake.replies_to(i)) == 1 for i in ids)
    reply = fake.replies_to(ids[0])[0]
    manifest = json.loads(backend.read(reply["manifest_cid"]))
    assert manifest["kind"] == "reply" and manifest["inReplyTo"] == ids[0]
    from ai_worker.manifest import brief_hash

    assert manifest["briefHash"] == brief_hash(hostile[0])  # the fan's comment is what was answered
    # mimicry: the persona (baseline calm: no spec on this service) now feels what its fans wrote
    assert fake.personas[1]["emotion"] in ("anger", "sadness", "fear")
    assert fake.emotion_puts[0] == (1, "calm") and fake.emotion_puts[-1][0] == 1
    assert fake.personas[2]["emotion"] == "calm"
    assert rt.stats.replies == 4 and rt.stats.latencies
    # a retry of an answered comment is a 409, taken as done, never a second reply
    with pytest.raises(Exception, match="answered"):
        rt.client.reply(ids[0], "again", reply["manifest_cid"], TEMPLATE_LABEL)
    assert len(fake.replies_to(ids[0])) == 1


def test_reply_rate_per_persona(fake, tmp_path, backend, worker_account):
    rt = make_runtime(fake, tmp_path, backend, worker_account, reply_interval_s=0.4, runtime_claim_batch=8)
    rt.tick()
    ids = [fake.comment(fake.posts_of(1)[0]["id"], f"Love this {i}!") for i in range(3)]
    other = fake.comment(fake.posts_of(2)[0]["id"], "Hi Kai!")
    started = time.time()
    rt.tick()
    # one reply per persona in the first pass
    assert len(fake.replies_to(ids[0])) == 1 and len(fake.replies_to(other)) == 1
    assert not fake.replies_to(ids[1]) and not fake.replies_to(ids[2])
    while not fake.replies_to(ids[2]) and time.time() - started < 10:
        time.sleep(rt._idle_wait())
        rt.tick()
    assert time.time() - started >= 0.8  # three replies of one persona: two intervals at least
    assert all(len(fake.replies_to(i)) == 1 for i in ids)


def test_service_down_then_back(fake, tmp_path, backend, worker_account):
    rt = make_runtime(fake, tmp_path, backend, worker_account)
    rt.backoff = (0.1, 0.4)
    fake.down = True
    worker = threading.Thread(target=rt.run, daemon=True)
    worker.start()
    wait_until(lambda: rt.stats.unavailable >= 2, 10, "the runtime to notice the outage")
    assert not fake.posts
    fake.down = False
    wait_until(lambda: len(fake.posts_of(1)) == 1, 15, "the runtime to post after the outage")
    post_id = fake.posts_of(1)[0]["id"]

    # the service stores the reply, then fails (503) instead of answering: the runtime retries
    # the same reply, gets 409 and takes it as done
    def fail_once(comment_id):
        from fastapi import HTTPException

        fake.after_reply = None
        raise HTTPException(503, "database down")

    fake.after_reply = fail_once
    cid = fake.comment(post_id, "So cool!")
    wait_until(lambda: rt.stats.already_answered == 1, 15, "the retried reply to be found answered")
    rt.stop.set()
    worker.join(10)
    assert len(fake.replies_to(cid)) == 1 and fake.reply_calls.count(cid) == 2
    assert len(fake.posts_of(1)) == 1


def test_bad_token_stops_with_a_clear_error(fake, tmp_path, backend, worker_account):
    rt = make_runtime(fake, tmp_path, backend, worker_account)
    rt.client = SocialClient(fake.url, "wrong")
    from fame.errors import FameError

    with pytest.raises(FameError, match="OPERATOR_TOKEN"):
        rt.run(once=True)


def runtime_env(tmp_path: Path, url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAME_")}
    env.update(
        FAME_STATE_DIR=str(tmp_path / "state"),
        FAME_IPFS_BACKEND="embedded",
        FAME_IPFS_DIR=str(tmp_path / "ipfs"),
        FAME_IPFS_FSYNC="false",
        FAME_SOCIAL_OPERATOR_TOKEN=TOKEN,
        FAME_SOCIAL_REPLY_INTERVAL_S="0",
        FAME_WORKER_RUNTIME_SOCIAL_URL=url,
        FAME_WORKER_RUNTIME_WRITER="template",
        FAME_WORKER_RUNTIME_LEASE_S="5",
        FAME_WORKER_RUNTIME_POLL_S="0.1",
        FAME_WORKER_RUNTIME_CLAIM_BATCH="4",
        FAME_DEPLOYMENTS_DIR=str(tmp_path / "no-deployment"),
        PYTHONPATH=str(PROJECT_ROOT),
    )
    env.update(extra)
    return env


def start_runtime(env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "ai_worker.runtime"],
        env=env,
        cwd=PROJECT_ROOT,
        stdout=open(log, "ab"),  # noqa: SIM115 - the child holds its own descriptor
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def test_process_killed_mid_batch_loses_and_doubles_nothing(fake, tmp_path):
    """`python -m ai_worker.runtime` is SIGKILLed right after the service stored its first reply
    of a batch (before the answer reaches it), then started again."""
    env = runtime_env(tmp_path, fake.url)
    log = tmp_path / "runtime.log"
    proc = start_runtime(env, log)
    try:
        wait_until(lambda: len(fake.posts_of(1)) == 1, 30, "the runtime's first post", proc, log)
        post_id = fake.posts_of(1)[0]["id"]

        def kill(comment_id):
            fake.after_reply = None
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)

        fake.after_reply = kill
        ids = [fake.comment(post_id, f"Amazing post number {i}, love it!") for i in range(6)]
        wait_until(lambda: proc.poll() is not None, 30, "the runtime to be killed mid-batch")
        answered = [i for i in ids if fake.replies_to(i)]
        assert len(answered) == 1  # killed after one reply of the claimed batch
        assert [c["reply_state"] for c in fake.comments.values()].count("claimed") >= 1
        proc = start_runtime(env, log)
        wait_until(
            lambda: all(fake.replies_to(i) for i in ids), 40, "every comment answered after the restart", proc, log
        )
        # let it run a little more: nothing else happens
        time.sleep(1.0)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(15)
    assert [len(fake.replies_to(i)) for i in ids] == [1] * 6, log.read_text()[-3000:]
    assert len(fake.posts_of(1)) == 1 and len(fake.posts_of(2)) == 1  # no slot posted twice
    assert all(r["ai_label"] == TEMPLATE_LABEL for r in fake.posts)
    assert proc.returncode == 0  # SIGTERM: a clean stop


def test_spec_from_ipfs(fake, tmp_path, backend, worker_account):
    cid = str(backend.add(json.dumps(EXAMPLE_SPEC).encode(), name="spec.json"))
    fake.personas[1]["spec_cid"] = cid
    rt = make_runtime(fake, tmp_path, backend, worker_account)
    rt.tick()
    profile = rt.profile(fake.personas[1])
    assert profile.topics == ("gadgets", "urbanism") and profile.baseline == "joy"
    assert fake.personas[1]["emotion"] == "joy"  # the spec's baseline, PUT after the first pass
    body = fake.posts_of(1)[0]["body"].lower()
    assert "gadgets" in body or "urbanism" in body  # written about the spec's topics


def test_spec_cid_from_the_registry(fake, tmp_path, backend, worker_account):
    cid = str(backend.add(json.dumps(EXAMPLE_SPEC).encode(), name="spec.json"))
    asked = []

    def registry(pid):
        asked.append(pid)
        return cid if pid == 1 else None

    rt = make_runtime(fake, tmp_path, backend, worker_account, spec_cids=registry)
    rt.tick()
    assert rt.profile(fake.personas[1]).topics == ("gadgets", "urbanism")
    assert rt.profile(fake.personas[2]).name == "Kai" and rt.profile(fake.personas[2]).topics == ()
    assert fake.personas[1]["emotion"] == "joy" and fake.personas[2]["emotion"] == "calm"
    assert set(asked) == {1, 2}


def test_registry_specs_without_a_node_cost_no_time():
    from ai_worker.runtime.specs import RegistrySpecs

    specs = RegistrySpecs("http://127.0.0.1:9", retry_s=60)  # nothing listens on the discard port
    started = time.monotonic()
    assert specs(1) is None and specs(2) is None  # one quick failed try, then none until retry_s
    assert time.monotonic() - started < 5

    class Call:
        def __init__(self, pid):
            self.pid = pid

        def call(self):
            return ["Nova", f"bafyspec{self.pid}", "0x" + "00" * 20]

    class Functions:
        persona = Call

    class Registry:
        functions = Functions

    specs._registry, specs._down_until = Registry(), 0.0
    assert specs(1) == "bafyspec1"
    specs._registry = None  # found CIDs are kept: no chain needed again
    assert specs(1) == "bafyspec1"
