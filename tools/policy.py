"""Who may call a tool (RBAC, in code) and who must approve a call (the approval policy file, TOML).

Call matrix (``required_roles`` on each spec)::

    tool                    support_agent  support_lead  finance  admin  auditor
    get_customer/list_orders/get_ticket  x       x          x       x      x      (read)
    update_ticket                  x             x          -       x      -      (write, low impact)
    issue_refund (request)         x             x          x       x      -      (high_impact)
    send_email   (request)         x             x          x       x      -      (external)

Approval: ``approval_policy.toml`` beside this module (or ``WARDEN_APPROVAL_POLICY``), documented in the file
itself. It is loaded by ``load_policy`` and checked against the registry at start-up: unknown tools, roles,
operators, condition variables or reason placeholders, and effect tools no rule covers, are a ``PolicyError``
naming the file, the rule and the field. Rules are first-match; ``approvers = []`` is an explicit "no approval".

``can_approve`` adds what no file may relax: same tenant as the action, one of the approver roles, and never the
requester themself (four eyes). The auditor is read-only everywhere and approves nothing (no rule names it).
"""

from __future__ import annotations

import json
import string
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from governance.auth import ROLES, Principal
from tools.spec import ApprovalRequirement, Risk, Tier, ToolSpec

READ_ROLES: frozenset[str] = frozenset({"support_agent", "support_lead", "finance", "admin", "auditor"})
WRITE_ROLES: frozenset[str] = frozenset({"support_agent", "support_lead", "admin"})
REQUEST_ROLES: frozenset[str] = frozenset({"support_agent", "support_lead", "finance", "admin"})

DEFAULT_POLICY_PATH: Final = Path(__file__).with_name("approval_policy.toml")
Scalar = int | float | bool | str
Op = Literal["eq", "ne", "gt", "ge", "lt", "le", "in"]


class PolicyError(ValueError):
    """The approval policy file is missing, unreadable or inconsistent with the registry. Fatal at start-up."""


# --- the file's schema ---------------------------------------------------------------------------------------
class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, populate_by_name=True)


class _ConditionIn(_Strict):
    eq: Scalar | None = None
    ne: Scalar | None = None
    gt: int | float | None = None
    ge: int | float | None = None
    lt: int | float | None = None
    le: int | float | None = None
    in_: list[Scalar] | None = Field(default=None, alias="in")

    @model_validator(mode="after")
    def _one_operator(self) -> _ConditionIn:
        if len(self.model_fields_set) != 1:
            raise ValueError("a condition has exactly one operator (eq ne gt ge lt le in)")
        return self


class _TaintedIn(_Strict):
    approvers: list[str] = Field(min_length=1)
    risk: Risk = "medium"
    reason: str = Field(min_length=1, max_length=400)


class _RuleIn(_Strict):
    name: str = Field(min_length=1, max_length=64)
    tool: str | None = None
    tier: Tier | None = None
    when: dict[str, _ConditionIn] = Field(default_factory=dict)
    approvers: list[str]
    risk: Risk = "medium"
    reason: str = Field(min_length=1, max_length=400)

    @model_validator(mode="after")
    def _tool_xor_tier(self) -> _RuleIn:
        if (self.tool is None) == (self.tier is None):
            raise ValueError("a rule names exactly one of tool or tier")
        return self


class _PolicyIn(_Strict):
    version: Literal[1]
    tainted: _TaintedIn
    rules: list[_RuleIn] = Field(min_length=1)


# --- the loaded policy ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Condition:
    var: str
    op: Op
    value: Any

    def holds(self, values: Mapping[str, Any]) -> bool:
        v = values.get(self.var)
        if v is None:
            return False  # an absent optional argument matches no condition
        try:
            match self.op:
                case "eq":
                    return bool(v == self.value)
                case "ne":
                    return bool(v != self.value)
                case "gt":
                    return bool(v > self.value)
                case "ge":
                    return bool(v >= self.value)
                case "lt":
                    return bool(v < self.value)
                case "le":
                    return bool(v <= self.value)
                case "in":
                    return v in self.value
        except TypeError:
            return False
        return False  # pragma: no cover - Op is closed

    def __str__(self) -> str:
        symbol = {"eq": "==", "ne": "!=", "gt": ">", "ge": ">=", "lt": "<", "le": "<=", "in": "in"}[self.op]
        return f"{self.var} {symbol} {json.dumps(self.value)}"


@dataclass(frozen=True)
class ApprovalRule:
    name: str
    tool: str | None
    tier: Tier | None
    when: tuple[Condition, ...]
    approvers: tuple[str, ...]
    risk: Risk
    reason: str

    def covers(self, spec: ToolSpec) -> bool:
        return spec.name == self.tool if self.tool is not None else spec.tier == self.tier

    def matches(self, spec: ToolSpec, values: Mapping[str, Any]) -> bool:
        return self.covers(spec) and all(c.holds(values) for c in self.when)


class _Values(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "?"


@dataclass(frozen=True)
class ApprovalPolicy:
    source: str
    rules: tuple[ApprovalRule, ...]
    tainted: ApprovalRule

    @classmethod
    def fail_closed(cls) -> ApprovalPolicy:
        """No rules: every effect needs an admin (see ``requirement``). For registries built without a file."""
        tainted = ApprovalRule(name="tainted", tool=None, tier=None, when=(), approvers=("admin",), risk="high",
                               reason="{tool} arguments derive from untrusted text: an admin must confirm")
        return cls(source="<fail-closed>", rules=(), tainted=tainted)

    def rule_for(self, spec: ToolSpec, values: Mapping[str, Any]) -> ApprovalRule | None:
        return next((r for r in self.rules if r.matches(spec, values)), None)

    def requirement(self, spec: ToolSpec, args: Mapping[str, Any] | BaseModel,
                    facts: Mapping[str, Any] | None = None, *, tainted: bool = False) -> ApprovalRequirement | None:
        """The approval this call needs, or None. ``args`` are the *validated* arguments; ``facts`` what the
        tool computed from the database; ``tainted``: an argument derives from untrusted data."""
        mapping = args.model_dump(mode="json") if isinstance(args, BaseModel) else dict(args)
        values = {**mapping, **(facts or {})}
        rule = self.rule_for(spec, values)
        if rule is not None and rule.approvers:
            return self._requirement(rule, spec, values)
        if tainted and spec.has_effect:
            return self._requirement(self.tainted, spec, values)
        if rule is None and spec.has_effect:  # unreachable for a checked policy: fail closed anyway
            return ApprovalRequirement(approver_roles=("admin",), reason=f"no approval rule covers {spec.ref}",
                                       risk="high", rule="uncovered")
        return None

    @staticmethod
    def _requirement(rule: ApprovalRule, spec: ToolSpec, values: Mapping[str, Any]) -> ApprovalRequirement:
        reason = rule.reason.format_map(_Values({**values, "tool": spec.name, "tier": spec.tier}))
        return ApprovalRequirement(approver_roles=rule.approvers, reason=reason[:500], risk=rule.risk,
                                   rule=rule.name)

    def summary(self, spec: ToolSpec) -> list[str]:
        """Human-readable rules that apply to ``spec``, in order (for SECURITY.md and the API)."""
        out = []
        for r in self.rules:
            if not r.covers(spec):
                continue
            cond = " and ".join(str(c) for c in r.when) or "always"
            who = " / ".join(r.approvers) if r.approvers else "no approval"
            out.append(f"{cond}: {who}" + (f" ({r.risk})" if r.approvers else ""))
            if not r.when:
                break
        return out


def _where(path: str, rule: int | None, loc: Iterable[Any] = ()) -> str:
    parts = [f"rules[{rule}]"] if rule is not None else []
    parts += [str(p) for p in loc]
    return f"{path}: {'.'.join(parts) or '<file>'}"


def _placeholders(text: str) -> set[str]:
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(text) if name}


def _check(parsed: _PolicyIn, path: str, specs: list[ToolSpec]) -> None:
    by_name: dict[str, list[ToolSpec]] = {}
    for s in specs:
        by_name.setdefault(s.name, []).append(s)
    for i, rule in enumerate(parsed.rules):
        unknown = sorted(set(rule.approvers) - ROLES)
        if unknown:
            raise PolicyError(f"{_where(path, i, ['approvers'])}: unknown role(s) {', '.join(unknown)}")
        if rule.tool is not None and rule.tool not in by_name:
            raise PolicyError(f"{_where(path, i, ['tool'])}: no tool named {rule.tool!r} "
                              f"(known: {', '.join(sorted(by_name))})")
        if rule.tier is not None and rule.when:
            raise PolicyError(f"{_where(path, i, ['when'])}: tier rules take no conditions (name a tool)")
        targets = by_name.get(rule.tool, []) if rule.tool else [s for s in specs if s.tier == rule.tier]
        for spec in targets:
            known = set(spec.input_model.model_fields) | spec.fact_names
            for var in rule.when:
                if var not in known:
                    raise PolicyError(f"{_where(path, i, ['when', var])}: neither an argument nor a fact of "
                                      f"{spec.ref} (arguments: {', '.join(spec.input_model.model_fields)}; "
                                      f"facts: {', '.join(sorted(spec.fact_names)) or 'none'})")
            bad = _placeholders(rule.reason) - known - {"tool", "tier"}
            if bad:
                raise PolicyError(f"{_where(path, i, ['reason'])}: unknown placeholder(s) {', '.join(sorted(bad))}")
    if set(parsed.tainted.approvers) - ROLES:
        raise PolicyError(f"{_where(path, None, ['tainted', 'approvers'])}: unknown role(s)")
    if _placeholders(parsed.tainted.reason) - {"tool", "tier"}:
        raise PolicyError(f"{_where(path, None, ['tainted', 'reason'])}: only {{tool}} and {{tier}} may be used")
    for spec in specs:
        if spec.has_effect and not any(not r.when and (r.tool == spec.name if r.tool else r.tier == spec.tier)
                                       for r in parsed.rules):
            raise PolicyError(f"{path}: no unconditional rule covers {spec.ref} ({spec.tier}); every tool with an "
                              "effect needs one (use approvers = [] to let it run without approval)")


def parse_policy(raw: str, *, specs: Iterable[ToolSpec], source: str = "<policy>") -> ApprovalPolicy:
    """Parse and check a policy text against the given tool specs. Raises PolicyError."""
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"{source}: not valid TOML: {exc}") from None
    try:
        parsed = _PolicyIn.model_validate(data)
    except ValidationError as exc:
        e = exc.errors(include_url=False)[0]
        loc = list(e["loc"])
        rule = loc.pop(1) if len(loc) > 1 and loc[0] == "rules" and isinstance(loc[1], int) else None
        if rule is not None:
            loc.pop(0)
        raise PolicyError(f"{_where(source, rule, loc)}: {e['msg']}") from None
    spec_list = list(specs)
    _check(parsed, source, spec_list)
    rules = tuple(
        ApprovalRule(name=r.name, tool=r.tool, tier=r.tier, approvers=tuple(r.approvers), risk=r.risk,
                     reason=r.reason,
                     when=tuple(Condition(var, op, val) for var, c in r.when.items()
                                for op, val in [_single(c)]))
        for r in parsed.rules)
    t = parsed.tainted
    tainted = ApprovalRule(name="tainted", tool=None, tier=None, when=(), approvers=tuple(t.approvers),
                           risk=t.risk, reason=t.reason)
    return ApprovalPolicy(source=source, rules=rules, tainted=tainted)


def _single(c: _ConditionIn) -> tuple[Op, Any]:
    [name] = c.model_fields_set
    op: Op = "in" if name == "in_" else name  # type: ignore[assignment]
    return op, getattr(c, name)


def load_policy(path: Path | None = None, *, specs: Iterable[ToolSpec]) -> ApprovalPolicy:
    """Read and check the policy file (default: the one shipped beside this module)."""
    path = path or DEFAULT_POLICY_PATH
    try:
        raw = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PolicyError(f"{path}: cannot read the approval policy: {exc.strerror or exc}") from None
    return parse_policy(raw, specs=specs, source=str(path))


def can_call(principal: Principal, spec: ToolSpec) -> bool:
    """RBAC for requesting a tool: the principal holds at least one of the spec's roles."""
    return principal.has_any(*spec.required_roles)


def can_approve(
    approver: Principal, requester_user: str, tenant: str, requirement: ApprovalRequirement | None
) -> tuple[bool, str]:
    """Whether ``approver`` may approve an action requested by ``requester_user`` in ``tenant``; and why not."""
    if requirement is None:
        return False, "this action needs no approval"
    if approver.tenant != tenant:
        return False, "approver belongs to another tenant"
    if approver.user == requester_user:
        return False, "nobody approves their own action"
    if not approver.has_any(*requirement.approver_roles):
        return False, f"approver needs one of the roles: {', '.join(requirement.approver_roles)}"
    return True, "ok"
