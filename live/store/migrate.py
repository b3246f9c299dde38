"""Alembic, configured in code: `upgrade(engine)` brings a database to the newest revision.

The script location is the sibling package `live/migrations/`; the connection is handed to
env.py through the config's attributes. The revisions are recorded in the table
`live_alembic_version`, so that the live server can share a database with another service.
A new revision is written with `python -m live.store.migrate revision -m "<what changes>"`
against a database already at head (autogenerate compares it with the models).
"""

from __future__ import annotations

import sys
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
VERSION_TABLE = "live_alembic_version"


def alembic_config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("path_separator", "os")
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply every migration up to `revision` in one transaction."""
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), revision)


def head() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE}).get_current_revision()


def _main(argv: list[str]) -> None:
    import argparse

    from fame.config import live_settings

    from .db import Database

    parser = argparse.ArgumentParser(prog="python -m live.store.migrate")
    sub = parser.add_subparsers(dest="cmd", required=True)
    rev = sub.add_parser(
        "revision", help="write a new revision from the difference between the models and the database"
    )
    rev.add_argument("-m", "--message", required=True)
    sub.add_parser("upgrade", help="apply every migration")
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args(argv)
    db = Database(args.database_url or live_settings().effective_database_url)
    if args.cmd == "upgrade":
        upgrade(db.engine)
    else:
        with db.engine.begin() as conn:
            command.revision(alembic_config(conn), message=args.message, autogenerate=True)


if __name__ == "__main__":
    _main(sys.argv[1:])
