"""A persona as the AI worker sees it: the parts of its spec (docs/persona-spec.schema.json)
that shape captions, prompts and the emotion engine's starting mood.

    profile = PersonaProfile.from_spec(json.loads(spec_text))
    profile.name, profile.top_traits(2), profile.topics, profile.baseline

from_spec reads what is there and fills gaps with neutral defaults; full validation of a
spec is fame.persona_spec's job (the launchpad checks specs before they reach a worker).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from .emotions import baseline_emotion


@dataclass(frozen=True)
class PersonaProfile:
    name: str
    handle: str | None = None
    traits: tuple[tuple[str, float], ...] = ()  # (name, intensity), strongest first
    art_style: str = "illustration"
    style: str = ""  # visual style description
    prompt_keywords: tuple[str, ...] = ()
    palette: tuple[str, ...] = ()
    tagline: str | None = None
    backstory: str = ""
    topics: tuple[str, ...] = ()
    avoid_topics: tuple[str, ...] = ()
    tone: str | None = None
    formality: str = "casual"
    baseline: str = "calm"  # an EMOTIONS name
    post_interval_s: int | None = None  # the spec's posting.interval_s, if it sets one
    image_every: int | None = None  # the spec's posting.image_every: every n-th post carries a picture
    spec: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_spec(cls, spec: dict[str, Any] | str | bytes) -> PersonaProfile:
        data: dict[str, Any] = json.loads(spec) if isinstance(spec, (str, bytes)) else spec
        vs = data.get("visual_style") or {}
        nar = data.get("narrative") or {}
        voice = nar.get("voice") or {}
        traits = sorted(
            ((str(t["name"]), float(t.get("intensity", 0.5))) for t in data.get("traits") or []), key=lambda t: -t[1]
        )
        return cls(
            name=str(data.get("name") or "Unnamed persona"),
            handle=data.get("handle"),
            traits=tuple(traits),
            art_style=str(vs.get("art_style") or "illustration"),
            style=str(vs.get("description") or ""),
            prompt_keywords=tuple(vs.get("prompt_keywords") or ()),
            palette=tuple(vs.get("palette") or ()),
            tagline=nar.get("tagline"),
            backstory=str(nar.get("backstory") or ""),
            topics=tuple(nar.get("topics") or ()),
            avoid_topics=tuple(nar.get("avoid_topics") or ()),
            tone=voice.get("tone"),
            formality=str(voice.get("formality") or "casual"),
            baseline=baseline_emotion(data),
            post_interval_s=_interval((data.get("posting") or {}).get("interval_s")),
            image_every=_every((data.get("posting") or {}).get("image_every")),
            spec=dict(data),
        )

    def top_traits(self, n: int = 3) -> list[str]:
        return [name for name, _ in self.traits[:n]]

    def style_prompt(self) -> str:
        """Words for a text-to-image prompt: art style, look, keywords."""
        parts = [self.art_style.replace("_", " ") + " style", self.style, ", ".join(self.prompt_keywords)]
        return ", ".join(p for p in parts if p)

    def describe(self) -> str:
        """A few sentences about the persona for a language model's system prompt."""
        lines = [f"You are {self.name}" + (f" (@{self.handle})" if self.handle else "") + ", an AI virtual influencer."]
        if self.tagline:
            lines.append(f"Tagline: {self.tagline}")
        if self.traits:
            lines.append("Personality: " + ", ".join(f"{n} ({i:.1f})" for n, i in self.traits) + ".")
        if self.backstory:
            lines.append("Backstory: " + self.backstory.replace("\n", " "))
        if self.topics:
            lines.append("You post about: " + ", ".join(self.topics) + ".")
        if self.avoid_topics:
            lines.append("Never mention: " + ", ".join(self.avoid_topics) + ".")
        voice = ", ".join(v for v in (self.tone, self.formality) if v)
        if voice:
            lines.append(f"Voice: {voice}.")
        lines.append("Your posts are AI-generated and say so when asked.")
        return "\n".join(lines)


EXAMPLE_SPEC: dict[str, Any] = {
    "spec_version": "1.0",
    "name": "Nova Lux",
    "handle": "nova_lux",
    "traits": [{"name": "curious", "intensity": 0.9}, {"name": "witty", "intensity": 0.6}],
    "visual_style": {
        "art_style": "3d_render",
        "description": "Neon-lit city explorer with silver hair.",
        "prompt_keywords": ["neon", "night city"],
    },
    "narrative": {
        "tagline": "Finding the magic in tomorrow's cities.",
        "backstory": "Nova grew up in a floating city and now reviews the future, one gadget at a time.",
        "voice": {"tone": "playful", "formality": "casual", "languages": ["en"]},
        "topics": ["gadgets", "urbanism"],
        "avoid_topics": ["politics"],
    },
    "emotional_baseline": {"model": "valence_arousal", "valence": 0.6, "arousal": 0.3},
}


def as_profile(persona: PersonaProfile | dict[str, Any] | str | bytes | None) -> PersonaProfile:
    """A PersonaProfile from a profile, a spec dict or spec JSON (None: the example persona)."""
    if persona is None:
        return PersonaProfile.from_spec(EXAMPLE_SPEC)
    if isinstance(persona, PersonaProfile):
        return persona
    return PersonaProfile.from_spec(persona)


def _interval(value: Any) -> int | None:
    """A spec's posting interval in seconds, or None when it gives no usable one."""
    try:
        seconds = int(value)
    except (TypeError, ValueError):
        return None
    return seconds if seconds >= 60 else None


def _every(value: Any) -> int | None:
    """A spec's picture cadence (every n-th post, 1..100), or None when it gives no usable one."""
    if isinstance(value, bool):
        return None
    try:
        n = int(value)
    except (TypeError, ValueError):
        return None
    return n if 1 <= n <= 100 else None
