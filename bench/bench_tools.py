"""(tools) The cost of the wall: validation + authorisation per tool call, and audit-trail append throughput.

Per call, exactly what the executor does before a tool's own work starts (``gate``): refresh the requester's roles
from the role directory (one SQL read), ``registry.validate`` (tool/version lookup, RBAC, strict schema, business
invariants in SQL on the read-only engine, the tool's facts, the approval policy), mint the per-step Ed25519
credential and verify it as the tool layer does, and check the approver (``can_approve``) when the policy asks.
Three calls cover the shapes: a read (``get_customer``), a refund (invariants + approval) and an email (a facts
query + approval). Reported as p50/p99 over interleaved rounds; also the same gate without the SQL parts, to
show where the time goes. Target: p99 <= 1 ms.

Audit append: ``SqlAuditLog.record`` — one record per transaction (``BEGIN IMMEDIATE``, head read, dedupe read,
insert, commit; WAL, synchronous=NORMAL), realistic payloads that go through PII redaction and hashing.
Target: >= 2000 records/s on SQLite. ``record_many`` (one transaction for a batch) is shown for comparison.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from bench import env
from bench.common import check, percentile, row
from governance.audit import AuditEvent, SqlAuditLog
from governance.auth import Principal
from tools.credentials import CredentialIssuer
from tools.db import make_engine, make_read_engine
from tools.errors import ToolError
from tools.policy import can_approve
from tools.registry import ToolRegistry, default_registry
from tools.roles import RoleDirectory

SECTION = "tools"
ROUNDS = 2000
WARMUP = 100
AUDIT_RECORDS = 3000
TARGET_P99_MS = 1.0
TARGET_AUDIT_PER_S = 2000.0

ALICE = Principal("acme", "alice", ("support_agent",))
BOB = Principal("acme", "bob", ("support_lead",))
CALLS: dict[str, dict[str, Any]] = {
    "get_customer": {"customer_id": "cus_acme_001"},
    "issue_refund": {"order_id": "ord_acme_001_1", "amount_cents": 1500, "reason": "duplicate charge"},
    "send_email": {"to": "ada.lovelace@acme-client.example", "subject": "Your refund", "body": "It is done."},
}


def _gate(registry: ToolRegistry, roles: RoleDirectory | None, issuer: CredentialIssuer, read_engine: Any,
          tool: str, args: dict[str, Any]) -> Callable[[], None]:
    verifier = issuer.verifier

    def gate() -> None:
        with Session(read_engine) as s:  # as nodes.executor: fresh roles and validation in one read transaction
            principal = roles.refresh(ALICE, conn=s.connection()) if roles is not None else ALICE
            approver = roles.refresh(BOB, conn=s.connection()) if roles is not None else BOB
            call = registry.validate(s, principal, tool, None, args, idempotency_key="bench-key")
        assert not isinstance(call, ToolError), call
        access = "write" if call.spec.has_effect else "read"
        cred = issuer.mint(tenant=principal.tenant, user=principal.user, run="bench", tools=[call.spec.ref],
                           access=access)
        assert verifier.verify(cred, tenant=principal.tenant, user=principal.user, run="bench",
                               tool_ref=call.spec.ref, access=access) is None
        if call.approval is not None:
            assert can_approve(approver, principal.user, principal.tenant, call.approval)[0]

    return gate


def _no_sql_gate(registry: ToolRegistry, issuer: CredentialIssuer, tool: str,
                 args: dict[str, Any]) -> Callable[[], None]:
    """The same gate minus SQL: schema + RBAC + policy + credential mint/verify + approver check."""
    spec = registry.get(tool)
    assert not isinstance(spec, ToolError)
    verifier = issuer.verifier

    def gate() -> None:
        model = spec.input_model.model_validate(args)
        assert spec.required_roles & set(ALICE.roles)
        req = registry.policy.requirement(spec, model, {"recipient_on_record": True} if spec.facts else None)
        access = "write" if spec.has_effect else "read"
        cred = issuer.mint(tenant="acme", user="alice", run="bench", tools=[spec.ref], access=access)
        assert verifier.verify(cred, tenant="acme", user="alice", run="bench", tool_ref=spec.ref,
                               access=access) is None
        if req is not None:
            assert can_approve(BOB, "alice", "acme", req)[0]

    return gate


def _time(fns: dict[str, Callable[[], None]], rounds: int) -> dict[str, list[float]]:
    samples: dict[str, list[float]] = {k: [] for k in fns}
    names = list(fns)
    for i in range(WARMUP + rounds):
        for name in names[i % len(names):] + names[:i % len(names)]:  # rotate so drift hits all alike
            t0 = time.perf_counter()
            fns[name]()
            dt = (time.perf_counter() - t0) * 1000
            if i >= WARMUP:
                samples[name].append(dt)
    return samples


def _gate_rows() -> list[dict[str, Any]]:
    d = env.data_dir("tools")
    engine = make_engine(env.db_url(d))
    read = make_read_engine(env.db_url(d))
    issuer = CredentialIssuer.generate()
    registry = default_registry(verifier=issuer.verifier)
    roles = RoleDirectory(read, write_engine=engine)
    roles.change("grant", tenant="acme", user="alice", role="support_agent", by="bench")  # a managed user
    try:
        fns = {f"gate {tool}": _gate(registry, roles, issuer, read, tool, args) for tool, args in CALLS.items()}
        fns |= {f"gate {tool} (no SQL)": _no_sql_gate(registry, issuer, tool, args) for tool, args in CALLS.items()}
        samples = _time(fns, ROUNDS)
    finally:
        read.dispose()
        engine.dispose()
    rows = []
    everything: list[float] = []
    for name, xs in samples.items():
        p99 = percentile(xs, 99)
        full = "(no SQL)" not in name
        if full:
            everything += xs
        rows.append(row(SECTION, f"{name} p50", percentile(xs, 50), "ms"))
        rows.append(row(SECTION, f"{name} p99", p99, "ms", target=f"<= {TARGET_P99_MS}" if full else None,
                        met=check(p99, "<=", TARGET_P99_MS) if full else None, n=len(xs)))
    p99_all = percentile(everything, 99)
    rows.append(row(SECTION, "validation+authorisation p99 (all calls)", p99_all, "ms", target=f"<= {TARGET_P99_MS}",
                    met=check(p99_all, "<=", TARGET_P99_MS), n=len(everything),
                    note="role refresh + validate (SQL invariants, facts, policy) + credential mint/verify + approver"))
    return rows


def _audit_rows() -> list[dict[str, Any]]:
    d = env.data_dir("audit")
    engine = make_engine(env.db_url(d))
    log = SqlAuditLog(engine)

    def event(i: int, tenant: str) -> AuditEvent:
        return AuditEvent(tenant=tenant, kind="tool_executed", event_key=f"tool:bench-{tenant}-{i}", actor="alice",
                          thread_id=f"t-{i % 50}", payload={
                              "tool": "send_email", "version": 1, "status": "ok", "idempotency_key": f"{i:064d}",
                              "args": {"to": "ada.lovelace@acme-client.example", "subject": "Your refund",
                                       "body": f"Refund {i} done; call +44 20 7946 0958 if anything is wrong."}})

    try:
        for i in range(100):  # warm-up
            log.record(event(i, "warm"))
        t0 = time.perf_counter()
        for i in range(AUDIT_RECORDS):
            log.record(event(i, "acme" if i % 2 else "globex"))
        single = AUDIT_RECORDS / (time.perf_counter() - t0)
        t0 = time.perf_counter()
        for start in range(0, AUDIT_RECORDS, 100):
            log.record_many([event(10**6 + i, "acme") for i in range(start, start + 100)])
        batched = AUDIT_RECORDS / (time.perf_counter() - t0)
        from governance.audit import verify_chain

        t0 = time.perf_counter()
        reports = verify_chain(engine)
        verify_rate = sum(r.records for r in reports) / (time.perf_counter() - t0)
        assert all(r.ok for r in reports)
    finally:
        engine.dispose()
    return [
        row(SECTION, "audit append, 1 record per transaction", single, "records/s",
            target=f">= {TARGET_AUDIT_PER_S:.0f}", met=check(single, ">=", TARGET_AUDIT_PER_S),
            note="SQLite WAL; redaction + sha256 chain; two tenants interleaved"),
        row(SECTION, "audit append, 100 per transaction", batched, "records/s"),
        row(SECTION, "audit verify", verify_rate, "records/s"),
    ]


def run() -> list[dict[str, Any]]:
    return _gate_rows() + _audit_rows()


if __name__ == "__main__":
    from bench.__main__ import table

    try:
        print(table(run()))
    finally:
        env.cleanup_tmp()
