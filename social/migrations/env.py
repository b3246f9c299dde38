"""Alembic's entry point, run by social.store.migrate with the connection in the config (see fame.db)."""

from __future__ import annotations

import social.activitypub.tables  # noqa: F401 - ActivityPub's tables share the metadata and this chain
from social.store.db import STORE
from social.store.models import Base

STORE.run_migrations(Base.metadata)
