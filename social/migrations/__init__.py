"""Alembic migrations of the social service's database (applied on start by social.store.migrate)."""
