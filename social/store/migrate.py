"""Alembic, configured in code: `upgrade(engine)` brings a database to the newest revision.

No alembic.ini is needed at run time: the script location is this package's sibling
`social/migrations/` and the connection is handed to env.py through the config's
attributes (fame.db does both). A new revision is written with `python -m
social.store.migrate revision -m "<what changes>"` against a database already at head
(autogenerate compares it with the models).
"""

from __future__ import annotations

import sys

from .db import STORE

MIGRATIONS = STORE.migrations
alembic_config = STORE.alembic_config
upgrade = STORE.upgrade  # every migration up to `revision` ("head"), in one transaction
head = STORE.head
current = STORE.current


if __name__ == "__main__":
    from fame.config import social_settings

    STORE.main(sys.argv[1:], lambda: social_settings().effective_database_url)
