"""The token holders' web frontend: production bundle size and the time until the gallery shows.

The frontend is built (`npm run build`: contracts generated from the manifest, tsc, vite) against
a seeded local stack of its own (stack.web.devstack: anvil, deploy, the Nova Lumen seed, the web
service), then loaded in headless Chromium with a cold cache.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from fame.config import PROJECT_ROOT
from fame.procs import Supervisor

from ..context import Context
from ..core import Row, suite

COMPONENT = "Frontend"
FRONTEND = PROJECT_ROOT / "frontend"
CHROMIUM = "/usr/bin/chromium"
GALLERY_RUNS = 7
TARGET_KB = 250
ROOM_CHUNK_PREFIX = "three-"
TARGET_MS = 1000


def gzip_size(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=9))


def bundle_rows(dist: Path) -> Iterator[Row]:
    scripts = sorted((dist / "assets").glob("*.js"))
    html = (dist / "index.html").read_text()
    # the live room's 3D engine (vite.config.ts puts three.js in a chunk of its own), fetched
    # only when a fan opens a room: measured apart from the app the target is for
    room = [p for p in scripts if p.name.startswith(ROOM_CHUNK_PREFIX)]
    app = [p for p in scripts if p not in room]
    entry = [p for p in app if p.name in html]
    total = sum(gzip_size(p) for p in app)
    first = sum(gzip_size(p) for p in entry)
    yield Row(
        COMPONENT,
        f"production JavaScript, all {len(app)} chunks but the 3D room's, gzip -9 (target < {TARGET_KB} KB)",
        round(total / 1024, 1),
        None,
        None,
        unit="KB",
    )
    yield Row(
        COMPONENT,
        "JavaScript loaded before the gallery (entry chunk), gzip -9",
        round(first / 1024, 1),
        None,
        None,
        unit="KB",
    )
    yield Row(
        COMPONENT,
        "the live room's 3D engine (three.js, fetched when a room opens), gzip -9",
        round(sum(gzip_size(p) for p in room) / 1024, 1) if room else None,
        None,
        None,
        unit="KB",
    )


def gallery_rows(ctx: Context, web_url: str) -> Iterator[Row]:
    if not Path(CHROMIUM).exists():
        ctx.warnings.append(f"frontend: {CHROMIUM} is missing (make test-tools installs it); no gallery time")
        return
    proc = subprocess.run(
        ["node", "e2e/gallery-time.mjs"],
        cwd=FRONTEND,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "BASE_URL": web_url, "RUNS": str(GALLERY_RUNS), "CHROMIUM": CHROMIUM},
    )
    if proc.returncode != 0:
        ctx.warnings.append(f"frontend: gallery timing failed: {(proc.stdout + proc.stderr)[-400:]}")
        return
    figures = json.loads(proc.stdout.strip().splitlines()[-1])
    yield Row(
        COMPONENT,
        f"time until the gallery shows (first persona card), localhost, cold cache, "
        f"median of {GALLERY_RUNS} (target < {TARGET_MS} ms)",
        figures["medianFirstCardMs"],
        None,
        None,
        unit="ms",
    )
    yield Row(
        COMPONENT,
        f"time until every card has its IPFS spec, median of {GALLERY_RUNS}",
        figures["medianCompleteMs"],
        None,
        None,
        unit="ms",
    )


@suite("frontend", title="Frontend")
def frontend(ctx: Context) -> Iterator[Row]:
    """The production build (`npm run build` in frontend/) against a fresh seeded stack of its own; sizes are
    each JavaScript chunk gzipped at level 9, summed. The gallery time is read from the app's own performance
    marks in headless Chromium (a new browser context per run, so nothing is cached): from navigation start to
    the first persona card painted with its name, avatar and reputation (one batched JSON-RPC round and the
    event index), and to every card filled in with its spec from IPFS."""
    from stack.web.build import build_frontend
    from stack.web.devstack import start

    with tempfile.TemporaryDirectory(prefix="fame-bench-frontend-") as tmp:
        root = Path(tmp)
        sup = Supervisor()
        try:
            with ctx.steps.step("Frontend: seeded stack (anvil, deploy, seed, web service)"):
                stack = start(root, sup, dist=root / "dist")
            with ctx.steps.step("Frontend: production build"):
                build_frontend(stack.manifest, root / "logs" / "frontend.log", out_dir=root / "dist")
            yield from bundle_rows(root / "dist")
            with ctx.steps.step("Frontend: gallery load in headless Chromium"):
                rows = list(gallery_rows(ctx, stack.web_url))
            yield from rows
        finally:
            sup.stop()
