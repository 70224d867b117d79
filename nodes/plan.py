"""The plan: its public JSON shape, its validation, and the structured-output schema given to the model.

Public shape (a contract other systems rely on)::

    {"steps": [{"tool": "<tool name>", "args": {...}, "why": "<text>"}]}

Optional per-step ``version`` pins a tool version; an accepted plan always records the version it was
validated against, and the executor runs exactly that version. An argument may be a reference to an earlier
step's output, ``{"$ref": "step1.email"}``: data can fill a declared slot, never add or change a step. Or a
*quarantined extraction* from an earlier step's text, ``{"$extract": "step1.body", "as": "order_id"}``: a model
call with a fixed output schema and no tools reads that text and returns one value of a fixed kind
(``EXTRACT_KINDS``), checked against the kind's pattern; the value is always tainted (it came from text an
outsider may have written), so a write with it always goes to a human who sees it marked.
"""

from __future__ import annotations

import re
from typing import Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from tools.spec import ToolSpec

REF_KEY = "$ref"
EXTRACT_KEY = "$extract"
_REF_RE = re.compile(r"^step(\d+)\.([A-Za-z_][A-Za-z0-9_]*)$")

# What an extraction may return, by kind: the value's JSON type and a full-match pattern. Nothing else leaves
# the extraction call, so an injection in the text can at most choose *which* well-formed value of this kind.
EXTRACT_KINDS: dict[str, tuple[type, str]] = {
    # ids as the tools accept them (tools.spec), in bounded segments: a grammar-constrained decoder given an
    # unbounded run of [a-z0-9_] can loop on underscores until its token limit (measured on SmolLM2).
    "order_id": (str, r"ord_[a-z0-9]{1,24}(?:_[a-z0-9]{1,8}){0,3}"),
    "customer_id": (str, r"cus_[a-z0-9]{1,24}(?:_[a-z0-9]{1,8}){0,3}"),
    "ticket_id": (str, r"tkt_[a-z0-9]{1,24}(?:_[a-z0-9]{1,8}){0,3}"),
    "email": (str, r"[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,4}\.[A-Za-z]{2,24}"),
    "amount_cents": (int, r"[1-9][0-9]{0,8}"),
}


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


def parse_extract(value: Any) -> tuple[int, str, str] | None:
    """``{"$extract": "step1.body", "as": "order_id"}`` -> (0, "body", "order_id"); anything else -> None."""
    if isinstance(value, dict) and set(value) == {EXTRACT_KEY, "as"} and isinstance(value[EXTRACT_KEY], str) \
            and value["as"] in EXTRACT_KINDS:
        m = _REF_RE.match(value[EXTRACT_KEY].strip())
        if m:
            return int(m.group(1)) - 1, m.group(2), str(value["as"])
    return None


def checked_extraction(kind: str, value: Any) -> Any:
    """The extracted value if it is exactly of ``kind`` (type and full pattern), else None."""
    py_type, pattern = EXTRACT_KINDS[kind]
    if isinstance(value, str) and py_type is int and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, py_type):
        return None
    return value if re.fullmatch(pattern, str(value)) else None


def ref_fields(args: dict[str, Any]) -> dict[str, tuple[int, str]]:
    """Every data slot of a step's args (``$ref`` or ``$extract``): argument -> (source step index, field)."""
    out: dict[str, tuple[int, str]] = {}
    for k, v in args.items():
        if (ref := parse_ref(v)) is not None:
            out[k] = ref
        elif (ext := parse_extract(v)) is not None:
            out[k] = ext[:2]
    return out


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


class _Extract(BaseModel):
    """The model-facing form of an extraction, ``{"extract": "step1.body", "as": "order_id"}``."""

    model_config = ConfigDict(extra="forbid")
    extract: str = Field(max_length=40, pattern=r"^step[1-9]\.[a-z_]{1,30}$")
    as_: Literal["order_id", "customer_id", "ticket_id", "email", "amount_cents"] = Field(alias="as")


def _public_slot(v: Any) -> Any:
    if isinstance(v, dict) and set(v) == {"ref"}:
        return {REF_KEY: v["ref"]}
    if isinstance(v, dict) and set(v) == {"extract", "as"}:
        return {EXTRACT_KEY: v["extract"], "as": v["as"]}
    return v


def from_model_output(plan: dict[str, Any]) -> dict[str, Any]:
    """Turn a structured-output plan into the public shape: ``{"ref": x}`` becomes ``{"$ref": x}`` and
    ``{"extract": x, "as": k}`` becomes ``{"$extract": x, "as": k}``."""
    for step in plan.get("steps", []):
        args = step.get("args")
        if isinstance(args, dict):
            step["args"] = {k: _public_slot(v) for k, v in args.items()}
    return plan


_SCHEMAS: dict[tuple[tuple[str, int], ...], type[BaseModel]] = {}  # pure memo: same catalogue, same schema


def _schema_for(specs: tuple[ToolSpec, ...]) -> type[BaseModel]:
    step_models: list[type[BaseModel]] = []
    for spec in specs:
        fields: dict[str, Any] = {}
        for fname, finfo in spec.input_model.model_fields.items():
            fields[fname] = (Union[finfo.annotation, _Ref, _Extract], finfo)  # noqa: UP007 - runtime union
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
