"""executor: runs exactly the accepted plan's next step, or parks it for approval.

The step's tool, version and argument slots come from the accepted plan and nothing else. ``$ref`` slots are
filled from earlier results; a value read from a field a tool marks untrusted makes the argument *tainted*,
and a non-read tool with a tainted argument always goes to approval, whatever its tier. ``$extract`` slots are
filled by the quarantined extraction model (fixed schema, no tools) from an earlier result's text, checked
against the kind's pattern, and always tainted; quarantined text is never handed to it. Re-running this node
may extract again, but a write with an extracted value is parked with the value fixed in the state before any
effect, so the effect's idempotency key never depends on a second extraction. Side effects happen
only through ``ToolRegistry.execute`` with an idempotency key derived from (thread, turn, step, tool, version,
args): LangGraph may run this node again after a crash or a resume, and the ledger makes that a replay.

Authorisation right before running (``execute_call``): the requester's roles are refreshed from the role
directory and the call is validated again (a role revoked while the run was parked stops it here: ``forbidden``);
the approver's roles are refreshed too; then a credential is minted for exactly this tenant, user, run, tool and
access level, handed to the registry and dropped — it never enters the state, a prompt or a log. A step is
validated in full *before* it is parked as well, so an approver is never asked about a call that cannot run, and
the approval the policy asks for is computed with the database facts and the taint.
"""

from __future__ import annotations

from typing import Any

from langchain_core.runnables import RunnableConfig
from sqlalchemy.orm import Session

from governance.auth import Principal
from governance.quarantine import note as quarantine_note
from governance.quarantine import screen_output
from nodes import audit
from nodes.context import Deps, deps_of
from nodes.plan import checked_extraction, parse_extract, parse_ref
from nodes.state import State, StepResult, stamp
from tools.errors import ToolError
from tools.ledger import execution_event, idempotency_key
from tools.registry import ToolRegistry
from tools.spec import ToolOutcome, ToolSpec, ValidatedCall


def _untrusted_fields(registry: ToolRegistry, result: StepResult) -> frozenset[str]:
    spec = registry.get(str(result.get("tool")), result.get("version"))
    return spec.untrusted_output_fields if isinstance(spec, ToolSpec) else frozenset()


def _extract(deps: Deps, config: RunnableConfig, name: str, text: Any, kind: str,
             where: str) -> tuple[Any, ToolError | None]:
    """One quarantined extraction: the model sees only ``text`` and the kind, answers one value through a fixed
    schema, and the value must be exactly of that kind. Its failures are the step's (never retryable: the same
    text gives the same answer)."""
    def fail(message: str) -> tuple[Any, ToolError]:
        return None, ToolError(error="extraction_failed", message=message[:500], field=name, retryable=False)

    if deps.extractor is None:
        return fail("this deployment has no extraction model")
    if not isinstance(text, str) or not text.strip():
        return fail(f"{where} holds no text to extract a {kind} from")
    out = deps.extractor.extract(text[:8000], kind, config)
    value = checked_extraction(kind, out.value) if out.error is None else None
    if value is None:
        return fail(f"no {kind} could be extracted from {where}" + (f" ({out.error})" if out.error else ""))
    return value, None


def _source(result: StepResult, field: str, n: int) -> str:
    """Where a slot's value came from, for the approver: ``step1.body of get_ticket(ticket_id=tkt_acme_001)``."""
    args = ", ".join(f"{k}={v}" for k, v in (result.get("args") or {}).items() if isinstance(v, str | int))
    return f"step{n}.{field} of {result.get('tool')}({args[:120]})"


def _resolve(deps: Deps, config: RunnableConfig, args: dict[str, Any], results: list[StepResult],
             base: int, provenance: dict[str, str] | None = None) -> tuple[dict[str, Any], list[str], ToolError | None]:
    """Fill the plan's data slots. ``provenance`` (if given) receives, per filled argument, where its value
    came from — shown to the approver next to the taint."""
    registry = deps.registry
    resolved: dict[str, Any] = {}
    tainted: list[str] = []
    provenance = provenance if provenance is not None else {}
    for name, value in args.items():
        ref = parse_ref(value)
        extraction = parse_extract(value) if ref is None else None
        if extraction is not None:
            ref = extraction[:2]
        if ref is None:
            resolved[name] = value
            continue
        idx, field = ref
        idx += base
        source = next((r for r in results if r.get("step") == idx), None)
        if source is None or source.get("status") != "ok" or not isinstance(source.get("output"), dict):
            return {}, [], ToolError(error="unresolved_ref", message=f"step{idx - base + 1} has no result",
                                     field=name, retryable=False)
        output = source["output"]
        if field not in output:
            return {}, [], ToolError(error="unresolved_ref", message=f"step{idx - base + 1} has no field {field!r}",
                                     field=name, retryable=False)
        held = (source.get("quarantined") or {}).get(field)  # type: ignore[attr-defined]
        if held is not None:
            # Quarantined text never fills a slot: the step fails (the run replans without it, or stops), and a
            # human who has read the held text can supply the value in a new request.
            return {}, [], ToolError(error="unresolved_ref", message=quarantine_note(
                name, f"step{idx - base + 1}.{field}", held)[:2000], field=name, retryable=False)
        if extraction is not None:
            value, err = _extract(deps, config, name, output[field], extraction[2], f"step{idx - base + 1}.{field}")
            if err is not None:
                return {}, [], err
            resolved[name] = value
            tainted.append(name)  # read out of text by a model: whoever wrote the text may have chosen it
            provenance[name] = f"extracted as {extraction[2]} from {_source(source, field, idx - base + 1)}"
            continue
        resolved[name] = output[field]
        provenance[name] = _source(source, field, idx - base + 1)
        # Provenance is transitive: a result obtained with tainted arguments is itself derived from untrusted
        # data, so every field of it taints what it fills.
        if field in _untrusted_fields(registry, source) or source.get("tainted"):
            tainted.append(name)
    return resolved, tainted, None


def _result(step: int, call: dict[str, Any], **kw: Any) -> StepResult:
    base: StepResult = {"step": step, "tool": call["tool"], "version": call["version"], "args": call["args"],
                        "tainted": call.get("tainted", []), "replayed": False, "idempotency_key": None,
                        "approved_by": call.get("approved_by"), "output": None, "error": None}
    return base | kw  # type: ignore[return-value]


def _key(state: State, config: RunnableConfig, call: dict[str, Any]) -> str:
    return idempotency_key(f"{audit.thread_of(config)}/turn-{state.get('turn', 0)}", call["step"], call["tool"],
                           call["version"], call["args"])


def _validate(deps: Deps, state: State, call: dict[str, Any], key: str) -> ValidatedCall | ToolError:
    """The requester's roles as the role directory has them *now*, and the full validation, in one read
    transaction. With the key, a step whose effect already committed (crash before the checkpoint) replays
    instead of failing invariants that its own effect changed ("already refunded")."""
    with Session(deps.read_engine) as session:
        principal = deps.roles.refresh(Principal(**state["requester"]), conn=session.connection())
        return deps.registry.validate(session, principal, call["tool"], call["version"], call["args"],
                                      idempotency_key=key, tainted=bool(call.get("tainted")))


def _failed(deps: Deps, config: RunnableConfig, state: State, call: dict[str, Any], err: ToolError,
            key: str | None) -> dict[str, Any]:
    audit.emit(deps, config, state, "validation_failed", f"step-{call['step']}", {
        "stage": "execute", "tool": call["tool"], "version": call["version"], "args": call["args"],
        "error": err.model_dump()})
    results = [*state.get("results", []), _result(call["step"], call, status="error", error=err.model_dump(),
                                                   idempotency_key=key)]
    return {"results": results, "cursor": call["step"] + 1, "pending": None}


def _audit_outcome(deps: Deps, config: RunnableConfig, checked: ValidatedCall, outcome: ToolOutcome,
                   step: int, approved_by: str | None) -> None:
    """Effects that ran recorded themselves in their own transaction; reads, replays and failures land here."""
    if outcome.ok and checked.spec.has_effect and not outcome.replayed:
        return
    event = execution_event(checked, checked.principal, thread_id=audit.thread_of(config), step=step,
                            key=outcome.idempotency_key, status="ok" if outcome.ok else "error",
                            approved_by=approved_by, replayed=outcome.replayed, error=outcome.error)
    deps.audit.record(event)


def execute_call(state: State, config: RunnableConfig, call: dict[str, Any],
                 checked: ValidatedCall | None = None) -> dict[str, Any]:
    """Fresh roles, validation again (unless ``checked`` was validated a moment ago in this node), a credential
    for exactly this step, then the registry runs it through the ledger."""
    deps = deps_of(config)
    step = call["step"]
    thread_id = audit.thread_of(config)
    key = _key(state, config, call)
    if checked is None:
        validated = _validate(deps, state, call, key)
        if isinstance(validated, ToolError):
            return _failed(deps, config, state, call, validated, key)
        checked = validated
    principal = checked.principal
    approver = deps.roles.refresh(Principal(**call["approver"])) if call.get("approver") else None
    outcome = deps.registry.execute(
        deps.engines, checked, principal=principal, idempotency_key=key, thread_id=thread_id, step=step,
        approver=approver, audit=deps.audit,
        credential=deps.credentials.mint(tenant=principal.tenant, user=principal.user, run=thread_id,
                                         tools=[checked.spec.ref],
                                         access="write" if checked.spec.has_effect else "read"))
    _audit_outcome(deps, config, checked, outcome, step, call.get("approved_by"))
    results = list(state.get("results", []))
    if outcome.ok:
        # Untrusted text is scanned as it enters: flagged fields are kept aside and masked in the output.
        screened = screen_output(outcome.output or {}, checked.spec.untrusted_output_fields)
        results.append(_result(step, call, status="ok", output=screened.output, replayed=outcome.replayed,
                               idempotency_key=key, quarantined=screened.quarantined))
    else:
        err = outcome.error.model_dump() if outcome.error else {"error": "internal", "message": "no result"}
        results.append(_result(step, call, status="error", error=err, idempotency_key=key))
    return {"results": results, "cursor": step + 1, "pending": None}


def executor(state: State, config: RunnableConfig) -> dict[str, Any]:
    deps = deps_of(config)
    pending = state.get("pending")
    if pending and pending.get("approved"):
        return execute_call(state, config, pending)
    plan = state.get("plan") or {"steps": []}
    step = state.get("cursor", 0)
    base = int(plan.get("base", 0))
    planned = plan["steps"][step - base]
    provenance: dict[str, str] = {}
    args, tainted, err = _resolve(deps, config, planned["args"], state.get("results", []), base, provenance)
    call: dict[str, Any] = {"step": step, "tool": planned["tool"], "version": planned["version"], "args": args,
                            "why": planned.get("why", ""), "tainted": tainted, "provenance": provenance}
    if err is not None:
        return _failed(deps, config, state, call, err, None)
    key = _key(state, config, call)
    checked = _validate(deps, state, call, key)
    if isinstance(checked, ToolError):
        return _failed(deps, config, state, call, checked, key)
    if checked.approval is not None:
        now = deps.clock()  # stamped as ISO strings: see nodes.state.stamp
        return {"pending": call | {"requirement": checked.approval.model_dump(mode="json"),
                                   "tier": checked.spec.tier, "facts": checked.facts, "approved": False,
                                   "requested_at": stamp(now), "expires_at": stamp(now + deps.limits.approval_ttl_s)}}
    return execute_call(state, config, call, checked)
