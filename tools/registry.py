"""The registry: every version of every tool, validation of a proposed call, and execution of a checked one.

``validate`` is the gate a plan step passes before it is accepted (schema, RBAC, invariants); ``execute``
runs it exactly once per idempotency key (see tools.ledger). Both return values, never raise.

Versions live side by side (``issue_refund@1`` and ``@2``); ``version=None`` means the latest, so old plans
that pinned a version keep working while new plans get the new contract.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from governance.auth import Principal
from tools.effect_tools import EFFECT_TOOLS
from tools.errors import ToolError, ToolFailure
from tools.ledger import already_done, db_error, execute_call
from tools.policy import approval_rule, can_call
from tools.read_tools import READ_TOOLS
from tools.spec import ToolOutcome, ToolSpec, ValidatedCall

log = logging.getLogger(__name__)


def _validation_error(exc: ValidationError) -> ToolError:
    errors = exc.errors(include_url=False, include_input=False)
    first = errors[0]
    loc = ".".join(str(p) for p in first["loc"])
    parts = [f"{'.'.join(str(p) for p in e['loc']) or '<args>'}: {e['msg']}" for e in errors[:5]]
    more = f" (+{len(errors) - 5} more)" if len(errors) > 5 else ""
    return ToolError(error="validation_error", message="; ".join(parts) + more, field=loc or None)


class ToolRegistry:
    """Holds ToolSpecs keyed by (name, version)."""

    def __init__(self, specs: Iterable[ToolSpec] = ()) -> None:
        self._specs: dict[str, dict[int, ToolSpec]] = {}
        for spec in specs:
            self.register(spec)

    def register(self, spec: ToolSpec) -> None:
        versions = self._specs.setdefault(spec.name, {})
        if spec.version in versions:
            raise ValueError(f"{spec.ref} is already registered")
        versions[spec.version] = spec

    def names(self) -> list[str]:
        return sorted(self._specs)

    def versions(self, name: str) -> list[int]:
        return sorted(self._specs.get(name, {}))

    def get(self, name: str, version: int | None = None) -> ToolSpec | ToolError:
        versions = self._specs.get(name)
        if not versions:
            return ToolError(error="unknown_tool", message=f"no tool named {name!r}", field="tool")
        if version is None:
            return versions[max(versions)]
        spec = versions.get(version)
        if spec is None:
            known = ", ".join(str(v) for v in sorted(versions))
            return ToolError(
                error="unknown_version",
                message=f"{name} has no version {version} (known: {known})",
                field="version",
            )
        return spec

    def catalogue(self, principal: Principal) -> list[ToolSpec]:
        """Latest version of each tool the principal may call, by name: what a planner may propose."""
        out = []
        for name in self.names():
            spec = self.get(name)
            assert isinstance(spec, ToolSpec)
            if can_call(principal, spec):
                out.append(spec)
        return out

    def validate(
        self,
        session: Session,
        principal: Principal,
        name: str,
        version: int | None,
        args: dict[str, Any],
        *,
        idempotency_key: str | None = None,
    ) -> ValidatedCall | ToolError:
        """Tool and version exist, principal may call it, args pass the strict schema and DB invariants.

        Pass ``idempotency_key`` when re-validating a step that may already have run (resume after a crash):
        if the ledger holds that key for this tenant, the DB invariants are skipped, because the effect itself
        has changed the state they look at (a full refund makes "refund <= remaining" false), and ``execute``
        will replay the stored result instead of running anything."""
        spec = self.get(name, version)
        if isinstance(spec, ToolError):
            return spec
        if not can_call(principal, spec):
            return ToolError(error="forbidden", message=f"your roles may not call {spec.name}", field="tool")
        if not isinstance(args, dict):
            return ToolError(error="validation_error", message="args must be an object", field="args")
        try:
            model = spec.input_model.model_validate(args)
        except ValidationError as exc:
            return _validation_error(exc)
        began_here = not session.in_transaction()
        try:
            if not (
                idempotency_key and spec.has_effect and already_done(session, principal, idempotency_key)
            ):
                spec.check(session, principal, model)
        except ToolFailure as f:
            return f.error
        except DBAPIError as exc:
            log.warning("db error validating %s", spec.ref, exc_info=True)
            return db_error(exc)
        finally:
            # validate only reads: don't leave a transaction we opened (on SQLite, a read snapshot) behind.
            if began_here:
                session.rollback()
        return ValidatedCall(spec=spec, args=model, principal=principal, approval=approval_rule(spec, model))

    def execute(
        self,
        engine: Engine,
        call: ValidatedCall,
        *,
        principal: Principal,
        idempotency_key: str,
        thread_id: str,
        step: int,
        approved_by: str | None = None,
    ) -> ToolOutcome:
        """Run a validated call once per ``idempotency_key``; the invariants are re-checked inside the
        transaction. A call needing approval runs only with ``approved_by`` set to someone other than the
        requester (the approver's roles are checked by the approval node with ``policy.can_approve``)."""
        key = idempotency_key
        if (principal.tenant, principal.user) != (call.principal.tenant, call.principal.user):
            return ToolOutcome.failure(
                ToolError(error="forbidden", message="call was validated for another principal"), key
            )
        if not can_call(principal, call.spec):
            return ToolOutcome.failure(
                ToolError(error="forbidden", message=f"your roles may not call {call.name}", field="tool"),
                key,
            )
        if call.approval is not None:
            if not approved_by:
                return ToolOutcome.failure(
                    ToolError(error="approval_required", message=call.approval.reason), key
                )
            if approved_by == principal.user:
                return ToolOutcome.failure(
                    ToolError(error="forbidden", message="nobody approves their own action"), key
                )
        return execute_call(
            engine,
            call,
            principal=principal,
            idempotency_key=key,
            thread_id=thread_id,
            step=step,
            approved_by=approved_by,
        )


def default_registry() -> ToolRegistry:
    """Every shipped tool and version. Built on demand, never at import time."""
    return ToolRegistry([*READ_TOOLS, *EFFECT_TOOLS])
