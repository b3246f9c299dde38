"""The avatar rig: one Look, any number of frames.

    rig = AvatarRig(look_from_spec(spec))
    img = rig.render(FaceState.for_emotion("joy"), size=512)         # PIL RGB image
    img = rig.render_emotion("anger", 0.6, viseme="O", blink=0.0)    # the same, shorter
    box = rig.skin_probe(size=512)                                    # the cheek patch, output pixels

Frames are drawn back to front at `supersample` times the output size and box-filtered down.
Rendering is deterministic: the same look, state and size give the same bytes.
"""

from __future__ import annotations

from PIL import Image

from . import anatomy, draw_body, draw_extras, draw_eyes, draw_face, draw_hair, draw_mouth
from .geometry import Frame
from .look import Look
from .painter import Painter
from .palette import colours
from .scene import Scene
from .state import FaceState

RIG_NAME = "fameengine/avatar-rig"
RIG_VERSION = "1.0"
DEFAULT_SIZE = 512


class AvatarRig:
    """Renders one persona's Look in any FaceState (see the module docstring)."""

    def __init__(self, look: Look, supersample: int = 3) -> None:
        self.look = look
        self.supersample = max(1, int(supersample))
        self.colours = colours(look)
        self._backdrops: dict[int, Image.Image] = {}

    def backdrop(self, px: int) -> Image.Image:
        """The persona's background at px pixels, cached: it never changes between frames."""
        if px not in self._backdrops:
            self._backdrops[px] = draw_body.backdrop(px, *self.colours.background)
        return self._backdrops[px]

    def render(self, state: FaceState | None = None, size: int = DEFAULT_SIZE) -> Image.Image:
        state = state or FaceState()
        px = size * self.supersample
        s = Scene(
            look=self.look,
            state=state,
            anat=anatomy.build(self.look, state),
            col=self.colours,
            frame=Frame(px=px, yaw=state.yaw, tilt_deg=state.tilt),
            p=Painter(px, self.backdrop(px)),
            hair_covers_ears=draw_hair.covers_ears(self.look.hair_style),
        )
        draw_body.torso(s)
        draw_hair.back(s)
        draw_body.neck(s)
        draw_face.ears(s)
        draw_face.face(s)
        draw_face.facial_hair(s)
        draw_face.cheeks(s)
        draw_face.lines(s)
        draw_face.nose(s)
        draw_eyes.eyes(s)
        draw_eyes.brows(s)
        draw_mouth.mouth(s)
        draw_hair.front(s)
        draw_extras.glasses(s)
        draw_extras.headphones(s)
        return s.p.downscale(size)

    def render_emotion(
        self, emotion: str, intensity: float = 1.0, size: int = DEFAULT_SIZE, **state: object
    ) -> Image.Image:
        return self.render(FaceState.for_emotion(emotion, intensity, **state), size)

    def landmarks(self, state: FaceState | None = None, size: int = DEFAULT_SIZE) -> dict[str, tuple[float, float]]:
        """Output-pixel positions of the parts a check or a lip-sync step wants: mouth corners and
        centre, eye centres, inner brow ends, nose tip, chin."""
        state = state or FaceState()
        a = anatomy.build(self.look, state)
        f = Frame(px=size, yaw=state.yaw, tilt_deg=state.tilt)

        def pt(xy: tuple[float, float], z: float = 1.0) -> tuple[float, float]:
            x, y = f.head([xy], z)[0]
            return float(x), float(y)

        m = a.mouth
        return {
            "mouth_left": pt(m.corners[0], 1.15),
            "mouth_right": pt(m.corners[1], 1.15),
            "mouth_centre": pt(m.centre, 1.15),
            "mouth_upper_inner": pt(tuple(m.upper_inner[len(m.upper_inner) // 2]), 1.15),
            "mouth_lower_inner": pt(tuple(m.lower_inner[len(m.lower_inner) // 2]), 1.15),
            "eye_left": pt(a.eyes[0].centre),
            "eye_right": pt(a.eyes[1].centre),
            "brow_left_inner": pt(tuple(a.brows[0][0])),
            "brow_right_inner": pt(tuple(a.brows[1][0])),
            "nose_tip": pt(a.nose_tip, 1.4),
            "chin": pt((0.0, a.chin_y), 0.35),
        }

    def skin_probe(self, state: FaceState | None = None, size: int = DEFAULT_SIZE) -> tuple[int, int, int, int]:
        """The cheek patch (left, top, right, bottom in output pixels) that shows the bare skin
        swatch: no feature, shadow, blush or accessory covers it in a front view."""
        state = state or FaceState()
        f = Frame(px=size, yaw=state.yaw, tilt_deg=state.tilt)
        (x0, y0), (x1, y1) = f.head(list(anatomy.SKIN_PROBE), 1.0)
        return int(round(min(x0, x1))), int(round(min(y0, y1))), int(round(max(x0, x1))), int(round(max(y0, y1)))

    def hair_probe(self, size: int = DEFAULT_SIZE) -> tuple[int, int]:
        """A pixel inside the hair above the crown (the same in every frame at rest pose)."""
        f = Frame(px=size)
        x, y = f.head([(self.look.face_width * 0.35, -anatomy.SKULL_TOP + 14)], 0.4)[0]
        return int(round(x)), int(round(y))
