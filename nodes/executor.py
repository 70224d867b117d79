"""executor: runs exactly the accepted plan's next step, or parks it for approval.

The step's tool, version and argument slots come from the accepted plan and nothing else. ``$ref`` slots are
filled from earlier results; a value read from a field a tool marks untrusted makes the argument *tainted*,
and a non-read tool with a tainted argument always goes to approval, whatever its tier. Side effects happen
only through ``ToolRegistry.execute`` with an idempotency key derived from (thread, turn, step, tool, version,
args): LangGraph may run this node again after a crash or a resume, and the ledger makes that a replay.
"""

from __future__ import annotations

from typing import Any

from langchain_core.runnables import RunnableConfig
from sqlalchemy.orm import Session

from governance.auth import Principal
from nodes.context import deps_of
from nodes.plan import parse_ref
from nodes.state import State, StepResult
from tools.errors import ToolError
from tools.ledger import idempotency_key
from tools.policy import approval_rule
from tools.registry import ToolRegistry
from tools.spec import ToolSpec


def _untrusted_fields(registry: ToolRegistry, result: StepResult) -> frozenset[str]:
    spec = registry.get(str(result.get("tool")), result.get("version"))
    return spec.untrusted_output_fields if isinstance(spec, ToolSpec) else frozenset()


def _resolve(args: dict[str, Any], results: list[StepResult], registry: ToolRegistry,
             base: int) -> tuple[dict[str, Any], list[str], ToolError | None]:
    resolved: dict[str, Any] = {}
    tainted: list[str] = []
    for name, value in args.items():
        ref = parse_ref(value)
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
        resolved[name] = output[field]
        if field in _untrusted_fields(registry, source):
            tainted.append(name)
    return resolved, tainted, None


def _result(step: int, call: dict[str, Any], **kw: Any) -> StepResult:
    base: StepResult = {"step": step, "tool": call["tool"], "version": call["version"], "args": call["args"],
                        "tainted": call.get("tainted", []), "replayed": False, "idempotency_key": None,
                        "approved_by": call.get("approved_by"), "output": None, "error": None}
    return base | kw  # type: ignore[return-value]


def execute_call(state: State, config: RunnableConfig, call: dict[str, Any]) -> dict[str, Any]:
    """Validate again (state may have changed while parked) and run the call through the ledger."""
    deps = deps_of(config)
    principal = Principal(**state["requester"])
    step = call["step"]
    thread_id = str(config.get("configurable", {}).get("thread_id", "-"))
    key = idempotency_key(f"{thread_id}/turn-{state.get('turn', 0)}", step, call["tool"], call["version"],
                          call["args"])
    with Session(deps.engine) as session:
        # With the key, a step whose effect already committed (crash before the checkpoint) replays instead
        # of failing invariants that its own effect changed ("already refunded").
        checked = deps.registry.validate(session, principal, call["tool"], call["version"], call["args"],
                                         idempotency_key=key)
    results = list(state.get("results", []))
    if isinstance(checked, ToolError):
        results.append(_result(step, call, status="error", error=checked.model_dump()))
        return {"results": results, "cursor": step + 1, "pending": None}
    outcome = deps.registry.execute(deps.engine, checked, principal=principal, idempotency_key=key,
                                    thread_id=thread_id, step=step, approved_by=call.get("approved_by"))
    if outcome.ok:
        results.append(_result(step, call, status="ok", output=outcome.output, replayed=outcome.replayed,
                               idempotency_key=key))
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
    args, tainted, err = _resolve(planned["args"], state.get("results", []), deps.registry, base)
    call: dict[str, Any] = {"step": step, "tool": planned["tool"], "version": planned["version"], "args": args,
                            "why": planned.get("why", ""), "tainted": tainted}
    if err is not None:
        results = [*state.get("results", []), _result(step, call, status="error", error=err.model_dump())]
        return {"results": results, "cursor": step + 1, "pending": None}
    spec = deps.registry.get(call["tool"], call["version"])
    if isinstance(spec, ToolError):
        results = [*state.get("results", []), _result(step, call, status="error", error=spec.model_dump())]
        return {"results": results, "cursor": step + 1, "pending": None}
    requirement = approval_rule(spec, args, tainted=bool(tainted))
    if requirement is not None:
        return {"pending": call | {"requirement": requirement.model_dump(mode="json"), "tier": spec.tier,
                                   "approved": False}}
    return execute_call(state, config, call)
