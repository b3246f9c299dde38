"""Alembic migrations of the live server's database (applied on start by live.store.migrate)."""
