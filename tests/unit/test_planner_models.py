"""``JsonPlanner`` turns any reply of a (scripted, hostile or broken) model into a ``PlannerOutput``: a parsed
object, or a structured error the planner node can show the model; never an exception."""

from __future__ import annotations

from langchain_core.messages import HumanMessage

from graph.models import JsonPlanner
from graph.scripted import ScriptedChatModel


def _plan(reply: str) -> tuple[object, str | None]:
    out = JsonPlanner(ScriptedChatModel(responses=[reply])).plan([HumanMessage("show customer cus_acme_001")], [])
    return out.parsed, out.error


def test_a_json_object_is_parsed() -> None:
    assert _plan('{"steps": []}') == ({"steps": []}, None)


def test_bad_replies_are_structured_errors() -> None:
    assert _plan("sure, here is the plan")[1].startswith("reply is not JSON: ")  # type: ignore[union-attr]
    assert _plan("[1, 2]") == (None, "reply is not a JSON object")
    deep = '{"steps": ' + "[" * 100_000 + "]" * 100_000 + "}"
    assert _plan(deep) == (None, "reply is not JSON: nested too deeply")
