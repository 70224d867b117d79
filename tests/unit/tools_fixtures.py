"""Fixtures for the tools tests: a real seeded SQLite file per test, principals, and small helpers.

Imported explicitly by the test_tools_* modules (conftest.py belongs to another package).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from governance.auth import Principal
from tools.credentials import CredentialIssuer
from tools.db import ALL_TABLES, Engines, create_schema, make_engine, make_read_engine
from tools.errors import ToolError
from tools.ledger import idempotency_key
from tools.registry import ToolRegistry, default_registry
from tools.seed import seed
from tools.spec import ToolOutcome, ValidatedCall

AGENT = Principal("acme", "alice", ("support_agent",))
LEAD = Principal("acme", "lena", ("support_lead",))
FINANCE = Principal("acme", "fred", ("finance",))
ADMIN = Principal("acme", "ann", ("admin",))
AUDITOR = Principal("acme", "audrey", ("auditor",))
GLOBEX_AGENT = Principal("globex", "gary", ("support_agent",))
GLOBEX_FINANCE = Principal("globex", "gina", ("finance",))
KNOWN = {p.user: p for p in (AGENT, LEAD, FINANCE, ADMIN, AUDITOR)}

# The runtime's side of the credential pair; the ``registry`` fixture holds its verifier.
ISSUER = CredentialIssuer.generate()


def fresh_engine(path: Path, **kwargs: Any) -> Engine:
    engine = make_engine(f"sqlite:///{path}", **kwargs)
    create_schema(engine)
    seed(engine)
    return engine


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    eng = fresh_engine(tmp_path / "warden.db")
    yield eng
    eng.dispose()


@pytest.fixture
def registry() -> ToolRegistry:
    return default_registry(verifier=ISSUER.verifier)


def engines_for(engine: Engine) -> Engines:
    """The write engine and a read-only engine on the same file (what the runtime hands the registry)."""
    return Engines(write=engine, read=make_read_engine(engine.url.render_as_string(hide_password=False)))


def approver(name: str | None, tenant: str = "acme") -> Principal | None:
    """A fixture principal by user name; an unknown name is an admin of ``tenant`` (a generic approver)."""
    if name is None:
        return None
    return KNOWN.get(name) or Principal(tenant, name, ("admin",))


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine) as s:
        yield s


def validated(
    registry: ToolRegistry,
    engine: Engine,
    principal: Principal,
    name: str,
    args: dict[str, Any],
    version: int | None = None,
) -> ValidatedCall:
    with Session(engine) as s:
        call = registry.validate(s, principal, name, version, args)
    assert isinstance(call, ValidatedCall), call
    return call


def validate(
    registry: ToolRegistry,
    engine: Engine,
    principal: Principal,
    name: str,
    args: dict[str, Any],
    version: int | None = None,
) -> ValidatedCall | ToolError:
    with Session(engine) as s:
        return registry.validate(s, principal, name, version, args)


def run(
    registry: ToolRegistry,
    engine: Engine,
    call: ValidatedCall,
    *,
    thread: str = "thread-1",
    step: int = 1,
    approved_by: str | None = None,
    key: str | None = None,
) -> ToolOutcome:
    key = key or idempotency_key(thread, step, call.name, call.version, call.args_dict)
    credential = ISSUER.mint(tenant=call.principal.tenant, user=call.principal.user, run=thread,
                             tools=[call.spec.ref], access="write" if call.spec.has_effect else "read")
    engines = engines_for(engine)
    try:
        return registry.execute(
            engines,
            call,
            principal=call.principal,
            credential=credential,
            idempotency_key=key,
            thread_id=thread,
            step=step,
            approver=approver(approved_by, call.principal.tenant),
        )
    finally:
        engines.read.dispose()


def count(engine: Engine, model: type[Any], *where: Any) -> int:
    with Session(engine) as s:
        return s.scalar(select(func.count()).select_from(model).where(*where)) or 0


def dump(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, ordered by primary key: equal dumps mean equal databases."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with Session(engine) as s:
        for model in ALL_TABLES:
            cols = list(model.__table__.columns)
            rows = s.execute(select(*cols).order_by(*model.__table__.primary_key.columns)).all()
            out[model.__tablename__] = [tuple(r) for r in rows]
    return out
