"""One render in progress: the Look, the frame's state and anatomy, the colours, the pose
transform and the canvas, passed to each drawing module in turn."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .anatomy import Anatomy
from .geometry import Frame
from .look import Look
from .painter import Mask, Painter
from .palette import Colours
from .state import FaceState


@dataclass
class Scene:
    look: Look
    state: FaceState
    anat: Anatomy
    col: Colours
    frame: Frame
    p: Painter
    face_mask: Mask | None = None
    hair_covers_ears: bool = False

    def h(self, pts, z: float | np.ndarray = 1.0) -> np.ndarray:
        """Head-relative rig units to canvas pixels."""
        return self.frame.head(pts, z)

    def b(self, pts) -> np.ndarray:
        """Body points (head-relative, ignoring yaw) to canvas pixels."""
        return self.frame.body(pts)

    def u(self, units: float) -> float:
        """A length in rig units as pixels."""
        return units * self.frame.k
