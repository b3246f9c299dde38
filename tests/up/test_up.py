"""`make up` as a user runs it: it brings up anvil with the contracts deployed and the
manifest written, and Ctrl-C stops every process it started. Bad set-ups fail with
one clear line and a non-zero status, writing nothing."""

import json
import os
import signal
import socket
import subprocess
import time

import httpx
import pytest
from web3 import Web3

from fame.errors import FameError
from fame.procs import free_port, free_port_block, port_in_use

from .conftest import stack_env


def pids_with_port(port: int) -> list[int]:
    """PIDs of processes whose command line mentions `port` (anvil is started with --port N)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            cmd = open(f"/proc/{entry}/cmdline", "rb").read().split(b"\0")
        except OSError:
            continue
        if b"--port" in cmd and str(port).encode() in cmd:
            found.append(int(entry))
    return found


def run_stack(env, python, timeout=60):
    return subprocess.run(
        [python, "-m", "stack"], env=env, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL
    )


def test_up_deploys_and_ctrl_c_leaves_nothing_behind(tmp_path, python):
    port, gateway_port, social_port, live_port = free_port(), free_port(), free_port(), free_port()
    ipfs_rpc_port = free_port()
    oracle_base = free_port_block(4)
    env = stack_env(
        tmp_path,
        FAME_ANVIL_PORT=str(port),
        FAME_GATEWAY_PORT=str(gateway_port),
        FAME_IPFS_RPC_PORT=str(ipfs_rpc_port),
        FAME_ORACLE_BASE_PORT=str(oracle_base),
        FAME_SOCIAL_PORT=str(social_port),
        FAME_LIVE_PORT=str(live_port),
    )
    proc = subprocess.Popen(
        [python, "-m", "stack"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    out = []
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line and proc.poll() is not None:
                break
            out.append(line)
            if "Ready" in line:
                break
        assert any("Ready" in ln for ln in out), "".join(out)
        manifest = json.loads((tmp_path / "deployments" / "31337.json").read_text())
        w3 = Web3(Web3.HTTPProvider(f"http://127.0.0.1:{port}"))
        fmc = w3.eth.contract(address=manifest["contracts"]["FMC"]["address"], abi=manifest["contracts"]["FMC"]["abi"])
        assert fmc.functions.symbol().call() == "FMC"
        assert pids_with_port(port), "anvil should be running"
        gateway = f"http://127.0.0.1:{gateway_port}"
        ipfs_rpc = f"http://127.0.0.1:{ipfs_rpc_port}"  # the store's write side: loopback, beside the web app
        cid = httpx.post(f"{ipfs_rpc}/api/v0/add", files={"file": ("hello.txt", b"hello FameEngine")}).json()["Hash"]
        assert httpx.post(f"{gateway}/api/v0/add", files={"file": ("x.txt", b"x")}).status_code == 404
        assert httpx.get(f"{gateway}/ipfs/{cid}").content == b"hello FameEngine"
        # The token holders' web app is served on the same origin, built against this deployment.
        page = httpx.get(f"{gateway}/")
        assert page.status_code == 200 and "FameEngine" in page.text
        assert httpx.get(f"{gateway}/config.json").json()["rpcUrl"] == f"http://127.0.0.1:{port}"
        # The demo: a persona created through a passed proposal, its spec served by the gateway.
        registry = manifest["contracts"]["PersonaRegistry"]
        registry = w3.eth.contract(address=registry["address"], abi=registry["abi"])
        assert registry.functions.persona_count().call() == 1
        spec_cid = registry.functions.persona(1).call()[1]
        assert httpx.get(f"{gateway}/ipfs/{spec_cid}").json()["name"] == "Nova Lumen"
        assert any("Nova Lumen" in ln for ln in out)
        did_registry = manifest["contracts"]["DIDRegistry"]
        did_registry = w3.eth.contract(address=did_registry["address"], abi=did_registry["abi"])
        assert did_registry.functions.is_registered(1).call(), "the demo persona's DID is registered"
        # ... and the gateway resolves it (the DIF universal-resolver binding), at the URL make up prints
        resolver_url = f"{gateway}/1.0/identifiers/did:fame:31337:1"
        assert any(f"the demo DID resolves at {resolver_url}" in ln for ln in out), "".join(out)
        body = httpx.get(resolver_url).json()
        assert body["didDocument"]["id"] == "did:fame:31337:1"
        assert body["didDocumentMetadata"]["deactivated"] is False
        # Four oracle operators answer their health checks.
        for i in range(4):
            assert httpx.get(f"http://127.0.0.1:{oracle_base + i}/health").status_code == 200

        def contract(name):
            return w3.eth.contract(
                address=manifest["contracts"][name]["address"], abi=manifest["contracts"][name]["abi"]
            )

        # The social service knows the demo persona (synced from the registry); the persona runtime
        # writes its first post with the language model, AI-labelled, and the demo fans react to it
        # through the web app's /social/ proxy's upstream.
        social = f"http://127.0.0.1:{social_port}"
        assert httpx.get(f"{social}/api/personas/1").json()["name"] == "Nova Lumen"
        assert httpx.get(f"{gateway}/social/api/personas/1").json()["name"] == "Nova Lumen"
        deadline = time.monotonic() + 240
        post = None
        while time.monotonic() < deadline:
            posts = httpx.get(f"{social}/api/personas/1/feed").json()["posts"]
            post = max(posts, key=lambda p: p["likes"], default=None)
            if post and post["likes"] >= 3:
                break
            time.sleep(1)
        assert post is not None and post["likes"] >= 3, (tmp_path / "state" / "logs" / "runtime.log").read_text()[
            -3000:
        ]
        assert post["ai_label"] and post["manifest_cid"]
        # Their reports move the demo persona's reputation on chain: the engagement the fans made,
        # measured by the social service and read by the oracle's native source.
        oracle, reputation, staking = contract("EngagementOracle"), contract("Reputation"), contract("PersonaStaking")
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and reputation.functions.engagement_component(1).call() == 0:
            time.sleep(1)
        assert oracle.functions.latest_epoch().call() > 0
        assert reputation.functions.engagement_component(1).call() > 0
        # The AI worker fulfils the demo's content requests; the gateway serves the results.
        market = manifest["contracts"]["ContentMarket"]
        market = w3.eth.contract(address=market["address"], abi=market["abi"])
        assert market.functions.request_count().call() == 2
        deadline = time.monotonic() + 240
        done = []
        while time.monotonic() < deadline and len(done) < 2:
            done = [market.functions.get_request(i).call() for i in (1, 2)]
            done = [r for r in done if r[4] >= 3]  # FULFILLED or later
            time.sleep(1)
        assert len(done) == 2, (tmp_path / "state" / "logs" / "worker.log").read_text()[-3000:]
        image, caption = done
        assert httpx.get(f"{gateway}/ipfs/{image[13]}").content[:8] == b"\x89PNG\r\n\x1a\n"
        assert httpx.get(f"{gateway}/ipfs/{caption[13]}").text.strip()
        manifest_doc = httpx.get(f"{gateway}/ipfs/{image[14]}").json()
        assert manifest_doc["aiGenerated"] is True and manifest_doc["requestId"] == 1
        assert manifest_doc["emotion"] == "joy" and manifest_doc["content"]["cid"] == image[13]
        # ... and the fulfilled content appears in the persona's feed, with its manifest (or, when
        # moderation flags it, is held for review, never dropped: the caption's emotion may be fear).
        operator = {"Authorization": "Bearer local-dev-operator-token"}

        def placed() -> tuple[dict, set[str]]:
            feed = httpx.get(f"{social}/api/personas/1/feed", params={"limit": 50}).json()["posts"]
            held = httpx.get(f"{social}/api/moderation/holds", headers=operator).json()
            return {p["manifest_cid"]: p for p in feed}, {h["body"] for h in held if h["target"] == "post"}

        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            in_feed, held = placed()
            if image[14] in in_feed and (caption[14] in in_feed or held):
                break
            time.sleep(1)
        worker_log = (tmp_path / "state" / "logs" / "worker.log").read_text()[-3000:]
        assert image[14] in in_feed and (caption[14] in in_feed or held), worker_log
        assert in_feed[image[14]]["image_cid"] == image[13]
        # The demo live event: persona 1's, on sale, starting about two minutes after the seed, its
        # metadata served by the gateway; the demo fans hold FMC for tickets.
        events = contract("PersonaEvents")
        assert events.functions.event_count().call() == 1
        persona_id, starts_at, ends_at, capacity, sold, price, min_attendance, cancelled, settled, cid = (
            events.functions.events(1).call()
        )
        assert (persona_id, capacity, price, min_attendance, cancelled, settled) == (
            1,
            100,
            10 * 10**18,
            60,
            False,
            False,
        )
        assert ends_at - starts_at == 2 * 3_600
        metadata = httpx.get(f"{gateway}/ipfs/{cid}").json()
        assert metadata["title"] and metadata["description"] and metadata["scene"]["stage"] in ("round", "square")
        # ... and its room answers through the web app's /live/ proxy, as a newcomer's browser
        # reaches it (the event's times as the chain holds them).
        room = httpx.get(f"{gateway}/live/api/events/1/room").json()
        assert isinstance(room["attendees"], list) and room["event"]["starts_at"] == starts_at, room
        assert httpx.get(f"http://127.0.0.1:{live_port}/health").json()["status"] == "ok"
        fmc_token = contract("FMC")
        for fan in w3.eth.accounts[1:4]:
            assert fmc_token.functions.balanceOf(fan).call() >= 10 * price
        # The round leaders push performance scores to staking once per interval (60 s locally).
        deadline = time.monotonic() + 150
        while time.monotonic() < deadline and staking.functions.persona_stake(1).call()[2] == 0:
            time.sleep(2)
        assert staking.functions.persona_stake(1).call()[2] > 0
    finally:
        proc.send_signal(signal.SIGINT)  # what Ctrl-C sends
        rest, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0, "".join(out) + rest
    assert "no process left running" in rest
    printed = "".join(out) + rest
    assert "oracle epoch" in printed and "-> reputation" in printed  # the watch prints each accepted report
    assert not port_in_use("127.0.0.1", port)
    assert pids_with_port(port) == [] and pids_with_port(gateway_port) == []
    assert not port_in_use("127.0.0.1", gateway_port) and not port_in_use("127.0.0.1", ipfs_rpc_port)
    assert not any(port_in_use("127.0.0.1", oracle_base + i) for i in range(4))
    assert not port_in_use("127.0.0.1", live_port) and not port_in_use("127.0.0.1", social_port)
    assert not port_in_use("127.0.0.1", social_port)


def test_port_in_use_is_one_clear_line(tmp_path, python):
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        port = blocker.getsockname()[1]
        result = run_stack(stack_env(tmp_path, FAME_ANVIL_PORT=str(port)), python)
    assert result.returncode == 2
    assert f"port {port}" in result.stdout and "FAME_ANVIL_PORT" in result.stdout
    assert not (tmp_path / "deployments").exists(), "nothing may be written"


def test_unreachable_rpc_is_one_clear_line(tmp_path, python):
    url = f"http://127.0.0.1:{free_port()}"
    result = run_stack(stack_env(tmp_path, FAME_RPC_URL=url), python)
    assert result.returncode == 2
    assert f"cannot reach a JSON-RPC node at {url}" in result.stdout
    assert not (tmp_path / "deployments").exists()


def test_missing_anvil_binary_says_how_to_install(monkeypatch, tmp_path):
    import stack.anvil as anvil

    monkeypatch.setattr(anvil, "PROJECT_ROOT", tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(FameError, match="anvil is not installed: run `make up`"):
        anvil.anvil_binary()
