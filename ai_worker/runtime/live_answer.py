"""A persona answering a question in its live room, as the frames the room streams.

`Answerer.answer` writes the answer with the persona's writer (the same language model and
screen as its replies to comments), then speaks it one sentence at a time with the persona's
voice, so the first sentence is heard while the next is still being synthesised. What it
yields are the live protocol's host frames (docs/live.md):

    answer.start    the whole text, the emotion it is said in, the audio's sample rate
    answer.caption  one per subtitle cue, times from the answer's start
    answer.audio    PCM16 mono in chunks of CHUNK_S seconds, with the visemes inside each chunk
    answer.end      the answer's duration

and, after the last frame, the spoken answer as a `SpokenAnswer` (the recording keeps it).
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..model_info import ModelInfo
from ..persona import PersonaProfile
from .writer import Writer

#: seconds of audio per answer.audio frame: small enough for the mouth to follow closely and
#: the first sound to leave early, large enough that 200 listeners are not flooded with frames
CHUNK_S = 0.25
#: silence between two sentences of one answer
SENTENCE_GAP_S = 0.12


@dataclass
class SpokenAnswer:
    question_id: str
    question: str
    asker: str
    text: str
    emotion: str
    sample_rate: int
    pcm: np.ndarray
    captions: list[tuple[float, float, str]]  # (start, end, text), seconds from the answer's start
    models: dict[str, ModelInfo] = field(default_factory=dict)
    ai_label: str = ""

    @property
    def duration(self) -> float:
        return len(self.pcm) / self.sample_rate if self.sample_rate else 0.0


def pcm16(samples: np.ndarray) -> bytes:
    return (np.clip(samples, -1.0, 1.0) * 32767.0).astype("<i2").tobytes()


Visemes = list[tuple[float, float, str]]  # (start, end, viseme), seconds


def audio_frames(
    question_id: str, pcm: np.ndarray, sample_rate: int, visemes: Visemes, offset: float, seq: int
) -> Iterator[dict[str, Any]]:
    """answer.audio frames of `pcm` (starting `offset` s into the answer, numbered from `seq`),
    each with the visemes that start inside it, times relative to the chunk's start."""
    step = max(1, int(round(CHUNK_S * sample_rate)))
    for begin in range(0, len(pcm), step):
        chunk = pcm[begin : begin + step]
        t0 = begin / sample_rate
        t1 = t0 + len(chunk) / sample_rate
        inside = [[round(max(0.0, s - t0), 3), v] for s, e, v in visemes if e > t0 and s < t1]
        yield {
            "type": "answer.audio",
            "question_id": question_id,
            "seq": seq,
            "at": round(offset + t0, 3),
            "pcm": base64.b64encode(pcm16(chunk)).decode("ascii"),
            "visemes": inside,
        }
        seq += 1


class Answerer:
    """Writes and speaks one persona's answers (one per question, in the order asked)."""

    def __init__(self, writer: Writer, profile: PersonaProfile, *, voice_engine: Any = None) -> None:
        self.writer = writer
        self.profile = profile
        self.voice_engine = voice_engine  # a loaded ai_worker.voice engine (None: the profile's)

    def answer(
        self, question_id: str, question: str, asker: str, emotion: str, seed: int, context: str
    ) -> Iterator[dict[str, Any] | SpokenAnswer]:
        from ..voice import VoiceProfile, speak
        from ..voice.text import sentences
        from ..voice.webvtt import cues

        written = self.writer.reply(self.profile, emotion, context, question, seed)
        parts = sentences(written.text) or [written.text]
        voice = VoiceProfile.from_spec(self.profile)
        first = speak(parts[0], voice, emotion, engine=self.voice_engine)
        rate = first.sample_rate
        yield {
            "type": "answer.start",
            "question_id": question_id,
            "emotion": emotion,
            "text": written.text,
            "sample_rate": rate,
            "ai_label": written.ai_label,
        }
        offset, seq = 0.0, 0
        pcm_parts: list[np.ndarray] = []
        captions: list[tuple[float, float, str]] = []
        gap = np.zeros(int(SENTENCE_GAP_S * rate), dtype=np.float32)
        speech = first
        for i in range(len(parts)):
            if i > 0:
                speech = speak(parts[i], voice, emotion, engine=self.voice_engine)
            for cue in cues(speech.words):
                captions.append((offset + cue.start, offset + cue.end, cue.text))
                yield {
                    "type": "answer.caption",
                    "question_id": question_id,
                    "text": cue.text,
                    "start": round(offset + cue.start, 3),
                    "end": round(offset + cue.end, 3),
                }
            pcm = np.concatenate([speech.pcm.astype(np.float32), gap])
            visemes = [(c.start, c.end, c.viseme) for c in speech.visemes]
            for frame in audio_frames(question_id, pcm, rate, visemes, offset, seq):
                seq += 1
                yield frame
            pcm_parts.append(pcm)
            offset += len(pcm) / rate
        yield {"type": "answer.end", "question_id": question_id, "duration": round(offset, 3)}
        yield SpokenAnswer(
            question_id,
            question,
            asker,
            written.text,
            emotion,
            rate,
            np.concatenate(pcm_parts),
            captions,
            {"text": written.model, "voice": first.model},
            written.ai_label,
        )
