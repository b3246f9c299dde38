"""Eyes and brows: lids shaped by AU5/6/7/43 and blinks, irises with depth and catch-lights,
lash lines, creases, and brows moved by AU1/2/4 (glabella lines when AU4 is strong)."""

from __future__ import annotations

import numpy as np

from . import colour as C
from .anatomy import eye_opening, iris_circle
from .geometry import ellipse, ribbon, taper, through
from .scene import Scene


def eyes(s: Scene) -> None:
    for eye in s.anat.eyes:
        _eye(s, eye)


def _eye(s: Scene, eye) -> None:
    look, col, p = s.look, s.col, s.p
    side = eye.side
    fem = look.presentation == "feminine"
    # the socket's soft shadow above the eye, and a crease
    socket = p.soft(p.mask(s.h(ellipse(eye.centre[0], eye.centre[1] - 12, look.eye_size * 1.1, 16), 1.0)), s.u(8))
    p.paint(socket.clip(s.face_mask) if socket else None, col.skin_shadow, 0.45)
    open_ = 1.0 - eye.closed
    if open_ > 0.06:
        opening = eye_opening(eye)
        white = p.mask(s.h(opening, 1.0))
        if white is not None:
            p.paint(
                white,
                p.gradient(
                    white.box, C.shade(col.sclera, 0.86), col.sclera, tuple(s.h([(0, -12)])[0]), tuple(s.h([(0, 6)])[0])
                ),
            )
            iris = p.mask(s.h(iris_circle(eye), 1.05))
            iris_m = iris.clip(white) if iris else None
            if iris_m is not None:
                p.paint(
                    iris_m,
                    p.gradient(
                        iris_m.box,
                        C.shade(col.iris, 0.55),
                        C.mix(col.iris, (255, 255, 255), 0.18),
                        tuple(s.h([(0, eye.iris_centre[1] - eye.iris_r)])[0]),
                        tuple(s.h([(0, eye.iris_centre[1] + eye.iris_r)])[0]),
                    ),
                )
                ring = s.h(
                    ellipse(eye.iris_centre[0], eye.iris_centre[1], eye.iris_r - 1.2, eye.iris_r - 1.2, 48), 1.05
                )
                p.stroke(np.vstack([ring, ring[:1]]), s.u(2.2), C.shade(col.iris, 0.45), 0.8, clip=white)
                ix, iy = eye.iris_centre
                p.fill(s.h(ellipse(ix, iy, eye.pupil_r, eye.pupil_r, 32), 1.05), (18, 14, 16), clip=white)
                p.fill(
                    s.h(
                        ellipse(
                            ix + eye.iris_r * 0.32, iy - eye.iris_r * 0.34, eye.iris_r * 0.22, eye.iris_r * 0.22, 24
                        ),
                        1.1,
                    ),
                    (255, 255, 255),
                    0.92,
                    clip=white,
                )
                p.fill(
                    s.h(
                        ellipse(ix - eye.iris_r * 0.35, iy + eye.iris_r * 0.35, eye.iris_r * 0.1, eye.iris_r * 0.1, 16),
                        1.1,
                    ),
                    (255, 255, 255),
                    0.6,
                    clip=white,
                )
            # the upper lid's shadow on the eyeball
            lid_shadow = p.soft(p.mask(s.h(ribbon(eye.upper, 4.0), 1.0)), s.u(3))
            p.paint(lid_shadow.clip(white) if lid_shadow else None, (60, 40, 40), 0.35)
        p.stroke(s.h(eye.lower[3:-3], 1.0), s.u(2.0), col.soft_line, 0.6)
    # lash line: heavier toward the outer corner, a small flick for the feminine look
    lash = ribbon(eye.upper, taper(1.6, 4.6 if fem else 3.8, 0.8))
    p.fill(s.h(lash, 1.0), col.line if open_ > 0.06 else C.mix(col.line, col.skin, 0.1))
    outer = eye.upper[-1]
    if fem:
        flick = through(tuple(outer), (outer[0] + side * 7, outer[1] - 4), (outer[0] + side * 11, outer[1] - 9), 8)
        p.fill(s.h(ribbon(flick, taper(0.4, 2.0, 0.2)), 1.0), col.line)
        for t in (0.62, 0.78):
            i = int(t * (len(eye.upper) - 1))
            base = eye.upper[i]
            tip = (base[0] + side * 5, base[1] - 7)
            p.fill(s.h(ribbon(np.array([base, tip]), [1.3, 0.3]), 1.0), col.line)
    if look.eye_shape != "monolid" and open_ > 0.3:
        crease_gap = 5.0 if look.eye_shape == "hooded" else 9.0
        crease = eye.upper[4:-4] + (0.0, -crease_gap)
        p.stroke(s.h(crease, 1.0), s.u(1.8), col.soft_line, 0.5, clip=s.face_mask)


def brows(s: Scene) -> None:
    look, col, p = s.look, s.col, s.p
    au = s.state.aus
    for line in s.anat.brows:
        t = look.brow_thickness / 2 * (1 + 0.25 * au["AU4"])
        shape = ribbon(
            line,
            lambda u, t=t: (
                t * (0.85 + 0.25 * np.sin(min(1.0, u / 0.35) * np.pi / 2)) * (1 - 0.55 * max(0.0, u - 0.4) / 0.6)
            ),
        )
        p.fill(s.h(shape, 1.0), col.brow)
    if au["AU4"] > 0.35:
        k = (au["AU4"] - 0.35) / 0.65
        inner_y = s.anat.brows[0][0][1]
        for x in (-6, 6):
            seg = through((x, inner_y + 2), (x * 1.4, inner_y - 6), (x * 1.1, inner_y - 14), 8)
            p.stroke(s.h(seg, 1.0), s.u(2.0), col.soft_line, 0.55 * k, clip=s.face_mask)
