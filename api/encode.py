"""The one JSON encoder for graph state and stream payloads, and the ``StateSnapshot`` -> ThreadState mapping.

Messages and other pydantic models go through ``model_dump()`` (what langgraph-api sends); dataclasses through
``asdict``; an ``Interrupt`` becomes ``{"value", "id"}``; exceptions become ``{"error", "message"}`` with the
message only for exception kinds whose text is ours to show. Anything unknown becomes its ``repr``-free type
name rather than failing the response.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import uuid
from collections import deque
from collections.abc import Mapping
from decimal import Decimal
from pathlib import PurePath
from typing import Any

import orjson
from langgraph.errors import GraphRecursionError, InvalidUpdateError
from langgraph.types import Interrupt, Send, StateSnapshot

_OPTS = orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_PASSTHROUGH_DATACLASS
_SHOWN_ERRORS = (ValueError, TypeError, KeyError, TimeoutError, GraphRecursionError, InvalidUpdateError)


def interrupt_dict(i: Interrupt | Mapping[str, Any]) -> dict[str, Any]:
    if isinstance(i, Mapping):
        return {"value": i.get("value"), "id": i.get("id")}
    return {"value": i.value, "id": i.id}


def error_dict(exc: BaseException) -> dict[str, str]:
    if isinstance(exc, _SHOWN_ERRORS):
        return {"error": type(exc).__name__, "message": str(exc)[:2000]}
    return {"error": type(exc).__name__, "message": "an internal error occurred; see the server log"}


def _default(obj: Any) -> Any:
    if isinstance(obj, Interrupt):
        return interrupt_dict(obj)
    if isinstance(obj, Send):
        return {"node": obj.node, "args": obj.arg}
    if hasattr(obj, "model_dump") and not isinstance(obj, type):
        return obj.model_dump()
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}
    if hasattr(obj, "_asdict") and not isinstance(obj, type):
        return obj._asdict()
    if isinstance(obj, BaseException):
        return error_dict(obj)
    if isinstance(obj, (set, frozenset, deque)):
        return list(obj)
    if isinstance(obj, Decimal):
        return int(obj) if obj == obj.to_integral_value() else float(obj)
    if isinstance(obj, (uuid.UUID, PurePath)):
        return str(obj)
    if isinstance(obj, enum.Enum):
        return obj.value
    if isinstance(obj, dt.timedelta):
        return obj.total_seconds()
    if isinstance(obj, (bytes, bytearray)):
        return obj.decode("utf-8", errors="replace")
    return f"<{type(obj).__name__}>"


def dumps(obj: Any) -> bytes:
    try:
        return orjson.dumps(obj, default=_default, option=_OPTS)
    except TypeError:  # e.g. lone surrogates in a string: go through a lossy round trip
        return orjson.dumps(_sanitise(obj), default=_default, option=_OPTS)


def _sanitise(obj: Any) -> Any:
    if isinstance(obj, str):
        return obj.encode("utf-8", errors="replace").decode("utf-8")
    if isinstance(obj, Mapping):
        return {_sanitise(k): _sanitise(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_sanitise(v) for v in obj]
    return obj


def to_jsonable(obj: Any) -> Any:
    return orjson.loads(dumps(obj))


def _checkpoint(config: Mapping[str, Any] | None) -> dict[str, Any] | None:
    conf = (config or {}).get("configurable") or {}
    if not conf.get("thread_id") or not conf.get("checkpoint_id"):
        return None
    return {"thread_id": conf["thread_id"], "checkpoint_ns": conf.get("checkpoint_ns") or "",
            "checkpoint_id": conf["checkpoint_id"], "checkpoint_map": conf.get("checkpoint_map")}


def thread_state(snap: StateSnapshot) -> dict[str, Any]:
    """langgraph-api's ThreadState shape (values, next, tasks, checkpoint, metadata, created_at, ...)."""
    return {
        "values": snap.values,
        "next": list(snap.next),
        "tasks": [
            {
                "id": t.id,
                "name": t.name,
                "path": list(t.path),
                "error": None if t.error is None else error_dict(t.error)["message"],
                "interrupts": [interrupt_dict(i) for i in t.interrupts],
                "checkpoint": _checkpoint(t.state) if isinstance(t.state, Mapping) else None,
                "state": thread_state(t.state) if isinstance(t.state, StateSnapshot) else None,
                "result": t.result,
            }
            for t in snap.tasks
        ],
        "metadata": snap.metadata,
        "created_at": snap.created_at,
        "checkpoint": _checkpoint(snap.config),
        "parent_checkpoint": _checkpoint(snap.parent_config),
        "interrupts": [interrupt_dict(i) for i in snap.interrupts],
        "checkpoint_id": (snap.config or {}).get("configurable", {}).get("checkpoint_id"),
        "parent_checkpoint_id": (snap.parent_config or {}).get("configurable", {}).get("checkpoint_id"),
    }
