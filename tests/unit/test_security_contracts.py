# ruff: noqa: F811  (pytest fixtures are imported from tools_fixtures; parameters re-bind them)
"""Issue 5, contracts: strict schemas name the exact field, validation runs in the documented order, every id is
checked against the principal's tenant, and every failure is a ToolError value with the right ``retryable``."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine

from governance.auth import Principal
from tests.unit.tools_fixtures import AGENT, AUDITOR, GLOBEX_AGENT, dump, engine, registry, validate  # noqa: F401
from tools.errors import ToolError
from tools.registry import ToolRegistry
from tools.spec import ToolSpec, ValidatedCall

VALID: dict[str, dict[str, Any]] = {
    "get_customer": {"customer_id": "cus_acme_001"},
    "list_orders": {"customer_id": "cus_acme_001"},
    "get_ticket": {"ticket_id": "tkt_acme_001"},
    "update_ticket": {"ticket_id": "tkt_acme_002", "status": "pending", "note": "checked"},
    "issue_refund": {"order_id": "ord_acme_001_1", "amount_cents": 100, "reason": "dup"},
    "send_email": {"to": "ada.lovelace@acme-client.example", "subject": "Hello", "body": "Hi"},
}

# (tool, a change to the valid args, the field the error must name)
STRICT_CASES: list[tuple[str, dict[str, Any], str]] = [
    ("get_customer", {"customer_id": 1}, "customer_id"),
    ("get_customer", {"extra": "x"}, "extra"),
    ("list_orders", {"customer_id": "CUS_ACME_001"}, "customer_id"),
    ("get_ticket", {"ticket_id": ["tkt_acme_001"]}, "ticket_id"),
    ("update_ticket", {"status": "deleted"}, "status"),
    ("update_ticket", {"note": ""}, "note"),
    ("update_ticket", {"note": None}, "note"),
    ("issue_refund", {"amount_cents": "12"}, "amount_cents"),
    ("issue_refund", {"amount_cents": 12.5}, "amount_cents"),
    ("issue_refund", {"amount_cents": True}, "amount_cents"),
    ("issue_refund", {"amount_cents": 0}, "amount_cents"),
    ("issue_refund", {"reason": 7}, "reason"),
    ("issue_refund", {"approved_by": "bob"}, "approved_by"),
    ("send_email", {"to": "nobody"}, "to"),
    ("send_email", {"subject": "Hi\nBcc: a@b.example"}, "subject"),
    ("send_email", {"body": "x" * 5001}, "body"),
    ("send_email", {"cc": "a@b.example"}, "cc"),
]


@pytest.mark.parametrize(("tool", "change", "field"), STRICT_CASES)
def test_strict_schema_rejection_names_the_exact_field(
    registry: ToolRegistry, engine: Engine, tool: str, change: dict[str, Any], field: str
) -> None:
    err = validate(registry, engine, AGENT, tool, {**VALID[tool], **change})
    assert isinstance(err, ToolError), err
    assert (err.error, err.field, err.retryable) == ("validation_error", field, False)


@pytest.mark.parametrize("tool", sorted(VALID))
def test_a_missing_required_field_is_named(registry: ToolRegistry, engine: Engine, tool: str) -> None:
    first = next(iter(VALID[tool]))
    err = validate(registry, engine, AGENT, tool, {k: v for k, v in VALID[tool].items() if k != first})
    assert isinstance(err, ToolError) and (err.error, err.field) == ("validation_error", first)


@pytest.mark.parametrize("tool", sorted(VALID))
def test_the_valid_payloads_are_valid(registry: ToolRegistry, engine: Engine, tool: str) -> None:
    assert isinstance(validate(registry, engine, AGENT, tool, VALID[tool]), ValidatedCall)


def test_validation_order_tool_version_role_shape_schema_invariants(registry: ToolRegistry, engine: Engine) -> None:
    bad_everything = {"order_id": "ord_globex_003_1", "amount_cents": "x", "nope": 1}
    steps = [
        (AGENT, "issue_refundz", None, bad_everything, ("unknown_tool", "tool")),
        (AGENT, "issue_refund", 9, bad_everything, ("unknown_version", "version")),
        (AUDITOR, "issue_refund", 2, bad_everything, ("forbidden", "tool")),
        (AGENT, "issue_refund", 2, ["not", "an", "object"], ("validation_error", "args")),
        (AGENT, "issue_refund", 2, bad_everything, ("validation_error", "amount_cents")),
        (AGENT, "issue_refund", 2, {**VALID["issue_refund"], "order_id": "ord_globex_003_1"},
         ("not_found", "order_id")),
        (AGENT, "issue_refund", 2, {**VALID["issue_refund"], "amount_cents": 10_000_000},
         ("invariant_violated", "amount_cents")),
    ]
    for who, tool, version, args, expected in steps:
        err = validate(registry, engine, who, tool, args, version=version)
        assert isinstance(err, ToolError) and (err.error, err.field) == expected, (tool, version, err)


ID_FIELDS = [("get_customer", "customer_id", "cus_globex_001"), ("list_orders", "customer_id", "cus_globex_001"),
             ("get_ticket", "ticket_id", "tkt_globex_001"), ("update_ticket", "ticket_id", "tkt_globex_002"),
             ("issue_refund", "order_id", "ord_globex_001_1")]


@pytest.mark.parametrize(("tool", "field", "foreign"), ID_FIELDS)
def test_every_id_must_belong_to_the_principals_tenant(
    registry: ToolRegistry, engine: Engine, tool: str, field: str, foreign: str
) -> None:
    before = dump(engine)
    err = validate(registry, engine, AGENT, tool, {**VALID[tool], field: foreign})
    assert isinstance(err, ToolError) and (err.error, err.field, err.retryable) == ("not_found", field, False)
    # and the same id is fine for its own tenant: the refusal is about tenancy, not the id
    own = validate(registry, engine, GLOBEX_AGENT, tool, {**VALID[tool], field: foreign})
    assert isinstance(own, ValidatedCall), own
    assert dump(engine) == before


def test_versions_side_by_side_each_with_its_own_contract(registry: ToolRegistry, engine: Engine) -> None:
    with_code = {**VALID["issue_refund"], "reason_code": "goodwill"}
    v1 = validate(registry, engine, AGENT, "issue_refund", with_code, version=1)
    assert isinstance(v1, ToolError) and (v1.error, v1.field) == ("validation_error", "reason_code")
    v2 = validate(registry, engine, AGENT, "issue_refund", with_code, version=2)
    assert isinstance(v2, ValidatedCall) and v2.spec.ref == "issue_refund@2"
    old = validate(registry, engine, AGENT, "issue_refund", VALID["issue_refund"], version=1)
    assert isinstance(old, ValidatedCall) and old.spec.ref == "issue_refund@1"


def test_every_description_states_its_failure_modes(registry: ToolRegistry) -> None:
    for spec in registry.all_specs():
        assert isinstance(spec, ToolSpec)
        assert "Fails with" in spec.description or "fails with" in spec.description, spec.ref


def test_a_principal_without_roles_gets_nothing(registry: ToolRegistry, engine: Engine) -> None:
    nobody = Principal("acme", "eve", ())
    for tool, args in VALID.items():
        err = validate(registry, engine, nobody, tool, args)
        assert isinstance(err, ToolError) and err.error == "forbidden", tool
    assert registry.catalogue(nobody) == []
