"""The pixel watermark: exact payload after JPEG q75, a 50% downscale and both (either order);
no payload from an unwatermarked picture; the payload itself round-trips and checks."""

from __future__ import annotations

import io

import numpy as np
import pytest
from credentials_media import persona_image
from PIL import Image

from ai_worker.credentials import watermark as wm


def jpeg(img: Image.Image, quality: int = 75) -> Image.Image:
    buf = io.BytesIO()
    img.convert("RGB").save(buf, format="JPEG", quality=quality)
    return Image.open(io.BytesIO(buf.getvalue())).convert("RGB")


def half(img: Image.Image) -> Image.Image:
    return img.resize((img.width // 2, img.height // 2), Image.Resampling.LANCZOS)


ATTACKS = {
    "jpeg75": jpeg,
    "half": half,
    "half-then-jpeg75": lambda im: jpeg(half(im)),
    "jpeg75-then-half": lambda im: half(jpeg(im)),
    "half-upscaled-back": lambda im: half(im).resize(im.size, Image.Resampling.BICUBIC),
}


@pytest.fixture(scope="module")
def marked():
    """(payload, original, watermarked) for four persona-like 512 x 512 pictures."""
    out = []
    for seed in range(4):
        payload = wm.Payload.for_request(seed * 7919 + 3, 1_000_000 + seed)
        original = Image.fromarray(persona_image(200 + seed))
        out.append((payload, original, wm.embed(original, payload)))
    return out


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_payload_survives(marked, attack):
    for payload, _, image in marked:
        reading = wm.decode(ATTACKS[attack](image))
        assert reading.payload == payload, (attack, reading)


def test_invisible_enough(marked):
    for _, original, image in marked:
        a, b = np.asarray(original, dtype=float), np.asarray(image, dtype=float)
        assert 10 * np.log10(255**2 / np.mean((a - b) ** 2)) > 35  # PSNR in dB


def test_unwatermarked_pictures_give_no_payload(marked):
    for _, original, _ in marked:
        for candidate in (original, jpeg(original), half(original)):
            reading = wm.decode(candidate)
            assert reading.payload is None and not reading.found
            assert "no watermark" in reading.reason or "no valid payload" in reading.reason


def test_payload_round_trip_and_checksum():
    p = wm.Payload.for_request(2**20 + 5, 77)  # ids are kept modulo their field width
    assert p == wm.Payload(5, 77) and p.matches(5, 77) and len(p.to_bits()) == wm.PAYLOAD_BITS
    assert wm.Payload.from_bits(p.to_bits()) == p
    bits = p.to_bits()
    bits[3] ^= 1
    assert wm.Payload.from_bits(bits) is None  # one flipped bit breaks the CRC ...
    soft = np.array(p.to_bits(), dtype=float) * 0.8 + 0.1
    soft[3], soft[40] = 0.45, 0.55  # ... and the decoder repairs weak bits from the soft votes
    assert wm.reading_from_scores(soft).payload == p


def test_arrays_and_alpha_are_kept(marked):
    payload = marked[0][0]
    rgba = marked[0][1].convert("RGBA")
    out = wm.embed(rgba, payload)
    assert out.mode == "RGBA" and out.getchannel("A") == rgba.getchannel("A")
    arr = wm.embed(np.asarray(marked[0][1]), payload)
    assert isinstance(arr, np.ndarray) and wm.decode(arr).payload == payload


def test_video_frames_vote(marked):
    payload = marked[0][0]
    frames = [jpeg(m[2]) for m in marked]  # four different frames, each carrying other ids ...
    frames = [wm.embed(f, payload) for f in frames]  # ... re-marked with one payload
    assert wm.decode_frames(np.asarray(f) for f in frames).payload == payload
    assert wm.decode_frames([]).payload is None
