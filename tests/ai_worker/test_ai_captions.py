"""Caption backends: the offline template captioner (sentiment-consistent, persona-aware,
seeded), an OpenAI-compatible server (a real HTTP server in the test), and a local
transformers model (a tiny random one made in the test)."""

from __future__ import annotations

import pytest
from aiw_helpers import ThreadServer, tiny_causal_lm
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from ai_worker.captions import (
    CaptionError,
    OpenAICompatibleCaptioner,
    TemplateCaptioner,
    chat_completions_url,
    sentiment,
)
from ai_worker.emotions import EMOTIONS

OTHER_SPEC = {
    "spec_version": "1.0",
    "name": "Kai Moss",
    "handle": "kai_moss",
    "traits": [{"name": "grumpy", "intensity": 0.9}, {"name": "gentle", "intensity": 0.4}],
    "visual_style": {"art_style": "anime", "description": "Soft watercolour gardener."},
    "narrative": {
        "backstory": "A quiet gardener.",
        "topics": ["bonsai", "rainy days"],
        "voice": {"formality": "formal"},
    },
    "emotional_baseline": {"model": "emotion_weights", "weights": {"trust": 0.7}},
}


@pytest.mark.parametrize("persona", ["example", "other"])
def test_template_captions_carry_the_emotions_sentiment(spec, persona):
    p = spec if persona == "example" else OTHER_SPEC
    cap = TemplateCaptioner()
    for seed in range(12):
        assert sentiment(cap.caption(p, "joy", seed)) > 0.2
        assert sentiment(cap.caption(p, "calm", seed)) > 0.2
        assert sentiment(cap.caption(p, "sadness", seed)) < -0.2
        assert sentiment(cap.caption(p, "anger", seed)) < -0.2
        assert sentiment(cap.caption(p, "fear", seed)) < -0.2


def test_template_captions_are_seeded_and_persona_aware(spec):
    cap = TemplateCaptioner()
    a = cap.caption(spec, "surprise", 3)
    assert a == cap.caption(spec, "surprise", 3)
    variants = {cap.caption(spec, "surprise", s) for s in range(10)}
    assert len(variants) >= 7
    text = " ".join(cap.caption(spec, e, s) for e in EMOTIONS for s in range(4))
    assert "#novalux" in text
    assert "gadgets" in text.lower() or "urbanism" in text.lower()
    assert "politics" not in text.lower()
    briefed = cap.caption(spec, "joy", 1, brief="our rooftop garden launch")
    assert "rooftop garden launch" in briefed
    formal = cap.caption(OTHER_SPEC, "calm", 2)
    assert "(by Kai Moss)" in formal


def test_template_captioner_rejects_unknown_emotion(spec):
    with pytest.raises(ValueError, match="unknown emotion"):
        TemplateCaptioner().caption(spec, "boredom", 1)


# ---------------------------------------------------------------------------- OpenAI-compatible server


def _chat_app(seen: list, fail: bool = False):
    app = FastAPI()

    @app.post("/v1/chat/completions")
    async def completions(request: Request):
        body = await request.json()
        seen.append({"body": body, "auth": request.headers.get("authorization")})
        if fail:
            return JSONResponse({"error": {"message": "model not loaded"}}, status_code=503)
        emotion = next(e for e in EMOTIONS if f"You feel {e}" in body["messages"][-1]["content"])
        text = f'"So much {emotion} today (seed {body.get("seed")})!"'
        return {
            "id": "chatcmpl-1",
            "object": "chat.completion",
            "model": body["model"],
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 10, "completion_tokens": 8, "total_tokens": 18},
        }

    return app


def test_openai_compatible_captioner_against_a_real_server(spec):
    seen: list = []
    with ThreadServer(_chat_app(seen)) as srv:
        for base in (srv.url, srv.url + "/v1", srv.url + "/v1/"):
            with OpenAICompatibleCaptioner(base, "llama3.2:1b", api_key="sk-test") as cap:
                assert cap.caption(spec, "anger", 42, brief="traffic jams") == "So much anger today (seed 42)!"
    body = seen[0]["body"]
    assert seen[0]["auth"] == "Bearer sk-test"
    assert body["model"] == "llama3.2:1b" and body["seed"] == 42 and body["stream"] is False
    system, user = body["messages"]
    assert system["role"] == "system" and "Nova Lux" in system["content"] and "curious" in system["content"]
    assert "politics" in system["content"]  # the avoid list is passed on
    assert user["role"] == "user" and "anger" in user["content"] and "traffic jams" in user["content"]
    assert cap.info.name == "llama3.2:1b"


def test_openai_compatible_captioner_errors(spec):
    seen: list = []
    with ThreadServer(_chat_app(seen, fail=True)) as srv:
        with OpenAICompatibleCaptioner(srv.url, "m") as cap, pytest.raises(CaptionError, match="HTTP 503"):
            cap.caption(spec, "joy", 1)
        assert seen[0]["auth"] is None  # no key, no header
    from fame.procs import free_port

    with OpenAICompatibleCaptioner(f"http://127.0.0.1:{free_port()}", "m", timeout=5) as cap:
        with pytest.raises(CaptionError, match="cannot reach"):
            cap.caption(spec, "joy", 1)


def test_chat_completions_url():
    assert chat_completions_url("http://h:11434") == "http://h:11434/v1/chat/completions"
    assert chat_completions_url("http://h:8000/v1/") == "http://h:8000/v1/chat/completions"
    assert chat_completions_url("http://h/v1/chat/completions") == "http://h/v1/chat/completions"


# ---------------------------------------------------------------------------- local transformers model


def test_transformers_captioner_with_a_tiny_local_model(tmp_path, spec):
    pytest.importorskip("transformers")
    from ai_worker.captions import TransformersCaptioner

    path = tiny_causal_lm(tmp_path / "tiny-lm")
    cap = TransformersCaptioner(path, device="cpu", max_new_tokens=8)
    a = cap.caption(spec, "joy", 1)
    assert isinstance(a, str) and a
    assert a == cap.caption(spec, "joy", 1)  # seeded
    assert len({cap.caption(spec, "joy", s) for s in range(4)}) > 1
    assert "joy" in cap.prompt(spec, "joy") and "Nova Lux" in cap.prompt(spec, "joy")
    assert cap.info.kind == "GPT2LMHeadModel"
    with pytest.raises(CaptionError, match="cannot load"):
        TransformersCaptioner(tmp_path / "missing")
