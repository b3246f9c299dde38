"""Random persona specs for the diversity audit: what a stream of creators might submit. The
words they use are drawn at random (hair, accessories, pronouns, palettes); none states a skin
tone, so the spread measured over them is the rig's own."""

from __future__ import annotations

import random
from typing import Any

from . import colour as C

_SYLLABLES = (
    "ka",
    "lo",
    "mi",
    "ra",
    "ze",
    "no",
    "vi",
    "sa",
    "tu",
    "el",
    "an",
    "jo",
    "ri",
    "da",
    "bel",
    "quin",
    "mar",
    "is",
    "ko",
    "lu",
)
_HAIR = (
    "",
    "",
    "",
    "curly hair",
    "long hair",
    "short hair",
    "bun",
    "ponytail",
    "bob",
    "locs",
    "buzz",
    "quiff",
    "silver hair",
    "red hair",
    "black hair",
    "blonde hair",
)
_EXTRA = (
    "",
    "",
    "",
    "round glasses",
    "glasses",
    "earrings",
    "headphones",
    "freckles",
    "necklace",
    "hoodie",
    "blazer",
    "turtleneck",
)
_STORY = ("She {v}.", "He {v}.", "They {v} with their friends.", "A creator who {v}.")
_VERBS = (
    "reviews gadgets",
    "cooks street food",
    "talks about space",
    "makes music",
    "paints murals",
    "runs marathons",
    "teaches chess",
)
_STYLES = ("illustration", "cartoon", "3d_render", "anime", "painterly")


def random_spec(rng: random.Random) -> dict[str, Any]:
    name = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
    surname = "".join(rng.choice(_SYLLABLES) for _ in range(2)).capitalize()
    words = [w for w in (rng.choice(_HAIR), rng.choice(_EXTRA)) if w]
    hue = rng.random()
    palette = [
        C.rgb_to_hex(C.from_hsv(hue + d, rng.uniform(0.4, 0.8), rng.uniform(0.5, 0.95))) for d in (0.0, 0.45, 0.2)
    ]
    return {
        "spec_version": "1.0",
        "name": f"{name} {surname}",
        "handle": f"{name.lower()}_{surname.lower()}"[:30],
        "traits": [{"name": "curious", "intensity": round(rng.random(), 2)}],
        "visual_style": {
            "art_style": rng.choice(_STYLES),
            "description": ("A persona with " + ", ".join(words) + ".") if words else "A friendly persona.",
            "prompt_keywords": words,
            "palette": palette,
        },
        "narrative": {"backstory": rng.choice(_STORY).format(v=rng.choice(_VERBS))},
        "emotional_baseline": {
            "model": "valence_arousal",
            "valence": round(rng.uniform(-1, 1), 2),
            "arousal": round(rng.uniform(-1, 1), 2),
        },
    }


def random_specs(n: int, seed: int = 0) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    return [random_spec(rng) for _ in range(n)]
