"""The ActivityPub documents of a persona, apart from transport and storage: functions from plain
values (a persona's handle, name, summary and public key; a post's body, label, image and media) to the
JSON-LD the fediverse reads, and the few helpers that read what other servers send.

Every id is a URL under the service's public base (`Urls`):

| what | id |
|---|---|
| actor | `<base>/ap/personas/<handle>` (type `Service`: an automated account, shown as a bot) |
| its key | `<actor>#main-key` |
| inbox, outbox, followers | `<actor>/inbox`, `/outbox`, `/followers` |
| a post's Note | `<base>/ap/posts/<post id>`, its Create `<note>/activity` |
| an Accept of a Follow | `<actor>/accepts/<sha-256 of the Follow's id, 24 hex digits>` |
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

AS_CONTEXT = "https://www.w3.org/ns/activitystreams"
SECURITY_CONTEXT = "https://w3id.org/security/v1"
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
ACTIVITY_JSON = "application/activity+json"
LD_JSON = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
JRD_JSON = "application/jrd+json"
_LEADING_MENTIONS = re.compile(r"^(?:@[\w.\-]+(?:@[\w.\-:\[\]]+)?[\s,]+)+")
# The public collection as servers write it (full IRI, compacted, or the bare prefix).
_PUBLIC_FORMS = frozenset({PUBLIC, "as:Public", "Public"})

Json = dict[str, Any]


@dataclass(frozen=True)
class Urls:
    """Where a persona's documents live: `base` is the public URL of the service's root (what
    fediverse servers reach it at), `gateway` the web app's IPFS gateway for attachments."""

    base: str
    gateway: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "base", self.base.rstrip("/"))
        object.__setattr__(self, "gateway", self.gateway.rstrip("/"))

    @property
    def host(self) -> str:
        """The host of `acct:` handles and of the `Host` header signers name: host[:port]."""
        return urlsplit(self.base).netloc

    @property
    def base_path(self) -> str:
        return urlsplit(self.base).path.rstrip("/")

    def actor(self, handle: str) -> str:
        return f"{self.base}/ap/personas/{handle}"

    def key_id(self, handle: str) -> str:
        return self.actor(handle) + "#main-key"

    def inbox(self, handle: str) -> str:
        return self.actor(handle) + "/inbox"

    def outbox(self, handle: str) -> str:
        return self.actor(handle) + "/outbox"

    def followers(self, handle: str) -> str:
        return self.actor(handle) + "/followers"

    def note(self, post_id: int) -> str:
        return f"{self.base}/ap/posts/{post_id}"

    def create(self, post_id: int) -> str:
        return self.note(post_id) + "/activity"

    def accept(self, handle: str, follow_id: str) -> str:
        return f"{self.actor(handle)}/accepts/{hashlib.sha256(follow_id.encode()).hexdigest()[:24]}"

    def ipfs(self, cid: str) -> str:
        """Where the fediverse fetches a file of ours: an image, audio or video attachment."""
        return f"{self.gateway}/ipfs/{cid}"

    def post_id_of(self, note_id: str) -> int | None:
        """Our post id when `note_id` is one of our Notes (or its Create), else None."""
        prefix = f"{self.base}/ap/posts/"
        if not note_id.startswith(prefix):
            return None
        head = note_id[len(prefix) :].split("/", 1)[0]
        return int(head) if head.isdigit() else None

    def handle_of(self, actor_id: str) -> str | None:
        """The persona handle when `actor_id` is one of our actors, else None."""
        prefix = f"{self.base}/ap/personas/"
        if not actor_id.startswith(prefix):
            return None
        handle = actor_id[len(prefix) :]
        return handle if handle and "/" not in handle and "#" not in handle else None


@dataclass(frozen=True)
class PersonaDoc:
    handle: str
    name: str
    summary: str
    public_pem: str
    published: datetime | None = None


@dataclass(frozen=True)
class NoteDoc:
    post_id: int
    handle: str
    body: str
    ai_label: str
    created_at: datetime
    image_cid: str | None = None  # a video post's poster
    media_cid: str | None = None  # the audio or video file
    media_type: str | None = None  # video/mp4 | audio/mp4
    in_reply_to: str | None = None  # the ActivityPub id of what this answers (a federated comment's Note)
    mention: str | None = None  # the actor answered, addressed and tagged


def iso(when: datetime) -> str:
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def webfinger(urls: Urls, handle: str) -> Json:
    """The JRD answering `acct:<handle>@<host>` (RFC 7033), linking the actor."""
    actor = urls.actor(handle)
    return {
        "subject": f"acct:{handle}@{urls.host}",
        "aliases": [actor],
        "links": [{"rel": "self", "type": ACTIVITY_JSON, "href": actor}],
    }


def parse_acct(resource: str) -> tuple[str, str] | None:
    """(handle, host) of an `acct:handle@host` resource (a leading @ on the handle tolerated)."""
    if not resource.startswith("acct:"):
        return None
    handle, sep, host = resource[5:].lstrip("@").rpartition("@")
    if not sep or not handle or not host:
        return None
    return handle.lower(), host


def actor(urls: Urls, p: PersonaDoc) -> Json:
    actor_id = urls.actor(p.handle)
    doc: Json = {
        "@context": [AS_CONTEXT, SECURITY_CONTEXT],
        "id": actor_id,
        "type": "Service",
        "preferredUsername": p.handle,
        "name": p.name,
        "summary": paragraphs(p.summary) if p.summary else "",
        "inbox": urls.inbox(p.handle),
        "outbox": urls.outbox(p.handle),
        "followers": urls.followers(p.handle),
        "url": actor_id,
        "manuallyApprovesFollowers": False,
        "discoverable": True,
        "publicKey": {"id": urls.key_id(p.handle), "owner": actor_id, "publicKeyPem": p.public_pem},
    }
    if p.published is not None:
        doc["published"] = iso(p.published)
    return doc


def paragraphs(text: str) -> str:
    """Plain text as the HTML ActivityPub content carries: escaped, one <p> per paragraph."""
    parts = [part.strip() for part in text.replace("\r\n", "\n").split("\n\n")]
    return "".join(f"<p>{html.escape(part).replace(chr(10), '<br>')}</p>" for part in parts if part)


def note(urls: Urls, n: NoteDoc) -> Json:
    """A post as a Note: its body, then the AI-disclosure label as a paragraph of its own; the
    audio or video file (if any) as a `Video` or `Audio` attachment and the image (a video's
    poster) as an `Image` after it, both through the web app's gateway. Public, copied to followers."""
    content = paragraphs(n.body)
    if n.ai_label:
        content += f"<p><small>{html.escape(n.ai_label)}</small></p>"
    doc: Json = {
        "id": urls.note(n.post_id),
        "type": "Note",
        "attributedTo": urls.actor(n.handle),
        "content": content,
        "published": iso(n.created_at),
        "to": [PUBLIC],
        "cc": [urls.followers(n.handle)] + ([n.mention] if n.mention else []),
        "url": urls.note(n.post_id),
        "sensitive": False,
    }
    if n.in_reply_to:
        doc["inReplyTo"] = n.in_reply_to
    if n.mention:
        doc["tag"] = [{"type": "Mention", "href": n.mention}]
    attachments: list[Json] = []
    if n.media_cid and n.media_type:
        # ActivityStreams names the object type after the kind of media: Video or Audio.
        kind = "Video" if n.media_type.startswith("video/") else "Audio"
        attachments.append(
            {
                "type": kind,
                "mediaType": n.media_type,
                "url": urls.ipfs(n.media_cid),
                "name": n.ai_label or f"AI-generated {kind.lower()}",
            }
        )
    if n.image_cid:
        attachments.append(
            {
                "type": "Image",
                "mediaType": "image/png",
                "url": urls.ipfs(n.image_cid),
                "name": n.ai_label or "AI-generated image",
            }
        )
    if attachments:
        doc["attachment"] = attachments
    return doc


def create(urls: Urls, n: NoteDoc) -> Json:
    obj = note(urls, n)
    return {
        "@context": AS_CONTEXT,
        "id": urls.create(n.post_id),
        "type": "Create",
        "actor": obj["attributedTo"],
        "published": obj["published"],
        "to": obj["to"],
        "cc": obj["cc"],
        "object": obj,
    }


def accept(urls: Urls, handle: str, follow: Json) -> Json:
    """The Accept of a Follow, echoing the Follow as the follower sent it (Mastodon matches it)."""
    follow_id = str(follow.get("id", ""))
    echoed = {k: v for k, v in follow.items() if k != "@context"}
    return {
        "@context": AS_CONTEXT,
        "id": urls.accept(handle, follow_id),
        "type": "Accept",
        "actor": urls.actor(handle),
        "to": [id_of(follow.get("actor"))],
        "object": echoed,
    }


def ordered_collection(collection_id: str, total: int, first: str | None = None) -> Json:
    doc: Json = {"@context": AS_CONTEXT, "id": collection_id, "type": "OrderedCollection", "totalItems": total}
    if first is not None:
        doc["first"] = first
    return doc


def ordered_page(page_id: str, part_of: str, items: Sequence[Any], next_id: str | None) -> Json:
    doc: Json = {
        "@context": AS_CONTEXT,
        "id": page_id,
        "type": "OrderedCollectionPage",
        "partOf": part_of,
        "orderedItems": list(items),
    }
    if next_id is not None:
        doc["next"] = next_id
    return doc


# --- reading what other servers send -------------------------------------------------------------


def id_of(value: Any) -> str:
    """The id of a link or an embedded object ("" when there is none)."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        v = value.get("id") or value.get("href")
        return v if isinstance(v, str) else ""
    if isinstance(value, list) and value:
        return id_of(value[0])
    return ""


def type_of(value: Any) -> str:
    if isinstance(value, dict):
        t = value.get("type")
        if isinstance(t, list):
            t = t[0] if t else ""
        return t if isinstance(t, str) else ""
    return ""


def ids(value: Any) -> list[str]:
    """The ids in an addressing field (one value or a list)."""
    values: Iterable[Any] = value if isinstance(value, list) else [value] if value is not None else []
    return [i for i in (id_of(v) for v in values) if i]


def is_public(activity: Json) -> bool:
    return any(i in _PUBLIC_FORMS for i in ids(activity.get("to")) + ids(activity.get("cc")))


def text_of(note_obj: Json, limit: int) -> str:
    """A Note's content as plain text (markup stripped, entities decoded, paragraphs kept)."""
    from html.parser import HTMLParser

    class _Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.parts: list[str] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag in ("br", "p") and self.parts:
                self.parts.append("\n")

        def handle_data(self, data: str) -> None:
            self.parts.append(data)

    content = note_obj.get("content")
    if not isinstance(content, str):
        content = note_obj.get("source", {}).get("content", "") if isinstance(note_obj.get("source"), dict) else ""
    parser = _Text()
    parser.feed(str(content))
    parser.close()
    text = "".join(parser.parts).strip()
    # A reply starts with the mention of whom it answers (Mastodon: "@nova "); the comment is what follows.
    text = _LEADING_MENTIONS.sub("", text).strip()
    return text[:limit]


def public_key_of(doc: Json, key_id: str) -> tuple[str, str] | None:
    """(owner actor id, PEM) of `key_id` in an actor or key document, or None."""
    candidates: list[Any] = []
    if isinstance(doc.get("publicKeyPem"), str):
        candidates.append(doc)
    pk = doc.get("publicKey")
    candidates.extend(pk if isinstance(pk, list) else [pk] if pk is not None else [])
    for c in candidates:
        if isinstance(c, dict) and c.get("id") == key_id and isinstance(c.get("publicKeyPem"), str):
            owner = id_of(c.get("owner")) or (doc.get("id") if c is not doc else "")
            return str(owner or doc.get("id", "")), c["publicKeyPem"]
    return None


def inboxes_of(actor_doc: Json) -> tuple[str, str | None]:
    """(inbox, shared inbox or None) of a remote actor document."""
    inbox = actor_doc.get("inbox")
    endpoints = actor_doc.get("endpoints")
    shared = endpoints.get("sharedInbox") if isinstance(endpoints, dict) else None
    return (inbox if isinstance(inbox, str) else "", shared if isinstance(shared, str) and shared else None)
