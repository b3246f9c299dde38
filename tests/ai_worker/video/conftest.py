"""Videos the tests share, made once per session at 320x180 (a few seconds of CPU each): a
two-shot joy / sadness video with a stamping frame filter and a progress log, and a push-in."""

from __future__ import annotations

import json

import pytest
from video_media import NOVA, PUSH_IN, SMALL, TWO_SHOTS, stamp


@pytest.fixture(scope="session")
def nova():
    return json.loads(NOVA.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def two_shots(nova):
    """(video, frame_filter calls, progress calls) of TWO_SHOTS at 320x180, 24 fps."""
    from ai_worker.video import make_video

    filtered, told = [], []

    def frame_filter(image):
        filtered.append(image.size)
        return stamp(image)

    video = make_video(
        nova,
        TWO_SHOTS,
        emotion="joy",
        seed=5,
        size=SMALL,
        frame_filter=frame_filter,
        progress=lambda stage, done, total: told.append((stage, done, total)),
    )
    return video, filtered, told


@pytest.fixture(scope="session")
def push_in(nova):
    from ai_worker.video import make_video

    return make_video(nova, PUSH_IN, seed=1, size=SMALL, fps=24)
