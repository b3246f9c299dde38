"""The aggregation protocol's endpoints: observations and report signatures."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Path

from ..deps import Service
from ..models import ErrorBody, SignedObservation, SignRequest, SignResponse

router = APIRouter(tags=["protocol"])

ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "The body is not parseable JSON"},
    409: {"model": ErrorBody, "description": "Not now: epoch outside the window, stale, or already signed otherwise"},
    422: {"model": ErrorBody, "description": "The request is malformed or its content is not acceptable"},
    503: {"model": ErrorBody, "description": "The chain or the platform cannot be read right now"},
}


@router.get(
    "/observation/{epoch}",
    response_model=SignedObservation,
    responses=ERRORS,
    summary="This operator's signed observation of an epoch",
)
def observation(
    service: Service, epoch: int = Path(ge=0, le=2**64 - 1, description="Epoch number")
) -> SignedObservation:
    """Engagement of every active persona as this operator observed it for `epoch` (the
    current one or one of the two before), EIP-712-signed (`Observation` type)."""
    return service.observation(epoch)


@router.post(
    "/sign",
    response_model=SignResponse,
    responses={403: {"model": ErrorBody, "description": "Not signed by the epoch's leader"}, **ERRORS},
    summary="Sign a proposed report",
)
def sign(service: Service, request: SignRequest) -> SignResponse:
    """Returns this operator's EIP-712 signature of the report when it is the median of
    at least 2f+1 attested observations, within tolerance of this operator's own
    observation, proposed by the epoch's leader, and the first report of that epoch."""
    return service.sign(request)
