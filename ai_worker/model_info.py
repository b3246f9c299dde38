"""What made a piece of content: the model names and versions a content manifest records."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ModelInfo:
    """One model (or program) that produced part of a content item."""

    name: str
    version: str
    kind: str
    sha256: str | None = None

    def to_json(self) -> dict[str, Any]:
        out = {"name": self.name, "version": self.version, "kind": self.kind}
        if self.sha256:
            out["sha256"] = self.sha256
        return out


def package_version(name: str) -> str:
    """The installed version of a distribution, or "unknown"."""
    try:
        from importlib.metadata import version

        return version(name)
    except Exception:
        return "unknown"
