"""What a speech engine gives the rest of the package: raw audio of one sentence and how long
each of its phonemes lasts, in samples of that audio.

Engines know nothing of emotions or pitch; speak() turns those into the three numbers an
engine takes (length_scale, noise_scale, noise_w) and does pitch and volume itself, so both
engines shift pitch the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from ..model_info import ModelInfo


@dataclass(frozen=True)
class RawSentence:
    """One sentence as an engine spoke it.

    phones: (phoneme, samples) in order, summing to len(pcm); "^"/"$" are the engine's
    leading/trailing silence, " " a word gap, punctuation a pause. exact tells whether the
    durations come from the engine itself (True) or were estimated.
    """

    text: str
    pcm: np.ndarray  # float32 mono in [-1, 1]
    phones: tuple[tuple[str, int], ...]
    exact: bool


class SpeechEngine(Protocol):
    """A loaded voice that speaks one sentence at a time."""

    sample_rate: int
    model: ModelInfo
    fallback: bool
    # duration ~ length_scale ** (1 / length_exponent) for this engine: speak() raises the
    # wanted duration factor to this power so that rate 2 really halves the duration
    length_exponent: float

    def synthesize(self, sentence: str, length_scale: float, noise_scale: float, noise_w: float) -> RawSentence:
        """Speak `sentence`; length_scale > 1 is slower (the duration multiplier)."""
        ...

    def word_phonemes(self, words: list[str]) -> list[str] | None:
        """Each text word's phonemes spoken alone ("42" -> "fˈɔːɹɾi tˈuː"), None if unknown."""
        ...
