"""The audit's outputs: report.json (everything), report.md (for people) and report.png
(bars per axis, Monk tones in their own colours, and a grid of the audited faces)."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw

from .audit import Entry
from .fonts import font
from .monk import MST_RGB

AXIS_TITLES = {
    "mst": "Monk skin tone (measured)",
    "mst_group": "MST group (measured)",
    "presentation": "presentation (rig parameter)",
    "age": "apparent age (rig parameter)",
}


def _fmt_p(p: float) -> str:
    return f"{p:.3g}"


def markdown(summary: dict[str, Any], entries: Sequence[Entry], title: str) -> str:
    rule = summary["rule"]
    lines = [
        f"# {title}",
        "",
        f"{summary['n']} personas. Skin tone is measured from the rendered pixels (median of the cheek patch, "
        "CIELAB, nearest Monk Skin Tone swatch); presentation and apparent age are the rig's own look "
        "parameters, not the output of a classifier.",
        "",
        f"An axis is flagged when a chi-square test against the expected spread gives p < {rule['p_threshold']} "
        f"(judged from {rule['min_per_bucket_chi2']} personas per bucket) or the largest bucket is more than "
        f"{rule['ratio_threshold']}x the smallest relative to its expected share "
        f"(from {rule['min_per_bucket_ratio']} per bucket).",
        "",
        "**Flags:** " + ("; ".join(summary["flags"]) if summary["flags"] else "none"),
    ]
    mism = summary["skin_rig_vs_measured_mismatches"]
    lines.append(
        f"**Measured vs rig skin tone:** {'all match' if not mism else f'{len(mism)} differ: ' + ', '.join(mism)}"
    )
    for axis, s in summary["axes"].items():
        lines += [
            "",
            f"## {AXIS_TITLES.get(axis, axis)}",
            "",
            "| bucket | count | share | expected |",
            "|---|---:|---:|---:|",
        ]
        for b in s["buckets"]:
            lines.append(f"| {b} | {s['counts'][b]} | {s['shares'][b]:.1%} | {s['expected'][b]:.1%} |")
        ratio = "inf" if s["max_min_ratio"] is None else f"{s['max_min_ratio']:.2f}"
        verdict = "flagged" if s["flagged"] else ("balanced" if s["judged"] else "too few to judge")
        lines += [
            "",
            f"chi-square {s['chi2']:.2f}, p = {_fmt_p(s['p_value'])}, max/min ratio {ratio}, "
            f"distance from even {s['total_variation']:.3f}: **{verdict}**",
        ]
    sources = sorted({e.source for e in entries})
    lines += [
        "",
        "## Personas",
        "",
        "| name | source | MST (measured) | MST (rig) | presentation | age | hair |",
        "|---|---|---:|---:|---|---|---|",
    ]
    for e in entries:
        lk = e.look
        lines.append(
            f"| {e.name} | {e.source} | {e.skin.tone} | {lk.skin_tone} "
            f"| {lk.presentation} | {lk.age} | {lk.hair_style} |"
        )
    lines += ["", f"Sources: {', '.join(sources)}.", ""]
    return "\n".join(lines)


def picture(summary: dict[str, Any], entries: Sequence[Entry], cols: int = 12) -> Image.Image:
    thumb = 72
    width = 40 + cols * thumb
    bars_h = 230
    rows = math.ceil(len(entries) / cols)
    img = Image.new("RGB", (width, bars_h * 2 + 40 + rows * thumb + 20), (250, 250, 248))
    d = ImageDraw.Draw(img)
    f, fs = font(15), font(11)
    panels = [
        ("mst", 20, 20, width - 40),
        ("mst_group", 20, bars_h + 30, (width - 60) // 3),
        ("presentation", 40 + (width - 60) // 3, bars_h + 30, (width - 60) // 3),
        ("age", 60 + 2 * (width - 60) // 3, bars_h + 30, (width - 60) // 3),
    ]
    palette = {"mst": MST_RGB}
    for axis, x0, y0, w in panels:
        s = summary["axes"][axis]
        title = AXIS_TITLES[axis] + ("  FLAGGED" if s["flagged"] else "")
        d.text((x0, y0), title, fill=(170, 40, 40) if s["flagged"] else (30, 30, 36), font=f)
        counts = [s["counts"][b] for b in s["buckets"]]
        top = max(max(counts), 1)
        n = len(counts)
        bw = w / n
        base = y0 + bars_h - 40
        for i, (b, c) in enumerate(zip(s["buckets"], counts, strict=True)):
            h = (bars_h - 80) * c / top
            colour = palette.get(axis, [(96, 125, 160)] * n)[i]
            x = x0 + i * bw
            d.rectangle((x + 4, base - h, x + bw - 4, base), fill=colour, outline=(120, 120, 120))
            exp_h = (bars_h - 80) * s["expected"][b] * summary["n"] / top
            d.line((x + 2, base - exp_h, x + bw - 2, base - exp_h), fill=(200, 60, 60), width=2)
            d.text((x + bw / 2, base + 4), b.split(" ")[0], fill=(60, 60, 70), font=fs, anchor="ma")
            d.text((x + bw / 2, base - h - 3), str(c), fill=(60, 60, 70), font=fs, anchor="md")
    y = bars_h * 2 + 40
    for i, e in enumerate(entries):
        if e.thumbnail is not None:
            img.paste(e.thumbnail.resize((thumb, thumb)), (20 + (i % cols) * thumb, y + (i // cols) * thumb))
    return img


def write(out_dir: Path, summary: dict[str, Any], entries: Sequence[Entry], title: str) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    data = {"summary": summary, "personas": [e.to_json() for e in entries]}
    paths = [out_dir / "report.json", out_dir / "report.md", out_dir / "report.png"]
    paths[0].write_text(json.dumps(data, indent=2, default=str) + "\n", encoding="utf-8")
    paths[1].write_text(markdown(summary, entries, title), encoding="utf-8")
    picture(summary, entries).save(paths[2], optimize=True)
    return paths
