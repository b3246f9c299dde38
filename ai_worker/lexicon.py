"""Lexicon-based emotion labels for post texts: VADER for valence, a small hand-written
word and emoji list per emotion for the category.

    label_emotion("Wow, did not see that coming!")  ->  "surprise"

Each word stem or emoji found adds to its emotion; VADER's compound score breaks ties and
decides when nothing is found (positive: joy, negative: sadness, neutral: calm), and
down-weights emotions whose valence disagrees with the text's.
"""

from __future__ import annotations

import re

from .captions import sentiment
from .emotions import EMOTIONS, VALENCE_SIGN

# Stems match the start of a word ("celebrat" matches celebrate, celebrating).
WORDS: dict[str, tuple[str, ...]] = {
    "joy": (
        "happ",
        "joy",
        "smil",
        "celebrat",
        "grateful",
        "thankful",
        "love",
        "loving",
        "delight",
        "wonderful",
        "awesome",
        "great",
        "best",
        "fun",
        "laugh",
        "sunshine",
        "cheer",
        "excit",
        "yay",
        "glad",
        "blessed",
        "thriv",
        "bliss",
    ),
    "sadness": (
        "sad",
        "tear",
        "cry",
        "crying",
        "heartbr",
        "lonely",
        "alone",
        "miss",
        "grief",
        "griev",
        "loss",
        "lost",
        "down",
        "empty",
        "hurt",
        "sorrow",
        "gloom",
        "grey",
        "gray",
        "heavy",
        "tired",
        "blue",
        "depress",
        "unhapp",
    ),
    "anger": (
        "angr",
        "anger",
        "furious",
        "fury",
        "hate",
        "mad",
        "rage",
        "livid",
        "fed",
        "annoy",
        "frustrat",
        "outrag",
        "unaccept",
        "ashamed",
        "disgust",
        "stupid",
        "scream",
        "rant",
        "enough",
        "ruin",
        "broken",
    ),
    "surprise": (
        "wow",
        "whoa",
        "surpris",
        "unexpect",
        "expect",
        "amaz",
        "astonish",
        "shock",
        "twist",
        "suddenly",
        "believe",
        "blew",
        "mind-blow",
        "jaw",
        "omg",
        "wait",
        "discover",
        "incredibl",
    ),
    "calm": (
        "calm",
        "peace",
        "relax",
        "quiet",
        "slow",
        "gentle",
        "soft",
        "breath",
        "rest",
        "content",
        "serene",
        "tea",
        "easy",
        "still",
        "mindful",
        "cozy",
        "pace",
        "letting",
    ),
    "fear": (
        "fear",
        "afraid",
        "scar",
        "terrif",
        "terribl",
        "nervous",
        "anxi",
        "worr",
        "panic",
        "danger",
        "shak",
        "dread",
        "frighten",
        "racing",
        "threat",
        "wrong",
        "horror",
        "creep",
        "sick",
    ),
}

EMOJI: dict[str, str] = {
    "😄": "joy",
    "😀": "joy",
    "😊": "joy",
    "🎉": "joy",
    "✨": "joy",
    "☀": "joy",
    "🥳": "joy",
    "❤": "joy",
    "😢": "sadness",
    "😭": "sadness",
    "😞": "sadness",
    "🌧": "sadness",
    "💔": "sadness",
    "😡": "anger",
    "😠": "anger",
    "😤": "anger",
    "💢": "anger",
    "🤬": "anger",
    "😲": "surprise",
    "😮": "surprise",
    "🤩": "surprise",
    "🤯": "surprise",
    "😯": "surprise",
    "😌": "calm",
    "🌿": "calm",
    "🍵": "calm",
    "🧘": "calm",
    "🕊": "calm",
    "😨": "fear",
    "😱": "fear",
    "😰": "fear",
    "😬": "fear",
}

_WORD = re.compile(r"[a-z]+(?:-[a-z]+)?")


def emotion_scores(text: str) -> dict[str, float]:
    """Lexicon hits per emotion, weighted by agreement with the text's VADER valence."""
    lowered = text.lower()
    words = [w for w in _WORD.findall(lowered.replace("#", " ")) if len(w) > 1]
    scores = {e: 0.0 for e in EMOTIONS}
    for w in words:
        for e, stems in WORDS.items():
            if any(w.startswith(s) for s in stems):
                scores[e] += 1.0
    for ch, e in EMOJI.items():
        scores[e] += 1.5 * lowered.count(ch)
    compound = sentiment(text)
    for e in EMOTIONS:
        sign = VALENCE_SIGN[e]
        if sign and compound * sign < -0.3:
            scores[e] *= 0.5
    return scores


def label_emotion(text: str) -> str:
    scores = emotion_scores(text)
    best = max(scores.values())
    if best <= 0:
        compound = sentiment(text)
        return "joy" if compound > 0.3 else "sadness" if compound < -0.3 else "calm"
    return max(EMOTIONS, key=lambda e: (scores[e], -EMOTIONS.index(e)))
