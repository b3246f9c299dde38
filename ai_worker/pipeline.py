"""One content request end to end, minus the chain: emotion hint, image, caption, signed
manifest. The worker service (ai_worker.service) reads requests from the content market, calls
`ContentPipeline.make`, `publish`es the item and posts the CIDs on chain.

    pipe = ContentPipeline(signer=account, engine=EmotionEngine(state_dir, prior=load_prior()))
    item = pipe.make(persona_id=7, request_id=12, spec=spec, brief="rooftop garden")
    cids = publish(item, get_backend())
"""

from __future__ import annotations

import io
from typing import Any

from PIL import Image

from .captions import Captioner, PersonaLike, TemplateCaptioner
from .emotion_engine import EmotionEngine
from .emotions import check
from .image_model import ImageGenerator, default_generator
from .manifest import ContentItem, make_item
from .model_info import ModelInfo
from .persona import as_profile

ENGINE_INFO = ModelInfo("fameengine/emotion-engine", "1", "tabular Q-learning Q(s,a,e), epsilon-greedy")


def request_seed(persona_id: Any, request_id: Any) -> int:
    """The default seed of a request: keccak256("fameengine:<persona>:<request>") mod 2**31."""
    from eth_utils import keccak

    return int.from_bytes(keccak(f"fameengine:{persona_id}:{request_id}".encode()), "big") % 2**31


def png_bytes(image: Image.Image) -> bytes:
    """PNG bytes of an image; the same pixels always give the same bytes (no timestamps)."""
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return buf.getvalue()


class ContentPipeline:
    """generator: an ImageGenerator (default: the embedded model); captioner: a Captioner
    (default: the offline template captioner); engine: an EmotionEngine for the emotion
    hint (None: the persona's baseline emotion unless one is asked for)."""

    def __init__(
        self,
        signer: Any,
        generator: ImageGenerator | None = None,
        captioner: Captioner | None = None,
        engine: EmotionEngine | None = None,
    ) -> None:
        self.signer = signer
        self.generator = generator or default_generator()
        self.captioner = captioner or TemplateCaptioner()
        self.engine = engine

    def make(
        self,
        persona_id: Any,
        request_id: Any,
        spec: PersonaLike,
        brief: str | None = None,
        seed: int | None = None,
        emotion: str | None = None,
        engagement_state: str | None = None,
    ) -> ContentItem:
        profile = as_profile(spec)
        seed = request_seed(persona_id, request_id) if seed is None else int(seed)
        models: dict[str, Any] = {"image": self.generator.info, "caption": self.captioner.info}
        state = None
        if emotion is None and self.engine is not None:
            emotion = self.engine.next_emotion(persona_id, engagement_state, baseline=profile.baseline)
            state = self.engine.emotional_state(persona_id)
            models["emotion"] = ENGINE_INFO
        emotion = check(emotion or profile.baseline)
        image = self.generator.generate(emotion, seed, prompt=brief)
        caption = self.captioner.caption(profile, emotion, seed, brief)
        return make_item(
            content=png_bytes(image),
            signer=self.signer,
            filename="image.png",
            persona_id=persona_id,
            request_id=request_id,
            models=models,
            brief=brief,
            emotion=emotion,
            seed=seed,
            persona_name=profile.name,
            caption=caption,
            emotional_state=state,
        )
