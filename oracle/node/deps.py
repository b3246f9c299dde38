"""Dependency injection: routes receive the node's objects through these providers."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from ..metrics import NodeMetrics
from .service import OperatorService


def get_service(request: Request) -> OperatorService:
    return request.app.state.service


def get_metrics(request: Request) -> NodeMetrics:
    return request.app.state.service.metrics


Service = Annotated[OperatorService, Depends(get_service)]
Metrics = Annotated[NodeMetrics, Depends(get_metrics)]
