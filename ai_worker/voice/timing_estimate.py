"""Phoneme durations when an engine does not report them: spread the sentence over its phonemes.

Used by the espeak-ng fallback (its command line reports phonemes but no times) and by the
neural voice if a voice file has no duration tensor. The sentence's voiced span is found
from the audio's energy (10 ms frames above 4 % of the loudest); what lies before it is the
leading silence "^", after it the trailing "$", and the span between is divided by weight:
vowels 2, consonants 1, word gaps 0.3, pauses (commas, stops) 1.5, modifiers 0. Accurate to
a phoneme or two, enough for subtitles; lip sync from it is approximate.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .phonemes import BOUNDARY, PAUSES, WORD_GAP, is_modifier, is_vowel

_FRAME = 220  # 10 ms at 22.05 kHz; close enough at other rates


def voiced_span(audio: np.ndarray) -> tuple[int, int]:
    """(first, last+1) sample of the loud part of `audio`; (0, len) when it is all quiet."""
    n = len(audio)
    if n < _FRAME:
        return 0, n
    frames = n // _FRAME
    rms = np.sqrt(np.mean(audio[: frames * _FRAME].reshape(frames, _FRAME).astype(np.float64) ** 2, axis=1))
    peak = float(rms.max())
    if peak <= 1e-6:
        return 0, n
    loud = np.nonzero(rms > 0.04 * peak)[0]
    return int(loud[0]) * _FRAME, min(n, (int(loud[-1]) + 1) * _FRAME)


def _weight(symbol: str) -> float:
    if symbol in BOUNDARY or is_modifier(symbol):
        return 0.0
    if symbol == WORD_GAP:
        return 0.3
    if symbol in PAUSES:
        return 1.5
    return 2.0 if is_vowel(symbol) else 1.0


def estimate_phone_samples(symbols: Sequence[str], audio: np.ndarray) -> list[int]:
    """Samples per symbol, summing to len(audio); symbols[0]/[-1] should be "^"/"$"."""
    n = len(audio)
    start, end = voiced_span(audio)
    weights = np.array([_weight(s) for s in symbols], dtype=np.float64)
    out = [0] * len(symbols)
    if len(symbols) == 0:
        return out
    inner = end - start
    total = float(weights.sum())
    if total <= 0:
        out[0] = n
        return out
    edges = np.rint(start + inner * np.concatenate([[0.0], np.cumsum(weights)]) / total).astype(np.int64)
    for i in range(len(symbols)):
        out[i] = int(edges[i + 1] - edges[i])
    # silence before and after the voiced span goes to the boundary symbols
    head = 0 if symbols[0] in BOUNDARY else None
    tail = len(symbols) - 1 if symbols[-1] in BOUNDARY else None
    out[head if head is not None else 0] += start
    out[tail if tail is not None else -1] += n - end
    return out
