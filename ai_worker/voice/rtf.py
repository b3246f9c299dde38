"""Real-time factor of speech synthesis: seconds spent speaking / seconds of audio spoken.

Below 1 a live room can speak as fast as it talks; the goal on a 2-core CPU is below 0.3 so
a reply starts well before the previous sentence has finished playing. The voice is loaded
(and its load timed) before the clock starts, as it is once per process in the services.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .engines import select_engine
from .profile import VoiceProfile
from .speech import speak

DEFAULT_SENTENCES: tuple[str, ...] = (
    "Welcome back to the stream, everyone, it is so good to see you all tonight.",
    "Today we are looking at three gadgets that promise to change how our cities move.",
    "The first one surprised me, and honestly, I did not expect to like it this much.",
    "Tell me in the chat which one you would take home, and I will read your answers live.",
)


@dataclass(frozen=True)
class RtfResult:
    rtf: float  # synthesis_s / audio_s
    synthesis_s: float
    audio_s: float
    load_s: float  # time to get the engine ready (0 when it was already loaded)
    engine: str  # the ModelInfo name
    fallback: bool
    sentences: int

    def to_json(self) -> dict[str, Any]:
        return {
            "rtf": round(self.rtf, 4),
            "synthesis_s": round(self.synthesis_s, 3),
            "audio_s": round(self.audio_s, 3),
            "load_s": round(self.load_s, 3),
            "engine": self.engine,
            "fallback": self.fallback,
            "sentences": self.sentences,
        }


def measure_rtf(
    sentences: Sequence[str] = DEFAULT_SENTENCES,
    profile: VoiceProfile | None = None,
    emotion: str | None = "calm",
    repeats: int = 1,
) -> RtfResult:
    """Speak each sentence `repeats` times (one speak() call each, timings and subtitles
    included, encoding not) and report the real-time factor."""
    voice = profile or VoiceProfile()
    t0 = time.perf_counter()
    engine = select_engine(voice)
    speak("Ready.", voice, emotion, engine=engine)  # warm-up: first-call allocations
    load_s = time.perf_counter() - t0
    spent = audio = 0.0
    for _ in range(max(1, repeats)):
        for sentence in sentences:
            start = time.perf_counter()
            speech = speak(sentence, voice, emotion, engine=engine)
            spent += time.perf_counter() - start
            audio += speech.duration
    return RtfResult(
        rtf=spent / audio if audio else float("inf"),
        synthesis_s=spent,
        audio_s=audio,
        load_s=load_s,
        engine=engine.model.name,
        fallback=engine.fallback,
        sentences=len(sentences) * max(1, repeats),
    )
