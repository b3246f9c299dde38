"""An invisible watermark in the pixels: a 64-bit payload naming the persona and the request,
so content whose C2PA manifest was stripped (re-encoded, screenshotted, resized by a
platform) can still be traced to the request on chain, and from there to its signed
manifest.

Payload: 48 bits of data, persona id mod 2**20 | request id mod 2**28, then a CRC-32 of
them, 80 bits in all, whitened with a fixed mask so small ids do not give long runs of zeros.
The checksum does two jobs. It tells a real payload from noise: an unwatermarked image
decodes to random bits, which pass it with probability 2**-32 per try. And it corrects: the
decoder keeps the library's soft per-bit votes, and when the hard decision fails the check it
flips up to `MAX_FLIPS` of the `CANDIDATES` least certain bits (a Chase decoder, from the
fewest flips up) until the check holds, so a handful of bits lost to a resize followed by a
JPEG no longer loses the payload. It also refuses readings whose bits are not clearly one way
or the other (`min_confidence`), which unwatermarked images never reach.

Method: the library's DWT-DCT-SVD embedder (imwatermark `dwtDctSvd`: Haar DWT, 4x4 DCT
blocks, quantised first singular value, each bit repeated over many blocks and averaged on
decode), run at a fixed working resolution. The image is resampled to 256 x 256, the library
embeds there, and the difference it made is resampled back to the image's own size and
added. The decoder resamples whatever it gets to 256 x 256, so the watermark's grid lines up
at any size. Measured on 512 x 512 persona-like images (docs/ai-worker-operator.md, "Content
credentials"): the library at native resolution loses 20% of the bits when a 50% downscale
is followed by JPEG q75; at the working resolution with strength 60 on the U channel no bit
was lost under JPEG q75, a 50% downscale, either order of both, or JPEG q50 (PSNR 37 dB).
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .errors import CredentialsError

WORK_SIZE = 256
STRENGTH = 60
BLOCK = 4
PAYLOAD_BITS = 80
DATA_BYTES = 6
PERSONA_BITS = 20
REQUEST_BITS = 28
MIN_CONFIDENCE = 0.5
CANDIDATES = 10
MAX_FLIPS = 3
METHOD = "imwatermark-dwtDctSvd@256px"
_MASK = hashlib.sha256(b"fameengine:watermark:v1").digest()[: PAYLOAD_BITS // 8]


def _request_number(request_id: int | str) -> int:
    try:
        return int(request_id)
    except (TypeError, ValueError):
        return int.from_bytes(hashlib.sha256(str(request_id).encode("utf-8")).digest()[:8], "big")


@dataclass(frozen=True)
class Payload:
    """What the watermark carries: the request's ids, each reduced to its field width."""

    persona_id: int
    request_id: int

    @classmethod
    def for_request(cls, persona_id: int | str, request_id: int | str) -> Payload:
        """request_id: the market's request number, or a key such as the persona runtime's
        slot key ("runtime-post:1:3600:42"), carried as its SHA-256 reduced to the field."""
        return cls(int(persona_id) % 2**PERSONA_BITS, _request_number(request_id) % 2**REQUEST_BITS)

    def matches(self, persona_id: int | str, request_id: int | str) -> bool:
        return self == Payload.for_request(persona_id, request_id)

    def to_bytes(self) -> bytes:
        body = ((self.persona_id << REQUEST_BITS) | self.request_id).to_bytes(DATA_BYTES, "big")
        return bytes(a ^ b for a, b in zip(body + _crc(body), _MASK, strict=True))

    def to_bits(self) -> list[int]:
        return [int(b) for b in np.unpackbits(np.frombuffer(self.to_bytes(), dtype=np.uint8))]

    @property
    def hex(self) -> str:
        return self.to_bytes().hex()

    @classmethod
    def from_bits(cls, bits: Iterable[int]) -> Payload | None:
        """The payload these bits spell, or None when the checksum does not hold."""
        raw = np.packbits(np.array(list(bits), dtype=np.uint8)).tobytes()
        if len(raw) != PAYLOAD_BITS // 8:
            return None
        clear = bytes(a ^ b for a, b in zip(raw, _MASK, strict=True))
        body, crc = clear[:DATA_BYTES], clear[DATA_BYTES:]
        if _crc(body) != crc:
            return None
        value = int.from_bytes(body, "big")
        return cls(value >> REQUEST_BITS, value & (2**REQUEST_BITS - 1))


@dataclass(frozen=True)
class Reading:
    """A decoder's answer: the payload (None when there is none), how clear the bits were
    (0: coin flips, 1: every bit unanimous), and why it is None when it is."""

    payload: Payload | None
    confidence: float
    reason: str = ""
    corrected: int = 0

    @property
    def found(self) -> bool:
        return self.payload is not None


def embed(image: Any, payload: Payload, strength: int = STRENGTH) -> Any:
    """The image with the payload in it; a PIL image in gives a PIL image out (mode kept,
    alpha untouched), an RGB uint8 array (H, W, 3) gives an array."""
    rgb, back = _as_rgb(image)
    bgr = rgb[:, :, ::-1]
    h, w = bgr.shape[:2]
    small = _resize(bgr, WORK_SIZE, WORK_SIZE)
    marked = _embedder(payload.to_bits(), strength).encode(small.copy())
    delta = marked.astype(np.float32) - small.astype(np.float32)
    delta = _resize(delta, w, h, up=True)
    out = np.clip(bgr.astype(np.float32) + delta, 0, 255).round().astype(np.uint8)
    return back(out[:, :, ::-1])


def scores(image: Any, strength: int = STRENGTH) -> np.ndarray:
    """Per-bit soft scores in [0, 1] (the library's block votes, averaged): near 0 or 1 where a
    watermark is, near 0.5 where none is. Video decoding averages these over frames."""
    rgb, _ = _as_rgb(image)
    small = _resize(np.ascontiguousarray(rgb[:, :, ::-1]), WORK_SIZE, WORK_SIZE)
    return _embedder([], strength).scores(small)


def decode(image: Any, strength: int = STRENGTH, min_confidence: float = MIN_CONFIDENCE) -> Reading:
    """Reads the payload of one image (any size: it is resampled to the working resolution)."""
    return reading_from_scores(scores(image, strength), min_confidence)


def decode_frames(frames: Iterable[Any], strength: int = STRENGTH, min_confidence: float = MIN_CONFIDENCE) -> Reading:
    """Reads one payload from several frames of a video, averaging their soft scores (a
    frame that lost its watermark to a scene cut or heavy compression is outvoted)."""
    total: np.ndarray | None = None
    n = 0
    for frame in frames:
        s = scores(frame, strength)
        total = s if total is None else total + s
        n += 1
    if total is None:
        return Reading(None, 0.0, "no frames to read")
    return reading_from_scores(total / n, min_confidence)


def reading_from_scores(s: np.ndarray, min_confidence: float = MIN_CONFIDENCE) -> Reading:
    """Hard decision, then the Chase search over the least certain bits (see the module doc)."""
    confidence = float(np.mean(np.abs(2.0 * s - 1.0)))
    if confidence < min_confidence:
        why = f"no watermark: bits too unclear (confidence {confidence:.2f} < {min_confidence})"
        return Reading(None, confidence, why)
    bits = (s > 0.5).astype(np.uint8)
    weakest = np.argsort(np.abs(s - 0.5), kind="stable")[:CANDIDATES]
    for flips in _flip_sets(weakest, np.abs(s - 0.5)):
        trial = bits.copy()
        trial[list(flips)] ^= 1
        payload = Payload.from_bits(trial.tolist())
        if payload is not None:
            return Reading(payload, confidence, corrected=len(flips))
    return Reading(None, confidence, f"no valid payload (checksum fails even with {MAX_FLIPS} bits corrected)")


def _flip_sets(weakest: np.ndarray, margin: np.ndarray) -> list[tuple[int, ...]]:
    """Sets of at most MAX_FLIPS of the weakest bits, fewest flips first, then least total margin."""
    from itertools import combinations

    out: list[tuple[int, ...]] = []
    for k in range(MAX_FLIPS + 1):
        sets = [tuple(int(i) for i in c) for c in combinations(weakest, k)]
        out += sorted(sets, key=lambda c: float(sum(margin[i] for i in c)))
    return out


def _crc(body: bytes) -> bytes:
    return zlib.crc32(b"fameengine:watermark:v1" + body).to_bytes(4, "big")


# ---------------------------------------------------------------------------- internals


def _embedder(bits: list[int], strength: int) -> Any:
    """The library's DWT-DCT-SVD embedder on the U channel only (chroma: less visible than
    luma at the same strength), with a decoder that keeps the soft per-bit votes."""
    from imwatermark.dwtDctSvd import EmbedDwtDctSvd

    class _Scored(EmbedDwtDctSvd):
        def scores(self, bgr: np.ndarray) -> np.ndarray:
            import cv2
            import pywt

            rows, cols = bgr.shape[:2]
            yuv = cv2.cvtColor(bgr, cv2.COLOR_BGR2YUV)
            votes: list[list[float]] = [[] for _ in range(self._wmLen)]
            for channel in range(2):
                if self._scales[channel] > 0:
                    ca1, _ = pywt.dwt2(yuv[: rows // 4 * 4, : cols // 4 * 4, channel], "haar")
                    votes = self.decode_frame(ca1, self._scales[channel], votes)
            return np.array([np.mean(v) for v in votes], dtype=np.float64)

    return _Scored(bits, wmLen=PAYLOAD_BITS, scales=[0, strength, 0], block=BLOCK)


def _resize(arr: np.ndarray, w: int, h: int, up: bool = False) -> np.ndarray:
    import cv2

    if arr.shape[1] == w and arr.shape[0] == h:
        return arr
    shrinking = arr.shape[1] > w or arr.shape[0] > h
    interp = cv2.INTER_AREA if shrinking and not up else cv2.INTER_LINEAR
    return cv2.resize(arr, (w, h), interpolation=interp)


def _as_rgb(image: Any) -> tuple[np.ndarray, Any]:
    """An RGB uint8 array of the image and a function that turns an array back into its type."""
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - Pillow ships with the worker
        Image = None  # type: ignore[assignment]  # noqa: N806
    if Image is not None and isinstance(image, Image.Image):
        mode, alpha = image.mode, image.getchannel("A") if "A" in image.getbands() else None
        rgb = np.asarray(image.convert("RGB"))

        def back(arr: np.ndarray) -> Any:
            out = Image.fromarray(arr, "RGB")
            if alpha is not None:
                out.putalpha(alpha)
            return out.convert(mode) if out.mode != mode else out

        return rgb, back
    arr = np.asarray(image)
    if arr.ndim != 3 or arr.shape[2] != 3 or arr.dtype != np.uint8:
        raise CredentialsError(f"a watermark needs an RGB uint8 image (H, W, 3), got {arr.dtype} {arr.shape}")
    return arr, lambda a: a
