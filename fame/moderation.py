"""The moderation step every comment, post and reply passes before anyone sees it, and the AI
worker's generated captions and scripts before they are published (ai_worker.pipeline).

Two signals, both offline and deterministic:

- the word list of `better_profanity` (its ~900 entries, some of them phrases), matched on
  whole words after undoing the usual character swaps (`@` for a, `0` for o, ...). The list
  is read as data and matched with a set lookup per word and phrase, because the package's
  own matcher builds every spelling variant and takes a third of a second on a 1,000-char
  comment;
- VADER's compound score (vaderSentiment): text scoring at or below `TOXIC_COMPOUND` is
  very negative, the kind of message a moderator should look at before it is shown.

A flagged text is never refused or deleted: it is stored with status `held` plus a row in
`holds`, and a moderator shows or rejects it. The same compound score, in basis points, is
the comment's `sentiment_bps` that the engagement totals average.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

#: A compound score at or below this holds the text for a moderator (VADER's own "negative"
#: threshold is -0.05; this one catches only strongly hostile text).
TOXIC_COMPOUND = -0.75

# Look-alike characters people use to get words past a filter.
_SWAPS = str.maketrans({"@": "a", "4": "a", "$": "s", "5": "s", "0": "o", "1": "i", "!": "i", "3": "e", "7": "t"})
_WORD = re.compile(r"[a-z]+")
_TOKEN = re.compile(r"\S+")
#: a number on its own ("bus 455", "7:30", "-1.5%"): its digits are not letters in disguise
_NUMBER = re.compile(r"[\d.,:;+\-/%]+")


@dataclass(frozen=True)
class Verdict:
    """What the moderation step decided about one text."""

    sentiment_bps: int
    reason: str | None  # None: shown at once; otherwise why it is held

    @property
    def held(self) -> bool:
        return self.reason is not None


def _unmasked(token: str) -> str:
    return token if _NUMBER.fullmatch(token) else token.translate(_SWAPS)


def _words(text: str) -> list[str]:
    # look-alikes inside a word count (sh1t, @$$); a number of its own is a number
    return _WORD.findall(_TOKEN.sub(lambda m: _unmasked(m.group()), text.lower()))


@lru_cache(maxsize=1)
def _wordlist() -> tuple[frozenset[tuple[str, ...]], int]:
    raw = resources.files("better_profanity").joinpath("profanity_wordlist.txt").read_text(encoding="utf-8")
    phrases = {tuple(_words(line)) for line in raw.splitlines() if line.strip()}
    phrases.discard(())
    return frozenset(phrases), max(len(p) for p in phrases)


@lru_cache(maxsize=1)
def _analyzer() -> SentimentIntensityAnalyzer:
    return SentimentIntensityAnalyzer()


def profane_phrase(text: str) -> str | None:
    """The first word or phrase of the list that `text` contains, or None."""
    phrases, longest = _wordlist()
    words = _words(text)
    for i in range(len(words)):
        for n in range(1, longest + 1):
            if i + n > len(words):
                break
            candidate = tuple(words[i : i + n])
            if candidate in phrases:
                return " ".join(candidate)
    return None


def sentiment_bps(text: str) -> int:
    """VADER's compound score of `text` in basis points (-10_000..10_000)."""
    compound = float(_analyzer().polarity_scores(text)["compound"])
    return max(-10_000, min(10_000, round(compound * 10_000)))


def moderate(text: str) -> Verdict:
    """Score `text` and decide whether it is shown at once or held for a moderator."""
    bps = sentiment_bps(text)
    phrase = profane_phrase(text)
    if phrase is not None:
        return Verdict(bps, f"profanity: {phrase!r} is on the word list")
    if bps <= round(TOXIC_COMPOUND * 10_000):
        return Verdict(bps, f"very negative (sentiment {bps / 10_000:+.2f})")
    return Verdict(bps, None)
