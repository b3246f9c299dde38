"""The diversity audit: skin measured from pixels recovers every Monk tone, the imbalance rule
fires on a skewed set and not on a balanced one, spread_shift reports the change, and the
contact sheet and audit commands run."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from PIL import Image

from ai_worker.avatar.audit import Entry, audit_looks, spread_shift, summarise
from ai_worker.avatar.cli import avatar
from ai_worker.avatar.colour import hex_to_rgb
from ai_worker.avatar.contact_sheet import contact_sheet
from ai_worker.avatar.look import AGES, PRESENTATIONS, look_from_spec
from ai_worker.avatar.measure import measure_look
from ai_worker.avatar.monk import MST_HEX, nearest_tone
from ai_worker.avatar.samples import CAST, approved_specs
from ai_worker.avatar.seeds import persona_seed
from ai_worker.avatar.spec_hints import hints
from ai_worker.persona import EXAMPLE_SPEC

BASE = look_from_spec(EXAMPLE_SPEC)


def test_mst_swatches_are_the_official_ten() -> None:
    assert len(MST_HEX) == 10 and MST_HEX[0] == "#f6ede4" and MST_HEX[-1] == "#292420"
    for tone, hx in enumerate(MST_HEX, start=1):
        assert nearest_tone(hex_to_rgb(hx)) == (tone, pytest.approx(0.0, abs=1e-9))


@pytest.mark.parametrize("accessories", [(), ("glasses_round", "earrings")])
def test_measured_skin_recovers_every_tone(accessories: tuple[str, ...]) -> None:
    for tone in range(1, 11):
        for style in ("short", "long"):
            look = BASE.with_changes(
                skin_tone=tone, accessories=accessories, freckles=True, hair_style=style, facial_hair="beard"
            )
            reading, _ = measure_look(look, size=128)
            assert reading.tone == tone, (tone, style, reading)
            assert reading.delta_e < 1.0


def _entries(tones: list[int], presentations: list[str], ages: list[str]) -> list[Entry]:
    looks = [
        BASE.with_changes(skin_tone=t, presentation=p, age=a)
        for t, p, a in zip(tones, presentations, ages, strict=True)
    ]
    return audit_looks((f"p{i}", "test", lk) for i, lk in enumerate(looks))


def test_imbalance_flag_fires_on_a_skewed_set_only() -> None:
    n = 30
    balanced = _entries(
        [1 + i % 10 for i in range(n)], [PRESENTATIONS[i % 3] for i in range(n)], [AGES[(i // 3) % 3] for i in range(n)]
    )
    summary = summarise(balanced)
    assert summary["flags"] == [], summary["flags"]
    assert summary["skin_rig_vs_measured_mismatches"] == []
    skewed = _entries(
        [1 + i % 3 for i in range(n)],
        ["feminine"] * (n - 2) + ["masculine", "androgynous"],
        [AGES[(i // 3) % 3] for i in range(n)],
    )
    flags = summarise(skewed)["flags"]
    assert any(f.startswith("mst_group") for f in flags), flags
    assert any(f.startswith("presentation") for f in flags), flags
    assert not any(f.startswith("age") for f in flags), flags
    assert not summarise(skewed[:4])["axes"]["mst_group"]["judged"]  # too few to judge


def test_spread_shift_says_which_way_a_new_spec_moves_the_spread() -> None:
    light = _entries([1, 2, 3, 2, 1, 3], ["feminine", "masculine"] * 3, ["young"] * 6)
    deep_spec = CAST[7][0]  # a "she" persona; the spec states MST 9 outright
    new = dict(deep_spec)
    new["visual_style"] = dict(deep_spec["visual_style"], prompt_keywords=["locs", "MST 9"])
    shift = spread_shift(light, new)
    assert shift["new"]["skin_measured"]["mst"] == 9
    g = shift["axes"]["mst_group"]
    assert g["bucket"] == "deep (8-10)" and g["share_before"] == 0 and g["share_after"] > 0
    assert g["effect"] == "more balanced"
    assert shift["axes"]["presentation"]["effect"] == "less balanced"  # feminine again, none androgynous
    json.dumps(shift)


def test_look_is_stable_and_follows_stated_hints() -> None:
    spec = approved_specs()[0]
    assert spec["name"] == "Nova Lumen"
    a, b = look_from_spec(spec), look_from_spec(json.dumps(spec))
    assert a == b and a.seed == persona_seed(spec)
    assert a.hair_colour == "#1fa99c" and "glasses_round" in a.accessories  # "teal hair", "round glasses"
    assert a.presentation == "feminine"  # the backstory says "she"
    assert hints({"visual_style": {"description": "dark-skinned, tall"}}).skin_tone is None  # never guessed
    assert look_from_spec({"name": "X"}, persona_id=5) == look_from_spec({"name": "X"}, persona_id=6)
    assert look_from_spec({}, persona_id=5) != look_from_spec({}, persona_id=6)
    with pytest.raises(ValueError):
        look_from_spec(spec, overrides={"hair_style": "mohawk-of-doom"})


def test_contact_sheet_and_audit_commands_run(tmp_path) -> None:
    img = contact_sheet(cell=48, render_size=64, personas=2)
    assert img.size[1] > 2 * 48 and img.getbbox()
    runner = CliRunner()
    out = tmp_path / "sheet.png"
    res = runner.invoke(
        avatar, ["contact-sheet", "--out", str(out), "--cell", "48", "--render-size", "64", "--personas", "1"]
    )
    assert res.exit_code == 0, res.output
    assert Image.open(out).size[0] == 110 + 6 * 48
    specs = tmp_path / "specs.json"
    specs.write_text(json.dumps([CAST[0][0], CAST[1][0]]))
    res = runner.invoke(avatar, ["diversity", "--n", "4", "--specs", str(specs), "--out", str(tmp_path / "audit")])
    assert res.exit_code == 0, res.output
    report = json.loads((tmp_path / "audit" / "report.json").read_text())
    assert report["summary"]["n"] == 6 and len(report["personas"]) == 6
    assert (tmp_path / "audit" / "report.md").read_text().startswith("# Avatar diversity audit")
    assert Image.open(tmp_path / "audit" / "report.png").size[0] > 300
