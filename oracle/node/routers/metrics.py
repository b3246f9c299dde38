"""GET /metrics: Prometheus text exposition."""

from __future__ import annotations

from fastapi import APIRouter, Response

from ..deps import Metrics

router = APIRouter(tags=["operations"])


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    response_class=Response,
    responses={
        200: {"content": {"text/plain": {"schema": {"type": "string"}}}, "description": "Prometheus text format 0.0.4"}
    },
)
def metrics(m: Metrics) -> Response:
    """Observations made, reports signed and refused, rounds led, transmits by outcome,
    relayer queue and retries, RPC and peer errors, current and last on-chain epoch."""
    return Response(content=m.render(), media_type=m.content_type)
