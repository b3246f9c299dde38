"""GET /health: is this operator up, in the committee, and can it read the chain."""

from __future__ import annotations

from fastapi import APIRouter

from ..deps import Service
from ..models import Health

router = APIRouter(tags=["operations"])


@router.get("/health", response_model=Health, summary="Liveness and state of this operator")
def health(service: Service) -> Health:
    """Always 200 while the process serves; `status` is "degraded" when the chain has not
    been read recently or this operator's signer is not in the on-chain committee."""
    return service.health()
