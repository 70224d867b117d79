"""What routes receive: the process's services (built once in the lifespan) and the caller's principal."""

from __future__ import annotations

import functools
import typing
import uuid
from dataclasses import dataclass
from typing import Annotated, Any

import orjson
from fastapi import Depends, Request
from redis.asyncio import Redis
from starlette.responses import Response

from api.errors import ApiError, not_found
from api.keys import Keys
from api.queue import RunQueue
from api.runtime import AgentRuntime
from api.store import Store
from api.worker import WorkerPool
from graph.settings import Settings

GRAPH_ID = "warden"
ASSISTANT_ID = str(uuid.uuid5(uuid.NAMESPACE_URL, GRAPH_ID))  # what langgraph-api would assign this graph


@dataclass
class Services:
    settings: Settings
    redis: Redis
    keys: Keys
    store: Store
    queue: RunQueue
    runtime: AgentRuntime
    workers: WorkerPool

    @property
    def graph(self) -> Any:
        return self.runtime.graph

    @functools.cached_property
    def input_keys(self) -> frozenset[str] | None:
        """The keys the graph accepts as input (its input schema), or None if it does not say."""
        schema = getattr(getattr(self.graph, "builder", None), "input_schema", None)
        try:
            return frozenset(typing.get_type_hints(schema)) if schema is not None else None
        except Exception:  # noqa: BLE001 - an unresolvable schema just means "no key check"
            return None


def services(request: Request) -> Services:
    svc = getattr(request.app.state, "services", None)
    if svc is None:
        raise ApiError(503, "unavailable", "the server is starting or stopping")
    return svc  # type: ignore[no-any-return]


Svc = Annotated[Services, Depends(services)]


def resolve_assistant(assistant_id: str) -> str:
    if assistant_id not in (ASSISTANT_ID, GRAPH_ID):
        raise not_found("assistant", assistant_id)
    return ASSISTANT_ID


def check_uuid(value: str, what: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise ApiError(422, "validation_error", f"{what} must be a UUID", field=f"{what}") from None


def json_response(content: Any, status_code: int = 200, headers: dict[str, str] | None = None) -> Response:
    body = content if isinstance(content, bytes) else orjson.dumps(content, option=orjson.OPT_NON_STR_KEYS)
    return Response(body, status_code=status_code, media_type="application/json", headers=headers)
