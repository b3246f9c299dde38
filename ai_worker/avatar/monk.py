"""The Monk Skin Tone (MST) scale: ten swatches from lightest (1) to deepest (10), the one
place their official sRGB values live. The rig paints skin with exactly these colours and
the diversity audit maps measured pixels back to the nearest one, so the two agree by
construction and an audit can check the rig rather than trust it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .colour import RGB, hex_to_rgb, rgb_to_lab

# Official MST swatch values, MST-1 .. MST-10 (Monk, 2019; published with the scale).
MST_HEX: tuple[str, ...] = (
    "#f6ede4",
    "#f3e7db",
    "#f7ead0",
    "#eadaba",
    "#d7bd96",
    "#a07e56",
    "#825c43",
    "#604134",
    "#3a312a",
    "#292420",
)
MST_RGB: tuple[RGB, ...] = tuple(hex_to_rgb(h) for h in MST_HEX)
MST_LAB: np.ndarray = rgb_to_lab(np.array(MST_RGB, dtype=np.float64))
N_TONES = len(MST_HEX)

# Coarse groups for balance checks: ten buckets need many samples to test, three do not.
MST_GROUPS: dict[str, tuple[int, ...]] = {
    "light (1-3)": (1, 2, 3),
    "medium (4-7)": (4, 5, 6, 7),
    "deep (8-10)": (8, 9, 10),
}


def swatch(tone: int) -> RGB:
    """The sRGB colour of MST tone 1..10."""
    if not 1 <= tone <= N_TONES:
        raise ValueError(f"Monk skin tone must be 1..{N_TONES}, not {tone}")
    return MST_RGB[tone - 1]


def nearest_tone(rgb: Sequence[float]) -> tuple[int, float]:
    """The MST tone (1..10) nearest to an sRGB colour in CIELAB, and its distance (Delta E 1976)."""
    lab = rgb_to_lab(np.asarray(rgb, dtype=np.float64))
    dist = np.linalg.norm(MST_LAB - lab, axis=1)
    i = int(np.argmin(dist))
    return i + 1, float(dist[i])


def group_of(tone: int) -> str:
    for name, tones in MST_GROUPS.items():
        if tone in tones:
            return name
    raise ValueError(f"no MST group holds tone {tone}")
