"""The runtime's own check of what it is about to submit, before the social service's.

The social service moderates every post and reply the runtime submits (a text with a word
of the profanity list, or a very negative one, is held for a moderator instead of shown).
A held reply helps no fan, so the runtime checks its text first, with the same two signals
and a safety margin, and writes another candidate when one fails:

- the service's own word list match (`fame.moderation.profane_phrase`: whole words and
  phrases after undoing the usual character swaps);
- VADER's compound score: at or below `NEGATIVE_LIMIT` (the service holds at -0.75);
- plus what only the runtime knows: the persona's `avoid_topics`; text that is empty, too
  short or still carries chat markup; a persona that claims to be human or denies being an
  AI (it must never: every post says it is AI-generated); and the stock phrases of a chat
  assistant ("sorry for the confusion", "as an AI language model"), which no persona says.

    reason = screen(text, profile)   # None: fine to submit
"""

from __future__ import annotations

import re

from fame.moderation import profane_phrase

from ..captions import sentiment
from ..persona import PersonaProfile

NEGATIVE_LIMIT = -0.6
MIN_CHARS = 8

_NOT_AI = re.compile(
    r"\b(?:i'?m|i am|i'm)\s+(?:not|no)\s+(?:an?\s+)?(?:ai|a\.i\.|bot|robot|machine|program)\b"
    r"|\b(?:i'?m|i am)\s+(?:a\s+)?(?:real\s+)?(?:human|person)\b|\bnot\s+an?\s+ai\b",
    re.I,
)
_ASSISTANT = re.compile(
    r"sorry for the confusion|as an ai\b|language model|digital assistant|virtual assistant|"
    r"i (?:don'?t|do not) have access|i (?:can'?t|cannot) (?:help|assist)|how can i (?:help|assist)",
    re.I,
)


def screen(text: str, profile: PersonaProfile | None = None) -> str | None:
    """Why `text` should not be submitted, or None when it may be."""
    if len(text.strip()) < MIN_CHARS:
        return "too short"
    if re.search(r"<\|[^|>]*\|>|\b(system|assistant|user)\s*:", text, re.I):
        return "chat markup left in the text"
    if _NOT_AI.search(text):
        return "claims to be human"
    if _ASSISTANT.search(text):
        return "chat-assistant phrasing"
    phrase = profane_phrase(text)
    if phrase is not None:
        return f"profanity ({phrase!r})"
    score = sentiment(text)
    if score <= NEGATIVE_LIMIT:
        return f"too negative (sentiment {score:+.2f})"
    if profile is not None:
        lowered = text.lower()
        for topic in profile.avoid_topics:
            if topic.strip() and re.search(rf"\b{re.escape(topic.strip().lower())}\b", lowered):
                return f"mentions an avoided topic ({topic!r})"
    return None
