"""Errors are values: the one error shape every tool call returns, and the exception used inside tools.

Tree (one root per package)::

    ToolError            pydantic value returned to callers (never raised); ``error`` is a closed set
    ToolFailure          Exception raised *inside* a tool's run/check to abort with a ToolError;
                         ``ToolRegistry.execute`` catches it, rolls the transaction back and returns the value

Why two: the graph must never crash on bad input, so everything that crosses the package boundary is a
``ToolError`` value; but inside a SQL transaction an exception is the natural way to abort and roll back.

``retryable`` separates "try the very same call again later" (locks, timeouts, connection drops) from
"the model must change the call" (validation, invariants, permissions) — pydantic-ai keeps those apart too.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ToolErrorCode = Literal[
    "validation_error",  # arguments failed the strict schema (wrong type, extra field, too long, out of bounds)
    "unknown_tool",  # no tool by that name
    "unknown_version",  # tool exists, version does not
    "forbidden",  # principal lacks a role that may call the tool, or approval is invalid (self-approval)
    "approval_required",  # the tool needs an approver and execute() was called without one
    "not_found",  # id does not exist *in the principal's tenant* (other tenants' rows are never revealed)
    "invariant_violated",  # business rule (refund > remaining, closed ticket, unknown recipient, ...)
    "conflict",  # idempotency key reused with different arguments / tenant, or a duplicate effect
    "timeout",  # the tool's deadline passed or the DB lock wait timed out; nothing was committed
    "internal",  # a bug or an unexpected DB failure; details logged, not leaked
    "unresolved_ref",  # (executor) a plan placeholder names a step result or field that does not exist
    "extraction_failed",  # (executor) a $extract slot: no value of its kind in the text, or no extraction model
]


class ToolError(BaseModel):
    """A structured failure the planner can read and act on (retry, change arguments, or give up)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    error: ToolErrorCode
    message: str = Field(max_length=2000)
    field: str | None = None
    retryable: bool = False


class ToolFailure(Exception):
    """Raised inside a tool to abort its transaction; carries the ToolError that ``execute`` returns."""

    def __init__(self, error: ToolError) -> None:
        super().__init__(error.message)
        self.error = error


def fail(
    error: ToolErrorCode, message: str, *, field: str | None = None, retryable: bool = False
) -> ToolFailure:
    """Build a ToolFailure to ``raise`` from a tool body: ``raise fail("not_found", "...", field="order_id")``."""
    return ToolFailure(ToolError(error=error, message=message, field=field, retryable=retryable))
