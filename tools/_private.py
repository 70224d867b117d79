"""Helpers shared by the concrete tools. Private: the contract is in spec.py / registry.py."""

from __future__ import annotations

import re
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from governance._sql import fetch
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


class _Row:
    """Named access to a fetched row (``row.status``)."""

    __slots__ = ("_names", "_values")

    def __init__(self, names: tuple[str, ...], values: tuple[Any, ...]) -> None:
        self._names, self._values = names, values

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[self._names.index(name)]
        except ValueError:
            raise AttributeError(name) from None


def owned_row(session: Session, model: type[M], row_id: str, tenant: str, field: str, *columns: str) -> _Row:
    """Like ``owned`` but for checks that only read: the named columns of the row in ``tenant``, without building
    ORM objects (see ``fetch``). Table and column names come from our models, never from input."""
    table = model.__tablename__
    cols = columns or ("id",)
    rows = fetch(session, f"SELECT {', '.join(cols)} FROM {table} WHERE id = :id AND tenant = :tenant",
                 {"id": row_id, "tenant": tenant})
    if not rows:
        raise fail("not_found", f"no {table[:-1]} {row_id!r}", field=field)
    return _Row(cols, rows[0])
