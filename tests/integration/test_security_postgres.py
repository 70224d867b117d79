"""Issue 5 on a real PostgreSQL: the audit trail's trigger and REVOKE for a non-owner runtime role, the read-only
engine, the raw bound reads (pyformat parameters), the role directory and an effect with its in-transaction audit
record.

The server is ``WARDEN_TEST_POSTGRES_URL`` (a superuser URL, ``postgresql+psycopg://postgres@host:port/postgres``)
or else the project's own throwaway cluster (``devstack.postgres``: the machine's PostgreSQL binaries, started
on 127.0.0.1:6391 as ``warden services up --postgres`` does). The module is skipped, saying why, only on a
machine with neither. It creates the database ``warden_sec_test`` and the role ``warden_sec_rt``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from governance.audit import AuditEvent, AuditReceipt, SqlAuditLog, verify_chain
from governance.auth import Principal
from graph.settings import Settings
from tools.credentials import CredentialIssuer
from tools.db import Engines, create_schema, make_engine, make_read_engine
from tools.registry import default_registry
from tools.roles import RoleDirectory
from tools.seed import seed
from tools.spec import ValidatedCall

pytestmark = pytest.mark.integration
DB, ROLE = "warden_sec_test", "warden_sec_rt"
ALICE = Principal("acme", "alice", ("support_agent",))
BOB = Principal("acme", "bob", ("support_lead",))


@pytest.fixture(scope="module")
def admin_url() -> str:
    url = os.environ.get("WARDEN_TEST_POSTGRES_URL")
    if url:
        return url
    from devstack import DevstackError
    from devstack.postgres import ensure_postgres, find_bin

    if find_bin() is None:
        pytest.skip("no PostgreSQL here: install Debian's postgresql, set WARDEN_PG_BIN or WARDEN_TEST_POSTGRES_URL")
    try:
        return ensure_postgres(Settings().data_dir)
    except DevstackError as exc:
        pytest.fail(f"the local PostgreSQL did not start: {exc}")


@pytest.fixture(scope="module")
def pg(admin_url: str) -> Iterator[tuple[Engine, Engine, Engine]]:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.exec_driver_sql(f"DROP DATABASE IF EXISTS {DB}")
        c.exec_driver_sql(f"DROP ROLE IF EXISTS {ROLE}")
        c.exec_driver_sql(f"CREATE DATABASE {DB}")
        c.exec_driver_sql(f"CREATE ROLE {ROLE} LOGIN")
    base = make_url(admin_url).set(database=DB)
    owner = make_engine(base.render_as_string(hide_password=False))
    create_schema(owner, runtime_role=ROLE)
    seed(owner)
    with owner.begin() as c:  # what a deployment grants its runtime role on the business tables
        c.exec_driver_sql(f"GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO {ROLE}")
        c.exec_driver_sql(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {ROLE}")
        c.exec_driver_sql(f"REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM {ROLE}")
    rt_url = base.set(username=ROLE, password=None).render_as_string(hide_password=False)
    runtime, read = make_engine(rt_url), make_read_engine(rt_url)
    yield owner, runtime, read
    for e in (runtime, read, owner):
        e.dispose()
    with admin.connect() as c:
        c.exec_driver_sql(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        c.exec_driver_sql(f"DROP ROLE IF EXISTS {ROLE}")
    admin.dispose()


def test_audit_is_append_only_for_the_runtime_role_and_tampering_is_found(pg: tuple[Engine, Engine, Engine]) -> None:
    owner, runtime, _ = pg
    log = SqlAuditLog(runtime)
    first = log.record(AuditEvent(tenant="acme", kind="plan", event_key="k1", actor="alice", payload={"a": "100%"}))
    again = log.record(AuditEvent(tenant="acme", kind="plan", event_key="k1", actor="alice", payload={"a": "100%"}))
    changed = log.record(AuditEvent(tenant="acme", kind="plan", event_key="k1", actor="alice", payload={"a": "x"}))
    assert isinstance(first, AuditReceipt) and isinstance(again, AuditReceipt) and again.deduplicated
    assert isinstance(changed, AuditReceipt) and changed.event_key == "k1#re1"
    for sql in ("UPDATE audit_log SET actor = 'm'", "DELETE FROM audit_log", "TRUNCATE audit_log"):
        with pytest.raises(DBAPIError, match="permission denied"), runtime.begin() as c:
            c.exec_driver_sql(sql)
    with pytest.raises(DBAPIError, match="append-only"), owner.begin() as c:  # the owner hits the trigger
        c.exec_driver_sql("UPDATE audit_log SET actor = 'm'")
    assert all(r.ok for r in verify_chain(runtime, "acme"))
    with owner.begin() as c:
        c.exec_driver_sql("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change")
        c.exec_driver_sql("UPDATE audit_log SET payload = '{\"a\":\"forged\"}' WHERE tenant = 'acme' AND seq = 1")
        c.exec_driver_sql("ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_change")
    [report] = verify_chain(runtime, "acme")
    assert report.broken is not None and report.broken.seq == 1 and "edited" in report.broken.reason


def test_reads_cannot_write_and_the_wall_works_on_postgres(pg: tuple[Engine, Engine, Engine]) -> None:
    _, runtime, read = pg
    with pytest.raises(DBAPIError, match="read-only transaction"), read.begin() as c:
        c.exec_driver_sql("UPDATE customers SET notes = 'x'")
    roles = RoleDirectory(read, write_engine=runtime, audit=SqlAuditLog(runtime))
    roles.change("revoke", tenant="acme", user="carl", role="support_agent", by="ann")
    assert roles.refresh(Principal("acme", "carl", ("support_agent",))).roles == ()
    issuer = CredentialIssuer.generate()
    registry = default_registry(verifier=issuer.verifier)
    args = {"order_id": "ord_acme_001_1", "amount_cents": 100, "reason": "r"}
    with Session(read) as s:
        assert roles.refresh(ALICE, conn=s.connection()) == ALICE
        call = registry.validate(s, ALICE, "issue_refund", None, args, idempotency_key="pg-k")
        foreign = registry.validate(s, ALICE, "issue_refund", None, {**args, "order_id": "ord_globex_003_1"})
        email = registry.validate(s, ALICE, "send_email", None, {"to": "x@evil.example", "subject": "s", "body": "b"})
    assert isinstance(call, ValidatedCall) and isinstance(email, ValidatedCall)
    assert not isinstance(foreign, ValidatedCall) and foreign.error == "not_found"
    assert email.facts == {"recipient_on_record": False}
    cred = issuer.mint(tenant="acme", user="alice", run="t", tools=["issue_refund@2"], access="write")
    out = registry.execute(Engines(write=runtime, read=read), call, principal=ALICE, credential=cred,
                           idempotency_key="pg-k", thread_id="t", step=0, approver=BOB, audit=SqlAuditLog(runtime))
    assert out.ok and out.output is not None and out.output["amount_cents"] == 100
    [rec] = SqlAuditLog(runtime).read("acme", kind="tool_executed")
    assert '"idempotency_key":"pg-k"' in rec.payload
