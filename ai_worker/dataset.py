"""Procedural avatar faces, one look per emotion: the image model's training set.

Each face is drawn with PIL at 4x the target size and downsampled (anti-aliased), with a
background palette, eyes, brows, mouth and small extras (blush, tear, sweat, anger mark)
that differ per emotion, and random jitter of position, size, hue, skin and hair. The same
(emotion, seed, size) always gives the same pixels.

    from ai_worker.dataset import draw_face, make_dataset
    img = draw_face("joy", seed=7)                     # PIL.Image, 32x32 RGB
    x, y = make_dataset(n_per_emotion=200, seed=0)     # uint8 (N, 32, 32, 3), int64 (N,)
"""

from __future__ import annotations

import colorsys
import math

import numpy as np
from PIL import Image, ImageDraw

from .emotions import EMOTIONS, INDEX, check

DEFAULT_SIZE = 32
SUPERSAMPLE = 4

# Background palette per emotion: (hue, saturation, value), jittered per face.
PALETTE: dict[str, tuple[float, float, float]] = {
    "joy": (0.13, 0.80, 0.98),  # warm yellow-orange
    "sadness": (0.60, 0.65, 0.62),  # muted blue
    "anger": (0.00, 0.88, 0.82),  # red
    "surprise": (0.84, 0.55, 0.92),  # bright magenta
    "calm": (0.42, 0.45, 0.72),  # soft green-teal
    "fear": (0.74, 0.45, 0.32),  # dark violet
}

SKIN_TONES = [(255, 224, 196), (241, 194, 160), (224, 172, 129), (198, 134, 94), (141, 85, 54), (99, 62, 40)]
HAIR_COLOURS = [
    (30, 24, 20),
    (90, 56, 30),
    (222, 190, 110),
    (170, 70, 30),
    (200, 200, 210),
    (235, 120, 170),
    (60, 90, 200),
]

INK = (25, 20, 25)
WHITE = (250, 250, 250)


def _rng(emotion: str, seed: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence([int(seed) & 0xFFFFFFFF, INDEX[emotion], 0xFACE]))


def _hsv(h: float, s: float, v: float) -> tuple[int, int, int]:
    r, g, b = colorsys.hsv_to_rgb(h % 1.0, min(max(s, 0.0), 1.0), min(max(v, 0.0), 1.0))
    return round(r * 255), round(g * 255), round(b * 255)


def _mix(a: tuple[int, int, int], b: tuple[int, int, int], t: float) -> tuple[int, int, int]:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=False))  # type: ignore[return-value]


def _arc_points(cx: float, cy: float, w: float, h: float, up: bool, n: int = 12) -> list[tuple[float, float]]:
    """A parabola-like arc `w` wide: `up` bends its middle upwards (a frown), else downwards (a smile)."""
    pts = []
    for i in range(n + 1):
        t = -1 + 2 * i / n
        pts.append((cx + t * w / 2, cy + (1 - t * t) * (-h if up else h)))
    return pts


def draw_face(emotion: str, seed: int, size: int = DEFAULT_SIZE) -> Image.Image:
    """One avatar face showing `emotion`, deterministic in (emotion, seed, size)."""
    emotion = check(emotion)
    rng = _rng(emotion, seed)
    u = lambda lo, hi: float(rng.uniform(lo, hi))  # noqa: E731
    big = size * SUPERSAMPLE
    k = float(big)

    h, s, v = PALETTE[emotion]
    bg = _hsv(h + u(-0.035, 0.035), s + u(-0.1, 0.1), v + u(-0.08, 0.08))
    img = Image.new("RGB", (big, big), bg)
    d = ImageDraw.Draw(img)

    # Head geometry (all in canvas units, then scaled by k).
    cx, cy = 0.5 + u(-0.05, 0.05), 0.55 + u(-0.04, 0.04)
    rx, ry = 0.29 * u(0.9, 1.1), 0.34 * u(0.9, 1.1)
    skin = SKIN_TONES[int(rng.integers(len(SKIN_TONES)))]
    skin = _mix(skin, (255, 255, 255), u(-0.05, 0.1))
    if emotion == "fear":
        skin = _mix(skin, (205, 215, 200), 0.45)  # pale
    elif emotion == "anger":
        skin = _mix(skin, (230, 40, 30), 0.30)  # flushed
    hair = HAIR_COLOURS[int(rng.integers(len(HAIR_COLOURS)))]

    def box(x0, y0, x1, y1):
        return [x0 * k, y0 * k, x1 * k, y1 * k]

    lw = max(1, round(0.035 * k))  # line width for features
    # Hair behind the head, the head, then a fringe over the forehead.
    d.ellipse(box(cx - rx * 1.12, cy - ry * 1.15, cx + rx * 1.12, cy + ry * 0.55), fill=hair)
    d.ellipse(box(cx - rx, cy - ry, cx + rx, cy + ry), fill=skin)
    fringe = u(0.35, 0.6)
    d.chord(box(cx - rx * 1.02, cy - ry * 1.08, cx + rx * 1.02, cy + ry * (fringe - 0.2)), 180, 360, fill=hair)

    ex = rx * u(0.36, 0.44)  # eye offset from the centre line
    ey = cy - ry * u(0.02, 0.12)  # eye height
    er = rx * u(0.13, 0.16)  # eye radius
    by = ey - ry * 0.30  # brow height
    bw = er * 2.2  # brow width
    my = cy + ry * u(0.42, 0.52)  # mouth height
    mw = rx * u(0.55, 0.75)  # mouth width

    def poly(points, width=lw, fill=INK):
        d.line([(x * k, y * k) for x, y in points], fill=fill, width=width, joint="curve")

    for side in (-1, 1):
        x = cx + side * ex
        # --- eyes
        if emotion == "joy":  # closed happy arcs ^ ^
            poly(_arc_points(x, ey + er * 0.4, er * 2.2, er * 1.0, up=True))
        elif emotion == "calm":  # closed relaxed arcs u u
            poly(_arc_points(x, ey, er * 2.2, er * 0.6, up=False))
        elif emotion == "sadness":  # small dark eyes, looking down
            d.ellipse(box(x - er * 0.6, ey - er * 0.4, x + er * 0.6, ey + er * 0.9), fill=INK)
        elif emotion == "anger":  # narrowed eyes
            d.ellipse(box(x - er * 1.1, ey - er * 0.45, x + er * 1.1, ey + er * 0.55), fill=WHITE)
            d.ellipse(box(x - er * 0.45, ey - er * 0.45, x + er * 0.45, ey + er * 0.5), fill=INK)
        elif emotion == "surprise":  # wide eyes, big pupils
            d.ellipse(
                box(x - er * 1.3, ey - er * 1.5, x + er * 1.3, ey + er * 1.5),
                fill=WHITE,
                outline=INK,
                width=max(1, lw // 2),
            )
            d.ellipse(box(x - er * 0.6, ey - er * 0.6, x + er * 0.6, ey + er * 0.6), fill=INK)
        elif emotion == "fear":  # wide eyes, pinpoint pupils
            d.ellipse(
                box(x - er * 1.3, ey - er * 1.3, x + er * 1.3, ey + er * 1.3),
                fill=WHITE,
                outline=INK,
                width=max(1, lw // 2),
            )
            d.ellipse(box(x - er * 0.25, ey - er * 0.25, x + er * 0.25, ey + er * 0.25), fill=INK)
        # --- brows (inner end is the one nearer the centre line)
        inner, outer = x - side * bw / 2, x + side * bw / 2
        if emotion == "joy":
            poly(_arc_points(x, by, bw, er * 0.5, up=True))
        elif emotion == "sadness":  # inner ends raised
            poly([(outer, by + er * 0.4), (inner, by - er * 0.7)])
        elif emotion == "anger":  # inner ends lowered, thick
            poly([(outer, by - er * 0.9), (inner, by + er * 0.8)], width=round(lw * 1.6))
        elif emotion == "surprise":  # high round arches
            poly(_arc_points(x, by - er * 0.9, bw, er * 0.8, up=True))
        elif emotion == "calm":  # flat, relaxed
            poly([(outer, by + er * 0.1), (inner, by + er * 0.1)])
        elif emotion == "fear":  # raised, inner up, wavy
            poly([(outer, by - er * 0.2), (x, by - er * 0.9), (inner, by - er * 1.3)])

    # --- mouth
    if emotion == "joy":  # big open smile
        d.chord(box(cx - mw / 2, my - ry * 0.30, cx + mw / 2, my + ry * 0.22), 0, 180, fill=INK)
        d.chord(box(cx - mw / 2.6, my - ry * 0.02, cx + mw / 2.6, my + ry * 0.08), 0, 180, fill=(230, 80, 90))
    elif emotion == "sadness":  # frown
        poly(_arc_points(cx, my + ry * 0.06, mw * 0.8, ry * 0.14, up=True))
    elif emotion == "anger":  # gritted teeth
        d.rectangle(box(cx - mw / 2, my - ry * 0.08, cx + mw / 2, my + ry * 0.08), fill=WHITE, outline=INK, width=lw)
        d.line([((cx - mw / 2) * k, my * k), ((cx + mw / 2) * k, my * k)], fill=INK, width=max(1, lw // 2))
    elif emotion == "surprise":  # round O
        d.ellipse(box(cx - mw * 0.22, my - ry * 0.16, cx + mw * 0.22, my + ry * 0.16), fill=INK)
    elif emotion == "calm":  # small gentle smile
        poly(_arc_points(cx, my - ry * 0.04, mw * 0.6, ry * 0.08, up=False))
    elif emotion == "fear":  # wavy, trembling line
        pts = [(cx - mw / 2 + mw * i / 12, my + ry * 0.05 * math.sin(i * math.pi / 2)) for i in range(13)]
        poly(pts)

    # --- extras
    if emotion == "joy":  # blush
        for side in (-1, 1):
            x = cx + side * ex * 1.25
            d.ellipse(box(x - er, my - ry * 0.28, x + er, my - ry * 0.12), fill=_mix(skin, (255, 90, 120), 0.6))
    elif emotion == "sadness":  # a tear
        x = cx + ex * (1 if rng.random() < 0.5 else -1)
        d.ellipse(box(x - er * 0.45, ey + er * 1.2, x + er * 0.45, ey + er * 2.6), fill=(110, 190, 255))
    elif emotion == "anger":  # cross-shaped anger mark
        x, y = cx + rx * 0.75, cy - ry * 0.75
        for a, b in (((-1, -1), (1, 1)), ((-1, 1), (1, -1))):
            d.line(
                [((x + a[0] * er) * k, (y + a[1] * er) * k), ((x + b[0] * er) * k, (y + b[1] * er) * k)],
                fill=(200, 0, 0),
                width=lw,
            )
    elif emotion == "fear":  # a sweat drop
        x, y = cx - rx * 0.85, cy - ry * 0.2
        d.ellipse(box(x - er * 0.5, y - er * 0.7, x + er * 0.5, y + er * 0.9), fill=(150, 220, 255))

    return img.resize((size, size), Image.Resampling.LANCZOS)


def sample_seed(seed: int, emotion_index: int, i: int) -> int:
    """The face seed of sample `i` of emotion `emotion_index` in the dataset drawn with `seed`."""
    return (int(seed) * 1_000_003 + emotion_index * 100_003 + i) & 0x7FFFFFFF


def make_dataset(
    n_per_emotion: int, seed: int = 0, size: int = DEFAULT_SIZE, emotions: tuple[str, ...] = EMOTIONS
) -> tuple[np.ndarray, np.ndarray]:
    """(images uint8 (N, size, size, 3), labels int64 (N,)) with labels indexing EMOTIONS."""
    images, labels = [], []
    for name in emotions:
        e = INDEX[check(name)]
        for i in range(n_per_emotion):
            images.append(np.asarray(draw_face(name, sample_seed(seed, e, i), size), dtype=np.uint8))
            labels.append(e)
    return np.stack(images), np.asarray(labels, dtype=np.int64)


def grid(images: list[list[Image.Image]], pad: int = 2, scale: int = 1, background=(255, 255, 255)) -> Image.Image:
    """Rows of equally sized images on one canvas (scaled up with nearest-neighbour for viewing)."""
    rows = len(images)
    cols = max(len(r) for r in images)
    w, h = images[0][0].size
    w, h = w * scale, h * scale
    out = Image.new("RGB", (cols * (w + pad) + pad, rows * (h + pad) + pad), background)
    for r, row in enumerate(images):
        for c, im in enumerate(row):
            out.paste(im.resize((w, h), Image.Resampling.NEAREST), (pad + c * (w + pad), pad + r * (h + pad)))
    return out
