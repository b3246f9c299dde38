"""speak(): text to a persona's speech in an emotion, with phoneme, word and viseme times and
WebVTT subtitles, all on the same clock as the audio.

    speech = speak("Hello, fans! Tonight we go live.", VoiceProfile.from_spec(spec), "joy")
    ogg = encode(speech, "opus"); vtt = speech.vtt; speech.visemes[0].viseme

The voice's rate, pitch and volume come from the profile, the emotion moves them further
(prosody.py). Each sentence is one engine call at the wanted pace; sentences are joined by a
pause of SENTENCE_GAP_S (scaled with the rate); pitch is shifted on the whole utterance at
once (dsp.py), and every phoneme boundary is rescaled by the tiny length change that leaves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np

from ..emotions import check
from ..model_info import ModelInfo
from ..persona import PersonaProfile
from .dsp import pitch_shift
from .engine import SpeechEngine
from .engines import select_engine
from .errors import VoiceError
from .phonemes import SILENCE
from .profile import VoiceProfile
from .prosody import Prosody, prosody_for
from .text import sentences, words
from .timing import PhonemeTiming, WordTiming, merge_modifiers, word_spans
from .visemes import VisemeCue, viseme_timeline
from .webvtt import cues, render

SENTENCE_GAP_S = 0.18
MAX_TEXT_CHARS = 5000


@dataclass(frozen=True)
class Speech:
    """Spoken text: mono float32 PCM in [-1, 1] at sample_rate, and its times in seconds."""

    pcm: np.ndarray
    sample_rate: int
    timings: tuple[PhonemeTiming, ...]
    words: tuple[WordTiming, ...]
    visemes: tuple[VisemeCue, ...]
    vtt: str
    model: ModelInfo
    text: str
    emotion: str | None
    profile: VoiceProfile
    prosody: Prosody
    exact_timings: bool  # phoneme times from the engine itself, not estimated
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def duration(self) -> float:
        return len(self.pcm) / self.sample_rate

    @property
    def fallback(self) -> bool:
        """True when the robotic espeak-ng voice spoke (the neural voice is not installed)."""
        return "fallback" in self.model.kind

    def to_json(self) -> dict[str, Any]:
        """Everything but the audio, for a manifest or a live room's lip-sync message."""
        return {
            "text": self.text,
            "emotion": self.emotion,
            "duration": round(self.duration, 3),
            "sampleRate": self.sample_rate,
            "voice": self.profile.to_json(),
            "model": self.model.to_json(),
            "exactTimings": self.exact_timings,
            "words": [{"text": w.text, "start": round(w.start, 3), "end": round(w.end, 3)} for w in self.words],
            "visemes": [{"viseme": v.viseme, "start": round(v.start, 3), "end": round(v.end, 3)} for v in self.visemes],
        }


def speak(
    text: str,
    profile: VoiceProfile | PersonaProfile | dict[str, Any] | None = None,
    emotion: str | None = None,
    *,
    intensity: float = 1.0,
    engine: SpeechEngine | None = None,
) -> Speech:
    """`text` spoken by the persona's voice in `emotion` (an EMOTIONS name, None: neutral).

    profile: a VoiceProfile, or a persona spec / PersonaProfile to read one from (None: the
    default voice). intensity 0..1 blends the emotion's prosody in from neutral. engine:
    a loaded engine to use instead of select_engine(profile).
    Raises VoiceUnavailable when no engine is installed, VoiceError for empty text.
    """
    voice = (
        profile if isinstance(profile, VoiceProfile) else VoiceProfile.from_spec(profile) if profile else VoiceProfile()
    )
    pros = prosody_for(emotion, intensity)
    parts = sentences(text)
    if not parts:
        raise VoiceError("nothing to say: the text has no words")
    if len(text) > MAX_TEXT_CHARS:
        raise VoiceError(f"text too long for one utterance ({len(text)} > {MAX_TEXT_CHARS} characters); split it")
    eng = engine or select_engine(voice)

    semitones = voice.pitch_semitones + pros.pitch_semitones
    length_scale = 1.0 / (voice.rate * pros.rate)
    pcm_parts: list[np.ndarray] = []
    phones: list[tuple[str, int, int]] = []  # (symbol, start, end) in raw samples
    sentence_ranges: list[tuple[int, int]] = []  # index range into phones per sentence
    cursor, exact = 0, True
    sample_rate = eng.sample_rate
    stretch = length_scale**eng.length_exponent
    for i, sentence in enumerate(parts):
        raw = eng.synthesize(sentence, stretch, pros.noise_scale, pros.noise_w)
        exact = exact and raw.exact
        if i:
            gap = int(round(SENTENCE_GAP_S * length_scale * sample_rate))
            pcm_parts.append(np.zeros(gap, dtype=np.float32))
            phones.append((SILENCE, cursor, cursor + gap))
            cursor += gap
        first = len(phones)
        for sym, n in raw.phones:
            phones.append((sym, cursor, cursor + n))
            cursor += n
        pcm_parts.append(raw.pcm)
        sentence_ranges.append((first, len(phones)))

    pcm = np.concatenate(pcm_parts).astype(np.float32)
    out = pitch_shift(pcm, sample_rate, semitones)
    scale = len(out) / len(pcm) if len(pcm) else 1.0

    gain = voice.volume * pros.volume
    out = np.clip(out * gain, -1.0, 1.0).astype(np.float32)
    seconds = scale / sample_rate  # raw samples -> seconds of the output

    phoneme_times: list[PhonemeTiming] = []
    word_times: list[WordTiming] = []
    alone_cache: dict[str, str] = {}
    for index, ((first, last), sentence) in enumerate(zip(sentence_ranges, parts, strict=True)):
        merged = merge_modifiers(phones[first:last])
        phoneme_times += [PhonemeTiming(s, a * seconds, b * seconds) for s, a, b in merged]
        text_words = words(sentence)
        bare = [w.bare for w in text_words]
        spans = word_spans(merged, text_words, partial(_alone, eng, bare, alone_cache))
        for word, (a, b) in zip(text_words, spans, strict=True):
            word_times.append(WordTiming(word.written, word.bare, a * seconds, b * seconds, index))
    # gaps between sentences belong to no sentence's phones: add them back in time order
    gaps = [PhonemeTiming(SILENCE, a * seconds, b * seconds) for s, a, b in phones if s == SILENCE]
    phoneme_times = sorted(phoneme_times + gaps, key=lambda p: (p.start, p.end))
    duration = len(out) / sample_rate
    return Speech(
        pcm=out,
        sample_rate=sample_rate,
        timings=tuple(phoneme_times),
        words=tuple(word_times),
        visemes=tuple(viseme_timeline(phoneme_times, duration)),
        vtt=render(cues(word_times)),
        model=eng.model,
        text=text,
        emotion=check(emotion) if emotion is not None else None,
        profile=voice,
        prosody=pros,
        exact_timings=exact,
    )


def _alone(eng: SpeechEngine, bare: list[str], cache: dict[str, str]) -> list[str] | None:
    """Each word's phonemes spoken alone (cached within one speak call)."""
    missing = [w for w in dict.fromkeys(bare) if w not in cache]
    if missing:
        found = eng.word_phonemes(missing)
        if found is None:
            return None
        cache.update(zip(missing, found, strict=True))
    return [cache[w] for w in bare]
