"""Statements both databases run alike."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import DeclarativeBase, Session


def insert_ignore(
    session: Session, model: type[DeclarativeBase], values: dict[str, Any], keys: list[str]
) -> int | None:
    """INSERT `values`, or nothing when a row with the same unique `keys` exists.

    Returns the new row's id, or None when it existed. The unique constraint decides, so
    two concurrent requests cannot both insert (where a read-then-insert check could).
    """
    table: Any = model.__table__
    stmt: Insert
    if session.get_bind().dialect.name == "postgresql":
        stmt = postgresql.insert(table).values(**values).on_conflict_do_nothing(index_elements=keys)
    else:
        stmt = sqlite.insert(table).values(**values).on_conflict_do_nothing(index_elements=keys)
    id_column: ColumnElement[int] = table.c.id
    row = session.execute(stmt.returning(id_column)).first()
    return None if row is None else int(row[0])


def insert_ignore_many(
    session: Session, model: type[DeclarativeBase], rows: list[dict[str, Any]], keys: list[str]
) -> int:
    """INSERT every row of `rows` in one statement, skipping those whose unique `keys` exist;
    returns how many were new. One statement, so a feed read's impressions hold the write lock
    once, not once per post."""
    if not rows:
        return 0
    table: Any = model.__table__
    stmt: Insert
    if session.get_bind().dialect.name == "postgresql":
        stmt = postgresql.insert(table).values(rows).on_conflict_do_nothing(index_elements=keys)
    else:
        stmt = sqlite.insert(table).values(rows).on_conflict_do_nothing(index_elements=keys)
    id_column: ColumnElement[int] = table.c.id
    return len(session.execute(stmt.returning(id_column)).all())
