"""Pitch and tempo on mono float audio, through FFmpeg's resampler and filters (PyAV).

Pitch without changing duration: playing audio recorded at rate r*R back at R raises every
frequency by r and shortens it by 1/r, so the audio is first stretched by r with FFmpeg's
atempo filter (WSOLA: tempo changes, pitch does not) and then resampled that way. Asking the
engine itself for r times longer speech would avoid the filter, but the neural voice's length
scale does not act linearly on duration (a pitch step would change the pace). Formants move
with the pitch, which for a few semitones reads as a brighter or darker voice rather than a
different person.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

_CHUNK = 8192


def resample(pcm: np.ndarray, from_rate: int, to_rate: int) -> np.ndarray:
    """`pcm` (float32 mono) sampled at from_rate, re-sampled at to_rate (same duration in time)."""
    if from_rate == to_rate or len(pcm) == 0:
        return np.asarray(pcm, dtype=np.float32)
    import av

    frame = av.AudioFrame.from_ndarray(
        np.ascontiguousarray(pcm, dtype=np.float32)[None, :], format="flt", layout="mono"
    )
    frame.sample_rate = int(from_rate)
    resampler = av.AudioResampler(format="flt", layout="mono", rate=int(to_rate))
    frames = list(resampler.resample(frame)) + list(resampler.resample(None))
    if not frames:
        return np.zeros(0, dtype=np.float32)
    return np.concatenate([f.to_ndarray().reshape(-1) for f in frames]).astype(np.float32)


def atempo(pcm: np.ndarray, rate: int, tempo: float) -> np.ndarray:
    """`pcm` played `tempo` times faster at the same pitch (FFmpeg atempo, 0.5 <= tempo <= 100)."""
    if abs(tempo - 1.0) < 1e-6 or len(pcm) == 0:
        return np.asarray(pcm, dtype=np.float32)
    import av
    import av.filter

    graph = av.filter.Graph()
    src = graph.add_abuffer(format="flt", sample_rate=rate, layout="mono", time_base=Fraction(1, rate))
    stretch = graph.add("atempo", f"{min(100.0, max(0.5, tempo)):.6f}")
    sink = graph.add("abuffersink")
    src.link_to(stretch)
    stretch.link_to(sink)
    graph.configure()
    out: list[np.ndarray] = []

    def drain() -> None:
        while True:
            try:
                frame: av.AudioFrame = sink.pull()  # type: ignore[assignment]
            except (BlockingIOError, EOFError, av.BlockingIOError, av.EOFError):
                return
            out.append(frame.to_ndarray().reshape(-1))

    data = np.ascontiguousarray(pcm, dtype=np.float32)
    for i in range(0, len(data), _CHUNK):
        frame = av.AudioFrame.from_ndarray(data[None, i : i + _CHUNK], format="flt", layout="mono")
        frame.sample_rate = rate
        frame.pts = i
        frame.time_base = Fraction(1, rate)
        src.push(frame)
        drain()
    src.push(None)
    drain()
    return np.concatenate(out).astype(np.float32) if out else np.zeros(0, dtype=np.float32)


def pitch_shift(pcm: np.ndarray, rate: int, semitones: float) -> np.ndarray:
    """`pcm` `semitones` higher (lower when negative), about as long as before (see the module docstring)."""
    shifted = pitch_rate(rate, semitones)
    if shifted == rate:
        return np.asarray(pcm, dtype=np.float32)
    return resample(atempo(pcm, rate, rate / shifted), shifted, rate)


def pitch_rate(sample_rate: int, semitones: float) -> int:
    """The integer rate whose playback at sample_rate shifts pitch by `semitones`."""
    return max(1000, int(round(sample_rate * 2.0 ** (semitones / 12.0))))


def to_int16(pcm: np.ndarray) -> np.ndarray:
    """Float audio in [-1, 1] as 16-bit PCM samples."""
    return np.clip(np.rint(np.asarray(pcm, dtype=np.float64) * 32767.0), -32767, 32767).astype(np.int16)
