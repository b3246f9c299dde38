"""`fame worker`: run an AI worker against the content market, or look at its job store."""

from __future__ import annotations

import logging
from pathlib import Path

import click

from fame.errors import FameError

from .avatar.cli import diversity


def _account(cfg, keystore: Path | None, password_file: Path | None, dev_account: int | None, chain_id: int):
    """The worker's account: a keystore file (or `ape:<alias>`), or on the local chain a dev account."""
    from fame.keys import sender_account

    path = keystore or cfg.keystore
    dev = dev_account if dev_account is not None or path is not None else cfg.dev_account
    secret = cfg.keystore_password.get_secret_value() if cfg.keystore_password else None
    return sender_account(
        chain_id, path, password_file, dev, password=secret, password_env="FAME_WORKER_KEYSTORE_PASSWORD", prompt=False
    )


def build_pipeline(cfg, account, state_dir: Path | None = None):
    """The content pipeline the settings choose (defaults: the persona's avatar rig, template
    captions, content credentials from the worker's certificate under the state folder)."""
    from .avatar.generator import AvatarImageGenerator
    from .captions import Captioner, OpenAICompatibleCaptioner, TemplateCaptioner, TransformersCaptioner
    from .credentials.certs import ensure_credentials
    from .image_model import DiffusersPipelineGenerator
    from .pipeline import ContentPipeline

    # The diffusers path is for operators with a GPU and a local model; the rig draws each
    # request's persona with its own fixed look everywhere else.
    generator = (
        DiffusersPipelineGenerator(cfg.image_model, device=cfg.device) if cfg.image_model else AvatarImageGenerator()
    )
    captioner: Captioner
    if cfg.caption_backend == "openai":
        if not cfg.caption_url or not cfg.caption_model:
            raise FameError(
                "FAME_WORKER_CAPTION_BACKEND=openai needs FAME_WORKER_CAPTION_URL and FAME_WORKER_CAPTION_MODEL"
            )
        key = cfg.caption_api_key.get_secret_value() if cfg.caption_api_key else None
        captioner = OpenAICompatibleCaptioner(cfg.caption_url, cfg.caption_model, api_key=key)
    elif cfg.caption_backend == "transformers":
        if not cfg.caption_model:
            raise FameError("FAME_WORKER_CAPTION_BACKEND=transformers needs FAME_WORKER_CAPTION_MODEL (a local folder)")
        captioner = TransformersCaptioner(cfg.caption_model, device=cfg.device)
    else:
        captioner = TemplateCaptioner()
    # The emotion engine chooses the emotion of requests that leave it open (EMOTION_ANY) and
    # learns from the oracle's engagement; its state persists under the state folder.
    from .emotion_engine import EmotionEngine, default_state_dir
    from .warm_start import load_prior

    engine = EmotionEngine(default_state_dir(), prior=load_prior())
    # One certificate per worker key: workers sharing a state folder never re-key each other.
    credentials = ensure_credentials(Path(state_dir or cfg.state_dir) / f"worker-{account.address.lower()}", account)
    return ContentPipeline(
        signer=account, generator=generator, captioner=captioner, engine=engine, credentials=credentials
    )


@click.group()
def worker() -> None:
    """AI worker: claims content requests, generates, pins to IPFS, fulfils on chain."""


@worker.command("run")
@click.option(
    "--account",
    "keystore",
    type=click.Path(path_type=Path),
    default=None,
    help="Keystore file of the worker's account, or ape:<alias> (default: FAME_WORKER_KEYSTORE).",
)
@click.option(
    "--password-file",
    type=click.Path(path_type=Path),
    default=None,
    help="File whose first line is the keystore password (default: FAME_WORKER_KEYSTORE_PASSWORD).",
)
@click.option("--dev-account", type=int, default=None, help="Local chain only: anvil dev account N.")
@click.option("--rpc-url", default=None, help="JSON-RPC node (default: FAME_RPC_URL or the local one).")
@click.option("--once", is_flag=True, help="One pass over the market, then exit.")
@click.option(
    "--state-dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Where the job store lives (default: <FAME_STATE_DIR>/worker).",
)
def run_cmd(keystore, password_file, dev_account, rpc_url, once, state_dir) -> None:
    """Follow the content market and fulfil requests until stopped (Ctrl-C)."""
    from fame.chain import Chain
    from fame.config import worker_settings
    from fame.ipfs import get_backend

    from .jobs import JobStore
    from .service import Worker, run

    logging.basicConfig(level=logging.INFO, format="%(asctime)s worker %(levelname)s %(message)s")
    cfg = worker_settings()
    chain = Chain.from_settings(rpc_url)
    account = _account(cfg, keystore, password_file, dev_account, chain.chain_id)
    store = JobStore((state_dir or cfg.state_dir) / f"jobs-{chain.chain_id}-{account.address.lower()}.sqlite")
    w = Worker(chain, account, get_backend(), store, cfg, pipeline=build_pipeline(cfg, account, state_dir))
    if cfg.bond:
        w.ensure_bond()
    click.echo(f"worker {account.address} on chain {chain.chain_id}, market {w.market.address}")
    try:
        run(w, once=once)
    except KeyboardInterrupt:
        pass
    finally:
        store.close()


@worker.command("status")
@click.option("--state-dir", type=click.Path(path_type=Path), default=None, help="Where the job stores live.")
def status_cmd(state_dir) -> None:
    """Jobs per stage in every job store under the state folder."""
    from fame.config import worker_settings

    from .jobs import JobStore

    folder = state_dir or worker_settings().state_dir
    stores = sorted(folder.glob("jobs-*.sqlite")) if folder.is_dir() else []
    if not stores:
        raise FameError(f"no job store under {folder}: start a worker with `fame worker run`")
    for path in stores:
        store = JobStore(path)
        click.echo(f"{path.name}: {store.counts()}")
        jobs = store.all()
        shown = [j for j in jobs if j.stage == "held"] + [j for j in jobs[-10:] if j.stage != "held"]
        for job in shown:
            click.echo(
                f"  request {job.request_id}: {job.stage}"
                + (f" content {job.content_cid}" if job.content_cid else "")
                + (f" ({job.error})" if job.error else "")
            )
        store.close()


@worker.command("runtime")
@click.option(
    "--social-url",
    default=None,
    help="Base URL of the social service (default: FAME_WORKER_RUNTIME_SOCIAL_URL or http://FAME_HOST:FAME_SOCIAL_PORT).",
)
@click.option(
    "--account",
    "keystore",
    type=click.Path(path_type=Path),
    default=None,
    help="Keystore file (or ape:<alias>) of the account that signs the manifests (default: FAME_WORKER_KEYSTORE; "
    "on the local stack: dev account 7).",
)
@click.option(
    "--password-file",
    type=click.Path(path_type=Path),
    default=None,
    help="File whose first line is the keystore password (default: FAME_WORKER_KEYSTORE_PASSWORD).",
)
@click.option("--dev-account", type=int, default=None, help="Local stack only: sign with anvil dev account N.")
@click.option(
    "--rpc-url",
    default=None,
    help="Node whose PersonaRegistry holds the specs (default: FAME_RPC_URL or the local one).",
)
@click.option(
    "--state-dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Where the runtime keeps its state and model copy (default: <FAME_STATE_DIR>/worker/runtime).",
)
@click.option("--once", is_flag=True, help="One pass (post what is due, answer what is claimed), then exit.")
@click.option(
    "--check",
    "check_only",
    is_flag=True,
    help="Load the language model, write one post and one reply for the example persona, print timings and exit.",
)
def runtime_cmd(social_url, keystore, password_file, dev_account, rpc_url, state_dir, once, check_only) -> None:
    """Persona runtime: each persona posts on its schedule and answers its fans on the social service."""
    import json

    from fame.config import worker_settings

    from .runtime.app import build_live_host, build_runtime, check, runtime_account, serve

    logging.basicConfig(level=logging.INFO, format="%(asctime)s runtime %(levelname)s %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per poll otherwise
    cfg = worker_settings()
    if check_only:
        click.echo(json.dumps(check(cfg, state_dir), indent=2, ensure_ascii=False))
        return
    account = runtime_account(cfg, keystore, password_file, dev_account)
    rt = build_runtime(cfg, account=account, social_url=social_url, state_dir=state_dir, rpc_url=rpc_url)
    click.echo(f"persona runtime on {rt.client.base_url}, writer {rt.writer.info.name}, manifests by {account.address}")
    live = build_live_host(rt, rpc_url=rpc_url)
    if live is not None:
        click.echo(f"persona host of live events on {live.live_url}")
    serve(rt, once=once, live=live)


@click.group("content")
def content() -> None:
    """Content the AI workers publish: check its credentials."""


@content.command("verify")
@click.argument("source", required=False)
@click.option(
    "--request",
    "request_id",
    type=int,
    default=None,
    help="Content request id: check against the CID its fulfilment anchored and the worker that fulfilled it "
    "(SOURCE defaults to that CID).",
)
@click.option(
    "--trust-root",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="PEM root CA to trust (default: the one the file carries, if the fulfilling worker's key vouches for it).",
)
@click.option("--anchor", default=None, help="On-chain anchor to check without --request: 0x sha256 or a content CID.")
@click.option("--worker", "expected_worker", default=None, help="Worker address to expect without --request.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--rpc-url", default=None, help="JSON-RPC node for --request (default: FAME_RPC_URL or the local one).")
def verify_cmd(
    source: str | None,
    request_id: int | None,
    trust_root: Path | None,
    anchor: str | None,
    expected_worker: str | None,
    as_json: bool,
    rpc_url: str | None,
) -> None:
    """Verify SOURCE (a file or an IPFS CID): C2PA signature and certificate chain, AI disclosure,
    worker, on-chain anchor, invisible watermark. Exit 1 names the checks that failed."""
    from fame.ipfs import get_backend

    from .credentials.verify import report_json, report_text, verify

    if request_id is not None:
        from fame.chain import Chain

        from .service import OnChain

        chain = Chain.from_settings(rpc_url)
        on_chain = OnChain.read(chain.contract("ContentMarket"), request_id)
        if not on_chain.content_cid:
            raise click.UsageError(f"content request #{request_id} has no fulfilment on chain yet")
        anchor, expected_worker = on_chain.content_cid, on_chain.worker
        source = source or on_chain.content_cid
    if not source:
        raise click.UsageError("give a file or CID to verify, or --request N")
    path = Path(source)
    if path.is_file():
        data = path.read_bytes()
    else:
        try:
            data = get_backend().read(source)
        except Exception as err:  # noqa: BLE001 - a bad CID and an unreachable gateway read the same to a user
            raise click.UsageError(f"{source} is neither a file nor content IPFS can read ({err})") from None
    report = verify(data, anchor, trust_root.read_bytes() if trust_root else None, expected_worker=expected_worker)
    click.echo(report_json(report) if as_json else report_text(report))
    if not report.ok:
        raise click.exceptions.Exit(1)


@click.group("audit")
def audit() -> None:
    """Audits of what the AI workers generate."""


audit.add_command(diversity)
