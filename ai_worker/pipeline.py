"""One content request end to end, minus the chain: emotion hint, image (or voice message, or
video), caption, content credentials, signed manifest. The worker service (ai_worker.service)
reads requests from the content market, calls `ContentPipeline.make` (or `make_voice`,
`make_video`), `publish`es the item and posts the CIDs on chain.

    pipe = ContentPipeline(signer=account, engine=EmotionEngine(state_dir, prior=load_prior()),
                           credentials=ensure_credentials(state_dir, account))
    item = pipe.make(persona_id=7, request_id=12, spec=spec, brief="rooftop garden")
    cids = publish(item, get_backend())

With credentials, every file carries a C2PA manifest signed by the worker's certificate
(ai_worker.credentials) and pictures and video frames an invisible watermark naming the
persona and the request; the JSON manifest is then built around the signed bytes, so its
content CID and sha256 are those of the file as published, which is what `fulfil` anchors.
"""

from __future__ import annotations

import io
from contextlib import nullcontext
from typing import Any

from PIL import Image

from fame.errors import FameError
from fame.moderation import moderate

from .captions import Captioner, PersonaLike, TemplateCaptioner
from .credentials.sealer import Sealer
from .emotion_engine import EmotionEngine
from .emotions import check
from .image_model import ImageGenerator, default_generator
from .manifest import Attachment, ContentItem, brief_hash, make_item
from .model_info import ModelInfo
from .persona import as_profile

ENGINE_INFO = ModelInfo("fameengine/emotion-engine", "1", "tabular Q-learning Q(s,a,e), epsilon-greedy")


#: Tries at writing text moderation lets through (each with the next seed) before the request is held.
MODERATION_TRIES = 3
#: Emotions a persona may voice in strongly negative words: a sad or angry caption is in
#: character, so for these only the word list holds text; for the others very negative
#: sentiment is held too, as a fan's comment would be.
NEGATIVE_EMOTIONS = frozenset({"sadness", "anger", "fear"})


def text_problem(text: str, emotion: str) -> str | None:
    """Why generated text in `emotion` must not be published (fame.moderation), or None."""
    from fame.moderation import profane_phrase

    phrase = profane_phrase(text)
    if phrase is not None:
        return f"profanity: {phrase!r} is on the word list"
    verdict = moderate(text)
    return verdict.reason if verdict.held and emotion not in NEGATIVE_EMOTIONS else None


class HeldByModeration(FameError):
    """Everything the models wrote for a request failed moderation: nothing is published."""

    def __init__(self, reason: str, text: str) -> None:
        super().__init__(f"generated text held for review ({reason}): {text[:200]!r}")
        self.reason, self.text = reason, text


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
        credentials: Any = None,
        writer: Any = None,
    ) -> None:
        self.signer = signer
        self.generator = generator or default_generator()
        self.captioner = captioner or TemplateCaptioner()
        self.engine = engine
        # ai_worker.credentials.WorkerCredentials: sign and watermark what is made (None: neither)
        self.credentials = credentials
        self.sealer = Sealer(credentials)
        # an ai_worker.runtime.writer.Writer for video scripts (None: the video module's default)
        self.writer = writer

    def _emotion(
        self, persona_id: Any, baseline: str, emotion: str | None, engagement_state: str | None
    ) -> tuple[str, str | None, bool]:
        """(emotion, the engine's emotional state or None, whether the engine chose it)."""
        if emotion is None and self.engine is not None:
            chosen = self.engine.next_emotion(persona_id, engagement_state, baseline=baseline)
            return check(chosen), self.engine.emotional_state(persona_id), True
        return check(emotion or baseline), None, False

    def caption(self, profile: Any, emotion: str, seed: int, brief: str | None) -> str:
        """The captioner's text for the brief, through the moderation step fans' comments pass:
        a flagged text is written again with the next seed, and after MODERATION_TRIES flagged
        ones the request is held (HeldByModeration), never published."""
        text, reason = "", ""
        for attempt in range(MODERATION_TRIES):
            text = self.captioner.caption(profile, emotion, seed + attempt, brief)
            problem = text_problem(text, emotion)
            if problem is None:
                return text
            reason = problem
        raise HeldByModeration(reason, text)

    def _item(
        self,
        raw: bytes,
        media_type: str,
        filename: str,
        *,
        persona_id: Any,
        request_id: Any,
        profile: Any,
        models: dict[str, Any],
        emotion: str,
        seed: int,
        brief: str | None,
        caption: str,
        state: str | None,
        watermarked: bool,
        attachments: dict[str, Attachment] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> ContentItem:
        """The content item of one request: `raw` sealed with its credentials, and the signed
        JSON manifest built around the sealed bytes (plus `extra` fields and `attachments`)."""
        content, fields = self.sealer.seal(
            raw,
            media_type,
            persona_id=persona_id,
            request_id=request_id,
            persona_name=profile.name,
            models=models,
            emotion=emotion,
            seed=seed,
            brief_hash=brief_hash(brief) if brief else None,
            watermarked=watermarked,
        )
        return make_item(
            content=content,
            signer=self.signer,
            filename=filename,
            attachments=attachments,
            media_type=media_type,
            persona_id=persona_id,
            request_id=request_id,
            models=models,
            brief=brief,
            emotion=emotion,
            seed=seed,
            persona_name=profile.name,
            caption=caption,
            emotional_state=state,
            extra={**fields, **(extra or {})} or None,
        )

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
        emotion, state, chosen = self._emotion(persona_id, profile.baseline, emotion, engagement_state)
        if chosen:
            models["emotion"] = ENGINE_INFO
        # A generator that draws a given persona (the avatar rig) is bound to this request's one.
        bound = getattr(self.generator, "bound", None)
        with bound(spec, persona_id=persona_id) if callable(bound) else nullcontext():
            image = self.generator.generate(emotion, seed, prompt=brief)
        caption = self.caption(profile, emotion, seed, brief)
        image = self.sealer.watermark(image, persona_id, request_id)
        return self._item(
            png_bytes(image),
            "image/png",
            "image.png",
            persona_id=persona_id,
            request_id=request_id,
            profile=profile,
            models=models,
            emotion=emotion,
            seed=seed,
            brief=brief,
            caption=caption,
            state=state,
            watermarked=self.credentials is not None,
        )

    def make_voice(
        self,
        persona_id: Any,
        request_id: Any,
        spec: PersonaLike,
        brief: str | None = None,
        seed: int | None = None,
        emotion: str | None = None,
        engagement_state: str | None = None,
    ) -> ContentItem:
        """A voice message: the persona says, in its voice and emotion, what its captioner writes
        for the brief. AAC in MP4 (audio/mp4): browsers play it and C2PA can sign it (Ogg
        cannot carry a C2PA manifest)."""
        from .voice import encode, speak

        profile = as_profile(spec)
        seed = request_seed(persona_id, request_id) if seed is None else int(seed)
        emotion, state, chosen = self._emotion(persona_id, profile.baseline, emotion, engagement_state)
        text = self.caption(profile, emotion, seed, brief)
        speech = speak(text, profile, emotion)
        models: dict[str, Any] = {"voice": speech.model, "script": self.captioner.info}
        if chosen:
            models["emotion"] = ENGINE_INFO
        return self._item(
            encode(speech, "aac"),
            "audio/mp4",
            "voice.m4a",
            persona_id=persona_id,
            request_id=request_id,
            profile=profile,
            models=models,
            emotion=emotion,
            seed=seed,
            brief=brief,
            caption=text,
            state=state,
            watermarked=False,
            attachments={"subtitles": Attachment("voice.vtt", speech.vtt.encode(), "text/vtt")},
            extra={"durationMs": round(speech.duration * 1000)},
        )

    def make_video(
        self,
        persona_id: Any,
        request_id: Any,
        spec: PersonaLike,
        brief: str | None = None,
        seed: int | None = None,
        emotion: str | None = None,
        engagement_state: str | None = None,
        size: tuple[int, int] = (1280, 720),
        fps: int = 24,
        progress: Any = None,
    ) -> ContentItem:
        """A short video of the persona: its script (the writer's, on the brief), storyboard,
        frames with expressions and lip sync, voice-over and subtitles, muxed as H.264 + AAC
        MP4; every frame carries the request's watermark, the file its C2PA manifest, and the
        manifest names the subtitles and the poster frame."""
        from .video import THUMBNAIL_TYPE, make_video, speakable

        profile = as_profile(spec)
        seed = request_seed(persona_id, request_id) if seed is None else int(seed)
        emotion, state, chosen = self._emotion(persona_id, profile.baseline, emotion, engagement_state)
        # With a writer (the persona's language model) the video module writes the script; else
        # the captioner's text for the brief is said as it reads aloud (hashtags, emoji dropped).
        script = speakable(self.caption(profile, emotion, seed, brief)) if self.writer is None else None
        frame_filter = self.sealer.frame_filter(persona_id, request_id)
        video = make_video(
            spec,
            script=script,
            emotion=emotion,
            writer=self.writer,
            seed=seed,
            size=size,
            fps=fps,
            frame_filter=frame_filter,
            progress=progress,
        )
        if self.writer is not None:  # the writer's script passes the same step (the captioner's did already)
            problem = text_problem(video.script.text, emotion)
            if problem is not None:
                raise HeldByModeration(problem, video.script.text)
        models: dict[str, Any] = dict(video.models)
        if script is not None:
            models["script"] = self.captioner.info
        if chosen:
            models["emotion"] = ENGINE_INFO
        return self._item(
            video.mp4,
            "video/mp4",
            "video.mp4",
            persona_id=persona_id,
            request_id=request_id,
            profile=profile,
            models=models,
            emotion=emotion,
            seed=seed,
            brief=brief,
            caption=video.script.text,
            state=state,
            watermarked=self.credentials is not None,
            attachments={
                "subtitles": Attachment("video.vtt", video.vtt.encode(), "text/vtt"),
                "poster": Attachment("poster.jpg", video.thumbnail, THUMBNAIL_TYPE),
            },
            extra={
                "durationMs": round(video.duration * 1000),
                "video": {"width": video.width, "height": video.height, "fps": video.fps},
            },
        )
