"""Pictures for scheduled posts: the persona in the post's emotion.

`Pictures` is what the runtime calls: (profile, emotion, seed) -> (PNG bytes, the model that
drew it). `avatar_pictures` (the default) draws the persona with its avatar rig, the same look
its paid pictures and videos have; `generator_pictures` adapts any other
`ai_worker.image_model.ImageGenerator`, with the persona's style as its prompt.
"""

from __future__ import annotations

from collections.abc import Callable

from ..image_model import ImageGenerator
from ..model_info import ModelInfo
from ..persona import PersonaProfile
from ..pipeline import png_bytes

Pictures = Callable[[PersonaProfile, str, int], tuple[bytes, ModelInfo]]


def avatar_pictures(size: int = 512) -> Pictures:
    """A `Pictures` that draws each post's persona with the avatar rig (its look comes from the
    spec alone, so a post and a paid picture of one persona show the same face)."""
    from ..avatar.generator import AvatarImageGenerator

    gen = AvatarImageGenerator(size=size)

    def picture(profile: PersonaProfile, emotion: str, seed: int) -> tuple[bytes, ModelInfo]:
        with gen.bound(profile):
            image = gen.generate(emotion, seed)
        return png_bytes(image), gen.info

    return picture


def generator_pictures(generator: ImageGenerator | None = None) -> Pictures:
    """A `Pictures` over `generator` (None: the process-wide embedded generator, on first call)."""
    chosen: list[ImageGenerator] = [generator] if generator is not None else []

    def picture(profile: PersonaProfile, emotion: str, seed: int) -> tuple[bytes, ModelInfo]:
        if not chosen:
            from ..image_model import default_generator

            chosen.append(default_generator())
        gen = chosen[0]
        image = gen.generate(emotion, seed, prompt=profile.style_prompt() or None)
        return png_bytes(image), gen.info

    return picture
