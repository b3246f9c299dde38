"""A persona's voice: which voice speaks, how high and how fast, read from its spec.

The spec may say it outright under ``narrative.voice.tts``::

    "narrative": {"voice": {"tone": "playful", "tts": {"voice_id": "en_US-joe-medium",
                                                      "pitch_semitones": 1.5, "rate": 1.05}}}

When it does not (every spec written before voices existed), the defaults are derived from
what the spec does say, so that a persona sounds the same on every worker and two personas
rarely sound alike: the pitch comes from a hash of the persona's name (-2..+2 semitones in
half steps), the rate from the arousal of its emotional baseline and its formality.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from ..emotions import VAD
from ..persona import PersonaProfile, as_profile

DEFAULT_VOICE_ID = "en_US-joe-medium"
PITCH_RANGE = (-6.0, 6.0)  # semitones a profile may shift the voice by
RATE_RANGE = (0.5, 2.0)  # speaking-rate multipliers a profile may ask for


@dataclass(frozen=True)
class VoiceProfile:
    """How one persona sounds before any emotion is applied.

    pitch_semitones shifts the voice up (+) or down (-); rate > 1 speaks faster; volume is a
    gain on the peak-normalised voice (1.0 = full scale).
    """

    voice_id: str = DEFAULT_VOICE_ID
    pitch_semitones: float = 0.0
    rate: float = 1.0
    volume: float = 0.9
    language: str = "en-US"

    def __post_init__(self) -> None:
        object.__setattr__(self, "pitch_semitones", _clamp(float(self.pitch_semitones), *PITCH_RANGE))
        object.__setattr__(self, "rate", _clamp(float(self.rate), *RATE_RANGE))
        object.__setattr__(self, "volume", _clamp(float(self.volume), 0.05, 1.0))

    @classmethod
    def from_spec(cls, persona: PersonaProfile | dict[str, Any] | str | bytes | None) -> VoiceProfile:
        """The voice a spec asks for, with derived defaults for whatever it leaves out."""
        prof = as_profile(persona)
        voice = ((prof.spec.get("narrative") or {}).get("voice") or {}) if prof.spec else {}
        tts = voice.get("tts") or {}
        languages = voice.get("languages") or ["en-US"]
        derived = derive_defaults(prof)
        return cls(
            voice_id=str(tts.get("voice_id") or derived.voice_id),
            pitch_semitones=_number(tts.get("pitch_semitones"), derived.pitch_semitones),
            rate=_number(tts.get("rate"), derived.rate),
            volume=_number(tts.get("volume"), derived.volume),
            language=str(languages[0]),
        )

    def to_json(self) -> dict[str, Any]:
        """The profile in the shape of the spec's narrative.voice.tts (plus language)."""
        return {
            "voice_id": self.voice_id,
            "pitch_semitones": self.pitch_semitones,
            "rate": self.rate,
            "volume": self.volume,
            "language": self.language,
        }


def derive_defaults(persona: PersonaProfile) -> VoiceProfile:
    """A stable voice for a persona whose spec names none (see the module docstring)."""
    digest = hashlib.sha256(persona.name.strip().casefold().encode("utf-8")).digest()
    pitch = (digest[0] % 9 - 4) * 0.5  # -2.0 .. +2.0 in half semitones
    arousal = VAD.get(persona.baseline, VAD["calm"])[1]
    rate = 1.0 + 0.08 * arousal + {"casual": 0.03, "neutral": 0.0, "formal": -0.05}.get(persona.formality, 0.0)
    return VoiceProfile(voice_id=DEFAULT_VOICE_ID, pitch_semitones=pitch, rate=round(rate, 3))


def _number(value: Any, default: float) -> float:
    if isinstance(value, bool):
        return default
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def _clamp(value: float, low: float, high: float) -> float:
    return min(high, max(low, value))
