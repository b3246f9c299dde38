"""The AI worker service against a real local stack: anvil with every contract deployed by
scripts/deploy.py, the demo seeded by scripts/seed_demo.py (persona Nova Lumen, its spec
pinned), and the embedded IPFS gateway, all as real processes.

What must hold:
- a worker claims, generates, pins (content + signed AI-disclosure manifest), fulfils and,
  after the challenge window, releases; the gateway serves exactly what the chain names;
- requests are acted on only under `confirmations` blocks;
- killed in the middle of generation (a real process exiting), a restarted worker finishes
  the job with exactly one fulfilment;
- the IPFS gateway down, then up; the RPC node unreachable, then back: jobs wait and resume;
- malformed, oversized and unreadable briefs are rejected without a claim while the queue
  keeps moving; two workers never both hold one request.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import httpx
import pytest
from web3 import Web3

from ai_worker.briefs import brief_bytes
from ai_worker.jobs import JobStore
from ai_worker.manifest import recover_signer
from fame.chain import Chain, connect, dev_account
from fame.config import PROJECT_ROOT, Settings, WorkerSettings
from fame.ipfs.backends import KuboBackend
from fame.procs import Supervisor, free_port
from stack.anvil import start_anvil
from stack.up import deploy, seed_demo, start_gateway

FMC = 10**18
FEE = 20 * FMC
REQUESTER = 3  # carol, funded by the seed
# Dev accounts of the workers in these tests (7 is the demo's worker, bonded by nobody yet).
WORKERS = (7, 8, 9)


class World:
    def __init__(self, cfg: Settings, rpc: str, gateway: str, demo: dict, tmp):
        self.cfg, self.rpc, self.gateway, self.demo, self.tmp = cfg, rpc, gateway, demo, tmp
        self.ipfs_api = cfg.ipfs_rpc_url  # the store's RPC API, beside the gateway: what the worker pins through
        self.chain = Chain(connect(rpc), cfg.deployments_dir)
        self.market = self.chain.contract("ContentMarket")
        self.fmc = self.chain.contract("FMC")
        self.requester = dev_account(REQUESTER)

    def pin(self, data: bytes) -> str:
        return KuboBackend(self.ipfs_api).add(data, name="brief.json").__str__()

    def request(self, brief_cid: str, kind: int = 0, emotion: int = 0) -> int:
        c = self.chain
        c.transact(self.requester, self.fmc.functions.approve(self.market.address, FEE))
        deadline = c.w3.eth.get_block("latest")["timestamp"] + 86_400
        receipt = c.transact(self.requester, self.market.functions.request(1, brief_cid, kind, emotion, FEE, deadline))
        return self.market.events.RequestCreated().process_receipt(receipt)[0]["args"]["request_id"]

    def mine(self, blocks: int = 1, seconds: int = 0) -> None:
        if seconds:
            self.chain.w3.provider.make_request("evm_increaseTime", [seconds])
        for _ in range(blocks):
            self.chain.w3.provider.make_request("evm_mine", [])

    def status(self, rid: int) -> int:
        return self.market.functions.get_request(rid).call()[4]

    def fulfilments(self, rid: int) -> int:
        logs = self.market.events.RequestFulfilled().get_logs(from_block=0, argument_filters={"request_id": rid})
        return len(logs)

    def worker(
        self, index: int, *, confirmations: int = 0, backend=None, store_name: str | None = None, pipeline=None, **cfg
    ):
        from ai_worker.service import Worker

        settings = WorkerSettings(confirmations=confirmations, **cfg)
        store = JobStore(self.tmp / f"{store_name or f'jobs-{index}'}.sqlite")
        w = Worker(
            Chain(connect(self.rpc), self.cfg.deployments_dir),
            dev_account(index),
            backend or KuboBackend(self.ipfs_api),
            store,
            settings,
            pipeline=pipeline,
        )
        w.ensure_bond()
        return w


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("worker-stack")
    cfg = Settings(
        state_dir=tmp / "state",
        deployments_dir=tmp / "deployments",
        anvil_port=free_port(),
        gateway_port=free_port(),
        ipfs_rpc_port=free_port(),
    )
    logs = cfg.state_dir / "logs"
    sup = Supervisor()
    with pytest.MonkeyPatch.context() as mp:
        # The deploy and seed scripts are child processes: they read these, not `cfg`.
        mp.setenv("FAME_STATE_DIR", str(cfg.state_dir))
        mp.setenv("FAME_DEPLOYMENTS_DIR", str(cfg.deployments_dir))
        mp.delenv("FAME_RPC_URL", raising=False)
        try:
            rpc = start_anvil(sup, cfg.host, cfg.anvil_port, hardfork=cfg.anvil_hardfork, log=logs / "anvil.log")
            gateway = start_gateway(sup, cfg, logs)
            deploy(cfg, rpc, fresh=True, log=logs / "deploy.log")
            demo = seed_demo(cfg, rpc, gateway, logs / "seed.log")
            w = World(cfg, rpc, gateway, demo, tmp)
            deployer = dev_account(0)
            for index in WORKERS[1:]:  # the seed funds worker 7 only
                w.chain.transact(deployer, w.fmc.functions.transfer(dev_account(index).address, 5_000 * FMC))
            yield w
        finally:
            sup.stop()


@pytest.fixture(scope="module")
def demo_worker(world):
    return world.worker(7, store_name="demo")


def test_worker_fulfils_the_demo_requests_and_releases_the_fees(world, demo_worker):
    w, market = demo_worker, world.market
    image_id, caption_id = world.demo["content_requests"]
    fmc_before = world.fmc.functions.balanceOf(w.account.address).call()
    for _ in range(4):  # seen -> claimed -> published -> fulfilled
        w.step()
    for rid in (image_id, caption_id):
        assert world.status(rid) == 3, w.store.get(rid)
        assert world.fulfilments(rid) == 1
    image = market.functions.get_request(image_id).call()
    png = httpx.get(f"{world.gateway}/ipfs/{image[13]}").content
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    manifest = httpx.get(f"{world.gateway}/ipfs/{image[14]}").json()
    assert manifest["aiGenerated"] and manifest["emotion"] == "joy" and manifest["requestId"] == image_id
    assert manifest["content"]["cid"] == image[13]
    assert recover_signer(manifest) == w.account.address, "the manifest is signed by the worker"
    caption = market.functions.get_request(caption_id).call()
    text = httpx.get(f"{world.gateway}/ipfs/{caption[13]}").text
    assert text and json.loads(httpx.get(f"{world.gateway}/ipfs/{caption[14]}").text)["caption"] == text

    w.step()  # inside the challenge window: nothing to do yet
    assert world.status(image_id) == 3
    world.mine(seconds=market.functions.params().call()[3] + 1)
    w.store.wake_all()  # the chain's clock jumped: do not wait for the wall clock's back-off
    w.step()
    assert world.status(image_id) == world.status(caption_id) == 5  # RELEASED
    worker_part = FEE - FEE * 2_000 // 10_000 - FEE * 500 // 10_000
    assert world.fmc.functions.balanceOf(w.account.address).call() - fmc_before == 2 * worker_part
    assert {j.stage for j in w.store.all() if j.request_id in (image_id, caption_id)} == {"released"}


def test_requests_wait_for_confirmations(world):
    w = world.worker(8, confirmations=3, store_name="confirmations")
    w.step()  # everything older is dealt with first
    rid = world.request(world.pin(brief_bytes("a lighthouse at dusk")))
    w.step()
    assert w.store.get(rid) is None, "a request in the last 3 blocks is not acted on"
    world.mine(3)
    w.step()
    job = w.store.get(rid)
    assert job is not None and job.stage in ("claimed", "published")


def test_bad_briefs_are_rejected_without_a_claim_and_the_queue_moves(world):
    bad_json = world.request(world.pin(b"\xff\xfe not json"))
    oversized = world.request(world.pin(brief_bytes("x" * 900)))
    not_a_cid = world.request("not-a-cid")
    good = world.request(world.pin(brief_bytes("a good brief after three bad ones")))
    w = world.worker(9, store_name="bad-briefs", max_brief_bytes=256)
    w.step()
    for rid, reason in ((bad_json, "not UTF-8 JSON"), (oversized, "larger than"), (not_a_cid, "not a readable")):
        job = w.store.get(rid)
        assert job.stage == "rejected" and reason in job.error, job
        assert world.status(rid) == 1, "a rejected request stays open for others"
    assert w.store.get(good).stage == "claimed" and world.status(good) == 2


def test_two_workers_never_hold_the_same_request(world):
    rid = world.request(world.pin(brief_bytes("a race between two workers")))
    first = world.worker(8, store_name="race-8")
    second = world.worker(9, store_name="race-9")
    first.step()
    second.step()
    assert first.store.get(rid).stage == "claimed"
    assert second.store.get(rid).stage == "lost"
    assert world.market.functions.get_request(rid).call()[8] == first.account.address


def test_ipfs_down_then_up(world):
    """The gateway the worker uses is stopped: jobs wait (backing off), then resume."""
    rid = world.request(world.pin(brief_bytes("published while the gateway was down")))
    port = free_port()
    cfg = Settings(state_dir=world.cfg.state_dir, gateway_port=port, ipfs_rpc_port=free_port())
    w = world.worker(8, store_name="ipfs-outage", backend=KuboBackend(cfg.ipfs_rpc_url, timeout=2))
    w.step()  # nothing listens on its RPC port yet
    job = w.store.get(rid)
    assert job.stage == "seen" and "IPFS" in job.error and job.attempts == 1
    sup = Supervisor()
    try:
        start_gateway(sup, cfg, world.tmp / "logs-second-gateway")
        w.store.wake_all()  # skip the back-off wait
        for _ in range(3):
            w.step()
        assert w.store.get(rid).stage == "fulfilled" and world.fulfilments(rid) == 1
    finally:
        sup.stop()


def test_rpc_down_then_up(world):
    """The node becomes unreachable: a pass fails and nothing is recorded; then it catches up."""
    from ai_worker.service import run

    rid = world.request(world.pin(brief_bytes("sent while the node was away")))
    w = world.worker(9, store_name="rpc-outage")
    real = w.chain.w3.provider
    w.chain.w3.provider = Web3.HTTPProvider(f"http://127.0.0.1:{free_port()}", request_kwargs={"timeout": 2})
    run(w, once=False, stop=lambda: True)  # one pass: it must survive the outage
    assert w.store.get(rid) is None
    w.chain.w3.provider = real
    for _ in range(3):
        w.step()
    assert w.store.get(rid).stage == "fulfilled" and world.fulfilments(rid) == 1


def test_killed_mid_generation_resumes_without_double_fulfilment(world):
    """A real worker process exits inside generation (after its claim was mined); restarted, it
    finishes the job: one claim, one fulfilment, the same content."""
    rid = world.request(world.pin(brief_bytes("interrupted, then finished")))
    state = world.tmp / "killed"
    env = {
        **os.environ,
        "FAME_RPC_URL": world.rpc,
        "FAME_DEPLOYMENTS_DIR": str(world.cfg.deployments_dir),
        "FAME_STATE_DIR": str(state),
        "FAME_IPFS_BACKEND": "kubo",
        "FAME_KUBO_API_URL": world.ipfs_api,
        "FAME_WORKER_CONFIRMATIONS": "0",
    }
    argv = [sys.executable, "-m", "stack.cli", "worker", "run", "--dev-account", "8", "--once"]

    def once(**extra):
        return subprocess.run(
            argv,
            env={**env, **extra},
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=300,
            stdin=subprocess.DEVNULL,
        )

    first = once()  # claims
    assert first.returncode == 0, first.stdout + first.stderr
    killed = once(FAME_WORKER_FAULT="exit-in:generate")
    assert killed.returncode == 3, killed.stdout + killed.stderr
    assert world.status(rid) == 2 and world.fulfilments(rid) == 0
    for _ in range(2):  # generate + pin, then fulfil
        result = once()
        assert result.returncode == 0, result.stdout + result.stderr
    assert world.status(rid) == 3 and world.fulfilments(rid) == 1
    claims = world.market.events.RequestClaimed().get_logs(from_block=0, argument_filters={"request_id": rid})
    assert len(claims) == 1
    stores = list((state / "worker").glob("jobs-*.sqlite"))
    assert len(stores) == 1 and JobStore(stores[0]).get(rid).stage == "fulfilled"


def test_emotion_engine_chooses_open_emotions_and_learns_from_the_oracle(world):
    """A request that leaves the emotion open (255) gets the engine's choice; the next oracle report
    for the persona (signed by f+1 = 2 of the dev committee) becomes the engine's reward."""
    from ai_worker.captions import TemplateCaptioner
    from ai_worker.emotion_engine import EmotionEngine
    from ai_worker.pipeline import ContentPipeline
    from ai_worker.service import Worker
    from ai_worker.warm_start import load_prior
    from oracle.keys import dev_signer, dev_transmitter
    from oracle.launch import fund_dev_transmitters
    from oracle.report import Domain, Engagement, Report, sign_digest

    engine = EmotionEngine(world.tmp / "engine", prior=load_prior())
    account = dev_account(9)
    pipeline = ContentPipeline(signer=account, captioner=TemplateCaptioner(), engine=engine)
    w = Worker(
        Chain(connect(world.rpc), world.cfg.deployments_dir),
        account,
        KuboBackend(world.ipfs_api),
        JobStore(world.tmp / "engine-jobs.sqlite"),
        WorkerSettings(confirmations=0),
        pipeline=pipeline,
    )
    w.ensure_bond()
    w.step()  # older requests first
    rid = world.request(world.pin(brief_bytes("whatever Nova feels like today")), kind=1, emotion=255)
    for _ in range(3):
        w.step()
    job = w.store.get(rid)
    assert job.stage == "fulfilled" and job.emotion_used in engine_emotions()
    assert [k for k, _ in w.store.meta_items("hint:")] == ["hint:1"], "the hint waits for its reward"
    assert engine.state(1).rewards == []

    oracle = world.chain.contract("EngagementOracle")
    fund_dev_transmitters(world.chain.w3, 4)
    now = world.chain.w3.eth.get_block("latest")["timestamp"]
    report = Report(
        oracle.functions.config_version().call(),
        oracle.functions.latest_epoch().call() + 1,
        (Engagement(1, 5_000, 600, 40, 90, 4_000, now).pack(),),
    )
    digest = report.digest(Domain(world.chain.chain_id, oracle.address))
    signatures = [sign_digest(dev_signer(i), digest).as_call_arg() for i in (0, 1)]
    world.chain.transact(dev_transmitter(0), oracle.functions.transmit(report.as_call_arg(), signatures))

    w.step()
    assert w.store.meta_items("hint:") == []
    rewards = engine.state(1).rewards
    assert len(rewards) == 1 and rewards[0] > 0


def engine_emotions():
    from ai_worker.emotions import EMOTIONS

    return EMOTIONS


def test_voice_request_is_fulfilled_signed_and_verifies_against_the_chain(world, tmp_path):
    """A `voice` request (kind 3): the persona's voice message, AAC in MP4 with its C2PA
    manifest and subtitles; `fame content verify --request N` checks it against what the chain
    anchored and the worker that fulfilled it, and a copy with one byte changed fails, named."""
    from ai_worker.credentials.certs import ensure_credentials
    from ai_worker.pipeline import ContentPipeline
    from ai_worker.service import KIND_VOICE

    account = dev_account(9)
    pipe = ContentPipeline(account, credentials=ensure_credentials(tmp_path / "state", account))
    w = world.worker(9, store_name="voice", pipeline=pipe)
    rid = world.request(world.pin(brief_bytes("say good morning to the crew")), kind=KIND_VOICE)
    for _ in range(6):
        w.step()
        if world.status(rid) == 3:
            break
    assert world.status(rid) == 3, w.store.get(rid)
    r = world.market.functions.get_request(rid).call()
    manifest = httpx.get(f"{world.gateway}/ipfs/{r[14]}").json()
    assert manifest["content"]["mediaType"] == "audio/mp4" and manifest["credentials"]["c2pa"] is True
    vtt = httpx.get(f"{world.gateway}/ipfs/{manifest['attachments']['subtitles']['cid']}").text
    assert vtt.startswith("WEBVTT")

    env = dict(os.environ, FAME_STATE_DIR=str(world.cfg.state_dir), FAME_DEPLOYMENTS_DIR=str(world.cfg.deployments_dir))
    fame = [sys.executable, "-m", "stack.cli", "content", "verify"]
    ok = subprocess.run([*fame, "--request", str(rid), "--rpc-url", world.rpc], env=env, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "signature" in ok.stdout and "anchor" in ok.stdout

    tampered = bytearray(httpx.get(f"{world.gateway}/ipfs/{r[13]}").content)
    tampered[-10] ^= 0x01
    path = tmp_path / "tampered.m4a"
    path.write_bytes(bytes(tampered))
    bad = subprocess.run(
        [*fame, str(path), "--request", str(rid), "--rpc-url", world.rpc], env=env, capture_output=True, text=True
    )
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "anchor" in bad.stdout


def test_a_video_whose_script_cannot_be_spoken_is_held_not_retried(world, tmp_path):
    """A writer that gives nothing speakable (only emoji and punctuation) can never make the video:
    the job is held with the reason for the operator, nothing is published or fulfilled, and
    further steps do not try again."""
    from ai_worker.model_info import ModelInfo
    from ai_worker.pipeline import ContentPipeline
    from ai_worker.runtime.writer import Written
    from ai_worker.service import KIND_VIDEO

    class Unspeakable:
        info = ModelInfo("test/lm", "1", "a writer with nothing to say")
        calls = 0

        def post(self, profile, emotion, seed):
            Unspeakable.calls += 1
            return Written("🚀 ✨ ... !!", "AI-generated with test/lm", self.info, seed, template=False)

        def reply(self, profile, emotion, post_body, comment, seed):
            raise AssertionError("a script is written as posts")

    pipe = ContentPipeline(dev_account(8), writer=Unspeakable())
    w = world.worker(8, store_name="unspeakable", pipeline=pipe)
    rid = world.request(world.pin(brief_bytes("a tour of the observatory")), kind=KIND_VIDEO)
    for _ in range(4):
        w.step()
    job = w.store.get(rid)
    assert job.stage == "held" and "the video script" in job.error and "nothing speakable" in job.error
    asked = Unspeakable.calls
    w.step()
    assert Unspeakable.calls == asked, "a held job is not generated again"
    assert world.status(rid) == 2  # still only claimed on chain: nothing was fulfilled
