"""Colour arithmetic the rig and the audit share: hex parsing, mixing, shading and sRGB to
CIELAB (D65), the space the skin-tone audit measures distances in (perceptual, so the
nearest swatch in Lab is the one a viewer would pick)."""

from __future__ import annotations

import colorsys
from collections.abc import Sequence

import numpy as np

RGB = tuple[int, int, int]


def hex_to_rgb(value: str) -> RGB:
    """'#RRGGBB' (or 'RRGGBB') as an (r, g, b) tuple of 0..255 ints."""
    text = value.strip().lstrip("#")
    if len(text) != 6:
        raise ValueError(f"not a #RRGGBB colour: {value!r}")
    return int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16)


def rgb_to_hex(rgb: Sequence[float]) -> str:
    return "#" + "".join(f"{int(round(max(0, min(255, c)))):02x}" for c in rgb[:3])


def clamp(rgb: Sequence[float]) -> RGB:
    r, g, b = (int(round(max(0.0, min(255.0, float(c))))) for c in rgb[:3])
    return r, g, b


def mix(a: Sequence[float], b: Sequence[float], t: float) -> RGB:
    """a blended toward b by t (0: a, 1: b)."""
    return clamp([x + (y - x) * t for x, y in zip(a, b, strict=False)])


def scale(rgb: Sequence[float], k: float) -> RGB:
    return clamp([c * k for c in rgb])


def shade(rgb: Sequence[float], k: float, warmth: float = 0.0) -> RGB:
    """A shadow (k < 1) or light (k > 1) version of a colour; warmth > 0 pushes a shadow
    toward red, as subsurface scattering does on skin, so shadows don't look grey."""
    r, g, b = (c * k for c in rgb[:3])
    return clamp((r * (1 + warmth), g * (1 + warmth * 0.2), b * (1 - warmth * 0.6)))


def hsv(rgb: Sequence[float]) -> tuple[float, float, float]:
    return colorsys.rgb_to_hsv(*(c / 255.0 for c in rgb[:3]))


def from_hsv(h: float, s: float, v: float) -> RGB:
    return clamp([c * 255.0 for c in colorsys.hsv_to_rgb(h % 1.0, max(0.0, min(1.0, s)), max(0.0, min(1.0, v)))])


def luminance(rgb: Sequence[float]) -> float:
    """Relative luminance 0..1 (WCAG), used to pick line colours that read on any skin tone."""
    lin = srgb_to_linear(np.asarray(rgb[:3], dtype=np.float64) / 255.0)
    return float(lin @ np.array([0.2126, 0.7152, 0.0722]))


def srgb_to_linear(c: np.ndarray) -> np.ndarray:
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


_M = np.array([[0.4124564, 0.3575761, 0.1804375], [0.2126729, 0.7151522, 0.0721750], [0.0193339, 0.1191920, 0.9503041]])
_WHITE = np.array([0.95047, 1.0, 1.08883])


def rgb_to_lab(rgb: np.ndarray | Sequence[float]) -> np.ndarray:
    """sRGB 0..255 (shape (..., 3)) to CIELAB L*a*b* under D65."""
    arr = np.asarray(rgb, dtype=np.float64) / 255.0
    xyz = srgb_to_linear(arr) @ _M.T / _WHITE
    eps, kappa = 216 / 24389, 24389 / 27
    f = np.where(xyz > eps, np.cbrt(xyz), (kappa * xyz + 16) / 116)
    lab_l = 116 * f[..., 1] - 16
    lab_a = 500 * (f[..., 0] - f[..., 1])
    lab_b = 200 * (f[..., 1] - f[..., 2])
    return np.stack([lab_l, lab_a, lab_b], axis=-1)
