"""Look-ups every router needs: a persona or post by id, or 404."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import HTTPException, Path
from sqlalchemy.orm import Session

from ...store import personas as persona_store
from ...store import posts as post_store
from ...store.models import Persona, Post
from ...terms import VISIBLE
from ..schemas import MAX_ID, Problem

PersonaId = Annotated[int, Path(ge=1, le=MAX_ID, description="The on-chain persona id.")]
PostId = Annotated[int, Path(ge=1, le=MAX_ID)]
CommentId = Annotated[int, Path(ge=1, le=MAX_ID)]
HoldId = Annotated[int, Path(ge=1, le=MAX_ID)]


def persona_or_404(db: Session, persona_id: int) -> Persona:
    row = persona_store.get(db, persona_id)
    if row is None:
        raise HTTPException(404, f"no persona {persona_id}: GET /api/personas lists them")
    return row


def post_or_404(db: Session, post_id: int, *, any_status: bool = False) -> Post:
    """The post, if the public may see it (held and rejected posts are 404 except to operators)."""
    row = post_store.get(db, post_id)
    if row is None or (not any_status and row.status != VISIBLE):
        raise HTTPException(404, f"no post {post_id}")
    return row


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The error responses a route documents in the OpenAPI schema (all `{"detail": str}`)."""
    return {code: {"model": Problem} for code in codes}
