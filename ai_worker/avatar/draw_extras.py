"""Accessories worn over the face and hair: glasses (round, rectangular, cat-eye) and
headphones. Earrings and necklaces are drawn with the ears and the neck they hang from."""

from __future__ import annotations

import math

import numpy as np

from . import colour as C
from .anatomy import SKULL_TOP
from .geometry import ellipse, ribbon, spline, taper, through
from .scene import Scene


def _lens(kind: str, cx: float, cy: float, ew: float) -> np.ndarray:
    if kind == "glasses_round":
        r = ew * 1.15
        return ellipse(cx, cy, r, r * 0.96, 56)
    if kind == "glasses_cat":
        side = 1 if cx > 0 else -1
        pts = [
            (cx - side * ew * 1.1, cy + 4),
            (cx - side * ew * 1.0, cy - ew * 0.75),
            (cx + side * ew * 0.6, cy - ew * 0.95),
            (cx + side * ew * 1.35, cy - ew * 1.05),
            (cx + side * ew * 1.2, cy + ew * 0.55),
            (cx, cy + ew * 0.95),
        ]
        return spline(pts, n=10, closed=True)
    # rectangular with rounded corners: a superellipse
    t = np.linspace(0, 2 * math.pi, 64, endpoint=False)
    c, s = np.cos(t), np.sin(t)
    ex = 0.35
    return np.stack(
        [cx + ew * 1.28 * np.sign(c) * np.abs(c) ** ex, cy + ew * 0.9 * np.sign(s) * np.abs(s) ** ex], axis=1
    )


def glasses(s: Scene) -> None:
    look, col, p = s.look, s.col, s.p
    kind = next((a for a in look.accessories if a.startswith("glasses")), None)
    if kind is None:
        return
    frame_col = C.shade(col.outfit[2], 0.55) if look.seed % 2 else (38, 32, 34)
    ew = look.eye_size
    lenses = []
    for eye in s.anat.eyes:
        cx, cy = eye.centre
        lens = _lens(kind, cx, cy + 2, ew)
        lenses.append(lens)
        pts = s.h(lens, 1.1)
        p.fill(pts, (255, 255, 255), 0.08)
        glare = ribbon(
            through(
                (cx - ew * 0.7, cy - ew * 0.1), (cx - ew * 0.35, cy - ew * 0.55), (cx + ew * 0.1, cy - ew * 0.8), 10
            ),
            taper(0.5, 3.5),
        )
        lm = p.mask(pts)
        p.fill(s.h(glare, 1.1), (255, 255, 255), 0.35, clip=lm)
        p.stroke(np.vstack([pts, pts[:1]]), s.u(4.2), frame_col)
    inner_l = lenses[0][np.argmax(lenses[0][:, 0])]
    inner_r = lenses[1][np.argmin(lenses[1][:, 0])]
    bridge = through((inner_l[0], inner_l[1] - 6), (0, inner_l[1] - 12), (inner_r[0], inner_r[1] - 6), 12)
    p.stroke(s.h(bridge, 1.2), s.u(3.6), frame_col)
    for lens, sign in ((lenses[0], -1), (lenses[1], 1)):
        edge = lens[np.argmax(lens[:, 0] * sign)]
        temple = np.array([(edge[0], edge[1] - 6), (sign * look.face_width * 0.99, -4)])
        p.stroke(s.h(temple, 0.6), s.u(3.6), frame_col)


def headphones(s: Scene) -> None:
    look, col, p = s.look, s.col, s.p
    if "headphones" not in look.accessories:
        return
    w = look.face_width
    band_col, cup_col = C.shade(col.outfit[2], 0.5), col.outfit[2]
    arc = ellipse(0, 0, w + 26, SKULL_TOP + 34, 40, math.pi * 1.06, math.pi * 1.94)
    p.fill(s.h(ribbon(arc, 7.0), 0.2), band_col)
    for side in (-1, 1):
        cup = spline(
            [(side * (w + 4), -30), (side * (w + 34), -26), (side * (w + 38), 40), (side * (w + 6), 46)],
            n=8,
            closed=True,
        )
        p.fill_gradient(
            s.h(cup, -0.2),
            C.mix(cup_col, (255, 255, 255), 0.2),
            C.shade(cup_col, 0.7),
            tuple(s.h([(0, -30)])[0]),
            tuple(s.h([(0, 46)])[0]),
        )
