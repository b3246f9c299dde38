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
        default=None, description="Embedded block store folder. Unset: <FAME_STATE_DIR>/ipfs.",
    )
    gateway_port: int = Field(default=8088, ge=1, le=65535,
                              description="Port of the embedded HTTP gateway (on FAME_HOST).")
    ipfs_max_upload_bytes: int = Field(
        default=512 * 1024 * 1024, ge=0, description="Largest upload the gateway's /api/v0/add accepts (0: no limit).",
    )
    ipfs_api_token: SecretStr | None = Field(
        default=None, description="Bearer token the gateway's /api/v0 write API requires. Unset: open "
                                  "(the gateway binds to FAME_HOST, loopback by default).",
    )
    ipfs_fsync: bool = Field(default=True, description="fsync every block before it becomes visible.")
    ipfs_timeout: float = Field(default=60.0, gt=0, description="Seconds for one request to a remote backend.")
    kubo_api_url: str = Field(default="http://127.0.0.1:5001", description="Kubo RPC API base URL.")
    kubo_api_auth: SecretStr | None = Field(
        default=None, description="Authorization header value for a Kubo RPC API that requires one.",
    )
    pinning_service_url: str | None = Field(
        default=None, description="IPFS Pinning Service API endpoint, e.g. https://host/psa (no trailing /pins).",
    )
    pinning_service_token: SecretStr | None = Field(default=None, description="Bearer token for that service.")

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
