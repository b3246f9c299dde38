"""Personas the contact sheet shows and the specs the diversity audit treats as "approved":
the repo's own demo personas (docs/examples/*.json, the worker's EXAMPLE_SPEC) plus a cast
written to exercise the rig's range. The cast states skin tones through `overrides` (the
creation screen's manual choice), because a spec's words never imply one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ai_worker.persona import EXAMPLE_SPEC

EXAMPLES_DIR = Path(__file__).resolve().parents[2] / "docs" / "examples"


def _spec(
    name: str,
    handle: str,
    description: str,
    keywords: list[str],
    palette: list[str],
    story: str,
    art: str = "illustration",
) -> dict[str, Any]:
    return {
        "spec_version": "1.0",
        "name": name,
        "handle": handle,
        "traits": [{"name": "friendly", "intensity": 0.7}],
        "visual_style": {"art_style": art, "description": description, "prompt_keywords": keywords, "palette": palette},
        "narrative": {"backstory": story},
        "emotional_baseline": {"model": "valence_arousal", "valence": 0.4, "arousal": 0.1},
    }


# (spec, look overrides) for the contact sheet's eight rows
CAST: list[tuple[dict[str, Any], dict[str, Any]]] = [
    (
        _spec(
            "Amara Osei",
            "amara_osei",
            "Warm smile, curly hair and gold hoops.",
            ["curly hair", "earrings"],
            ["#e07a5f", "#f2cc8f", "#3d405b"],
            "She hosts a cooking show.",
        ),
        {"skin_tone": 8, "hair_colour": "#1d1a1a"},
    ),
    (
        _spec(
            "Kenji Sato",
            "kenji_sato",
            "Neat short hair and rectangular glasses.",
            ["short hair", "glasses", "blazer"],
            ["#2b4162", "#e0e0e0", "#fa9f42"],
            "He reviews cameras and trains.",
        ),
        {"skin_tone": 3, "hair_colour": "#1d1a1a", "eye_shape": "monolid", "age": "adult"},
    ),
    (
        _spec(
            "Lucia Ferreira",
            "lucia_ferreira",
            "Long auburn hair, freckles, a teal turtleneck.",
            ["auburn hair", "freckles", "turtleneck"],
            ["#2a9d8f", "#e9c46a", "#264653"],
            "She paints murals and teaches kids.",
        ),
        {"skin_tone": 2, "hair_style": "long"},
    ),
    (
        _spec(
            "Malik Johnson",
            "malik_johnson",
            "Trimmed beard, hoodie, headphones.",
            ["beard", "hoodie", "headphones", "buzz"],
            ["#6a4c93", "#f1faee", "#ffca3a"],
            "He makes beats and talks about music history.",
        ),
        {"skin_tone": 9, "hair_colour": "#1d1a1a"},
    ),
    (
        _spec(
            "Priya Raman",
            "priya_raman",
            "Black hair in a bun, bright collar shirt.",
            ["black hair", "bun", "shirt"],
            ["#ef476f", "#ffd166", "#073b4c"],
            "She explains space missions.",
        ),
        {"skin_tone": 6, "eye_colour": "#3b2418"},
    ),
    (
        _spec(
            "Sam Rivera",
            "sam_rivera",
            "Pink bob and round glasses.",
            ["pink bob", "bob", "round glasses", "tee"],
            ["#8ecae6", "#ffb703", "#023047"],
            "They review indie games with their community.",
        ),
        {"skin_tone": 5, "presentation": "androgynous"},
    ),
    (
        _spec(
            "Walter Brandt",
            "walter_brandt",
            "Grey hair, moustache, a blazer.",
            ["grey hair", "moustache", "blazer", "quiff"],
            ["#606c38", "#fefae0", "#bc6c25"],
            "He is a retired carpenter who shares woodworking tips.",
        ),
        {"skin_tone": 4},
    ),
    (
        _spec(
            "Zola Mensah",
            "zola_mensah",
            "Long locs and a v-neck in bold colours.",
            ["locs", "earrings"],
            ["#f4a261", "#fefae0", "#6d597a"],
            "She writes poems about city life.",
        ),
        {"skin_tone": 10, "hair_colour": "#2a1d17", "outfit": "vneck"},
    ),
]


def approved_specs() -> list[dict[str, Any]]:
    """The specs the project already ships (docs/examples/*.json and the worker's example persona)."""
    specs = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(EXAMPLES_DIR.glob("*.json"))]
    names = {s.get("name") for s in specs}
    if EXAMPLE_SPEC["name"] not in names:
        specs.append(dict(EXAMPLE_SPEC))
    return specs


def load_specs(path: str | Path) -> list[dict[str, Any]]:
    """A JSON file holding one spec or a list of specs (the audit's --specs input)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if isinstance(data, dict):
        data = data.get("specs", [data]) if "specs" in data else [data]
    if not isinstance(data, list) or not all(isinstance(s, dict) for s in data):
        raise ValueError(f"{path}: expected a persona spec object or a list of them")
    return data
