"""Idempotency keys and the side-effect ledger: a retried or resumed step never repeats an effect.

Rules:
- The key is sha256 over canonical JSON of (thread_id, step, tool, version, args): stable across processes.
- Effects (tiers write / high_impact / external) run *and* insert their ledger row in one transaction. Before
  running, the ledger is read by key; a hit returns the stored output with ``replayed=True`` and runs nothing.
- Race: two processes with the same key both miss the ledger; the UNIQUE constraints (ledger, and the
  effect's own refunds/outbox key) make one insert fail; the loser's transaction rolls back (its effect
  with it) and it returns the winner's stored output, ``replayed=True``. On SQLite, writes open with
  BEGIN IMMEDIATE, so the loser usually just waits and then hits the ledger.
- A hit whose tool, version, args hash or tenant differ is a ``conflict``: the key was reused for another call.
- Reads write no ledger row: they have no effect, and a resumed read should see current data.
- Failures are never recorded: a rolled-back call may be retried and re-evaluated against the current DB.
- DB errors: locks/timeouts/disconnects -> retryable; integrity errors -> not retryable. Nothing escapes.
- Audit: an effect's ``tool_executed`` record (governance.audit) is appended in the same transaction as the
  effect and its ledger row, so there is never an effect without its record (or a record without its effect).
  Its event key is ``tool:{idempotency key}``; a replay appends nothing here (the executor records replays).
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session

from governance.audit import AuditEvent, AuditSink
from governance.auth import Principal
from tools._private import fetch
from tools.db import LedgerEntry, is_sqlite
from tools.errors import ToolError, ToolFailure
from tools.spec import RunContext, ToolOutcome, ValidatedCall

log = logging.getLogger(__name__)


def canonical_json(value: Any) -> str:
    """Sorted keys, no whitespace, UTF-8 kept: the same value hashes the same in every process."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def args_hash(args: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(args).encode()).hexdigest()


def idempotency_key(thread_id: str, step: int, tool: str, version: int, args: dict[str, Any]) -> str:
    """Identity of a side effect: the same plan step of the same thread with the same call -> same key."""
    payload = {"thread_id": thread_id, "step": step, "tool": tool, "version": version, "args": args}
    return hashlib.sha256(canonical_json(payload).encode()).hexdigest()


def lookup(session: Session, key: str) -> LedgerEntry | None:
    return session.scalars(select(LedgerEntry).where(LedgerEntry.idempotency_key == key)).one_or_none()


def already_done(session: Session, principal: Principal, key: str) -> bool:
    """The ledger holds ``key`` for the principal's tenant: executing it again can only replay."""
    rows = fetch(session, "SELECT tenant FROM ledger WHERE idempotency_key = :key", {"key": key})
    return bool(rows) and rows[0][0] == principal.tenant


def _replay(
    entry: LedgerEntry, call: ValidatedCall, principal: Principal, a_hash: str, key: str
) -> ToolOutcome:
    same = (
        entry.tenant == principal.tenant
        and entry.tool == call.name
        and entry.tool_version == call.version
        and entry.args_hash == a_hash
    )
    if not same:
        return ToolOutcome.failure(
            ToolError(error="conflict", message="idempotency key already used for a different call"), key
        )
    return ToolOutcome(ok=True, output=dict(entry.result["output"]), replayed=True, idempotency_key=key)


class _Deadline:
    """The tool's ``timeout_s``: SQLite queries are interrupted past it, PostgreSQL gets statement_timeout,
    and the commit is refused past it, so a late effect rolls back rather than landing after the caller
    gave up."""

    def __init__(self, timeout_s: float) -> None:
        self.expires = time.monotonic() + timeout_s

    def expired(self) -> bool:
        return time.monotonic() > self.expires

    def check(self) -> None:
        if self.expired():
            raise ToolFailure(ToolError(error="timeout", message="tool deadline exceeded", retryable=True))


@contextmanager
def _deadline(session: Session, timeout_s: float) -> Iterator[_Deadline]:
    dl = _Deadline(timeout_s)
    conn = session.connection()
    if is_sqlite(conn.engine):
        dbapi = conn.connection.dbapi_connection
        assert dbapi is not None
        dbapi.set_progress_handler(lambda: 1 if dl.expired() else 0, 10_000)
        try:
            yield dl
        finally:
            dbapi.set_progress_handler(None, 0)
    else:
        if conn.dialect.name == "postgresql":
            session.execute(text(f"SET LOCAL statement_timeout = {max(1, int(timeout_s * 1000))}"))
        yield dl


def db_error(exc: DBAPIError) -> ToolError:
    msg = str(exc.orig).lower() if exc.orig is not None else str(exc).lower()
    if isinstance(exc, OperationalError) or exc.connection_invalidated:
        if any(s in msg for s in ("locked", "busy", "interrupted", "timeout", "canceling statement")):
            return ToolError(error="timeout", message="database busy or deadline exceeded", retryable=True)
        return ToolError(error="internal", message="database unavailable", retryable=True)
    return ToolError(error="internal", message="database error", retryable=False)


def execution_event(call: ValidatedCall, principal: Principal, *, thread_id: str, step: int, key: str,
                    status: str, approved_by: str | None, replayed: bool = False,
                    output: dict[str, Any] | None = None, error: ToolError | None = None) -> AuditEvent:
    """The audit record of one tool execution (tool, version, args, result status, idempotency key)."""
    payload: dict[str, Any] = {"tool": call.name, "version": call.version, "args": call.args_dict,
                               "status": status, "idempotency_key": key, "step": step, "tier": call.spec.tier,
                               "approved_by": approved_by, "replayed": replayed}
    if output is not None:
        payload["output"] = output
    if error is not None:
        payload["error"] = {"error": error.error, "field": error.field, "message": error.message,
                            "retryable": error.retryable}
    suffix = "" if status == "ok" and not replayed else f"/{'replayed' if replayed else status}"
    return AuditEvent(tenant=principal.tenant, kind="tool_executed", event_key=f"tool:{key}{suffix}",
                      actor=principal.user, thread_id=thread_id, payload=payload)


def _run_effect(
    engine: Engine, call: ValidatedCall, principal: Principal, ctx: RunContext, a_hash: str,
    audit: AuditSink | None,
) -> ToolOutcome:
    key = ctx.idempotency_key
    write_engine = engine.execution_options(sqlite_begin="IMMEDIATE")
    with Session(write_engine, expire_on_commit=False) as session, session.begin():
        entry = lookup(session, key)
        if entry is not None:
            return _replay(entry, call, principal, a_hash, key)
        with _deadline(session, call.spec.timeout_s) as dl:
            call.spec.check(session, principal, call.args)
            out = call.spec.run(session, principal, call.args, ctx)
            output = out.model_dump(mode="json")
            session.add(
                LedgerEntry(
                    idempotency_key=key,
                    tenant=principal.tenant,
                    thread_id=ctx.thread_id,
                    step=ctx.step,
                    tool=call.name,
                    tool_version=call.version,
                    args_hash=a_hash,
                    actor=principal.user,
                    approved_by=ctx.approved_by,
                    result={"output": output},
                    created_at=ctx.now,
                )
            )
            session.flush()
            if audit is not None:
                audit.record_in(session.connection(), execution_event(
                    call, principal, thread_id=ctx.thread_id, step=ctx.step, key=key, status="ok",
                    approved_by=ctx.approved_by, output=output))
            dl.check()
    return ToolOutcome(ok=True, output=output, replayed=False, idempotency_key=key)


def _run_read(engine: Engine, call: ValidatedCall, principal: Principal, ctx: RunContext) -> ToolOutcome:
    with Session(engine) as session, session.begin(), _deadline(session, call.spec.timeout_s) as dl:
        out = call.spec.run(session, principal, call.args, ctx)
        dl.check()
    return ToolOutcome(ok=True, output=out.model_dump(mode="json"), idempotency_key=ctx.idempotency_key)


def execute_call(
    engine: Engine,
    call: ValidatedCall,
    *,
    principal: Principal,
    idempotency_key: str,
    thread_id: str,
    step: int,
    approved_by: str | None,
    audit: AuditSink | None = None,
) -> ToolOutcome:
    """Run a validated call exactly once per key on ``engine`` (the write engine for effects, the read-only one
    for reads). Never raises; every failure is a ``ToolOutcome`` error."""
    key = idempotency_key
    a_hash = args_hash(call.args_dict)
    ctx = RunContext(
        idempotency_key=key, thread_id=thread_id, step=step, approved_by=approved_by, now=datetime.now(UTC)
    )
    try:
        if not call.spec.has_effect:
            return _run_read(engine, call, principal, ctx)
        return _run_effect(engine, call, principal, ctx, a_hash, audit)
    except ToolFailure as f:
        return ToolOutcome.failure(f.error, key)
    except IntegrityError:
        # Either we lost a race on the same key (the winner's row is now visible) or a DB rule fired.
        try:
            with Session(engine) as session, session.begin():
                entry = lookup(session, key)
                if entry is not None:
                    return _replay(entry, call, principal, a_hash, key)
        except DBAPIError as exc:
            return ToolOutcome.failure(db_error(exc), key)
        log.warning("integrity error executing %s (key %s)", call.spec.ref, key, exc_info=True)
        return ToolOutcome.failure(
            ToolError(
                error="conflict", message="the effect conflicts with existing data (duplicate or rule)"
            ),
            key,
        )
    except DBAPIError as exc:
        log.warning("db error executing %s (key %s)", call.spec.ref, key, exc_info=True)
        return ToolOutcome.failure(db_error(exc), key)
    except Exception:  # a bug in a tool must not crash the graph
        log.exception("tool %s crashed (key %s)", call.spec.ref, key)
        return ToolOutcome.failure(
            ToolError(error="internal", message=f"{call.spec.ref} failed unexpectedly"), key
        )
