"""`python -m social`: run the social service (settings: fame.config.SocialSettings)."""

from __future__ import annotations

import argparse
import sys

from fame.errors import FameError


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m social", description="FameEngine's social service.")
    parser.add_argument("--host", default=None, help="bind address (default: FAME_HOST)")
    parser.add_argument("--port", type=int, default=None, help="port (default: FAME_SOCIAL_PORT)")
    parser.add_argument("--database-url", default=None, help="SQLAlchemy URL (default: FAME_DATABASE_URL or SQLite)")
    parser.add_argument(
        "--no-chain", action="store_true", help="read no chain: add personas with `fame social add-persona`"
    )
    parser.add_argument("--rpc-url", default=None, help="JSON-RPC node (default: FAME_RPC_URL or the local anvil)")
    parser.add_argument(
        "--chain-id", type=int, default=None, help="chain id fans sign in for while no chain answers (default: 31337)"
    )
    parser.add_argument("--sync-interval", type=float, default=30.0, help="seconds between two persona syncs")
    parser.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])
    args = parser.parse_args(argv)

    from .server import serve

    try:
        serve(
            host=args.host,
            port=args.port,
            database_url=args.database_url,
            chain=not args.no_chain,
            rpc_url=args.rpc_url,
            chain_id=args.chain_id,
            sync_interval_s=args.sync_interval,
            log_level=args.log_level,
        )
    except FameError as err:
        print(f"error: {err}", file=sys.stderr)
        sys.exit(err.exit_code)


if __name__ == "__main__":
    main()
