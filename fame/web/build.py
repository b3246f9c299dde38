"""Building the frontend: contracts generated from the deployment manifest, then `vite build`
into frontend/dist (which the web service serves)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from fame.config import PROJECT_ROOT
from fame.errors import FameError

FRONTEND = PROJECT_ROOT / "frontend"


def build_frontend(manifest: Path, log: Path, out_dir: Path | None = None) -> Path:
    """`npm run build` in frontend/ against `manifest`; returns the dist folder."""
    npm = shutil.which("npm")
    if npm is None:
        raise FameError("npm is not installed: the frontend needs Node.js 20+ and npm")
    log.parent.mkdir(parents=True, exist_ok=True)
    env_extra = {"FAME_MANIFEST": str(manifest)}
    if out_dir is not None:
        env_extra["FAME_FRONTEND_OUT"] = str(out_dir)
    import os

    env = {**os.environ, **env_extra}
    steps = []
    if not (FRONTEND / "node_modules" / ".installed").exists():
        steps.append([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"])
    steps.append([npm, "run", "--silent", "build"])
    with open(log, "a") as out:
        for argv in steps:
            proc = subprocess.run(argv, cwd=FRONTEND, env=env, stdin=subprocess.DEVNULL, stdout=out,
                                  stderr=subprocess.STDOUT)
            if proc.returncode != 0:
                raise FameError(f"building the frontend failed ({' '.join(argv[1:])}); see {log}")
            if argv[1] == "ci":
                (FRONTEND / "node_modules" / ".installed").touch()
    return out_dir or FRONTEND / "dist"
