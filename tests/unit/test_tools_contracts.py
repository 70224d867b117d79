# ruff: noqa: F811  (pytest fixtures are imported from tools_fixtures; parameters re-bind them)
"""Tool contracts: strict schemas, bounded fields, versions, catalogue, untrusted-output marking."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine

from tests.unit.tools_fixtures import AGENT, AUDITOR, FINANCE, engine, registry, validate  # noqa: F401
from tools.errors import ToolError
from tools.registry import ToolRegistry
from tools.spec import ToolSpec, ValidatedCall

REFUND_V2 = {
    "order_id": "ord_acme_001_1",
    "amount_cents": 1000,
    "reason": "dup",
    "reason_code": "duplicate_charge",
}
REFUND_V1 = {"order_id": "ord_acme_001_1", "amount_cents": 1000, "reason": "dup"}


def _all_specs(registry: ToolRegistry) -> list[ToolSpec]:
    out = []
    for name in registry.names():
        for v in registry.versions(name):
            spec = registry.get(name, v)
            assert isinstance(spec, ToolSpec)
            out.append(spec)
    return out


def test_names_are_the_external_contract(registry: ToolRegistry) -> None:
    assert registry.names() == [
        "get_customer",
        "get_ticket",
        "issue_refund",
        "list_orders",
        "send_email",
        "update_ticket",
    ]
    fields = {}
    for name in registry.names():
        spec = registry.get(name, 1)
        assert isinstance(spec, ToolSpec)
        fields[name] = list(spec.input_model.model_fields)
    assert fields == {
        "get_customer": ["customer_id"],
        "list_orders": ["customer_id"],
        "get_ticket": ["ticket_id"],
        "update_ticket": ["ticket_id", "status", "note"],
        "issue_refund": ["order_id", "amount_cents", "reason"],
        "send_email": ["to", "subject", "body"],
    }


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({**REFUND_V2, "amount_cents": "12"}, "amount_cents"),  # no str -> int coercion
        ({**REFUND_V2, "amount_cents": 12.0}, "amount_cents"),  # no float -> int coercion
        ({**REFUND_V2, "amount_cents": True}, "amount_cents"),  # bool is not an int here
        ({**REFUND_V2, "amount_cents": 0}, "amount_cents"),
        ({**REFUND_V2, "amount_cents": -500}, "amount_cents"),
        ({**REFUND_V2, "amount_cents": 10**12}, "amount_cents"),
        ({**REFUND_V2, "approved_by": "finance"}, "approved_by"),  # extra field rejected
        ({**REFUND_V2, "reason": "x" * 501}, "reason"),
        ({**REFUND_V2, "reason_code": "because"}, "reason_code"),
        ({**REFUND_V2, "order_id": "ord_acme_001_1; DROP TABLE orders"}, "order_id"),
        ({k: v for k, v in REFUND_V2.items() if k != "order_id"}, "order_id"),
    ],
)
def test_strict_validation(registry: ToolRegistry, engine: Engine, args: dict[str, Any], field: str) -> None:
    err = validate(registry, engine, AGENT, "issue_refund", args)
    assert isinstance(err, ToolError)
    assert (err.error, err.field, err.retryable) == ("validation_error", field, False)


def test_non_dict_args_are_a_validation_error(registry: ToolRegistry, engine: Engine) -> None:
    err = validate(registry, engine, AGENT, "get_customer", ["cus_acme_001"])  # type: ignore[arg-type]
    assert isinstance(err, ToolError) and err.error == "validation_error"


def test_every_input_string_and_int_is_bounded(registry: ToolRegistry) -> None:
    """Unbounded fields make grammar-constrained decoders loop; every input must be bounded."""

    def walk(schema: dict[str, Any], defs: dict[str, Any], where: str) -> None:
        if "$ref" in schema:
            walk(defs[schema["$ref"].split("/")[-1]], defs, where)
            return
        t = schema.get("type")
        if t == "string" and "enum" not in schema and "const" not in schema:
            assert "maxLength" in schema, where
        if t == "integer":
            assert "maximum" in schema and ("minimum" in schema or "exclusiveMinimum" in schema), where
        for k, sub in schema.get("properties", {}).items():
            walk(sub, defs, f"{where}.{k}")
        for sub in schema.get("anyOf", []):
            walk(sub, defs, where)

    for spec in _all_specs(registry):
        schema = spec.input_model.model_json_schema()
        assert schema.get("additionalProperties") is False, spec.ref
        walk(schema, schema.get("$defs", {}), spec.ref)


def test_output_models_are_strict_too(registry: ToolRegistry) -> None:
    for spec in _all_specs(registry):
        cfg = spec.output_model.model_config
        assert cfg.get("strict") is True and cfg.get("extra") == "forbid", spec.ref


def test_versions_side_by_side_latest_is_default(registry: ToolRegistry, engine: Engine) -> None:
    assert registry.versions("issue_refund") == [1, 2]
    latest = registry.get("issue_refund")
    assert isinstance(latest, ToolSpec) and latest.version == 2

    v2 = validate(registry, engine, AGENT, "issue_refund", REFUND_V2)
    assert isinstance(v2, ValidatedCall) and v2.version == 2
    v1 = validate(registry, engine, AGENT, "issue_refund", REFUND_V1, version=1)
    assert isinstance(v1, ValidatedCall) and v1.version == 1

    # The published contract issue_refund(order_id, amount_cents, reason) stays valid on the default @2
    # (reason_code is optional there) ...
    compat = validate(registry, engine, AGENT, "issue_refund", REFUND_V1)
    assert isinstance(compat, ValidatedCall) and compat.version == 2
    assert compat.args_dict["reason_code"] is None
    # ... @2 checks the code against its enum ...
    err = validate(registry, engine, AGENT, "issue_refund", {**REFUND_V2, "reason_code": "because"})
    assert isinstance(err, ToolError) and (err.error, err.field) == ("validation_error", "reason_code")
    # ... and @1 does not know the argument at all.
    err = validate(registry, engine, AGENT, "issue_refund", REFUND_V2, version=1)
    assert isinstance(err, ToolError) and (err.error, err.field) == ("validation_error", "reason_code")


def test_unknown_tool_and_version(registry: ToolRegistry, engine: Engine) -> None:
    err = validate(registry, engine, AGENT, "delete_customer", {"customer_id": "cus_acme_001"})
    assert isinstance(err, ToolError) and err.error == "unknown_tool"
    err = validate(registry, engine, AGENT, "issue_refund", REFUND_V2, version=7)
    assert isinstance(err, ToolError) and err.error == "unknown_version"


def test_duplicate_registration_refused(registry: ToolRegistry) -> None:
    spec = registry.get("get_customer")
    assert isinstance(spec, ToolSpec)
    with pytest.raises(ValueError):
        registry.register(spec)


def test_catalogue_is_latest_versions_the_principal_may_call(registry: ToolRegistry) -> None:
    assert [s.ref for s in registry.catalogue(AUDITOR)] == ["get_customer@1", "get_ticket@1", "list_orders@1"]
    assert [s.ref for s in registry.catalogue(FINANCE)] == [
        "get_customer@1",
        "get_ticket@1",
        "issue_refund@2",
        "list_orders@1",
        "send_email@1",
    ]
    assert "update_ticket@1" in [s.ref for s in registry.catalogue(AGENT)]


def test_read_outputs_flag_untrusted_text(registry: ToolRegistry) -> None:
    def spec(name: str) -> ToolSpec:
        s = registry.get(name)
        assert isinstance(s, ToolSpec)
        return s

    assert {"notes"} <= spec("get_customer").untrusted_output_fields
    assert {"subject", "body"} <= spec("get_ticket").untrusted_output_fields
    for s in _all_specs(registry):  # every flagged field really is an output field
        assert s.untrusted_output_fields <= set(s.output_model.model_fields), s.ref
    card = spec("get_ticket").describe()
    assert card["untrusted_output_fields"] == ["body", "notes", "subject"] and card["tier"] == "read"


def test_tiers_and_approval_presence(registry: ToolRegistry) -> None:
    tiers = {}
    for name in registry.names():
        s = registry.get(name)
        assert isinstance(s, ToolSpec)
        tiers[name] = (s.tier, any("no approval" not in rule for rule in registry.policy.summary(s)))
    assert tiers == {
        "get_customer": ("read", False),
        "list_orders": ("read", False),
        "get_ticket": ("read", False),
        "update_ticket": ("write", False),
        "issue_refund": ("high_impact", True),
        "send_email": ("external", True),
    }
