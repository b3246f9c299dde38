"""Comment sentiment with VADER (a lexicon- and rule-based analyser, vaderSentiment on PyPI).

A comment's compound score is in [-1, 1]; a set of comments scores as the mean compound,
in basis points (-10_000..10_000), which is what a report carries.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer


@lru_cache(maxsize=1)
def analyzer() -> SentimentIntensityAnalyzer:
    return SentimentIntensityAnalyzer()


@lru_cache(maxsize=65536)
def compound(text: str) -> float:
    """VADER compound score of one text, in [-1, 1]."""
    return float(analyzer().polarity_scores(text)["compound"])


def sentiment_bps(texts: Iterable[str]) -> int | None:
    """Mean compound score of `texts` in basis points; None when there is no text."""
    scores = [compound(t) for t in texts if t and t.strip()]
    if not scores:
        return None
    return max(-10_000, min(10_000, round(10_000 * sum(scores) / len(scores))))
