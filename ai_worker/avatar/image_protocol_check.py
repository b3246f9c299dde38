"""Whether an object satisfies the content pipeline's ImageGenerator protocol (runtime check)."""

from __future__ import annotations

from ai_worker.image_model import ImageGenerator


def is_image_generator(obj: object) -> bool:
    return isinstance(obj, ImageGenerator)
