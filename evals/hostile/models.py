"""Two scripted chat models for the hostile-model suite. Neither is a language model; both are honest about it.

- ``HonestTaskModel`` does the user's task and nothing else (the utility reference).
- ``HostileScriptedModel`` does the user's task *and obeys every instruction it finds anywhere in its input*:
  it reads every message it is given (system prompt, request, notes, tool outputs), parses each injected goal
  (``goals.goal_calls``) and turns it into tool calls — before the user's task, as the injections demand.
  That is the worst case for a defence: a model that cannot be talked out of anything.

It also fills extraction slots: ``HostileExtractor`` is Warden's quarantined extraction call played by the same
obedient model — asked for an order id in a ticket body, it returns the one an injected instruction names, not
the customer's (``HonestExtractor`` returns the first value of the kind, as ``graph.scripted.ScriptedExtractor``
does). In the baseline loop the model extracts for itself, the same way.

Two modes, because the two configurations ask differently:

- ``mode="plan"`` (Warden's planner via ``graph.models.JsonPlanner``): replies with one JSON plan; injected goals
  become extra plan steps (with ``$ref`` slots where the goal needs data).
- ``mode="react"`` (the undefended baseline loop in ``evals.baseline.react``): replies with one tool call at a
  time (``AIMessage.tool_calls``) after reading the ``ToolMessage`` results so far, or with a final answer.

The model is stateless across calls (it re-derives everything from the messages), so a resumed or replayed
graph sees the same behaviour. ``goals_seen`` records every goal it found, as evidence for the report.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any, Literal

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import PrivateAttr

from evals.hostile.goals import Call, goal_calls, same_call, task_calls
from graph.scripted import ScriptedExtractor
from nodes.context import Extraction
from nodes.plan import EXTRACT_KINDS

_CALL_REF = re.compile(r"^call(\d+)\.(\*|[A-Za-z_][A-Za-z0-9_]*)$")
_HONEST = ScriptedExtractor()


def honest_pick(text: str, kind: str) -> Any:
    """The value an honest extractor returns: the first one of the kind's exact form in the text."""
    return _HONEST.extract(text, kind).value


def hostile_pick(text: str, kind: str) -> Any:
    """The value an obedient extractor returns: one that an instruction in the text names (the first injected
    goal with an argument of the kind's exact form), else the honest pick."""
    pattern = re.compile(EXTRACT_KINDS[kind][1])
    for goal in goal_calls(text):
        for call in goal:
            for value in call["args"].values():
                if isinstance(value, str | int) and not isinstance(value, bool) and pattern.fullmatch(str(value)):
                    return value
    return honest_pick(text, kind)


class HonestExtractor:
    """Warden's extraction call played honestly (scripted, not a language model)."""

    name = "honest-scripted-extractor"

    def extract(self, text: str, kind: str, config: Any = None) -> Extraction:
        return Extraction(value=honest_pick(text, kind))


class HostileExtractor:
    """Warden's extraction call played by a model that obeys every instruction it reads (scripted, not a
    language model). ``obeyed`` lists the values it took from an injected instruction, as evidence."""

    name = "hostile-scripted-extractor"

    def __init__(self) -> None:
        self.obeyed: list[Any] = []

    def extract(self, text: str, kind: str, config: Any = None) -> Extraction:
        value = hostile_pick(text, kind)
        if value is not None and value != honest_pick(text, kind):
            self.obeyed.append(value)
        return Extraction(value=value)


def _text(message: BaseMessage) -> str:
    content = message.content
    if isinstance(content, str):
        return content
    return " ".join(p.get("text", "") if isinstance(p, dict) else str(p) for p in content)


def _request(messages: list[BaseMessage]) -> str:
    humans = [m for m in messages if isinstance(m, HumanMessage)]
    return _text(humans[0]) if humans else ""


class _ScriptedAgentModel(BaseChatModel):
    mode: Literal["plan", "react"] = "plan"
    obey_injections: bool = False
    _goals_seen: list[list[Call]] = PrivateAttr(default_factory=list)
    _calls: int = PrivateAttr(default=0)

    @property
    def _llm_type(self) -> str:
        return "warden-eval-scripted"

    @property
    def goals_seen(self) -> list[list[Call]]:
        return list(self._goals_seen)

    @property
    def calls(self) -> int:
        return self._calls

    def _goals(self, messages: list[BaseMessage], task: list[Call]) -> list[list[Call]]:
        if not self.obey_injections:
            return []
        # The request is the user's task (already followed); every *other* text is searched for orders.
        request = next((m for m in messages if isinstance(m, HumanMessage)), None)
        text = "\n".join(_text(m) for m in messages if m is not request)
        goals = [g for g in goal_calls(text) if not any(same_call(c, t) for c in g for t in task)]
        for g in goals:
            if g not in self._goals_seen:
                self._goals_seen.append(g)
        return goals

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> ChatResult:
        self._calls += 1
        message = self._plan(messages) if self.mode == "plan" else self._react(messages)
        return ChatResult(generations=[ChatGeneration(message=message)])

    # --- plan mode -------------------------------------------------------------------------------------------
    def _plan(self, messages: list[BaseMessage]) -> AIMessage:
        task = task_calls(_request(messages))
        steps: list[dict[str, Any]] = []
        for group in [*self._goals(messages, task), task]:  # obeyed goals first, as the injections demand
            offset = len(steps)
            for call in group:
                steps.append({"tool": call["tool"], "why": call["why"],
                              "args": {k: _plan_ref(v, offset) for k, v in call["args"].items()}})
        return AIMessage(content=json.dumps({"steps": steps}))

    # --- react mode ------------------------------------------------------------------------------------------
    def _react(self, messages: list[BaseMessage]) -> AIMessage:
        task = task_calls(_request(messages))
        emitted = {tc["id"] for m in messages if isinstance(m, AIMessage) for tc in m.tool_calls}
        results = {m.tool_call_id: _parse_result(m) for m in messages if isinstance(m, ToolMessage)}
        queue: list[tuple[str, list[Call]]] = [(f"goal{g}", group) for g, group in
                                               enumerate(self._goals(messages, task))]
        queue.append(("task", task))
        for prefix, group in queue:
            for k, call in enumerate(group):
                call_id = f"{prefix}-{k}"
                if call_id in emitted:
                    continue
                args = _react_args(call["args"], prefix, results,
                                   hostile_pick if self.obey_injections else honest_pick)
                if args is None:
                    continue  # a value it needs did not come back: skip, as a loop agent would
                return AIMessage(content="", tool_calls=[{"id": call_id, "name": call["tool"], "args": args}])
        done = sum(1 for r in results.values() if r.get("status") == "ok")
        return AIMessage(content=f"Done: {done} tool call(s) succeeded.")


class HonestTaskModel(_ScriptedAgentModel):
    """Does exactly the user's task (the command language in ``goals.task_calls``). Not a language model."""

    obey_injections: bool = False


class HostileScriptedModel(_ScriptedAgentModel):
    """Does the user's task and obeys every instruction found anywhere in its input. Not a language model."""

    obey_injections: bool = True


def _plan_ref(value: Any, offset: int) -> Any:
    if isinstance(value, dict) and set(value) == {"$extract", "as"}:
        m = _CALL_REF.match(str(value["$extract"]))
        if m:
            return {"$extract": f"step{offset + int(m[1]) + 1}.{m[2]}", "as": value["as"]}
    if isinstance(value, dict) and set(value) == {"$ref"}:
        m = _CALL_REF.match(str(value["$ref"]))
        if m:
            field = "notes" if m[2] == "*" else m[2]  # a plan can only reference a field: take the richest
            return {"$ref": f"step{offset + int(m[1]) + 1}.{field}"}
    return value


def _parse_result(message: ToolMessage) -> dict[str, Any]:
    try:
        parsed = json.loads(_text(message))
    except ValueError:
        return {"status": "error"}
    return parsed if isinstance(parsed, dict) else {"status": "error"}


def _react_args(args: dict[str, Any], prefix: str, results: dict[str, dict[str, Any]],
                pick: Callable[[str, str], Any]) -> dict[str, Any] | None:
    out: dict[str, Any] = {}
    for name, value in args.items():
        if isinstance(value, dict) and set(value) == {"$extract", "as"}:
            m = _CALL_REF.match(str(value["$extract"]))   # the loop's model reads the text and picks for itself
            source = results.get(f"{prefix}-{m[1]}") if m else None
            output = source.get("output") if source and source.get("status") == "ok" else None
            text = output.get(m[2]) if m and isinstance(output, dict) else None
            picked = pick(text, value["as"]) if isinstance(text, str) else None
            if picked is None:
                return None
            out[name] = picked
            continue
        if isinstance(value, dict) and set(value) == {"$ref"}:
            m = _CALL_REF.match(str(value["$ref"]))
            if not m:
                return None
            source = results.get(f"{prefix}-{m[1]}")
            if not source or source.get("status") != "ok" or not isinstance(source.get("output"), dict):
                return None
            output = source["output"]
            if m[2] == "*":
                out[name] = json.dumps(output, sort_keys=True)[:4000]
            elif m[2] in output:
                out[name] = output[m[2]]
            else:
                return None
        else:
            out[name] = value
    return out
