"""The project's Vyper compiler as ape uses it: the same vyper package, the same search paths
(site-packages, for `from snekmate...`, then the project root; relative imports resolve from the
importing file) and the settings of ape-config.yaml (EVM version; optimisation for gas, ape's
default, unless the source names its own with an `optimize` pragma, which ape then passes on).

`annotate` gives the operators a parsed module with the compiler's types on its expressions;
`check` compiles files of a tree to bytecode and says why not. The runner calls `check` as
`python -m audit.mutation.compiler ROOT FILE...` so that a worker compiles in its own process.
"""

from __future__ import annotations

import re
import site
import sys
from pathlib import Path

import yaml  # type: ignore[import-untyped]
from vyper.ast import nodes as vy_ast  # type: ignore[import-untyped]
from vyper.ast import parse_to_ast
from vyper.compiler.input_bundle import FileInput, FilesystemInputBundle  # type: ignore[import-untyped]
from vyper.compiler.phases import CompilerData  # type: ignore[import-untyped]
from vyper.compiler.settings import OptimizationLevel, Settings  # type: ignore[import-untyped]

#: a source's own optimisation (contracts/token/FMC.vy: codesize): the compiler takes it from
#: the pragma, and a setting beside it would conflict
OWN_OPTIMIZE = re.compile(r"(?:\n|^)\s*#\s*pragma\s+optimize\s")


def settings_for(root: Path, source: str = "") -> Settings:
    evm_version = None
    config = root / "ape-config.yaml"
    if config.is_file():
        data = yaml.safe_load(config.read_text()) or {}
        evm_version = (data.get("vyper") or {}).get("evm_version")
    optimize = None if OWN_OPTIMIZE.search(source) else OptimizationLevel.GAS
    return Settings(evm_version=evm_version, optimize=optimize)


def search_paths(root: Path) -> list[Path]:
    # FilesystemInputBundle gives the last path the highest precedence: the project root
    # after site-packages, as ape passes them.
    return [Path(p) for p in site.getsitepackages()] + [root.resolve()]


def _compiler_data(root: Path, path: Path, source: str | None) -> CompilerData:
    bundle = FilesystemInputBundle(search_paths(root))
    absolute = (root / path).resolve()
    file_input = bundle.load_file(absolute)
    assert isinstance(file_input, FileInput)
    if source is not None:
        file_input = FileInput(file_input.source_id, file_input.path, file_input.resolved_path, source)
    return CompilerData(file_input, bundle, settings=settings_for(root, file_input.source_code))


def annotate(root: Path, path: Path, source: str) -> tuple[vy_ast.Module, bool]:
    """The module of `source` (the text of `path` under `root`) and whether it carries types:
    annotated when the compiler's semantic analysis passes, else only parsed."""
    try:
        return _compiler_data(root, path, source).annotated_vyper_module, True
    except Exception:
        # A file the analysis refuses still has a syntax tree: the operators that need no
        # types work on it.
        return parse_to_ast(source, resolved_path=str(path)), False


def check(root: Path, paths: list[Path]) -> str | None:
    """None when every file compiles to bytecode, else the first error (file and message)."""
    for path in paths:
        try:
            _ = _compiler_data(root, path, None).bytecode  # the property runs the whole compiler
        except Exception as exc:
            return f"{path}: {type(exc).__name__}: {exc}"
    return None


def main(argv: list[str]) -> int:
    root, *files = argv
    error = check(Path(root), [Path(f) for f in files])
    if error is not None:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
