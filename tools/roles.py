"""The role directory: fresh roles for a principal, so that a revocation reaches runs that are already going.

Tokens carry roles and live up to ``WARDEN_JWT_MAX_TTL_S``; a run parked at an approval can wait far longer.
So every authorisation decision that matters (planning, the executor right before a tool runs, an approver's
decision, ``GET /audit``) asks ``RoleDirectory.refresh(principal)``:

- the user has **no row** in ``role_grants`` (unmanaged): the token's roles stand;
- the user has rows (managed): the effective roles are the token's roles **that also have an unrevoked row**.

Intersection, not replacement: the directory can narrow what a token says (revocation reaches a parked run at
once) but never widen it, so a write to the directory alone cannot mint an admin, and a stolen token cannot
exceed what the directory still grants. A user the directory should block entirely gets every role revoked.
Every change is audited (``role_changed``) in the tenant's chain.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from sqlalchemy import Engine, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from governance.audit import AuditEvent, AuditSink
from governance.auth import ROLES, Principal
from tools._private import fetch
from tools.db import RoleGrant

Change = Literal["grant", "revoke"]
_ROLES = 'SELECT role, revoked_at FROM role_grants WHERE tenant = :tenant AND "user" = :user'


@dataclass(frozen=True)
class RoleRow:
    role: str
    active: bool
    granted_by: str
    revoked_by: str | None


class RoleDirectory:
    """Reads on the given (read) engine; writes through ``write_engine`` (default: the same)."""

    def __init__(self, engine: Engine, *, write_engine: Engine | None = None, audit: AuditSink | None = None) -> None:
        self.engine = engine
        self.write_engine = write_engine or engine
        self.audit = audit

    def active_roles(self, tenant: str, user: str, *, conn: Connection | None = None) -> frozenset[str] | None:
        """The unrevoked roles of a managed user, or None for a user the directory does not manage.
        ``conn``: read inside a caller's transaction (the executor validates in the same one)."""
        params = {"tenant": tenant, "user": user}
        if conn is not None:
            rows = fetch(conn, _ROLES, params)
        else:
            with self.engine.connect() as own:
                rows = fetch(own, _ROLES, params)
        if not rows:
            return None
        return frozenset(role for role, revoked_at in rows if revoked_at is None)

    def refresh(self, principal: Principal, *, conn: Connection | None = None) -> Principal:
        """The principal with the roles it holds *now* (see the module docstring)."""
        active = self.active_roles(principal.tenant, principal.user, conn=conn)
        if active is None:
            return principal
        return Principal(principal.tenant, principal.user, tuple(r for r in principal.roles if r in active))

    def rows(self, tenant: str, user: str) -> list[RoleRow]:
        with Session(self.engine) as s:
            found = s.scalars(select(RoleGrant).where(RoleGrant.tenant == tenant, RoleGrant.user == user)
                              .order_by(RoleGrant.role)).all()
        return [RoleRow(g.role, g.revoked_at is None, g.granted_by, g.revoked_by) for g in found]

    def change(self, change: Change, *, tenant: str, user: str, role: str, by: str) -> RoleRow:
        """Grant or revoke one role (idempotent). Raises ValueError for an unknown role."""
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r} (known: {', '.join(sorted(ROLES))})")
        now = datetime.now(UTC)
        with Session(self.write_engine.execution_options(sqlite_begin="IMMEDIATE")) as s, s.begin():
            grant = s.get(RoleGrant, (tenant, user, role))
            if grant is None:
                grant = RoleGrant(tenant=tenant, user=user, role=role, granted_at=now, granted_by=by)
                s.add(grant)
            if change == "grant":
                grant.revoked_at, grant.revoked_by = None, None
            else:
                grant.revoked_at, grant.revoked_by = now, by
            s.flush()
            if self.audit is not None:
                self.audit.record_in(s.connection(), AuditEvent(
                    tenant=tenant, kind="role_changed", actor=by,
                    event_key=f"role:{user}/{role}/{change}/{now.isoformat()}",
                    payload={"change": change, "user": user, "role": role}))
            return RoleRow(role, grant.revoked_at is None, grant.granted_by, grant.revoked_by)
