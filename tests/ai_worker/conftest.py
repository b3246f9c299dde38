"""Fixtures for the AI worker tests: the embedded image model and the face classifier are
loaded once per session (they are the slow part); everything else is cheap."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def generator():
    from ai_worker.image_model import EmbeddedImageGenerator

    # one CPU thread: on a shared, busy machine it is far faster than several
    return EmbeddedImageGenerator(steps=20, threads=1)


@pytest.fixture(scope="session")
def classifier():
    from ai_worker.face_classifier import FaceEmotionClassifier

    return FaceEmotionClassifier.fit_procedural(n_per_emotion=80, seed=99)


@pytest.fixture(scope="session")
def worker_account():
    from eth_account import Account

    # a fixed test key (never for real funds)
    return Account.from_key("0x" + "4f" * 32)


@pytest.fixture
def backend(tmp_path):
    from fame.ipfs import BlockStore, EmbeddedBackend

    return EmbeddedBackend(BlockStore(tmp_path / "ipfs", fsync=False))


@pytest.fixture
def spec():
    import copy

    from ai_worker.persona import EXAMPLE_SPEC

    return copy.deepcopy(EXAMPLE_SPEC)
