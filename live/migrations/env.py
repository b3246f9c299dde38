"""Alembic's entry point, run by live.store.migrate with the connection in the config (see fame.db)."""

from __future__ import annotations

from live.store.db import STORE
from live.store.models import Base

STORE.run_migrations(Base.metadata)
