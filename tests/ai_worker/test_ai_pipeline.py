"""One content request end to end (without the chain): emotion hint, image, caption,
signed manifest, published to the embedded IPFS store and read back."""

from __future__ import annotations

import io
import json

from PIL import Image

from ai_worker.captions import sentiment
from ai_worker.emotion_engine import EmotionEngine
from ai_worker.manifest import publish, verify_manifest
from ai_worker.pipeline import ContentPipeline, png_bytes, request_seed
from ai_worker.warm_start import load_prior


def test_request_to_published_content(tmp_path, generator, classifier, worker_account, backend, spec):
    engine = EmotionEngine(tmp_path / "engine", prior=load_prior(), fsync=False)
    pipe = ContentPipeline(worker_account, generator=generator, engine=engine)
    item = pipe.make(persona_id=7, request_id=12, spec=spec, brief="our rooftop garden", engagement_state="medium")
    m = item.manifest
    assert verify_manifest(m, expected_signer=worker_account.address, content=item.content)
    assert m["seed"] == request_seed(7, 12)
    assert m["persona"]["name"] == "Nova Lux" and m["emotionalState"] == "joy"  # Nova's baseline mood
    assert [x["role"] for x in m["models"]] == ["image", "caption", "emotion"]
    assert "rooftop garden" in m["caption"]
    image = Image.open(io.BytesIO(item.content))
    assert image.size == (32, 32)

    cids = publish(item, backend)
    stored = json.loads(backend.read(cids.manifest_cid))
    assert stored == m and backend.read(stored["content"]["cid"]) == item.content
    engine.observe(7, 0.9)  # the oracle's report comes back later
    assert engine.state(7).rewards == [0.9]


def test_explicit_emotion_without_engine(worker_account, generator, spec):
    item = ContentPipeline(worker_account, generator=generator).make(1, 2, spec, emotion="sadness", seed=5)
    m = item.manifest
    assert m["emotion"] == "sadness" and m["seed"] == 5 and "emotionalState" not in m
    assert sentiment(m["caption"]) < 0
    assert item.content == png_bytes(generator.generate("sadness", 5))  # reproducible from the manifest
