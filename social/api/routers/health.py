"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import func, select

from ...store.db import UNAVAILABLE, begin_read, unavailable_reason
from ...store.models import Persona
from ..deps import Service
from ..schemas import Health

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health)
def health(service: Service) -> Health:
    """`ok` once the database is migrated and answers; the chain id the service signs fans in for."""
    if not service.db.ready:
        return Health(
            ok=False, database=f"not ready: {service.db.last_error or 'migrating'}", chain_id=None, personas=None
        )
    try:
        with service.db.sessions() as db:
            begin_read(db)
            n = db.scalar(select(func.count()).select_from(Persona))
    except UNAVAILABLE as err:
        return Health(ok=False, database=f"unavailable: {unavailable_reason(err)}", chain_id=None, personas=None)
    return Health(ok=True, database="ready", chain_id=service.chain_id, personas=int(n or 0))
