"""The federation of the social service: its personas' keys and documents, what their inboxes
accept, and the worker that publishes new posts and delivers the queue. It reads and writes
through the service's store (social.store: the same functions as the fans' API, with origin
`federated`), so a federated like, follow or comment counts, and is moderated, like a local one.

What an inbox accepts (anything else is acknowledged and ignored):

- Follow of the persona: a federated follow (delivered to the shared inbox when the follower's
  server has one) and a signed Accept queued to the follower's inbox;
- Like / Announce of one of our Notes: a federated like / share;
- Create of a Note whose inReplyTo is one of our Notes: a federated comment, moderated, then
  answered by the persona runtime like any other;
- Undo of a Follow / Like / Announce (embedded, or named by the id we received it under):
  unfollow / unlike; a share stays (shares are final in this service).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlsplit

import httpx
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fame.config import SocialSettings, settings
from fame.moderation import moderate
from social.service import SocialService
from social.store import personas as persona_store
from social.store import posts as post_store
from social.store import reactions
from social.store.db import begin_read, begin_write
from social.store.models import Comment, Follow, Persona, Post
from social.terms import VISIBLE

from . import objects
from .delivery import RetryPolicy, deliver_due, enqueue
from .keys import KeyPair, generate_keypair
from .objects import Json, NoteDoc, PersonaDoc, Urls
from .remote import Fetcher, FetchError, Signer, cached_key, fetch_key, store_key
from .signatures import MAX_SKEW_S, SignatureError, check_request, parse_signature, request_target, verify_signature
from .tables import ActorKey, Published, Received, RemoteActor

log = logging.getLogger("social.activitypub")

FEDERATED: Literal["federated"] = "federated"


class Rejected(Exception):
    """An activity we understood and will not act on (422: the sender should not retry it)."""


@dataclass
class FederationConfig:
    base_url: str  # the public URL of the service's root
    gateway_url: str  # the web app's IPFS gateway (image, audio and video attachments)
    max_skew_s: int = MAX_SKEW_S
    comment_max_chars: int = 1_000
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    poll_s: float = 1.0
    timeout_s: float = 10.0


@dataclass(frozen=True)
class Verified:
    """Who signed an inbox request: the actor that owns the key, and where it receives."""

    actor: str
    inbox: str
    shared_inbox: str | None


class Federation:
    def __init__(
        self,
        sessions: Callable[[], Session],
        config: FederationConfig,
        client: httpx.Client | None = None,
        summary_of: Callable[[Persona], str] | None = None,
        clock: Callable[[], float] = time.time,
        ready: Callable[[], bool] = lambda: True,
        limit: Callable[[str], int | None] = lambda key: None,
    ) -> None:
        self.sessions = sessions
        self.ready = ready
        self.limit = limit  # a write by a remote server (key: its host): None, or seconds to wait
        self.config = config
        self.urls = Urls(config.base_url, config.gateway_url)
        self.client = client or httpx.Client(timeout=config.timeout_s, follow_redirects=False, trust_env=False)
        self.fetcher = Fetcher(self.client, https_only=self.urls.base.startswith("https://"))
        self.summary_of = summary_of or (lambda persona: "")
        self.clock = clock
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def now(self) -> int:
        return int(self.clock())

    # --- keys and documents ----------------------------------------------------------------

    def keys(self, session: Session, persona: Persona) -> KeyPair:
        """The persona's key pair, made and stored the first time it is needed."""
        row = session.get(ActorKey, persona.id)
        if row is None:
            begin_write(session)
            row = session.get(ActorKey, persona.id)
        if row is None:
            pair = generate_keypair()
            session.add(
                ActorKey(
                    persona_id=persona.id,
                    private_pem=pair.private_pem,
                    public_pem=pair.public_pem,
                    created_at=self.now(),
                )
            )
            try:
                session.commit()
            except IntegrityError:  # another request made it first: use that one
                session.rollback()
            row = session.get(ActorKey, persona.id)
            assert row is not None
        return KeyPair(private_pem=row.private_pem, public_pem=row.public_pem)

    def signer(self, session: Session, persona: Persona) -> Signer:
        return Signer(self.urls.key_id(persona.handle), self.keys(session, persona))

    def signer_for_actor(self, session: Session, actor_id: str) -> Signer | None:
        handle = self.urls.handle_of(actor_id)
        persona = persona_store.by_handle(session, handle) if handle else None
        return self.signer(session, persona) if persona is not None else None

    def persona_doc(self, session: Session, persona: Persona) -> PersonaDoc:
        return PersonaDoc(
            handle=persona.handle,
            name=persona.name,
            summary=self.summary_of(persona),
            public_pem=self.keys(session, persona).public_pem,
        )

    def actor(self, session: Session, persona: Persona) -> Json:
        return objects.actor(self.urls, self.persona_doc(session, persona))

    def note_doc(self, session: Session, post: Post, persona: Persona) -> NoteDoc:
        in_reply_to = mention = None
        if post.kind == "reply" and post.in_reply_to is not None:
            answered = session.get(Comment, post.in_reply_to)
            if answered is not None and answered.origin == FEDERATED and answered.ap_id:
                in_reply_to, mention = answered.ap_id, answered.actor
            elif answered is not None:
                in_reply_to = self.urls.note(answered.post_id)
        return NoteDoc(
            post_id=post.id,
            handle=persona.handle,
            body=post.body,
            ai_label=post.ai_label,
            created_at=_utc(post.created_at),
            image_cid=post.image_cid,
            media_cid=post.media_cid,
            media_type=post.media_type,
            in_reply_to=in_reply_to,
            mention=mention,
        )

    def outbox_page(
        self, session: Session, persona: Persona, before: int | None, limit: int
    ) -> tuple[list[Json], int | None]:
        q = select(Post).where(Post.persona_id == persona.id, Post.status == VISIBLE)
        if before is not None:
            q = q.where(Post.id < before)
        rows = list(session.scalars(q.order_by(Post.id.desc()).limit(limit + 1)))
        page = rows[:limit]
        items = [objects.create(self.urls, self.note_doc(session, p, persona)) for p in page]
        for item in items:
            item.pop("@context", None)
        return items, (page[-1].id if len(rows) > limit else None)

    def outbox_total(self, session: Session, persona: Persona) -> int:
        from sqlalchemy import func

        q = select(func.count()).select_from(Post).where(Post.persona_id == persona.id, Post.status == VISIBLE)
        return int(session.scalar(q) or 0)

    def followers(self, session: Session, persona: Persona) -> tuple[int, list[str]]:
        """(every active follower, the fediverse ones' actor ids): local fans are addresses, not actors."""
        rows = session.execute(
            select(Follow.actor, Follow.origin).where(Follow.persona_id == persona.id, Follow.active.is_(True))
        ).all()
        return len(rows), sorted(actor for actor, origin in rows if origin == FEDERATED)

    # --- the inbox --------------------------------------------------------------------------

    def handle_inbox(self, handle: str, path: str, headers: Mapping[str, str], body: bytes) -> tuple[int, str]:
        """An inbox POST from start to end: (HTTP status, what happened or why not).

        No database transaction is open while another server is asked for something (its key,
        a Note): on SQLite a transaction holds the write lock, and the other server may be
        calling back (bovine fetches our actor to check our signed GET) at the same time."""
        with self.sessions() as session:
            begin_read(session)
            persona = persona_store.by_handle(session, handle)
            if persona is None:
                return 404, f"no persona has the handle {handle!r}"
            signer = self.signer(session, persona)
            session.commit()
        try:
            verified = self.authenticate(persona, signer, "POST", path, headers, body)
        except SignatureError as err:
            return 401, f"HTTP Signature refused: {err}"
        try:
            activity = json.loads(body)
        except ValueError:
            return 400, "the body is not JSON"
        if not isinstance(activity, dict):
            return 400, "the body is not an activity"
        actor = objects.id_of(activity.get("actor"))
        if actor != verified.actor:
            return 401, f"HTTP Signature refused: the activity's actor {actor!r} is not the signer {verified.actor!r}"
        server = urlsplit(verified.actor).netloc
        wait = self.limit(f"activitypub:{server}")
        if wait is not None:
            return 429, f"{wait}: more writes from {server} in a minute than this service takes; retry later"
        if objects.type_of(activity) == "Create" and isinstance(activity.get("object"), str):
            try:  # only the Note's id: fetch the Note itself
                activity = {**activity, "object": self.fetcher.get(activity["object"], signer)}
            except FetchError as err:
                return 422, f"the Create's object could not be fetched: {err}"
        with self.sessions() as session:
            # The write lock first, then the clock (as every write of the service does), so the
            # rows' times follow their commit order and engagement "as of t" stays final.
            begin_write(session)
            persona = persona_store.by_handle(session, handle)
            if persona is None:
                return 404, f"no persona has the handle {handle!r}"
            try:
                return 202, self.receive(session, persona, activity, verified)
            except Rejected as err:
                session.rollback()
                return 422, str(err)

    def authenticate(
        self, persona: Persona, signer: Signer, method: str, path: str, headers: Mapping[str, str], body: bytes | None
    ) -> Verified:
        """Check a request's HTTP Signature as Mastodon does; SignatureError says why not.

        `path` is the path and query the request arrived at (relative to the service's root);
        the sender signed it under our public base, with our public host as `host`. The key is
        read from the cache, or fetched (and cached once a signature verifies with it); a cached
        key that fails is fetched again once, since its owner may have rotated it."""
        lower = {k.lower(): v for k, v in headers.items()}
        if "signature" not in lower:
            raise SignatureError("the request is not signed (HTTP Signatures, draft-cavage: a Signature header)")
        params = parse_signature(lower["signature"])
        lower["host"] = self.urls.host
        target = request_target(method, self.urls.base_path + path)
        check_request(params, method, target, lower, body, now=self.clock(), max_skew_s=self.config.max_skew_s)
        with self.sessions() as session:
            begin_read(session)
            key = cached_key(session, params.key_id)
            session.commit()
        if key is not None:
            try:
                verify_signature(params, target, lower, key.public_pem)
                return Verified(key.actor, key.inbox, key.shared_inbox)
            except SignatureError:
                pass
        key = fetch_key(self.fetcher, params.key_id, signer)
        verify_signature(params, target, lower, key.public_pem)
        with self.sessions() as session:
            begin_write(session)
            store_key(session, key)
            try:
                session.commit()
            except IntegrityError:  # another request cached it at the same moment
                session.rollback()
        return Verified(key.actor, key.inbox, key.shared_inbox)

    def receive(self, session: Session, persona: Persona, activity: Json, signer: Verified) -> str:
        """Act on a verified activity (its object embedded); a short word for what happened."""
        kind = objects.type_of(activity)
        activity_id = objects.id_of(activity)
        if activity_id and session.get(Received, activity_id) is not None:
            return "duplicate"
        if kind == "Follow":
            return self._follow(session, persona, activity, signer)
        if kind in ("Like", "Announce"):
            return self._react(session, persona, activity, kind)
        if kind == "Create":
            return self._create(session, persona, activity, signer)
        if kind == "Undo":
            return self._undo(session, persona, activity)
        return "ignored"

    def _remember(self, session: Session, persona: Persona, activity: Json, kind: str, target: str) -> None:
        activity_id = objects.id_of(activity)
        if activity_id:
            session.merge(
                Received(
                    id=activity_id,
                    actor=objects.id_of(activity.get("actor")),
                    type=kind,
                    object=target,
                    persona_id=persona.id,
                    received_at=self.now(),
                )
            )

    def _follow(self, session: Session, persona: Persona, activity: Json, signer: Verified) -> str:
        if objects.id_of(activity.get("object")) != self.urls.actor(persona.handle):
            raise Rejected("a Follow sent to this inbox must follow this persona")
        accept = objects.accept(self.urls, persona.handle, activity)
        enqueue(session, accept, [signer.inbox], self.now())
        self._remember(session, persona, activity, "Follow", self.urls.actor(persona.handle))
        reactions.follow(
            session, persona, signer.actor, FEDERATED, self.now(), inbox=signer.shared_inbox or signer.inbox
        )
        self._wake.set()
        return "followed"

    def _our_post(self, session: Session, persona: Persona, object_id: str) -> Post | None:
        post_id = self.urls.post_id_of(object_id)
        post = post_store.get(session, post_id) if post_id is not None else None
        if post is None or post.persona_id != persona.id or post.status != VISIBLE:
            return None
        return post

    def _react(self, session: Session, persona: Persona, activity: Json, kind: str) -> str:
        target = objects.id_of(activity.get("object"))
        post = self._our_post(session, persona, target)
        if post is None:
            return "ignored"
        actor = objects.id_of(activity.get("actor"))
        self._remember(session, persona, activity, kind, target)
        if kind == "Like":
            reactions.like(session, post, actor, FEDERATED, self.now())
            return "liked"
        reactions.share(session, post, actor, FEDERATED, self.now())
        return "shared"

    def _create(self, session: Session, persona: Persona, activity: Json, signer: Verified) -> str:
        note = activity.get("object")
        if not isinstance(note, dict) or objects.type_of(note) != "Note":
            return "ignored"
        post = self._our_post(session, persona, objects.id_of(note.get("inReplyTo")))
        if post is None:
            return "ignored"
        if objects.id_of(note.get("attributedTo")) != signer.actor:
            raise Rejected("the reply's attributedTo is not the actor that sent it")
        note_id = objects.id_of(note)
        if not note_id:
            raise Rejected("the reply has no id")
        existing = session.scalars(select(Comment).where(Comment.origin == FEDERATED, Comment.ap_id == note_id)).first()
        if existing is not None:
            return "duplicate"
        text = objects.text_of(note, self.config.comment_max_chars)
        if not text:
            return "ignored"
        self._remember(session, persona, activity, "Create", note_id)
        try:
            reactions.comment(session, post, signer.actor, FEDERATED, text, moderate(text), self.now(), ap_id=note_id)
        except IntegrityError:  # the same reply delivered twice at once
            session.rollback()
            return "duplicate"
        return "commented"

    def _undo(self, session: Session, persona: Persona, activity: Json) -> str:
        inner = activity.get("object")
        actor = objects.id_of(activity.get("actor"))
        if isinstance(inner, dict):
            kind, target = objects.type_of(inner), objects.id_of(inner.get("object"))
            if objects.id_of(inner.get("actor")) not in ("", actor):
                raise Rejected("an Undo may only undo its own actor's activity")
        else:
            received = session.get(Received, objects.id_of(inner))
            if received is None or received.actor != actor:
                return "ignored"
            kind, target = received.type, received.object
        if kind == "Follow" and target == self.urls.actor(persona.handle):
            reactions.unfollow(session, persona, actor, FEDERATED, self.now())
            return "unfollowed"
        if kind == "Like":
            post = self._our_post(session, persona, target)
            if post is not None:
                reactions.unlike(session, post, actor, FEDERATED, self.now())
                return "unliked"
        return "ignored"

    # --- publishing and delivery ------------------------------------------------------------

    def publish_pending(self, limit: int = 50) -> int:
        """Queue a Create for each visible post not yet published: to every fediverse follower's
        inbox (shared inboxes once), and for a reply to a federated comment, to its author too."""
        queued = 0
        with self.sessions() as session:
            begin_write(session)
            posts = list(
                session.scalars(
                    select(Post)
                    .outerjoin(Published, Published.post_id == Post.id)
                    .where(Published.post_id.is_(None), Post.status == VISIBLE)
                    .order_by(Post.id)
                    .limit(limit)
                )
            )
            for post in posts:
                persona = persona_store.get(session, post.persona_id)
                if persona is None:
                    continue
                doc = self.note_doc(session, post, persona)
                activity = objects.create(self.urls, doc)
                inboxes = set(
                    session.scalars(
                        select(Follow.inbox).where(
                            Follow.persona_id == persona.id,
                            Follow.origin == FEDERATED,
                            Follow.active.is_(True),
                            Follow.inbox.is_not(None),
                        )
                    )
                )
                if doc.mention:
                    known = session.scalars(select(RemoteActor).where(RemoteActor.actor == doc.mention)).first()
                    if known is not None:
                        inboxes.add(known.inbox)
                targets = {i for i in inboxes if i}
                enqueue(session, activity, targets, self.now())
                session.add(
                    Published(
                        post_id=post.id, activity_id=activity["id"], recipients=len(targets), created_at=self.now()
                    )
                )
                try:
                    session.commit()
                except IntegrityError:  # another process published it
                    session.rollback()
                    continue
                queued += len(targets)
        return queued

    def run_once(self) -> int:
        """Publish what is new, then send what is due; how many deliveries succeeded."""
        self.publish_pending()
        return deliver_due(
            self.sessions,
            self.fetcher,
            self.signer_for_actor,
            self.config.retry,
            now=self.clock,
        )

    def wake(self) -> None:
        self._wake.set()

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="activitypub-delivery", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=self.config.timeout_s + 5)
            self._thread = None

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                if self.ready():  # the service's migrations may still be running
                    self.run_once()
            except Exception:  # noqa: BLE001 - the worker outlives a bad pass (database down, a bug)
                log.exception("ActivityPub delivery pass failed")
            self._wake.wait(self.config.poll_s)
            self._wake.clear()


def base_url_of(cfg: SocialSettings) -> str:
    """Where fediverse servers reach the ActivityPub endpoints: FAME_SOCIAL_PUBLIC_URL as given
    (it may carry a path, e.g. https://fame.example/social), else the web app's origin plus the
    /social prefix its proxy forwards to this service."""
    return cfg.public_url.rstrip("/") if cfg.public_url else cfg.origin + "/social"


def federation_for(service: SocialService) -> Federation:
    """The federation of a social service: its database, settings and clock."""
    base = settings()
    return Federation(
        service.db.sessions,
        FederationConfig(
            base_url=base_url_of(service.cfg),
            gateway_url=f"http://{base.host}:{base.gateway_port}",
            comment_max_chars=service.cfg.comment_max_chars,
        ),
        summary_of=SpecSummaries(),
        clock=service.clock,
        ready=lambda: service.db.ready,
        limit=service.limiter.check,
    )


def _utc(ts: int) -> Any:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(ts, tz=UTC)


def spec_summary(spec: Mapping[str, Any]) -> str:
    """The actor's summary from a persona spec: its tagline, else the start of its backstory."""
    narrative = spec.get("narrative")
    if not isinstance(narrative, dict):
        return ""
    tagline = narrative.get("tagline")
    if isinstance(tagline, str) and tagline.strip():
        return tagline.strip()
    backstory = narrative.get("backstory")
    if isinstance(backstory, str):
        text = backstory.strip()
        return text if len(text) <= 500 else text[:497].rsplit(" ", 1)[0] + "..."
    return ""


class SpecSummaries:
    """Persona summaries read from their specs on IPFS (`spec_cid`), cached by CID (a CID's content
    never changes); a spec that cannot be read gives an empty summary and is tried again later."""

    def __init__(self, cat: Callable[[str], bytes] | None = None) -> None:
        self._cat = cat
        self._cache: dict[str, str] = {}
        self._lock = threading.Lock()

    def _read(self, cid: str) -> bytes:
        if self._cat is not None:
            return self._cat(cid)
        from fame.ipfs.backends import get_backend

        backend = get_backend()
        try:
            return b"".join(backend.cat(cid, 0, 256_000))
        finally:
            close = getattr(backend, "close", None)
            if callable(close):
                close()

    def __call__(self, persona: Persona) -> str:
        cid = persona.spec_cid
        if not cid:
            return ""
        with self._lock:
            if cid in self._cache:
                return self._cache[cid]
        try:
            spec = json.loads(self._read(cid))
            summary = spec_summary(spec) if isinstance(spec, dict) else ""
        except Exception as err:  # noqa: BLE001 - IPFS down or a bad spec: no summary this time
            log.info("persona %s: spec %s unreadable for the actor's summary: %s", persona.id, cid, err)
            return ""
        with self._lock:
            self._cache[cid] = summary
        return summary
