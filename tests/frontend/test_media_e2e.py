"""A holder orders a video in headless Chromium (frontend/e2e/media.mjs) against the real
services: the content screen requests a `video` of the demo persona, the AI worker process
claims and makes it (script, storyboard, frames with lip sync, voice-over, subtitles, H.264 +
AAC MP4, watermark and C2PA) and fulfils it on chain; the page plays it with its subtitle track
and shows its credentials verified by the web app's checker, and the persona's feed carries it.
The stack is `stack.web.devstack` with worker=True; screenshots go to frontend/test-results."""

from pathlib import Path

import pytest
from e2e_helpers import ARTIFACTS, build_for, run_e2e


@pytest.fixture(scope="module")
def media_build(media_stack, node_tools) -> Path:
    return build_for(media_stack)


def test_holder_requests_a_video_and_plays_it_with_subtitles_and_verified_credentials(media_stack, media_build):
    run_e2e("media.mjs", media_stack, ("worker.log", "social.log", "web.log"), timeout=480)
    assert (ARTIFACTS / "content-video.png").stat().st_size > 10_000
