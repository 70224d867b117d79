"""Tool contracts, registry, authorisation/approval policy, idempotency ledger, and the SQL business system.

Public surface: ``default_registry``/``ToolRegistry`` (validate + execute), ``ToolSpec``/``ValidatedCall``/
``ToolOutcome``/``ApprovalRequirement`` (contracts), ``ToolError`` (errors are values), ``load_policy``/
``can_approve`` (policy), ``idempotency_key`` (ledger), ``open_engines``/``create_schema`` (the DB),
``CredentialIssuer`` (scoped tool credentials), ``RoleDirectory`` (fresh roles).
Seed data is ``tools.seed.seed``: not re-exported, so that ``tools.seed`` stays the module.
This package never imports nodes/, graph/ or api/.
"""

from tools.credentials import CredentialIssuer
from tools.db import Engines, create_schema, make_engine, open_engines
from tools.errors import ToolError
from tools.ledger import idempotency_key
from tools.policy import ApprovalPolicy, PolicyError, can_approve, can_call, load_policy
from tools.registry import ToolRegistry, default_registry
from tools.roles import RoleDirectory
from tools.seed import INJECTION_IDS, SeedSummary
from tools.spec import ApprovalRequirement, ToolOutcome, ToolSpec, ValidatedCall

__all__ = [
    "INJECTION_IDS",
    "ApprovalPolicy",
    "ApprovalRequirement",
    "CredentialIssuer",
    "Engines",
    "PolicyError",
    "RoleDirectory",
    "SeedSummary",
    "ToolError",
    "ToolOutcome",
    "ToolRegistry",
    "ToolSpec",
    "ValidatedCall",
    "can_approve",
    "can_call",
    "create_schema",
    "default_registry",
    "idempotency_key",
    "load_policy",
    "make_engine",
    "open_engines",
]
