"""A persona's Look: every visual attribute that makes it recognisable (face shape, Monk skin
tone, hair, eyes, brows, lips, outfit, palette, accessories), derived once from its spec and a
seed and then held fixed, so every image and video frame shows the same individual.

    look = look_from_spec(spec)                 # seed from the spec / handle / name
    look = look_from_spec(spec, persona_id=7)   # the id seeds it only if the spec has no handle/name
    look.to_json()                              # what the persona-creation screen can show

Stated hints (spec_hints) win; the seed fills the rest. Each aspect draws from its own
random stream (seeds.sub_rng), so a persona's look survives additions to the rig.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ai_worker.persona import PersonaProfile, as_profile

from . import colour as C
from .monk import MST_HEX, N_TONES
from .seeds import persona_seed, sub_rng
from .spec_hints import SpecHints, hints

FACE_SHAPES = ("oval", "round", "heart", "square", "long")
HAIR_STYLES = ("short", "bob", "long", "curly", "bun", "ponytail", "buzz", "bald", "locs", "quiff")
EYE_SHAPES = ("almond", "round", "hooded", "upturned", "downturned", "monolid")
EYE_COLOURS: dict[str, str] = {
    "dark brown": "#3b2418",
    "brown": "#6b4226",
    "hazel": "#8a6a33",
    "green": "#4f7d46",
    "blue": "#4d7fb8",
    "grey": "#7d8a96",
}
NOSES = ("button", "straight", "broad", "aquiline")
OUTFITS = ("tee", "vneck", "hoodie", "turtleneck", "collar", "blazer")
FACIAL_HAIR = ("none", "stubble", "beard", "moustache")
AGES = ("young", "adult", "mature")
PRESENTATIONS = ("feminine", "masculine", "androgynous")
NATURAL_HAIR: dict[str, str] = {
    "black": "#1d1a1a",
    "dark brown": "#3a2518",
    "brown": "#5b3a23",
    "auburn": "#8a3a1e",
    "blonde": "#d9b66a",
    "red": "#b2401e",
}
GREYS = ("#b9b9b9", "#d6d6d2", "#8f8f8f")
ART_STYLES = ("photorealistic", "3d_render", "anime", "cartoon", "illustration", "painterly", "pixel_art", "other")


@dataclass(frozen=True)
class Look:
    """The fixed visual identity of one persona (rig units: the canvas is 1000 wide)."""

    seed: int
    skin_tone: int  # Monk Skin Tone 1..10
    skin: str  # the MST swatch, #rrggbb
    face_shape: str
    face_width: float  # half-width of the face
    face_length: float  # chin distance below the eye line
    hair_style: str
    hair_colour: str
    hair_volume: float
    eye_shape: str
    eye_colour: str
    eye_size: float  # eye half-width
    eye_spacing: float  # eye centre distance from the face's middle
    brow_thickness: float
    brow_arch: float
    nose: str
    lip_fullness: float
    lip_colour: str
    outfit: str
    outfit_colours: tuple[str, str, str]  # main, secondary, accent
    background: tuple[str, str]  # top, bottom of the backdrop gradient
    accessories: tuple[str, ...]
    facial_hair: str
    freckles: bool
    age: str
    presentation: str
    art_style: str

    def to_json(self) -> dict[str, Any]:
        out = dataclasses.asdict(self)
        out["outfit_colours"] = list(self.outfit_colours)
        out["background"] = list(self.background)
        out["accessories"] = list(self.accessories)
        return out

    def with_changes(self, **changes: Any) -> Look:
        """A copy with some attributes replaced (the creation screen's manual overrides);
        setting skin_tone also sets the matching swatch."""
        if "skin_tone" in changes and "skin" not in changes:
            changes["skin"] = MST_HEX[int(changes["skin_tone"]) - 1]
        return dataclasses.replace(self, **changes)


def look_from_spec(
    spec: PersonaProfile | dict[str, Any] | str | bytes | None,
    seed: int | None = None,
    persona_id: Any = None,
    overrides: dict[str, Any] | None = None,
) -> Look:
    """The Look of a persona spec (a dict, JSON text or PersonaProfile). seed: overrides the
    derived seed; persona_id: the seed source when the spec has no handle or name; overrides: attributes to
    force (validated like the rest)."""
    profile = as_profile(spec)
    if profile.spec or not isinstance(spec, PersonaProfile):
        data = profile.spec
    else:  # a hand-made profile without its spec: its name and handle still seed it
        data = {"name": profile.name, "handle": profile.handle}
    base_seed = int(seed) if seed is not None else persona_seed(data, persona_id)
    look = derive(base_seed, hints(data), profile.art_style)
    if overrides:
        look = look.with_changes(**overrides)
    validate(look)
    return look


def derive(seed: int, h: SpecHints, art_style: str = "illustration") -> Look:
    """The Look for a seed and a spec's hints (the seed decides whatever the hints leave open)."""

    def pick(aspect: str, options: tuple[str, ...] | list[str], weights: Sequence[float] | None = None) -> str:
        return sub_rng(seed, aspect).choices(list(options), weights=weights)[0]

    def uniform(aspect: str, lo: float, hi: float) -> float:
        return round(sub_rng(seed, aspect).uniform(lo, hi), 3)

    def chance(aspect: str, p: float) -> bool:
        return sub_rng(seed, aspect).random() < p

    presentation = h.presentation or pick("presentation", PRESENTATIONS)
    age = h.age or pick("age", AGES)
    tone = h.skin_tone or sub_rng(seed, "skin").randint(1, N_TONES)
    fem, masc = presentation == "feminine", presentation == "masculine"

    shape_w = {"feminine": [3, 2, 3, 1, 2], "masculine": [2, 2, 1, 4, 2], "androgynous": [3, 2, 2, 2, 2]}[presentation]
    face_shape = pick("face_shape", FACE_SHAPES, shape_w)
    base_w = {"oval": 148, "round": 160, "heart": 152, "square": 158, "long": 140}[face_shape]
    base_l = {"oval": 195, "round": 180, "heart": 190, "square": 188, "long": 212}[face_shape]
    face_width = base_w + uniform("face_width", -6, 6) + (4 if masc else 0)
    face_length = base_l + uniform("face_length", -6, 6) + (5 if masc else 0)

    style_w = {
        "feminine": [2, 3, 4, 3, 3, 3, 1, 0.3, 2, 0.5],
        "masculine": [5, 1, 1, 3, 0.7, 0.7, 3, 2, 2, 3],
        "androgynous": [4, 3, 2, 3, 1.5, 1, 2, 1, 2, 2],
    }[presentation]
    hair_style = h.hair_style or pick("hair_style", HAIR_STYLES, style_w)
    if h.hair_colour:
        hair_colour = h.hair_colour
    elif age == "mature" and chance("greying", 0.6):
        hair_colour = pick("grey", GREYS)
    elif chance("dyed", 0.15):
        hair_colour = pick("dye", ["#1fa99c", "#ee8fb7", "#b39ddb", "#3d6fd1", "#f2c14e"])
    else:
        hair_colour = NATURAL_HAIR[pick("hair_colour", list(NATURAL_HAIR), [4, 4, 3, 1.5, 1.5, 1])]
    hair_volume = uniform("hair_volume", 0.8, 1.2)

    eye_shape = pick("eye_shape", EYE_SHAPES)
    eye_colour = EYE_COLOURS[pick("eye_colour", list(EYE_COLOURS), [5, 4, 2, 1.5, 1.5, 1])]
    eye_size = uniform("eye_size", 33, 37) * (1.15 if art_style == "anime" else 1.0) * (1.03 if age == "young" else 1.0)
    eye_spacing = uniform("eye_spacing", 63, 68)
    brow_thickness = uniform("brow_thickness", 9, 12) + (3 if masc else 0) - (1 if fem else 0)
    brow_arch = uniform("brow_arch", 0.2, 1.0)
    nose = pick("nose", NOSES, [3, 3, 2, 1])
    lip_fullness = (
        uniform("lips", 0.8, 1.25) * (1.08 if fem else 0.92 if masc else 1.0) * (0.9 if age == "mature" else 1)
    )
    skin = C.hex_to_rgb(MST_HEX[tone - 1])
    depth = min(1.0, C.luminance(skin) / 0.45)  # deep tones get deeper, mauve lips, never lighter ones
    lip_target = C.scale((176, 72, 82), 0.4 + 0.6 * depth)
    lip_base = C.mix(C.shade(skin, 0.82, 0.25), lip_target, 0.3 if fem else 0.18)
    lip_colour = C.rgb_to_hex(lip_base)

    outfit = h.outfit or pick("outfit", OUTFITS)
    outfit_colours = _outfit_colours(seed, h.palette)
    background = _background(outfit_colours[0], seed)

    accessories = list(h.accessories)
    if not any(a.startswith("glasses") for a in accessories) and chance("glasses", 0.25):
        accessories.append(pick("glasses_kind", ["glasses_round", "glasses_rect", "glasses_cat"]))
    if "earrings" not in accessories and chance("earrings", 0.6 if fem else 0.2):
        accessories.append("earrings")
    if "necklace" not in accessories and outfit in ("tee", "vneck") and chance("necklace", 0.2):
        accessories.append("necklace")
    if "headphones" not in accessories and hair_style not in ("bun", "curly") and chance("headphones", 0.06):
        accessories.append("headphones")
    if h.facial_hair is not None:
        facial_hair = h.facial_hair
    else:
        p_hair = 0.5 if masc else 0.1 if presentation == "androgynous" else 0.0
        facial_hair = (
            pick("facial_hair_kind", ["stubble", "beard", "moustache"], [3, 3, 1])
            if chance("facial_hair", p_hair)
            else "none"
        )
    freckles = h.freckles if h.freckles is not None else chance("freckles", 0.15)
    return Look(
        seed=seed,
        skin_tone=tone,
        skin=MST_HEX[tone - 1],
        face_shape=face_shape,
        face_width=round(face_width, 2),
        face_length=round(face_length, 2),
        hair_style=hair_style,
        hair_colour=hair_colour,
        hair_volume=hair_volume,
        eye_shape=eye_shape,
        eye_colour=eye_colour,
        eye_size=round(eye_size, 2),
        eye_spacing=eye_spacing,
        brow_thickness=round(brow_thickness, 2),
        brow_arch=brow_arch,
        nose=nose,
        lip_fullness=round(lip_fullness, 3),
        lip_colour=lip_colour,
        outfit=outfit,
        outfit_colours=outfit_colours,
        background=background,
        accessories=tuple(sorted(accessories)),
        facial_hair=facial_hair,
        freckles=bool(freckles),
        age=age,
        presentation=presentation,
        art_style=art_style if art_style in ART_STYLES else "other",
    )


def _outfit_colours(seed: int, palette: tuple[str, ...]) -> tuple[str, str, str]:
    """The spec's palette first; missing colours come from a seeded, pleasant hue triad."""
    rng = sub_rng(seed, "palette")
    hue = rng.random()
    made = [
        C.rgb_to_hex(C.from_hsv(hue, rng.uniform(0.45, 0.7), rng.uniform(0.55, 0.8))),
        C.rgb_to_hex(C.from_hsv(hue + 0.5, rng.uniform(0.15, 0.35), rng.uniform(0.85, 0.95))),
        C.rgb_to_hex(C.from_hsv(hue + rng.choice([0.33, -0.33]), rng.uniform(0.55, 0.8), rng.uniform(0.75, 0.95))),
    ]
    colours = list(palette[:3]) + made[len(palette[:3]) :]
    return colours[0].lower(), colours[1].lower(), colours[2].lower()


def _background(main: str, seed: int) -> tuple[str, str]:
    """A calm backdrop tinted by the outfit's main colour: light, low-saturation, never tied to
    emotion (the face carries the emotion)."""
    h, s, _ = C.hsv(C.hex_to_rgb(main))
    hue = h + sub_rng(seed, "backdrop").uniform(-0.08, 0.08)
    top = C.from_hsv(hue, min(0.22, s * 0.35 + 0.05), 0.93)
    bottom = C.from_hsv(hue, min(0.28, s * 0.45 + 0.08), 0.80)
    return C.rgb_to_hex(top), C.rgb_to_hex(bottom)


def validate(look: Look) -> None:
    """Reject a Look the rig cannot draw (a bad override), naming the field."""
    choices = {
        "face_shape": FACE_SHAPES,
        "hair_style": HAIR_STYLES,
        "eye_shape": EYE_SHAPES,
        "nose": NOSES,
        "outfit": OUTFITS,
        "facial_hair": FACIAL_HAIR,
        "age": AGES,
        "presentation": PRESENTATIONS,
    }
    for name, allowed in choices.items():
        if getattr(look, name) not in allowed:
            raise ValueError(f"look.{name} = {getattr(look, name)!r}; use one of: {', '.join(allowed)}")
    if not 1 <= look.skin_tone <= N_TONES or look.skin != MST_HEX[look.skin_tone - 1]:
        raise ValueError(f"look.skin_tone {look.skin_tone} / skin {look.skin} are not one Monk scale swatch")
    for value in (look.hair_colour, look.eye_colour, look.lip_colour, *look.outfit_colours, *look.background):
        C.hex_to_rgb(value)


def look_json(look: Look) -> str:
    return json.dumps(look.to_json(), sort_keys=True)
