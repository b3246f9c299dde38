"""What a persona spec's words say about its look: explicit mentions in the visual style
("teal hair", "round glasses", "curly") and the pronouns its narrative uses. The rig takes a
hint only where the spec states it; skin tone is taken only from an explicit Monk scale
reference ("MST 7", "monk 7", "skin tone 7"), never guessed from names or other words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

HAIR_COLOURS: dict[str, str] = {
    "teal": "#1fa99c",
    "silver": "#c9ccd6",
    "platinum": "#ece3c9",
    "white": "#eeeeee",
    "grey": "#9c9c9c",
    "gray": "#9c9c9c",
    "black": "#1d1a1a",
    "brown": "#5b3a23",
    "chestnut": "#6e3b1f",
    "auburn": "#8a3a1e",
    "red": "#b2401e",
    "ginger": "#c15a22",
    "copper": "#b8602c",
    "blonde": "#d9b66a",
    "blond": "#d9b66a",
    "golden": "#d7a844",
    "pink": "#ee8fb7",
    "purple": "#7b4fb0",
    "lavender": "#b39ddb",
    "violet": "#7b4fb0",
    "blue": "#3d6fd1",
    "green": "#3f9a52",
    "orange": "#e07b2a",
}

HAIR_STYLES: dict[str, str] = {
    "afro": "curly",
    "curly": "curly",
    "curls": "curly",
    "bun": "bun",
    "ponytail": "ponytail",
    "bob": "bob",
    "long hair": "long",
    "short hair": "short",
    "buzz": "buzz",
    "shaved": "buzz",
    "bald": "bald",
    "locs": "locs",
    "dreadlocks": "locs",
    "braids": "locs",
    "quiff": "quiff",
    "pompadour": "quiff",
}

ACCESSORIES: dict[str, str] = {
    "round glasses": "glasses_round",
    "glasses": "glasses_rect",
    "spectacles": "glasses_round",
    "earrings": "earrings",
    "earring": "earrings",
    "hoops": "earrings",
    "headphones": "headphones",
    "necklace": "necklace",
    "pendant": "necklace",
}

OUTFITS: dict[str, str] = {
    "hoodie": "hoodie",
    "turtleneck": "turtleneck",
    "blazer": "blazer",
    "suit": "blazer",
    "t-shirt": "tee",
    "tee": "tee",
    "shirt": "collar",
}

_PRONOUNS = {
    "feminine": re.compile(r"\b(she|her|hers|herself)\b", re.I),
    "masculine": re.compile(r"\b(he|him|his|himself)\b", re.I),
    "androgynous": re.compile(r"\b(they|them|their|themself|xe|xem)\b", re.I),
}
_MST = re.compile(r"\b(?:mst|monk|skin[ -]?tone)[ -]?(10|[1-9])\b", re.I)
_AGE = {
    "young": re.compile(r"\b(teen|teenage|young|student|twenty-something)\b", re.I),
    "mature": re.compile(r"\b(retired|grandmother|grandfather|grandma|grandpa|veteran|elder|elderly)\b", re.I),
}


@dataclass(frozen=True)
class SpecHints:
    """Look attributes a spec states outright; None / empty where it says nothing."""

    hair_colour: str | None = None
    hair_style: str | None = None
    accessories: tuple[str, ...] = ()
    outfit: str | None = None
    freckles: bool | None = None
    facial_hair: str | None = None
    skin_tone: int | None = None
    presentation: str | None = None
    age: str | None = None
    palette: tuple[str, ...] = field(default_factory=tuple)


def _visual_text(spec: dict[str, Any]) -> str:
    vs = spec.get("visual_style") or {}
    return " ".join([str(vs.get("description") or ""), *map(str, vs.get("prompt_keywords") or ())]).lower()


def hints(spec: dict[str, Any]) -> SpecHints:
    """Read the look hints out of a persona spec (see the module docstring for what counts)."""
    text = _visual_text(spec)
    hair_colour = None
    for word, colour in HAIR_COLOURS.items():
        if re.search(rf"\b{word}[- ](?:hair|haired|curls|locs|braids|bob)\b", text):
            hair_colour = colour
            break
    hair_style = next((s for w, s in HAIR_STYLES.items() if re.search(rf"\b{w}\b", text)), None)
    acc: list[str] = []
    for word, item in ACCESSORIES.items():
        if re.search(rf"\b{word}\b", text) and not (
            item.startswith("glasses") and any(a.startswith("glasses") for a in acc)
        ):
            acc.append(item)
    outfit = next((o for w, o in OUTFITS.items() if re.search(rf"\b{w}\b", text)), None)
    freckles = True if "freckle" in text else None
    facial_hair = None
    if re.search(r"\bbeard(ed)?\b", text):
        facial_hair = "beard"
    elif re.search(r"\bmoustache|mustache\b", text):
        facial_hair = "moustache"
    elif re.search(r"\bstubble\b", text):
        facial_hair = "stubble"
    elif "clean-shaven" in text or "clean shaven" in text:
        facial_hair = "none"
    mst = _MST.search(text)
    nar = spec.get("narrative") or {}
    story = " ".join([str(nar.get("backstory") or ""), str(nar.get("tagline") or ""), text])
    counts = {k: len(p.findall(story)) for k, p in _PRONOUNS.items()}
    counts["androgynous"] = counts["androgynous"] // 2  # "their audience" is common; need more to count
    presentation = max(counts, key=lambda k: counts[k]) if max(counts.values()) > 0 else None
    age = next((a for a, p in _AGE.items() if p.search(story)), None)
    vs = spec.get("visual_style") or {}
    palette = tuple(str(c) for c in vs.get("palette") or () if re.fullmatch(r"#[0-9A-Fa-f]{6}", str(c)))
    return SpecHints(
        hair_colour=hair_colour,
        hair_style=hair_style,
        accessories=tuple(acc),
        outfit=outfit,
        freckles=freckles,
        facial_hair=facial_hair,
        skin_tone=int(mst.group(1)) if mst else None,
        presentation=presentation,
        age=age,
        palette=palette,
    )
