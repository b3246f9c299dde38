"""Alembic, configured in code: `upgrade(engine)` brings a database to the newest revision.

The script location is the sibling package `live/migrations/`; the connection is handed to
env.py through the config's attributes (fame.db does both). The revisions are recorded in
the table `live_alembic_version`, so that the live server can share a database with another
service. A new revision is written with `python -m live.store.migrate revision -m "<what
changes>"` against a database already at head (autogenerate compares it with the models).
"""

from __future__ import annotations

import sys

from .db import STORE

MIGRATIONS = STORE.migrations
VERSION_TABLE = STORE.version_table
alembic_config = STORE.alembic_config
upgrade = STORE.upgrade  # every migration up to `revision` ("head"), in one transaction
head = STORE.head
current = STORE.current


if __name__ == "__main__":
    from fame.config import live_settings

    STORE.main(sys.argv[1:], lambda: live_settings().effective_database_url)
