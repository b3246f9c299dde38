"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter, Response
from sqlalchemy import func, select

from ...service import SocialService
from ...store.db import UNAVAILABLE, begin_read, unavailable_reason
from ...store.models import Persona
from ..deps import Service
from ..schemas import Health

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health, responses={503: {"model": Health}})
def health(service: Service, response: Response) -> Health:
    """200 with `ok` once the database is migrated and answers (and the chain id fans sign in
    for); 503 with the reason until then."""
    state = _state(service)
    if not state.ok:
        response.status_code = 503
    return state


def _state(service: SocialService) -> Health:
    if not service.db.ready:
        why = service.db.last_error or "migrating"
        return Health(ok=False, database=f"not ready: {why}", chain_id=None, personas=None)
    try:
        with service.db.sessions() as db:
            begin_read(db)
            n = db.scalar(select(func.count()).select_from(Persona))
    except UNAVAILABLE as err:
        return Health(ok=False, database=f"unavailable: {unavailable_reason(err)}", chain_id=None, personas=None)
    return Health(ok=True, database="ready", chain_id=service.chain_id, personas=int(n or 0))
