"""The voice-over: the whole script spoken once by the persona's voice, in the video's emotion.

The neural voice samples random noise for every sentence (VITS: how long each sound lasts and
the grain of the voice), so the same text never comes out the same twice. A video must: its
storyboard, its frames and its subtitles follow the speech's timing. SteadyVoice speaks with
that noise at zero, the model's most likely reading, which is the same on every run; the
emotion still moves rate, pitch and volume (voice.prosody). steady=False keeps the sampled
variation and gives up repeatability.
"""

from __future__ import annotations

from ..voice.engine import RawSentence, SpeechEngine
from ..voice.engines import select_engine
from ..voice.profile import VoiceProfile
from ..voice.speech import Speech, speak


class SteadyVoice:
    """An engine that speaks like `engine` with its random variation switched off."""

    def __init__(self, engine: SpeechEngine) -> None:
        self.engine = engine
        self.sample_rate = engine.sample_rate
        self.model = engine.model
        self.fallback = engine.fallback
        self.length_exponent = engine.length_exponent

    def synthesize(self, sentence: str, length_scale: float, noise_scale: float, noise_w: float) -> RawSentence:
        return self.engine.synthesize(sentence, length_scale, 0.0, 0.0)

    def word_phonemes(self, words: list[str]) -> list[str] | None:
        return self.engine.word_phonemes(words)


def voice_over(text: str, voice: VoiceProfile, emotion: str, steady: bool = True) -> Speech:
    """`text` spoken by `voice` in `emotion` (see the module docstring for `steady`)."""
    engine = select_engine(voice)
    return speak(text, voice, emotion, engine=SteadyVoice(engine) if steady else engine)
