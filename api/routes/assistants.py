"""One assistant: the ``warden`` graph, under a fixed id (uuid5 of the graph id) or its graph id."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, Query
from pydantic import create_model
from starlette.responses import Response

from api.auth import principal
from api.deps import ASSISTANT_ID, GRAPH_ID, Svc, json_response, resolve_assistant
from api.errors import ApiError
from api.schemas import AssistantCount, AssistantPublic, AssistantSearch, ErrorPublic, GraphSchemaPublic

log = logging.getLogger("warden.api")
router = APIRouter(prefix="/assistants", tags=["assistants"], dependencies=[Depends(principal)],
                   responses={401: {"model": ErrorPublic}, 422: {"model": ErrorPublic}})
_CREATED = "2025-01-01T00:00:00+00:00"


def assistant() -> dict[str, Any]:
    return {"assistant_id": ASSISTANT_ID, "graph_id": GRAPH_ID, "name": GRAPH_ID,
            "description": "Warden: a governed support-desk agent (refunds, customer data, email).",
            "config": {}, "context": {}, "metadata": {"created_by": "system"}, "version": 1,
            "created_at": _CREATED, "updated_at": _CREATED}


def _matches(metadata: dict[str, Any] | None, graph_id: str | None, name: str | None) -> bool:
    a = assistant()
    if graph_id and graph_id != GRAPH_ID:
        return False
    if name and name.lower() not in a["name"]:
        return False
    return not metadata or all(a["metadata"].get(k) == v for k, v in metadata.items())


@router.post("/search", response_model=list[AssistantPublic])
async def search_assistants(body: AssistantSearch) -> Response:
    found = [assistant()] if _matches(body.metadata, body.graph_id, body.name) else []
    return json_response(found[body.offset : body.offset + body.limit])


@router.post("/count", response_model=int)
async def count_assistants(body: AssistantCount) -> Response:
    return json_response(1 if _matches(body.metadata, body.graph_id, body.name) else 0)


@router.get("/{assistant_id}", response_model=AssistantPublic, responses={404: {"model": ErrorPublic}})
async def get_assistant(assistant_id: str) -> Response:
    resolve_assistant(assistant_id)
    return json_response(assistant())


@router.get("/{assistant_id}/graph", responses={404: {"model": ErrorPublic}})
async def get_assistant_graph(svc: Svc, assistant_id: str, xray: str | None = Query(default=None)) -> Response:
    """The graph's nodes and edges (``Graph.to_json()``), as langgraph-api returns them."""
    resolve_assistant(assistant_id)
    depth: bool | int = False
    if xray in ("true", "True"):
        depth = True
    elif xray not in (None, "false", "False"):
        if xray is None or not xray.isdigit() or int(xray) <= 0:
            raise ApiError(422, "validation_error", "xray must be true, false or a positive integer", field="xray")
        depth = int(xray)
    drawable = svc.graph.get_graph(xray=depth).to_json()
    for node in drawable.get("nodes", []):
        if isinstance(node.get("data"), dict):
            node["data"].pop("id", None)
    return json_response(drawable)


@router.get("/{assistant_id}/schemas", response_model=GraphSchemaPublic, responses={404: {"model": ErrorPublic}})
async def get_assistant_schemas(svc: Svc, assistant_id: str) -> Response:
    resolve_assistant(assistant_id)
    g = svc.graph
    return json_response({
        "graph_id": GRAPH_ID,
        "input_schema": _safe(g.get_input_jsonschema),
        "output_schema": _safe(g.get_output_jsonschema),
        "state_schema": _safe(lambda: _state_schema(g)),
        "config_schema": None,
        "context_schema": _safe(g.get_context_jsonschema),
    })


@router.get("/{assistant_id}/subgraphs", responses={404: {"model": ErrorPublic}})
async def get_assistant_subgraphs(assistant_id: str) -> Response:
    resolve_assistant(assistant_id)
    return json_response({})


def _safe(fn: Callable[[], Any]) -> Any:
    try:
        return fn()
    except Exception as exc:  # noqa: BLE001 - a schema the graph cannot describe is reported as absent, like langgraph-api
        log.warning("schema generation failed: %s", exc)
        return None


def _state_schema(graph: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for name in graph.stream_channels_list:
        update_type = graph.channels[name].UpdateType
        try:
            create_model(name, root=(update_type, None)).model_json_schema()
            fields[name] = (update_type, None)
        except Exception:  # noqa: BLE001 - not describable: Any
            fields[name] = (Any, None)
    return create_model(graph.get_name("State"), **fields).model_json_schema()  # type: ignore[no-any-return]
