"""Request and response models (``XCreate`` / ``XPublic``). Requests are validated by these; responses are
built by ``api.store`` / ``api.encode`` (graph state always through the one encoder) and described here for
the OpenAPI document."""

from __future__ import annotations

import uuid
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

StreamModeName = Literal["values", "updates", "messages", "messages-tuple", "custom", "debug", "tasks",
                         "checkpoints"]
ThreadStatus = Literal["idle", "busy", "interrupted", "error"]
RunStatus = Literal["pending", "running", "error", "success", "timeout", "interrupted"]
Json = dict[str, Any]


INT64 = 2**63
MAX_JSON_DEPTH = 64


def json_problem(value: Any, path: str = "", depth: int = 0) -> str | None:
    """Why a decoded request value cannot be stored and sent back as JSON, or None. Python's JSON decoder accepts
    what our encoders (orjson, Redis) refuse: integers past 64 bits, lone UTF-16 surrogates ("\\udae8") in
    strings and keys, and unbounded nesting — each would otherwise surface as a 500 deep in a handler."""
    if depth > MAX_JSON_DEPTH:
        return f"{path or 'value'}: nested more than {MAX_JSON_DEPTH} levels"
    if isinstance(value, bool) or value is None or isinstance(value, float):
        return None
    if isinstance(value, int):
        return None if -INT64 <= value < INT64 else f"{path or 'value'}: integer outside the 64-bit range"
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return f"{path or 'value'}: string holds an unpaired surrogate (not valid Unicode)"
        return None
    if isinstance(value, dict):
        for k, v in value.items():
            problem = json_problem(k, f"{path}.<key>", depth + 1) or json_problem(v, f"{path}.{k}", depth + 1)
            if problem:
                return problem
        return None
    if isinstance(value, list | tuple):
        for i, v in enumerate(value):
            problem = json_problem(v, f"{path}.{i}", depth + 1)
            if problem:
                return problem
        return None
    return None


class _JsonSafe(BaseModel):
    """Every field is checked by ``json_problem`` (errors name the field; the message names the nested path)."""

    @field_validator("*", mode="after")
    @classmethod
    def _json_safe(cls, value: Any, info: ValidationInfo) -> Any:
        if isinstance(value, BaseModel):
            return value
        problem = json_problem(value, str(info.field_name))
        if problem:
            raise ValueError(problem)
        return value


class _In(_JsonSafe):
    model_config = ConfigDict(extra="ignore")


# --- errors / health -------------------------------------------------------------------------------------------
class ErrorPublic(BaseModel):
    error: str = Field(description="machine-readable code, e.g. not_found, thread_busy, validation_error")
    message: str
    field: str | None = Field(default=None, description="dotted path of the offending input, if any")


class HealthPublic(BaseModel):
    status: Literal["ok", "unavailable"]
    detail: str | None = None


# --- assistants ------------------------------------------------------------------------------------------------
class AssistantSearch(_In):
    metadata: Json | None = None
    graph_id: str | None = None
    name: str | None = None
    limit: int = Field(default=10, ge=1, le=1000)
    offset: int = Field(default=0, ge=0, le=2**31)
    sort_by: str | None = None
    sort_order: Literal["asc", "desc"] | None = None


class AssistantCount(_In):
    metadata: Json | None = None
    graph_id: str | None = None
    name: str | None = None


class AssistantPublic(BaseModel):
    assistant_id: str
    graph_id: str
    name: str
    description: str | None
    config: Json
    context: Json
    metadata: Json
    version: int
    created_at: str
    updated_at: str


class GraphSchemaPublic(BaseModel):
    graph_id: str
    input_schema: Json | None
    output_schema: Json | None
    state_schema: Json | None
    config_schema: Json | None
    context_schema: Json | None


# --- threads ---------------------------------------------------------------------------------------------------
class ThreadCreate(_In):
    thread_id: uuid.UUID | None = None
    metadata: Json | None = None
    if_exists: Literal["raise", "do_nothing"] | None = None
    supersteps: None = Field(default=None, description="not supported: state changes only through runs")


class ThreadSearch(_In):
    ids: list[uuid.UUID] | None = Field(default=None, max_length=1000)
    metadata: Json | None = None
    values: None = Field(default=None, description="not supported")
    status: ThreadStatus | None = None
    limit: int = Field(default=10, ge=1, le=1000)
    offset: int = Field(default=0, ge=0, le=2**31)
    sort_by: Literal["thread_id", "status", "created_at", "updated_at", "state_updated_at"] = "created_at"
    sort_order: Literal["asc", "desc"] = "desc"


class ThreadCount(_In):
    metadata: Json | None = None
    status: ThreadStatus | None = None


class ThreadPublic(BaseModel):
    thread_id: str
    created_at: str
    updated_at: str
    state_updated_at: str
    metadata: Json
    status: ThreadStatus
    values: Json | None = Field(description="the thread's latest state values (encoded)")
    interrupts: dict[str, list[InterruptPublic]] = Field(description="pending interrupts by task id")
    config: Json


class InterruptPublic(BaseModel):
    value: Any
    id: str


class CheckpointPublic(BaseModel):
    thread_id: str
    checkpoint_ns: str
    checkpoint_id: str
    checkpoint_map: Json | None = None


class ThreadTaskPublic(BaseModel):
    id: str
    name: str
    path: list[Any]
    error: str | None
    interrupts: list[InterruptPublic]
    checkpoint: CheckpointPublic | None
    state: ThreadStatePublic | None
    result: Json | None


class ThreadStatePublic(BaseModel):
    values: Json | list[Any]
    next: list[str]
    tasks: list[ThreadTaskPublic]
    metadata: Json | None
    created_at: str | None
    checkpoint: CheckpointPublic | None
    parent_checkpoint: CheckpointPublic | None
    interrupts: list[InterruptPublic]
    checkpoint_id: str | None
    parent_checkpoint_id: str | None


class CheckpointRef(_In):
    checkpoint_id: str | None = None
    checkpoint_ns: str | None = ""


class ThreadHistoryQuery(_In):
    limit: int = Field(default=10, ge=1, le=1000)
    before: str | CheckpointRef | None = None
    metadata: Json | None = None
    checkpoint: CheckpointRef | None = None


class ThreadStateAt(_In):
    checkpoint: CheckpointRef
    subgraphs: bool = False


# --- runs ------------------------------------------------------------------------------------------------------
class CommandIn(_In):
    resume: Any = None
    update: Any = Field(default=None, description="not supported: state changes only through the graph")
    goto: Any = Field(default=None, description="not supported: the graph decides its next node")


class RunConfig(_In):
    tags: list[str] | None = Field(default=None, max_length=50)
    recursion_limit: int | None = Field(default=None, ge=1, le=10_000)
    configurable: Json | None = Field(default=None, description="ignored: the server sets thread and principal")
    metadata: Json | None = None


class RunCreate(_In):
    """langgraph-sdk's run payload. The run's principal is always the token's: ``context`` and
    ``config.configurable`` are ignored. Only the ``reject`` multitask strategy exists."""

    assistant_id: str = Field(min_length=1, max_length=200)
    input: Json | None = None
    command: CommandIn | None = None
    stream_mode: StreamModeName | list[StreamModeName] = "values"
    stream_subgraphs: bool = False
    stream_resumable: bool = False
    metadata: Json | None = None
    config: RunConfig | None = None
    context: Json | None = Field(default=None, description="ignored: the context is the authenticated principal")
    checkpoint: Json | None = Field(default=None, description="not supported")
    checkpoint_id: str | None = Field(default=None, description="not supported")
    checkpoint_during: bool | None = None
    interrupt_before: Literal["*"] | list[str] | None = Field(default=None, description="not supported")
    interrupt_after: Literal["*"] | list[str] | None = Field(default=None, description="not supported")
    webhook: str | None = Field(default=None, description="not supported")
    multitask_strategy: Literal["reject", "interrupt", "rollback", "enqueue"] | None = None
    if_not_exists: Literal["create", "reject"] | None = None
    on_disconnect: Literal["cancel", "continue"] | None = None
    on_completion: Literal["delete", "keep"] | None = None
    after_seconds: int | None = Field(default=None, description="not supported")
    durability: Literal["sync", "async", "exit"] | None = Field(default=None, description="always sync")
    feedback_keys: list[str] | None = None
    strict_resume: bool | None = None


class RunPublic(BaseModel):
    run_id: str
    thread_id: str
    assistant_id: str
    created_at: str
    updated_at: str
    status: RunStatus
    metadata: Json
    multitask_strategy: Literal["reject"]
    kwargs: Json
    cancel_reason: str | None = None


class RunsCancel(_In):
    thread_id: uuid.UUID | None = None
    run_ids: list[uuid.UUID] | None = Field(default=None, max_length=1000)
    status: Literal["pending", "running", "all"] | None = None


# --- approvals -------------------------------------------------------------------------------------------------
class ApprovalPublic(BaseModel):
    id: str = Field(description="the LangGraph interrupt id")
    thread_id: str
    run_id: str | None
    created_at: str | None
    tool: str | None
    args: Json | None
    description: str | None
    requested_by: str | None
    approver_roles: list[str]
    tainted: list[Any]
    provenance: dict[str, str] = Field(default_factory=dict,
                                       description="argument -> where its value came from (earlier step, extraction)")
    tier: str | None = None
    version: int | None = None
    step: int | None = None
    risk: str | None = Field(default=None, description="low | medium | high, from the approval policy")
    rule: str | None = Field(default=None, description="the approval-policy rule that matched")
    reason: str | None = None
    expires_at: str | None = Field(default=None, description="ISO time after which the action expires")
    config: Json | None = None


class ApprovalDecision(_JsonSafe):
    model_config = ConfigDict(extra="forbid")
    decision: Literal["accept", "edit", "reject"]
    args: Json | None = Field(default=None, description="the edited arguments (decision 'edit')")
    comment: str | None = Field(default=None, max_length=4000)


class ApprovalDecided(BaseModel):
    approval_id: str
    run: RunPublic
    result: Json | None = Field(default=None, description="the run's result when ?wait=true")


ThreadPublic.model_rebuild()
ThreadTaskPublic.model_rebuild()
