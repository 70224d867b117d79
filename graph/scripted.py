"""``ScriptedChatModel``: a deterministic, rule-based stand-in for an LLM. It is NOT a language model.

It exists so that behaviour tests, benchmarks and offline demos can drive the real graph with zero latency and
known plans (select it with ``WARDEN_MODEL_PROVIDER=scripted``). Two modes:

- ``responses=[...]``: returns those strings in order (then the last one again) — tests script exact plans,
  including invalid ones, to exercise validation and repair.
- rules (default): reads the user's request (the last human message that is not a planner error/replan note)
  and emits a plan JSON for a small command language, e.g. ``refund 1500 cents on order ord_acme_001_1``,
  ``show customer cus_acme_001``, ``list orders for cus_acme_001``, ``show ticket tkt_acme_001``,
  ``close ticket tkt_acme_001``, ``email customer cus_acme_001 about "Subject" saying "Body"``,
  ``email someone@example.com about "Subject" saying "Body"``, ``refund 500 cents on the order mentioned in
  ticket tkt_acme_005`` (a ``$extract`` slot); clauses joined with " and " or ";".

``ScriptedExtractor`` is the matching stand-in for the quarantined extraction model.
"""

from __future__ import annotations

import json
import re
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import Field, PrivateAttr

from nodes.context import Extraction
from nodes.plan import EXTRACT_KINDS

_RULES: tuple[tuple[re.Pattern[str], Any], ...] = (
    (re.compile(r"refund (\d+) cents? (?:on|for) the order (?:mentioned |named |written )?in ticket (\S+)",
                re.IGNORECASE),
     lambda m: [_step("get_ticket", {"ticket_id": m[2]}, "read the ticket that names the order"),
                _step("issue_refund", {"order_id": {"$extract": "step{n}.body", "as": "order_id"},
                                       "amount_cents": int(m[1]), "reason": "customer request"},
                      "user asked to refund the order the ticket names")]),
    (re.compile(r"refund (\d+) cents? (?:on|for|of|to) order (\S+)", re.IGNORECASE),
     lambda m: [_step("issue_refund", {"order_id": m[2], "amount_cents": int(m[1]),
                                       "reason": "customer request"}, "user asked for a refund")]),
    (re.compile(r"show customer (\S+)|get customer (\S+)|look up customer (\S+)", re.IGNORECASE),
     lambda m: [_step("get_customer", {"customer_id": m[1] or m[2] or m[3]}, "user asked for the customer")]),
    (re.compile(r"(?:list )?orders (?:for|of) (\S+)", re.IGNORECASE),
     lambda m: [_step("list_orders", {"customer_id": m[1]}, "user asked for the orders")]),
    (re.compile(r"(?:close|resolve) ticket (\S+)", re.IGNORECASE),
     lambda m: [_step("update_ticket", {"ticket_id": m[1], "status": "closed", "note": "closed on request"},
                      "user asked to close the ticket")]),
    (re.compile(r"show ticket (\S+)|get ticket (\S+)", re.IGNORECASE),
     lambda m: [_step("get_ticket", {"ticket_id": m[1] or m[2]}, "user asked for the ticket")]),
    (re.compile(r'email customer (\S+) about "([^"]*)" saying "([^"]*)"', re.IGNORECASE),
     lambda m: [_step("get_customer", {"customer_id": m[1]}, "find the customer's address"),
                _step("send_email", {"to": {"$ref": "step{n}.email"}, "subject": m[2], "body": m[3]},
                      "user asked to email the customer")]),
    (re.compile(r'email (\S+@\S+) about "([^"]*)" saying "([^"]*)"', re.IGNORECASE),
     lambda m: [_step("send_email", {"to": m[1], "subject": m[2], "body": m[3]}, "user asked to send an email")]),
)


def _slot(value: dict[str, Any]) -> str | None:
    return next((k for k in ("$ref", "$extract") if k in value), None)


def _step(tool: str, args: dict[str, Any], why: str) -> dict[str, Any]:
    return {"tool": tool, "args": args, "why": why}


def plan_for(request: str) -> dict[str, Any]:
    """The rule-based plan for a request in the small command language (see module docstring)."""
    steps: list[dict[str, Any]] = []
    for clause in re.split(r";|\band then\b|\band\b(?=\s+(?:refund|show|get|list|close|resolve|email|look))",
                           request, flags=re.IGNORECASE):
        for pattern, make in _RULES:
            m = pattern.search(clause)
            if m:
                made = make(m)
                offset = len(steps)
                for s in made:  # a $ref / $extract "step{n}" points at the first step this clause added
                    s["args"] = {k: ({**v, slot: v[slot].replace("{n}", str(offset + 1))}
                                     if isinstance(v, dict) and (slot := _slot(v)) else v)
                                 for k, v in s["args"].items()}
                steps.extend(made)
                break
    return {"steps": steps}


class ScriptedChatModel(BaseChatModel):
    """Deterministic rule-based chat model (see module docstring). Honest name: no model is called."""

    responses: list[str] = Field(default_factory=list)
    _calls: int = PrivateAttr(default=0)

    @property
    def _llm_type(self) -> str:
        return "warden-scripted"

    @property
    def calls(self) -> int:
        return self._calls

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        self._calls += 1
        if self.responses:
            content = self.responses[min(self._calls - 1, len(self.responses) - 1)]
        else:
            humans = [m for m in messages if isinstance(m, HumanMessage)]
            request = str(humans[0].content) if humans else ""
            content = json.dumps(plan_for(request))
        tokens_in = sum(len(str(m.content)) for m in messages) // 4
        message = AIMessage(content=content, usage_metadata={
            "input_tokens": tokens_in, "output_tokens": len(content) // 4,
            "total_tokens": tokens_in + len(content) // 4})
        return ChatResult(generations=[ChatGeneration(message=message)])


class ScriptedExtractor:
    """A deterministic stand-in for the quarantined extraction model. It is NOT a language model: it returns the
    first value in the text that has the kind's exact form (``nodes.plan.EXTRACT_KINDS``) — what an honest model
    would pick when the text names one such value — and reads no instruction."""

    name = "scripted-extractor"

    def extract(self, text: str, kind: str, config: Any = None) -> Extraction:
        pattern = EXTRACT_KINDS[kind][1]
        m = re.search(rf"(?<![A-Za-z0-9_@.]){pattern}(?![A-Za-z0-9_@])", text)
        return Extraction(value=m.group(0) if m else None)
