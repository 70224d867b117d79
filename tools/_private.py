"""Helpers shared by the concrete tools. Private: the contract is in spec.py / registry.py."""

from __future__ import annotations

import re
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from tools.db import Base
from tools.errors import fail

M = TypeVar("M", bound=Base)

# Deliberately conservative (ASCII local part, dotted domain with a TLD): we would rather refuse an exotic
# address than let a header-injection or a display-name trick through.
EMAIL_RE = re.compile(r"^[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(\.[A-Za-z0-9-]{1,63})*\.[A-Za-z]{2,24}$")
NO_NEWLINES = r"^[^\r\n]*$"


def owned(session: Session, model: type[M], row_id: str, tenant: str, field: str) -> M:
    """The row with ``row_id`` in ``tenant``, or ``not_found``.

    The tenant is in the WHERE clause, not checked afterwards, so a row of another tenant is
    indistinguishable from a row that does not exist (same code, same message, same timing).
    """
    row = session.scalars(
        select(model).where(model.id == row_id, model.tenant == tenant)  # type: ignore[attr-defined]
    ).one_or_none()
    if row is None:
        raise fail("not_found", f"no {model.__tablename__[:-1]} {row_id!r}", field=field)
    return row
