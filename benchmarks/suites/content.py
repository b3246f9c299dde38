"""Content: what the AI worker produces per minute on this machine, how long a request takes to be
fulfilled on the local chain, and how fast the embedded IPFS gateway moves 1 MiB files."""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from ..context import Context
from ..core import Row, suite

COMPONENT = "AI content"
NO_ANCHOR = "—"
E18 = 10**18
IMAGES = 8
CAPTIONS = 2_000
GATEWAY_FILES = 8
LATENCY_RUNS = 3


def _per_minute(count: int, seconds: float) -> float:
    return round(count * 60.0 / seconds, 1)


def _models(ctx: Context):
    from ai_worker.captions import TemplateCaptioner
    from ai_worker.image_model import default_generator
    from ai_worker.persona import as_profile

    with ctx.steps.step(f"{COMPONENT}: load the embedded image model"):
        generator = default_generator()
        generator.generate("joy", 0)  # warm-up: first call pays torch's one-off set-up
    return generator, TemplateCaptioner(), as_profile(None)


def _images_and_captions(ctx: Context, generator, captioner, profile) -> Iterator[Row]:
    from ai_worker.emotions import EMOTIONS

    with ctx.steps.step(f"{COMPONENT}: {IMAGES} images, one at a time"):
        start = time.perf_counter()
        for i in range(IMAGES):
            generator.generate(EMOTIONS[i % len(EMOTIONS)], 1_000 + i)
        single = time.perf_counter() - start
    yield Row(
        COMPONENT,
        f"images per minute, embedded model ({generator.info.name}), one at a time, CPU",
        _per_minute(IMAGES, single),
        NO_ANCHOR,
        None,
        unit="images/min",
    )
    with ctx.steps.step(f"{COMPONENT}: {CAPTIONS} template captions"):
        start = time.perf_counter()
        for i in range(CAPTIONS):
            captioner.caption(profile, EMOTIONS[i % len(EMOTIONS)], i, "rooftop observatory")
        seconds = time.perf_counter() - start
    yield Row(
        COMPONENT,
        "captions per minute, offline template captioner",
        _per_minute(CAPTIONS, seconds),
        NO_ANCHOR,
        None,
        unit="captions/min",
    )


def _gateway(ctx: Context, tmp: Path) -> Iterator[Row]:
    import httpx

    from fame.config import Settings
    from fame.procs import Supervisor, free_port
    from stack.up import start_gateway

    cfg = Settings(
        state_dir=tmp / "gateway-state", gateway_port=free_port(), ipfs_rpc_port=free_port(), ipfs_fsync=True
    )
    sup = Supervisor()
    try:
        with ctx.steps.step(f"{COMPONENT}: gateway, {GATEWAY_FILES} x 1 MiB add and get"):
            url = start_gateway(sup, cfg, tmp / "logs")
            files = [os.urandom(1 << 20) for _ in range(GATEWAY_FILES)]
            with (
                httpx.Client(base_url=url, timeout=60) as client,
                httpx.Client(base_url=cfg.ipfs_rpc_url, timeout=60) as rpc,
            ):
                start = time.perf_counter()
                cids = [rpc.post("/api/v0/add", files={"file": ("f.bin", data)}).json()["Hash"] for data in files]
                add_s = time.perf_counter() - start
                start = time.perf_counter()
                for cid, data in zip(cids, files, strict=True):
                    body = client.get(f"/ipfs/{cid}").content
                    if body != data:
                        raise RuntimeError(f"the gateway served other bytes for {cid}")
                get_s = time.perf_counter() - start
    finally:
        sup.stop()
    yield Row(
        COMPONENT,
        "IPFS gateway: add 1 MiB files (/api/v0/add, chunked, fsync'd)",
        round(GATEWAY_FILES / add_s, 1),
        NO_ANCHOR,
        None,
        unit="MiB/s",
    )
    yield Row(
        COMPONENT,
        "IPFS gateway: get 1 MiB files (/ipfs/<cid>, verified)",
        round(GATEWAY_FILES / get_s, 1),
        NO_ANCHOR,
        None,
        unit="MiB/s",
    )


def _latency(ctx: Context, tmp: Path) -> Iterator[Row]:
    """A request to fulfilment on this anvil: FMC, registry and market deployed here, the
    persona spec pinned, one in-process worker (default models) doing claim, generate + pin, fulfil."""
    import json

    from eth_account import Account

    from ai_worker.briefs import brief_bytes
    from ai_worker.jobs import JobStore
    from ai_worker.persona import EXAMPLE_SPEC
    from ai_worker.service import Worker
    from fame.chain import Chain
    from fame.config import WorkerSettings
    from fame.ipfs import BlockStore, EmbeddedBackend
    from fame.manifest import DeployedContract, Manifest, write_manifest

    deployer, requester, worker_acct = ctx.accounts[0], ctx.accounts[1], ctx.accounts[2]
    with ctx.steps.step(f"{COMPONENT}: deploy FMC, registry and market for the latency runs"):
        fmc = ctx.deploy(ctx.ours("FMC"), 10**9 * E18, deployer.address, 10**8 * E18).contract
        registry = ctx.deploy(ctx.ours("PersonaRegistry"), deployer.address).contract
        params = (1_000 * E18, E18, 600, 120, 2_000, 500, 500 * E18)
        market = ctx.deploy(
            ctx.ours("ContentMarket"), deployer.address, fmc.address, registry.address, deployer.address, params
        ).contract
        backend = EmbeddedBackend(BlockStore(tmp / "ipfs", fsync=False))
        spec_cid = str(backend.add(json.dumps(EXAMPLE_SPEC).encode()))
        ctx.send(registry.functions.set_registrar(deployer.address), deployer)
        ctx.send(
            registry.functions.register("Nova Lumen", spec_cid, ctx.accounts[9].address, deployer.address), deployer
        )
        for who in (requester, worker_acct):
            ctx.send(fmc.functions.transfer(who.address, 10_000 * E18), deployer)
            ctx.send(fmc.functions.approve(market.address, 2**255), who)
        contracts = {
            name: DeployedContract(name, c.address, name, ctx.ours(name).abi)
            for name, c in (("FMC", fmc), ("PersonaRegistry", registry), ("ContentMarket", market))
        }
        write_manifest(
            Manifest(
                chain_id=ctx.chain_id, network="bench", deployer=deployer.address, deploy_block=0, contracts=contracts
            ),
            tmp / "deployments",
        )
        chain = Chain(ctx.w3, tmp / "deployments")
        cfg = WorkerSettings(confirmations=0)
        worker = Worker(chain, Account.from_key(worker_acct.key), backend, JobStore(tmp / "jobs.sqlite"), cfg)
        worker.ensure_bond()
    times = []
    for run in range(LATENCY_RUNS):
        with ctx.steps.step(f"{COMPONENT}: request to fulfilment, run {run + 1} of {LATENCY_RUNS}"):
            brief = str(backend.add(brief_bytes(f"latency run {run}")))
            deadline = ctx.w3.eth.get_block("latest")["timestamp"] + 86_400
            start = time.perf_counter()
            receipt = ctx.send(market.functions.request(1, brief, 0, 0, 10 * E18, deadline), requester)
            rid = market.events.RequestCreated().process_receipt(receipt)[0]["args"]["request_id"]
            while market.functions.get_request(rid).call()[4] != 3:
                worker.step()
            times.append(time.perf_counter() - start)
    yield Row(
        COMPONENT,
        f"request to fulfilment on the local chain, one worker, image (median of {LATENCY_RUNS})",
        round(statistics.median(times), 2),
        NO_ANCHOR,
        None,
        unit="s",
    )


@suite("content", title="AI content")
def content_suite(ctx: Context) -> Iterator[Row]:
    """The AI worker's default models on this CPU (no GPU): the embedded emotion-conditioned
    diffusion model (20 DDIM steps, 64x64 upscaled), one image at a time after a warm-up, and the
    offline template captioner; wall time, so compare figures only within one run. The embedded
    IPFS gateway (FastAPI, started as `make up` does, fsync on) adds and serves 1 MiB random files
    over loopback; every served file is compared with what was added. End-to-end latency: from
    sending the request transaction to the fulfilment being on chain, with an in-process worker
    (confirmations 0, the embedded store) on the harness's anvil: scan, brief check, claim,
    generation, pinning of content and signed manifest, fulfil."""
    with tempfile.TemporaryDirectory(prefix="fame-bench-content-") as folder:
        tmp = Path(folder)
        generator, captioner, profile = _models(ctx)
        yield from _images_and_captions(ctx, generator, captioner, profile)
        yield from _gateway(ctx, tmp)
        with ctx.isolated():
            yield from _latency(ctx, tmp)
