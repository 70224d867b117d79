"""Who is asking: the principal, and the signed bearer tokens that carry it.

A principal is (tenant, user, roles). Tokens are JWTs with ``sub``, ``tenant``, ``roles`` and ``exp`` no
more than ``max_ttl_s`` away; HS256 with a shared secret by default, RS256 with a PEM key or a JWKS URL.
Verification failures are values (``AuthError``), never stack traces.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import jwt

from governance.role_names import ROLES, Role  # the role names live where the CLI can read them cheaply

__all__ = ["ROLES", "AuthError", "Principal", "Role", "mint_token", "parse_ttl", "verify_token"]


@dataclass(frozen=True)
class Principal:
    tenant: str
    user: str
    roles: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        # LangGraph coerces a context dict with Principal(**d): roles may arrive as a list.
        object.__setattr__(self, "roles", tuple(sorted(set(self.roles))))

    def has_any(self, *roles: str) -> bool:
        return any(r in self.roles for r in roles)

    def as_dict(self) -> dict[str, object]:
        return {"tenant": self.tenant, "user": self.user, "roles": list(self.roles)}


class AuthError(Exception):
    """A token was missing, malformed, forged, expired or over-long. ``code`` is machine-readable."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def mint_token(
    *,
    tenant: str,
    user: str,
    roles: list[str] | tuple[str, ...],
    ttl_s: int,
    secret: str,
    algorithm: str = "HS256",
    issuer: str = "warden",
    private_key: str | None = None,
) -> str:
    unknown = sorted(set(roles) - ROLES)
    if unknown:
        raise ValueError(f"unknown roles: {', '.join(unknown)} (known: {', '.join(sorted(ROLES))})")
    if not tenant or not user:
        raise ValueError("tenant and user are required")
    now = int(time.time())
    claims = {"sub": user, "tenant": tenant, "roles": list(roles), "iat": now, "exp": now + ttl_s, "iss": issuer}
    key = private_key if algorithm == "RS256" else secret
    if key is None:
        raise ValueError("RS256 needs a private key")
    return jwt.encode(claims, key, algorithm=algorithm)


def verify_token(
    token: str,
    *,
    key: str | object,
    algorithm: str,
    max_ttl_s: int,
    issuer: str | None = None,
) -> Principal:
    """Check signature, expiry, the TTL cap and the claims; return the principal or raise AuthError."""
    try:
        claims = jwt.decode(
            token,
            key,  # type: ignore[arg-type]
            algorithms=[algorithm],
            options={"require": ["exp", "sub"]},
            issuer=issuer,
            leeway=5,
        )
    except jwt.ExpiredSignatureError as exc:
        raise AuthError("token_expired", "the bearer token has expired") from exc
    except jwt.InvalidSignatureError as exc:
        raise AuthError("invalid_token", "the bearer token's signature does not verify") from exc
    except jwt.PyJWTError as exc:
        raise AuthError("invalid_token", f"the bearer token is not valid: {exc}") from exc
    exp = claims.get("exp")
    if not isinstance(exp, int) or exp - time.time() > max_ttl_s + 5:
        raise AuthError("invalid_token", f"token lifetime exceeds the {max_ttl_s}s maximum")
    tenant, sub, roles = claims.get("tenant"), claims.get("sub"), claims.get("roles")
    if not isinstance(tenant, str) or not tenant:
        raise AuthError("invalid_token", "token has no tenant claim")
    if not isinstance(sub, str) or not sub:
        raise AuthError("invalid_token", "token has no sub claim")
    if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
        raise AuthError("invalid_token", "token roles claim must be a list of strings")
    return Principal(tenant=tenant, user=sub, roles=tuple(r for r in roles if r in ROLES))


def parse_ttl(text: str) -> int:
    """'15m' -> 900, '2h' -> 7200, '90s' or '90' -> 90."""
    text = text.strip().lower()
    units = {"s": 1, "m": 60, "h": 3600}
    if text and text[-1] in units:
        return int(float(text[:-1]) * units[text[-1]])
    return int(text)
