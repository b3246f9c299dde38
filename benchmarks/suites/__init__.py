"""Benchmark suites. Every module in this package is imported by the runner; each registers its
suites with `@benchmarks.suite(...)` (see benchmarks/core.py)."""

from __future__ import annotations

import importlib
import pkgutil


def load_all() -> None:
    """Import every suite module (registration happens on import)."""
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if not module.name.startswith("_"):
            importlib.import_module(f"{__name__}.{module.name}")
