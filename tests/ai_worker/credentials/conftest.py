"""Fixtures for the content-credentials tests: one worker certificate set per session and a
claim; the media they sign are made in credentials_media."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def creds(tmp_path_factory, worker_account):
    from ai_worker.credentials.certs import ensure_credentials

    return ensure_credentials(tmp_path_factory.mktemp("worker-state"), worker_account)


@pytest.fixture
def claim():
    from ai_worker.credentials.claim import CredentialClaim
    from ai_worker.model_info import ModelInfo

    return CredentialClaim(
        persona_id=7,
        request_id=1_234_567,
        persona_name="Nova Lux",
        models={"image": ModelInfo("fameengine/emotion-unet", "1", "diffusers-unet2d-ddim")},
        emotion="joy",
        seed=42,
    )
