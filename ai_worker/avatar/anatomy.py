"""Where the face's parts are for one Look and one FaceState, in head-relative rig units (origin
at the middle of the eye line, y down). The FACS action units and the viseme move these points;
the drawing modules only paint them, and landmarks (for tests, lip-sync checks and the skin
probe) come from the same numbers, so what is measured is what is drawn."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .geometry import Points, bezier, ellipse, spline, through
from .look import Look
from .state import FaceState
from .visemes import VISEMES

SKULL_TOP = 222.0  # skull top above the eye line
# (rise of the upper lid, drop of the lower lid, canthal tilt) per eye shape, in eye half-widths / units
EYE_SHAPES: dict[str, tuple[float, float, float]] = {
    "almond": (0.76, 0.4, 2.5),
    "round": (0.86, 0.52, 0.0),
    "hooded": (0.7, 0.38, 1.0),
    "upturned": (0.74, 0.36, 6.0),
    "downturned": (0.74, 0.42, -4.0),
    "monolid": (0.66, 0.34, 4.0),
}
JAW: dict[str, tuple[float, float, float, float]] = {  # cheek width, jaw-corner width, jaw-corner height, chin width
    "oval": (0.96, 0.76, 0.70, 0.36),
    "round": (0.99, 0.86, 0.68, 0.46),
    "heart": (0.93, 0.66, 0.72, 0.26),
    "square": (1.0, 0.93, 0.80, 0.52),
    "long": (0.95, 0.78, 0.75, 0.38),
}
NOSE_WIDTH = {"button": 15.0, "straight": 16.5, "broad": 22.0, "aquiline": 16.5}
SKIN_PROBE = ((-66.0, 50.0), (-44.0, 68.0))  # the cheek patch no feature, shadow or blush touches


@dataclass(frozen=True)
class Eye:
    side: int  # -1 viewer's left, +1 viewer's right
    centre: tuple[float, float]
    upper: Points  # lid curve inner -> outer
    lower: Points
    closed: float  # 0 open .. 1 shut
    iris_centre: tuple[float, float]
    iris_r: float
    pupil_r: float


@dataclass(frozen=True)
class Mouth:
    centre: tuple[float, float]
    corners: tuple[tuple[float, float], tuple[float, float]]
    upper_inner: Points  # left corner -> right corner
    lower_inner: Points
    upper_outer: Points
    lower_outer: Points
    gap: float
    teeth_upper: float
    teeth_lower: float
    tongue: float
    tuck: float
    round: float


@dataclass(frozen=True)
class Anatomy:
    face: Points  # closed outline, head units
    chin_y: float
    eyes: tuple[Eye, Eye]
    brows: tuple[Points, Points]  # centre lines inner -> outer
    nose_tip: tuple[float, float]
    nose_width: float
    mouth: Mouth
    jaw_drop: float


def face_outline(look: Look, jaw_drop: float = 0.0) -> Points:
    w, length = look.face_width, look.face_length
    cheek, jaw_w, jaw_h, chin_w = JAW[look.face_shape]
    top = SKULL_TOP
    right = [
        (0.0, -top),
        (w * 0.55, -top * 0.9),
        (w * 0.86, -top * 0.62),
        (w * 0.99, -top * 0.28),
        (w * cheek, 0.12 * length),
        (w * (cheek + jaw_w) / 2, 0.45 * length),
        (w * jaw_w, jaw_h * length),
        (w * chin_w, 0.95 * length),
        (w * chin_w * 0.4, length),
    ]
    pts = right[:-1] + [(w * chin_w * 0.4, length), (0.0, length + 1.5), (-w * chin_w * 0.4, length)]
    pts += [(-x, y) for x, y in reversed(right[1:-1])]
    arr = spline(pts, n=10, closed=True)
    if jaw_drop:
        below = np.clip(arr[:, 1] / length, 0, 1)
        arr[:, 1] += jaw_drop * below**2
    return arr


def build(look: Look, state: FaceState) -> Anatomy:
    au = state.aus
    mouth = _mouth(look, state)
    jaw_drop = 0.55 * mouth.gap
    return Anatomy(
        face=face_outline(look, jaw_drop),
        chin_y=look.face_length + jaw_drop,
        eyes=(_eye(look, state, -1), _eye(look, state, 1)),
        brows=(_brow(look, au, -1), _brow(look, au, 1)),
        nose_tip=(0.0, nose_y(look)),
        nose_width=NOSE_WIDTH[look.nose],
        mouth=mouth,
        jaw_drop=jaw_drop,
    )


def nose_y(look: Look) -> float:
    return 0.45 * look.face_length


def mouth_y(look: Look) -> float:
    ny = nose_y(look)
    return ny + 0.38 * (look.face_length - ny)


def _eye(look: Look, state: FaceState, side: int) -> Eye:
    au = state.aus
    rise, drop, tilt = EYE_SHAPES[look.eye_shape]
    ew = look.eye_size
    cx, cy = side * look.eye_spacing, 0.0
    closed = min(1.0, au["AU43"] + state.blink)
    upper = rise * ew * (1 + 0.45 * au["AU5"] - 0.3 * au["AU7"] - 0.2 * au["AU6"] - 0.1 * au["AU4"])
    raise_low = 4.5 * au["AU6"] + 3.5 * au["AU7"] - 1.5 * au["AU5"]
    lower = drop * ew * (1 - 0.4 * au["AU6"] - 0.35 * au["AU7"]) + 0.0
    inner = (cx - side * ew, cy + tilt * 0.3)
    outer = (cx + side * ew, cy - tilt)
    low_mid = (cx + side * 0.05 * ew, cy + lower - raise_low)
    # a shut lid lies just above the lower lid, curving down (the relaxed closed eye)
    up_mid_open = (cx + side * 0.12 * ew, cy - upper)
    up_mid_shut = (cx, low_mid[1] - 1.5)
    up_mid = (
        up_mid_open[0] + (up_mid_shut[0] - up_mid_open[0]) * closed,
        up_mid_open[1] + (up_mid_shut[1] - up_mid_open[1]) * closed,
    )
    gx, gy = state.gaze
    iris_r = ew * (0.68 if look.art_style == "anime" else 0.6)
    pupil = iris_r * (0.42 - 0.08 * au["AU5"])
    return Eye(
        side=side,
        centre=(cx, cy),
        upper=through(inner, up_mid, outer, 28),
        lower=through(inner, low_mid, outer, 28),
        closed=closed,
        iris_centre=(cx + gx * ew * 0.35, cy - 1.0 + gy * ew * 0.2 - 2.0 * au["AU5"] * (1 - closed)),
        iris_r=iris_r,
        pupil_r=pupil,
    )


def _brow(look: Look, au: dict[str, float], side: int) -> Points:
    ew, cx = look.eye_size, side * look.eye_spacing
    rise = EYE_SHAPES[look.eye_shape][0]
    base = -(rise * ew + 20.0)
    arch = 4.0 + 7.0 * look.brow_arch
    inner_dy = -17.0 * au["AU1"] + 13.0 * au["AU4"]
    mid_dy = -6.0 * au["AU1"] - 9.0 * au["AU2"] + 7.0 * au["AU4"]
    outer_dy = -12.0 * au["AU2"] - 3.0 * au["AU4"] + 3.0 * au["AU1"] * (1 - au["AU2"])
    inner = (cx - side * (0.88 * ew - 8.0 * au["AU4"]), base + 3.0 + inner_dy)
    mid = (cx + side * 0.3 * ew, base - arch + mid_dy)
    outer = (cx + side * 1.2 * ew, base + 5.0 + outer_dy)
    return spline([inner, mid, outer], n=12)


def _mouth(look: Look, state: FaceState) -> Mouth:
    au = state.aus
    shape = VISEMES[state.viseme]
    w = state.viseme_weight if state.viseme != "rest" else 0.0
    my = mouth_y(look)
    mw = 47.0 + (look.face_width - 150.0) * 0.25
    corner_dy = -18.0 * au["AU12"] + 19.0 * au["AU15"] + 3.0 * au["AU20"]
    width_k = 1 + 0.16 * au["AU12"] + 0.3 * au["AU20"] - 0.14 * au["AU23"] - 0.22 * au["AU26"]
    gap = 10.0 * au["AU25"] + 30.0 * au["AU26"]
    teeth_up = min(1.0, au["AU25"] * 1.2 + 0.6 * au["AU20"] + 0.3 * au["AU12"])
    teeth_low = min(1.0, 1.1 * au["AU20"] + 0.4 * au["AU23"])
    rnd = shape.round * w
    press = shape.press * w
    gap = (1 - w) * gap + w * max(shape.open, 0.5 * gap)
    gap *= 1 - press
    width_k *= 1 + (shape.width - 1) * w
    corner_dy *= 1 - 0.6 * rnd
    teeth_up = max(teeth_up * (1 - w), shape.teeth * w)
    teeth_low = max(teeth_low * (1 - w), shape.teeth * w * 0.6)
    half = mw * width_k
    left, right = (-half, my + corner_dy), (half, my + corner_dy)
    up_mid_y = my - 0.28 * gap - 0.12 * gap * rnd
    low_mid_y = my + 0.72 * gap
    handle = half * (0.55 - 0.35 * rnd)

    def cubic(mid_y: float) -> Points:
        lift = (mid_y - left[1]) / 0.75
        return bezier(left, (left[0] + handle, left[1] + lift), (right[0] - handle, right[1] + lift), right, 32)

    upper_inner, lower_inner = cubic(up_mid_y), cubic(low_mid_y)
    fullness = look.lip_fullness * (1 + 0.25 * rnd) * (1 - 0.3 * press)
    ut = 9.0 * fullness * (1 - 0.25 * au["AU23"] - 0.15 * au["AU12"])
    lt = 12.0 * fullness * (1 - 0.25 * au["AU23"] - 0.1 * au["AU20"])
    t = np.linspace(0.0, 1.0, len(upper_inner))
    bow = np.sin(np.pi * t) ** 0.55 * (1 - 0.22 * np.exp(-(((t - 0.5) / 0.07) ** 2)))
    upper_outer = upper_inner - np.stack([np.zeros_like(t), ut * bow], axis=1)
    tuck = shape.tuck * w
    lower_outer = lower_inner + np.stack([np.zeros_like(t), lt * (1 - 0.45 * tuck) * np.sin(np.pi * t) ** 0.65], axis=1)
    if tuck:
        lower_inner = lower_inner - np.stack([np.zeros_like(t), 3.0 * tuck * np.sin(np.pi * t)], axis=1)
    return Mouth(
        centre=(0.0, my),
        corners=(left, right),
        upper_inner=upper_inner,
        lower_inner=lower_inner,
        upper_outer=upper_outer,
        lower_outer=lower_outer,
        gap=gap,
        teeth_upper=teeth_up,
        teeth_lower=teeth_low,
        tongue=max(shape.tongue * w, 1.0 if gap > 14 else 0.0),
        tuck=tuck,
        round=rnd,
    )


def iris_circle(eye: Eye) -> Points:
    return ellipse(eye.iris_centre[0], eye.iris_centre[1], eye.iris_r, eye.iris_r, 48)


def eye_opening(eye: Eye) -> Points:
    return np.vstack([eye.upper, eye.lower[::-1]])


def angle_deg(a: tuple[float, float], b: tuple[float, float]) -> float:
    return math.degrees(math.atan2(b[1] - a[1], b[0] - a[0]))
