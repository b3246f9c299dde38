"""MP4 out: H.264 video (yuv420p, the pixel format every browser decodes) and AAC audio,
interleaved frame by frame, with the index (moov) written at the front so a browser can start
playing before the whole file has arrived.

The audio is padded with silence (or trimmed) to exactly the video's n_frames / fps, so the
two tracks end together: the AAC track then runs at most one AAC frame (21 ms at 48 kHz)
past the video. x264 runs with a fixed thread count: its output depends on the number of
threads, so a fixed number gives the same bytes for the same frames on every machine.

    with Mp4Writer(path, (1280, 720), 24, speech.pcm, speech.sample_rate, n_frames) as mp4:
        for image in frames: mp4.add(image)
"""

from __future__ import annotations

import io
from fractions import Fraction
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np
from PIL import Image

from ..model_info import ModelInfo
from ..voice.dsp import resample
from .errors import VideoError

AUDIO_RATE = 48_000
AUDIO_BITRATE = 96_000
AAC_FRAME = 1024
X264_PRESET = "veryfast"
X264_CRF = 21
X264_THREADS = 2
THUMBNAIL_QUALITY = 88


def encoder_info() -> ModelInfo:
    import av

    return ModelInfo(
        "libx264+aac",
        f"pyav-{av.__version__}",
        f"H.264 (x264 preset {X264_PRESET}, crf {X264_CRF}, yuv420p) and AAC-LC {AUDIO_BITRATE // 1000} kbit/s in MP4",
    )


class Mp4Writer:
    """Writes one MP4 file: add() each frame in order, then close() (or use it as a context)."""

    def __init__(
        self, path: Path, size: tuple[int, int], fps: int, pcm: np.ndarray, sample_rate: int, n_frames: int
    ) -> None:
        import av

        self.fps = fps
        self.n_frames = n_frames
        self.frames = 0
        self._closed = False
        samples = int(round(n_frames / fps * AUDIO_RATE))
        audio = resample(np.asarray(pcm, dtype=np.float32), sample_rate, AUDIO_RATE)[:samples]
        self._audio = np.pad(audio, (0, samples - len(audio))).astype(np.float32)
        self._audio_sent = 0
        try:
            self._out: Any = av.open(str(path), mode="w", format="mp4", container_options={"movflags": "+faststart"})
            video = self._out.add_stream(
                "libx264",
                rate=fps,
                options={"preset": X264_PRESET, "crf": str(X264_CRF), "threads": str(X264_THREADS)},
            )
            video.width, video.height = size
            video.pix_fmt = "yuv420p"
            video.time_base = Fraction(1, fps)
            video.codec_context.gop_size = 2 * fps  # a keyframe every two seconds, for seeking
            audio_stream = self._out.add_stream("aac", rate=AUDIO_RATE, layout="mono")
            audio_stream.bit_rate = AUDIO_BITRATE
        except (av.FFmpegError, ValueError) as err:
            raise VideoError(
                f"cannot start the MP4 encoder ({err}); PyAV's FFmpeg build must include libx264 and aac"
            ) from err
        self._video, self._audio_stream = video, audio_stream

    def add(self, image: Image.Image) -> None:
        """Encode the next frame (RGB, the video's size) and the audio up to its end."""
        import av

        frame = av.VideoFrame.from_image(image if image.mode == "RGB" else image.convert("RGB"))
        frame.pts = self.frames
        frame.time_base = Fraction(1, self.fps)
        for packet in self._video.encode(frame):
            self._out.mux(packet)
        self.frames += 1
        self._send_audio(int(round(self.frames / self.fps * AUDIO_RATE)))

    def _send_audio(self, until: int) -> None:
        import av

        while self._audio_sent < min(until, len(self._audio)):
            start = self._audio_sent
            chunk = self._audio[start : start + AAC_FRAME]
            frame = av.AudioFrame.from_ndarray(chunk[None, :], format="fltp", layout="mono")
            frame.sample_rate = AUDIO_RATE
            frame.pts = start
            frame.time_base = Fraction(1, AUDIO_RATE)
            for packet in self._audio_stream.encode(frame):
                self._out.mux(packet)
            self._audio_sent += len(chunk)

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._send_audio(len(self._audio))
        for stream in (self._video, self._audio_stream):
            for packet in stream.encode(None):
                self._out.mux(packet)
        self._out.close()

    def abort(self) -> None:
        if not self._closed:
            self._closed = True
            self._out.close()

    def __enter__(self) -> Mp4Writer:
        return self

    def __exit__(self, kind: type[BaseException] | None, err: BaseException | None, tb: TracebackType | None) -> None:
        if kind is None:
            self.close()
        else:
            self.abort()


def thumbnail_bytes(image: Image.Image) -> bytes:
    """A JPEG of one frame (the frames are flat-shaded art: quality 88 shows no blocks)."""
    buf = io.BytesIO()
    image.convert("RGB").save(buf, "JPEG", quality=THUMBNAIL_QUALITY, optimize=True)
    return buf.getvalue()
