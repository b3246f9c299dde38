"""The mouth: lips around an opening whose corners, gap and shape come from AU12/15/20/23/
25/26 and the viseme, with teeth, tongue and the lower-lip tuck of F/V when they show."""

from __future__ import annotations

import numpy as np

from . import colour as C
from .geometry import ellipse
from .scene import Scene


def mouth(s: Scene) -> None:
    col, p = s.col, s.p
    m = s.anat.mouth
    z = 1.15
    interior = np.vstack([m.upper_inner, m.lower_inner[::-1]])
    upper_lip = np.vstack([m.upper_outer, m.upper_inner[::-1]])
    lower_lip = np.vstack([m.lower_inner, m.lower_outer[::-1]])
    # a soft shadow under the lower lip gives the lips volume
    under = p.soft(
        p.mask(s.h(ellipse(0, m.lower_outer[len(m.lower_outer) // 2][1] + 5, abs(m.corners[0][0]) * 0.55, 6), z)),
        s.u(5),
    )
    p.paint(under.clip(s.face_mask) if under else None, col.skin_deep, 0.35)
    if m.gap > 0.8:
        inside = p.mask(s.h(interior, z))
        if inside is not None:
            p.paint(inside, col.mouth)
            if m.tongue > 0:
                ty = m.lower_inner[len(m.lower_inner) // 2][1] - m.gap * (0.12 + 0.3 * m.tongue * (m.tongue < 1))
                p.fill(
                    s.h(ellipse(0, ty, abs(m.corners[0][0]) * 0.55, max(4.0, m.gap * 0.32), 32), z),
                    col.tongue,
                    clip=inside,
                )
            if m.teeth_upper > 0.05:
                h = min(10.0, 2.0 + m.gap * 0.5) * min(1.0, 0.4 + m.teeth_upper)
                band = np.vstack([m.upper_inner - (0, 3), (m.upper_inner + (0, h))[::-1]])
                p.fill(s.h(band, z), col.teeth, clip=inside)
            if m.teeth_lower > 0.05:
                h = min(7.0, 1.0 + m.gap * 0.3) * m.teeth_lower
                band = np.vstack([m.lower_inner - (0, h), (m.lower_inner + (0, 3))[::-1]])
                p.fill(s.h(band, z), C.shade(col.teeth, 0.93), clip=inside)
    lips = p.mask([s.h(upper_lip, z), s.h(lower_lip, z)])
    if lips is not None:
        p.paint(p.mask(s.h(upper_lip, z)), col.lips_dark)
        lm = p.mask(s.h(lower_lip, z))
        if lm is not None:
            p.paint(
                lm,
                p.gradient(
                    lm.box,
                    C.mix(col.lips, (255, 255, 255), 0.06),
                    C.shade(col.lips, 0.9),
                    tuple(s.h([m.lower_inner[16]])[0]),
                    tuple(s.h([m.lower_outer[16]])[0]),
                ),
            )
            mid = m.lower_outer[16] * 0.45 + m.lower_inner[16] * 0.55
            shine = p.soft(p.mask(s.h(ellipse(mid[0] - 4, mid[1], abs(m.corners[0][0]) * 0.3, 2.4), z)), s.u(2.5))
            p.paint(shine.clip(lm) if shine else None, (255, 255, 255), 0.28)
    if m.tuck > 0.05:  # F/V: upper teeth rest on the lower lip
        band = np.vstack([m.upper_inner - (0, 1), (m.upper_inner + (0, 5.0 * m.tuck))[::-1]])
        p.fill(s.h(band, z), col.teeth)
    # the lip line (closed mouth) or the opening's edge, darkest at the corners
    line = m.upper_inner if m.gap <= 0.8 else None
    if line is not None:
        p.stroke(s.h(line, z), s.u(3.4), C.mix(col.lips_dark, col.line, 0.7), 0.95)
    for corner in m.corners:
        dot = p.soft(p.mask(s.h(ellipse(corner[0], corner[1], 4.0, 3.4, 16), z)), s.u(1.5))
        p.paint(dot, col.line, 0.6)
