"""Media for the content-credentials tests: persona-like pictures and the MP4, WAV, M4A and MP3
files a video or voice module hands over, made with PyAV."""

from __future__ import annotations

import io

import numpy as np


def persona_image(seed: int, size: int = 512) -> np.ndarray:
    """An RGB uint8 picture with the structure of an avatar: gradient, hair, face, eyes, mouth."""
    import cv2

    rng = np.random.default_rng(seed)
    yy = np.mgrid[0:size, 0:size][0] / size
    img = (rng.uniform(40, 220, 3) * (1 - yy[..., None]) + rng.uniform(40, 220, 3) * yy[..., None]).astype(np.float32)
    cx, cy = int(size * rng.uniform(0.4, 0.6)), int(size * rng.uniform(0.4, 0.55))
    hair = tuple(float(v) for v in rng.uniform(10, 90, 3))
    cv2.ellipse(img, (cx, cy - size // 20), (int(size * 0.26), int(size * 0.3)), 0, 180, 360, hair, -1)
    cv2.ellipse(img, (cx, cy), (int(size * 0.2), int(size * 0.26)), 0, 0, 360, (225.0, 180.0, 150.0), -1)
    for dx in (-1, 1):
        cv2.circle(img, (cx + dx * int(size * 0.08), cy - size // 25), int(size * 0.03), (20.0, 30.0, 40.0), -1)
    cv2.ellipse(img, (cx, cy + size // 10), (int(size * 0.07), int(size * 0.03)), 0, 0, 180, (170.0, 60.0, 60.0), 3)
    img = cv2.GaussianBlur(img, (0, 0), 1.2) + rng.normal(0, 2.0, img.shape)
    return np.clip(img, 0, 255).astype(np.uint8)


def png(arr: np.ndarray) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(arr).save(buf, format="PNG")
    return buf.getvalue()


def mp4(frames: list[np.ndarray], fps: int = 12) -> bytes:
    """H.264 MP4 of RGB frames (what the video module produces)."""
    import av

    buf = io.BytesIO()
    h, w = frames[0].shape[:2]
    with av.open(buf, "w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = w, h, "yuv420p"
        for arr in frames:
            container.mux(stream.encode(av.VideoFrame.from_ndarray(arr, format="rgb24")))
        container.mux(stream.encode(None))
    return buf.getvalue()


def audio(fmt: str, codec: str, rate: int = 22050) -> bytes:
    """One second of a 440 Hz tone, mono, in the given container and codec."""
    import av

    buf = io.BytesIO()
    pcm = (np.sin(2 * np.pi * 440 * np.arange(rate) / rate) * 0.3 * 32767).astype(np.int16)
    with av.open(buf, "w", format=fmt) as container:
        stream = container.add_stream(codec, rate=rate)
        stream.layout = "mono"
        frame = av.AudioFrame.from_ndarray(pcm[None, :], format="s16", layout="mono")
        frame.sample_rate = rate
        container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    return buf.getvalue()
