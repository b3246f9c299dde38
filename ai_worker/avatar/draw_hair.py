"""Hair: the part behind the head (long, bob, curls, locs, ponytail, bun) and the part in front
(the cap over the skull with its hairline and fringe), with strand texture, a sheen band and
the soft shadow hair throws on the forehead. Shapes depend only on the Look, so hair is the
same in every frame."""

from __future__ import annotations

import math

import numpy as np

from . import colour as C
from .anatomy import SKULL_TOP
from .geometry import ellipse, ribbon, spline, taper, through
from .scene import Scene
from .seeds import sub_rng

# hairline (right temple -> left temple) as (x in face half-widths, y) control points
HAIRLINES: dict[str, list[tuple[float, float]]] = {
    "side": [(0.95, -70), (0.72, -120), (0.3, -150), (-0.15, -130), (-0.6, -96), (-0.9, -62)],
    "centre": [(0.93, -60), (0.62, -112), (0.14, -160), (0.0, -166), (-0.14, -160), (-0.62, -112), (-0.93, -60)],
    "bangs": [(0.95, -62), (0.72, -86), (0.35, -92), (0.0, -90), (-0.35, -92), (-0.72, -86), (-0.95, -62)],
    "high": [(0.92, -92), (0.6, -142), (0.0, -160), (-0.6, -142), (-0.92, -92)],
}
# style: (hairline, how far down the side panels reach, volume over the skull in units)
STYLES: dict[str, tuple[str, float, float]] = {
    "short": ("side", -18.0, 20.0),
    "bob": ("bangs", 150.0, 26.0),
    "long": ("centre", 140.0, 22.0),
    "curly": ("high", 40.0, 0.0),
    "bun": ("high", -22.0, 8.0),
    "ponytail": ("high", -22.0, 8.0),
    "buzz": ("high", -30.0, 3.0),
    "locs": ("centre", 140.0, 18.0),
    "quiff": ("high", -24.0, 14.0),
}
COVERS_EARS = {"bob", "long", "curly", "locs"}


def covers_ears(style: str) -> bool:
    return style in COVERS_EARS


def _skull_arc(w: float, volume: float, side_y: float, n: int = 40) -> np.ndarray:
    """The hair's outer edge from the left side, over the top, to the right side."""
    rx, ry = w + volume * 0.9, SKULL_TOP + volume
    a = math.asin(max(-1.0, min(0.0, min(side_y, 0.0) / ry)))
    t = np.linspace(math.pi - a, 2 * math.pi + a, n)
    arc = np.stack([rx * np.cos(t), ry * np.sin(t)], axis=1)
    if side_y > 0:  # long styles: panels straight down from the temples
        left = np.array([(-rx * 0.98, side_y), (-rx * 1.02, side_y * 0.5)])
        right = np.array([(rx * 1.02, side_y * 0.5), (rx * 0.98, side_y)])
        arc = np.vstack([left, arc, right])
    return arc


def back(s: Scene) -> None:
    look, col, p = s.look, s.col, s.p
    style, w = look.hair_style, look.face_width
    v = look.hair_volume
    if style in ("bald", "buzz", "short", "quiff"):
        return
    hair, dark = col.hair, col.hair_shadow
    if style == "curly":
        pts = _cloud(w * 1.55 * v**0.5, SKULL_TOP * 1.12 * v**0.3, (0.0, -70.0), look.seed)
        m = p.fill_gradient(
            s.h(pts, -0.2), col.hair_light, dark, tuple(s.h([(-w, -280)])[0]), tuple(s.h([(w, 120)])[0])
        )
        _curl_texture(s, pts, m)
        return
    if style == "bob":
        outline = spline(
            [
                (-w - 30, -40),
                (-w - 34, 90),
                (-w - 18, 165),
                (-w * 0.4, 178),
                (w * 0.4, 178),
                (w + 18, 165),
                (w + 34, 90),
                (w + 30, -40),
                (0, -SKULL_TOP - 30),
            ],
            n=10,
            closed=True,
        )
        p.fill_gradient(s.h(outline, -0.2), hair, dark, tuple(s.h([(0, -100)])[0]), tuple(s.h([(0, 180)])[0]))
        return
    if style in ("long", "locs"):
        drop = 270.0 * v
        outline = spline(
            [
                (-w - 26, -60),
                (-w - 40, 120),
                (-w * 1.3, drop),
                (-w * 0.5, drop + 14),
                (w * 0.5, drop + 14),
                (w * 1.3, drop),
                (w + 40, 120),
                (w + 26, -60),
                (0, -SKULL_TOP - 24),
            ],
            n=10,
            closed=True,
        )
        m = p.fill_gradient(s.h(outline, -0.2), hair, dark, tuple(s.h([(0, -60)])[0]), tuple(s.h([(0, drop)])[0]))
        if style == "locs":
            rng = sub_rng(look.seed, "locs")
            for i in range(17):
                x = -w * 1.2 + i * (w * 2.4 / 16) + rng.uniform(-4, 4)
                top = -120 + abs(x) * 0.4
                end = drop - 10 + rng.uniform(-30, 20)
                line = through((x, top), (x * 1.06 + rng.uniform(-6, 6), (top + end) / 2), (x * 1.12, end), 18)
                strand = ribbon(line, taper(4.0, 8.0, 0.4))
                p.fill(s.h(strand, -0.2), dark if i % 2 else C.mix(hair, dark, 0.4), 0.9, clip=m)
                p.stroke(s.h(line[3:-3] + (-2, 0), -0.2), s.u(2), col.hair_light, 0.35, clip=m)
        else:
            for i in range(9):
                x = -w * 1.3 + i * w * 0.32
                line = through((x * 0.8, 0), (x * 1.02, drop * 0.55), (x * 1.08, drop), 18)
                p.stroke(s.h(line, -0.2), s.u(2.2), dark, 0.35, clip=m)
        return
    if style == "ponytail":
        side = 1 if look.seed % 2 else -1
        tail = spline(
            [
                (side * (w * 0.5), -150),
                (side * (w + 40), -60),
                (side * (w + 55), 90),
                (side * (w + 28), 230),
                (side * (w + 5), 110),
                (side * (w * 0.7), -70),
            ],
            n=10,
            closed=True,
        )
        p.fill_gradient(s.h(tail, -0.3), hair, dark, tuple(s.h([(0, -120)])[0]), tuple(s.h([(side * w, 230)])[0]))
        return
    if style == "bun":
        bun = ellipse(0, -SKULL_TOP - 28, 62 * v, 52 * v, 48)
        m = p.fill_gradient(
            s.h(bun, 0.0),
            col.hair_light,
            dark,
            tuple(s.h([(-40, -SKULL_TOP - 70)])[0]),
            tuple(s.h([(40, -SKULL_TOP + 10)])[0]),
        )
        for k in range(3):
            arc = ellipse(0, -SKULL_TOP - 28, 50 * v - k * 12, 38 * v - k * 10, 20, math.pi * 0.9, math.pi * 1.9)
            p.stroke(s.h(arc, 0.0), s.u(2.2), dark, 0.5, clip=m)


def front(s: Scene) -> None:
    """The cap of hair over the skull, drawn after the face."""
    look, col, p = s.look, s.col, s.p
    style, w = look.hair_style, look.face_width
    if style == "bald":
        return
    line_name, side_y, vol = STYLES[style]
    vol *= look.hair_volume
    hairline = spline([(x * w, y) for x, y in HAIRLINES[line_name]], n=8)
    arc = _skull_arc(w, vol, side_y)
    if style == "quiff":
        arc = _quiff(arc, w)
    if style == "curly":
        cloud = _cloud(
            w * 1.55 * look.hair_volume**0.5, SKULL_TOP * 1.12 * look.hair_volume**0.3, (0.0, -70.0), look.seed
        )
        arc = cloud[cloud[:, 1] < -40]  # contiguous, left -> over the top -> right
    # join: the arc runs left -> right, the hairline right -> left, down to the side panels
    right_drop = np.array([(w * 0.97, side_y)]) if side_y > -20 else np.zeros((0, 2))
    left_drop = np.array([(-w * 0.97, side_y)]) if side_y > -20 else np.zeros((0, 2))
    cap = np.vstack([arc, right_drop, hairline, left_drop])
    z = np.where(cap[:, 1] < -140, 0.4, 0.8)
    cap_px = s.h(cap, z)
    # the shadow the hair casts on the forehead
    shadow = s.p.soft(p.mask(s.h(cap + (2.0, 8.0), z)), s.u(6))
    p.paint(shadow.clip(s.face_mask) if shadow else None, col.skin_deep, 0.42)
    alpha = 0.93 if style == "buzz" else 1.0
    hair_top = C.mix(col.hair, col.hair_light, 0.25)
    m = p.mask(cap_px)
    if m is None:
        return
    p.paint(
        m,
        p.gradient(
            m.box,
            hair_top,
            col.hair_shadow,
            tuple(s.h([(-w * 0.4, -SKULL_TOP)])[0]),
            tuple(s.h([(w * 0.5, side_y + 20)])[0]),
        ),
        alpha,
    )
    if style == "buzz":
        return
    if style == "curly":
        _curl_texture(s, cap, m, density=0.6)
        return
    # strands from the hairline toward the crown, and a sheen band
    rng = sub_rng(look.seed, "strands")
    crown = (-w * 0.15 if line_name == "side" else 0.0, -SKULL_TOP - vol * 0.6)
    for t in np.linspace(0.08, 0.92, 9):
        start = hairline[int(t * (len(hairline) - 1))]
        mid = ((start[0] + crown[0]) / 2 + rng.uniform(-8, 8), (start[1] + crown[1]) / 2 - 10)
        strand = through(tuple(start), mid, crown, 16)[1:-3]
        p.stroke(s.h(strand, 0.6), s.u(2.0), col.hair_shadow, 0.45, clip=m)
    sheen = ellipse(-w * 0.15, -SKULL_TOP * 0.64, w * 0.72, SKULL_TOP * 0.3, 30, math.pi * 1.15, math.pi * 1.62)
    glow = p.soft(p.mask(s.h(ribbon(sheen, taper(1.0, 9.0, 0.5)), 0.5)), s.u(5))
    p.paint(glow.clip(m) if glow else None, col.hair_light, 0.55)


def _cloud(rx: float, ry: float, centre: tuple[float, float], seed: int) -> np.ndarray:
    """A curly outline: an ellipse with seeded bumps."""
    rng = sub_rng(seed, "cloud")
    n = 160
    t = np.linspace(math.pi / 2, 2.5 * math.pi, n, endpoint=False)  # from the bottom, so the top is contiguous
    phase = rng.uniform(0, 2 * math.pi)
    bumps = 1 + 0.045 * np.abs(np.sin(11 * t + phase)) ** 0.6 - 0.02
    return np.stack([centre[0] + rx * bumps * np.cos(t), centre[1] + ry * bumps * np.sin(t)], axis=1)


def _curl_texture(s: Scene, outline: np.ndarray, clip, density: float = 1.0) -> None:
    """Small curl arcs scattered over curly hair (positions fixed by the Look's seed)."""
    if clip is None:
        return
    p, col = s.p, s.col
    rng = sub_rng(s.look.seed, "curls")
    lo, hi = outline.min(axis=0), outline.max(axis=0)
    for _ in range(int(70 * density)):
        x, y = rng.uniform(lo[0], hi[0]), rng.uniform(lo[1], hi[1])
        r = rng.uniform(7, 13)
        a0 = rng.uniform(0, 2 * math.pi)
        arc = ellipse(x, y, r, r * 0.85, 14, a0, a0 + math.pi * 1.2)
        colour = col.hair_shadow if rng.random() < 0.7 else col.hair_light
        p.stroke(s.h(arc, 0.2), s.u(2.6), colour, 0.5, clip=clip)


def _quiff(arc: np.ndarray, w: float) -> np.ndarray:
    """Lift the front-top of the cap into a swept quiff."""
    out = arc.copy()
    x = out[:, 0] / w
    lift = 34.0 * np.exp(-(((x - 0.15) / 0.45) ** 2))
    out[:, 1] -= lift * (out[:, 1] < -100)
    return out
