"""Run the live server: settings from fame.config, overrides from the command line, uvicorn.

On SIGINT/SIGTERM every room's attendance is counted up to that moment and every socket is
closed with 1013 (try again later: clients reconnect, to this server once it is back or to
another process of the same rooms) before uvicorn stops; uvicorn's own close code would
be 1012.
"""

from __future__ import annotations

import logging
import socket
from pathlib import Path

import uvicorn

from fame.config import LiveSettings, live_settings, settings

from .auth import Identity
from .broker import Broker, LocalBroker, RedisBroker
from .service import LiveService
from .store.db import Database
from .tickets import ChainEvents, EventSource

DEFAULT_HOST_TOKEN = LiveSettings.model_fields["host_token"].get_default().get_secret_value()
LOOPBACK = {"127.0.0.1", "::1", "localhost"}
#: A fan's frames are small; the host's audio chunks are ~15 kB (protocol.MAX_HOST_FRAME bounds them).
WS_MAX_SIZE = 1 << 20
#: Protocol-level pings find connections that died without a close (a fan's seconds stop there).
WS_PING_S = 10.0

log = logging.getLogger("live")


def configured(
    *, database_url: str | None = None, redis_url: str | None = None, social_url: str | None = None
) -> LiveSettings:
    """The server's settings (FAME_LIVE_*), with the given overrides."""
    cfg = live_settings()
    update = {
        k: v for k, v in (("database_url", database_url), ("redis_url", redis_url), ("social_url", social_url)) if v
    }
    return cfg.model_copy(update=update) if update else cfg


def make_service(
    cfg: LiveSettings, events: EventSource, *, broker: Broker | None = None, origin: str | None = None
) -> LiveService:
    """The service `cfg` describes, reading events from `events`."""
    if broker is None:
        if cfg.redis_url:
            import uuid

            origin = origin or uuid.uuid4().hex[:12]
            broker = RedisBroker(cfg.redis_url, origin)
        else:
            broker = LocalBroker()
    identity = Identity(cfg.effective_social_url, cfg.host_token.get_secret_value())
    service = LiveService(cfg, Database(cfg.effective_database_url), events, identity, broker)
    if isinstance(broker, RedisBroker):
        service.hub.origin = broker.origin
    return service


class LiveServer(uvicorn.Server):
    """uvicorn, closing the rooms with 1013 (after counting everyone) before it shuts down."""

    def __init__(self, config: uvicorn.Config, service: LiveService) -> None:
        super().__init__(config)
        self.service = service

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        try:
            await self.service.drain()
        except Exception:  # noqa: BLE001 - shut down anyway
            log.exception("closing the rooms failed")
        await super().shutdown(sockets)


def server_for(service: LiveService, host: str, port: int, log_level: str = "info") -> LiveServer:
    from .app import create_app

    config = uvicorn.Config(
        create_app(service),
        host=host,
        port=port,
        log_level=log_level,
        access_log=False,
        ws_max_size=WS_MAX_SIZE,
        ws_ping_interval=WS_PING_S,
        ws_ping_timeout=WS_PING_S,
        timeout_graceful_shutdown=5,
    )
    return LiveServer(config, service)


def serve(
    *,
    host: str | None = None,
    port: int | None = None,
    rpc_url: str | None = None,
    redis_url: str | None = None,
    database_url: str | None = None,
    social_url: str | None = None,
    deployments_dir: Path | None = None,
    events: EventSource | None = None,
    log_level: str = "info",
) -> None:
    """Serve until SIGINT/SIGTERM; migrations are applied (and retried while the database is down) on start."""
    logging.basicConfig(level=log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    cfg = configured(database_url=database_url, redis_url=redis_url, social_url=social_url)
    base = settings()
    events = events or ChainEvents(rpc_url or base.effective_rpc_url, deployments_dir or base.deployments_dir)
    service = make_service(cfg, events)
    bind_host, bind_port = host or base.host, port or cfg.port
    log.info(
        "live server on http://%s:%d (%s, database %s, broker %s, sign-in %s)",
        bind_host,
        bind_port,
        events.describe(),
        service.db.describe(),
        service.broker.describe(),
        cfg.effective_social_url,
    )
    if cfg.host_token.get_secret_value() == DEFAULT_HOST_TOKEN and bind_host not in LOOPBACK:
        log.warning(
            "the host token is the local default and the server listens on %s: set FAME_LIVE_HOST_TOKEN", bind_host
        )
    server_for(service, bind_host, bind_port, log_level).run()
