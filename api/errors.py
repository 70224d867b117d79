"""The API's one error type and the handlers that turn every failure into ``{"error", "message", "field"}``.

Tree::

    ApiError (a Starlette HTTPException, so FastAPI's body parser re-raises it untouched)
      - client faults: 400 invalid_json, 401 unauthorized/invalid_token/token_expired, 403 forbidden,
        404 not_found, 405 method_not_allowed, 409 conflict/thread_busy/nothing_to_resume/..., 413
        body_too_large, 422 validation_error/unsupported
      - server faults: 500 internal_error (logged with the trace, never returned), 503 unavailable (Redis down)

Every other exception reaching the app is an internal fault: logged with its stack trace, answered with a
structured 500 that says nothing about the cause.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from redis.exceptions import RedisError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

log = logging.getLogger("warden.api")

_DEFAULT_CODES: Mapping[int, str] = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "body_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "too_many_requests",
    503: "unavailable",
}


_FASTAPI_BODY_ERROR = "There was an error parsing the body"  # FastAPI's 400 for a body its JSON parser raised on


class ApiError(StarletteHTTPException):
    """A failure with a machine-readable ``code``, a human ``message`` and the offending ``field`` (dotted)."""

    def __init__(
        self,
        status_code: int,
        code: str,
        message: str,
        *,
        field: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(status_code=status_code, detail=message, headers=dict(headers) if headers else None)
        self.code = code
        self.message = message
        self.field = field


def not_found(what: str, ident: str) -> ApiError:
    return ApiError(404, "not_found", f"{what} {ident} not found")


def error_body(code: str, message: str, field: str | None = None) -> bytes:
    return orjson.dumps({"error": code, "message": message, "field": field})


def error_response(err: ApiError) -> Response:
    return Response(
        error_body(err.code, err.message, err.field),
        status_code=err.status_code,
        media_type="application/json",
        headers=err.headers,
    )


def _dotted(loc: Sequence[Any]) -> str | None:
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header"):
        parts = parts[1:]
    return ".".join(parts) or None


def validation_error(exc: RequestValidationError) -> ApiError:
    errors = exc.errors()
    if not errors:
        return ApiError(422, "validation_error", "the request is not valid")
    first = errors[0]
    if first.get("type") == "json_invalid":
        return ApiError(400, "invalid_json", "the request body is not valid JSON")
    field = _dotted(first.get("loc", ()))
    msg = str(first.get("msg", "invalid value"))
    more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
    where = f"{field}: " if field else ""
    return ApiError(422, "validation_error", f"{where}{msg}{more}", field=field)


def install_error_handlers(app: FastAPI) -> None:
    async def on_api_error(_: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if isinstance(exc, ApiError):
            return error_response(exc)
        code = _DEFAULT_CODES.get(exc.status_code, "error" if exc.status_code < 500 else "internal_error")
        message = str(exc.detail) if exc.status_code < 500 else "internal error"
        if exc.status_code == 404 and message == "Not Found":
            message = "no such route"
        if exc.status_code == 400 and message == _FASTAPI_BODY_ERROR:  # e.g. JSON nested too deeply to parse
            code, message = "invalid_json", "the request body is not valid JSON (or is nested too deeply)"
        return error_response(ApiError(exc.status_code, code, message, headers=exc.headers))

    async def on_validation(_: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        return error_response(validation_error(exc))

    async def on_redis(request: Request, exc: Exception) -> Response:
        log.error("redis unavailable on %s %s: %s", request.method, request.url.path, exc)
        return error_response(ApiError(503, "unavailable", "the run store is unavailable; retry shortly",
                                       headers={"Retry-After": "2"}))

    async def on_internal(request: Request, exc: Exception) -> Response:
        log.exception("internal error on %s %s", request.method, request.url.path, exc_info=exc)
        return error_response(ApiError(500, "internal_error", "internal error; see the server log"))

    app.add_exception_handler(StarletteHTTPException, on_api_error)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(RedisError, on_redis)
    app.add_exception_handler(Exception, on_internal)
