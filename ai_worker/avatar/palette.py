"""The colours one Look paints with (skin and its shadow/light, feature lines, hair, lips),
worked out once per render so every part agrees, and chosen so features read on every Monk
tone: lines are darkened skin (never flat black) and deep tones get more highlight instead."""

from __future__ import annotations

from dataclasses import dataclass

from . import colour as C
from .colour import RGB
from .look import Look


@dataclass(frozen=True)
class Colours:
    skin: RGB
    skin_shadow: RGB
    skin_deep: RGB  # contact shadows: under hair, chin on neck, inside ears
    skin_light: RGB
    line: RGB  # lash line, nostrils, lip line
    soft_line: RGB  # creases, folds
    blush: RGB
    hair: RGB
    hair_shadow: RGB
    hair_light: RGB
    brow: RGB
    lips: RGB
    lips_dark: RGB
    mouth: RGB
    teeth: RGB
    tongue: RGB
    sclera: RGB
    iris: RGB
    outfit: tuple[RGB, RGB, RGB]
    background: tuple[RGB, RGB]
    metal: RGB


def colours(look: Look) -> Colours:
    skin = C.hex_to_rgb(look.skin)
    lum = C.luminance(skin)
    deep = lum < 0.06
    hair = C.hex_to_rgb(look.hair_colour)
    hair_lum = C.luminance(hair)
    lips = C.hex_to_rgb(look.lip_colour)
    line = C.mix(skin, (28, 14, 12), 0.55 if not deep else 0.6)
    brow = C.mix(hair, (25, 18, 15), 0.35 if hair_lum > 0.25 else 0.1)
    _, sat, _ = C.hsv(hair)
    if sat > 0.45:  # dyed hair: natural-looking dark brows with a hint of the dye
        brow = C.mix(hair, (40, 28, 24), 0.7)
    if hair_lum > 0.5:  # white / platinum hair: brows a touch darker so they still show
        brow = C.mix(hair, C.shade(skin, 0.6), 0.45)
    return Colours(
        skin=skin,
        skin_shadow=C.shade(skin, 0.84 if not deep else 0.8, 0.06),
        skin_deep=C.shade(skin, 0.7 if not deep else 0.62, 0.08),
        skin_light=C.mix(skin, (255, 236, 214), 0.35 if not deep else 0.3),
        line=line,
        soft_line=C.mix(skin, line, 0.55),
        blush=C.mix(skin, (226, 92, 104), 0.55 if not deep else 0.35),
        hair=hair,
        hair_shadow=C.shade(hair, 0.68 if hair_lum > 0.05 else 0.8),
        hair_light=C.mix(hair, (255, 255, 255) if hair_lum > 0.05 else (150, 150, 175), 0.32),
        brow=brow,
        lips=lips,
        lips_dark=C.shade(lips, 0.78, 0.05),
        mouth=C.mix(C.shade(lips, 0.35), (40, 12, 18), 0.5),
        teeth=(246, 242, 234),
        tongue=C.mix(lips, (214, 96, 108), 0.6),
        sclera=(250, 248, 244),
        iris=C.hex_to_rgb(look.eye_colour),
        outfit=(
            C.hex_to_rgb(look.outfit_colours[0]),
            C.hex_to_rgb(look.outfit_colours[1]),
            C.hex_to_rgb(look.outfit_colours[2]),
        ),
        background=(C.hex_to_rgb(look.background[0]), C.hex_to_rgb(look.background[1])),
        metal=(214, 176, 92),
    )
