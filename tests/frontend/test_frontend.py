"""The token holders' frontend: vitest unit tests, the production build against a real
deployment manifest, and the end-to-end run in headless Chromium (playwright-core with the
system's Chromium) against a seeded anvil: every flow asserts the chain's state afterwards.
Screenshots of the main screens are kept in frontend/test-results/."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from fame.config import PROJECT_ROOT

FRONTEND = PROJECT_ROOT / "frontend"
CHROMIUM = "/usr/bin/chromium"

ARTIFACTS = FRONTEND / "test-results"


def run(argv: list[str], env: dict[str, str] | None = None, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run(
        argv,
        cwd=FRONTEND,
        env={**os.environ, **(env or {})},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=timeout,
    )


def test_frontend_unit_tests(node_tools):
    proc = run([node_tools, "exec", "--", "vitest", "run", "--reporter=dot"], timeout=300)
    assert proc.returncode == 0, f"vitest failed:\n{proc.stdout[-6000:]}"


@pytest.fixture(scope="module")
def built(web_stack, node_tools) -> Path:
    dist = web_stack.logs.parent / "dist"
    proc = run(
        [node_tools, "run", "--silent", "build"],
        env={"FAME_MANIFEST": str(web_stack.manifest), "FAME_FRONTEND_OUT": str(dist)},
    )
    assert proc.returncode == 0, f"the frontend build failed:\n{proc.stdout[-6000:]}"
    return dist


def test_frontend_build_uses_the_manifest(web_stack, built):
    manifest = json.loads(web_stack.manifest.read_text())
    generated = (FRONTEND / "src" / "generated" / "PersonaRegistry.ts").read_text()
    assert manifest["contracts"]["PersonaRegistry"]["address"] in generated
    js = "".join(p.read_text() for p in (built / "assets").glob("*.js"))
    assert manifest["contracts"]["FameGovernor"]["address"] in js
    import httpx

    page = httpx.get(web_stack.web_url + "/", timeout=10)
    assert page.status_code == 200 and "FameEngine" in page.text
    assert httpx.get(web_stack.web_url + "/config.json", timeout=10).json()["rpcUrl"] == web_stack.rpc_url


def test_frontend_end_to_end(web_stack, built, node_tools):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test-tools` installs Debian's chromium")
    if ARTIFACTS.exists():
        shutil.rmtree(ARTIFACTS)
    proc = run(
        ["node", "e2e/run.mjs"],
        env={
            "BASE_URL": web_stack.web_url,
            "RPC_URL": web_stack.rpc_url,
            "IPFS_RPC_URL": web_stack.ipfs_rpc_url,
            "FAME_MANIFEST": str(web_stack.manifest),
            "E2E_ARTIFACTS": str(ARTIFACTS),
            "CHROMIUM": CHROMIUM,
        },
        timeout=480,
    )
    web_log = (web_stack.logs / "web.log").read_text()[-3000:] if (web_stack.logs / "web.log").exists() else ""
    assert proc.returncode == 0, f"end-to-end run failed:\n{proc.stdout[-10000:]}\n--- web service log ---\n{web_log}"
    for shot in ("wallet", "personas", "personas-phone", "governance", "ownership", "staking", "identity", "content"):
        assert (ARTIFACTS / f"{shot}.png").stat().st_size > 10_000, f"screenshot {shot} missing"


def _spec(name: str, skin_tone: int, pronoun: str) -> dict:
    # the rig takes skin tone only from an explicit Monk scale mention, presentation from pronouns
    return {
        "spec_version": "1.0",
        "name": name,
        "traits": [{"name": "curious", "intensity": 0.8}],
        "visual_style": {"art_style": "illustration", "description": f"Short hair, denim jacket, MST {skin_tone}."},
        "narrative": {"backstory": f"{pronoun} makes things; {pronoun.lower()} is curious."},
        "emotional_baseline": {"model": "valence_arousal", "valence": 0.4, "arousal": 0.5},
    }


def test_spread_shift_of_a_proposed_persona(web_stack):
    """The creation screen's preview: the approved personas are the registry's (their specs read
    from IPFS), the new look is measured from its pixels, and different looks land in different
    buckets; a spec off the schema is a 422 that lists its problems."""
    import base64
    import io

    import httpx
    from PIL import Image

    url = web_stack.web_url + "/api/audit/spread-shift"
    light = httpx.post(url, json=_spec("Lumi", 2, "She"), timeout=120)
    assert light.status_code == 200, light.text
    deep = httpx.post(url, json=_spec("Obi", 9, "He"), timeout=120).json()
    light = light.json()
    assert light["approved"] >= 1 and not light["skipped"]
    assert set(light["axes"]) == {"mst_group", "presentation", "age"}
    assert light["axes"]["mst_group"]["bucket"].startswith("light")
    assert deep["axes"]["mst_group"]["bucket"].startswith("deep")
    assert (light["new"]["presentation"], deep["new"]["presentation"]) == ("feminine", "masculine")
    for answer in (light, deep):
        for axis in answer["axes"].values():
            n = answer["approved"]
            # one more persona in its bucket: the share moves from k/n to (k+1)/(n+1)
            assert round(axis["share_after"] * (n + 1)) == round(axis["share_before"] * n) + 1
    png = base64.b64decode(light["portrait"].split(",", 1)[1])
    assert Image.open(io.BytesIO(png)).size == (192, 192)

    bad = httpx.post(url, json={"spec_version": "1.0", "name": "x"}, timeout=30)
    assert bad.status_code == 422 and bad.json()["problems"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/index/holders/99999999999999999999999999999",
        "/api/index/holders/-1",
        "/api/index/holders/0",
        "/api/index/events?persona_id=99999999999999999999999999999",
        "/api/index/events?proposal_id=12ab",
    ],
)
def test_out_of_range_ids_are_refused_with_422(web_stack, path):
    import httpx

    reply = httpx.get(web_stack.web_url + path, timeout=10)
    assert reply.status_code == 422, reply.text
    assert reply.json()["detail"]


def test_ids_in_range_are_answered(web_stack):
    import httpx

    assert httpx.get(web_stack.web_url + "/api/index/holders/1", timeout=10).status_code == 200
    assert httpx.get(web_stack.web_url + f"/api/index/events?persona_id={2**63 - 1}", timeout=10).status_code == 200
