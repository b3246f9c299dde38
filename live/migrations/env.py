"""Alembic's entry point, run by live.store.migrate with the connection in the config.

Batch mode is on, so a later revision that alters a column works on SQLite too (it copies
the table). On PostgreSQL the upgrade holds an advisory lock, so two server processes
starting against one database apply each revision once.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, text

from live.store.migrate import VERSION_TABLE
from live.store.models import Base

# An arbitrary constant: the key of the advisory lock the live server's migrations take.
PG_MIGRATION_LOCK = 0x11FE


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,
        compare_type=True,
        version_table=VERSION_TABLE,
    )
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_MIGRATION_LOCK})
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run the live migrations through live.store.migrate (it passes the connection)")
run(connection)
