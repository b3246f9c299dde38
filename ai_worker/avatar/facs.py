"""Facial expression as FACS action units (Ekman & Friesen), so an emotion shows in the face
itself (brows, lids, cheeks, lips, jaw) and two emotions can be blended for animation.

An Expression is a mapping AU name -> intensity 0..1. The prototypes below follow the
EMFACS emotion predictions (e.g. happiness 6+12, sadness 1+4+15, surprise 1+2+5+26,
fear 1+2+4+5+7+20+26, anger 4+5+7+23); calm is the rig's own relaxed face (a hint of 12,
softened lids), since FACS has no "calm" prototype.
"""

from __future__ import annotations

from collections.abc import Mapping

from ai_worker.emotions import EMOTIONS, check

# The action units the rig draws, with what each one moves.
ACTION_UNITS: dict[str, str] = {
    "AU1": "inner brow raiser",
    "AU2": "outer brow raiser",
    "AU4": "brow lowerer",
    "AU5": "upper lid raiser",
    "AU6": "cheek raiser",
    "AU7": "lid tightener",
    "AU12": "lip corner puller",
    "AU15": "lip corner depressor",
    "AU20": "lip stretcher",
    "AU23": "lip tightener",
    "AU25": "lips part",
    "AU26": "jaw drop",
    "AU43": "eyes closed",
}

Expression = dict[str, float]

EMOTION_AUS: dict[str, Expression] = {
    "joy": {"AU6": 0.85, "AU12": 1.0, "AU25": 0.75, "AU26": 0.15},
    "sadness": {"AU1": 0.95, "AU4": 0.45, "AU15": 0.9, "AU43": 0.3, "AU7": 0.1},
    "anger": {"AU4": 1.0, "AU5": 0.3, "AU7": 0.9, "AU23": 0.6, "AU15": 0.45, "AU20": 0.55, "AU25": 0.7},
    "surprise": {"AU1": 1.0, "AU2": 1.0, "AU5": 1.0, "AU25": 1.0, "AU26": 0.85},
    "calm": {"AU12": 0.35, "AU6": 0.2, "AU43": 0.35},
    "fear": {"AU1": 0.9, "AU2": 0.55, "AU4": 0.6, "AU5": 0.9, "AU7": 0.2, "AU20": 0.95, "AU25": 0.9, "AU26": 0.35},
}
assert set(EMOTION_AUS) == set(EMOTIONS), "every emotion on the worker's list needs an AU prototype"


def neutral() -> Expression:
    return {au: 0.0 for au in ACTION_UNITS}


def normalise(aus: Mapping[str, float]) -> Expression:
    """Every known AU, clamped to 0..1; unknown names are an error (a typo would silently do nothing)."""
    unknown = set(aus) - set(ACTION_UNITS)
    if unknown:
        raise ValueError(f"unknown action units {sorted(unknown)}; the rig knows {', '.join(ACTION_UNITS)}")
    out = neutral()
    for au, value in aus.items():
        out[au] = max(0.0, min(1.0, float(value)))
    return out


def expression(emotion: str, intensity: float = 1.0) -> Expression:
    """The AU intensities of `emotion` at `intensity` (0: neutral face, 1: the full prototype)."""
    k = max(0.0, min(1.0, float(intensity)))
    return normalise({au: v * k for au, v in EMOTION_AUS[check(emotion)].items()})


def blend(a: Mapping[str, float], b: Mapping[str, float], t: float) -> Expression:
    """a morphed toward b by t (0..1): linear in each AU, which is how FACS intensities combine
    between two held expressions in an animation."""
    t = max(0.0, min(1.0, float(t)))
    na, nb = normalise(a), normalise(b)
    return {au: na[au] + (nb[au] - na[au]) * t for au in ACTION_UNITS}


def mix(weights: Mapping[str, float]) -> Expression:
    """A weighted mixture of emotions (e.g. {"joy": 0.6, "surprise": 0.4}), each AU the weighted
    sum clamped to 1: lets the emotion engine's state show as one face."""
    total = neutral()
    for emotion, w in weights.items():
        for au, v in expression(emotion, 1.0).items():
            total[au] = min(1.0, total[au] + v * max(0.0, float(w)))
    return total
