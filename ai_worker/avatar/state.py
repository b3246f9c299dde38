"""What changes from frame to frame (expression, speech, head pose, blink, gaze), kept apart
from the Look, which never changes, so identity cannot drift with emotion."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from .facs import Expression, blend, expression, normalise
from .visemes import check_viseme

MAX_YAW = 1.0  # yaw -1..1 is about +-20 degrees of head turn
MAX_TILT_DEG = 12.0


@dataclass(frozen=True)
class FaceState:
    """One frame's face. aus: FACS intensities (see facs.ACTION_UNITS); viseme + viseme_weight:
    the speech mouth shape laid over the expression (weight 0: none); yaw: -1..1 (negative turns
    to the viewer's left); tilt: degrees, clockwise positive; blink: 0 open .. 1 closed (adds to
    AU43); gaze: pupils' offset -1..1 on each axis."""

    aus: Expression = field(default_factory=dict)
    viseme: str = "rest"
    viseme_weight: float = 1.0
    yaw: float = 0.0
    tilt: float = 0.0
    blink: float = 0.0
    gaze: tuple[float, float] = (0.0, 0.0)

    def __post_init__(self) -> None:
        object.__setattr__(self, "aus", normalise(self.aus))
        check_viseme(self.viseme)
        object.__setattr__(self, "yaw", max(-MAX_YAW, min(MAX_YAW, float(self.yaw))))
        object.__setattr__(self, "tilt", max(-MAX_TILT_DEG, min(MAX_TILT_DEG, float(self.tilt))))
        object.__setattr__(self, "blink", max(0.0, min(1.0, float(self.blink))))
        object.__setattr__(self, "viseme_weight", max(0.0, min(1.0, float(self.viseme_weight))))
        gx, gy = self.gaze
        object.__setattr__(self, "gaze", (max(-1.0, min(1.0, float(gx))), max(-1.0, min(1.0, float(gy)))))

    @classmethod
    def for_emotion(cls, emotion: str, intensity: float = 1.0, **kwargs: object) -> FaceState:
        """The face of `emotion` at `intensity`, other fields as given (viseme, yaw, tilt, blink, gaze)."""
        return cls(aus=expression(emotion, intensity), **kwargs)  # type: ignore[arg-type]

    def toward(self, other: FaceState, t: float) -> FaceState:
        """This frame morphed toward `other` by t: AUs, pose, blink and gaze interpolate; the
        viseme switches at t = 0.5 (mouth shapes are targets, not blendable labels)."""
        t = max(0.0, min(1.0, float(t)))

        def lerp(a: float, b: float) -> float:
            return a + (b - a) * t

        return replace(
            self,
            aus=blend(self.aus, other.aus, t),
            viseme=other.viseme if t >= 0.5 else self.viseme,
            viseme_weight=lerp(self.viseme_weight, other.viseme_weight),
            yaw=lerp(self.yaw, other.yaw),
            tilt=lerp(self.tilt, other.tilt),
            blink=lerp(self.blink, other.blink),
            gaze=(lerp(self.gaze[0], other.gaze[0]), lerp(self.gaze[1], other.gaze[1])),
        )
