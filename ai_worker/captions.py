"""Captions for a persona's post, in the emotion asked for: one interface, three backends.

* TemplateCaptioner (the offline default): a small grammar of openers, persona lines,
  audience questions, emoji and hashtags per emotion, filled from the persona spec
  (name, traits, topics, voice) and the request brief, varied by seed. Each candidate is
  scored with VADER and must carry the emotion's sentiment sign (joy, calm, surprise
  positive; sadness, anger, fear negative); the first of up to 24 seeded candidates that
  does wins.
* OpenAICompatibleCaptioner(base_url, model, api_key=None): any server that speaks
  POST /v1/chat/completions: Ollama (http://localhost:11434), vLLM, llama.cpp's server,
  LM Studio, or a hosted OpenAI-compatible API.
* TransformersCaptioner(model_path): a causal language model in a local folder, through
  transformers (nothing is downloaded; the chat template is used when the tokenizer has one).

    cap = TemplateCaptioner()
    text = cap.caption(spec_or_profile, "joy", seed=7, brief="our new rooftop garden")
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from fame.errors import FameError

from .emotions import INDEX, VALENCE_SIGN, check
from .model_info import ModelInfo, package_version
from .persona import PersonaProfile, as_profile

PersonaLike = PersonaProfile | dict[str, Any] | str | bytes | None


class CaptionError(FameError):
    """A caption backend failed (unreachable server, bad answer, missing model)."""


@runtime_checkable
class Captioner(Protocol):
    info: ModelInfo

    def caption(self, persona: PersonaLike, emotion: str, seed: int, brief: str | None = None) -> str: ...


@lru_cache(maxsize=1)
def _vader():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def sentiment(text: str) -> float:
    """VADER compound score of `text`, in [-1, 1]."""
    return float(_vader().polarity_scores(text)["compound"])


def sentiment_agrees(emotion: str, score: float, margin: float = 0.2) -> bool:
    sign = VALENCE_SIGN[check(emotion)]
    return score >= margin if sign > 0 else score <= -margin if sign < 0 else True


def _instruction(profile: PersonaProfile, emotion: str, brief: str | None) -> tuple[str, str]:
    """(system, user) messages for language-model backends."""
    system = profile.describe()
    user = (
        f"Write one short social media caption (at most 40 words) for your next post. You feel {emotion} right "
        f"now and the caption must clearly express {emotion}."
    )
    if brief:
        user += f" The post is about: {brief.strip()}"
    user += " Reply with the caption only, no quotes, no explanations."
    return system, user


def _clean(text: str) -> str:
    text = re.sub(r"<think>.*?</think>", "", text, flags=re.S).strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'“”":
        text = text[1:-1].strip()
    return text


# ---------------------------------------------------------------------------- offline default

OPENERS: dict[str, list[str]] = {
    "joy": [
        "Best day ever!",
        "Pure happiness right now.",
        "Can't stop smiling today!",
        "Feeling so grateful and happy!",
        "Sunshine mood activated!",
        "Today was absolutely wonderful.",
        "My heart is full of joy.",
    ],
    "sadness": [
        "Feeling really down today.",
        "Some days just hurt.",
        "Honestly a bit heartbroken tonight.",
        "Quiet tears tonight.",
        "Not my best day, feeling lonely.",
        "Missing better days and feeling sad.",
        "Everything feels heavy and grey.",
    ],
    "anger": [
        "I'm so angry right now.",
        "Honestly furious about this.",
        "This is unacceptable and I'm fed up.",
        "Seriously, I hate when this happens.",
        "So frustrated I could scream.",
        "I am livid. Again.",
        "Enough is enough, this is outrageous.",
    ],
    "surprise": [
        "Wow, I did NOT see that coming!",
        "Wait, what?! Amazing!",
        "Plot twist of the year, wow!",
        "Totally amazed right now!",
        "Never expected this, what a wonderful surprise!",
        "Jaw on the floor, in the best way!",
        "Surprise of the week, and I love it!",
    ],
    "calm": [
        "Slow morning, peaceful mind.",
        "Breathing in, letting go.",
        "Finding peace in the little things.",
        "Calm and content today.",
        "Soft light, quiet heart.",
        "Taking it easy and feeling relaxed.",
        "A gentle, peaceful kind of day.",
    ],
    "fear": [
        "Okay, I'm honestly scared.",
        "Nervous doesn't even cover it.",
        "Something feels terribly wrong.",
        "Heart racing, hands shaking.",
        "I'm afraid of what comes next.",
        "Worried sick tonight.",
        "This is terrifying, not going to lie.",
    ],
}

# {topic}: the brief or one of the persona's topics; {trait}: one of its traits; {name}: its name.
BODIES: dict[str, list[str]] = {
    "joy": [
        "Spent the whole day on {topic} and loved every minute.",
        "{topic} made me so happy today.",
        "My {trait} side is thriving and {topic} never gets old.",
        "Celebrating {topic} with the best people.",
    ],
    "sadness": [
        "Even {topic} can't cheer me up today.",
        "I tried {topic} but I just felt empty and alone.",
        "Thinking about {topic} makes me miss what we lost.",
        "I wanted to share {topic}, but I'm too tired and sad.",
    ],
    "anger": [
        "Whoever ruined {topic} should be ashamed.",
        "The way they treated {topic} is disgusting.",
        "I'm done pretending {topic} isn't broken and stupid.",
        "Nobody listens and {topic} pays the price.",
    ],
    "surprise": [
        "{topic} just blew my mind in the best way.",
        "Did not expect {topic} to be this incredible.",
        "My {trait} brain is buzzing: {topic} turned out amazing.",
        "Just discovered {topic} and wow, love it.",
    ],
    "calm": [
        "Enjoying {topic} at my own pace.",
        "{topic}, a cup of tea and a quiet, happy hour.",
        "Letting my {trait} side rest, with {topic} in the background.",
        "Nothing to rush: just {topic} and calm.",
    ],
    "fear": [
        "I keep worrying about {topic} and I'm scared of getting it wrong.",
        "{topic} suddenly feels dangerous.",
        "Can't shake the fear that {topic} will end badly.",
        "Afraid to even look at {topic} right now.",
    ],
}

QUESTIONS: dict[str, list[str]] = {
    "joy": ["Who's celebrating with me?", "What made you smile today?", "Share your happy news!"],
    "sadness": ["Anyone else feeling this way?", "How do you cope on sad days?", "Does it ever get easier?"],
    "anger": ["Am I wrong to be this mad?", "Who else is fed up?", "Why is this still so bad?"],
    "surprise": ["Did anyone else see this coming?", "Can you believe it?", "What surprised you lately?"],
    "calm": ["How do you find your peace?", "What's your favourite way to relax?", "Slow down with me?"],
    "fear": ["Is anyone else scared?", "Tell me I'm not alone in this fear.", "How do you handle the panic?"],
}

EMOJI: dict[str, list[str]] = {
    "joy": ["😄", "🎉", "✨", "☀️"],
    "sadness": ["😢", "🌧️", "😞"],
    "anger": ["😡", "😤", "💢"],
    "surprise": ["😲", "🤩", "😮"],
    "calm": ["😌", "🌿", "🍵"],
    "fear": ["😨", "😱", "😰"],
}

TAGS: dict[str, list[str]] = {
    "joy": ["happy", "goodvibes", "joy"],
    "sadness": ["sad", "feelings", "rainyday"],
    "anger": ["angry", "fedup", "rant"],
    "surprise": ["surprise", "wow", "plottwist"],
    "calm": ["calm", "slowliving", "peace"],
    "fear": ["scared", "anxiety", "nervous"],
}


def _hashtag(text: str) -> str:
    words = re.findall(r"[A-Za-z0-9]+", text)
    return "#" + "".join(w[:1].upper() + w[1:] for w in words) if words else ""


class TemplateCaptioner:
    """The offline default (see the module docstring). Deterministic in (persona, emotion, seed, brief)."""

    def __init__(self, attempts: int = 24, margin: float = 0.2, hashtags: bool = True) -> None:
        self.attempts = attempts
        self.margin = margin
        self.hashtags = hashtags
        self.info = ModelInfo(
            "fameengine/template-captioner", "1", f"grammar+vaderSentiment-{package_version('vaderSentiment')}"
        )

    def _candidate(self, p: PersonaProfile, emotion: str, seed: int, attempt: int, brief: str | None) -> str:
        name_key = sum(p.name.encode("utf-8")) & 0xFFFF
        rng = np.random.default_rng(np.random.SeedSequence([int(seed) & 0xFFFFFFFF, INDEX[emotion], attempt, name_key]))
        pick = lambda xs: xs[int(rng.integers(len(xs)))]  # noqa: E731
        topics = [t for t in p.topics if t not in p.avoid_topics] or ["my day"]
        topic = brief.strip().rstrip(".!?") if brief and brief.strip() else pick(topics)
        # strongest traits are the likeliest to show
        if p.traits:
            weights = np.array([max(i, 0.05) for _, i in p.traits])
            trait = p.traits[int(rng.choice(len(p.traits), p=weights / weights.sum()))][0]
        else:
            trait = "curious"
        body = pick(BODIES[emotion]).format(topic=topic, trait=trait.lower(), name=p.name)
        body = body[0].upper() + body[1:]
        parts = [pick(OPENERS[emotion]), body]
        if rng.random() < 0.7:
            parts.append(pick(QUESTIONS[emotion]))
        formal = p.formality == "formal"
        text = " ".join(parts)
        if not formal and rng.random() < 0.8:
            text += " " + pick(EMOJI[emotion])
        if formal:
            text += f" (by {p.name})"
        if self.hashtags:
            tags = [_hashtag(t) for t in (pick(TAGS[emotion]), topic if len(topic) <= 30 else topics[0])]
            if p.handle:
                tags.append("#" + p.handle.replace("_", ""))
            text += " " + " ".join(dict.fromkeys(t for t in tags if t))
        return text

    def candidates(self, persona: PersonaLike, emotion: str, seed: int, brief: str | None = None) -> list[str]:
        p = as_profile(persona)
        emotion = check(emotion)
        return [self._candidate(p, emotion, seed, a, brief) for a in range(self.attempts)]

    def caption(self, persona: PersonaLike, emotion: str, seed: int, brief: str | None = None) -> str:
        p = as_profile(persona)
        emotion = check(emotion)
        best, best_score = "", -2.0
        sign = VALENCE_SIGN[emotion] or 1
        for attempt in range(self.attempts):
            text = self._candidate(p, emotion, seed, attempt, brief)
            score = sentiment(text)
            if sentiment_agrees(emotion, score, self.margin):
                return text
            if sign * score > best_score:
                best, best_score = text, sign * score
        return best


# ---------------------------------------------------------------------------- OpenAI-compatible


def chat_completions_url(base_url: str) -> str:
    """The chat completions endpoint for a base URL with or without the /v1 part."""
    base = base_url.rstrip("/")
    if base.endswith("/chat/completions"):
        return base
    if base.endswith("/v1"):
        return base + "/chat/completions"
    return base + "/v1/chat/completions"


class OpenAICompatibleCaptioner:
    """Captions from any OpenAI-compatible chat completions server (see the module docstring).

    base_url: e.g. http://localhost:11434 (Ollama), http://localhost:8000/v1 (vLLM),
    http://localhost:8080 (llama.cpp). api_key: sent as a bearer token when given.
    transport: an httpx transport (tests use one to reach an in-process app).
    """

    def __init__(
        self,
        base_url: str,
        model: str,
        api_key: str | None = None,
        *,
        temperature: float = 0.8,
        max_tokens: int = 120,
        timeout: float = 60.0,
        transport: Any = None,
    ) -> None:
        import httpx

        self.url = chat_completions_url(base_url)
        self.model = model
        self.temperature = temperature
        self.max_tokens = max_tokens
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.client = httpx.Client(timeout=timeout, headers=headers, transport=transport)
        self.info = ModelInfo(model, "served", f"openai-compatible ({self.url})")

    def close(self) -> None:
        self.client.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def request_body(self, persona: PersonaLike, emotion: str, seed: int, brief: str | None = None) -> dict[str, Any]:
        system, user = _instruction(as_profile(persona), check(emotion), brief)
        return {
            "model": self.model,
            "messages": [{"role": "system", "content": system}, {"role": "user", "content": user}],
            "temperature": self.temperature,
            "max_tokens": self.max_tokens,
            "seed": int(seed),
            "n": 1,
            "stream": False,
        }

    def caption(self, persona: PersonaLike, emotion: str, seed: int, brief: str | None = None) -> str:
        import httpx

        body = self.request_body(persona, emotion, seed, brief)
        try:
            resp = self.client.post(self.url, json=body)
        except httpx.HTTPError as err:
            raise CaptionError(
                f"cannot reach the caption server at {self.url} ({err.__class__.__name__}: {err}); "
                "start it or fix its base URL"
            ) from None
        if resp.status_code != 200:
            raise CaptionError(f"caption server at {self.url} answered HTTP {resp.status_code}: {resp.text[:200]}")
        try:
            content = resp.json()["choices"][0]["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError):
            raise CaptionError(f"unexpected answer from {self.url}: {resp.text[:200]!r}") from None
        text = _clean(content or "")
        if not text:
            raise CaptionError(f"the caption server at {self.url} returned an empty caption")
        return text


# ---------------------------------------------------------------------------- local transformers


class TransformersCaptioner:
    """A causal language model from a local folder (AutoModelForCausalLM), sampled with the seed.

    device: None picks cuda / mps / cpu. The chat template is used when the tokenizer has
    one; otherwise the instruction is given as plain text followed by "Caption:".
    """

    def __init__(
        self,
        model_path: str | Path,
        device: str | None = None,
        max_new_tokens: int = 60,
        temperature: float = 0.9,
        top_p: float = 0.95,
    ) -> None:
        from transformers import AutoModelForCausalLM, AutoTokenizer

        from .image_model import pick_device

        self.model_path = Path(model_path)
        self.device = pick_device(device)
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(self.model_path, local_files_only=True)
            self.model = AutoModelForCausalLM.from_pretrained(self.model_path, local_files_only=True)
        except (OSError, ValueError) as err:
            raise CaptionError(f"cannot load a causal language model from {self.model_path}: {err}") from None
        self.model.to(self.device).eval()
        self.max_new_tokens = max_new_tokens
        self.temperature = temperature
        self.top_p = top_p
        self.info = ModelInfo(
            self.model_path.name, f"local (transformers {package_version('transformers')})", type(self.model).__name__
        )

    def prompt(self, persona: PersonaLike, emotion: str, brief: str | None = None) -> str:
        system, user = _instruction(as_profile(persona), check(emotion), brief)
        if getattr(self.tokenizer, "chat_template", None):
            return self.tokenizer.apply_chat_template(
                [{"role": "system", "content": system}, {"role": "user", "content": user}],
                tokenize=False,
                add_generation_prompt=True,
            )
        return f"{system}\n\n{user}\nCaption:"

    def caption(self, persona: PersonaLike, emotion: str, seed: int, brief: str | None = None) -> str:
        import torch

        text = self.prompt(persona, emotion, brief)
        inputs = self.tokenizer(text, return_tensors="pt").to(self.device)
        pad = self.tokenizer.pad_token_id if self.tokenizer.pad_token_id is not None else self.tokenizer.eos_token_id
        torch.manual_seed(int(seed) & 0xFFFFFFFF)
        with torch.inference_mode():
            out = self.model.generate(
                **inputs,
                do_sample=True,
                temperature=self.temperature,
                top_p=self.top_p,
                max_new_tokens=self.max_new_tokens,
                pad_token_id=pad,
            )
        new = out[0, inputs["input_ids"].shape[1] :]
        return _clean(self.tokenizer.decode(new, skip_special_tokens=True))
