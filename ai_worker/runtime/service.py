"""The persona runtime's loop: every persona posts on its schedule and answers its fans.

One pass (`PersonaRuntime.tick`):

1. the personas, from the social service (`GET /api/personas`, refreshed every 30 s), each
   with its spec: the CID from the service when it gives one, else from the PersonaRegistry
   (`specs.RegistrySpecs`), the JSON from IPFS;
2. posts: a persona posts once per schedule slot (its `post_interval_s` when the service
   gives one, else FAME_SOCIAL_POST_INTERVAL_S; slots are offset per persona so they do not
   all post at once). The slot's idempotency key `runtime-post:<persona>:<interval>:<slot>`
   makes the service return the same post when a restarted runtime (or a retry) posts the
   slot again, and the slot's seed makes the text the same too. Every `posting.image_every`-th
   slot of a spec (1: every post) also carries a picture of the persona in the post's emotion
   drawn by its avatar rig (`pictures.py`), pinned with a manifest that
   names both models; the post's text is its caption;
3. replies: pending comments are claimed with a lease (`POST /api/runtime/replies/claim`),
   each fan comment first moves the persona's mood (mimicry, `mimicry.py`), then is answered
   in the resulting emotion (`POST /api/runtime/replies/{id}`), at most one reply per
   persona every FAME_SOCIAL_REPLY_INTERVAL_S. The service answers a comment once (a second
   answer is 409, taken as done); a comment whose lease ran out before its answer returns
   to pending and is claimed again, so a runtime killed mid-batch loses nothing;
4. emotions: after the batch each persona whose emotion changed is PUT to the service;
5. learning (with a `learning.Learner`): a post's emotion is the emotion engine's choice
   given the mimicry mood, and once a post's settling window has passed its measured
   reactions become the engine's reward (see `learning.py`). Without a learner a post is
   written in the mimicry emotion.

Every post and reply gets a signed AI-disclosure manifest (`ai_worker.manifest`, the same
format as the content worker's; the content is the text, media type text/plain), pinned
through the `fame.ipfs` backend with the text; its CID goes with the post.

The social service or IPFS being down raises in the pass; `run` backs off (1 s doubling to
60 s, or the service's Retry-After) and starts the pass again. A reply already written is
kept in memory and retried as is, not written again.

Local state (one JSON file per persona under <state_dir>/runtime/personas/, written
atomically): the mood, the last slot posted, the last reply's time and the comments already
felt, so a restart neither posts a slot twice nor counts a comment twice in the mood.
"""

from __future__ import annotations

import io
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image

from fame.config import WorkerSettings
from fame.errors import FameError

from ..credentials.sealer import Sealer
from ..emotion_engine import atomic_write_json
from ..manifest import make_item, publish
from ..persona import PersonaProfile
from ..pipeline import png_bytes
from .client import AlreadyAnswered, SocialClient, SocialRefused, SocialUnavailable
from .learning import Learner
from .mimicry import MIMICRY_INFO, Mimicry, Mood
from .pictures import Pictures, avatar_pictures
from .writer import Writer, Written

log = logging.getLogger("ai_worker.runtime")

PERSONA_REFRESH_S = 30.0
SEEN_KEPT = 1_000
TEXT_MEDIA_TYPE = "text/plain; charset=utf-8"


def runtime_seed(kind: str, persona_id: Any, key: Any) -> int:
    """The seed of one post slot or one reply: keccak256("fameengine:runtime:<kind>:<persona>:<key>") mod 2**31."""
    from eth_utils import keccak

    return int.from_bytes(keccak(f"fameengine:runtime:{kind}:{persona_id}:{key}".encode()), "big") % 2**31


@dataclass(frozen=True)
class Slot:
    interval_s: int
    index: int
    persona_id: int

    @property
    def key(self) -> str:
        return f"runtime-post:{self.persona_id}:{self.interval_s}:{self.index}"


def schedule_slot(persona_id: int, interval_s: int, now: float) -> Slot:
    """The slot `now` falls in; each persona's slots start at its own offset in the interval."""
    offset = runtime_seed("schedule", persona_id, interval_s) % interval_s
    return Slot(interval_s, int((now - offset) // interval_s), persona_id)


@dataclass
class PersonaState:
    """What the runtime remembers of one persona between passes and restarts."""

    persona_id: int
    mood: Mood
    last_slot: str | None = None
    last_reply_at: float = 0.0
    emotion_sent: str | None = None
    seen: list[int] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "persona": self.persona_id,
            "mood": self.mood.to_json(),
            "last_slot": self.last_slot,
            "last_reply_at": self.last_reply_at,
            "emotion_sent": self.emotion_sent,
            "seen": self.seen[-SEEN_KEPT:],
        }


class StateStore:
    """One JSON file per persona, written atomically after every change."""

    def __init__(self, folder: Path, fsync: bool = True) -> None:
        self.folder = folder
        self.fsync = fsync
        self._cache: dict[int, PersonaState] = {}

    def get(self, persona_id: int, baseline: str, now: float) -> PersonaState:
        st = self._cache.get(persona_id)
        if st is not None:
            if st.mood.baseline != baseline:
                st.mood = Mood.at_baseline(baseline, now)
            return st
        import json

        path = self.folder / f"{persona_id}.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            data = None
        except (OSError, ValueError) as err:
            log.warning("runtime state %s unreadable (%s): starting that persona over", path, err)
            data = None
        if isinstance(data, dict):
            st = PersonaState(
                persona_id,
                Mood.from_json(data.get("mood") or {}, baseline, now),
                data.get("last_slot"),
                float(data.get("last_reply_at") or 0.0),
                data.get("emotion_sent"),
                [int(x) for x in data.get("seen") or []],
            )
        else:
            st = PersonaState(persona_id, Mood.at_baseline(baseline, now))
        self._cache[persona_id] = st
        return st

    def save(self, st: PersonaState) -> None:
        atomic_write_json(self.folder / f"{st.persona_id}.json", st.to_json(), fsync=self.fsync)


@dataclass
class Claimed:
    comment: dict[str, Any]
    post: dict[str, Any]
    persona_id: int
    lease_until: float

    @property
    def comment_id(self) -> int:
        return int(self.comment["id"])


@dataclass
class Draft:
    """A reply written and pinned but not yet accepted by the service."""

    text: str
    manifest_cid: str
    ai_label: str


@dataclass
class Stats:
    posts: int = 0
    replies: int = 0
    already_answered: int = 0
    skipped: int = 0
    template: int = 0
    emotions: int = 0
    learned: int = 0
    unavailable: int = 0
    latencies: list[float] = field(default_factory=list)  # comment created -> reply accepted, seconds


class PersonaRuntime:
    """One runtime over the social service (see the module docstring).

    client: a SocialClient; writer: a Writer; backend: a fame.ipfs backend; signer: the
    account that signs the manifests; cfg: WorkerSettings (the runtime_* fields);
    post_interval_s / reply_interval_s: FAME_SOCIAL_POST_INTERVAL_S / _REPLY_INTERVAL_S.
    """

    def __init__(
        self,
        client: SocialClient,
        writer: Writer,
        backend: Any,
        signer: Any,
        cfg: WorkerSettings,
        state_dir: Path,
        post_interval_s: int,
        reply_interval_s: float,
        clock: Callable[[], float] = time.time,
        spec_cids: Callable[[int], str | None] | None = None,
        learner: Learner | None = None,
        pictures: Pictures | None = None,
        sealer: Sealer | None = None,
    ) -> None:
        self.client = client
        # Pictures carry the same credentials as the worker's paid ones (C2PA + watermark);
        # None: unsigned, for a runtime set up without a certificate.
        self.sealer = sealer or Sealer(None)
        self.learner = learner
        # The image generator loads on the first picture post: a spec without `image_every` costs nothing.
        self.pictures = pictures
        self.spec_cids = spec_cids
        self.writer = writer
        self.backend = backend
        self.signer = signer
        self.cfg = cfg
        self.post_interval_s = int(post_interval_s)
        self.reply_interval_s = float(reply_interval_s)
        self.clock = clock
        self.mimicry = Mimicry(rate=cfg.runtime_mimicry, half_life_s=cfg.runtime_mood_half_life_s)
        self.state_dir = state_dir
        self.store = StateStore(state_dir / "personas")
        self.personas: dict[int, dict[str, Any]] = {}
        self.personas_at = -1e18
        self.profiles: dict[tuple[int, str], PersonaProfile] = {}
        self.claimed: dict[int, Claimed] = {}
        self.drafts: dict[int, Draft] = {}
        self.post_drafts: dict[str, tuple[Written, str, str | None]] = {}
        self.stats = Stats()
        self.stop = threading.Event()

    # ------------------------------------------------------------------ personas

    def refresh_personas(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.personas_at < PERSONA_REFRESH_S:
            return
        self.personas = {int(p["id"]): p for p in self.client.personas()}
        self.personas_at = now

    def profile(self, persona: dict[str, Any]) -> PersonaProfile:
        """The persona's spec as a profile: from IPFS by its CID (the service's `spec_cid`, else the
        registry's through `spec_cids`), or the name and handle alone while neither is known."""
        pid = int(persona["id"])
        cid = str(persona.get("spec_cid") or "")
        if not cid and self.spec_cids is not None:
            cid = self.spec_cids(pid) or ""
        cached = self.profiles.get((pid, cid))
        if cached is not None:
            return cached
        spec: dict[str, Any] | None = persona.get("spec") if isinstance(persona.get("spec"), dict) else None
        if spec is None and cid:
            import json

            raw = self.backend.read(cid)  # IPFS errors propagate: the pass backs off and retries
            try:
                loaded = json.loads(raw)
                spec = loaded if isinstance(loaded, dict) else None
            except ValueError:
                spec = None
            if spec is None:
                log.warning("persona %s: spec %s is not a JSON object; using its name only", pid, cid)
        if spec is None:
            log.warning("persona %s: no spec found, writing from its name alone", pid)
            spec = {}
        spec = {**spec, "name": spec.get("name") or persona.get("name"), "handle": persona.get("handle")}
        profile = PersonaProfile.from_spec(spec)
        self.profiles[(pid, cid)] = profile
        return profile

    def known_profiles(self) -> dict[int, PersonaProfile]:
        """The profile of every persona the last refresh listed (what the live host speaks for)."""
        return {pid: self.profile(p) for pid, p in list(self.personas.items())}

    def state(self, persona_id: int) -> tuple[PersonaState, PersonaProfile]:
        persona = self.personas.get(persona_id) or {"id": persona_id, "name": f"persona {persona_id}"}
        profile = self.profile(persona)
        return self.store.get(persona_id, profile.baseline, self.clock()), profile

    # ------------------------------------------------------------------ manifests

    def _pin(
        self,
        profile: PersonaProfile,
        persona_id: int,
        request_id: str,
        written: Written,
        emotion: str,
        brief: str | None,
        extra: dict[str, Any],
    ) -> str:
        item = make_item(
            content=written.text.encode("utf-8"),
            signer=self.signer,
            filename="text.txt",
            media_type=TEXT_MEDIA_TYPE,
            persona_id=persona_id,
            request_id=request_id,
            models={"text": written.model, "emotion": MIMICRY_INFO},
            brief=brief,
            emotion=emotion,
            seed=written.seed,
            persona_name=profile.name,
            emotional_state=emotion,
            extra={"aiLabel": written.ai_label, "templateOutput": written.template, **extra},
        )
        return publish(item, self.backend).manifest_cid

    def _pin_picture(
        self, profile: PersonaProfile, persona_id: int, slot_key: str, written: Written, emotion: str
    ) -> tuple[str, str]:
        """(image CID, manifest CID) of the slot's picture: the manifest's content is the image,
        its caption the post's text, its models the image generator's and the writer's."""
        if self.pictures is None:
            self.pictures = avatar_pictures()
        seed = runtime_seed("picture", persona_id, slot_key)
        png, model = self.pictures(profile, emotion, seed)
        models = {"image": model, "text": written.model, "emotion": MIMICRY_INFO}
        credentials: dict[str, Any] = {}
        if self.sealer.active:
            marked = self.sealer.watermark(Image.open(io.BytesIO(png)), persona_id, slot_key)
            png, credentials = self.sealer.seal(
                png_bytes(marked),
                "image/png",
                persona_id=persona_id,
                request_id=slot_key,
                persona_name=profile.name,
                models=models,
                emotion=emotion,
                seed=seed,
                brief_hash=None,
                watermarked=True,
            )
        item = make_item(
            content=png,
            signer=self.signer,
            filename="image.png",
            media_type="image/png",
            persona_id=persona_id,
            request_id=slot_key,
            models=models,
            brief=None,
            emotion=emotion,
            seed=seed,
            persona_name=profile.name,
            caption=written.text,
            emotional_state=emotion,
            extra={**credentials, "aiLabel": written.ai_label, "templateOutput": written.template, "kind": "post"},
        )
        cids = publish(item, self.backend)
        return cids.content_cid, cids.manifest_cid

    # ------------------------------------------------------------------ posts

    def interval_for(self, persona: dict[str, Any], profile: PersonaProfile | None = None) -> int:
        """The persona's posting interval: the one the service sets for it, else its spec's
        (`posting.interval_s`), else the default."""
        try:
            own = int(persona.get("post_interval_s") or 0)
        except (TypeError, ValueError):
            own = 0
        if own > 0:
            return own
        if profile is not None and profile.post_interval_s:
            return profile.post_interval_s
        return self.post_interval_s

    def post_due(self) -> int:
        posted = 0
        for pid in sorted(self.personas):
            persona = self.personas[pid]
            if persona.get("active") is False:
                continue
            now = self.clock()
            st, profile = self.state(pid)
            slot = schedule_slot(pid, self.interval_for(persona, profile), now)
            if st.last_slot == slot.key:
                continue
            st.mood = self.mimicry.decay(st.mood, now)
            emotion = st.mood.emotion
            if self.learner is not None:
                emotion = self.learner.choose(pid, slot.key, st.mood.vad, profile.baseline)
            ready = self.post_drafts.get(slot.key)
            if ready is None:
                seed = runtime_seed("post", pid, slot.key)
                written = self.writer.post(profile, emotion, seed)
                image_cid: str | None = None
                if profile.image_every and slot.index % profile.image_every == 0:
                    image_cid, manifest_cid = self._pin_picture(profile, pid, slot.key, written, emotion)
                else:
                    manifest_cid = self._pin(profile, pid, slot.key, written, emotion, None, {"kind": "post"})
                ready = self.post_drafts[slot.key] = (written, manifest_cid, image_cid)
            written, manifest_cid, image_cid = ready
            try:
                post = self.client.create_post(
                    pid, written.text, manifest_cid, slot.key, written.ai_label, image_cid=image_cid
                )
            except SocialRefused as err:
                if err.status in (401, 403):
                    raise
                log.error("persona %s: post for slot %s refused, not retried: %s", pid, slot.key, err)
                post = None
            self.post_drafts.pop(slot.key, None)
            if self.learner is not None:
                self.learner.remember(slot.key, post if post is not None and post.get("status") != "held" else None)
            st.last_slot = slot.key
            self.store.save(st)
            if post is not None:
                _held(post, f"post of persona {pid}")
                posted += 1
                self.stats.posts += 1
                self.stats.template += int(written.template)
                log.info(
                    "persona %s posted %s (%s, %s): %s",
                    pid,
                    post.get("id"),
                    emotion,
                    "template" if written.template else f"{written.tokens} tokens in {written.seconds:.1f} s",
                    written.text,
                )
        return posted

    # ------------------------------------------------------------------ replies

    def claim(self) -> None:
        room = self.cfg.runtime_claim_batch - len(self.claimed)
        if room <= 0:
            return
        lease = self.cfg.runtime_lease_s
        now = self.clock()
        for item in self.client.claim(room, lease):
            try:
                c = Claimed(item["comment"], item.get("post") or {}, int(item["persona_id"]), now + lease)
            except (KeyError, TypeError, ValueError):
                log.warning("claim answer without a comment id or persona: %r", item)
                continue
            self.claimed.setdefault(c.comment_id, c)

    def answer_due(self) -> int:
        """Answers the claimed comments whose persona may reply now; returns how many were answered."""
        answered = 0
        margin = min(30.0, self.cfg.runtime_lease_s / 4)
        for cid in sorted(self.claimed):
            if self.stop.is_set():
                break
            c = self.claimed[cid]
            now = self.clock()
            if c.lease_until - now < margin:
                # too late to answer safely: the lease ends, the service hands it out again
                del self.claimed[cid]
                self.drafts.pop(cid, None)
                continue
            if c.persona_id not in self.personas:
                self.refresh_personas(force=True)
            st, profile = self.state(c.persona_id)
            if now < st.last_reply_at + self.reply_interval_s:
                continue
            if self._answer(c, st, profile):
                answered += 1
            del self.claimed[cid]
        return answered

    def _answer(self, c: Claimed, st: PersonaState, profile: PersonaProfile) -> bool:
        cid = c.comment_id
        body = str(c.comment.get("body") or "")
        draft = self.drafts.get(cid)
        if draft is None:
            now = self.clock()
            if not body.strip():
                self.client.skip(cid, "empty comment")
                self.stats.skipped += 1
                return False
            if cid not in st.seen:
                st.mood = self.mimicry.observe(st.mood, body, now)
                st.seen.append(cid)
                st.seen = st.seen[-SEEN_KEPT:]
                self.store.save(st)
            emotion = self.mimicry.decay(st.mood, now).emotion
            seed = runtime_seed("reply", c.persona_id, cid)
            written = self.writer.reply(profile, emotion, str(c.post.get("body") or ""), body, seed)
            manifest_cid = self._pin(
                profile,
                c.persona_id,
                f"comment:{cid}",
                written,
                emotion,
                body,
                {"kind": "reply", "inReplyTo": cid, "postId": c.post.get("id")},
            )
            draft = Draft(written.text, manifest_cid, written.ai_label)
            self.drafts[cid] = draft
            self.stats.template += int(written.template)
            log.info(
                "persona %s -> comment %s (%s, %s): %s",
                c.persona_id,
                cid,
                emotion,
                "template" if written.template else f"{written.tokens} tokens in {written.seconds:.1f} s",
                written.text,
            )
        try:
            reply = self.client.reply(cid, draft.text, draft.manifest_cid, draft.ai_label)
        except AlreadyAnswered:
            self.stats.already_answered += 1
            log.info("comment %s was answered already", cid)
            reply = None
        except SocialRefused as err:
            if err.status in (401, 403):
                raise
            log.error("reply to comment %s refused, dropped: %s", cid, err)
            reply = None
        self.drafts.pop(cid, None)
        if reply is None:
            return False
        st.last_reply_at = self.clock()
        self.store.save(st)
        self.stats.replies += 1
        _held(reply, f"reply to comment {cid}")
        created = c.comment.get("created_at")
        if isinstance(created, (int, float)):
            self.stats.latencies.append(max(0.0, self.clock() - float(created)))
        return True

    # ------------------------------------------------------------------ emotions

    def publish_emotions(self) -> int:
        sent = 0
        now = self.clock()
        for pid, persona in sorted(self.personas.items()):
            st, _ = self.state(pid)
            emotion = self.mimicry.decay(st.mood, now).emotion
            if emotion == st.emotion_sent and persona.get("emotion") == emotion:
                continue
            self.client.set_emotion(pid, emotion)
            persona["emotion"] = emotion
            st.emotion_sent = emotion
            self.store.save(st)
            sent += 1
            self.stats.emotions += 1
            log.info("persona %s feels %s", pid, emotion)
        return sent

    # ------------------------------------------------------------------ the loop

    def tick(self) -> bool:
        """One pass; True when it did something (posted, answered or changed an emotion)."""
        self.refresh_personas()
        posted = self.post_due()
        self.claim()
        answered = self.answer_due()
        moved = self.publish_emotions()
        learned = 0
        if self.learner is not None:
            learned = len(self.learner.learn_due())
            self.stats.learned += learned
        return bool(posted or answered or moved or learned)

    backoff: tuple[float, float] = (1.0, 60.0)  # first pause after a failed pass, and the longest

    def run(self, once: bool = False) -> None:
        """Passes until `self.stop` is set (or one pass with `once`), backing off while the service is down."""
        stop = self.stop
        first, most = self.backoff
        backoff = first
        while not stop.is_set():
            try:
                busy = self.tick()
                backoff = first
            except SocialUnavailable as err:
                self.stats.unavailable += 1
                wait = err.retry_after if err.retry_after is not None else backoff
                log.warning("%s; next try in %.1f s", err, wait)
                backoff = min(most, backoff * 2)
                if once:
                    raise
                stop.wait(wait)
                continue
            except SocialRefused as err:
                raise FameError(f"{err}: check FAME_SOCIAL_OPERATOR_TOKEN and the runtime's social URL") from None
            except FameError as err:  # IPFS and other outages of what the pass needs
                self.stats.unavailable += 1
                log.warning("%s; next try in %.1f s", err, backoff)
                if once:
                    raise
                stop.wait(backoff)
                backoff = min(most, backoff * 2)
                continue
            if once:
                return
            if not busy:
                stop.wait(self._idle_wait())

    def _idle_wait(self) -> float:
        """How long to sleep when nothing was due: the poll pause, shorter when a rate-limited reply waits."""
        wait = self.cfg.runtime_poll_s
        if self.claimed:
            soonest = min(self.state(c.persona_id)[0].last_reply_at for c in self.claimed.values())
            wait = max(0.05, min(wait, soonest + self.reply_interval_s - self.clock()))
        return wait


def _held(post: dict[str, Any], what: str) -> None:
    if post.get("status") == "held":
        log.warning("the social service holds the %s for a moderator (post %s)", what, post.get("id"))


def default_social_url() -> str:
    from fame.config import settings, social_settings

    return f"http://{settings().host}:{social_settings().port}"
