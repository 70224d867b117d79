# ruff: noqa: F811  (pytest fixtures are imported from tools_fixtures; parameters re-bind them)
"""Issue 5, the audit trail: append-only in SQL, a hash chain per tenant that names the first tampered record,
PII redacted, node re-execution neither doubled nor lost, and an effect never without its record."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from governance.audit import GENESIS, AuditEvent, AuditReceipt, SqlAuditLog, verify_chain
from tests.unit.tools_fixtures import (  # noqa: F401
    AGENT,
    ISSUER,
    LEAD,
    count,
    engine,
    engines_for,
    registry,
    validated,
)
from tools.db import LedgerEntry, Refund
from tools.registry import ToolRegistry


def _event(i: int, tenant: str = "acme", **payload: object) -> AuditEvent:
    return AuditEvent(tenant=tenant, kind="plan", event_key=f"plan:t/turn-1/{i}", actor="alice", thread_id="t",
                      payload={"i": i, **payload})


def _fill(log: SqlAuditLog, n: int, tenant: str = "acme") -> list[AuditReceipt]:
    out = [log.record(_event(i, tenant)) for i in range(1, n + 1)]
    assert all(isinstance(r, AuditReceipt) for r in out)
    return out  # type: ignore[return-value]


def _raw(engine: Engine, sql: str) -> None:
    with engine.begin() as conn:
        conn.exec_driver_sql(sql)


def test_records_form_one_chain_per_tenant(engine: Engine) -> None:
    log = SqlAuditLog(engine)
    a = _fill(log, 3)
    g = _fill(log, 2, "globex")
    assert [r.seq for r in a] == [1, 2, 3] and [r.seq for r in g] == [1, 2]
    records = log.read("acme")
    assert records[0].prev_hash == GENESIS and records[1].prev_hash == records[0].hash
    assert all(r.expected_hash() == r.hash for r in records)
    reports = {r.tenant: r for r in verify_chain(engine)}
    assert reports["acme"].ok and reports["acme"].records == 3 and reports["acme"].head_hash == a[-1].hash
    assert reports["globex"].ok and log.head("globex") == (2, g[-1].hash)


def test_the_runtime_cannot_update_or_delete_records(engine: Engine) -> None:
    _fill(SqlAuditLog(engine), 2)
    for sql in ("UPDATE audit_log SET actor = 'mallory'", "DELETE FROM audit_log WHERE seq = 2"):
        with pytest.raises(DBAPIError, match="append-only"):
            _raw(engine, sql)
    assert verify_chain(engine, "acme")[0].ok


def test_an_update_with_the_trigger_dropped_is_named_by_verify(engine: Engine) -> None:
    _fill(SqlAuditLog(engine), 5)
    _fill(SqlAuditLog(engine), 2, "globex")
    _raw(engine, "DROP TRIGGER audit_log_no_update")
    _raw(engine, "UPDATE audit_log SET payload = '{\"i\":99}' WHERE tenant = 'acme' AND seq = 3")
    reports = {r.tenant: r for r in verify_chain(engine)}
    broken = reports["acme"].broken
    assert broken is not None and broken.seq == 3 and "edited" in broken.reason
    assert reports["globex"].ok  # another tenant's chain is unaffected


def test_a_deleted_record_and_a_relinked_chain_are_found(engine: Engine) -> None:
    _fill(SqlAuditLog(engine), 5)
    _raw(engine, "DROP TRIGGER audit_log_no_delete")
    _raw(engine, "DELETE FROM audit_log WHERE seq = 2")
    [report] = verify_chain(engine, "acme")
    assert report.broken is not None and report.broken.seq == 3 and "gap" in report.broken.reason


def test_a_recomputed_hash_still_breaks_the_next_link(engine: Engine) -> None:
    log = SqlAuditLog(engine)
    _fill(log, 4)
    _raw(engine, "DROP TRIGGER audit_log_no_update")
    rec = log.read("acme")[1]
    forged = '{"i":42}'
    from governance.audit import record_hash

    new_hash = record_hash(tenant=rec.tenant, seq=rec.seq, event_key=rec.event_key, ts=rec.ts, kind=rec.kind,
                           actor=rec.actor, thread_id=rec.thread_id, payload=forged, prev_hash=rec.prev_hash)
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET payload = :p, hash = :h WHERE id = :i"),
                     {"p": forged, "h": new_hash, "i": rec.id})
    [report] = verify_chain(engine, "acme")
    assert report.broken is not None and report.broken.seq == 3 and "prev_hash" in report.broken.reason


def test_a_direct_file_edit_is_detected(tmp_path: Path) -> None:
    from tests.unit.tools_fixtures import fresh_engine

    db = tmp_path / "edit.db"
    eng = fresh_engine(db)
    log = SqlAuditLog(eng)
    log.record(_event(1, marker="amount 1500 cents"))
    log.record(_event(2))
    with eng.begin() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    eng.dispose()
    raw = db.read_bytes()
    assert raw.count(b"amount 1500 cents") == 1
    db.write_bytes(raw.replace(b"amount 1500 cents", b"amount 9500 cents"))
    eng = fresh_engine(db)
    [report] = verify_chain(eng, "acme")
    eng.dispose()
    assert report.broken is not None and report.broken.seq == 1 and "edited" in report.broken.reason


def test_same_event_twice_is_one_record_a_different_reexecution_is_recorded(engine: Engine) -> None:
    log = SqlAuditLog(engine)
    first = log.record(_event(1))
    again = log.record(_event(1))
    assert isinstance(first, AuditReceipt) and isinstance(again, AuditReceipt)
    assert again.deduplicated and again.seq == first.seq
    changed = log.record(_event(1, replanned=True))
    assert isinstance(changed, AuditReceipt) and not changed.deduplicated
    assert changed.event_key == "plan:t/turn-1/1#re1" and changed.seq == 2
    assert log.record(_event(1, replanned=True)) == AuditReceipt("acme", 2, changed.hash, changed.event_key, True)
    [_, re] = log.read("acme")
    assert json.loads(re.payload)["reexecution_of"] == 1
    assert verify_chain(engine, "acme")[0].ok


def test_payloads_and_actors_are_redacted_before_hashing(engine: Engine) -> None:
    log = SqlAuditLog(engine)
    log.record(AuditEvent(tenant="acme", kind="tool_executed", event_key="tool:k", actor="alice",
                          payload={"args": {"to": "ada.lovelace@acme-client.example",
                                            "body": "card 4111 1111 1111 1111, call +44 20 7946 0958"}}))
    [rec] = log.read("acme")
    assert "ada.lovelace" not in rec.payload and "4111 1111" not in rec.payload and "7946" not in rec.payload
    assert "[email:…@acme-client.example]" in rec.payload and "[card:…1111]" in rec.payload
    assert rec.expected_hash() == rec.hash


def test_unknown_kinds_are_refused(engine: Engine) -> None:
    bad = AuditEvent(tenant="acme", kind="gossip", event_key="x", actor="a")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown audit kind"), engine.begin() as conn:
        SqlAuditLog(engine).record_in(conn, bad)


class _BrokenSink:
    def record(self, event: AuditEvent) -> AuditReceipt:
        raise AssertionError("not used")

    def record_in(self, conn: Connection, event: AuditEvent) -> AuditReceipt:
        raise ValueError("audit store refused")


def test_an_effect_commits_with_its_audit_record_or_not_at_all(registry: ToolRegistry, engine: Engine) -> None:
    call = validated(registry, engine, AGENT, "issue_refund",
                     {"order_id": "ord_acme_001_1", "amount_cents": 100, "reason": "r"})
    engines = engines_for(engine)
    cred = ISSUER.mint(tenant="acme", user="alice", run="t", tools=["issue_refund@2"], access="write")

    def execute(audit: object, key: str) -> bool:
        return registry.execute(engines, call, principal=AGENT, credential=cred, idempotency_key=key,
                                thread_id="t", step=0, approver=LEAD, audit=audit).ok  # type: ignore[arg-type]

    assert not execute(_BrokenSink(), "k1")
    assert count(engine, Refund) == 0 and count(engine, LedgerEntry) == 0
    log = SqlAuditLog(engine)
    assert execute(log, "k2")
    [rec] = log.read("acme", kind="tool_executed")
    payload = json.loads(rec.payload)
    assert (payload["tool"], payload["version"], payload["status"], payload["idempotency_key"],
            payload["approved_by"]) == ("issue_refund", 2, "ok", "k2", "lena")
    assert count(engine, Refund) == 1
    engines.read.dispose()


@pytest.fixture()
def cli_engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Engine:
    """A fresh audit database that ``warden`` (cli.main) uses through WARDEN_DATABASE_URL."""
    from tests.unit.tools_fixtures import fresh_engine

    db = tmp_path / "cli.db"
    monkeypatch.setenv("WARDEN_DATABASE_URL", f"sqlite:///{db}")
    return fresh_engine(db)


def test_warden_audit_verify_names_the_first_broken_record(cli_engine: Engine,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    from cli import main

    eng = cli_engine
    _fill(SqlAuditLog(eng), 4)
    _fill(SqlAuditLog(eng), 1, "globex")
    assert main(["audit", "verify"]) == 0
    out = capsys.readouterr().out
    assert "acme: ok, 4 records" in out and "globex: ok, 1 records" in out
    _raw(eng, "DROP TRIGGER audit_log_no_update")
    _raw(eng, "UPDATE audit_log SET actor = 'mallory' WHERE tenant = 'acme' AND seq = 2")
    eng.dispose()
    assert main(["audit", "verify", "--tenant", "acme"]) == 1
    out = capsys.readouterr().out
    assert "acme: BROKEN at seq 2" in out and "plan:t/turn-1/2" in out and "edited" in out
    assert main(["audit", "verify", "--tenant", "globex"]) == 0
    assert "globex: ok" in capsys.readouterr().out


def test_a_cut_tail_and_a_rewritten_tail_are_found_against_published_heads(engine: Engine) -> None:
    """What the chain alone cannot show: the last records deleted, or the tail rewritten with fresh hashes."""
    from governance.audit import heads, record_hash

    log = SqlAuditLog(engine)
    _fill(log, 5)
    _fill(log, 2, "globex")
    published = heads(engine)
    assert published["acme"][0] == 5 and published["globex"][0] == 2
    anchors = {t: [h] for t, h in published.items()}
    assert all(r.ok for r in verify_chain(engine, anchors=anchors))
    _raw(engine, "DROP TRIGGER audit_log_no_delete")
    _raw(engine, "DELETE FROM audit_log WHERE tenant = 'acme' AND seq >= 4")
    [plain] = verify_chain(engine, "acme")
    assert plain.ok, "a cut tail is a valid shorter chain: only the published head shows it"
    [cut] = verify_chain(engine, "acme", anchors=anchors)
    assert cut.broken is not None and cut.broken.seq == 5 and "cut off" in cut.broken.reason
    # the tail re-grown with forged content and fresh, correctly linked hashes
    _raw(engine, "DROP TRIGGER audit_log_no_update")
    prev = log.head("acme")[1]
    for seq in (4, 5):
        payload, ts = '{"i":99}', "2026-01-01T00:00:00+00:00"
        digest = record_hash(tenant="acme", seq=seq, event_key=f"forged-{seq}", ts=ts, kind="plan", actor="mallory",
                             thread_id="t", payload=payload, prev_hash=prev)
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO audit_log (tenant, seq, event_key, ts, kind, actor, thread_id, payload, "
                              "prev_hash, hash) VALUES ('acme', :s, :k, :ts, 'plan', 'mallory', 't', :p, :prev, :h)"),
                         {"s": seq, "k": f"forged-{seq}", "ts": ts, "p": payload, "prev": prev, "h": digest})
        prev = digest
    assert verify_chain(engine, "acme")[0].ok
    [rewritten] = verify_chain(engine, "acme", anchors=anchors)
    assert rewritten.broken is not None and rewritten.broken.seq == 5 and "rewritten" in rewritten.broken.reason
    assert verify_chain(engine, "globex", anchors=anchors)[0].ok
    [gone] = verify_chain(engine, "initech", anchors={"initech": [(3, "a" * 64)]})
    assert gone.records == 0 and gone.broken is not None and "cut off" in gone.broken.reason


def test_audit_verify_expect_checks_a_pinned_head(cli_engine: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    from cli import main

    eng = cli_engine
    _fill(SqlAuditLog(eng), 3)
    assert main(["audit", "verify", "--tenant", "acme"]) == 0
    head = capsys.readouterr().out.split("head ")[1].strip()
    assert head.startswith("3:") and len(head) == 66
    _raw(eng, "DROP TRIGGER audit_log_no_delete")
    _raw(eng, "DELETE FROM audit_log WHERE seq = 3")
    eng.dispose()
    assert main(["audit", "verify", "--tenant", "acme"]) == 0  # a shorter chain verifies on its own
    capsys.readouterr()
    assert main(["audit", "verify", "--tenant", "acme", "--expect", head]) == 1
    assert "BROKEN at seq 3" in capsys.readouterr().out
    with pytest.raises(SystemExit, match="SEQ:HASH"):
        main(["audit", "verify", "--tenant", "acme", "--expect", "3:nothex"])
    with pytest.raises(SystemExit, match="needs --tenant"):
        main(["audit", "verify", "--expect", head])
