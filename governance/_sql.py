"""Small raw reads and writes on the DBAPI cursor of a SQLAlchemy connection's current transaction.

Why: authorisation and validation run before every tool call (a 1 ms budget) and every node appends audit
records; SQLAlchemy's per-statement machinery costs ~50-100 us on this hardware against ~3 us for the driver.
Only for constant SQL written in this codebase: parameters are always bound (``:name``, rewritten once to the
driver's style) and driver errors are re-raised as SQLAlchemy ``DBAPIError``, so callers classify them as before.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

_NAMED = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")
_NATIVE: dict[tuple[str, str], str] = {}


def _run(source: Session | Connection, sql: str, params: dict[str, Any], *, rows: bool) -> Any:
    conn = source.connection() if isinstance(source, Session) else source
    dialect = conn.dialect
    style = dialect.paramstyle
    stmt = _NATIVE.get((sql, style))
    if stmt is None:
        stmt = _NATIVE[(sql, style)] = sql if style in ("named", "qmark") and dialect.name == "sqlite" else \
            _NAMED.sub(lambda m: f"%({m.group(1)})s", sql.replace("%", "%%"))
    raw = conn.connection.dbapi_connection
    assert raw is not None
    dbapi = dialect.loaded_dbapi
    cursor = raw.cursor()
    try:
        cursor.execute(stmt, params)
        return [tuple(r) for r in cursor.fetchall()] if rows else cursor.rowcount
    except dbapi.Error as exc:
        raise DBAPIError.instance(stmt, params, exc, dbapi.Error) from exc
    finally:
        cursor.close()




def fetch(source: Session | Connection, sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    """The rows of one read, in the current transaction of ``source``."""
    result: list[tuple[Any, ...]] = _run(source, sql, params, rows=True)
    return result


def execute(source: Session | Connection, sql: str, params: dict[str, Any]) -> int:
    """One write in the current transaction of ``source``; returns the row count."""
    return int(_run(source, sql, params, rows=False))
