"""Video frames: the rig's portrait on a wide stage, seen through each frame's camera.

The face is drawn at the output's short side (at most FACE_PX_MAX; 720 px for 720p) with 2x
supersampling, the resolution a frame is shown at, which keeps one render near 80 ms on one
core. Each distinct FaceKey is drawn once and kept until the last frame that needs it (the
plan says when), so a video costs one render per distinct face, not per frame. The stage
behind the portrait continues the portrait's own backdrop (the same gradient, glow and
vignette, evaluated beyond the square), and the portrait's top and side edges are feathered
into it so no seam shows when the camera pans or pulls out.

    renderer = FrameRenderer(look_from_spec(spec), (1280, 720))
    plans = renderer.place(plan_frames(board, speech.visemes, seed))
    for plan, image in renderer.frames(plans): ...
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace

import numpy as np
from PIL import Image

from ..avatar.look import Look
from ..avatar.rig import AvatarRig
from ..avatar.state import FaceState
from .camera import Box, Stage
from .plan import FaceKey, FramePlan

FACE_PX_MAX = 960
SUPERSAMPLE = 2
FEATHER = 0.03  # of the portrait's side
MAX_VIGNETTE = 0.35  # the portrait's own corners reach 0.28; beyond it the stage stops darkening


class FrameRenderer:
    """Draws the frames of one video at `size` (width, height) of one persona's Look."""

    def __init__(self, look: Look, size: tuple[int, int]) -> None:
        width, height = size
        self.size = (int(width), int(height))
        self.face_px = min(min(self.size), FACE_PX_MAX)
        scale = self.face_px / min(self.size)
        stage_w, stage_h = round(width * scale), round(height * scale)
        self.rig = AvatarRig(look, supersample=SUPERSAMPLE)
        rest = self.rig.landmarks(FaceState(), self.face_px)
        xy = ((stage_w - self.face_px) // 2, stage_h - self.face_px)
        eyes_y = (rest["eye_left"][1] + rest["eye_right"][1]) / 2
        focus = (stage_w / 2, xy[1] + (eyes_y + rest["mouth_centre"][1]) / 2)
        self.stage = Stage(stage_w, stage_h, xy, self.face_px, focus)
        self.backdrop = _stage_backdrop(self.stage, self.rig.colours.background)
        self.mask = _feather(self.face_px)
        self.renders = 0
        self._boxes: dict[float, tuple[Box, Box]] = {}

    # ---------------------------------------------------------------- geometry
    def place(self, plans: Sequence[FramePlan]) -> list[FramePlan]:
        """The plans with each frame's view and its face and mouth boxes in output pixels."""
        out = []
        for plan in plans:
            view = self.stage.view(plan.zoom, plan.pan)
            face, mouth = self._portrait_boxes(plan.face.yaw)
            out.append(
                replace(
                    plan,
                    view=_rounded(view),
                    face_box=_rounded(self.stage.to_output(face, view, self.size)),
                    mouth_box=_rounded(self.stage.to_output(mouth, view, self.size)),
                )
            )
        return out

    def _portrait_boxes(self, yaw: float) -> tuple[Box, Box]:
        """The face and the mouth at rest for this turn of the head, in portrait pixels."""
        if yaw not in self._boxes:
            lm = self.rig.landmarks(FaceState(yaw=yaw), self.face_px)
            d = lm["eye_right"][0] - lm["eye_left"][0]
            brow = min(lm["brow_left_inner"][1], lm["brow_right_inner"][1])
            face = (lm["eye_left"][0] - 0.8 * d, brow - 0.45 * d, lm["eye_right"][0] + 0.8 * d, lm["chin"][1] + 0.1 * d)
            mw = lm["mouth_right"][0] - lm["mouth_left"][0]
            cx, cy = lm["mouth_centre"]
            mouth = (lm["mouth_left"][0] - 0.25 * mw, cy - 0.45 * mw, lm["mouth_right"][0] + 0.25 * mw, cy + 0.6 * mw)
            self._boxes[yaw] = (face, mouth)
        return self._boxes[yaw]

    # ---------------------------------------------------------------- pixels
    def frames(self, plans: Sequence[FramePlan]) -> Iterator[tuple[FramePlan, Image.Image]]:
        """Each planned frame's image (RGB, output size), in order; a fresh image every time,
        so a caller may change it in place."""
        last_use = {p.face: p.index for p in plans}
        portraits: dict[FaceKey, Image.Image] = {}
        composed: tuple[FaceKey, Image.Image] | None = None
        for plan in plans:
            key = plan.face
            if composed is None or composed[0] != key:
                if key not in portraits:
                    portraits[key] = self.rig.render(key.state(), self.face_px)
                    self.renders += 1
                stage = self.backdrop.copy()
                stage.paste(portraits[key], self.stage.portrait_xy, self.mask)
                composed = (key, stage)
            if last_use[key] == plan.index:
                portraits.pop(key, None)
            yield plan, self._view(composed[1], plan)

    def frame(self, plan: FramePlan) -> Image.Image:
        """One frame on its own (no cache)."""
        stage = self.backdrop.copy()
        stage.paste(self.rig.render(plan.face.state(), self.face_px), self.stage.portrait_xy, self.mask)
        return self._view(stage, plan)

    def _view(self, stage: Image.Image, plan: FramePlan) -> Image.Image:
        view = self.stage.view(plan.zoom, plan.pan)
        full = (0.0, 0.0, float(self.stage.width), float(self.stage.height))
        if view == full and stage.size == self.size:
            return stage.copy()
        return stage.resize(self.size, Image.Resampling.BICUBIC, box=view)


def _rounded(box: Box) -> Box:
    return (round(box[0], 2), round(box[1], 2), round(box[2], 2), round(box[3], 2))


def _stage_backdrop(stage: Stage, colours: tuple[tuple[int, int, int], tuple[int, int, int]]) -> Image.Image:
    """The rig's backdrop (avatar.draw_body.backdrop: a 64-point grid over the portrait,
    resized up) evaluated over the whole stage in the portrait's own coordinates."""
    px = stage.portrait_px
    x0, y0 = stage.portrait_xy

    def grid(n: int, offset: int) -> np.ndarray:
        pos = np.arange(n, dtype=np.float64) - offset
        return ((pos + 0.5) * 64 / px - 0.5) / 63

    xs = grid(stage.width, x0)[None, :, None]
    ys = grid(stage.height, y0)[:, None, None]
    top, bottom = (np.asarray(c, dtype=np.float64) for c in colours)
    base = top * (1 - np.clip(ys, 0, 1)) + bottom * np.clip(ys, 0, 1)
    glow = np.exp(-(((xs - 0.5) / 0.32) ** 2 + ((ys - 0.4) / 0.3) ** 2))
    vignette = np.minimum(((xs - 0.5) ** 2 + (ys - 0.45) ** 2) * 0.5, MAX_VIGNETTE)
    arr = (base * (1 - 0.28 * glow) + 255 * 0.28 * glow) * (1 - vignette)
    return Image.fromarray(np.clip(np.round(arr), 0, 255).astype(np.uint8), "RGB")


def _feather(px: int) -> Image.Image:
    """The portrait's paste mask: opaque, fading out over its top, left and right edges."""
    edge = max(2, round(FEATHER * px))
    ramp = np.minimum(1.0, (np.arange(px, dtype=np.float64) + 0.5) / edge)
    across = np.minimum(ramp, ramp[::-1])
    alpha = np.minimum(across[None, :], ramp[:, None])
    return Image.fromarray(np.round(alpha * 255).astype(np.uint8), "L")
