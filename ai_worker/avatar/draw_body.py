"""The backdrop, shoulders, outfit and neck: the parts that frame the face and carry the
persona's palette. None of them depends on the emotion."""

from __future__ import annotations

from typing import Any

import numpy as np
from PIL import Image

from . import colour as C
from .geometry import ellipse, spline, through
from .painter import Painter
from .scene import Scene


def backdrop(px: int, top: C.RGB, bottom: C.RGB) -> Image.Image:
    """A soft vertical gradient with a pale glow behind the head and a gentle vignette."""
    n = 64
    ys, xs = np.mgrid[0:n, 0:n] / (n - 1)
    base = np.asarray(top, float) * (1 - ys[..., None]) + np.asarray(bottom, float) * ys[..., None]
    glow = np.exp(-(((xs - 0.5) / 0.32) ** 2 + ((ys - 0.4) / 0.3) ** 2))[..., None]
    vignette = (((xs - 0.5) ** 2 + (ys - 0.45) ** 2) * 0.5)[..., None]
    arr = base * (1 - 0.28 * glow) + 255 * 0.28 * glow
    arr = arr * (1 - vignette)
    small = Image.fromarray(np.clip(np.round(arr), 0, 255).astype(np.uint8), "RGB")
    return small.resize((px, px), Image.Resampling.BICUBIC)


def neck_half(s: Scene) -> float:
    return s.look.face_width * (0.47 if s.look.presentation == "masculine" else 0.4)


def torso(s: Scene) -> None:
    look, col, p = s.look, s.col, s.p
    main, second, _accent = col.outfit
    L = look.face_length
    nw = neck_half(s)
    shoulder = {"masculine": 330.0, "feminine": 290.0}.get(look.presentation, 310.0)
    base = L + 92
    right = [
        (nw + 12, base),
        (nw + 70, base + 28),
        (shoulder * 0.72, base + 52),
        (shoulder, base + 110),
        (shoulder + 22, base + 240),
        (shoulder + 30, base + 420),
    ]
    outline = spline(right[::-1] + [(-x, y) for x, y in right], n=10)
    poly = s.b(np.vstack([outline, [[-shoulder - 30, 700], [shoulder + 30, 700]][::-1]]))
    light, dark = C.mix(main, (255, 255, 255), 0.12), C.shade(main, 0.72)
    m = p.fill_gradient(poly, light, dark, tuple(s.b([(-200, base)])[0]), tuple(s.b([(250, base + 330)])[0]))
    # armpit / side shading and a highlight along the far shoulder
    for side in (-1, 1):
        shade_poly = s.b(ellipse(side * (shoulder + 10), base + 260, 70, 180))
        shade = p.soft(p.mask(shade_poly), s.u(40))
        p.paint(shade.clip(m) if shade and m else None, C.shade(main, 0.6), 0.35)
    if look.outfit == "hoodie":
        hood = spline(
            [(-nw - 70, base - 10), (-nw - 30, base + 55), (0, base + 80), (nw + 30, base + 55), (nw + 70, base - 10)],
            n=10,
        )
        inner = spline(
            [
                (nw + 14, base - 30),
                (nw * 0.6, base + 34),
                (0, base + 44),
                (-nw * 0.6, base + 34),
                (-nw - 14, base - 30),
            ],
            n=10,
        )
        p.fill(s.b(np.vstack([hood, inner])), C.shade(main, 0.82))
        p.stroke(s.b(hood), s.u(3), C.shade(main, 0.6), 0.5)
        for side in (-1, 1):
            x = side * nw * 0.55
            cord = s.b(through((x, base + 40), (x + side * 3, base + 95), (x - side * 2, base + 150), 12))
            p.stroke(cord, s.u(4.5), second)
            p.fill(s.b(ellipse(x - side * 2, base + 156, 5, 9)), C.shade(second, 0.85))
    if look.outfit == "blazer":
        shirt = s.b([(-nw - 10, base - 5), (nw + 10, base - 5), (0, base + 240)])
        p.fill(shirt, second)
        for side in (-1, 1):
            lapel = [
                (side * (nw + 12), base - 4),
                (side * (nw + 52), base + 40),
                (side * 40, base + 170),
                (side * 6, base + 236),
                (side * 22, base + 150),
                (side * (nw - 4), base + 20),
            ]
            p.fill(s.b(lapel), C.shade(main, 0.86))
            p.stroke(s.b(np.array(lapel[:4])), s.u(2.5), C.shade(main, 0.6), 0.6)
        p.fill(s.b(ellipse(0, base + 290, 7, 7)), C.shade(main, 0.55))
    if look.outfit == "collar":
        p.stroke(s.b([(0, base + 40), (0, 560)]), s.u(2.5), C.shade(main, 0.7), 0.8)
        for y in (base + 110, base + 200):
            p.fill(s.b(ellipse(0, y, 5, 5)), C.mix(main, (255, 255, 255), 0.5))


def neck(s: Scene) -> None:
    look, col, p = s.look, s.col, s.p
    L = look.face_length
    nw = neck_half(s)
    base = L + 92
    bottom: Any
    if look.outfit == "vneck":
        bottom = [(nw + 14, base - 6), (0, base + 86), (-nw - 14, base - 6)]
    elif look.outfit in ("tee", "hoodie"):
        bottom = spline(
            [(nw + 14, base - 8), (nw * 0.5, base + 22), (0, base + 28), (-nw * 0.5, base + 22), (-nw - 14, base - 8)],
            n=8,
        )
    elif look.outfit == "blazer":
        bottom = spline([(nw + 12, base - 6), (0, base + 24), (-nw - 12, base - 6)], n=8)
    else:  # collar / turtleneck: the collar covers the bottom
        bottom = [(nw + 6, base), (-nw - 6, base)]
    top = [(-nw, 0.55 * L), (nw, 0.55 * L)]
    poly = s.b(np.vstack([np.asarray(top), np.asarray(bottom)]))
    m = p.fill_gradient(poly, col.skin_shadow, col.skin, tuple(s.b([(0, L + 10)])[0]), tuple(s.b([(0, base + 40)])[0]))
    # the chin's shadow on the neck
    chin_shadow = s.h(ellipse(0, s.anat.chin_y - 4, look.face_width * 0.55, 26), 0.3)
    shadow = p.soft(p.mask(chin_shadow), s.u(10))
    p.paint(shadow.clip(m) if shadow and m else None, col.skin_deep, 0.55)
    if look.outfit in ("tee", "hoodie", "vneck", "blazer"):
        band_col = col.outfit[1] if look.outfit == "blazer" else C.shade(col.outfit[0], 0.82)
        p.stroke(s.b(np.asarray(bottom)), s.u(7), band_col)
    if look.outfit == "turtleneck":
        main = col.outfit[0]
        band = spline(
            [
                (-nw * 1.18, L + 40),
                (-nw * 1.25, base + 20),
                (0, base + 36),
                (nw * 1.25, base + 20),
                (nw * 1.18, L + 40),
            ],
            n=8,
        )
        topline = spline([(nw * 1.18, L + 40), (0, L + 52), (-nw * 1.18, L + 40)], n=8)
        poly = s.b(np.vstack([band, topline]))
        mt = p.fill_gradient(
            poly,
            C.mix(main, (255, 255, 255), 0.1),
            C.shade(main, 0.78),
            tuple(s.b([(0, L + 40)])[0]),
            tuple(s.b([(0, base + 36)])[0]),
        )
        for k in range(1, 4):
            y = L + 40 + k * 22
            p.stroke(
                s.b(through((-nw * 1.15, y), (0, y + 12), (nw * 1.15, y), 14)),
                s.u(2.5),
                C.shade(main, 0.7),
                0.45,
                clip=mt,
            )
    if look.outfit == "collar":
        main = col.outfit[0]
        for side in (-1, 1):
            flap = [
                (side * (nw + 8), L + 50),
                (side * (nw + 30), base + 30),
                (side * 6, base + 50),
                (side * nw * 0.3, base + 6),
            ]
            p.fill(s.b(flap), C.mix(main, (255, 255, 255), 0.08))
            p.stroke(s.b(np.array(flap + flap[:1])), s.u(2.2), C.shade(main, 0.65), 0.7)
    if "necklace" in look.accessories:
        chain = s.b(through((-nw - 4, base - 6), (0, base + 58), (nw + 4, base - 6), 24))
        p.stroke(chain, s.u(2.4), col.metal)
        p.fill(s.b(ellipse(0, base + 64, 7, 8)), col.metal)
        p.fill(s.b(ellipse(-2, base + 62, 2.5, 3)), (255, 245, 210), 0.8)


def paint_backdrop(p: Painter, image: Image.Image) -> None:
    p.img.paste(image, (0, 0))
