"""Curves and the head's pose transform. Every shape is a polygon of points in rig units (the
canvas is 1000 wide, origin top-left); the Frame maps head-relative points, with a depth that
says how far a point moves when the head turns, to supersampled pixels."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

Points = np.ndarray  # (n, 2) float

UNITS = 1000.0
HEAD_CENTRE = (500.0, 452.0)  # middle of the eye line
NECK_PIVOT = (0.0, 230.0)  # head-relative point the head tilts around
YAW_SHIFT = 30.0  # rig units a depth-1 point moves at yaw 1
ZOOM = 1.24  # the portrait's framing: the whole figure scaled about ZOOM_CENTRE
ZOOM_CENTRE = (500.0, 610.0)


def ellipse(
    cx: float, cy: float, rx: float, ry: float, n: int = 72, start: float = 0.0, end: float = 2 * math.pi
) -> Points:
    t = np.linspace(start, end, n, endpoint=end - start < 2 * math.pi - 1e-9)
    return np.stack([cx + rx * np.cos(t), cy + ry * np.sin(t)], axis=1)


def bezier(p0, p1, p2, p3, n: int = 24) -> Points:
    """Cubic Bezier from p0 to p3 with handles p1, p2."""
    t = np.linspace(0.0, 1.0, n)[:, None]
    a, b, c, d = (np.asarray(p, dtype=np.float64) for p in (p0, p1, p2, p3))
    return (1 - t) ** 3 * a + 3 * (1 - t) ** 2 * t * b + 3 * (1 - t) * t**2 * c + t**3 * d


def through(p0, mid, p2, n: int = 24) -> Points:
    """The quadratic Bezier from p0 to p2 that passes through `mid` at its halfway point."""
    a, m, c = (np.asarray(p, dtype=np.float64) for p in (p0, mid, p2))
    ctrl = 2 * m - (a + c) / 2
    t = np.linspace(0.0, 1.0, n)[:, None]
    return (1 - t) ** 2 * a + 2 * (1 - t) * t * ctrl + t**2 * c


def spline(points, n: int = 8, closed: bool = False) -> Points:
    """A Catmull-Rom curve through the points (n samples per segment): smooth outlines from a
    few control points."""
    p = np.asarray(points, dtype=np.float64)
    if closed:
        p = np.vstack([p[-1:], p, p[:2]])
    else:
        p = np.vstack([2 * p[0] - p[1], p, 2 * p[-1] - p[-2]])
    t = np.linspace(0.0, 1.0, n, endpoint=False)[:, None]
    out = []
    for i in range(1, len(p) - 2):
        p0, p1, p2, p3 = p[i - 1], p[i], p[i + 1], p[i + 2]
        out.append(
            0.5
            * (2 * p1 + (-p0 + p2) * t + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t**2 + (-p0 + 3 * p1 - 3 * p2 + p3) * t**3)
        )
    if not closed:
        out.append(p[-2][None, :])
    return np.vstack(out)


def ribbon(line: Points, widths) -> Points:
    """A closed outline around a polyline with a half-width per point (or a callable of 0..1):
    tapered strokes such as brows, lash lines and hair strands."""
    line = np.asarray(line, dtype=np.float64)
    n = len(line)
    w = np.asarray([widths(i / max(1, n - 1)) for i in range(n)] if callable(widths) else widths, dtype=np.float64)
    if w.ndim == 0:
        w = np.full(n, float(w))
    d = np.gradient(line, axis=0)
    norm = np.linalg.norm(d, axis=1, keepdims=True)
    norm[norm == 0] = 1.0
    normal = np.stack([-d[:, 1], d[:, 0]], axis=1) / norm
    left = line + normal * w[:, None]
    right = line - normal * w[:, None]
    return np.vstack([left, right[::-1]])


def taper(lo: float, hi: float, peak: float = 0.5):
    """A width profile rising from lo at the ends to hi at `peak` (0..1 along the stroke)."""

    def f(t: float) -> float:
        u = t / peak if t <= peak else (1 - t) / (1 - peak)
        return lo + (hi - lo) * math.sin(min(1.0, max(0.0, u)) * math.pi / 2)

    return f


@dataclass(frozen=True)
class Frame:
    """Maps head-relative rig units to canvas pixels for one pose. yaw shifts a point sideways by
    its depth (features in front move more than the silhouette: a small head turn); tilt rotates
    the head around the neck."""

    px: int  # canvas side in pixels (supersampled)
    yaw: float = 0.0
    tilt_deg: float = 0.0

    @property
    def k(self) -> float:
        return self.px / UNITS

    def head(self, pts, z: float | np.ndarray = 1.0) -> Points:
        p = np.array(pts, dtype=np.float64, copy=True).reshape(-1, 2)
        p[:, 0] += self.yaw * YAW_SHIFT * np.asarray(z, dtype=np.float64)
        if self.tilt_deg:
            a = math.radians(self.tilt_deg)
            ca, sa = math.cos(a), math.sin(a)
            q = p - NECK_PIVOT
            p = np.stack([q[:, 0] * ca - q[:, 1] * sa, q[:, 0] * sa + q[:, 1] * ca], axis=1) + NECK_PIVOT
        return _zoom(p + HEAD_CENTRE) * self.k

    def world(self, pts) -> Points:
        """Points given in canvas rig units (the backdrop and the body, which do not turn)."""
        return np.asarray(pts, dtype=np.float64).reshape(-1, 2) * self.k

    def body(self, pts) -> Points:
        """Head-relative points on the body: they follow a fifth of the tilt and none of the yaw."""
        p = np.array(pts, dtype=np.float64, copy=True).reshape(-1, 2)
        if self.tilt_deg:
            a = math.radians(self.tilt_deg * 0.2)
            ca, sa = math.cos(a), math.sin(a)
            q = p - (0.0, 420.0)
            p = np.stack([q[:, 0] * ca - q[:, 1] * sa, q[:, 0] * sa + q[:, 1] * ca], axis=1) + (0.0, 420.0)
        return _zoom(p + HEAD_CENTRE) * self.k


def _zoom(p: Points) -> Points:
    c = np.asarray(ZOOM_CENTRE)
    return (p - c) * ZOOM + c
