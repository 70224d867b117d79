# ruff: noqa: F811  (pytest fixtures are imported from tools_fixtures; parameters re-bind them)
"""Issue 5, the role directory: fresh roles narrow a token's roles (revocation), never widen them."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from governance.audit import SqlAuditLog
from governance.auth import Principal
from tests.unit.tools_fixtures import engine  # noqa: F401
from tools.roles import RoleDirectory

ALICE = Principal("acme", "alice", ("support_agent", "support_lead"))


def test_unmanaged_users_keep_their_token_roles(engine: Engine) -> None:
    directory = RoleDirectory(engine)
    assert directory.active_roles("acme", "alice") is None
    assert directory.refresh(ALICE) == ALICE


def test_a_revocation_takes_the_role_away_at_once(engine: Engine) -> None:
    directory = RoleDirectory(engine)
    directory.change("revoke", tenant="acme", user="alice", role="support_lead", by="admin-ann")
    assert directory.refresh(ALICE).roles == ()  # managed now, and nothing active
    directory.change("grant", tenant="acme", user="alice", role="support_agent", by="admin-ann")
    assert directory.refresh(ALICE).roles == ("support_agent",)
    directory.change("grant", tenant="acme", user="alice", role="support_lead", by="admin-ann")
    assert directory.refresh(ALICE).roles == ("support_agent", "support_lead")
    rows = {r.role: r for r in directory.rows("acme", "alice")}
    assert rows["support_lead"].active and rows["support_lead"].revoked_by is None


def test_the_directory_never_grants_what_the_token_lacks(engine: Engine) -> None:
    directory = RoleDirectory(engine)
    directory.change("grant", tenant="acme", user="alice", role="admin", by="someone")
    assert directory.refresh(ALICE).roles == ()  # admin is not in the token; the token's roles are not granted


def test_tenants_and_users_are_separate(engine: Engine) -> None:
    directory = RoleDirectory(engine)
    directory.change("revoke", tenant="globex", user="alice", role="support_agent", by="x")
    directory.change("revoke", tenant="acme", user="bob", role="support_agent", by="x")
    assert directory.refresh(ALICE) == ALICE


def test_unknown_roles_are_refused(engine: Engine) -> None:
    with pytest.raises(ValueError, match="unknown role"):
        RoleDirectory(engine).change("grant", tenant="acme", user="alice", role="root", by="x")


def test_every_change_is_audited(engine: Engine) -> None:
    audit = SqlAuditLog(engine)
    RoleDirectory(engine, audit=audit).change("revoke", tenant="acme", user="alice", role="support_agent", by="ann")
    [rec] = audit.read("acme", kind="role_changed")
    assert rec.actor == "ann" and '"change":"revoke"' in rec.payload and '"role":"support_agent"' in rec.payload
