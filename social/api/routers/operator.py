"""Operators (operator token): add a persona without a chain, sync the registry now."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException

from ...chain import ChainUnavailable
from ...store import personas as persona_store
from .. import present
from ..deps import Db, Operator, Service
from ..schemas import PersonaIn, PersonaOut, SyncOut
from .common import errors

router = APIRouter(prefix="/api/operator", tags=["operator"], dependencies=[Operator])


@router.post("/personas", response_model=PersonaOut, responses=errors(401, 409))
def add_persona(body: PersonaIn, db: Db, service: Service) -> PersonaOut:
    """Add a persona by hand (local development, a service without a deployment). The id
    defaults to the next free one, the handle to one derived from the name."""
    now = service.begin(db)
    try:
        row = persona_store.add(
            db,
            name=body.name,
            now=now,
            post_interval_s=service.cfg.post_interval_s,
            persona_id=body.id,
            handle=body.handle,
            spec_cid=body.spec_cid,
            share_token=body.share_token,
        )
    except persona_store.PersonaConflict as why:
        raise HTTPException(409, str(why)) from None
    service.read(db)
    return present.persona(db, row, None)


@router.post("/sync", response_model=SyncOut, responses=errors(401, 409, 503))
def sync(service: Service) -> SyncOut:
    """Read the PersonaRegistry now instead of at the next periodic sync (409 for a service
    started without a chain, 503 while the chain cannot be read)."""
    if service.reader is None:
        raise HTTPException(
            409, "this service runs without a chain (--no-chain): add personas with POST /api/operator/personas"
        )
    try:
        n, new = service.sync_personas()
    except ChainUnavailable as why:
        raise HTTPException(503, f"cannot read the persona registry: {why}") from None
    return SyncOut(personas=n, new=new)
