"""Emotional mimicry: a persona's mood moves with what its fans write, then drifts back to
the baseline its spec gives.

The mood is a point in valence / arousal / dominance space (the same space and the same
nearest-emotion rule as the emotion engine's `MoodModel`, over `ai_worker.emotions.VAD`),
starting at the spec's baseline emotion (`baseline_emotion`). Each fan comment pulls it
towards the comment's own point:

* valence: the comment's VADER compound score (-1..1);
* arousal and dominance: those of the emotion the lexicon reads in the comment
  (`ai_worker.lexicon.label_emotion`: "wow!" is surprise, "I'm scared" fear);
* by `rate` x (0.25 + 0.75 |compound|): a neutral comment moves the mood a little, a strong
  one a lot.

Between comments the distance to the baseline halves every `half_life_s`. The persona's
emotion is the EMOTIONS entry nearest to its mood; the runtime writes its posts and replies
in that emotion and PUTs it to the social service after each batch.

    mood = Mood.at_baseline("joy", now)
    mood = mimicry.observe(mood, "This is awful, I hate it", now)
    mood.emotion                                     # -> "anger" after a few like it
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..captions import sentiment
from ..emotion_engine import MoodModel
from ..emotions import VAD, check
from ..lexicon import label_emotion
from ..model_info import ModelInfo

MIMICRY_INFO = ModelInfo(
    "fameengine/emotion-mimicry", "1", "VADER valence + lexicon arousal/dominance, decaying to the spec baseline"
)


@dataclass(frozen=True)
class Mood:
    valence: float
    arousal: float
    dominance: float
    baseline: str
    at: float  # unix time the mood was last moved or decayed

    @classmethod
    def at_baseline(cls, baseline: str, now: float) -> Mood:
        v, a, d = VAD[check(baseline)]
        return cls(v, a, d, check(baseline), now)

    @property
    def vad(self) -> tuple[float, float, float]:
        return (self.valence, self.arousal, self.dominance)

    @property
    def emotion(self) -> str:
        return MoodModel.emotion(self.vad)

    def to_json(self) -> dict[str, Any]:
        return {"vad": [round(x, 6) for x in self.vad], "baseline": self.baseline, "at": self.at}

    @classmethod
    def from_json(cls, data: dict[str, Any], baseline: str, now: float) -> Mood:
        """The stored mood; a baseline that changed in the spec starts the mood over."""
        try:
            vad = [float(x) for x in data["vad"]]
            if data.get("baseline") != baseline or len(vad) != 3:
                raise ValueError("other baseline")
            return cls(vad[0], vad[1], vad[2], baseline, float(data["at"]))
        except (KeyError, TypeError, ValueError):
            return cls.at_baseline(baseline, now)


@dataclass(frozen=True)
class Mimicry:
    rate: float = 0.3
    half_life_s: float = 6 * 3600.0

    def decay(self, mood: Mood, now: float) -> Mood:
        """The mood after drifting back towards the baseline since `mood.at`."""
        dt = max(0.0, now - mood.at)
        keep = 0.5 ** (dt / self.half_life_s)
        bv, ba, bd = VAD[mood.baseline]
        return Mood(
            bv + (mood.valence - bv) * keep,
            ba + (mood.arousal - ba) * keep,
            bd + (mood.dominance - bd) * keep,
            mood.baseline,
            max(now, mood.at),
        )

    def target(self, text: str) -> tuple[tuple[float, float, float], float]:
        """(the comment's point in VAD space, its VADER compound score)."""
        compound = sentiment(text)
        _, la, ld = VAD[label_emotion(text)]
        return (compound, la, ld), compound

    def observe(self, mood: Mood, text: str, now: float) -> Mood:
        """The mood after a fan's comment `text` (decayed to `now` first)."""
        mood = self.decay(mood, now)
        (tv, ta, td), compound = self.target(text)
        w = self.rate * (0.25 + 0.75 * abs(compound))
        clip = lambda x: max(-1.0, min(1.0, x))  # noqa: E731
        return Mood(
            clip(mood.valence + w * (tv - mood.valence)),
            clip(mood.arousal + w * (ta - mood.arousal)),
            clip(mood.dominance + w * (td - mood.dominance)),
            mood.baseline,
            mood.at,
        )
