"""Solidity anchors: compile benchmarks/anchors/<Name>.sol with the solc-js pinned in package.json.

Each anchor is a thin FameEngine wrapper that inherits the reference implementation from npm
(OpenZeppelin 5.7.0 as `@openzeppelin/contracts/...`, 4.9.6 as `@openzeppelin/contracts-v4/...`).
Sources are gathered here in Python (the anchor plus every file it imports, transitively) and
inlined into one standard-JSON input, which benchmarks/solc_compile.js hands to solc-js. The
output is cached under benchmarks/.build/, keyed by the SHA-256 of that input together with the
compiler version and the node script, so an edit anywhere in the imported tree recompiles.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .artifacts import Artifact

PACKAGE_DIR = Path(__file__).resolve().parent
ROOT = PACKAGE_DIR.parent
ANCHORS_DIR = PACKAGE_DIR / "anchors"
NODE_MODULES = ROOT / "node_modules"
CACHE_DIR = PACKAGE_DIR / ".build"
NODE_SCRIPT = PACKAGE_DIR / "solc_compile.js"

#: Compiler settings for every anchor: the optimizer as the reference projects recommend it
#: (legacy pipeline, 200 runs) and the hardfork our chain runs.
SETTINGS: dict = {
    "optimizer": {"enabled": True, "runs": 200},
    "evmVersion": "prague",
}
OUTPUT_SELECTION = ["abi", "evm.bytecode.object", "evm.deployedBytecode.object"]

_IMPORT = re.compile(r"""\bimport\s+(?:[^;"']*?\s+from\s+)?["']([^"']+)["']""")
_BLOCK_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_LINE_COMMENT = re.compile(r"//[^\n]*")


class AnchorCompileError(RuntimeError):
    """solc rejected an anchor, or an import could not be found."""


@dataclass(frozen=True)
class CompiledAnchor:
    """Every contract of one anchor file, as compiled."""

    source: str  # source unit name, e.g. "anchors/OZVotesToken.sol"
    solc_version: str
    contracts: dict[str, Artifact]
    cached: bool

    def __getitem__(self, name: str) -> Artifact:
        try:
            return self.contracts[name]
        except KeyError:
            raise KeyError(f"{self.source} has no contract {name!r} (it has {sorted(self.contracts)})") from None


def unit_path(unit: str, anchors_dir: Path = ANCHORS_DIR) -> Path:
    """Where a source unit name lives on disk: our anchors, or a package in node_modules."""
    if unit.startswith("anchors/"):
        return anchors_dir / unit.removeprefix("anchors/")
    return NODE_MODULES / unit


def imports_of(text: str) -> list[str]:
    """The import paths named in a Solidity source, in order (comments ignored)."""
    stripped = _LINE_COMMENT.sub("", _BLOCK_COMMENT.sub("", text))
    return _IMPORT.findall(stripped)


def resolve_import(importer: str, path: str) -> str:
    """Source unit name of `path` as imported from unit `importer`."""
    if path.startswith("./") or path.startswith("../"):
        return posixpath.normpath(posixpath.join(posixpath.dirname(importer), path))
    return path


def gather_sources(entry: str, anchors_dir: Path = ANCHORS_DIR) -> dict[str, str]:
    """The entry unit and every unit it imports, transitively: {unit name: content}, sorted."""
    sources: dict[str, str] = {}
    pending = [entry]
    while pending:
        unit = pending.pop()
        if unit in sources:
            continue
        path = unit_path(unit, anchors_dir)
        if not path.is_file():
            raise AnchorCompileError(f"Solidity import {unit!r} not found at {path} (is `npm ci` done?)")
        text = path.read_text(encoding="utf-8")
        sources[unit] = text
        pending.extend(resolve_import(unit, imp) for imp in imports_of(text))
    return dict(sorted(sources.items()))


def standard_json_input(entry: str, anchors_dir: Path = ANCHORS_DIR) -> dict:
    """One standard-JSON input with every source inlined; bytecode is asked for the entry only."""
    return {
        "language": "Solidity",
        "sources": {unit: {"content": text} for unit, text in gather_sources(entry, anchors_dir).items()},
        "settings": {**SETTINGS, "outputSelection": {entry: {"*": OUTPUT_SELECTION}}},
    }


def solc_package_version() -> str:
    package = NODE_MODULES / "solc" / "package.json"
    if not package.is_file():
        raise AnchorCompileError("solc-js is not installed (node_modules/solc missing: run `npm ci`)")
    return json.loads(package.read_text())["version"]


def package_version(package: str) -> str:
    """Version of an npm package in node_modules, e.g. '@openzeppelin/contracts' -> '5.7.0'."""
    return json.loads((NODE_MODULES / package / "package.json").read_text())["version"]


def cache_key(input_json: str) -> str:
    h = hashlib.sha256()
    for part in (solc_package_version(), NODE_SCRIPT.read_text(), input_json):
        h.update(part.encode())
        h.update(b"\0")
    return h.hexdigest()


def _run_solc(input_json: str) -> dict:
    node = shutil.which("node")
    if node is None:
        raise AnchorCompileError("node is not on PATH; solc-js needs it")
    proc = subprocess.run(
        [node, str(NODE_SCRIPT)],
        input=input_json,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    if proc.returncode != 0:
        raise AnchorCompileError(f"solc-js failed (exit {proc.returncode}):\n{proc.stderr.strip()}")
    return json.loads(proc.stdout)


def compile_anchor(name: str, *, cache_dir: Path = CACHE_DIR, anchors_dir: Path = ANCHORS_DIR) -> CompiledAnchor:
    """Compile <anchors_dir>/<name>.sol, or reuse the cached output of an identical input."""
    entry = f"anchors/{name}.sol"
    if not unit_path(entry, anchors_dir).is_file():
        raise AnchorCompileError(f"no anchor source at {unit_path(entry, anchors_dir)}")
    input_json = json.dumps(standard_json_input(entry, anchors_dir), sort_keys=True, separators=(",", ":"))
    key = cache_key(input_json)
    cache_file = cache_dir / f"{name}-{key[:20]}.json"
    if cache_file.is_file():
        return _from_cache(entry, json.loads(cache_file.read_text()), cached=True)

    result = _run_solc(input_json)
    output = result["output"]
    errors = [e for e in output.get("errors", []) if e.get("severity") == "error"]
    if errors:
        message = "\n".join(e.get("formattedMessage", e.get("message", "")) for e in errors)
        raise AnchorCompileError(f"solc-js rejected {entry}:\n{message}")
    contracts = {
        cname: {
            "abi": c["abi"],
            "bytecode": "0x" + c["evm"]["bytecode"]["object"],
            "runtime_bytecode": "0x" + c["evm"]["deployedBytecode"]["object"],
        }
        for cname, c in output.get("contracts", {}).get(entry, {}).items()
    }
    data = {"key": key, "source": entry, "solc_version": result["version"], "contracts": contracts}
    cache_dir.mkdir(parents=True, exist_ok=True)
    for stale in cache_dir.glob(f"{name}-*.json"):
        stale.unlink()  # one cached build per anchor: the previous input's output is dead weight
    tmp = cache_file.with_suffix(".tmp")
    tmp.write_text(json.dumps(data))
    tmp.replace(cache_file)
    return _from_cache(entry, data, cached=False)


def _from_cache(entry: str, data: dict, *, cached: bool) -> CompiledAnchor:
    contracts = {
        cname: Artifact(
            name=cname,
            abi=c["abi"],
            bytecode=c["bytecode"],
            runtime_bytecode=c.get("runtime_bytecode"),
            origin=f"{entry} (solc {data['solc_version']})",
        )
        for cname, c in data["contracts"].items()
    }
    return CompiledAnchor(source=entry, solc_version=data["solc_version"], contracts=contracts, cached=cached)
