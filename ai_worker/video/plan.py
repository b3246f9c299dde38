"""Each video frame's face and camera, worked out before anything is drawn.

Expression: the storyboard's keyframes in order, each eased in over TRANSITION_S centred on
its time (so a new shot's face settles across the cut and a shot's second keyframe drifts in
smoothly); the head's turn moves with them. Mouth: the viseme that covers most of the
frame's span on the audio's clock (sounds count 1.5 times, so a short consonant is not lost
between two frames); a viseme that begins part-way through the frame is drawn at
PARTIAL_WEIGHT, a mouth still forming, which is the short blend between shapes. Blinks:
seeded, one every 2 to 5 seconds, BLINK_S long. Camera: the shot's move at this frame's
progress through the shot, the shot's last frame at the move's end.

Every quantity that reaches the rig is quantised (AUs in AU_STEP steps, the head's turn in
0.02, blinks in halves), so frames that look alike are one render, drawn once.
"""

from __future__ import annotations

import bisect
import random
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..avatar.facs import ACTION_UNITS
from ..avatar.state import FaceState
from ..avatar.visemes import VISEMES as MOUTH_SHAPES
from ..voice.visemes import VisemeCue
from .camera import Box, ease
from .storyboard import Storyboard

AU_STEP = 0.05
YAW_STEP = 0.02
TRANSITION_S = 0.3
BLINK_S = 0.18
BLINK_GAP_S = (2.0, 5.0)
PARTIAL_WEIGHT = 0.6
SOUND_BIAS = 1.5
_AU_NAMES = tuple(ACTION_UNITS)
_BLINK_AU = _AU_NAMES.index("AU43")


@dataclass(frozen=True)
class FaceKey:
    """One frame's face, quantised: AU intensities in AU_STEP steps (ACTION_UNITS order), the
    viseme and its weight, the blink (0, 0.5, 1) and the head's turn."""

    aus: tuple[int, ...]
    viseme: str
    weight: float
    blink: float
    yaw: float

    def state(self) -> FaceState:
        return FaceState(
            aus={au: steps * AU_STEP for au, steps in zip(_AU_NAMES, self.aus, strict=True)},
            viseme=self.viseme,
            viseme_weight=self.weight,
            blink=self.blink,
            yaw=self.yaw,
        )

    @property
    def expressiveness(self) -> float:
        """How much the face shows: the AUs' sum (the eyelids' closing aside) and the mouth's opening."""
        aus = sum(v for i, v in enumerate(self.aus) if i != _BLINK_AU) * AU_STEP
        return aus + 0.02 * MOUTH_SHAPES[self.viseme].open * (self.weight if self.viseme != "rest" else 0.0)


@dataclass(frozen=True)
class FramePlan:
    """One frame: its index, its time (start of its span) in seconds, its shot, its face, the
    camera's zoom and pan. view: the stage box it shows; face_box / mouth_box: where the face
    and the mouth are in output pixels (left, top, right, bottom) -- set by the renderer."""

    index: int
    time: float
    shot: int
    face: FaceKey
    zoom: float
    pan: float
    view: Box | None = None
    face_box: Box | None = None
    mouth_box: Box | None = None


def plan_frames(board: Storyboard, visemes: Sequence[VisemeCue], seed: int) -> list[FramePlan]:
    """The plan of every frame of the storyboard's video (see the module docstring)."""
    fps = board.fps
    keys = [(k.at, _au_vector(k.aus()), shot.yaw) for shot in board.shots for k in shot.keyframes]
    blinks = blink_times(board.duration, seed)
    mouth = _MouthTrack(visemes)
    out: list[FramePlan] = []
    for i in range(board.n_frames):
        t0, t1 = i / fps, (i + 1) / fps
        mid = (t0 + t1) / 2
        aus, yaw = _expression_at(keys, mid)
        blink = _blink_at(blinks, mid)
        viseme, weight = mouth.at(t0, t1)
        shot = board.shot_at(mid)
        first = round(shot.start * fps)
        frames_in_shot = max(1, round(shot.end * fps) - first)
        progress = (i - first) / (frames_in_shot - 1) if frames_in_shot > 1 else 1.0
        zoom, pan = shot.camera.at(progress)
        face = FaceKey(
            aus=tuple(int(round(v / AU_STEP)) for v in aus),
            viseme=viseme,
            weight=weight if viseme != "rest" else 1.0,
            blink=blink,
            yaw=round(round(yaw / YAW_STEP) * YAW_STEP, 2),
        )
        out.append(FramePlan(i, t0, shot.index, face, round(zoom, 5), round(pan, 5)))
    return out


def thumbnail_frame(plans: Sequence[FramePlan]) -> int:
    """The most expressive frame with open eyes (the earliest of equals)."""
    open_eyes = [p for p in plans if p.face.blink == 0.0] or list(plans)
    return max(open_eyes, key=lambda p: (round(p.face.expressiveness, 6), -p.index)).index


def blink_times(duration: float, seed: int) -> list[float]:
    """When each blink starts: the first within 0.6-1.8 s, then every BLINK_GAP_S (seeded)."""
    rng = random.Random(f"fameengine-video-blink:{seed}")
    out: list[float] = []
    t = rng.uniform(0.6, 1.8)
    while t < duration - BLINK_S:
        out.append(t)
        t += rng.uniform(*BLINK_GAP_S)
    return out


def _au_vector(aus: dict[str, float]) -> np.ndarray:
    return np.array([aus[au] for au in _AU_NAMES], dtype=np.float64)


def _expression_at(keys: list[tuple[float, np.ndarray, float]], t: float) -> tuple[np.ndarray, float]:
    aus, yaw = keys[0][1], keys[0][2]
    for at, target, target_yaw in keys[1:]:
        u = ease((t - (at - TRANSITION_S / 2)) / TRANSITION_S)
        if u <= 0.0:
            break
        aus = aus + (target - aus) * u
        yaw = yaw + (target_yaw - yaw) * u
    return aus, yaw


def _blink_at(starts: list[float], t: float) -> float:
    """0 open, 0.5 half shut, 1 shut: a fast close, a short hold, a slower opening."""
    i = bisect.bisect_right(starts, t) - 1
    if i < 0:
        return 0.0
    x = (t - starts[i]) / BLINK_S
    if x >= 1.0:
        return 0.0
    closed = x / 0.33 if x < 0.33 else 1.0 if x < 0.5 else (1.0 - x) / 0.5
    return 1.0 if closed >= 0.75 else 0.5 if closed >= 0.25 else 0.0


class _MouthTrack:
    def __init__(self, cues: Sequence[VisemeCue]) -> None:
        self.cues = [c for c in cues if c.end > c.start]
        self.starts = [c.start for c in self.cues]

    def at(self, t0: float, t1: float) -> tuple[str, float]:
        if not self.cues:
            return "rest", 1.0
        i = max(0, bisect.bisect_right(self.starts, t0) - 1)
        best: VisemeCue | None = None
        best_score = 0.0
        while i < len(self.cues) and self.cues[i].start < t1:
            cue = self.cues[i]
            overlap = min(cue.end, t1) - max(cue.start, t0)
            score = overlap * (SOUND_BIAS if cue.viseme != "rest" else 1.0)
            if overlap > 0 and score > best_score + 1e-12:
                best, best_score = cue, score
            i += 1
        if best is None:  # past the last cue: the mouth rests
            return "rest", 1.0
        forming = best.start > t0 + 0.25 * (t1 - t0)
        return best.viseme, PARTIAL_WEIGHT if forming else 1.0
