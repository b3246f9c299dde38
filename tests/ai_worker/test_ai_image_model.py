"""Image generators: the committed emotion UNet loads, makes 32x32 faces deterministically,
and its faces show the emotion asked for; a diffusers pipeline from a local folder (a tiny
random Stable Diffusion made in the test) works through the same interface."""

from __future__ import annotations

import json

import numpy as np
import pytest
from aiw_helpers import tiny_sd_pipeline

from ai_worker.emotions import EMOTIONS
from ai_worker.image_model import (
    MODEL_DIR,
    DiffusersPipelineGenerator,
    EmbeddedImageGenerator,
    ImageGenerator,
    ImageModelError,
    emotion_prompt,
    pick_device,
    weights_sha256,
)

SEEDS_PER_EMOTION = 6


@pytest.fixture(scope="module")
def samples(generator):
    emotions = [e for e in EMOTIONS for _ in range(SEEDS_PER_EMOTION)]
    seeds = [500 + i for i in range(len(emotions))]
    return emotions, seeds, generator.generate_batch(emotions, seeds)


def test_committed_weights_are_small_and_described():
    weights = MODEL_DIR / "unet" / "diffusion_pytorch_model.safetensors"
    assert weights.exists() and weights.stat().st_size < 10 * 1024 * 1024
    meta = json.loads((MODEL_DIR / "fameengine.json").read_text())
    assert meta["emotions"] == list(EMOTIONS)
    assert meta["weights_sha256"] == weights_sha256(MODEL_DIR)
    assert meta["unet"]["num_class_embeds"] == len(EMOTIONS)


def test_generator_output_shape_and_determinism(generator):
    assert isinstance(generator, ImageGenerator)
    img = generator.generate("joy", 7)
    assert img.size == (32, 32) and img.mode == "RGB"
    assert np.array_equal(np.asarray(img), np.asarray(generator.generate("joy", 7, prompt="ignored by this model")))
    assert not np.array_equal(np.asarray(img), np.asarray(generator.generate("joy", 8)))
    batch = generator.generate_batch(["joy", "fear"], [7, 7])
    assert np.abs(np.asarray(batch[0], dtype=int) - np.asarray(img, dtype=int)).max() <= 2  # batching ~ no change
    assert generator.info.name == "fameengine/emotion-unet" and generator.info.sha256
    with pytest.raises(ValueError, match="unknown emotion"):
        generator.generate("boredom", 1)


def test_samples_show_the_requested_emotion(samples, classifier):
    emotions, _, images = samples
    accuracy = classifier.accuracy(images, emotions)
    per_emotion = {
        e: classifier.accuracy(images[i * SEEDS_PER_EMOTION : (i + 1) * SEEDS_PER_EMOTION], [e] * SEEDS_PER_EMOTION)
        for i, e in enumerate(EMOTIONS)
    }
    # chance is 1/6; every emotion must be recognised more often than not
    assert accuracy >= 0.8, per_emotion
    assert min(per_emotion.values()) >= 0.5, per_emotion


def test_samples_show_the_emotion_in_the_face_not_only_the_colours(samples):
    from ai_worker.face_classifier import FaceEmotionClassifier

    emotions, _, images = samples
    shape_only = FaceEmotionClassifier.fit_procedural(n_per_emotion=80, seed=99, shape_only=True)
    assert shape_only.accuracy(images, emotions) >= 0.5  # chance is 1/6


def test_output_size_and_missing_model(tmp_path):
    big = EmbeddedImageGenerator(steps=4, output_size=64)
    assert big.generate("calm", 1).size == (64, 64)
    with pytest.raises(ImageModelError, match="train_image_model"):
        EmbeddedImageGenerator(tmp_path)


def test_diffusers_pipeline_generator_from_a_local_folder(tmp_path):
    path = tiny_sd_pipeline(tmp_path)
    gen = DiffusersPipelineGenerator(path, steps=2, guidance_scale=1.0, size=32, style="neon city")
    assert gen.device == pick_device() and isinstance(gen, ImageGenerator)
    img = gen.generate("sadness", 3, prompt="a rainy street")
    assert img.size == (32, 32) and img.mode == "RGB"
    assert np.array_equal(np.asarray(img), np.asarray(gen.generate("sadness", 3, prompt="a rainy street")))
    assert gen.prompt_for("sadness", "a rainy street").startswith(emotion_prompt("sadness").split(",")[0])
    assert "neon city" in gen.prompt_for("joy")
    assert gen.info.kind == "StableDiffusionPipeline"
    with pytest.raises(ImageModelError, match="model_index.json"):
        DiffusersPipelineGenerator(tmp_path / "nothing-here")


def test_emotion_prompts():
    p = emotion_prompt("fear", "a haunted house", "anime style")
    assert p.index("afraid") < p.index("a haunted house") < p.index("anime style")
    assert "portrait" in emotion_prompt("joy")
    assert pick_device("cpu") == "cpu"


def test_training_script_writes_a_loadable_model(tmp_path):
    from ai_worker.train_image_model import main

    out = tmp_path / "unet"
    assert (
        main(
            ["--out", str(out), "--steps", "3", "--batch-size", "4", "--n-per-emotion", "2", "--warmup", "1", "--quiet"]
        )
        == 0
    )
    meta = json.loads((out / "fameengine.json").read_text())
    assert meta["training"]["steps"] == 3 and meta["emotions"] == list(EMOTIONS)
    assert len(json.loads((out / "training_log.json").read_text())) == 2  # steps 0 and 2
    gen = EmbeddedImageGenerator(out, steps=2)
    assert gen.generate("anger", 1).size == (32, 32)
    assert (
        main(
            ["--out", str(out), "--steps", "3", "--batch-size", "4", "--n-per-emotion", "2", "--warmup", "1", "--quiet"]
        )
        == 0
    )
    assert json.loads((out / "fameengine.json").read_text())["weights_sha256"] == meta["weights_sha256"]  # seeded
    assert sorted(p.name for p in tmp_path.iterdir()) == ["unet"]  # replaced whole, nothing left over
