"""Planner and extractor model factories: any OpenAI-compatible endpoint (the local SmolLM2 server by default) or the scripted
stand-in. Structured output uses ``method="json_schema"`` (grammar-constrained on llama.cpp servers); the
schema bounds every string and list and restricts tool names to the principal's catalogue.

A ``None`` parse is a value, not a crash: measured here, LangChain returns ``None`` without raising when the
server ignores the schema, and the planner turns that into a structured error and retries.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from langchain_core.runnables import Runnable, RunnableConfig
from langchain_openai import ChatOpenAI
from pydantic import BaseModel

from graph.scripted import ScriptedChatModel, ScriptedExtractor
from graph.settings import Settings
from nodes.context import Extraction, ExtractorModel, PlannerModel, PlannerOutput
from nodes.plan import EXTRACT_KINDS, from_model_output, output_schema
from nodes.prompts import EXTRACT_EXAMPLES, EXTRACTOR_SYSTEM
from tools.spec import ToolSpec


@dataclass
class StructuredPlanner:
    """Plans with ``with_structured_output(schema, method="json_schema", include_raw=True)``."""

    model: BaseChatModel
    name: str = "openai-compatible"
    _bound: dict[type[BaseModel], Runnable[Any, Any]] = field(default_factory=dict)

    def plan(
        self, messages: list[BaseMessage], catalogue: list[ToolSpec], config: RunnableConfig | None = None
    ) -> PlannerOutput:
        try:
            schema = output_schema(catalogue)
            if schema not in self._bound:
                self._bound[schema] = self.model.with_structured_output(
                    schema, method="json_schema", include_raw=True)
            out = self._bound[schema].invoke(messages, config)
        except Exception as exc:  # noqa: BLE001 - a failed model call is a planning error value, never a crash
            return PlannerOutput(parsed=None, raw=None, error=f"{type(exc).__name__}: {exc}"[:500])
        parsed = out.get("parsed")
        raw = out.get("raw") if isinstance(out.get("raw"), AIMessage) else None
        if isinstance(parsed, BaseModel):
            return PlannerOutput(parsed=from_model_output(parsed.model_dump(exclude_none=True, by_alias=True)), raw=raw)
        error = out.get("parsing_error")
        return PlannerOutput(parsed=None, raw=raw, error=str(error)[:500] if error else "no structured output")


@dataclass
class JsonPlanner:
    """Plans by parsing the model's reply as JSON; schema checks are left to the plan validator."""

    model: BaseChatModel
    name: str = "scripted"

    def plan(
        self, messages: list[BaseMessage], catalogue: list[ToolSpec], config: RunnableConfig | None = None
    ) -> PlannerOutput:
        raw = self.model.invoke(messages, config)
        try:
            parsed = json.loads(str(raw.content))
        except ValueError as exc:
            return PlannerOutput(parsed=None, raw=raw, error=f"reply is not JSON: {exc}")
        except RecursionError:
            return PlannerOutput(parsed=None, raw=raw, error="reply is not JSON: nested too deeply")
        if not isinstance(parsed, dict):
            return PlannerOutput(parsed=None, raw=raw, error="reply is not a JSON object")
        return PlannerOutput(parsed=parsed, raw=raw)


@dataclass
class StructuredExtractor:
    """The quarantined extraction call: the untrusted text and the kind go in, ``{"value": ...}`` comes out
    through ``with_structured_output(method="json_schema")`` with the kind's pattern in the schema. No tools are
    bound and nothing else of the run (request, plan, catalogue) is in its prompt."""

    model: BaseChatModel
    system: str = EXTRACTOR_SYSTEM
    name: str = "openai-compatible"
    _bound: dict[str, Runnable[Any, Any]] = field(default_factory=dict)

    def extract(self, text: str, kind: str, config: RunnableConfig | None = None) -> Extraction:
        py_type, pattern = EXTRACT_KINDS[kind]
        if kind not in self._bound:
            value_type = "integer" if py_type is int else "string"
            schema = {"title": f"extract_{kind}", "type": "object", "additionalProperties": False,
                      "required": ["value"],
                      "properties": {"value": {"anyOf": [{"type": value_type, **(
                          {"pattern": f"^{pattern}$", "maxLength": 160} if py_type is str else
                          {"minimum": 1, "maximum": 999_999_999})}, {"type": "null"}]}}}
            self._bound[kind] = self.model.with_structured_output(schema, method="json_schema", include_raw=True)
        messages = [SystemMessage(self.system.format(kind=kind, example=EXTRACT_EXAMPLES[kind])),
                    HumanMessage(f"<text>\n{text}\n</text>")]
        try:
            out = self._bound[kind].invoke(messages, config)
        except Exception as exc:  # noqa: BLE001 - a failed model call is an extraction error value, never a crash
            return Extraction(error=f"{type(exc).__name__}: {exc}"[:300])
        parsed = out.get("parsed")
        if not isinstance(parsed, dict):
            return Extraction(error="no structured output")
        return Extraction(value=parsed.get("value"))


def make_extractor(settings: Settings) -> ExtractorModel:
    if settings.model_provider == "scripted":
        return ScriptedExtractor()
    return StructuredExtractor(_chat(settings), name=f"openai-compatible:{settings.model_name}")


def _chat(settings: Settings) -> ChatOpenAI:
    return ChatOpenAI(
        model=settings.model_name,
        base_url=settings.effective_model_base_url,
        api_key=settings.model_api_key,
        timeout=settings.model_timeout_s,
        max_retries=settings.model_max_retries,
        max_completion_tokens=settings.model_max_tokens,
        temperature=0,
    )


def make_planner(settings: Settings) -> PlannerModel:
    if settings.model_provider == "scripted":
        return JsonPlanner(ScriptedChatModel())
    return StructuredPlanner(_chat(settings), name=f"openai-compatible:{settings.model_name}")
