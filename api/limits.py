"""Request body cap, enforced before the body is read: by ``Content-Length`` up front, and by counting the
chunks of a chunked body as they arrive (the app sees a 413 ``ApiError`` from ``receive`` the moment the
running total passes the cap, so nothing past the cap is ever buffered)."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import ApiError, error_body


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, *, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    def _too_large(self) -> ApiError:
        return ApiError(413, "body_too_large", f"the request body exceeds {self.max_body_bytes} bytes")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared == -1 or (declared is not None and declared > self.max_body_bytes):
            err = self._too_large() if declared != -1 else ApiError(400, "bad_request", "bad Content-Length")
            await send({"type": "http.response.start", "status": err.status_code,
                        "headers": [(b"content-type", b"application/json"), (b"connection", b"close")]})
            await send({"type": "http.response.body", "body": error_body(err.code, err.message)})
            return
        seen = 0

        async def counted_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body_bytes:
                    raise self._too_large()
            return message

        await self.app(scope, counted_receive, send)


def _content_length(scope: Scope) -> int | None:
    """The declared length, None if absent, -1 if malformed."""
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                n = int(value)
            except ValueError:
                return -1
            return n if n >= 0 else -1
    return None
