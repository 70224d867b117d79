"""planner: the model proposes a plan from trusted input only; the plan is validated before it is accepted.

Trusted input is the policy prompt, the principal's tool catalogue, the user's own (guarded) request and, on a
replan, typed summaries of earlier results. Validation: shape, step count, tool and version exist, the
principal may call the tool, arguments pass the tool's strict contract and business invariants (arguments that
are ``$ref`` slots are checked when the referenced value exists, at execution). A rejected plan returns to the
planner with structured errors, at most ``max_plan_attempts`` times.

Roles are refreshed from the role directory first (tools.roles), so the catalogue and the validation use what the
requester may do *now*, not what their token said when the run began. Every proposal is audited: ``plan`` when
accepted, ``validation_failed`` with the structured errors when not, and a ``stop`` when the planner is cut off.
"""

from __future__ import annotations

import json
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from langchain_core.runnables import RunnableConfig
from pydantic import ValidationError
from sqlalchemy.orm import Session

from governance.auth import Principal
from nodes import audit
from nodes.context import Deps, deps_of
from nodes.plan import Plan, pydantic_errors, ref_fields
from nodes.state import State
from tools.errors import ToolError
from tools.spec import ToolSpec


def _catalogue_text(catalogue: list[ToolSpec]) -> str:
    lines = []
    for spec in catalogue:
        args = ", ".join(spec.input_model.model_fields)
        lines.append(f"  {spec.name}({args}) [{spec.tier}] - {spec.description.splitlines()[0]}")
    return "\n".join(lines)


def _messages(state: State, deps: Deps, principal: Principal, catalogue: list[ToolSpec]) -> list[BaseMessage]:
    system = deps.prompts.planner_system.format(
        catalogue=_catalogue_text(catalogue),
        tenant=principal.tenant,
        user=principal.user,
        roles=", ".join(principal.roles),
    )
    msgs: list[BaseMessage] = [SystemMessage(system), HumanMessage(state.get("request", ""))]
    if state.get("replans") and state.get("results"):
        summary = json.dumps([_typed_summary(r) for r in state["results"]], sort_keys=True)
        msgs.append(HumanMessage(deps.prompts.planner_replan.format(summary=summary)))
    if state.get("plan_errors"):
        msgs.append(HumanMessage(deps.prompts.planner_errors.format(errors=json.dumps(state["plan_errors"]))))
    return msgs


def _typed_summary(result: dict[str, Any]) -> dict[str, Any]:
    """Only ids, enums and numbers: no outsider-written free text ever reaches the planner."""
    error = result.get("error") or {}
    return {
        "step": result.get("step"),
        "tool": result.get("tool"),
        "status": result.get("status"),
        "error": error.get("error"),
        "field": error.get("field"),
        "retryable": error.get("retryable"),
    }


def validate_plan(
    raw: dict[str, Any] | None, deps: Deps, principal: Principal
) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """Return (accepted plan, []) or (None, structured errors)."""
    if raw is None:
        return None, [{"error": "unparseable_plan", "message": "reply was not a JSON plan", "field": None,
                       "retryable": True}]
    try:
        plan = Plan.model_validate(raw)
    except ValidationError as exc:
        return None, pydantic_errors(exc, "plan")
    if len(plan.steps) > deps.limits.max_steps:
        return None, [{"error": "too_many_steps", "message": f"at most {deps.limits.max_steps} steps",
                       "field": "steps", "retryable": False}]
    allowed = {(s.name, s.version) for s in deps.registry.catalogue(principal)}
    errors: list[dict[str, Any]] = []
    accepted: list[dict[str, Any]] = []
    with Session(deps.read_engine) as session:
        for i, step in enumerate(plan.steps):
            where = f"steps.{i}"
            spec = deps.registry.get(step.tool, step.version)
            if isinstance(spec, ToolError):
                errors.append(spec.model_dump() | {"field": f"{where}.tool"})
                continue
            if not any(name == spec.name for name, _ in allowed):
                errors.append({"error": "forbidden", "message": f"you may not call {spec.name}",
                               "field": f"{where}.tool", "retryable": False})
                continue
            refs = ref_fields(step.args)
            bad_refs = [k for k, (idx, _) in refs.items() if idx < 0 or idx >= i]
            if bad_refs:
                errors.append({"error": "invalid_ref", "message": "a $ref must name an earlier step",
                               "field": f"{where}.args.{bad_refs[0]}", "retryable": False})
                continue
            if not refs:
                checked = deps.registry.validate(session, principal, spec.name, spec.version, step.args)
                if isinstance(checked, ToolError):
                    err = checked.model_dump()
                    err["field"] = f"{where}.args.{err['field']}" if err.get("field") else f"{where}.args"
                    errors.append(err)
                    continue
            accepted.append({"tool": spec.name, "version": spec.version, "args": step.args, "why": step.why})
    if errors:
        return None, errors
    return {"steps": accepted}, []


def planner(state: State, config: RunnableConfig) -> dict[str, Any]:
    deps = deps_of(config)
    principal = deps.roles.refresh(Principal(**state["requester"]))
    catalogue = deps.registry.catalogue(principal)
    out = deps.planner.plan(_messages(state, deps, principal, catalogue), catalogue, config)
    plan, errors = validate_plan(out.parsed, deps, principal)
    update: dict[str, Any] = {"iterations": state.get("iterations", 0) + 1}
    attempt_key = f"replan-{state.get('replans', 0)}/attempt-{state.get('plan_attempts', 0) + 1}"
    if plan is not None:
        audit.emit(deps, config, state, "plan", attempt_key, {"plan": plan, "roles": list(principal.roles)})
        base = len(state.get("results", []))  # a replan continues the step numbering of the turn
        return update | {"plan": plan | {"base": base}, "plan_errors": [], "cursor": base, "pending": None}
    audit.emit(deps, config, state, "validation_failed", attempt_key,
               {"stage": "plan", "proposed": out.parsed, "errors": errors, "model_error": out.error})
    attempts = state.get("plan_attempts", 0) + 1
    update |= {"plan": None, "plan_errors": errors, "plan_attempts": attempts}
    if attempts >= deps.limits.max_plan_attempts:
        detail = "; ".join(f"{e.get('field') or '-'}: {e.get('message')}" for e in errors[:5])
        reply = f"I could not make a valid plan for this request after {attempts} attempts ({detail})."
        update |= {"stop_reason": "plan_rejected", "messages": [AIMessage(reply)]}
        audit.stop(deps, config, state, "plan_rejected", state.get("results", []))
    return update
