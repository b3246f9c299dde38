"""Content briefs: what a requester pins to IPFS and names by CID in a content request.

A brief is a UTF-8 JSON object {"text": "..."} (canonical form: sorted keys, no spaces) of at
most 1,000 characters of text. Workers read at most their size limit of it and reject
(without claiming) anything else, so a bad brief never blocks the queue.
"""

from __future__ import annotations

import json

MAX_BRIEF_TEXT = 1_000


class BadBrief(Exception):
    """The brief cannot be used: the request is left for others (never claimed)."""


def brief_bytes(text: str) -> bytes:
    """The brief document a requester pins (canonical JSON)."""
    if not text.strip() or len(text) > MAX_BRIEF_TEXT:
        raise BadBrief(f"a brief has 1 to {MAX_BRIEF_TEXT} characters of text")
    return json.dumps({"text": text}, sort_keys=True, separators=(",", ":")).encode()


def parse_brief(data: bytes, limit: int) -> str:
    """The brief's text from its bytes (at most `limit` of them). Raises BadBrief with the reason."""
    if len(data) > limit:
        raise BadBrief(f"brief is larger than the {limit} bytes this worker accepts")
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadBrief(f"brief is not UTF-8 JSON ({exc.__class__.__name__})") from None
    text = doc.get("text") if isinstance(doc, dict) else None
    if not isinstance(text, str) or not text.strip():
        raise BadBrief('brief has no "text" string')
    if len(text) > MAX_BRIEF_TEXT:
        raise BadBrief(f"brief text is {len(text)} characters, more than {MAX_BRIEF_TEXT}")
    return text.strip()
