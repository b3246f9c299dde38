"""The diversity audit as a command and a library entry point.

    python -m ai_worker.avatar.diversity --n 48 --out docs/img/diversity
    python -m ai_worker.avatar.diversity --specs my-specs.json --n 0 --out /tmp/audit

run_audit() renders N random specs plus the approved ones (the repo's demo personas, or the
specs of a JSON file), measures them (audit.py) and writes report.json / .md / .png.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .audit import Entry, audit_specs, spread_shift, summarise
from .randomspec import random_specs
from .report import write
from .samples import approved_specs, load_specs

__all__ = ["run_audit", "spread_shift", "DEFAULT_OUT"]

DEFAULT_OUT = Path(__file__).resolve().parents[2] / "docs" / "img" / "diversity"


def run_audit(
    n: int = 48, out: Path | None = DEFAULT_OUT, specs_file: Path | None = None, seed: int = 0
) -> dict[str, Any]:
    """Audit n random specs plus the approved ones; write the report to `out` (None: don't)."""
    approved = load_specs(specs_file) if specs_file else approved_specs()
    entries: list[Entry] = audit_specs(approved, specs_file.name if specs_file else "approved", thumbnails=True)
    entries += audit_specs(random_specs(n, seed), "random", thumbnails=True)
    summary = summarise(entries)
    summary["by_source"] = {
        src: summarise([e for e in entries if e.source == src])["flags"] for src in sorted({e.source for e in entries})
    }
    if out is not None:
        summary["files"] = [p.name for p in write(Path(out), summary, entries, "Avatar diversity audit")]
    return summary


if __name__ == "__main__":
    from .cli import diversity

    diversity()
