"""Alembic's entry point, run by social.store.migrate with the connection in the config.

Batch mode is on, so a later revision that alters a column works on SQLite too (it copies
the table). On PostgreSQL the upgrade holds an advisory lock, so two service processes
starting against one database apply each revision once.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, text

import social.activitypub.tables  # noqa: F401 - ActivityPub's tables share the metadata and this chain
from social.store.models import Base

# An arbitrary constant: the key of the advisory lock the social service's migrations take.
PG_MIGRATION_LOCK = 0x50C1A1


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,
        compare_type=True,
    )
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_MIGRATION_LOCK})
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run the social migrations through social.store.migrate (it passes the connection)")
run(connection)
