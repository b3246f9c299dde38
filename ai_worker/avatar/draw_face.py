"""The head's skin: ears, the face with its soft form shading, nose, cheeks, freckles, age
lines and facial hair. The shading leaves the cheek patch anatomy.SKIN_PROBE at exactly the
Monk swatch, so the skin tone an audit measures from pixels is the one the Look chose."""

from __future__ import annotations

import math

import numpy as np
from PIL import Image

from . import colour as C
from .anatomy import SKIN_PROBE, SKULL_TOP, face_outline, mouth_y
from .geometry import ellipse, ribbon, spline, taper, through
from .painter import Mask
from .scene import Scene
from .seeds import sub_rng


def ears(s: Scene) -> None:
    look, col, p = s.look, s.col, s.p
    if s.hair_covers_ears:
        return
    w = look.face_width
    for side in (-1, 1):
        outer = ellipse(side * (w * 0.97), 14, 21, 36, 40)
        p.fill(s.h(outer, -0.5), C.mix(col.skin, col.skin_shadow, 0.5))
        inner = through((side * (w * 0.96 + 10), -12), (side * (w * 0.97 + 12), 14), (side * (w * 0.96 + 4), 36), 14)
        p.stroke(s.h(inner, -0.5), s.u(4), col.skin_deep, 0.6)
        if "earrings" in look.accessories:
            lobe = (side * (w * 0.97 + 4), 48)
            if look.seed % 3 == 0:
                p.fill(s.h(ellipse(lobe[0], lobe[1], 5, 5), -0.5), col.metal)
            else:
                p.stroke(s.h(ellipse(lobe[0], lobe[1] + 12, 10, 12, 30), -0.5), s.u(3.2), col.metal)


def face(s: Scene) -> None:
    col, p, anat = s.col, s.p, s.anat
    z = _outline_depth(anat.face)
    poly = s.h(anat.face, z)
    m = p.fill(poly, col.skin)
    s.face_mask = m
    if m is None:
        return
    _shade(s, m)
    p.stroke(np.vstack([poly, poly[:1]]), s.u(2.0), col.skin_deep, 0.35)


def _outline_depth(face: np.ndarray) -> np.ndarray:
    return np.full(len(face), 0.35)


def _shade(s: Scene, m) -> None:
    """Form shading: darker toward the face's edge and jaw, lit from the upper left; zero
    over the middle of the face (and so over the skin probe)."""
    look, col, p = s.look, s.col, s.p
    # the field's grid comes from the resting face (plus room for a dropped jaw), so it is the
    # same in every frame and the cheek stays bit-identical across expressions
    rest = s.h(face_outline(look, 0.0), 0.35)
    x0, y0 = np.floor(rest.min(axis=0)).astype(int) - 4
    x1, y1 = np.ceil(rest.max(axis=0) + (0, s.u(40))).astype(int) + 4
    box = (max(0, int(x0)), max(0, int(y0)), min(p.px, int(x1)), min(p.px, int(y1)))
    w, h = box[2] - box[0], box[3] - box[1]
    f = 8
    sw, sh = max(2, w // f), max(2, h // f)
    k = s.frame.k
    # grid in head units (undo the canvas scale and the head offset; pose is small, so yaw and
    # tilt are applied to the field's centre only)
    cx, cy = s.h([(0.0, 0.0)], 0.6)[0]
    xs = (box[0] + (np.arange(sw) + 0.5) * (w / sw) - cx) / k
    ys = (box[1] + (np.arange(sh) + 0.5) * (h / sh) - cy) / k
    gx, gy = np.meshgrid(xs, ys)
    a = math.radians(-s.state.tilt)
    gx, gy = gx * math.cos(a) - gy * math.sin(a), gx * math.sin(a) + gy * math.cos(a)
    fw = look.face_width
    ry = np.where(gy < 0, SKULL_TOP, look.face_length)
    r = np.sqrt(((gx + 10) / fw) ** 2 + ((gy + 10) / ry) ** 2)
    alpha = np.clip((r - 0.62) / 0.4, 0, 1) ** 1.4 * 0.95
    alpha += 0.25 * np.clip((gx - 0.25 * fw) / (0.75 * fw), 0, 1)  # the side away from the light
    alpha = np.clip(alpha, 0, 0.85) * (0.45 if C.luminance(col.skin) < 0.06 else 1.0)  # deep tones: light, not shadow
    field = Image.fromarray(np.round(alpha * 255).astype(np.uint8), "L").resize((w, h), Image.Resampling.BILINEAR)
    shade_mask = Mask(field, box).clip(m)
    p.paint(shade_mask, col.skin_shadow, 1.0)
    # a soft light on the forehead and down the nose bridge
    glow = p.soft(p.mask(s.h(ellipse(-14, -118, 46, 30), 0.8)), s.u(14))
    p.paint(glow.clip(m) if glow else None, col.skin_light, 0.35)
    bridge = p.soft(p.mask(s.h(ellipse(-3, 40, 7, 28), 1.2)), s.u(5))
    p.paint(bridge.clip(m) if bridge else None, col.skin_light, 0.3)
    deep = C.luminance(col.skin) < 0.12
    k = 0.7 if deep else 0.25
    for sx, sy, srx, sry in (
        (-0.6 * look.face_width, 22.0, 26.0, 9.0),
        (0.62 * look.face_width, 22.0, 20.0, 7.0),
        (0.0, s.anat.chin_y - 22, 22.0, 10.0),
    ):
        spot = p.soft(p.mask(s.h(ellipse(sx, sy, srx, sry), 1.0)), s.u(7))
        p.paint(spot.clip(m) if spot else None, col.skin_light, k)


def nose(s: Scene) -> None:
    look, col, p, anat = s.look, s.col, s.p, s.anat
    tx, ty = anat.nose_tip
    nw = anat.nose_width
    # side shadow of the nose (away from the light) and the tip
    side = s.h(ribbon(through((8, 10), (12, ty * 0.6), (nw * 0.75, ty - 4), 16), taper(1.0, 6.0, 0.7)), 1.2)
    sm = p.soft(p.mask(side), s.u(4))
    p.paint(sm.clip(s.face_mask) if sm else None, col.skin_shadow, 0.7)
    under = p.soft(p.mask(s.h(ellipse(tx, ty + 6, nw * 0.9, 6), 1.3)), s.u(4))
    p.paint(under.clip(s.face_mask) if under else None, col.skin_deep, 0.35)
    base = through((tx - nw, ty - 5), (tx, ty + 4), (tx + nw, ty - 5), 20)
    p.stroke(s.h(base, 1.4), s.u(2.6), col.line, 0.45)
    for sd in (-1, 1):
        wing = through((tx + sd * nw * 0.55, ty + 2), (tx + sd * nw * 1.05, ty - 3), (tx + sd * nw * 0.85, ty - 13), 10)
        p.stroke(s.h(wing, 1.3), s.u(2.4), col.line, 0.4)
        p.fill(s.h(ellipse(tx + sd * nw * 0.45, ty + 1, 4.2, 2.6, 20), 1.4), col.line, 0.55)
    if look.nose == "aquiline":
        p.stroke(s.h(through((4, -5), (9, ty * 0.45), (6, ty - 14), 14), 1.2), s.u(2.2), col.soft_line, 0.45)
    tip = p.soft(p.mask(s.h(ellipse(tx - 3, ty - 9, 7, 5), 1.4)), s.u(3))
    p.paint(tip, col.skin_light, 0.45)


def cheeks(s: Scene) -> None:
    look, col, p = s.look, s.col, s.p
    au = s.state.aus
    w = look.face_width
    alpha = 0.16 + 0.24 * au["AU6"]
    lift = 8.0 * au["AU6"]
    (px0, py0), (px1, py1) = SKIN_PROBE
    probe = p.mask(s.h([(px0 - 4, py0 - 4), (px1 + 4, py0 - 4), (px1 + 4, py1 + 4), (px0 - 4, py1 + 4)], 1.0))
    for side in (-1, 1):
        blob = p.soft(p.mask(s.h(ellipse(side * 0.7 * w, 66 - lift, 24, 15), 1.0)), s.u(10))
        if au["AU6"] > 0.3:  # the raised cheek's rounded top catches light
            hi = p.soft(p.mask(s.h(ellipse(side * 0.7 * w, 38 - lift * 0.5, 18, 6), 1.0)), s.u(5))
        else:
            hi = None
        # the emotion-driven glow's faint tail must not reach the skin probe
        if probe is not None:
            blob = blob.minus(probe) if blob else None
            hi = hi.minus(probe) if hi else None
        p.paint(blob.clip(s.face_mask) if blob else None, col.blush, alpha)
        p.paint(hi.clip(s.face_mask) if hi else None, col.skin_light, 0.25 * au["AU6"])
    if look.freckles:
        rng = sub_rng(look.seed, "freckles")
        for _ in range(26):
            side = rng.choice((-1, 1))
            x = side * rng.uniform(14, 0.62 * w)
            y = rng.uniform(22, 60) + abs(x) * 0.1
            r = rng.uniform(1.4, 2.6)
            if px0 - 4 < x < px1 + 4 and py0 - 4 < y < py1 + 4:
                continue  # the skin probe stays bare
            p.fill(s.h(ellipse(x, y, r, r, 12), 1.0), col.skin_deep, 0.55)


def lines(s: Scene) -> None:
    """Folds that come with age or a strong smile (nasolabial, crow's feet, forehead)."""
    look, col, p = s.look, s.col, s.p
    au = s.state.aus
    mature = look.age == "mature"
    w, ty, my = look.face_width, s.anat.nose_tip[1], mouth_y(look)
    fold = 0.3 * au["AU12"] + (0.28 if mature else 0.08 if look.age == "adult" else 0.0)
    if fold > 0.05:
        for side in (-1, 1):
            corner = s.anat.mouth.corners[0 if side < 0 else 1]
            curve = through(
                (side * (s.anat.nose_width + 8), ty - 8),
                (side * (abs(corner[0]) + 10), (ty + my) / 2 + 2),
                (side * (abs(corner[0]) + 8), corner[1] + 14),
                16,
            )
            p.stroke(s.h(curve, 1.0), s.u(2.4), col.soft_line, min(0.55, fold), clip=s.face_mask)
    if mature:
        for side in (-1, 1):
            ox = side * (look.eye_spacing + look.eye_size + 8)
            for dy, ang in ((-6, -0.25), (3, 0.0), (12, 0.25)):
                seg = np.array([(ox, dy), (ox + side * 12, dy + ang * 12 * 2)])
                p.stroke(s.h(seg, 0.9), s.u(1.8), col.soft_line, 0.4, clip=s.face_mask)
            bag = through(
                (side * (look.eye_spacing - look.eye_size * 0.6), 24),
                (side * look.eye_spacing, 30),
                (side * (look.eye_spacing + look.eye_size * 0.6), 22),
                12,
            )
            p.stroke(s.h(bag, 1.0), s.u(1.8), col.soft_line, 0.3, clip=s.face_mask)
    if mature or au["AU1"] + au["AU2"] > 1.2:
        k = 0.3 if mature else 0.25 * (au["AU1"] + au["AU2"] - 1.2) / 0.8
        for i, y in enumerate((-120, -138)):
            crease = through((-w * 0.45, y + 4), (0, y - 4 + i), (w * 0.45, y + 4), 20)
            p.stroke(s.h(crease, 0.9), s.u(2.0), col.soft_line, k, clip=s.face_mask)


def facial_hair(s: Scene) -> None:
    look, col, p, anat = s.look, s.col, s.p, s.anat
    kind = look.facial_hair
    if kind == "none" or s.face_mask is None:
        return
    w, ty = look.face_width, anat.nose_tip[1]
    mouth = anat.mouth
    my = mouth.centre[1]
    if kind in ("stubble", "beard"):
        region = spline(
            [
                (-w * 1.02, 10),
                (-w * 0.64, 92),
                (-w * 0.34, ty + 14),
                (0, ty + 12),
                (w * 0.34, ty + 14),
                (w * 0.64, 92),
                (w * 1.02, 10),
                (w * 0.9, anat.chin_y + 30),
                (0, anat.chin_y + 20 if kind == "beard" else anat.chin_y + 5),
                (-w * 0.9, anat.chin_y + 30),
            ],
            n=10,
            closed=True,
        )
        hole = spline(
            [
                (mouth.corners[0][0] - 6, mouth.corners[0][1]),
                (0, my - 12),
                (mouth.corners[1][0] + 6, mouth.corners[1][1]),
                (0, my + mouth.gap + 16),
            ],
            n=10,
            closed=True,
        )
        mask = p.mask([s.h(region, 0.9)], holes=[s.h(hole, 1.0)] if kind == "beard" else [])
        if kind == "stubble":
            soft = p.soft(mask, s.u(6))
            p.paint(soft.clip(s.face_mask) if soft else None, col.hair_shadow, 0.22)
        else:
            p.paint(
                mask,
                p.gradient(
                    mask.box,
                    col.hair,
                    col.hair_shadow,
                    tuple(s.h([(0, 40)])[0]),
                    tuple(s.h([(0, anat.chin_y + 30)])[0]),
                )
                if mask
                else col.hair,
            )
            rng = sub_rng(look.seed, "beard")
            for _ in range(40):
                x, y = rng.uniform(-w * 0.9, w * 0.9), rng.uniform(ty + 20, anat.chin_y + 25)
                seg = np.array([(x, y), (x + rng.uniform(-2, 2), y + 7)])
                p.stroke(s.h(seg, 0.9), s.u(1.6), col.hair_light, 0.3, clip=mask)
    if kind in ("moustache", "beard"):
        lc, rc = mouth.corners
        top = through((lc[0] - 4, lc[1] - 2), (0, my - 22), (rc[0] + 4, rc[1] - 2), 20)
        p.fill(s.h(ribbon(top, taper(2.0, 7.0, 0.5)), 1.0), col.hair)
