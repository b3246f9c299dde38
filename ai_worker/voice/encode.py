"""Speech as bytes in a file format: Opus in Ogg (web, live rooms), AAC in MP4 (the video
muxer), or 16-bit WAV (tools, tests).

Opus only runs at 48/24/16/12/8 kHz, so compressed formats are resampled (48 kHz by default,
the rate video tracks use); WAV keeps the voice's own rate. Encoding goes through PyAV's
FFmpeg encoders (libopus, FFmpeg's native aac).
"""

from __future__ import annotations

import io
import wave
from typing import TYPE_CHECKING, Literal

import numpy as np

from .dsp import resample, to_int16
from .errors import VoiceError

if TYPE_CHECKING:
    from .speech import Speech

AudioFormat = Literal["opus", "aac", "wav"]

MEDIA_TYPES: dict[str, str] = {"opus": "audio/ogg; codecs=opus", "aac": "audio/mp4", "wav": "audio/wav"}
EXTENSIONS: dict[str, str] = {"opus": ".ogg", "aac": ".m4a", "wav": ".wav"}
_CONTAINER = {"opus": ("ogg", "libopus", 32_000), "aac": ("mp4", "aac", 64_000)}
_OPUS_RATES = (48_000, 24_000, 16_000, 12_000, 8_000)


def encode(
    speech: Speech, fmt: AudioFormat = "opus", *, sample_rate: int | None = None, bitrate: int | None = None
) -> bytes:
    """The speech's audio as a complete file of format `fmt` (see MEDIA_TYPES for its type)."""
    return encode_pcm(speech.pcm, speech.sample_rate, fmt, sample_rate=sample_rate, bitrate=bitrate)


def encode_pcm(
    pcm: np.ndarray,
    source_rate: int,
    fmt: AudioFormat = "opus",
    *,
    sample_rate: int | None = None,
    bitrate: int | None = None,
) -> bytes:
    """Float mono samples at `source_rate` as a complete file of format `fmt` (several speeches
    joined, such as a live event's answers)."""
    if fmt == "wav":
        return wav_bytes(pcm, source_rate)
    if fmt not in _CONTAINER:
        raise VoiceError(f"unknown audio format {fmt!r}; use one of: opus, aac, wav")
    container, codec, default_bitrate = _CONTAINER[fmt]
    rate = sample_rate or 48_000
    if fmt == "opus" and rate not in _OPUS_RATES:
        raise VoiceError(f"Opus cannot run at {rate} Hz; use one of {', '.join(map(str, _OPUS_RATES))}")
    return _encode_av(resample(pcm, source_rate, rate), rate, container, codec, bitrate or default_bitrate)


def wav_bytes(pcm: np.ndarray, sample_rate: int) -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(int(sample_rate))
        out.writeframes(to_int16(pcm).astype("<i2").tobytes())
    return buf.getvalue()


def _encode_av(pcm: np.ndarray, rate: int, container: str, codec: str, bitrate: int) -> bytes:
    import av

    buf = io.BytesIO()
    try:
        with av.open(buf, mode="w", format=container) as out:
            stream = out.add_stream(codec, rate=rate, layout="mono")
            if not isinstance(stream, av.AudioStream):
                raise VoiceError(f"{codec} is not an audio encoder in this FFmpeg build")
            stream.bit_rate = bitrate
            frame = av.AudioFrame.from_ndarray(
                np.ascontiguousarray(pcm, dtype=np.float32)[None, :], format="flt", layout="mono"
            )
            frame.sample_rate = rate
            frame.pts = 0
            fmt = stream.codec_context.format.name if stream.codec_context.format else "fltp"
            # the encoder takes fixed-size frames in its own sample format: the resampler's
            # frame_size re-chunks (1024 for aac, 960 for Opus at 48 kHz)
            size = 1024 if codec == "aac" else rate // 50
            resampler = av.AudioResampler(format=fmt, layout="mono", rate=rate, frame_size=size)
            for chunk in [*resampler.resample(frame), *resampler.resample(None)]:
                for packet in stream.encode(chunk):
                    out.mux(packet)
            for packet in stream.encode(None):
                out.mux(packet)
    except (av.FFmpegError, ValueError) as err:
        raise VoiceError(
            f"encoding {codec} in {container} failed ({err}); PyAV's FFmpeg build must include it"
        ) from err
    return buf.getvalue()
