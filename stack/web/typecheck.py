"""`python -m stack.web.typecheck` (make lint): `tsc --noEmit` over the frontend without a deployment.

The frontend imports its contracts from a module that scripts/gen-contracts.mjs generates from
the deployment manifest. Here the manifest is made from what a deployment would hold minus the
chain: the ABIs of the compiled contracts (`ape compile` writes .build/__local__.json), zero
addresses and the local DAO parameters of the deploy script. The module goes to
frontend/.typecheck/ — never to src/generated/, which belongs to a real deployment — and
frontend/tsconfig.typecheck.json lays .typecheck/src over src so the imports resolve there.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from typing import Any

from fame.config import LOCAL_CHAIN_ID, PROJECT_ROOT
from fame.errors import FameError

FRONTEND = PROJECT_ROOT / "frontend"
ARTIFACTS = PROJECT_ROOT / ".build" / "__local__.json"
WORK = FRONTEND / ".typecheck"
ZERO_ADDRESS = "0x" + "00" * 20


def _local_dao_params() -> dict[str, Any]:
    """The deploy script's local DAO parameters (the script is their one source)."""
    spec = importlib.util.spec_from_file_location("fame_deploy_script", PROJECT_ROOT / "scripts" / "deploy.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return dict(module.LOCAL._asdict())


def abi_manifest() -> dict[str, Any]:
    """A manifest-shaped document: every compiled contract (test mocks and ABI-less modules
    left out) at the zero address."""
    try:
        compiled = json.loads(ARTIFACTS.read_text())
    except (OSError, ValueError) as err:
        raise FameError(f"cannot read the compiled contracts {ARTIFACTS} ({err}): run `ape compile` first") from None
    contracts = {
        name: {"address": ZERO_ADDRESS, "abi": ct["abi"]}
        for name, ct in compiled.get("contractTypes", {}).items()
        if not name.startswith("Mock") and ct.get("abi")
    }
    return {
        "format": 1,
        "chain_id": LOCAL_CHAIN_ID,
        "deploy_block": 0,
        "created_at": "type check",
        "contracts": contracts,
        "extra": {"dao_params": _local_dao_params()},
    }


def typecheck() -> None:
    node = shutil.which("node")
    if node is None:
        raise FameError("node is not installed: the frontend needs Node.js 20+")
    if not (FRONTEND / "node_modules" / "typescript").is_dir():
        raise FameError("frontend/node_modules has no typescript: run `make install`")
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    manifest = WORK / "manifest.json"
    manifest.write_text(json.dumps(abi_manifest()))
    env = {"FAME_MANIFEST": str(manifest), "FAME_GEN_OUT": str(WORK / "src" / "generated" / "contracts.ts")}
    steps = [
        [node, "scripts/gen-contracts.mjs"],
        [node, "node_modules/typescript/bin/tsc", "--noEmit", "-p", "tsconfig.typecheck.json"],
    ]
    for argv in steps:
        proc = subprocess.run(argv, cwd=FRONTEND, env={**os.environ, **env}, stdin=subprocess.DEVNULL)
        if proc.returncode != 0:
            raise FameError(f"frontend type check failed ({' '.join(argv[1:])}): see the errors above")
    print("frontend: tsc --noEmit found no type errors")


def main() -> None:
    try:
        typecheck()
    except FameError as err:
        print(f"error: {err}", file=sys.stderr)
        sys.exit(err.exit_code)


if __name__ == "__main__":
    main()
