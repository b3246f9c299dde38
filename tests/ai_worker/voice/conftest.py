"""The neural voice is loaded once for the voice tests (about a second); each speak() after
that is a fraction of its audio's duration."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def neural():
    pytest.importorskip("piper", reason="the neural voice is not installed (make install)")
    from ai_worker.voice.piper_engine import load_piper

    return load_piper()
