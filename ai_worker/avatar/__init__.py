"""A persona's visual identity: a parametric 2D avatar rig.

    from ai_worker.avatar import AvatarRig, FaceState, look_from_spec
    rig = AvatarRig(look_from_spec(spec))                    # the look never changes
    frame = rig.render(FaceState.for_emotion("joy", 0.8, viseme="O", blink=0.0, yaw=0.2), 512)

Modules, one concern each: monk (Monk Skin Tone swatches), look (the fixed identity),
facs (emotions as action units), visemes (speech mouth shapes), state (one frame), anatomy
(where parts are), draw_* (painting them), rig (rendering), generator (the content pipeline's
ImageGenerator), measure / audit / report / diversity (the diversity audit), contact_sheet.
"""

from __future__ import annotations

from .facs import ACTION_UNITS, EMOTION_AUS, blend, expression, mix
from .look import Look, look_from_spec
from .monk import MST_HEX, nearest_tone
from .rig import RIG_NAME, RIG_VERSION, AvatarRig
from .state import FaceState
from .visemes import VISEME_NAMES, viseme_for_phoneme

__all__ = [
    "ACTION_UNITS",
    "EMOTION_AUS",
    "MST_HEX",
    "RIG_NAME",
    "RIG_VERSION",
    "VISEME_NAMES",
    "AvatarRig",
    "FaceState",
    "Look",
    "blend",
    "expression",
    "look_from_spec",
    "mix",
    "nearest_tone",
    "viseme_for_phoneme",
]
