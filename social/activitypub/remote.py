"""Other servers' documents: fetching them (signed GETs, as servers in authorized-fetch mode
require) and the key cache HTTP Signature checks read (`ap_remote_actors`).

A fetch follows no redirects, reads at most `MAX_DOCUMENT_BYTES`, takes at most `timeout`
seconds and goes only to http(s) URLs (https only, when our own base is https)."""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from urllib.parse import urldefrag, urlsplit

import httpx
from sqlalchemy.orm import Session

from . import objects
from .keys import KeyPair
from .objects import Json
from .signatures import SignatureError, sign_request
from .tables import RemoteActor

log = logging.getLogger("social.activitypub")

MAX_DOCUMENT_BYTES = 1_000_000
ACCEPT = f"{objects.ACTIVITY_JSON}, {objects.LD_JSON}"
USER_AGENT = "FameEngine-social (ActivityPub)"


class FetchError(Exception):
    """A remote document could not be had (network, status, size, not JSON)."""


@dataclass(frozen=True)
class Signer:
    """Who signs a request: a persona's key id and key pair."""

    key_id: str
    keys: KeyPair


@dataclass
class Fetcher:
    client: httpx.Client
    https_only: bool = False

    def check_url(self, url: str) -> None:
        scheme = urlsplit(url).scheme
        allowed = ("https",) if self.https_only else ("http", "https")
        if scheme not in allowed or not urlsplit(url).netloc:
            raise FetchError(f"refusing to fetch {url!r}: only {'/'.join(allowed)} URLs")

    def get(self, url: str, signer: Signer) -> Json:
        """The JSON document at `url`, fetched with a GET signed by `signer`."""
        self.check_url(url)
        headers = sign_request("GET", url, signer.key_id, signer.keys.private_key, headers={"accept": ACCEPT})
        headers["user-agent"] = USER_AGENT
        try:
            with self.client.stream("GET", url, headers=headers) as response:
                if response.status_code != 200:
                    raise FetchError(f"GET {url} answered {response.status_code}")
                body = bytearray()
                for chunk in response.iter_bytes():
                    body += chunk
                    if len(body) > MAX_DOCUMENT_BYTES:
                        raise FetchError(f"GET {url}: the document is larger than {MAX_DOCUMENT_BYTES} bytes")
        except httpx.HTTPError as err:
            raise FetchError(f"GET {url} failed: {err}") from None
        try:
            doc = json.loads(bytes(body))
        except ValueError:
            raise FetchError(f"GET {url}: not JSON") from None
        if not isinstance(doc, dict):
            raise FetchError(f"GET {url}: not a JSON object")
        return doc

    def post(self, url: str, body: bytes, signer: Signer) -> httpx.Response:
        """POST an activity to an inbox, signed; the response (the caller judges the status)."""
        self.check_url(url)
        headers = sign_request(
            "POST",
            url,
            signer.key_id,
            signer.keys.private_key,
            body=body,
            headers={"content-type": objects.ACTIVITY_JSON},
        )
        headers["user-agent"] = USER_AGENT
        headers["accept"] = ACCEPT
        return self.client.post(url, content=body, headers=headers)


@dataclass(frozen=True)
class KeyInfo:
    key_id: str
    actor: str
    public_pem: str
    inbox: str
    shared_inbox: str | None


def cached_key(session: Session, key_id: str) -> KeyInfo | None:
    row = session.get(RemoteActor, key_id)
    if row is None:
        return None
    return KeyInfo(row.key_id, row.actor, row.public_pem, row.inbox, row.shared_inbox)


def fetch_key(fetcher: Fetcher, key_id: str, signer: Signer) -> KeyInfo:
    """Fetch `key_id`'s document (the actor, or a key document naming its owner) and check that
    the owner publishes that key. Network only: the caller holds no database transaction."""
    url = urldefrag(key_id).url
    try:
        doc = fetcher.get(url, signer)
        found = objects.public_key_of(doc, key_id)
        if found is None:
            raise SignatureError(f"{url} does not publish the key {key_id}")
        owner, pem = found
        actor_doc = doc if doc.get("id") == owner else fetcher.get(owner, signer)
        if actor_doc.get("id") != owner or objects.public_key_of(actor_doc, key_id) is None:
            raise SignatureError(f"the actor {owner} does not publish the key {key_id}")
    except FetchError as err:
        raise SignatureError(f"the signer's key could not be fetched: {err}") from None
    inbox, shared = objects.inboxes_of(actor_doc)
    if not inbox:
        raise SignatureError(f"the actor {owner} has no inbox")
    return KeyInfo(key_id, owner, pem, inbox, shared)


def store_key(session: Session, key: KeyInfo) -> None:
    """Put a fetched key in the cache (the caller commits)."""
    row = session.get(RemoteActor, key.key_id)
    if row is None:
        row = RemoteActor(key_id=key.key_id)
        session.add(row)
    row.actor, row.public_pem, row.inbox, row.shared_inbox = key.actor, key.public_pem, key.inbox, key.shared_inbox
    row.fetched_at = int(time.time())
