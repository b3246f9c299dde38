"""Compiled contracts as the harness deploys them: ours from ape's build, anchors from solc-js.

Our Vyper contracts have one compile path, `ape compile`, which writes the manifest
.build/__local__.json; the harness runs it (incremental) and reads contract types from there.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APE_MANIFEST = ROOT / ".build" / "__local__.json"


@dataclass(frozen=True)
class Artifact:
    """ABI and creation bytecode of one contract."""

    name: str
    abi: list = field(repr=False)
    bytecode: str = field(repr=False)
    runtime_bytecode: str | None = field(default=None, repr=False)
    origin: str = ""  # where it came from, for messages and the report


class MissingContract(LookupError):
    """One of our contracts is not in ape's build (not written yet, or it failed to compile)."""


@dataclass
class ApeCompileResult:
    ok: bool
    output: str


def ape_compile() -> ApeCompileResult:
    """Run `ape compile` (incremental) so the manifest holds our current contracts."""
    ape = shutil.which("ape")
    if ape is None:
        return ApeCompileResult(False, "ape is not on PATH (activate .venv or run through `make bench`)")
    proc = subprocess.run([ape, "compile"], cwd=ROOT, capture_output=True, text=True, check=False)
    return ApeCompileResult(proc.returncode == 0, (proc.stdout + proc.stderr).strip())


class OurContracts:
    """Our contract types by name, as ape's manifest has them."""

    def __init__(self, manifest: Path = APE_MANIFEST):
        self.manifest = manifest
        self._types: dict[str, dict] = {}
        for attempt in range(5):  # another `ape compile` may be rewriting it right now
            if not manifest.is_file():
                break
            try:
                self._types = json.loads(manifest.read_text()).get("contractTypes", {}) or {}
                break
            except json.JSONDecodeError:
                time.sleep(1 + attempt)

    def names(self) -> list[str]:
        return sorted(self._types)

    def __contains__(self, name: str) -> bool:
        return name in self._types

    def get(self, name: str) -> Artifact:
        ctype = self._types.get(name)
        if ctype is None:
            raise MissingContract(
                f"{name} is not in ape's build ({_shown(self.manifest)}); "
                f"compiled contracts: {', '.join(self.names()) or 'none'}"
            )
        bytecode = (ctype.get("deploymentBytecode") or {}).get("bytecode")
        if not bytecode:
            raise MissingContract(f"{name} has no deployment bytecode in ape's build (an interface?)")
        runtime = (ctype.get("runtimeBytecode") or {}).get("bytecode")
        return Artifact(
            name=name,
            abi=ctype["abi"],
            bytecode=bytecode,
            runtime_bytecode=runtime,
            origin=ctype.get("sourceId", ""),
        )


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)
