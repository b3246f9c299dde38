"""`python -m live`: run the live server (settings: fame.config.LiveSettings)."""

from __future__ import annotations

import argparse
import sys

from fame.errors import FameError


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m live", description="FameEngine's live-event room server.")
    parser.add_argument("--host", default=None, help="bind address (default: FAME_HOST)")
    parser.add_argument("--port", type=int, default=None, help="port (default: FAME_LIVE_PORT)")
    parser.add_argument("--rpc-url", default=None, help="JSON-RPC node (default: FAME_RPC_URL or the local anvil)")
    parser.add_argument(
        "--redis-url",
        default=None,
        help="Redis shared by several processes (default: FAME_LIVE_REDIS_URL; unset: one process)",
    )
    parser.add_argument(
        "--database-url", default=None, help="SQLAlchemy URL (default: FAME_LIVE_DATABASE_URL or SQLite)"
    )
    parser.add_argument(
        "--social-url", default=None, help="the social service fans sign in with (default: FAME_LIVE_SOCIAL_URL)"
    )
    parser.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])
    args = parser.parse_args(argv)

    from .server import serve

    try:
        serve(
            host=args.host,
            port=args.port,
            rpc_url=args.rpc_url,
            redis_url=args.redis_url,
            database_url=args.database_url,
            social_url=args.social_url,
            log_level=args.log_level,
        )
    except FameError as err:
        print(f"error: {err}", file=sys.stderr)
        sys.exit(err.exit_code)


if __name__ == "__main__":
    main()
