"""The `social` command group (`fame social ...`, declared as a fame.commands entry point).

fame social run            serve the social service (like `python -m social`)
fame social add-persona    add a persona without a chain (straight into the database)
fame social holds          list what moderation holds (pending by default)
fame social migrate        apply the database migrations and print the revision
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

import click

from fame.errors import FameError

if TYPE_CHECKING:  # the group is imported by `fame --help`: the service's modules load only when used
    from .store.db import Database


class _SocialGroup(click.Group):
    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except FameError as err:
            click.echo(f"error: {err}", err=True)
            sys.exit(err.exit_code)


database_option = click.option(
    "--database-url", default=None, help="SQLAlchemy URL (default: FAME_DATABASE_URL, else SQLite in the state dir)."
)


def _database(database_url: str | None) -> Database:
    from .server import configured
    from .store.db import UNAVAILABLE, Database, unavailable_reason

    db = Database(configured(database_url).effective_database_url)
    try:
        db.migrate()
    except UNAVAILABLE as err:
        raise FameError(f"cannot open the social database {db.describe()}: {unavailable_reason(err)}") from None
    return db


@click.group(cls=_SocialGroup)
def social() -> None:
    """The social service: personas' feeds, fans' sign-in and reactions, moderation, engagement."""


@social.command()
@click.option("--host", default=None, help="Bind address (default: FAME_HOST).")
@click.option("--port", type=click.IntRange(1, 65535), default=None, help="Port (default: FAME_SOCIAL_PORT).")
@database_option
@click.option("--no-chain", is_flag=True, help="Read no chain (personas come from `fame social add-persona`).")
@click.option("--rpc-url", default=None, help="JSON-RPC node (default: FAME_RPC_URL or the local anvil).")
@click.option("--chain-id", type=int, default=None, help="Chain id fans sign in for while no chain answers.")
@click.option("--sync-interval", type=float, default=30.0, show_default=True, help="Seconds between persona syncs.")
def run(
    host: str | None,
    port: int | None,
    database_url: str | None,
    no_chain: bool,
    rpc_url: str | None,
    chain_id: int | None,
    sync_interval: float,
) -> None:
    """Serve the social service (Ctrl-C stops it)."""
    from .server import serve

    serve(
        host=host,
        port=port,
        database_url=database_url,
        chain=not no_chain,
        rpc_url=rpc_url,
        chain_id=chain_id,
        sync_interval_s=sync_interval,
    )


@social.command("add-persona")
@click.argument("name")
@click.option("--id", "persona_id", type=click.IntRange(1), default=None, help="Persona id (default: the next free).")
@click.option("--handle", default=None, help="Handle (default: derived from the name).")
@click.option("--spec-cid", default="", help="CID of the persona spec.")
@click.option("--share-token", default=None, help="Address of the persona's share token (for the holder badge).")
@database_option
def add_persona(
    name: str,
    persona_id: int | None,
    handle: str | None,
    spec_cid: str,
    share_token: str | None,
    database_url: str | None,
) -> None:
    """Add a persona without a chain; prints it as JSON."""
    import time

    from .server import configured
    from .store import personas

    db = _database(database_url)
    try:
        with db.sessions() as session:
            row = personas.add(
                session,
                name=name,
                now=int(time.time()),
                post_interval_s=configured(database_url).post_interval_s,
                persona_id=persona_id,
                handle=handle,
                spec_cid=spec_cid,
                share_token=share_token,
            )
            click.echo(json.dumps({"id": row.id, "handle": row.handle, "name": row.name}))
    except personas.PersonaConflict as err:
        raise FameError(str(err)) from None
    finally:
        db.dispose()


@social.command()
@click.option(
    "--state",
    type=click.Choice(["pending", "decided", "all"]),
    default="pending",
    show_default=True,
    help="Which holds.",
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@database_option
def holds(state: str, as_json: bool, database_url: str | None) -> None:
    """List moderation holds (decide them with POST /api/moderation/holds/<id>)."""
    from .store import holds as hold_store

    db = _database(database_url)
    try:
        with db.sessions() as session:
            rows = hold_store.list_holds(session, state, limit=10_000)  # type: ignore[arg-type]
            for h in rows:
                body, post_id, author = hold_store.target_text(session, h)
                item = {
                    "id": h.id,
                    "target": h.target,
                    "target_id": h.target_id,
                    "post_id": post_id,
                    "author": author,
                    "reason": h.reason,
                    "decision": h.decision,
                    "body": body,
                }
                if as_json:
                    click.echo(json.dumps(item))
                else:
                    decided = h.decision or "pending"
                    click.echo(f"#{h.id} {h.target} {h.target_id} [{decided}] {h.reason}: {body[:80]!r}")
            if not rows and not as_json:
                click.echo(f"no {state} holds")
    finally:
        db.dispose()


@social.command()
@database_option
def migrate(database_url: str | None) -> None:
    """Apply the migrations (the service also does on start) and print the database's revision."""
    from .store.migrate import current

    db = _database(database_url)
    try:
        click.echo(f"{db.describe()}: revision {current(db.engine)}")
    finally:
        db.dispose()
