"""Building the frontend for `make up`: contracts generated from the deployment manifest, then
`vite build` into frontend/dist (which the web service serves). The type check (`npm run
build`) belongs to the tests; `make up` runs `npm run bundle` and skips even that when the
sources and the manifest's contracts are the ones dist/ was built from."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

from fame.config import PROJECT_ROOT
from fame.errors import FameError

FRONTEND = PROJECT_ROOT / "frontend"
SOURCES = ("src", "index.html", "vite.config.ts", "package-lock.json", "scripts/gen-contracts.mjs")
KEY_FILE = ".build-key"
#: Finished builds by key, shared by every output folder: the test suite's stacks deploy the same
#: contracts at the same addresses, so their builds are the same bytes (a copy, not a rebuild).
CACHE = PROJECT_ROOT / ".cache" / "frontend-builds"
KEEP = 4


def build_key(manifest: Path) -> str:
    """Digest of what a build depends on: the frontend's sources and the manifest's contracts."""
    h = hashlib.sha256()
    contracts = json.loads(manifest.read_text())["contracts"]
    h.update(json.dumps({n: [c["address"], c["abi"]] for n, c in contracts.items()}, sort_keys=True).encode())
    for name in SOURCES:
        root = FRONTEND / name
        files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root]
        for f in files:
            if "generated" in f.relative_to(FRONTEND).parts:
                continue
            h.update(str(f.relative_to(FRONTEND)).encode() + b"\0" + f.read_bytes())
    return h.hexdigest()


def _built(folder: Path, key: str) -> bool:
    return (
        (folder / KEY_FILE).is_file() and (folder / KEY_FILE).read_text() == key and (folder / "index.html").is_file()
    )


def _keep(out: Path, cache: Path, key: str) -> None:
    """Put a copy of the finished build `out` in the cache (atomically), and forget old ones."""
    cache.mkdir(parents=True, exist_ok=True)
    if _built(cache / key, key):
        return
    tmp = cache / f".{key}.{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(out, tmp)
    try:
        tmp.rename(cache / key)
    except OSError:  # another process cached the same build meanwhile
        shutil.rmtree(tmp, ignore_errors=True)
    old = sorted(
        (d for d in cache.iterdir() if d.is_dir() and not d.name.startswith(".")), key=lambda d: d.stat().st_mtime
    )
    for stale in old[:-KEEP]:
        shutil.rmtree(stale, ignore_errors=True)


def build_frontend(
    manifest: Path, log: Path, out_dir: Path | None = None, check_types: bool = False, cache: Path | None = CACHE
) -> Path:
    """Build frontend/ against `manifest` into `out_dir` (default frontend/dist); returns it.
    `check_types`: run `tsc --noEmit` too (`npm run build` instead of `npm run bundle`).
    `cache`: where finished builds are kept by key (a build of the same sources and contracts
    is copied from there; None: always build)."""
    out = out_dir or FRONTEND / "dist"
    key = build_key(manifest)
    if _built(out, key):
        return out
    if cache is not None and not check_types and _built(cache / key, key):
        shutil.rmtree(out, ignore_errors=True)
        shutil.copytree(cache / key, out)
        return out
    npm = shutil.which("npm")
    if npm is None:
        raise FameError("npm is not installed: the frontend needs Node.js 20+ and npm")
    log.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "FAME_MANIFEST": str(manifest), "FAME_FRONTEND_OUT": str(out)}
    steps = []
    if not (FRONTEND / "node_modules" / ".installed").exists():
        steps.append([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"])
    steps.append([npm, "run", "--silent", "build" if check_types else "bundle"])
    with open(log, "a") as out_log:
        for argv in steps:
            proc = subprocess.run(
                argv, cwd=FRONTEND, env=env, stdin=subprocess.DEVNULL, stdout=out_log, stderr=subprocess.STDOUT
            )
            if proc.returncode != 0:
                raise FameError(f"building the frontend failed ({' '.join(argv[1:])}); see {log}")
            if argv[1] == "ci":
                (FRONTEND / "node_modules" / ".installed").touch()
    (out / KEY_FILE).write_text(key)
    if cache is not None:
        _keep(out, cache, key)
    return out
