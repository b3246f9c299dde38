"""The rig behind the content pipeline's ImageGenerator protocol (ai_worker.image_model).

The protocol's generate(emotion, seed, prompt) carries no persona, so a generator is bound to
one persona (AvatarImageGenerator(spec)), or re-bound per request by AvatarContentPipeline,
which a worker can use in place of ContentPipeline:

    gen = AvatarImageGenerator(spec, persona_id=7)
    img = gen.generate("joy", seed=42)            # 512x512, the persona's fixed look
    pipe = AvatarContentPipeline(signer)          # binds each request's persona itself
    item = pipe.make(persona_id=7, request_id=12, spec=spec, brief="rooftop garden")

The request seed never changes who the persona is: it only picks a small head turn, tilt and
gaze, so two posts in the same emotion are not pixel copies.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from PIL import Image

from ai_worker.emotions import check
from ai_worker.manifest import ContentItem
from ai_worker.model_info import ModelInfo
from ai_worker.pipeline import ContentPipeline

from .look import Look, look_from_spec
from .rig import DEFAULT_SIZE, RIG_NAME, RIG_VERSION, AvatarRig
from .seeds import sub_rng
from .state import FaceState

INFO = ModelInfo(RIG_NAME, RIG_VERSION, "parametric 2D avatar rig (FACS action units, Monk skin tones)")

_bound: contextvars.ContextVar[AvatarRig | None] = contextvars.ContextVar("avatar_rig", default=None)


def request_pose(seed: int) -> dict[str, Any]:
    """The small, seed-chosen pose of one request's picture (identity is untouched)."""
    rng = sub_rng(int(seed), "request-pose")
    return {
        "yaw": round(rng.uniform(-0.35, 0.35), 3),
        "tilt": round(rng.uniform(-4.0, 4.0), 2),
        "gaze": (round(rng.uniform(-0.3, 0.3), 3), round(rng.uniform(-0.2, 0.2), 3)),
    }


class AvatarImageGenerator:
    """An ImageGenerator that draws one persona with the avatar rig.

    persona: a spec dict / JSON / PersonaProfile (None: the example persona) or a ready Look;
    persona_id: seeds the look from the on-chain id; size: output side (>= 64);
    vary_pose: False draws every request head-on (identical framing for every seed)."""

    def __init__(
        self,
        persona: Any = None,
        persona_id: Any = None,
        size: int = DEFAULT_SIZE,
        vary_pose: bool = True,
        supersample: int = 3,
    ) -> None:
        if size < 64:
            raise ValueError(f"avatar size must be at least 64 pixels, not {size}")
        self.size = int(size)
        self.vary_pose = vary_pose
        self.supersample = supersample
        self.rig = self._rig(persona, persona_id)
        self.info = INFO
        self._cache: dict[Look, AvatarRig] = {}
        self._lock = threading.Lock()

    def _rig(self, persona: Any, persona_id: Any) -> AvatarRig:
        look = persona if isinstance(persona, Look) else look_from_spec(persona, persona_id=persona_id)
        return AvatarRig(look, supersample=self.supersample)

    @property
    def look(self) -> Look:
        return (_bound.get() or self.rig).look

    @contextmanager
    def bound(self, persona: Any, persona_id: Any = None) -> Iterator[AvatarRig]:
        """Draw `persona` instead of the constructor's one inside the block (per thread/task)."""
        rig = self._rig(persona, persona_id)
        with self._lock:
            rig = self._cache.setdefault(rig.look, rig)  # keeps its cached backdrops
        token = _bound.set(rig)
        try:
            yield rig
        finally:
            _bound.reset(token)

    def state(self, emotion: str, seed: int) -> FaceState:
        pose = request_pose(seed) if self.vary_pose else {}
        return FaceState.for_emotion(check(emotion), 1.0, **pose)

    def generate(self, emotion: str, seed: int, prompt: str | None = None) -> Image.Image:
        """The persona in `emotion`; the prompt is recorded by the pipeline but cannot steer a rig."""
        rig = _bound.get() or self.rig
        return rig.render(self.state(emotion, seed), self.size)


class AvatarContentPipeline(ContentPipeline):
    """ContentPipeline whose pictures are the requested persona drawn by the rig."""

    def __init__(self, signer: Any, generator: AvatarImageGenerator | None = None, **kwargs: Any) -> None:
        super().__init__(signer, generator=generator or AvatarImageGenerator(), **kwargs)

    def make(self, persona_id: Any, request_id: Any, spec: Any, *args: Any, **kwargs: Any) -> ContentItem:
        gen = self.generator
        assert isinstance(gen, AvatarImageGenerator)
        with gen.bound(spec, persona_id=persona_id):
            return super().make(persona_id, request_id, spec, *args, **kwargs)
