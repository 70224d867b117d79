"""The roles a principal can hold. No dependencies, so ``warden``'s argument parser can name them without loading
the JWT code (``warden scan`` never needs it)."""

from __future__ import annotations

from typing import Literal, get_args

Role = Literal["support_agent", "support_lead", "finance", "admin", "auditor"]
ROLES: frozenset[str] = frozenset(get_args(Role))
