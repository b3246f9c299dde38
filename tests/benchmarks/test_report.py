"""The benchmark report: rows, ratios, Markdown, JSON and the rich table (no chain needed)."""

import json
import re

from rich.console import Console

from benchmarks import ROW_KEYS, Row
from benchmarks.core import Suite
from benchmarks.report import (
    EMPTY,
    RunInfo,
    fmt_ratio,
    fmt_value,
    json_report,
    markdown_report,
    markdown_table,
    rich_table,
    write_reports,
)

ANCHOR = "OpenZeppelin 5.7.0 ERC20Votes"
ROWS = [
    Row("FMC token", "transfer", 45_000, ANCHOR, 50_000),
    Row("FMC token", "deploy", None, ANCHOR, 1_900_000),
    Row("Oracle", "transmit | 4 signers", 81_000.0, "Reference aggregator", 90_000, unit="gas"),
    Row("ZK", "verify", 1.5, "Reference verifier", 2.0, unit="ms"),
]


def test_ratio_is_ours_over_anchor():
    assert ROWS[0].ratio == 0.9
    assert ROWS[3].ratio == 0.75
    assert ROWS[1].ratio is None
    assert Row("X", "a", 1, "A", None).ratio is None
    assert Row("X", "a", 1, "A", 0).ratio is None


def test_row_dict_has_exactly_the_documented_keys():
    d = ROWS[0].to_dict()
    assert tuple(d) == ROW_KEYS == ("component", "action", "unit", "ours", "anchor", "anchor_value", "ratio")
    assert d == {
        "component": "FMC token",
        "action": "transfer",
        "unit": "gas",
        "ours": 45_000,
        "anchor": ANCHOR,
        "anchor_value": 50_000,
        "ratio": 0.9,
    }
    assert ROWS[1].to_dict()["ratio"] is None


def test_value_formatting():
    assert fmt_value(1_929_917) == "1,929,917"
    assert fmt_value(81_000.0) == "81,000"
    assert fmt_value(1.5) == "1.5"
    assert fmt_value(None) == EMPTY
    assert fmt_ratio(0.93812) == "0.938"
    assert fmt_ratio(None) == EMPTY


def test_markdown_table_shape():
    lines = markdown_table(ROWS).splitlines()
    assert lines[0] == "| Component | Action | Unit | Ours | Anchor | Anchor value | Ratio |"
    assert lines[1] == "|---|---|---|---:|---|---:|---:|"
    assert len(lines) == 2 + len(ROWS)
    assert lines[2] == f"| FMC token | transfer | gas | 45,000 | {ANCHOR} | 50,000 | 0.900 |"
    assert f"| — | {ANCHOR} | 1,900,000 | — |" in lines[3]
    assert "transmit \\| 4 signers" in lines[4]  # a pipe in a cell must not split it
    for line in lines:
        assert len(re.findall(r"(?<!\\)\|", line)) == 8  # 7 cells, escaped pipes excluded


def test_markdown_report_sections():
    fmc = Suite(name="fmc", title="FMC token", func=lambda ctx: [], doc="How FMC is measured.")
    info = RunInfo(
        generated="2026-01-01T00:00:00+00:00",
        toolchain=["chain: anvil"],
        suites=[fmc],
        warnings=["FMC is not built"],
        errors=["suite zk: boom"],
    )
    text = markdown_report(ROWS, info)
    assert text.startswith("# FameEngine benchmarks\n")
    for part in (
        "- chain: anvil",
        "## Errors",
        "- suite zk: boom",
        "## Warnings",
        "## FMC token",
        "How FMC is measured.",
    ):
        assert part in text
    assert markdown_table(ROWS) in text


def test_json_report_round_trips(tmp_path):
    assert json.loads(json_report(ROWS)) == [r.to_dict() for r in ROWS]
    md, js = write_reports(ROWS, RunInfo(generated="now"), tmp_path / "results")
    assert md.name == "bench.md" and js.name == "bench.json"
    assert json.loads(js.read_text()) == [r.to_dict() for r in ROWS]
    assert "| FMC token | transfer |" in md.read_text()


def test_rich_table_renders_every_row():
    console = Console(record=True, width=220)
    console.print(rich_table(ROWS))
    text = console.export_text()
    for needle in ("Component", "45,000", "50,000", "0.900", "0.750", "1,900,000", ANCHOR):
        assert needle in text


def test_partial_run_keeps_the_other_suites_rows(tmp_path):
    from benchmarks.report import merge_previous

    fmc = Suite("fmc", "FMC token", lambda ctx: [], "FMC notes.")
    zk = Suite("zk", "ZK", lambda ctx: [], "ZK notes.")
    out = tmp_path / "results"
    write_reports(ROWS, RunInfo(generated="T0", suites=[fmc, zk], warnings=["FMC token: w1", "ZK: old"]), out)
    new = [Row("ZK", "verify", 1.0, "Reference verifier", 2.0, unit="ms")]
    for generated in ("T1", "T2"):  # a second partial run still names the full run's date
        info = RunInfo(generated=generated, suites=[zk], warnings=["ZK: new"])
        rows = merge_previous(new, info, out, [fmc, zk])
        write_reports(rows, info, out)
    assert [r.component for r in rows] == ["FMC token", "FMC token", "Oracle", "ZK"]
    assert rows[-1].ours == 1.0
    md = (out / "bench.md").read_text()
    assert "kept from the run of T0." in md and "at T2." in md
    assert "- FMC token: w1" in md and "- ZK: new" in md and "ZK: old" not in md
    assert "## FMC token" in md and "## ZK" in md
