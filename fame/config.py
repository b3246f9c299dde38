"""The one configuration module. Every setting has an embedded default for the local
stack and can be overridden by an environment variable named FAME_<SETTING>.

Keeping every knob here (and nowhere else) means `make up`, the tests, the services
and the CLI agree on ports, paths and the chain to use.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
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
