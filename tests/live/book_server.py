"""The live server reading events and tickets from an event book (live_book.py) instead of a
chain: `python tests/live/book_server.py <book.json> [python -m live's options]`."""

from __future__ import annotations

import argparse
from pathlib import Path

from live_book import BookEvents

from live.server import serve

parser = argparse.ArgumentParser()
parser.add_argument("book")
parser.add_argument("--host", default="127.0.0.1")
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--redis-url", default=None)
parser.add_argument("--database-url", default=None)
parser.add_argument("--social-url", default=None)
parser.add_argument("--log-level", default="warning")
args = parser.parse_args()
serve(
    host=args.host,
    port=args.port,
    redis_url=args.redis_url,
    database_url=args.database_url,
    social_url=args.social_url,
    events=BookEvents(Path(args.book)),
    log_level=args.log_level,
)
