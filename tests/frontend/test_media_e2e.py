"""A holder orders a video in headless Chromium (frontend/e2e/media.mjs) against the real
services: the content screen requests a `video` of the demo persona, the AI worker process
claims and makes it (script, storyboard, frames with lip sync, voice-over, subtitles, H.264 +
AAC MP4, watermark and C2PA) and fulfils it on chain; the page plays it with its subtitle track
and shows its credentials verified by the web app's checker, and the persona's feed carries it.
The stack is `stack.web.devstack` with worker=True; screenshots go to frontend/test-results."""

import os
import subprocess
from pathlib import Path

import pytest

from fame.config import PROJECT_ROOT

FRONTEND = PROJECT_ROOT / "frontend"
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = FRONTEND / "test-results"


def tail(path: Path, chars: int = 3000) -> str:
    return path.read_text(errors="replace")[-chars:] if path.exists() else "(no log)"


@pytest.fixture(scope="module")
def media_build(media_stack, node_tools) -> Path:
    from fame.errors import FameError
    from stack.web.build import build_frontend

    log = media_stack.logs / "frontend.log"
    try:
        return build_frontend(media_stack.manifest, log, out_dir=media_stack.logs.parent / "dist")
    except FameError as err:
        pytest.fail(f"{err}\n{tail(log, 6000)}")


def test_holder_requests_a_video_and_plays_it_with_subtitles_and_verified_credentials(media_stack, media_build):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test-tools` installs Debian's chromium")
    env = {
        **os.environ,
        "BASE_URL": media_stack.web_url,
        "RPC_URL": media_stack.rpc_url,
        "FAME_MANIFEST": str(media_stack.manifest),
        "E2E_ARTIFACTS": str(ARTIFACTS),
        "CHROMIUM": CHROMIUM,
    }
    logs = "\n".join(f"--- {n} ---\n{tail(media_stack.logs / n)}" for n in ("worker.log", "social.log", "web.log"))
    try:
        proc = subprocess.run(
            ["node", "e2e/media.mjs"],
            cwd=FRONTEND,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=480,
        )
    except subprocess.TimeoutExpired as err:
        out = err.stdout.decode(errors="replace") if isinstance(err.stdout, bytes) else (err.stdout or "")
        pytest.fail(f"the media end-to-end run did not finish in {err.timeout}s:\n{out[-6000:]}\n{logs}")
    logs = "\n".join(f"--- {n} ---\n{tail(media_stack.logs / n)}" for n in ("worker.log", "social.log", "web.log"))
    assert proc.returncode == 0, f"the media end-to-end run failed:\n{proc.stdout[-8000:]}\n{logs}"
    print(proc.stdout)
    assert (ARTIFACTS / "content-video.png").stat().st_size > 10_000
