"""Probes (no auth): ``/healthz`` = the process answers; ``/readyz`` = Redis answers and the runtime is open."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from starlette.responses import Response

from api.deps import json_response
from api.errors import ApiError
from api.schemas import ErrorPublic, HealthPublic

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=HealthPublic)
async def healthz() -> Response:
    return json_response({"status": "ok"})


@router.get("/readyz", response_model=HealthPublic, responses={503: {"model": ErrorPublic}})
async def readyz(request: Request) -> Response:
    svc = getattr(request.app.state, "services", None)
    if svc is None:
        raise ApiError(503, "unavailable", "the runtime is not open")
    try:
        async with asyncio.timeout(2.0):
            await svc.redis.ping()
    except Exception as exc:
        raise ApiError(503, "unavailable", "redis does not answer") from exc
    return json_response({"status": "ok"})
