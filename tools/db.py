"""The business system the tools act on: a typed SQLAlchemy 2.x schema that runs on SQLite and PostgreSQL.

Why these shapes:
- String primary keys (``cus_acme_001``, ``ord_acme_001_1``, ``tkt_acme_001``) so a plan can name a row.
- Every business row carries ``tenant``; every tool query filters on it, so a wrong-tenant id is simply
  ``not_found``.
- Invariants the code checks are *also* constraints in the database (refunded_cents within [0, amount_cents],
  UNIQUE idempotency keys on refunds / outbox / ledger), so even a buggy tool cannot double an effect.
- ``outbox`` is where emails go; nothing leaves the machine.
- ``ledger`` is the side-effect ledger: one row per committed effect, written in the same transaction.

- ``role_grants`` is the role directory (see tools.roles): who still holds which role, with revocations.
- ``audit_log`` (governance.audit) lives here too, append-only; ``create_schema`` installs it with its guards.

SQLite specifics (``make_engine``): WAL, busy_timeout, foreign keys, and SQLAlchemy-controlled BEGIN so a
write transaction can be opened with ``BEGIN IMMEDIATE`` (execution option ``sqlite_begin="IMMEDIATE"``):
a deferred transaction that reads and then writes fails with SQLITE_BUSY under concurrency instead of waiting.

Read tools run on a second engine that cannot write (``open_engines`` -> ``Engines.read``): SQLite opens the
file with ``mode=ro`` (plus ``PRAGMA query_only``); PostgreSQL starts every transaction ``READ ONLY``. A read
tool with a bug, or an injection that reached SQL, can then read at most what the query names — never write.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    Engine,
    ForeignKey,
    Integer,
    String,
    Text,
    create_engine,
    event,
)
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from governance.audit import install_audit_schema

SQLITE_BUSY_TIMEOUT_MS = 5000


class Base(DeclarativeBase):
    """Declarative base for the business schema."""


class Customer(Base):
    __tablename__ = "customers"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    tenant: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), index=True)
    notes: Mapped[str] = mapped_column(Text, default="")  # free text from outsiders: untrusted


class Order(Base):
    __tablename__ = "orders"
    __table_args__ = (
        CheckConstraint("amount_cents > 0", name="ck_orders_amount_positive"),
        CheckConstraint(
            "refunded_cents >= 0 AND refunded_cents <= amount_cents", name="ck_orders_refund_within_amount"
        ),
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    tenant: Mapped[str] = mapped_column(String(64), index=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    amount_cents: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(32))  # paid | partially_refunded | refunded
    refunded_cents: Mapped[int] = mapped_column(Integer, default=0)


class Ticket(Base):
    __tablename__ = "tickets"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    tenant: Mapped[str] = mapped_column(String(64), index=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    subject: Mapped[str] = mapped_column(String(300))  # untrusted
    body: Mapped[str] = mapped_column(Text)  # untrusted
    status: Mapped[str] = mapped_column(String(32))  # open | pending | solved | closed
    notes: Mapped[str] = mapped_column(Text, default="")  # internal notes appended by update_ticket
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Refund(Base):
    __tablename__ = "refunds"
    __table_args__ = (CheckConstraint("amount_cents > 0", name="ck_refunds_amount_positive"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    tenant: Mapped[str] = mapped_column(String(64), index=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"), index=True)
    amount_cents: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(500))
    reason_code: Mapped[str | None] = mapped_column(String(32), nullable=True)  # issue_refund@2 only
    created_by: Mapped[str] = mapped_column(String(128))
    approved_by: Mapped[str | None] = mapped_column(String(128), nullable=True)
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Outbox(Base):
    __tablename__ = "outbox"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    tenant: Mapped[str] = mapped_column(String(64), index=True)
    to: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(128))
    approved_by: Mapped[str | None] = mapped_column(String(128), nullable=True)
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class LedgerEntry(Base):
    """One committed side effect. ``idempotency_key`` UNIQUE is what makes a retried step a no-op."""

    __tablename__ = "ledger"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    tenant: Mapped[str] = mapped_column(String(64), index=True)
    thread_id: Mapped[str] = mapped_column(String(128), index=True)
    step: Mapped[int] = mapped_column(Integer)
    tool: Mapped[str] = mapped_column(String(64))
    tool_version: Mapped[int] = mapped_column(Integer)
    args_hash: Mapped[str] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(128))
    approved_by: Mapped[str | None] = mapped_column(String(128), nullable=True)
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RoleGrant(Base):
    """The role directory: one row per (tenant, user, role) ever granted; ``revoked_at`` set = revoked.

    A user with at least one row here is *managed*: their effective roles are the token's roles that also
    have an unrevoked row (see tools.roles). Rows are never deleted, so the history of who held what stays."""

    __tablename__ = "role_grants"

    tenant: Mapped[str] = mapped_column(String(64), primary_key=True)
    user: Mapped[str] = mapped_column(String(128), primary_key=True)
    role: Mapped[str] = mapped_column(String(32), primary_key=True)
    granted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    granted_by: Mapped[str] = mapped_column(String(128))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    revoked_by: Mapped[str | None] = mapped_column(String(128), nullable=True)


def _install_sqlite_hooks(engine: Engine, busy_timeout_ms: int, *, read_only: bool = False) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take BEGIN away from the sqlite3 driver (its legacy mode skips BEGIN before SELECT) so that
        # transactions are real and we can choose DEFERRED or IMMEDIATE.
        dbapi_connection.isolation_level = None
        cur = dbapi_connection.cursor()
        try:
            if read_only:
                cur.execute("PRAGMA query_only=ON")
            else:
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
            cur.execute("PRAGMA foreign_keys=ON")
        finally:
            cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        if mode not in ("DEFERRED", "IMMEDIATE", "EXCLUSIVE"):
            raise ValueError(f"bad sqlite_begin mode {mode!r}")
        conn.exec_driver_sql(f"BEGIN {mode}")


def make_engine(url: str, *, busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS, **kwargs: Any) -> Engine:
    """Build the engine for ``url``. SQLite gets WAL/busy_timeout/foreign_keys and real transactions;
    ``busy_timeout_ms`` is how long a writer waits for the lock before failing with a retryable error."""
    if url.startswith("sqlite"):
        connect_args = dict(kwargs.pop("connect_args", {}))
        connect_args.setdefault("check_same_thread", False)
        connect_args.setdefault("timeout", busy_timeout_ms / 1000)
        engine = create_engine(url, connect_args=connect_args, **kwargs)
        _install_sqlite_hooks(engine, busy_timeout_ms)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def make_read_engine(url: str, *, busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS, **kwargs: Any) -> Engine:
    """An engine that cannot write: SQLite ``mode=ro`` + ``query_only``; PostgreSQL ``READ ONLY`` transactions.

    The SQLite file must exist (create the schema with the write engine first). An in-memory SQLite database
    is private to its connection, so there is nothing to open read-only: refused rather than faked."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = parsed.database
        if not path or path == ":memory:" or path.startswith("file:"):
            raise ValueError("a read-only engine needs a SQLite *file* URL (sqlite:///path/to/db)")
        ro_url = parsed.set(database=f"file:{path}?mode=ro", query={**parsed.query, "uri": "true"})
        connect_args = dict(kwargs.pop("connect_args", {}))
        connect_args.setdefault("check_same_thread", False)
        connect_args.setdefault("timeout", busy_timeout_ms / 1000)
        engine = create_engine(ro_url, connect_args=connect_args, **kwargs)
        _install_sqlite_hooks(engine, busy_timeout_ms, read_only=True)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    engine = create_engine(url, **kwargs)

    @event.listens_for(engine, "begin")
    def _read_only(conn: Connection) -> None:
        conn.exec_driver_sql("SET TRANSACTION READ ONLY")

    return engine


@dataclass(frozen=True)
class Engines:
    """The business system's two doors: ``write`` for effects (and the ledger/audit), ``read`` for everything
    that only reads. Tools get a session on exactly one of them, chosen by their tier and credential."""

    write: Engine
    read: Engine

    def dispose(self) -> None:
        self.read.dispose()
        self.write.dispose()


def open_engines(url: str, **kwargs: Any) -> Engines:
    return Engines(write=make_engine(url, **kwargs), read=make_read_engine(url, **kwargs))


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def create_schema(engine: Engine, *, runtime_role: str | None = None) -> None:
    """Create every table and the audit trail's append-only guards (idempotent: existing tables stay)."""
    Base.metadata.create_all(engine)
    install_audit_schema(engine, runtime_role=runtime_role)


ALL_TABLES: tuple[type[Base], ...] = (Customer, Order, Ticket, Refund, Outbox, LedgerEntry, RoleGrant)
