"""Run the social service: settings from fame.config, overrides from the command line, uvicorn."""

from __future__ import annotations

import logging

from fame.config import SocialSettings, settings, social_settings

from .service import SYNC_INTERVAL_S, SocialService

DEFAULT_OPERATOR_TOKEN = SocialSettings.model_fields["operator_token"].get_default().get_secret_value()
LOOPBACK = {"127.0.0.1", "::1", "localhost"}


def configured(database_url: str | None = None) -> SocialSettings:
    """The service's settings (FAME_SOCIAL_*, FAME_DATABASE_URL), with `database_url` instead if given."""
    cfg = social_settings()
    return cfg.model_copy(update={"database_url": database_url}) if database_url else cfg


def serve(
    *,
    host: str | None = None,
    port: int | None = None,
    database_url: str | None = None,
    chain: bool = True,
    rpc_url: str | None = None,
    chain_id: int | None = None,
    sync_interval_s: float = SYNC_INTERVAL_S,
    log_level: str = "info",
) -> None:
    """Serve until SIGINT/SIGTERM; migrations are applied (and retried while the database is down) on start."""
    import uvicorn

    from .api.app import create_app

    logging.basicConfig(level=log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    cfg = configured(database_url)
    service = SocialService.from_settings(cfg, chain=chain, rpc_url=rpc_url, chain_id=chain_id)
    service.sync_interval_s = sync_interval_s
    bind_host, bind_port = host or settings().host, port or cfg.port
    logging.getLogger("social").info(
        "social service on http://%s:%d (origin %s, database %s, %s)",
        bind_host,
        bind_port,
        cfg.origin,
        service.db.describe(),
        f"chain {service.reader.rpc_url}" if service.reader is not None else "no chain",
    )
    if cfg.operator_token.get_secret_value() == DEFAULT_OPERATOR_TOKEN and bind_host not in LOOPBACK:
        logging.getLogger("social").warning(
            "the operator token is the local default and the service listens on %s: set FAME_SOCIAL_OPERATOR_TOKEN",
            bind_host,
        )
    try:
        uvicorn.run(create_app(service), host=bind_host, port=bind_port, log_level=log_level, access_log=False)
    finally:
        service.close()
