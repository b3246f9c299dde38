"""The AI worker service: follows the content market, claims requests, generates, pins, fulfils.

One pass (`Worker.step`) does two things:

1. Scan: reads `RequestCreated` events from blocks at least `confirmations` under the head
   (a reorg cannot show the worker a request that later disappears), in bounded chunks, and
   records each request once in the job store (SQLite, ai_worker/jobs.py).
2. Work: advances every due job by one stage, re-reading the request on chain first:
     seen      -> brief fetched from IPFS and checked (malformed / oversized: `rejected`,
                  never claimed) -> claim -> `claimed`
     claimed   -> persona spec from its registry CID, content generated (image or caption
                  through ContentPipeline, seeded by the request), pinned with its signed
                  AI-disclosure manifest -> `published`
     published -> fulfil(content CID, manifest CID) -> `fulfilled`
     fulfilled -> after the challenge window, release (anyone may) -> `released`
   A job whose request was claimed by another worker, expired, or settled without us is
   `lost`. IPFS or RPC failures keep the stage and back off (1 s, 2 s, ... 60 s).

Restart safety: a stage is recorded only once its effect is durable, and every step first
looks at the chain, so a worker killed between a transaction and the write that records it
sees the transaction's effect on restart and moves on: no double claim, no double
fulfilment, no lost job. Generation is seeded by (persona, request), so a job regenerated
after a crash produces the same image.
"""

from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import dataclass
from typing import Any

from eth_account.signers.local import LocalAccount
from web3.contract import Contract

from fame.chain import Chain
from fame.config import WorkerSettings
from fame.errors import FameError
from fame.ipfs.errors import CIDError, IpfsError

from .briefs import BadBrief, parse_brief
from .emotions import EMOTIONS
from .jobs import Job, JobStore
from .manifest import make_item, publish
from .persona import as_profile
from .pipeline import ContentPipeline, HeldByModeration
from .video.errors import ScriptError

log = logging.getLogger("fame.worker")

# ContentMarket's statuses and kinds (contracts/content/ContentMarket.vy).
OPEN, CLAIMED, FULFILLED, DISPUTED, RELEASED, REFUNDED, CANCELLED = range(1, 8)
KIND_IMAGE, KIND_CAPTION, KIND_POST, KIND_VOICE, KIND_VIDEO = range(5)
EMOTION_ANY = 255
# A brief that cannot be fetched this many times in a row (with back-off) is given up on.
BRIEF_ATTEMPTS = 6


@dataclass(frozen=True)
class OnChain:
    """The fields of ContentMarket.get_request the worker needs."""

    status: int
    worker: str
    deadline: int
    claim_expires: int
    challenge_ends: int
    content_cid: str
    manifest_cid: str

    @classmethod
    def read(cls, market: Any, request_id: int) -> OnChain:
        r = market.functions.get_request(request_id).call()
        # Request struct order: requester, persona_id, kind, emotion, status, fee, deadline, created_at,
        # worker, claim_expires, fulfilled_at, challenge_ends, brief_cid, content_cid, manifest_cid
        return cls(
            status=r[4],
            worker=r[8],
            deadline=r[6],
            claim_expires=r[9],
            challenge_ends=r[11],
            content_cid=r[13],
            manifest_cid=r[14],
        )


class Worker:
    """A worker bound to one account, one chain deployment, one IPFS backend and one job store."""

    def __init__(
        self,
        chain: Chain,
        account: LocalAccount,
        backend: Any,
        store: JobStore,
        cfg: WorkerSettings,
        pipeline: ContentPipeline | None = None,
    ) -> None:
        self.chain = chain
        self.account = account
        self.backend = backend
        self.store = store
        self.cfg = cfg
        self.market = chain.contract("ContentMarket")
        self.registry = chain.contract("PersonaRegistry")
        self.pipeline = pipeline or ContentPipeline(signer=account)
        self.oracle: Contract | None
        try:  # the engagement the emotion engine learns from
            self.oracle = chain.contract("EngagementOracle")
        except FameError:
            self.oracle = None
        self._fault = os.environ.get("FAME_WORKER_FAULT", "")  # tests only: "exit-in:<stage>"
        self._announced: set[int] = set()  # requests whose content is in the persona's feed

    # ------------------------------------------------------------------ set-up

    def ensure_bond(self) -> None:
        """Bonds the market's minimum when the account's bond is below it (approving FMC first)."""
        min_bond = self.market.functions.params().call()[0]
        bond = self.market.functions.worker(self.account.address).call()[0]
        if bond >= min_bond:
            return
        missing = min_bond - bond
        fmc = self.chain.contract("FMC")
        if fmc.functions.balanceOf(self.account.address).call() < missing:
            raise FameError(
                f"worker {self.account.address} needs {missing / 1e18:,.0f} FMC more to bond the "
                "market's minimum: send it FMC, then start again"
            )
        self.chain.transact(self.account, fmc.functions.approve(self.market.address, missing))
        self.chain.transact(self.account, self.market.functions.bond(missing))
        log.info("bonded %s FMC", missing / 1e18)

    # ------------------------------------------------------------------ one pass

    def step(self) -> int:
        """Scans and advances every due job once; returns how many jobs changed stage."""
        self.scan()
        self.feed_engine()
        changed = 0
        for job in self.store.due():
            before = job.stage
            self.advance(job)
            after = self.store.get(job.request_id)
            changed += after is not None and after.stage != before
        return changed

    def scan(self) -> int:
        head = self.chain.w3.eth.block_number
        safe = head - self.cfg.confirmations
        start = self.store.last_block(self._deploy_block() - 1) + 1
        found = 0
        while start <= safe:
            end = min(safe, start + self.cfg.scan_chunk - 1)
            for ev in self.market.events.RequestCreated.get_logs(from_block=start, to_block=end):
                a = ev["args"]
                found += self.store.add(
                    request_id=a["request_id"],
                    persona_id=a["persona_id"],
                    kind=a["kind"],
                    emotion=a["emotion"],
                    fee=a["fee"],
                    deadline=a["deadline"],
                    brief_cid=a["brief_cid"],
                )
            self.store.set_last_block(end)
            start = end + 1
        if found:
            log.info("found %d new request(s)", found)
        return found

    def feed_engine(self) -> int:
        """Rewards the emotion engine's waiting hints with the engagement the oracle reported since
        each hint was given (reward_from_engagement of the increase); returns how many."""
        engine = self.pipeline.engine
        if engine is None or self.oracle is None:
            return 0
        from .emotion_engine import EngineError, reward_from_engagement

        fed = 0
        for key, value in self.store.meta_items("hint:"):
            persona_id, before = int(key.split(":")[1]), json.loads(value)
            now = self._engagement(persona_id)
            if now["observed_at"] <= before["observed_at"]:
                continue  # no new report yet
            delta = {k: max(0, now[k] - before[k]) for k in ("views", "likes", "shares", "comments")}
            reward = reward_from_engagement(**delta, sentiment_bps=now["sentiment"])
            try:
                mood = engine.observe(persona_id, reward)
                log.info(
                    "persona %d: reward %.2f from the oracle's report, emotional state now %s", persona_id, reward, mood
                )
            except EngineError as exc:  # e.g. the hint was superseded: nothing to reward
                log.info("persona %d: engagement not rewarded (%s)", persona_id, exc)
            self.store.delete_meta(key)
            fed += 1
        return fed

    def _engagement(self, persona_id: int) -> dict[str, int]:
        if self.oracle is None:  # callers check first
            raise FameError("the manifest has no EngagementOracle")
        views, likes, shares, comments, sentiment, observed_at, _ = self.oracle.functions.latest(persona_id).call()
        return dict(
            views=views, likes=likes, shares=shares, comments=comments, sentiment=sentiment, observed_at=observed_at
        )

    def _deploy_block(self) -> int:
        return int(self.chain.manifest.deploy_block or 0)

    def advance(self, job: Job) -> None:
        try:
            getattr(self, f"_from_{job.stage}")(job)
        except IpfsError as exc:
            delay = self.store.retry_later(job.request_id, f"IPFS: {exc}")
            log.warning("request %d: IPFS unavailable (%s); retry in %.0f s", job.request_id, exc, delay)
        except FameError as exc:
            delay = self.store.retry_later(job.request_id, str(exc))
            log.warning("request %d: %s; retry in %.0f s", job.request_id, exc, delay)

    # ------------------------------------------------------------------ stages

    def _mine(self, r: OnChain) -> bool:
        return r.worker.lower() == self.account.address.lower()

    def _now(self) -> int:
        return self.chain.w3.eth.get_block("latest")["timestamp"]

    def _from_seen(self, job: Job) -> None:
        r = OnChain.read(self.market, job.request_id)
        if r.status == CLAIMED and self._mine(r):  # claimed before a crash, not recorded
            self.store.advance(job.request_id, "claimed")
            return
        now = self._now()
        claimable = r.status == OPEN or (r.status == CLAIMED and now >= r.claim_expires)
        if not claimable or now >= r.deadline:
            self.store.advance(job.request_id, "lost", error=f"not claimable (status {r.status})")
            return
        try:
            try:
                parse_brief(self._read_limited(job.brief_cid), self.cfg.max_brief_bytes)
            except IpfsError as exc:
                if job.attempts + 1 >= BRIEF_ATTEMPTS:
                    raise BadBrief(f"brief not retrievable after {BRIEF_ATTEMPTS} attempts ({exc})") from None
                raise
        except BadBrief as exc:
            self.store.advance(job.request_id, "rejected", error=str(exc))
            log.warning("request %d rejected: %s", job.request_id, exc)
            return
        try:
            self.chain.transact(self.account, self.market.functions.claim(job.request_id))
        except FameError as exc:
            if "not claimable" in str(exc) or "request expired" in str(exc):
                self.store.advance(job.request_id, "lost", error=str(exc))
                return
            raise
        self.store.advance(job.request_id, "claimed")
        log.info("request %d claimed", job.request_id)

    def _from_claimed(self, job: Job) -> None:
        r = OnChain.read(self.market, job.request_id)
        if r.status == FULFILLED and self._mine(r):
            self.store.advance(job.request_id, "fulfilled", content_cid=r.content_cid, manifest_cid=r.manifest_cid)
            return
        if r.status != CLAIMED or not self._mine(r) or self._now() >= r.claim_expires:
            self.store.advance(job.request_id, "lost", error="claim lost before generation")
            return
        brief = parse_brief(self._read_limited(job.brief_cid), self.cfg.max_brief_bytes)
        spec_cid = self.registry.functions.persona(job.persona_id).call()[1]
        spec = json.loads(self.backend.read(spec_cid))
        self._maybe_fault("generate")
        try:
            item = self._generate(job, spec, brief)
        except (HeldByModeration, ScriptError) as held:
            # Nothing is published; the claim lapses and the requester can refund or another
            # worker try. The operator reads why in `fame worker status`. A script that cannot
            # be one video (too long, unknown direction) would fail the same way on every try.
            why = "moderation" if isinstance(held, HeldByModeration) else "the video script"
            self.store.advance(job.request_id, "held", error=f"{why}: {held}")
            log.warning("request %d held by %s: %s", job.request_id, why, held)
            return
        published = publish(item, self.backend)
        self.store.advance(
            job.request_id,
            "published",
            content_cid=published.content_cid,
            manifest_cid=published.manifest_cid,
            emotion_used=item.manifest["emotion"],
        )
        log.info(
            "request %d published: content %s, manifest %s",
            job.request_id,
            published.content_cid,
            published.manifest_cid,
        )

    def _generate(self, job: Job, spec: dict, brief: str):
        emotion = None if job.emotion == EMOTION_ANY else EMOTIONS[job.emotion]
        learning = emotion is None and self.pipeline.engine is not None and self.oracle is not None
        before = self._engagement(job.persona_id) if learning else None
        make = {KIND_VOICE: self.pipeline.make_voice, KIND_VIDEO: self.pipeline.make_video}.get(
            job.kind, self.pipeline.make
        )
        item = make(persona_id=job.persona_id, request_id=job.request_id, spec=spec, brief=brief, emotion=emotion)
        if learning:  # the engine chose the emotion: its reward is the engagement that follows
            self.store.set_meta(f"hint:{job.persona_id}", json.dumps(before))
        if job.kind != KIND_CAPTION:
            return item
        # A caption request delivers the caption itself (text/plain), with the same manifest fields.
        caption = item.manifest.get("caption") or ""
        fields = {k: item.manifest[k] for k in ("seed",) if k in item.manifest}
        profile = as_profile(spec)
        return make_item(
            content=caption.encode(),
            signer=self.account,
            filename="caption.txt",
            media_type="text/plain; charset=utf-8",
            persona_id=job.persona_id,
            request_id=job.request_id,
            models={"caption": self.pipeline.captioner.info},
            brief=brief,
            emotion=emotion or profile.baseline,
            seed=fields.get("seed", 0),
            persona_name=profile.name,
            caption=caption,
        )

    def _from_published(self, job: Job) -> None:
        r = OnChain.read(self.market, job.request_id)
        if r.status == FULFILLED and self._mine(r):
            self.store.advance(job.request_id, "fulfilled")
            return
        if r.status != CLAIMED or not self._mine(r) or self._now() >= r.claim_expires:
            self.store.advance(job.request_id, "lost", error="claim lost before fulfilment")
            return
        self._maybe_fault("fulfil")
        self.chain.transact(
            self.account, self.market.functions.fulfil(job.request_id, job.content_cid, job.manifest_cid)
        )
        self.store.advance(job.request_id, "fulfilled")
        log.info("request %d fulfilled", job.request_id)

    def _announce(self, job: Job) -> None:
        """Put fulfilled content in the persona's feed on the social service (its runtime API,
        idempotent by the request: asked again after a restart, the service returns the same
        post). Best effort: the feed being down never holds up the chain work; the next pass
        asks again while the request waits out its challenge window."""
        if job.request_id in self._announced or not job.content_cid or not job.manifest_cid:
            return
        import httpx

        from fame.config import settings, social_settings

        social = social_settings()
        url = self.cfg.runtime_social_url or f"http://{settings().host}:{social.port}"
        media: dict[str, Any] = {}
        if job.kind in (KIND_IMAGE, KIND_VOICE, KIND_VIDEO):  # media, with the caption its manifest carries
            manifest = json.loads(self.backend.read(job.manifest_cid))
            text = str(manifest.get("caption") or "").strip()
            files = manifest.get("attachments") or {}
            if job.kind == KIND_IMAGE:
                media["image_cid"] = job.content_cid
            else:  # a voice message or a video, its subtitles and (a video's) poster
                media["media_cid"] = job.content_cid
                media["media_type"] = manifest["content"]["mediaType"]
                if "subtitles" in files:
                    media["subtitles_cid"] = files["subtitles"]["cid"]
                if "poster" in files:
                    media["image_cid"] = files["poster"]["cid"]
        else:  # captions and posts: the content is the text
            text = self.backend.read(job.content_cid).decode("utf-8", "replace").strip()
        text = text[:1_000] or f"New content for request #{job.request_id}."
        body = {
            "persona_id": job.persona_id,
            "body": text,
            "image_cid": None,
            **media,
            "manifest_cid": job.manifest_cid,
            "idempotency_key": f"content-request:{job.request_id}",
            "source": "content",
        }
        try:
            reply = httpx.post(
                f"{url}/api/runtime/posts",
                json=body,
                headers={"Authorization": f"Bearer {social.operator_token.get_secret_value()}"},
                timeout=10,
            )
        except httpx.HTTPError as err:
            log.info("request %d: the social feed is not reachable (%s); asking again later", job.request_id, err)
            return
        if reply.status_code in (200, 201):
            self._announced.add(job.request_id)
            log.info(
                "request %d: in persona #%d's feed as post #%s", job.request_id, job.persona_id, reply.json()["id"]
            )
        elif reply.status_code == 404:  # a persona the feed does not know: nothing to put it in
            self._announced.add(job.request_id)
        else:
            log.info("request %d: the social feed answered %d: %s", job.request_id, reply.status_code, reply.text[:200])

    def _from_fulfilled(self, job: Job) -> None:
        self._announce(job)
        r = OnChain.read(self.market, job.request_id)
        if r.status == RELEASED:
            self.store.advance(job.request_id, "released")
            return
        if r.status in (REFUNDED, CANCELLED):
            self.store.advance(job.request_id, "lost", error="settled against the worker")
            return
        now = self._now()
        if r.status == DISPUTED or now < r.challenge_ends:
            # Nothing to do until the window closes (or the DAO settles): look again later.
            wait = 30.0 if r.status == DISPUTED else max(1.0, float(r.challenge_ends - now))
            self.store.wait_until(job.request_id, time.time() + min(wait, 60.0))
            return
        self.chain.transact(self.account, self.market.functions.release(job.request_id))
        self.store.advance(job.request_id, "released")
        log.info("request %d released", job.request_id)

    # ------------------------------------------------------------------ helpers

    def _read_limited(self, cid: str) -> bytes:
        """Reads at most max_brief_bytes + 1 bytes (enough to tell an oversized brief)."""
        limit = self.cfg.max_brief_bytes + 1
        out = bytearray()
        try:
            for chunk in self.backend.cat(cid, 0, limit):
                out += chunk
                if len(out) >= limit:
                    break
        except CIDError as exc:  # not a CID, or not a file: no retry will fix it
            raise BadBrief(f"brief {cid!r} is not a readable file ({exc})") from None
        return bytes(out[:limit])

    def _maybe_fault(self, stage: str) -> None:
        if self._fault == f"exit-in:{stage}":
            log.error("fault injection: exiting in %s", stage)
            os._exit(3)


def run(worker: Worker, *, once: bool = False, stop: Any = None) -> None:
    """Runs passes until `stop()` is true (or once). A node that stops answering is waited for."""
    cfg = worker.cfg
    while True:
        try:
            worker.step()
        except (FameError, OSError, ConnectionError) as exc:
            log.warning("pass failed (%s: %s); retrying", type(exc).__name__, exc)
        except Exception as exc:  # noqa: BLE001 - a node or gateway outage shows up as many types
            if once:
                raise
            log.warning("pass failed (%s: %s); retrying", type(exc).__name__, exc)
        if once or (stop is not None and stop()):
            return
        time.sleep(cfg.poll_seconds)
