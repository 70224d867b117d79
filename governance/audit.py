"""The audit trail: an append-only SQL table in which every record carries the hash of the previous one of its
tenant (one hash chain per tenant), PII redacted before anything is written.

Why a chain per tenant: an auditor of ``acme`` verifies and reads ``acme``'s history without seeing or
depending on ``globex``'s, and two tenants never contend for one chain head.

Record hash (``v1``)::

    sha256( canonical_json(["v1", tenant, seq, event_key, ts, kind, actor, thread_id, payload, prev_hash]) )

``seq`` counts from 1 per tenant and ``prev_hash`` of seq 1 is 64 zeros, so a deleted record (a gap), an edited
one (its hash no longer matches) and a re-ordered one (prev_hash mismatch) are all found by ``verify_chain``.
What a chain alone cannot show is a rewrite of the *whole* tail with fresh hashes, or a cut tail: for that the
heads are published elsewhere — each server process anchors every tenant's head in Redis as it moves
(``api.anchors``), ``warden audit verify`` prints the head to pin anywhere — and ``verify_chain(anchors=...)``
checks the chain against them: an anchored seq that is gone is a cut tail, an anchored seq whose hash differs is a
rewrite.

Append-only in the database itself: SQLite gets ``BEFORE UPDATE/DELETE`` triggers that ``RAISE(ABORT)``;
PostgreSQL a row and a TRUNCATE trigger raising an exception plus ``REVOKE UPDATE, DELETE, TRUNCATE`` from
PUBLIC and from the runtime's role (``install_audit_schema(runtime_role=...)``). SQLite has no roles: anyone with
the file can drop a trigger, and that is exactly what the chain is there to expose.

Re-executed nodes (LangGraph nodes are at-least-once): every event has an ``event_key`` naming *what* happened
(``plan:{thread}/turn-2/replan-0/attempt-1``), unique per tenant. Appending a key that is already there with the
same content (kind, actor, thread, payload — not the time) is a no-op that returns the existing record; with
*different* content (a model re-planned differently after a crash) the event is appended as ``{key}#re{n}`` with
``reexecution_of`` in its payload. Nothing is dropped, nothing is recorded twice for one execution.

Errors are values: ``record`` returns ``AuditReceipt | AuditFailure``; ``record_in`` runs inside a caller's
transaction (an effect and its audit record commit together) and raises so that the caller rolls back.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final, Literal, Protocol, get_args

from sqlalchemy import (
    Column,
    Engine,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    select,
    text,
)
from sqlalchemy.engine import Connection, Row
from sqlalchemy.exc import DBAPIError, IntegrityError

from governance._sql import execute, fetch
from governance.pii import redact

log = logging.getLogger(__name__)

AuditKind = Literal[
    "request", "plan", "validation_failed", "approval_requested", "approval_decided", "tool_executed", "stop",
    "role_changed",
]
AUDIT_KINDS: Final = frozenset(get_args(AuditKind))
GENESIS: Final = "0" * 64
HASH_VERSION: Final = "v1"
MAX_REEXECUTIONS: Final = 1000

metadata = MetaData()
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("tenant", String(64), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("event_key", String(400), nullable=False),
    Column("ts", String(40), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("actor", String(128), nullable=False),
    Column("thread_id", String(160), nullable=True),
    Column("payload", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    UniqueConstraint("tenant", "seq", name="uq_audit_tenant_seq"),
    UniqueConstraint("tenant", "event_key", name="uq_audit_tenant_event"),
    Index("ix_audit_tenant_kind", "tenant", "kind"),
)


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False,
                      default=str)


def record_hash(*, tenant: str, seq: int, event_key: str, ts: str, kind: str, actor: str,
                thread_id: str | None, payload: str, prev_hash: str) -> str:
    body = [HASH_VERSION, tenant, seq, event_key, ts, kind, actor, thread_id, payload, prev_hash]
    return hashlib.sha256(canonical_json(body).encode()).hexdigest()


@dataclass(frozen=True)
class AuditEvent:
    """Something that happened, before it is redacted and chained. ``payload`` is any JSON-shaped mapping."""

    tenant: str
    kind: AuditKind
    event_key: str
    actor: str
    thread_id: str | None = None
    payload: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AuditRecord:
    """One stored record, as read back."""

    id: int
    tenant: str
    seq: int
    event_key: str
    ts: str
    kind: str
    actor: str
    thread_id: str | None
    payload: str
    prev_hash: str
    hash: str

    @classmethod
    def of(cls, row: Row[Any]) -> AuditRecord:
        m = row._mapping
        return cls(**{c.name: m[c.name] for c in audit_log.columns})

    def expected_hash(self) -> str:
        return record_hash(tenant=self.tenant, seq=self.seq, event_key=self.event_key, ts=self.ts, kind=self.kind,
                           actor=self.actor, thread_id=self.thread_id, payload=self.payload,
                           prev_hash=self.prev_hash)

    def public(self) -> dict[str, Any]:
        try:
            payload: Any = json.loads(self.payload)
        except ValueError:
            payload = self.payload
        return {"seq": self.seq, "ts": self.ts, "kind": self.kind, "actor": self.actor, "thread_id": self.thread_id,
                "event_key": self.event_key, "payload": payload, "prev_hash": self.prev_hash, "hash": self.hash}


@dataclass(frozen=True)
class AuditReceipt:
    tenant: str
    seq: int
    hash: str
    event_key: str
    deduplicated: bool = False  # the same event was already recorded (a node re-executed identically)


@dataclass(frozen=True)
class AuditFailure:
    message: str
    retryable: bool = True


class AuditSink(Protocol):
    """Where nodes and tools send audit events. ``record`` never raises; ``record_in`` joins a transaction."""

    def record(self, event: AuditEvent) -> AuditReceipt | AuditFailure: ...

    def record_in(self, conn: Connection, event: AuditEvent) -> AuditReceipt: ...


# Hot path (every node writes records): plain parameterised SQL built once, no per-call expression building.
_HEAD: Final = "SELECT seq, hash FROM audit_log WHERE tenant = :tenant ORDER BY seq DESC LIMIT 1"
_BY_KEY: Final = ("SELECT tenant, seq, event_key, hash, kind, actor, thread_id, payload FROM audit_log "
                  "WHERE tenant = :tenant AND event_key = :key")
_INSERT: Final = (
    "INSERT INTO audit_log (tenant, seq, event_key, ts, kind, actor, thread_id, payload, prev_hash, hash) "
    "VALUES (:tenant, :seq, :event_key, :ts, :kind, :actor, :thread_id, :payload, :prev_hash, :hash) "
    "ON CONFLICT (tenant, event_key) DO NOTHING")
_Found = tuple[Any, ...]  # a _BY_KEY row: tenant, seq, event_key, hash, kind, actor, thread_id, payload


def _same_content(row: _Found, kind: str, actor: str, thread_id: str | None, payload: str) -> bool:
    return tuple(row[4:8]) == (kind, actor, thread_id, payload)


def _lock_tenant(conn: Connection, tenant: str) -> None:
    """Serialise appends per tenant. SQLite: the caller's BEGIN IMMEDIATE already holds the write lock.
    PostgreSQL: a transaction-scoped advisory lock keyed by the tenant. Elsewhere the UNIQUE (tenant, seq)
    constraint turns a lost race into an IntegrityError that ``record`` retries."""
    if conn.dialect.name == "postgresql":
        key = int.from_bytes(hashlib.sha256(f"warden-audit:{tenant}".encode()).digest()[:8], "big", signed=True)
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})


class SqlAuditLog:
    """The audit trail in the business database (see the module docstring)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._write = engine.execution_options(sqlite_begin="IMMEDIATE")

    # --- appending ---------------------------------------------------------------------------------------------
    def record(self, event: AuditEvent) -> AuditReceipt | AuditFailure:
        for attempt in range(3):
            try:
                with self._write.begin() as conn:
                    return self.record_in(conn, event)
            except IntegrityError:
                if attempt == 2:
                    log.error("audit append for %s lost the chain race 3 times", event.event_key)
                    return AuditFailure("audit chain contention; not recorded")
            except DBAPIError as exc:
                log.error("audit append for %s failed: %s", event.event_key, exc.orig)
                return AuditFailure("audit store unavailable")
        return AuditFailure("audit append failed")  # pragma: no cover - loop always returns

    def record_many(self, events: Sequence[AuditEvent]) -> list[AuditReceipt]:
        """Append several events in one transaction (all or nothing)."""
        with self._write.begin() as conn:
            return [self.record_in(conn, e) for e in events]

    def record_in(self, conn: Connection, event: AuditEvent) -> AuditReceipt:
        if event.kind not in AUDIT_KINDS:
            raise ValueError(f"unknown audit kind {event.kind!r}")
        _lock_tenant(conn, event.tenant)
        payload_obj = dict(redact(dict(event.payload)))
        payload = canonical_json(payload_obj)
        actor = str(redact(event.actor, key="actor"))[:128]
        key = event.event_key[:380]
        head = fetch(conn, _HEAD, {"tenant": event.tenant})
        seq, prev = (head[0][0] + 1, head[0][1]) if head else (1, GENESIS)
        fields = {"tenant": event.tenant, "seq": seq, "kind": event.kind, "actor": actor,
                  "thread_id": event.thread_id, "prev_hash": prev}
        # Common case in one statement: a new key is inserted; a key already there is left alone (no row).
        receipt = self._insert(conn, fields, key, payload)
        if receipt is not None:
            return receipt
        existing = self._by_key(conn, event.tenant, key)
        if existing is None:  # pragma: no cover - the conflicting row is visible in our own transaction
            raise IntegrityError("audit insert conflicted but no row was found", None, ValueError())
        if _same_content(existing, event.kind, actor, event.thread_id, payload):
            return self._receipt(existing, deduplicated=True)
        candidate = canonical_json(payload_obj | {"reexecution_of": existing[1]})
        for n in range(1, MAX_REEXECUTIONS + 1):
            again = self._by_key(conn, event.tenant, f"{key}#re{n}")
            if again is None:
                receipt = self._insert(conn, fields, f"{key}#re{n}", candidate)
                assert receipt is not None
                return receipt
            if _same_content(again, event.kind, actor, event.thread_id, candidate):
                return self._receipt(again, deduplicated=True)
        raise ValueError(f"event {key} re-executed more than {MAX_REEXECUTIONS} times")

    @staticmethod
    def _insert(conn: Connection, fields: dict[str, Any], key: str, payload: str) -> AuditReceipt | None:
        ts = datetime.now(UTC).isoformat(timespec="microseconds")
        digest = record_hash(tenant=fields["tenant"], seq=fields["seq"], event_key=key, ts=ts, kind=fields["kind"],
                             actor=fields["actor"], thread_id=fields["thread_id"], payload=payload,
                             prev_hash=fields["prev_hash"])
        if execute(conn, _INSERT, {**fields, "event_key": key, "ts": ts, "payload": payload, "hash": digest}) != 1:
            return None
        return AuditReceipt(tenant=fields["tenant"], seq=fields["seq"], hash=digest, event_key=key)

    @staticmethod
    def _by_key(conn: Connection, tenant: str, key: str) -> _Found | None:
        rows = fetch(conn, _BY_KEY, {"tenant": tenant, "key": key})
        return rows[0] if rows else None

    @staticmethod
    def _receipt(row: _Found, *, deduplicated: bool) -> AuditReceipt:
        return AuditReceipt(tenant=row[0], seq=row[1], hash=row[3], event_key=row[2], deduplicated=deduplicated)

    # --- reading -----------------------------------------------------------------------------------------------
    def read(self, tenant: str, *, after_seq: int = 0, limit: int = 100, kind: str | None = None,
             thread_id: str | None = None) -> list[AuditRecord]:
        """One page of a tenant's records in chain order, strictly after ``after_seq``."""
        q = select(audit_log).where(audit_log.c.tenant == tenant, audit_log.c.seq > after_seq)
        if kind is not None:
            q = q.where(audit_log.c.kind == kind)
        if thread_id is not None:
            q = q.where(audit_log.c.thread_id == thread_id)
        with self.engine.connect() as conn:
            return [AuditRecord.of(r) for r in conn.execute(q.order_by(audit_log.c.seq).limit(limit))]

    def head(self, tenant: str) -> tuple[int, str]:
        """(seq, hash) of the tenant's newest record; (0, GENESIS) when there is none."""
        with self.engine.connect() as conn:
            row = conn.execute(select(audit_log.c.seq, audit_log.c.hash).where(audit_log.c.tenant == tenant)
                               .order_by(audit_log.c.seq.desc()).limit(1)).first()
        return (row[0], row[1]) if row else (0, GENESIS)


# --- verification ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class BrokenLink:
    id: int
    seq: int
    event_key: str
    reason: str


@dataclass(frozen=True)
class ChainReport:
    tenant: str
    records: int
    head_seq: int
    head_hash: str
    broken: BrokenLink | None = None

    @property
    def ok(self) -> bool:
        return self.broken is None


def _rows(engine: Engine, tenant: str | None) -> Iterator[AuditRecord]:
    q = select(audit_log)
    if tenant is not None:
        q = q.where(audit_log.c.tenant == tenant)
    with engine.connect() as conn:
        for row in conn.execution_options(yield_per=1000).execute(
                q.order_by(audit_log.c.tenant, audit_log.c.seq, audit_log.c.id)):
            yield AuditRecord.of(row)


Anchor = tuple[int, str]  # (seq, hash) of a head published outside the database


def heads(engine: Engine) -> dict[str, Anchor]:
    """Every tenant's head (seq, hash): what gets published as anchors."""
    latest = (select(audit_log.c.tenant, func.max(audit_log.c.seq).label("seq"))
              .group_by(audit_log.c.tenant).subquery())
    q = select(audit_log.c.tenant, audit_log.c.seq, audit_log.c.hash).join(
        latest, (audit_log.c.tenant == latest.c.tenant) & (audit_log.c.seq == latest.c.seq))
    with engine.connect() as conn:
        return {t: (seq, digest) for t, seq, digest in conn.execute(q)}


def parse_anchor(text_: str) -> Anchor:
    """``SEQ:HASH`` (as ``warden audit verify`` prints a head) -> (seq, hash); ValueError when malformed."""
    seq, sep, digest = text_.strip().partition(":")
    if not sep or not seq.isdigit() or int(seq) < 1 or len(digest) != 64 or any(
            c not in "0123456789abcdef" for c in digest):
        raise ValueError(f"an anchor is SEQ:HASH with a 64-hex sha256, got {text_[:80]!r}")
    return int(seq), digest


def _anchor_break(anchors: Sequence[Anchor], seq: int, digest: str, event_key: str, id_: int) -> BrokenLink | None:
    for anchored_seq, anchored in anchors:
        if anchored_seq == seq and anchored != digest:
            return BrokenLink(id_, seq, event_key, f"hash differs from the head published at seq {seq} "
                                                   f"({anchored[:12]}…): chain rewritten")
    return None


def verify_chain(engine: Engine, tenant: str | None = None,
                 anchors: Mapping[str, Sequence[Anchor]] | None = None) -> list[ChainReport]:
    """Recompute every chain (or one tenant's) and name the first broken record of each; with ``anchors``
    (published heads per tenant), also a cut tail (an anchored seq is gone) or a rewritten one (its hash
    differs). A tenant with anchors but no records at all is reported too."""
    reports: list[ChainReport] = []
    current: str | None = None
    count, prev_hash, expected_seq, broken = 0, GENESIS, 1, None
    anchors = anchors or {}
    pinned: Sequence[Anchor] = ()

    def close() -> None:
        if current is not None:
            cut = broken
            top = max((a for a in pinned), default=None)
            if cut is None and top is not None and top[0] > expected_seq - 1:
                cut = BrokenLink(0, top[0], "", f"the head published at seq {top[0]} is gone: the chain ends at "
                                                f"seq {expected_seq - 1} (records cut off)")
            reports.append(ChainReport(current, count, expected_seq - 1, prev_hash, cut))

    for rec in _rows(engine, tenant):
        if rec.tenant != current:
            close()
            current, count, prev_hash, expected_seq, broken = rec.tenant, 0, GENESIS, 1, None
            pinned = anchors.get(rec.tenant, ())
        count += 1
        if broken is None:
            reason = None
            if rec.seq != expected_seq:
                reason = (f"sequence gap: expected seq {expected_seq}, found {rec.seq} (records deleted or "
                          f"inserted)") if rec.seq > expected_seq else f"duplicate or re-ordered seq {rec.seq}"
            elif rec.prev_hash != prev_hash:
                reason = "prev_hash does not match the previous record's hash (chain re-linked)"
            elif rec.expected_hash() != rec.hash:
                reason = "content does not match its hash (record edited)"
            if reason is not None:
                broken = BrokenLink(rec.id, rec.seq, rec.event_key, reason)
            elif pinned:
                broken = _anchor_break(pinned, rec.seq, rec.hash, rec.event_key, rec.id)
        prev_hash, expected_seq = rec.hash, rec.seq + 1
    close()
    seen = {r.tenant for r in reports}
    for empty in sorted(({tenant} if tenant is not None else set(anchors)) - seen):
        current, count, prev_hash, expected_seq, broken = empty, 0, GENESIS, 1, None
        pinned = anchors.get(empty, ())
        close()
    return reports


# --- schema ----------------------------------------------------------------------------------------------------
_SQLITE_TRIGGERS: Final = (
    ("CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"),
    ("CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"),
)
_PG_DDL: Final = (
    ("CREATE OR REPLACE FUNCTION warden_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$"),
    ("CREATE OR REPLACE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION warden_audit_append_only()"),
    ("CREATE OR REPLACE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
    "FOR EACH STATEMENT EXECUTE FUNCTION warden_audit_append_only()"),
    "REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM PUBLIC",
)


def install_audit_schema(engine: Engine, *, runtime_role: str | None = None) -> None:
    """Create the table and its append-only guards (idempotent). ``runtime_role`` (PostgreSQL): the role the
    runtime connects as; it may SELECT and INSERT, never UPDATE, DELETE or TRUNCATE."""
    metadata.create_all(engine)
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            for ddl in _SQLITE_TRIGGERS:
                conn.exec_driver_sql(ddl)
        elif engine.dialect.name == "postgresql":
            for ddl in _PG_DDL:
                conn.exec_driver_sql(ddl)
            if runtime_role:
                role = conn.dialect.identifier_preparer.quote(runtime_role)
                conn.exec_driver_sql(f"REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM {role}")
                conn.exec_driver_sql(f"GRANT SELECT, INSERT ON audit_log TO {role}")
                conn.exec_driver_sql(f"GRANT USAGE ON SEQUENCE audit_log_id_seq TO {role}")
        else:
            log.warning("audit_log on %s has no append-only guard; only the hash chain protects it",
                        engine.dialect.name)
