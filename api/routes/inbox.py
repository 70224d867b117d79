"""``GET /inbox``: the approvers' page — a static HTML page (no build step, no CDN, works offline) that calls
``GET /approvals`` and ``POST /approvals/{id}`` with the token the approver pastes. The page itself carries no
data, so it needs no token; every call it makes does.

Hardening, because what it shows is partly written by outsiders (ticket text, customer notes, tainted
arguments): the script only sets ``textContent``/``value`` (never HTML); a strict Content-Security-Policy allows
only this origin's own script, style and API (no inline script, no frames, no forms posting elsewhere);
``nosniff``, no referrer, no caching of the page.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from fastapi import APIRouter
from starlette.responses import Response

STATIC = Path(__file__).resolve().parent.parent / "static"
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
       "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
           "X-Frame-Options": "DENY", "Cache-Control": "no-cache"}
FILES = {"inbox.html": "text/html; charset=utf-8", "inbox.js": "text/javascript; charset=utf-8",
         "inbox.css": "text/css; charset=utf-8"}

router = APIRouter(tags=["inbox"])


@cache
def _read(name: str) -> bytes:
    return (STATIC / name).read_bytes()


def _file(name: str) -> Response:
    return Response(_read(name), media_type=FILES[name], headers=HEADERS)


@router.get("/inbox", response_class=Response, responses={200: {"content": {"text/html": {}}}})
async def inbox() -> Response:
    """The approvals inbox page (paste a token; list, approve, edit or reject what you may decide)."""
    return _file("inbox.html")


@router.get("/inbox/inbox.js", include_in_schema=False)
async def inbox_js() -> Response:
    return _file("inbox.js")


@router.get("/inbox/inbox.css", include_in_schema=False)
async def inbox_css() -> Response:
    return _file("inbox.css")
