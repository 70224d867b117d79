"""Tool contracts: what a tool is (``ToolSpec``), what a checked call is (``ValidatedCall``), what a run
returns (``ToolOutcome``), and what an approval needs (``ApprovalRequirement``).

Why strict models: arguments come from a language model. ``StrictModel`` rejects "12" for an int, True for an
int, and any extra field, so a malformed plan fails validation instead of doing something nearby. Every string
has ``max_length`` and every int bounds: grammar-constrained decoders loop on unbounded fields, and bounds
are the first line against absurd amounts.

A spec carries up to three callables:
- ``check(session, principal, args)`` — business invariants against the DB (ids in the principal's tenant,
  amounts within what is refundable, ...). Raises ``ToolFailure``. Run by ``validate`` and *again* inside the
  execute transaction, because the world may have changed while the call waited for approval.
- ``facts(session, principal, args) -> {name: scalar}`` (optional) — what the approval policy may condition on
  beyond the arguments (``send_email``: ``recipient_on_record``). Names are declared in ``fact_names`` so the
  policy file is checked against them at start-up.
- ``run(session, principal, args, ctx) -> output`` — the effect. Only ever called inside the transaction that
  also writes the ledger row; it must not commit. ``ctx`` carries the idempotency key, approver and clock.

Who must approve a call is not in the spec: it is the approval policy file's business (tools.policy), so that
security can change it without a code change. ``data_read``/``data_written`` name the tables a tool touches;
SECURITY.md's tool table is generated from them (tools.docs).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from sqlalchemy.orm import Session

from governance.auth import Principal
from tools.errors import ToolError

Tier = Literal["read", "write", "high_impact", "external"]
Risk = Literal["low", "medium", "high"]


class StrictModel(BaseModel):
    """Base for every tool input/output: no coercion, no extra fields, immutable."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


# Ids are part of the contract: a plan names rows by these, so their shape is checked before any SQL runs.
CustomerId = Annotated[str, StringConstraints(min_length=5, max_length=64, pattern=r"^cus_[a-z0-9_]{1,60}$")]
OrderId = Annotated[str, StringConstraints(min_length=5, max_length=64, pattern=r"^ord_[a-z0-9_]{1,60}$")]
TicketId = Annotated[str, StringConstraints(min_length=5, max_length=64, pattern=r"^tkt_[a-z0-9_]{1,60}$")]
# Refunds are bounded above by the largest order we sell; the DB check (<= remaining) is the real limit.
AmountCents = Annotated[int, Field(ge=1, le=10_000_000)]


class ApprovalRequirement(StrictModel):
    """Who must approve a pending action before ``execute`` may run it, and why (shown to the approver).

    Not strict (unlike tool arguments): it is built by our code and round-trips through JSON checkpoints,
    where the roles tuple comes back as a list."""

    model_config = ConfigDict(strict=False, extra="forbid", frozen=True)

    approver_roles: tuple[str, ...]
    reason: str = Field(max_length=500)
    risk: Risk
    rule: str = ""  # the policy rule that asked for it


@dataclass(frozen=True)
class RunContext:
    """What an effect needs besides its arguments: identity of the effect, who approved it, the clock."""

    idempotency_key: str
    thread_id: str
    step: int
    approved_by: str | None
    now: datetime


CheckFn = Callable[[Session, Principal, Any], None]
RunFn = Callable[[Session, Principal, Any, RunContext], BaseModel]
FactsFn = Callable[[Session, Principal, Any], Mapping[str, int | float | bool | str]]


@dataclass(frozen=True, kw_only=True)
class ToolSpec:
    """One version of one tool. ``name``/argument names are an external contract; bump ``version`` to change."""

    name: str
    version: int
    description: str  # states what it does and how it fails; shown to the planner
    input_model: type[StrictModel]
    output_model: type[StrictModel]
    tier: Tier
    required_roles: frozenset[str]  # who may CALL (request) it; who may APPROVE it is the policy file's
    timeout_s: float
    idempotent: bool  # True when re-running is naturally harmless (reads); effects rely on the ledger instead
    check: CheckFn
    run: RunFn
    data_read: frozenset[str]  # tables it reads
    data_written: frozenset[str] = field(default_factory=frozenset)  # tables it writes (besides the ledger)
    untrusted_output_fields: frozenset[str] = field(default_factory=frozenset)
    facts: FactsFn | None = None
    fact_names: frozenset[str] = field(default_factory=frozenset)

    @property
    def ref(self) -> str:
        return f"{self.name}@{self.version}"

    @property
    def has_effect(self) -> bool:
        """Effects (every tier but read) go through the ledger; reads never write ledger rows."""
        return self.tier != "read"

    def describe(self) -> dict[str, Any]:
        """JSON-able card for a planner prompt or an API listing."""
        return {
            "name": self.name,
            "version": self.version,
            "tier": self.tier,
            "description": self.description,
            "input_schema": self.input_model.model_json_schema(),
            "output_schema": self.output_model.model_json_schema(),
            "untrusted_output_fields": sorted(self.untrusted_output_fields),
        }


@dataclass(frozen=True)
class ValidatedCall:
    """A call that passed schema, RBAC and invariant checks at validation time, for this principal."""

    spec: ToolSpec
    args: StrictModel
    principal: Principal
    approval: ApprovalRequirement | None
    facts: Mapping[str, Any] = field(default_factory=dict)
    tainted: bool = False

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def version(self) -> int:
        return self.spec.version

    @property
    def args_dict(self) -> dict[str, Any]:
        return self.args.model_dump(mode="json")


class ToolOutcome(BaseModel):
    """Result of ``execute``: exactly one of ``output`` / ``error`` is set. ``replayed`` = from the ledger."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    ok: bool
    output: dict[str, Any] | None = None
    error: ToolError | None = None
    replayed: bool = False
    idempotency_key: str

    @classmethod
    def failure(cls, error: ToolError, idempotency_key: str) -> ToolOutcome:
        return cls(ok=False, error=error, idempotency_key=idempotency_key)
