# ruff: noqa: F811  (pytest fixtures are imported from tools_fixtures; parameters re-bind them)
"""Issue 5, the approval policy file: what the shipped policy asks for, and clear start-up errors for bad files."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from graph.runtime import make_deps
from graph.settings import Settings
from tests.unit.tools_fixtures import AGENT, engine, registry, validate  # noqa: F401
from tools.db import Order
from tools.effect_tools import EFFECT_TOOLS
from tools.policy import DEFAULT_POLICY_PATH, PolicyError, load_policy, parse_policy
from tools.read_tools import READ_TOOLS
from tools.registry import ToolRegistry
from tools.spec import ToolSpec, ValidatedCall

SPECS = [*READ_TOOLS, *EFFECT_TOOLS]
HEAD = 'version = 1\n[tainted]\napprovers = ["support_lead"]\nreason = "{tool} is tainted"\n'
COVER = ('[[rules]]\nname = "r"\ntool = "issue_refund"\napprovers = ["finance"]\nreason = "r"\n'
         '[[rules]]\nname = "e"\ntool = "send_email"\napprovers = ["admin"]\nreason = "e"\n'
         '[[rules]]\nname = "u"\ntool = "update_ticket"\napprovers = []\nreason = "u"\n')


def _call(registry: ToolRegistry, engine: Engine, tool: str, args: dict[str, object]) -> ValidatedCall:
    call = validate(registry, engine, AGENT, tool, args)
    assert isinstance(call, ValidatedCall), call
    return call


@pytest.mark.parametrize(("amount", "roles", "risk"), [
    (1, {"support_lead", "finance", "admin"}, "medium"),
    (50_000, {"support_lead", "finance", "admin"}, "medium"),
    (50_001, {"finance", "admin"}, "high"),
])
def test_every_refund_needs_approval_large_ones_finance(
    registry: ToolRegistry, engine: Engine, amount: int, roles: set[str], risk: str
) -> None:
    with Session(engine) as s:  # an acme order large enough for every amount
        big = s.scalars(select(Order.id).where(Order.tenant == "acme", Order.refunded_cents == 0,
                                               Order.amount_cents > 50_001).order_by(Order.id)).first()
    assert big is not None
    call = _call(registry, engine, "issue_refund", {"order_id": big, "amount_cents": amount, "reason": "r"})
    assert call.approval is not None
    assert (set(call.approval.approver_roles), call.approval.risk) == (roles, risk)
    assert call.approval.rule == ("large-refund" if amount > 50_000 else "refund")


def test_update_ticket_needs_no_approval_unless_tainted(registry: ToolRegistry, engine: Engine) -> None:
    args = {"ticket_id": "tkt_acme_002", "status": "pending", "note": "n"}
    assert _call(registry, engine, "update_ticket", args).approval is None
    with_taint = validate(registry, engine, AGENT, "update_ticket", args)
    assert isinstance(with_taint, ValidatedCall)
    spec = registry.get("update_ticket")
    assert isinstance(spec, ToolSpec)
    tainted = registry.policy.requirement(spec, args, tainted=True)
    assert tainted is not None and set(tainted.approver_roles) == {"support_lead", "admin"}
    read = registry.get("get_ticket")
    assert isinstance(read, ToolSpec)
    assert registry.policy.requirement(read, {"ticket_id": "tkt_acme_001"}, tainted=True) is None


def test_email_to_an_address_on_no_record_is_a_high_risk_approval(registry: ToolRegistry, engine: Engine) -> None:
    outside = _call(registry, engine, "send_email", {"to": "attacker@evil.example", "subject": "s", "body": "b"})
    assert outside.approval is not None and outside.approval.rule == "email-outside-record"
    assert outside.approval.risk == "high" and "attacker@evil.example" in outside.approval.reason
    on_record = _call(registry, engine, "send_email",
                      {"to": "ada.lovelace@acme-client.example", "subject": "s", "body": "b"})
    assert on_record.approval is not None and on_record.approval.rule == "email"


def test_a_deployment_can_relax_on_record_email_but_not_outside(engine: Engine) -> None:
    text = DEFAULT_POLICY_PATH.read_text().replace(
        'name = "email"\ntool = "send_email"\napprovers = ["support_lead", "admin"]',
        'name = "email"\ntool = "send_email"\napprovers = []')
    assert text != DEFAULT_POLICY_PATH.read_text()
    relaxed = ToolRegistry(SPECS, policy=parse_policy(text, specs=SPECS))
    on_record = _call(relaxed, engine, "send_email", {"to": "ada.lovelace@acme-client.example", "subject": "s",
                                                      "body": "b"})
    assert on_record.approval is None
    outside = _call(relaxed, engine, "send_email", {"to": "x@evil.example", "subject": "s", "body": "b"})
    assert outside.approval is not None and outside.approval.risk == "high"


def test_the_shipped_policy_loads() -> None:
    policy = load_policy(specs=SPECS)
    assert [r.name for r in policy.rules][:2] == ["large-refund", "refund"]


@pytest.mark.parametrize(("text", "message"), [
    ("version = 1\n[tainted\n", "not valid TOML"),
    (HEAD.replace("version = 1", "version = 2") + COVER, "version"),
    (HEAD + COVER.replace('["finance"]', '["financ"]'), "rules[0].approvers: unknown role(s) financ"),
    (HEAD + COVER.replace('tool = "issue_refund"', 'tool = "refund_all"'), "rules[0].tool: no tool named"),
    (HEAD + COVER.replace('name = "r"\n', 'name = "r"\nwhen.amount = { gt = 1 }\n'),
     "rules[0].when.amount: neither an argument nor a fact of issue_refund"),
    (HEAD + COVER.replace('name = "r"\n', 'name = "r"\nwhen.amount_cents = { gt = 1, lt = 5 }\n'),
     "exactly one operator"),
    (HEAD + COVER.replace('name = "r"\n', 'name = "r"\nwhen.amount_cents = { about = 1 }\n'), "about"),
    (HEAD + COVER.replace('reason = "r"', 'reason = "refund {amount}"'), "rules[0].reason: unknown placeholder"),
    (HEAD + COVER.replace('tool = "issue_refund"', 'tool = "issue_refund"\ntier = "write"'),
     "exactly one of tool or tier"),
    (HEAD + COVER.replace('name = "u"\ntool = "update_ticket"', 'name = "u"\ntool = "get_ticket"'),
     "no unconditional rule covers update_ticket@1"),
    (HEAD + COVER.replace('name = "r"\n', 'name = "r"\nwhen.amount_cents = { gt = 1 }\n'),
     "no unconditional rule covers issue_refund@1"),
    (HEAD + COVER + '[[rules]]\nname = "t"\ntier = "write"\nwhen.a = { eq = 1 }\n'
     'approvers = []\nreason = "t"\n', "tier rules take no conditions"),
    (HEAD.replace("{tool} is tainted", "{to} is tainted") + COVER, "tainted.reason"),
    (HEAD + COVER + "surprise = 1\n", "surprise"),
])
def test_a_bad_policy_file_is_a_clear_error(text: str, message: str) -> None:
    with pytest.raises(PolicyError) as err:
        parse_policy(text, specs=SPECS, source="p.toml")
    assert message in str(err.value) and str(err.value).startswith("p.toml")


def test_the_minimal_valid_file_parses() -> None:
    policy = parse_policy(HEAD + COVER, specs=SPECS)
    assert len(policy.rules) == 3


def test_start_up_refuses_a_bad_policy_file(tmp_path: Path, settings: Settings) -> None:
    bad = tmp_path / "approvals.toml"
    bad.write_text(HEAD + COVER.replace('["finance"]', '["root"]'))
    with pytest.raises(PolicyError, match=r"approvals.toml: rules\[0\].approvers: unknown role\(s\) root"):
        make_deps(settings.model_copy(update={"approval_policy": bad}))
    with pytest.raises(PolicyError, match="cannot read"):
        make_deps(settings.model_copy(update={"approval_policy": tmp_path / "missing.toml"}))
