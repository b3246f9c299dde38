"""The one list of emotions FameEngine's AI worker knows.

Every part of the worker speaks in these names: the image model's class labels (by index
in EMOTIONS), the caption templates, the emotion engine's actions and states, and the
`emotion` field of a content manifest. The order is part of the committed image model's
contract (class index i is EMOTIONS[i]); append, never reorder.
"""

from __future__ import annotations

from typing import Any

from fame.errors import FameError

EMOTIONS: tuple[str, ...] = ("joy", "sadness", "anger", "surprise", "calm", "fear")
N_EMOTIONS = len(EMOTIONS)
INDEX: dict[str, int] = {name: i for i, name in enumerate(EMOTIONS)}

# The emotion engine's discretised recent engagement: how the last posts did against the
# persona's own running level (see ai_worker.emotion_engine.engagement_state).
ENGAGEMENT_STATES: tuple[str, ...] = ("low", "medium", "high")
N_STATES = len(ENGAGEMENT_STATES)

# Where each emotion sits in valence / arousal / dominance space (-1..1 each). Used to map a
# persona spec's valence/arousal baseline onto the list, and for the sign a caption's
# sentiment must have.
VAD: dict[str, tuple[float, float, float]] = {
    "joy": (0.8, 0.5, 0.4),
    "sadness": (-0.7, -0.4, -0.4),
    "anger": (-0.6, 0.8, 0.6),
    "surprise": (0.3, 0.8, 0.0),
    "calm": (0.6, -0.6, 0.2),
    "fear": (-0.7, 0.6, -0.6),
}

# Sign a caption's sentiment must have: +1 positive, -1 negative, 0 either.
VALENCE_SIGN: dict[str, int] = {"joy": 1, "calm": 1, "surprise": 1, "sadness": -1, "anger": -1, "fear": -1}

# The persona spec (docs/persona-spec.schema.json) weighs Plutchik's eight basic emotions;
# this is how each of them lands on the worker's list.
SPEC_EMOTION_MAP: dict[str, str] = {
    "joy": "joy",
    "trust": "calm",
    "fear": "fear",
    "surprise": "surprise",
    "sadness": "sadness",
    "disgust": "anger",
    "anger": "anger",
    "anticipation": "surprise",
}


class UnknownEmotion(FameError, ValueError):
    """An emotion name outside EMOTIONS."""


def check(emotion: str) -> str:
    """The canonical name of `emotion` (case-insensitive), or UnknownEmotion."""
    name = str(emotion).strip().lower()
    if name not in INDEX:
        raise UnknownEmotion(f"unknown emotion {emotion!r}; use one of: {', '.join(EMOTIONS)}")
    return name


def index(emotion: str) -> int:
    return INDEX[check(emotion)]


def baseline_emotion(spec: dict[str, Any] | None) -> str:
    """The emotion on the list closest to a persona spec's emotional_baseline ("calm" without one)."""
    base = (spec or {}).get("emotional_baseline") or {}
    if base.get("model") == "emotion_weights":
        totals: dict[str, float] = {}
        for name, weight in (base.get("weights") or {}).items():
            mapped = SPEC_EMOTION_MAP.get(name)
            if mapped:
                totals[mapped] = totals.get(mapped, 0.0) + float(weight)
        if totals and max(totals.values()) > 0:
            return max(EMOTIONS, key=lambda e: (totals.get(e, 0.0), -INDEX[e]))
    if base.get("model") == "valence_arousal":
        v, a = float(base.get("valence", 0.0)), float(base.get("arousal", 0.0))
        d = float(base.get("dominance", 0.0))
        return min(EMOTIONS, key=lambda e: (VAD[e][0] - v) ** 2 + (VAD[e][1] - a) ** 2 + 0.25 * (VAD[e][2] - d) ** 2)
    return "calm"
