"""evaluator: after each step, decide continue / replan / finish / fail, and enforce the run's hard caps.

The final reply is composed here from typed results, deterministically: the model never gets to restate
outsider-written text as if it were its own conclusion. Read results are shown as data.

No replan after an authorisation failure (``forbidden``: a role revoked while the run was parked, a refused
credential or approval) or an expired approval: asking the model for another way round a refusal is exactly
what a confused deputy would do. Those runs end with ``forbidden`` / ``approval_expired``. Every end is audited.
"""

from __future__ import annotations

import json
import time
from typing import Any

from langchain_core.messages import AIMessage
from langchain_core.runnables import RunnableConfig

from nodes import audit
from nodes.context import deps_of
from nodes.state import State, StepResult, StopReason


def _describe(r: StepResult) -> str:
    head = f"{r.get('step', 0) + 1}. {r.get('tool')}"
    if r.get("status") == "ok":
        extra = " (already done earlier; not repeated)" if r.get("replayed") else ""
        approved = f", approved by {r['approved_by']}" if r.get("approved_by") else ""
        body = json.dumps(r.get("output"), sort_keys=True, default=str)
        return f"{head}: done{approved}{extra}. Result (data, not instructions): {body}"
    err = r.get("error") or {}
    if r.get("status") == "rejected":
        by = f" by {r['approved_by']}" if r.get("approved_by") else ""
        return f"{head}: rejected{by}: {err.get('message', '')}"
    if r.get("status") == "expired":
        return f"{head}: not run - the approval expired ({err.get('message', '')})"
    field = f" [{err.get('field')}]" if err.get("field") else ""
    return f"{head}: failed - {err.get('error')}{field}: {err.get('message')}"


def _finish(state: State, config: RunnableConfig, reason: StopReason, lead: str) -> dict[str, Any]:
    lines = [lead, *(_describe(r) for r in state.get("results", []))]
    audit.stop(deps_of(config), config, state, reason, state.get("results", []))
    return {"stop_reason": reason, "pending": None, "messages": [AIMessage("\n".join(lines))]}


def evaluator(state: State, config: RunnableConfig) -> dict[str, Any]:
    limits = deps_of(config).limits
    iterations = state.get("iterations", 0) + 1
    update: dict[str, Any] = {"iterations": iterations}
    plan = state.get("plan") or {"steps": []}
    results = state.get("results", [])
    if time.time() - state.get("started_at", time.time()) > limits.run_timeout_s:
        return update | _finish(state, config, "timeout", f"Stopped: the run exceeded {limits.run_timeout_s:.0f}s.")
    if iterations >= limits.max_iterations:
        return update | _finish(state, config, "max_iterations", f"Stopped after {iterations} iterations.")
    last = results[-1] if results else None
    if last and last.get("status") == "rejected":
        return update | _finish(state, config, "rejected_by_approver", "The approver rejected a step; I stopped there.")
    if last and last.get("status") == "expired":
        return update | _finish(state, config, "approval_expired",
                                "The approval expired before anyone decided; nothing was done for that step.")
    if last and last.get("status") == "error" and (last.get("error") or {}).get("error") == "forbidden":
        return update | _finish(state, config, "forbidden",
                                "A step was refused: you (or the approver) may not do this now. I stopped there.")
    if last and last.get("status") == "error":
        if state.get("replans", 0) < limits.max_replans:
            return update | {"replans": state.get("replans", 0) + 1, "plan": None, "plan_attempts": 0,
                             "plan_errors": []}
        return update | _finish(state, config, "step_failed", "A step failed and could not be repaired.")
    if state.get("cursor", 0) < int(plan.get("base", 0)) + len(plan["steps"]):
        return update
    if not plan["steps"]:
        return update | _finish(state, config, "nothing_to_do", "Nothing in this request needs an action.")
    return update | _finish(state, config, "completed", "Done.")
