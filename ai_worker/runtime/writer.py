"""Who writes a persona's posts and replies: the language model, or labelled templates.

* `ModelWriter(lm)`: prompts from `prompts`, sampled with a seed per request (the same post
  slot or comment always gets the same first candidate), cleaned, then screened (`screen`);
  a candidate that fails is followed by the next seed, up to `attempts`. When every
  candidate fails, the text comes from the templates and says so (`template=True`, and the
  ai_label names the templates), never silently.
* `TemplateWriter()`: the offline fallback when no model file is installed. Posts come from
  the worker's `TemplateCaptioner` (persona topics and traits, the emotion's sentiment
  checked with VADER); replies from short per-emotion lines. Its ai_label says that the text
  is template output, not a language model's.

    w = writer_from_settings(cfg)
    out = w.reply(profile, "joy", post_body, comment, seed)
    out.text, out.ai_label, out.model, out.template
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from fame.config import WorkerSettings

from ..captions import TemplateCaptioner, sentiment, sentiment_agrees
from ..emotions import INDEX, VALENCE_SIGN, check
from ..model_info import ModelInfo
from ..persona import PersonaProfile
from .lm import LanguageModel
from .prompts import POST_LIMIT, REPLY_LIMIT, clean, pick_topic, post_messages, reply_messages
from .screen import screen

log = logging.getLogger("ai_worker.runtime")

# The social service stores ai_label in 64 characters.
AI_LABEL_MAX = 64
TEMPLATE_LABEL = "AI-generated from templates (no language model)"
TEMPLATE_INFO = ModelInfo("fameengine/template-writer", "1", "grammar+vaderSentiment, no language model")


def model_label(name: str) -> str:
    label = f"AI-generated with {name}"
    return label if len(label) <= AI_LABEL_MAX else label[: AI_LABEL_MAX - 1] + "…"


@dataclass(frozen=True)
class Written:
    text: str
    ai_label: str
    model: ModelInfo
    seed: int  # the seed of the candidate that was kept
    template: bool
    tokens: int = 0  # tokens the model generated for all candidates
    seconds: float = 0.0  # time spent generating them
    attempts: int = 1


class Writer(Protocol):
    info: ModelInfo

    def post(self, profile: PersonaProfile, emotion: str, seed: int) -> Written: ...

    def reply(self, profile: PersonaProfile, emotion: str, post_body: str, comment: str, seed: int) -> Written: ...


# ---------------------------------------------------------------------------- templates

REPLY_OPENERS: dict[str, list[str]] = {
    "joy": ["Thank you so much!", "This made my day!", "You're the best, thank you!", "So happy to read this!"],
    "sadness": [
        "Thank you for being here.",
        "That means a lot on a quiet day.",
        "Your words help, thank you.",
        "I feel a bit low today, but this helps.",
    ],
    "anger": [
        "I hear you, and thank you for saying it.",
        "Fair point, and I appreciate the honesty.",
        "I'm fired up too, thanks for speaking up.",
        "Strong words, and I respect them.",
    ],
    "surprise": ["Wow, thank you!", "Oh, I did not expect that, thank you!", "What a lovely surprise!", "Wow, really?"],
    "calm": [
        "Thank you, that's kind.",
        "Appreciate you, truly.",
        "Thanks for stopping by.",
        "Lovely to hear from you.",
    ],
    "fear": [
        "Thank you, that helps me feel safer.",
        "I'm a little nervous, but your words help.",
        "Thanks for being kind, it means a lot.",
        "That calms my nerves a bit, thank you.",
    ],
}

REPLY_CLOSERS: dict[str, list[str]] = {
    "joy": ["More {topic} soon!", "Let's keep the good vibes going!", "Can't wait to share more with you!"],
    "sadness": ["I'll share more {topic} when I feel better.", "Talk soon, friend.", "Stay close."],
    "anger": ["Let's keep talking about {topic}.", "We can do better, together.", "I'm not letting this go."],
    "surprise": ["More {topic} surprises coming!", "You never know what's next!", "Stay tuned!"],
    "calm": ["Take it easy.", "Enjoy your day.", "More {topic} at a gentle pace soon."],
    "fear": ["We'll get through it together.", "Stay safe out there.", "I'll keep you posted."],
}


class TemplateWriter:
    """The labelled offline fallback (see the module docstring)."""

    def __init__(self) -> None:
        self.captioner = TemplateCaptioner()
        self.info = TEMPLATE_INFO

    def post(self, profile: PersonaProfile, emotion: str, seed: int) -> Written:
        """The first of the captioner's seeded candidates that carries the emotion's sentiment and
        passes the screen (an angry caption can be too hostile to be shown at once)."""
        emotion = check(emotion)
        sign = VALENCE_SIGN[emotion] or 1
        fallback: tuple[float, str] | None = None
        for text in self.captioner.candidates(profile, emotion, seed):
            text = text[:POST_LIMIT]
            if screen(text, profile) is not None:
                continue
            score = sentiment(text)
            if sentiment_agrees(emotion, score):
                return Written(text, TEMPLATE_LABEL, self.info, seed, template=True)
            if fallback is None or sign * score > fallback[0]:
                fallback = (sign * score, text)
        text = fallback[1] if fallback else self.reply(profile, emotion, "", "", seed).text
        return Written(text, TEMPLATE_LABEL, self.info, seed, template=True)

    def reply(self, profile: PersonaProfile, emotion: str, post_body: str, comment: str, seed: int) -> Written:
        emotion = check(emotion)
        rng = np.random.default_rng(np.random.SeedSequence([int(seed) & 0xFFFF_FFFF, INDEX[emotion]]))
        opener = REPLY_OPENERS[emotion][int(rng.integers(len(REPLY_OPENERS[emotion])))]
        closer = REPLY_CLOSERS[emotion][int(rng.integers(len(REPLY_CLOSERS[emotion])))]
        text = f"{opener} {closer.format(topic=pick_topic(profile, seed))}"
        if profile.formality == "formal":
            text += f" (by {profile.name})"
        return Written(text[:REPLY_LIMIT], TEMPLATE_LABEL, self.info, seed, template=True)


# ---------------------------------------------------------------------------- language model


class ModelWriter:
    """Posts and replies from a language model (see the module docstring)."""

    def __init__(
        self,
        lm: LanguageModel,
        max_new_tokens: int = 48,
        reply_max_new_tokens: int = 32,
        temperature: float = 0.6,
        top_p: float = 0.9,
        attempts: int = 3,
        fallback: TemplateWriter | None = None,
    ) -> None:
        self.lm = lm
        self.max_new_tokens = max_new_tokens
        self.reply_max_new_tokens = reply_max_new_tokens
        self.temperature = temperature
        self.top_p = top_p
        self.attempts = attempts
        self.fallback = fallback or TemplateWriter()
        self.info = lm.info
        self.label = model_label(lm.info.name)

    def _write(
        self, profile: PersonaProfile, messages: list[dict[str, str]], seed: int, limit: int, max_new_tokens: int
    ) -> Written | None:
        tokens, seconds = 0, 0.0
        for attempt in range(self.attempts):
            s = (int(seed) + attempt * 7919) % 2**31
            out = self.lm.generate(
                messages, s, max_new_tokens=max_new_tokens, temperature=self.temperature, top_p=self.top_p
            )
            tokens += out.tokens
            seconds += out.seconds
            text = clean(out.text, limit, name=profile.name)
            reason = screen(text, profile)
            if reason is None:
                return Written(text, self.label, self.info, s, False, tokens, seconds, attempt + 1)
            log.info("candidate %d for %s dropped: %s", attempt + 1, profile.name, reason)
        return None

    def post(self, profile: PersonaProfile, emotion: str, seed: int) -> Written:
        emotion = check(emotion)
        topic = pick_topic(profile, seed)
        out = self._write(profile, post_messages(profile, emotion, topic), seed, POST_LIMIT, self.max_new_tokens)
        return out or self.fallback.post(profile, emotion, seed)

    def reply(self, profile: PersonaProfile, emotion: str, post_body: str, comment: str, seed: int) -> Written:
        emotion = check(emotion)
        messages = reply_messages(profile, emotion, post_body, comment)
        out = self._write(profile, messages, seed, REPLY_LIMIT, self.reply_max_new_tokens)
        return out or self.fallback.reply(profile, emotion, post_body, comment, seed)


class SerialWriter:
    """One writer shared by the posting loop and the live host, one text at a time: a language
    model on the CPU writes no faster two at once, and its state is not made for threads."""

    def __init__(self, inner: Writer) -> None:
        self.inner = inner
        self.info = inner.info
        self._lock = threading.Lock()

    def post(self, profile: PersonaProfile, emotion: str, seed: int) -> Written:
        with self._lock:
            return self.inner.post(profile, emotion, seed)

    def reply(self, profile: PersonaProfile, emotion: str, post_body: str, comment: str, seed: int) -> Written:
        with self._lock:
            return self.inner.reply(profile, emotion, post_body, comment, seed)


def writer_from_settings(cfg: WorkerSettings, cache_dir: Path | None = None) -> Writer:
    """The writer the settings choose: FAME_WORKER_RUNTIME_WRITER auto / model / template (see fame.config).

    cache_dir: where a GGUF model's converted copy is kept when FAME_WORKER_RUNTIME_MODEL_CACHE is on
    (None: nowhere).
    """
    from .lm import ModelMissing, load_language_model

    if cfg.runtime_writer == "template":
        log.warning("persona runtime: FAME_WORKER_RUNTIME_WRITER=template, posts and replies are template output")
        return TemplateWriter()
    started = time.perf_counter()
    try:
        lm = load_language_model(
            cfg.runtime_model,
            device=cfg.device,
            threads=cfg.runtime_threads,
            cache_dir=cache_dir if cfg.runtime_model_cache else None,
        )
    except ModelMissing as err:
        if cfg.runtime_writer == "model":
            raise
        log.warning("persona runtime: %s; writing from templates, labelled %r", err, TEMPLATE_LABEL)
        return TemplateWriter()
    log.info("persona runtime: %s ready in %.1f s", lm.info.name, time.perf_counter() - started)
    return ModelWriter(
        lm,
        max_new_tokens=cfg.runtime_max_new_tokens,
        reply_max_new_tokens=cfg.runtime_reply_max_new_tokens,
        temperature=cfg.runtime_temperature,
        top_p=cfg.runtime_top_p,
    )
