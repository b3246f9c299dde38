"""The `live` command group (`fame live ...`, declared as a fame.commands entry point).

fame live run        serve the live server (like `python -m live`)
fame live migrate    apply the database migrations and print the revision
"""

from __future__ import annotations

import sys

import click

from fame.errors import FameError


class _LiveGroup(click.Group):
    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except FameError as err:
            click.echo(f"error: {err}", err=True)
            sys.exit(err.exit_code)


database_option = click.option(
    "--database-url",
    default=None,
    help="SQLAlchemy URL (default: FAME_LIVE_DATABASE_URL, else SQLite in the state dir).",
)


@click.group(cls=_LiveGroup)
def live() -> None:
    """The live-event room server (docs/live.md): rooms, attendance, badge vouchers."""


@live.command()
@click.option("--host", default=None, help="Bind address (default: FAME_HOST).")
@click.option("--port", type=click.IntRange(1, 65535), default=None, help="Port (default: FAME_LIVE_PORT).")
@click.option("--rpc-url", default=None, help="JSON-RPC node (default: FAME_RPC_URL or the local anvil).")
@click.option("--redis-url", default=None, help="Redis for rooms across processes (default: FAME_LIVE_REDIS_URL).")
@database_option
@click.option("--social-url", default=None, help="Social service of the fans' sign-in (default: FAME_LIVE_SOCIAL_URL).")
def run(
    host: str | None,
    port: int | None,
    rpc_url: str | None,
    redis_url: str | None,
    database_url: str | None,
    social_url: str | None,
) -> None:
    """Serve the live server (Ctrl-C stops it)."""
    from .server import serve

    serve(host=host, port=port, rpc_url=rpc_url, redis_url=redis_url, database_url=database_url, social_url=social_url)


@live.command()
@database_option
def migrate(database_url: str | None) -> None:
    """Apply the migrations (the server also does on start) and print the database's revision."""
    from .server import configured
    from .store.db import UNAVAILABLE, Database, unavailable_reason
    from .store.migrate import current

    db = Database(configured(database_url=database_url).effective_database_url)
    try:
        db.migrate()
        click.echo(f"{db.describe()}: revision {current(db.engine)}")
    except UNAVAILABLE as err:
        raise FameError(f"cannot open the live database {db.describe()}: {unavailable_reason(err)}") from None
    finally:
        db.dispose()
