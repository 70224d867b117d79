"""The registry: every version of every tool, validation of a proposed call, and execution of a checked one.

``validate`` is the gate a plan step passes before it is accepted, in this order (the first failure is returned):
tool exists -> version exists -> the principal may call it -> args are an object -> strict schema (required
fields, exact types, bounds, no extras) -> business invariants in the DB (tenant ownership, refundable amount,
...) -> facts for the approval policy. ``execute`` runs it exactly once per idempotency key (tools.ledger), and
only with a valid scoped credential (tools.credentials) and, when the policy asks, an allowed approver. Both
return values, never raise.

Versions live side by side (``issue_refund@1`` and ``@2``); ``version=None`` means the latest, so old plans
that pinned a version keep working while new plans get the new contract.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from governance.audit import AuditSink
from governance.auth import Principal
from tools.credentials import CredentialVerifier
from tools.db import Engines
from tools.effect_tools import EFFECT_TOOLS
from tools.errors import ToolError, ToolFailure
from tools.ledger import already_done, db_error, execute_call
from tools.policy import ApprovalPolicy, can_approve, can_call, load_policy
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
    """Holds ToolSpecs keyed by (name, version), the approval policy, and the credential verifier.

    Without a ``verifier`` the registry can validate but ``execute`` refuses every call: the tool layer only
    acts on a credential the runtime minted. Without a ``policy`` every effect needs an admin's approval
    (``ApprovalPolicy.fail_closed``); ``default_registry`` loads the policy file."""

    def __init__(self, specs: Iterable[ToolSpec] = (), *, policy: ApprovalPolicy | None = None,
                 verifier: CredentialVerifier | None = None) -> None:
        self._specs: dict[str, dict[int, ToolSpec]] = {}
        for spec in specs:
            self.register(spec)
        self.policy = policy or ApprovalPolicy.fail_closed()
        self.verifier = verifier

    def register(self, spec: ToolSpec) -> None:
        versions = self._specs.setdefault(spec.name, {})
        if spec.version in versions:
            raise ValueError(f"{spec.ref} is already registered")
        versions[spec.version] = spec

    def names(self) -> list[str]:
        return sorted(self._specs)

    def versions(self, name: str) -> list[int]:
        return sorted(self._specs.get(name, {}))

    def all_specs(self) -> list[ToolSpec]:
        return [self._specs[n][v] for n in self.names() for v in self.versions(n)]

    def get(self, name: str, version: int | None = None) -> ToolSpec | ToolError:
        versions = self._specs.get(name) if isinstance(name, str) else None
        if not versions:
            return ToolError(error="unknown_tool", message=f"no tool named {str(name)[:64]!r}", field="tool")
        if version is None:
            return versions[max(versions)]
        spec = versions.get(version) if isinstance(version, int) and not isinstance(version, bool) else None
        if spec is None:
            known = ", ".join(str(v) for v in sorted(versions))
            return ToolError(
                error="unknown_version",
                message=f"{name} has no version {str(version)[:20]} (known: {known})",
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
        tainted: bool = False,
    ) -> ValidatedCall | ToolError:
        """Tool and version exist, principal may call it, args pass the strict schema and DB invariants; the
        result carries the approval the policy asks for (``tainted``: some argument came from untrusted data).

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
        facts: dict[str, Any] = {}
        try:
            if not (
                idempotency_key and spec.has_effect and already_done(session, principal, idempotency_key)
            ):
                spec.check(session, principal, model)
            if spec.facts is not None:
                facts = dict(spec.facts(session, principal, model))
        except ToolFailure as f:
            return f.error
        except DBAPIError as exc:
            log.warning("db error validating %s", spec.ref, exc_info=True)
            return db_error(exc)
        finally:
            # validate only reads: don't leave a transaction we opened (on SQLite, a read snapshot) behind.
            if began_here:
                session.rollback()
        approval = self.policy.requirement(spec, model, facts, tainted=tainted)
        return ValidatedCall(spec=spec, args=model, principal=principal, approval=approval, facts=facts,
                             tainted=tainted)

    def execute(
        self,
        engines: Engines,
        call: ValidatedCall,
        *,
        principal: Principal,
        credential: object,
        idempotency_key: str,
        thread_id: str,
        step: int,
        approver: Principal | None = None,
        audit: AuditSink | None = None,
    ) -> ToolOutcome:
        """Run a validated call once per ``idempotency_key``; the invariants are re-checked inside the
        transaction. Refused (as a ToolOutcome error) unless: ``principal`` is who the call was validated for
        and may still call the tool; ``credential`` was minted for this tenant, user, run, tool and access
        level and is unexpired; and, when the call needs approval, ``approver`` may approve it (same tenant,
        an approver role, not the requester). Effects append their ``tool_executed`` record to ``audit`` in
        the effect's own transaction."""
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
        if self.verifier is None:
            return ToolOutcome.failure(
                ToolError(error="forbidden", message="this registry has no credential verifier"), key)
        access = "write" if call.spec.has_effect else "read"
        denied = self.verifier.verify(credential, tenant=principal.tenant, user=principal.user, run=thread_id,
                                      tool_ref=call.spec.ref, access=access)
        if denied is not None:
            return ToolOutcome.failure(denied, key)
        if call.approval is not None:
            if approver is None:
                return ToolOutcome.failure(
                    ToolError(error="approval_required", message=call.approval.reason), key
                )
            ok, why = can_approve(approver, principal.user, principal.tenant, call.approval)
            if not ok:
                return ToolOutcome.failure(ToolError(error="forbidden", message=f"approval refused: {why}"), key)
        return execute_call(
            engines.write if call.spec.has_effect else engines.read,
            call,
            principal=principal,
            idempotency_key=key,
            thread_id=thread_id,
            step=step,
            approved_by=approver.user if approver is not None and call.approval is not None else None,
            audit=audit,
        )


def default_registry(*, policy: ApprovalPolicy | None = None,
                     verifier: CredentialVerifier | None = None) -> ToolRegistry:
    """Every shipped tool and version, the policy (default: the shipped file) and the verifier the runtime's
    credential issuer pairs with. Built on demand, never at import time."""
    specs = [*READ_TOOLS, *EFFECT_TOOLS]
    return ToolRegistry(specs, policy=policy or load_policy(specs=specs), verifier=verifier)
