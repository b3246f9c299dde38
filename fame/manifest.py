"""The deployment manifest: deployments/<chain-id>.json, the one source of addresses and
ABIs for every FameEngine component (services, CLI, frontend, benchmarks).

Layout::

    {
      "format": 1,
      "chain_id": 31337,
      "network": "ethereum:local:foundry",
      "deployer": "0x...",
      "deploy_block": 1,
      "git_commit": "abc123...",
      "created_at": "2026-11-22T00:00:00+00:00",
      "contracts": {
        "FMC": {"address": "0x...", "contract_type": "FMC", "block": 1, "tx": "0x...", "abi": [...]},
        ...
      }
    }

The file is written atomically (a temporary file in the same folder, then a rename), so a
reader never sees half a manifest and a failed deploy leaves the previous one intact.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .config import PROJECT_ROOT, settings
from .errors import FameError

FORMAT_VERSION = 1


@dataclass(frozen=True)
class DeployedContract:
    """One deployed contract: where it is and how to talk to it."""

    name: str
    address: str
    contract_type: str
    abi: list[dict[str, Any]]
    block: int | None = None
    tx: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "address": self.address,
            "contract_type": self.contract_type,
            "block": self.block,
            "tx": self.tx,
            "abi": self.abi,
        }


@dataclass
class Manifest:
    """A whole deployment on one chain."""

    chain_id: int
    network: str
    deployer: str
    deploy_block: int
    contracts: dict[str, DeployedContract] = field(default_factory=dict)
    git_commit: str | None = None
    created_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    extra: dict[str, Any] = field(default_factory=dict)

    def contract(self, name: str) -> DeployedContract:
        try:
            return self.contracts[name]
        except KeyError:
            known = ", ".join(sorted(self.contracts)) or "none"
            raise FameError(
                f"the deployment on chain {self.chain_id} has no contract named {name!r} (it has: {known}); "
                "redeploy with `make up` or `ape run deploy --fresh`"
            ) from None

    def address(self, name: str) -> str:
        return self.contract(name).address

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT_VERSION,
            "chain_id": self.chain_id,
            "network": self.network,
            "deployer": self.deployer,
            "deploy_block": self.deploy_block,
            "git_commit": self.git_commit,
            "created_at": self.created_at,
            "contracts": {name: c.to_json() for name, c in sorted(self.contracts.items())},
            "extra": self.extra,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Manifest:
        if data.get("format") != FORMAT_VERSION:
            raise FameError(
                f"deployment manifest format {data.get('format')!r} is not {FORMAT_VERSION}; redeploy with --fresh"
            )
        contracts = {
            name: DeployedContract(
                name=name,
                address=c["address"],
                contract_type=c["contract_type"],
                abi=c["abi"],
                block=c.get("block"),
                tx=c.get("tx"),
            )
            for name, c in data["contracts"].items()
        }
        return cls(
            chain_id=int(data["chain_id"]),
            network=data["network"],
            deployer=data["deployer"],
            deploy_block=int(data["deploy_block"]),
            contracts=contracts,
            git_commit=data.get("git_commit"),
            created_at=data["created_at"],
            extra=data.get("extra", {}),
        )


def manifest_path(chain_id: int, deployments_dir: Path | None = None) -> Path:
    """Where the manifest of `chain_id` lives."""
    return (deployments_dir or settings().deployments_dir) / f"{chain_id}.json"


def load_manifest(chain_id: int, deployments_dir: Path | None = None) -> Manifest:
    """Read the manifest of `chain_id`; a clear FameError if there is none or it is unreadable."""
    path = manifest_path(chain_id, deployments_dir)
    if not path.is_file():
        raise FameError(f"no deployment for chain {chain_id} at {path}: run `make up` (local) or `ape run deploy`")
    try:
        return Manifest.from_json(json.loads(path.read_text()))
    except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        raise FameError(f"{path} is not a valid deployment manifest ({exc}); redeploy with --fresh") from None


def find_manifest(chain_id: int, deployments_dir: Path | None = None) -> Manifest | None:
    """Like load_manifest, but None when the chain has no manifest yet."""
    if not manifest_path(chain_id, deployments_dir).is_file():
        return None
    return load_manifest(chain_id, deployments_dir)


def write_manifest(manifest: Manifest, deployments_dir: Path | None = None) -> Path:
    """Write atomically: readers see the old file or the new one, never a partial one."""
    path = manifest_path(manifest.chain_id, deployments_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w") as fh:
            json.dump(manifest.to_json(), fh, indent=2)
            fh.write("\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def git_commit() -> str | None:
    """The commit the deployed sources come from (None outside a git checkout)."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=5, check=True
        )
    except (OSError, subprocess.SubprocessError):
        return None
    commit = out.stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=5,
    ).stdout.strip()
    return f"{commit}-dirty" if dirty else commit
