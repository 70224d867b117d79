"""The plan: its public JSON shape, its validation, and the structured-output schema given to the model.

Public shape (a contract other systems rely on)::

    {"steps": [{"tool": "<tool name>", "args": {...}, "why": "<text>"}]}

Optional per-step ``version`` pins a tool version; an accepted plan always records the version it was
validated against, and the executor runs exactly that version. An argument may be a reference to an earlier
step's output, ``{"$ref": "step1.email"}``: data can fill a declared slot, never add or change a step.
"""

from __future__ import annotations

import re
from typing import Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from tools.spec import ToolSpec

REF_KEY = "$ref"
_REF_RE = re.compile(r"^step(\d+)\.([A-Za-z_][A-Za-z0-9_]*)$")


class PlanStep(BaseModel):
    model_config = ConfigDict(extra="ignore")
    tool: str = Field(min_length=1, max_length=64)
    args: dict[str, Any] = Field(default_factory=dict)
    why: str = Field(default="", max_length=500)
    version: int | None = Field(default=None, ge=1)


class Plan(BaseModel):
    model_config = ConfigDict(extra="ignore")
    steps: list[PlanStep] = Field(default_factory=list)


def parse_ref(value: Any) -> tuple[int, str] | None:
    """``{"$ref": "step2.email"}`` -> (1, "email") (0-based step index); anything else -> None."""
    if isinstance(value, dict) and set(value) == {REF_KEY} and isinstance(value[REF_KEY], str):
        m = _REF_RE.match(value[REF_KEY].strip())
        if m:
            return int(m.group(1)) - 1, m.group(2)
    return None


def ref_fields(args: dict[str, Any]) -> dict[str, tuple[int, str]]:
    return {k: ref for k, v in args.items() if (ref := parse_ref(v)) is not None}


def pydantic_errors(exc: ValidationError, prefix: str) -> list[dict[str, Any]]:
    return [
        {
            "error": "validation_error",
            "message": e["msg"],
            "field": ".".join([prefix, *(str(p) for p in e["loc"])]) if prefix else ".".join(str(p) for p in e["loc"]),
            "retryable": False,
        }
        for e in exc.errors()
    ]


class _Ref(BaseModel):
    """The model-facing form of a reference, ``{"ref": "step1.email"}``; a property literally named ``$ref``
    would be taken for a JSON-schema reference by schema tooling. ``from_model_output`` maps it to ``$ref``."""

    model_config = ConfigDict(extra="forbid")
    ref: str = Field(max_length=40, pattern=r"^step[1-9]\.[a-z_]{1,30}$")


def from_model_output(plan: dict[str, Any]) -> dict[str, Any]:
    """Turn a structured-output plan into the public shape: ``{"ref": x}`` argument values become ``{"$ref": x}``."""
    for step in plan.get("steps", []):
        args = step.get("args")
        if isinstance(args, dict):
            step["args"] = {k: ({REF_KEY: v["ref"]} if isinstance(v, dict) and set(v) == {"ref"} else v)
                            for k, v in args.items()}
    return plan


_SCHEMAS: dict[tuple[tuple[str, int], ...], type[BaseModel]] = {}  # pure memo: same catalogue, same schema


def _schema_for(specs: tuple[ToolSpec, ...]) -> type[BaseModel]:
    step_models: list[type[BaseModel]] = []
    for spec in specs:
        fields: dict[str, Any] = {}
        for fname, finfo in spec.input_model.model_fields.items():
            fields[fname] = (Union[finfo.annotation, _Ref], finfo)  # noqa: UP007 - runtime union of types
        args_model = create_model(f"{spec.name}_args", __config__=ConfigDict(extra="forbid"), **fields)
        step_models.append(
            create_model(
                f"{spec.name}_step",
                __config__=ConfigDict(extra="forbid"),
                tool=(Literal[spec.name], ...),  # type: ignore[valid-type]
                args=(args_model, ...),
                why=(str, Field(max_length=160)),
            )
        )
    union = Union[tuple(step_models)] if step_models else None  # type: ignore[valid-type]  # noqa: UP007
    return create_model("PlanOutput", steps=(list[union], Field(max_length=6)))  # type: ignore[valid-type]


def output_schema(catalogue: list[ToolSpec]) -> type[BaseModel]:
    """The structured-output model for this catalogue: tool names as Literals, every string length-capped.

    Grammar-constrained local models loop until the token limit unless strings and lists are bounded.
    """
    specs = tuple(sorted(catalogue, key=lambda s: s.name))
    key = tuple((s.name, s.version) for s in specs)
    if key not in _SCHEMAS:
        _SCHEMAS[key] = _schema_for(specs)
    return _SCHEMAS[key]
