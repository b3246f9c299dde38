"""The persona runtime put together from the settings (what `fame worker runtime` and
`python -m ai_worker.runtime` start), and its self-check (`--check`)."""

from __future__ import annotations

import logging
import signal
import time
from pathlib import Path
from typing import Any

from fame.config import LOCAL_CHAIN_ID, WorkerSettings, settings, social_settings, worker_settings
from fame.errors import FameError

from .client import SocialClient
from .service import PersonaRuntime, default_social_url
from .writer import SerialWriter, Writer, writer_from_settings

log = logging.getLogger("ai_worker.runtime")

# On the local stack without an account of its own the runtime signs as the local AI worker.
LOCAL_DEV_ACCOUNT = 7


def runtime_account(
    cfg: WorkerSettings, keystore: Path | None, password_file: Path | None, dev_account: int | None
) -> Any:
    """The account that signs the runtime's manifests: a keystore, or on the local stack a dev account."""
    from fame.keys import sender_account

    path = keystore or cfg.keystore
    dev = dev_account if dev_account is not None or path is not None else cfg.dev_account
    local = settings().uses_own_node
    if path is None and dev is None:
        if not local:
            raise FameError(
                "the persona runtime signs its manifests: pass --account KEYSTORE|ape:<alias> "
                "(or set FAME_WORKER_KEYSTORE)"
            )
        dev = LOCAL_DEV_ACCOUNT
    secret = cfg.keystore_password.get_secret_value() if cfg.keystore_password else None
    # the runtime sends no transactions; a dev key is allowed only on the local stack
    chain_id = LOCAL_CHAIN_ID if local else 0
    return sender_account(
        chain_id, path, password_file, dev, password=secret, password_env="FAME_WORKER_KEYSTORE_PASSWORD", prompt=False
    )


def build_runtime(
    cfg: WorkerSettings | None = None,
    *,
    account: Any,
    social_url: str | None = None,
    state_dir: Path | None = None,
    writer: Writer | None = None,
    backend: Any = None,
    rpc_url: str | None = None,
) -> PersonaRuntime:
    """rpc_url: the node whose PersonaRegistry holds the spec CIDs (default: FAME_RPC_URL or the local one)."""
    from fame.ipfs import get_backend

    from ..credentials.certs import ensure_credentials
    from ..credentials.sealer import Sealer
    from ..emotion_engine import EmotionEngine
    from .learning import Learner
    from .specs import RegistrySpecs

    cfg = cfg or worker_settings()
    social = social_settings()
    folder = state_dir or (cfg.state_dir / "runtime")
    url = social_url or cfg.runtime_social_url or default_social_url()
    client = SocialClient(url, social.operator_token.get_secret_value())
    # the emotion engine learning from the fans' reactions (learning.py)
    learner = (
        Learner(client, EmotionEngine(folder / "emotion-engine"), folder, cfg.runtime_settle_s)
        if cfg.runtime_learn
        else None
    )
    return PersonaRuntime(
        client,
        SerialWriter(writer or writer_from_settings(cfg, cache_dir=folder / "models")),
        backend if backend is not None else get_backend(),
        account,
        cfg,
        folder,
        post_interval_s=social.post_interval_s,
        reply_interval_s=social.reply_interval_s,
        spec_cids=RegistrySpecs(rpc_url),
        learner=learner,
        # the runtime's own certificate (made on first start under its state folder), vouched
        # for by its account like a worker's: its pictures verify as a worker's do
        sealer=Sealer(ensure_credentials(folder, account)),
    )


def build_live_host(rt: PersonaRuntime, *, rpc_url: str | None = None, live_url: str | None = None) -> Any:
    """The persona host of the runtime's personas' live events (ai_worker.runtime.live), or None
    where the deployment has no PersonaEvents contract (said in the log)."""
    from fame.config import live_settings

    from .live import EventsOnChain, LiveHost
    from .live_answer import Answerer

    events = EventsOnChain(rpc_url)
    try:
        events._events()
    except FameError as err:
        log.info("no live events on this deployment (%s): the persona host is off", err)
        return None
    except Exception as err:  # noqa: BLE001 - no node yet: the host retries each poll
        log.info("live events not readable yet (%s); the persona host will retry", type(err).__name__)
    live = live_settings()
    url = live_url or f"http://{settings().host}:{live.port}"
    return LiveHost(
        url,
        live.host_token.get_secret_value(),
        events,
        rt.known_profiles,
        lambda profile: Answerer(rt.writer, profile),
        rt.backend,
        rt.signer,
        rt.client,
        rt.state_dir / "live",
        mimicry=rt.mimicry,
    )


def serve(rt: PersonaRuntime, once: bool = False, live: Any = None) -> None:
    """Runs the loop until SIGTERM / SIGINT (the current reply is finished first); `live`: a
    LiveHost to run beside it."""

    def _stop(signum: int, frame: object) -> None:
        log.info("persona runtime stopping (signal %d)", signum)
        rt.stop.set()
        if live is not None:
            live.stop.set()

    old_term = signal.signal(signal.SIGTERM, _stop)
    old_int = signal.signal(signal.SIGINT, _stop)
    if live is not None and not once:
        live.start()
    try:
        rt.run(once=once)
    finally:
        signal.signal(signal.SIGTERM, old_term)
        signal.signal(signal.SIGINT, old_int)
        rt.client.close()
        s = rt.stats
        log.info(
            "persona runtime stopped: %d posts, %d replies (%d answered already, %d skipped), "
            "%d template texts, %d emotion changes, %d posts learned from",
            s.posts,
            s.replies,
            s.already_answered,
            s.skipped,
            s.template,
            s.emotions,
            s.learned,
        )


def check(cfg: WorkerSettings | None = None, state_dir: Path | None = None) -> dict[str, Any]:
    """Loads the writer the settings choose and writes one post and one reply for the example
    persona: what an operator runs to see that the model loads and how fast it writes."""
    from ..persona import EXAMPLE_SPEC, PersonaProfile
    from .writer import ModelWriter

    cfg = cfg or worker_settings()
    folder = state_dir or (cfg.state_dir / "runtime")
    started = time.perf_counter()
    writer = writer_from_settings(cfg, cache_dir=folder / "models")
    load_s = time.perf_counter() - started
    profile = PersonaProfile.from_spec(EXAMPLE_SPEC)
    post = writer.post(profile, "joy", seed=1)
    reply = writer.reply(profile, "joy", post.text, "This looks amazing, where is it?", seed=2)
    tokens = post.tokens + reply.tokens
    seconds = post.seconds + reply.seconds
    return {
        "writer": writer.info.name,
        "template": isinstance(writer, ModelWriter) is False,
        "device": getattr(getattr(writer, "lm", None), "device", None),
        "load_s": round(load_s, 2),
        "post": post.text,
        "post_label": post.ai_label,
        "reply": reply.text,
        "reply_label": reply.ai_label,
        "tokens": tokens,
        "generate_s": round(seconds, 2),
        "tokens_per_s": round(tokens / seconds, 1) if seconds else None,
    }
