"""How an emotion sounds: rate, variability, pitch and loudness per emotion.

The numbers are relative to the persona's own voice (VoiceProfile): an emotion multiplies the
rate, adds semitones to the pitch, and multiplies the volume. noise_scale and noise_w are the
neural voice's own variability knobs (how much the voice quality and the phoneme durations
wander); the espeak-ng fallback ignores them. Aroused emotions (joy, anger, surprise, fear)
speak faster and higher, low-arousal ones (sadness, calm) slower, lower and steadier.
docs/ai-worker-operator.md ("Voice") carries this table for operators.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..emotions import check


@dataclass(frozen=True)
class Prosody:
    """One emotion's delivery. rate > 1 is faster; pitch in semitones; volume a gain."""

    rate: float
    pitch_semitones: float
    noise_scale: float
    noise_w: float
    volume: float


EMOTION_PROSODY: dict[str, Prosody] = {
    "joy": Prosody(rate=1.10, pitch_semitones=2.0, noise_scale=0.75, noise_w=0.90, volume=1.00),
    "sadness": Prosody(rate=0.82, pitch_semitones=-2.0, noise_scale=0.50, noise_w=0.55, volume=0.75),
    "anger": Prosody(rate=1.05, pitch_semitones=0.5, noise_scale=0.80, noise_w=0.90, volume=1.10),
    "surprise": Prosody(rate=1.12, pitch_semitones=3.0, noise_scale=0.80, noise_w=1.00, volume=1.00),
    "calm": Prosody(rate=0.95, pitch_semitones=-0.5, noise_scale=0.60, noise_w=0.70, volume=0.90),
    "fear": Prosody(rate=1.15, pitch_semitones=1.5, noise_scale=0.90, noise_w=1.10, volume=0.80),
}

NEUTRAL = Prosody(rate=1.0, pitch_semitones=0.0, noise_scale=0.667, noise_w=0.8, volume=1.0)


def prosody_for(emotion: str | None, intensity: float = 1.0) -> Prosody:
    """The delivery of `emotion` at `intensity` (0: neutral read, 1: the table's values).

    Intensity blends linearly from NEUTRAL so a runtime can let a mood fade in and out.
    """
    if emotion is None:
        return NEUTRAL
    target = EMOTION_PROSODY[check(emotion)]
    k = min(1.0, max(0.0, float(intensity)))

    def mix(a: float, b: float) -> float:
        return a + (b - a) * k

    return Prosody(
        rate=mix(NEUTRAL.rate, target.rate),
        pitch_semitones=mix(NEUTRAL.pitch_semitones, target.pitch_semitones),
        noise_scale=mix(NEUTRAL.noise_scale, target.noise_scale),
        noise_w=mix(NEUTRAL.noise_w, target.noise_w),
        volume=mix(NEUTRAL.volume, target.volume),
    )
