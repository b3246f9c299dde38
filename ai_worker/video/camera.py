"""Camera moves and framing: which part of the stage each video frame shows.

The stage is the output frame at zoom 1 (scaled to the face's render size): the persona's
square portrait stands at its bottom centre on a backdrop that continues the portrait's own.
A move is a zoom and a sideways pan, both eased from the shot's first frame to its last;
the view is centred on the face as far as the stage's edges allow, so a push-in closes in
on the face and a pull-out reveals the shoulders and the room.
"""

from __future__ import annotations

from dataclasses import dataclass

Box = tuple[float, float, float, float]  # left, top, right, bottom

# zoom at the start and end, pan (fraction of the stage's width, + moves the view right)
MOVES: dict[str, tuple[tuple[float, float], tuple[float, float]]] = {
    "static": ((1.08, 1.08), (0.0, 0.0)),
    "push-in": ((1.0, 1.24), (0.0, 0.0)),
    "pull-out": ((1.24, 1.0), (0.0, 0.0)),
    "pan-left": ((1.14, 1.14), (0.045, -0.045)),
    "pan-right": ((1.14, 1.14), (-0.045, 0.045)),
}


def ease(t: float) -> float:
    """Smoothstep: starts and ends at rest, so a move never jolts."""
    t = min(1.0, max(0.0, t))
    return t * t * (3.0 - 2.0 * t)


@dataclass(frozen=True)
class Camera:
    """One shot's move (a CAMERA_MOVES name) with its zoom and pan at the start and the end."""

    move: str
    zoom: tuple[float, float]
    pan: tuple[float, float]

    @classmethod
    def of(cls, move: str) -> Camera:
        zoom, pan = MOVES[move]
        return cls(move, zoom, pan)

    def at(self, progress: float) -> tuple[float, float]:
        """(zoom, pan) at progress 0..1 through the shot."""
        k = ease(progress)
        return (
            self.zoom[0] + (self.zoom[1] - self.zoom[0]) * k,
            self.pan[0] + (self.pan[1] - self.pan[0]) * k,
        )


@dataclass(frozen=True)
class Stage:
    """Where things are on the stage, in stage pixels. portrait: its top-left corner and side;
    focus: the point between the eyes and the mouth the camera centres on."""

    width: int
    height: int
    portrait_xy: tuple[int, int]
    portrait_px: int
    focus: tuple[float, float]

    def view(self, zoom: float, pan: float) -> Box:
        """The stage box a frame at this zoom and pan shows (always inside the stage)."""
        z = max(1.0, zoom)
        w, h = self.width / z, self.height / z
        cx = self.focus[0] + pan * self.width
        cy = self.focus[1]
        cx = min(self.width - w / 2, max(w / 2, cx))
        cy = min(self.height - h / 2, max(h / 2, cy))
        return (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)

    def to_output(self, box: Box, view: Box, size: tuple[int, int]) -> Box:
        """A box in portrait pixels as output pixels of a frame showing `view`."""
        sx = size[0] / (view[2] - view[0])
        sy = size[1] / (view[3] - view[1])
        px, py = self.portrait_xy
        return (
            (box[0] + px - view[0]) * sx,
            (box[1] + py - view[1]) * sy,
            (box[2] + px - view[0]) * sx,
            (box[3] + py - view[1]) * sy,
        )
