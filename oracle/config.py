"""The oracle's settings, read from FAME_ORACLE_* environment variables.

These are meant to live in fame/config.py as `oracle_*` fields of fame's Settings (the
environment variable names stay the same, FAME_ORACLE_*); until they are moved there,
this module reads them with the same conventions. Paths (state, deployments) and the
chain come from fame.config.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from fame.config import settings as fame_settings

# 2026-01-01T00:00:00Z: round 0 of the default schedule.
DEFAULT_GENESIS = 1_767_225_600


class OracleSettings(BaseSettings):
    """Engagement-oracle settings (environment variables FAME_ORACLE_*)."""

    model_config = SettingsConfigDict(env_prefix="FAME_ORACLE_", extra="ignore")

    base_port: int = Field(default=8600, ge=1, le=65535 - 31,
                           description="Operator i of the local stack listens on base_port + i.")
    peers: str | None = Field(
        default=None,
        description="Comma-separated base URLs of the operators, in committee order. "
                    "Unset: http://FAME_HOST:(base_port + i) for each operator of the on-chain committee.")
    round_seconds: int = Field(default=10, ge=1, le=3600, description="Length of one round (epoch).")
    genesis: int = Field(default=DEFAULT_GENESIS, ge=0, description="Unix time at which round 0 starts.")
    adapter: Literal["simulator", "youtube"] = Field(default="simulator", description="Where engagement comes from.")
    seed: int = Field(default=7, description="Seed of the simulated platform (every operator must use the same).")
    outage_rate: float = Field(default=0.01, ge=0.0, le=1.0,
                               description="Simulated platform: share of 5-minute windows with an outage.")
    deviation_bps: int = Field(default=100, ge=1, le=100_000,
                               description="A persona is due when a count moved this much since the chain value.")
    sentiment_deviation_bps: int = Field(default=500, ge=1, le=20_000,
                                         description="... or its sentiment moved this many basis points.")
    heartbeat_margin_rounds: int = Field(default=2, ge=0, le=100,
                                         description="Report this many rounds before the on-chain heartbeat expires.")
    sign_tolerance_bps: int = Field(default=500, ge=0, le=100_000,
                                    description="Largest relative gap between a report and the signer's own counts.")
    sentiment_tolerance_bps: int = Field(default=2_000, ge=0, le=20_000,
                                         description="Largest sentiment gap (basis points) a signer accepts.")
    time_tolerance: int = Field(default=120, ge=0, description="Largest observed_at gap (seconds) a signer accepts.")
    request_timeout: float = Field(default=2.0, gt=0, le=60, description="Seconds to wait for a peer.")
    max_gas: int = Field(default=5_000_000, ge=100_000, description="Gas limit cap of one transmit.")
    max_gas_price_gwei: float = Field(default=500.0, gt=0, description="Highest fee per gas the relayer pays.")
    report_ttl_rounds: int = Field(default=60, ge=1,
                                   description="A queued report older than this many rounds is dropped.")
    keystore_password: SecretStr | None = Field(default=None, description="Password of the operator's keystores.")
    youtube_api_key: SecretStr | None = Field(default=None, description="YouTube Data API v3 key.")
    youtube_base_url: str = Field(default="https://www.googleapis.com", description="YouTube Data API root.")
    youtube_channels: Path | None = Field(default=None,
                                          description='JSON file {"<persona id>": "<channel id>", ...}.')

    @property
    def state_dir(self) -> Path:
        return fame_settings().state_dir / "oracle"

    def explicit_peers(self) -> list[str]:
        """The operators named by FAME_ORACLE_PEERS (empty when unset)."""
        return [u.strip().rstrip("/") for u in (self.peers or "").split(",") if u.strip()]

    def peer_urls(self, n: int, host: str | None = None) -> list[str]:
        """Base URL of each of the n operators (committee order)."""
        if self.peers:
            urls = self.explicit_peers()
            if len(urls) < n:
                from fame.errors import FameError

                raise FameError(f"FAME_ORACLE_PEERS names {len(urls)} operators but the committee has {n}")
            return urls[:n]
        h = host or fame_settings().host
        return [f"http://{h}:{self.base_port + i}" for i in range(n)]


@lru_cache(maxsize=1)
def oracle_settings() -> OracleSettings:
    return OracleSettings()
