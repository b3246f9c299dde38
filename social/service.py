"""The social service as one object: settings, database, chain reader, holder cache, rate
limiter and clock, plus the background work (migrations until the database answers, the
persona sync, the purge of expired sign-in state). The HTTP app (social.api.app) and the
CLI are built on it; tests build it with a temporary database and their own clock.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from fame.config import LOCAL_CHAIN_ID, SocialSettings, settings

from .chain import ChainReader, ChainUnavailable, Holders
from .ratelimit import RateLimiter
from .store import personas
from .store.auth import purge_expired
from .store.db import UNAVAILABLE, Database, begin_read, begin_write, unavailable_reason

log = logging.getLogger("social")

#: How often the persona sync reads the registry (and expired sessions are purged).
SYNC_INTERVAL_S = 30.0


@dataclass
class SocialService:
    cfg: SocialSettings
    db: Database
    reader: ChainReader | None = None
    clock: Callable[[], float] = time.time
    chain_id_fallback: int = LOCAL_CHAIN_ID
    sync_interval_s: float = SYNC_INTERVAL_S
    holders: Holders = field(init=False)
    limiter: RateLimiter = field(init=False)
    _stop: threading.Event = field(default_factory=threading.Event, init=False)
    _thread: threading.Thread | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.holders = Holders(self.reader)
        self.limiter = RateLimiter(self.cfg.writes_per_minute)

    @classmethod
    def from_settings(
        cls,
        cfg: SocialSettings,
        *,
        chain: bool = True,
        rpc_url: str | None = None,
        deployments_dir: Path | None = None,
        chain_id: int | None = None,
    ) -> SocialService:
        """The service the settings describe; `chain=False` runs without reading any chain."""
        base = settings()
        reader = (
            ChainReader(rpc_url or base.effective_rpc_url, deployments_dir or base.deployments_dir) if chain else None
        )
        return cls(cfg, Database(cfg.effective_database_url), reader, chain_id_fallback=chain_id or LOCAL_CHAIN_ID)

    # ------------------------------------------------------------------ time and chain

    def now(self) -> int:
        return int(self.clock())

    def begin(self, session: Session) -> int:
        """Open the request's transaction, then read the clock.

        On SQLite the transaction holds the write lock from its first statement, so rows are
        stamped in the order they commit; that is what makes an engagement total "as of t"
        final a moment after t (see social.api.routers.engagement).
        """
        begin_write(session)
        return self.now()

    @staticmethod
    def read(session: Session) -> None:
        """End the request's write (if any) and go on reading without holding anybody up."""
        begin_read(session)

    @property
    def chain_id(self) -> int:
        """The chain fans sign in for: the connected one, else the configured fallback."""
        live = self.reader.chain_id if self.reader is not None else None
        return live if live is not None else self.chain_id_fallback

    def sync_personas(self) -> tuple[int, int]:
        """Read the registry now: (personas read, new ones). ChainUnavailable without a chain."""
        if self.reader is None:
            raise ChainUnavailable("this service runs without a chain (--no-chain)")
        records = self.reader.personas()
        with self.db.sessions() as session:
            new = personas.upsert_from_chain(session, records, self.now(), self.cfg.post_interval_s)
        return len(records), new

    # ------------------------------------------------------------------ background

    def start(self) -> None:
        """Migrate (retrying while the database is down), then sync and purge every `sync_interval_s`."""
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="social-background", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        self.db.migrate_until_ready(self._stop, on_error=lambda why: log.warning("social database not ready: %s", why))
        while not self._stop.is_set():
            self._tick()
            self._stop.wait(self.sync_interval_s)

    def _tick(self) -> None:
        if self.reader is not None:
            try:
                n, new = self.sync_personas()
                if new:
                    log.info("persona sync: %d new of %d in the registry", new, n)
            except ChainUnavailable as err:
                log.debug("persona sync skipped: %s", err)
            except UNAVAILABLE as err:
                log.warning("persona sync: database unavailable (%s)", unavailable_reason(err))
        try:
            with self.db.sessions() as session:
                purge_expired(session, self.now())
        except UNAVAILABLE as err:
            log.warning("purge: database unavailable (%s)", unavailable_reason(err))

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def close(self) -> None:
        self.stop()
        self.db.dispose()
