"""Bearer-token authentication: every route but the two probes (the API description too) needs a verified JWT.

Runs as ASGI middleware so a request without a valid token is refused (401) before its body is read or its
route is even matched (an anonymous caller learns nothing about which ids or routes exist). The verified
``Principal`` is put in ``request.state.principal``; routes take it with ``Depends(principal)``, which also
declares the bearer scheme in the OpenAPI description.

Keys: HS256 with ``jwt_secret``; RS256 with ``jwt_public_key`` (PEM) or ``jwt_jwks_url`` (``PyJWKClient``,
keys cached; its blocking fetch runs in a worker thread).
"""

from __future__ import annotations

from typing import Annotated, Any

import anyio
import jwt
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.types import ASGIApp, Receive, Scope, Send

from api.errors import ApiError, error_body
from governance.auth import AuthError, Principal, verify_token
from graph.settings import Settings

# The inbox page and its assets carry no data (every call the page makes needs a token).
PUBLIC_PATHS: frozenset[str] = frozenset({"/healthz", "/readyz", "/inbox", "/inbox/inbox.js", "/inbox/inbox.css"})
_CHALLENGE = {"WWW-Authenticate": "Bearer"}


class TokenVerifier:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._jwks: jwt.PyJWKClient | None = None
        if settings.jwt_algorithm == "RS256" and not settings.jwt_public_key:
            if not settings.jwt_jwks_url:
                raise ValueError("RS256 needs WARDEN_JWT_PUBLIC_KEY or WARDEN_JWT_JWKS_URL")
            self._jwks = jwt.PyJWKClient(settings.jwt_jwks_url, cache_keys=True)

    async def _key(self, token: str) -> Any:
        s = self.settings
        if s.jwt_algorithm == "HS256":
            return s.jwt_secret.get_secret_value()
        if s.jwt_public_key:
            return s.jwt_public_key
        assert self._jwks is not None
        jwks = self._jwks
        try:
            signing = await anyio.to_thread.run_sync(jwks.get_signing_key_from_jwt, token)
        except jwt.PyJWKClientConnectionError as exc:
            raise ApiError(503, "unavailable", "the token keys could not be fetched") from exc
        except jwt.PyJWTError as exc:
            raise AuthError("invalid_token", f"the bearer token's key is unknown: {exc}") from exc
        return signing.key

    async def verify(self, authorization: str | None) -> Principal:
        if not authorization:
            raise ApiError(401, "unauthorized", "missing Authorization: Bearer <token>", headers=_CHALLENGE)
        scheme, _, token = authorization.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise ApiError(401, "unauthorized", "Authorization must be 'Bearer <token>'", headers=_CHALLENGE)
        s = self.settings
        try:
            return verify_token(token, key=await self._key(token), algorithm=s.jwt_algorithm,
                                max_ttl_s=s.jwt_max_ttl_s, issuer=s.jwt_issuer)
        except AuthError as exc:
            raise ApiError(401, exc.code, exc.message, headers=_CHALLENGE) from exc


class AuthMiddleware:
    def __init__(self, app: ASGIApp, *, verifier: TokenVerifier) -> None:
        self.app = app
        self.verifier = verifier

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in PUBLIC_PATHS:
            await self.app(scope, receive, send)
            return
        header: str | None = None
        for name, value in scope.get("headers", ()):
            if name == b"authorization":
                header = value.decode("latin-1")
                break
        try:
            principal = await self.verifier.verify(header)
        except ApiError as err:
            headers = [(b"content-type", b"application/json")]
            headers += [(k.lower().encode(), v.encode()) for k, v in (err.headers or {}).items()]
            await send({"type": "http.response.start", "status": err.status_code, "headers": headers})
            await send({"type": "http.response.body", "body": error_body(err.code, err.message)})
            return
        scope.setdefault("state", {})["principal"] = principal
        await self.app(scope, receive, send)


_bearer = HTTPBearer(auto_error=False, description="A Warden JWT (sub, tenant, roles, exp).")


def principal(
    request: Request, _: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)] = None
) -> Principal:
    found = getattr(request.state, "principal", None)
    if not isinstance(found, Principal):
        raise ApiError(401, "unauthorized", "missing Authorization: Bearer <token>", headers=_CHALLENGE)
    return found


CurrentPrincipal = Annotated[Principal, Depends(principal)]
