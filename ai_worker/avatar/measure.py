"""Skin tone measured from a rendered image, not read from the rig's parameters: the median
colour of the face's cheek patch (AvatarRig.skin_probe), converted to CIELAB and matched to
the nearest Monk Skin Tone swatch. An audit built on this catches a rig that paints a
different tone from the one it claims."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

from .colour import rgb_to_hex, rgb_to_lab
from .look import Look
from .monk import nearest_tone
from .rig import AvatarRig
from .state import FaceState

MEASURE_SIZE = 256  # enough pixels in the cheek patch; a quarter of the cost of 512


@dataclass(frozen=True)
class SkinReading:
    rgb: tuple[int, int, int]  # median of the patch
    lab: tuple[float, float, float]
    tone: int  # nearest MST swatch
    delta_e: float  # distance to it (CIE76)
    pixels: int

    def to_json(self) -> dict[str, object]:
        return {
            "hex": rgb_to_hex(self.rgb),
            "lab": [round(v, 2) for v in self.lab],
            "mst": self.tone,
            "delta_e": round(self.delta_e, 2),
            "pixels": self.pixels,
        }


def read_skin(image: Image.Image, box: tuple[int, int, int, int]) -> SkinReading:
    """The skin reading of `image` over `box` (left, top, right, bottom pixels)."""
    patch = np.asarray(image.convert("RGB").crop(box), dtype=np.float64).reshape(-1, 3)
    if len(patch) == 0:
        raise ValueError(f"empty skin patch {box}")
    median = np.median(patch, axis=0)
    rgb = tuple(int(round(v)) for v in median)
    tone, dist = nearest_tone(rgb)
    lab = rgb_to_lab(np.asarray(rgb, dtype=np.float64))
    return SkinReading((rgb[0], rgb[1], rgb[2]), (float(lab[0]), float(lab[1]), float(lab[2])), tone, dist, len(patch))


def measure_look(look: Look, size: int = MEASURE_SIZE, rig: AvatarRig | None = None) -> tuple[SkinReading, Image.Image]:
    """Render the look head-on with a neutral face and read its skin; returns the reading and the image."""
    rig = rig or AvatarRig(look, supersample=2)
    state = FaceState()
    image = rig.render(state, size)
    return read_skin(image, rig.skin_probe(state, size)), image
