"""Typed views of redis-py replies. The server's client decodes replies (``decode_responses=True``), so they
are ``str``; redis-py's annotations say ``bytes | str`` (and ``Any`` for streams). One cast each, here."""

from __future__ import annotations

from typing import Any, cast

Record = dict[str, str]
StreamEntry = tuple[str, dict[str, str]]


def text(reply: Any) -> str | None:
    return cast("str | None", reply)


def record(reply: Any) -> Record:
    return cast(Record, reply)


def texts(reply: Any) -> list[str]:
    return cast("list[str]", reply)


def text_set(reply: Any) -> set[str]:
    return cast("set[str]", reply)


def stream_entries(reply: Any) -> list[StreamEntry]:
    """The entries of an XREAD reply on one key (``[]`` when it timed out), or of an XRANGE reply."""
    if not reply:
        return []
    first = reply[0]  # RESP2 (the client's default protocol)
    if isinstance(first, (list, tuple)) and len(first) == 2 and isinstance(first[1], list):  # [[key, entries]]
        return cast("list[StreamEntry]", first[1])
    return cast("list[StreamEntry]", reply)
