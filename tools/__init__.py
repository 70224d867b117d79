"""Tool contracts, registry, authorisation/approval policy, idempotency ledger, and the SQL business system.

Public surface: ``default_registry``/``ToolRegistry`` (validate + execute), ``ToolSpec``/``ValidatedCall``/
``ToolOutcome``/``ApprovalRequirement`` (contracts), ``ToolError`` (errors are values), ``approval_rule``/
``can_approve`` (policy), ``idempotency_key`` (ledger), ``make_engine``/``create_schema`` (the DB).
Seed data is ``tools.seed.seed``: not re-exported, so that ``tools.seed`` stays the module.
This package never imports nodes/, graph/ or api/.
"""

from tools.db import create_schema, make_engine
from tools.errors import ToolError
from tools.ledger import idempotency_key
from tools.policy import approval_rule, can_approve, can_call
from tools.registry import ToolRegistry, default_registry
from tools.seed import INJECTION_IDS, SeedSummary
from tools.spec import ApprovalRequirement, ToolOutcome, ToolSpec, ValidatedCall

__all__ = [
    "INJECTION_IDS",
    "ApprovalRequirement",
    "SeedSummary",
    "ToolError",
    "ToolOutcome",
    "ToolRegistry",
    "ToolSpec",
    "ValidatedCall",
    "approval_rule",
    "can_approve",
    "can_call",
    "create_schema",
    "default_registry",
    "idempotency_key",
    "make_engine",
]
