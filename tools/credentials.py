"""Short-lived, scoped credentials for the business system: minted by the runtime, verified by the tool layer.

Why: the tool layer is the wall. ``ToolRegistry.execute`` runs nothing unless it is handed a credential that
the runtime minted for *this* tenant, user, run, tool and access level, and that has not expired. Code that
merely holds a registry (a confused deputy, a plugin, a test harness) cannot act for anyone.

- **Signed, per process**: HMAC-SHA256 with a 256-bit key generated in memory at start-up (never configured,
  never written anywhere). The runtime's ``CredentialIssuer`` mints; the registry holds a ``CredentialVerifier``,
  which has no way to mint. Why not Ed25519: issuer and verifier live in one process, so a private key would sit
  in the same memory as the public one and buy no separation, while costing ~0.3 ms per call here (sign +
  verify, measured) against a 1 ms budget for the whole validation-and-authorisation gate; HMAC costs ~10 us.
- **Scoped per step**: tenant, user, run (thread id), the exact tool refs (``issue_refund@2``) and the access
  level (``read`` -> the read-only engine; ``write`` -> the write engine). A read credential cannot run an
  effect, and an effect tool never gets a credential for another tool.
- **Short-lived**: ``ttl_s`` (default 300 s, ``WARDEN_TOOL_CREDENTIAL_TTL_S``), hard-capped at 15 minutes.
  Minted right before the call and dropped after it, so an approval that waits for hours never holds one.
- **Never in state, a prompt or a log**: ``ToolCredential`` has no readable token in ``repr``/``str`` and refuses
  to be pickled, so it cannot ride into a checkpoint by accident; the executor keeps it in a local variable.
  Because keys are per process and credentials per step, a credential never needs to outlive the process.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Final, Literal, NoReturn

from tools.errors import ToolError

Access = Literal["read", "write"]
MAX_TTL_S: Final = 900
CLOCK_SKEW_S: Final = 5


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(key: bytes, body: str) -> bytes:
    return hmac.new(key, body.encode(), hashlib.sha256).digest()


@dataclass(frozen=True)
class CredentialScope:
    tenant: str
    user: str
    run: str
    tools: tuple[str, ...]
    access: Access


class ToolCredential:
    """An opaque signed credential. Its token is readable only by the verifier; it prints redacted."""

    __slots__ = ("_token", "expires_at", "scope")

    def __init__(self, token: str, scope: CredentialScope, expires_at: float) -> None:
        self._token = token
        self.scope = scope
        self.expires_at = expires_at

    def __repr__(self) -> str:
        s = self.scope
        return (f"ToolCredential(<redacted>, tenant={s.tenant!r}, user={s.user!r}, tools={list(s.tools)!r}, "
                f"access={s.access!r}, expires_at={self.expires_at:.0f})")

    __str__ = __repr__

    def __reduce__(self) -> NoReturn:
        raise TypeError("a ToolCredential is never serialised (it must not reach a checkpoint or a log)")


def _deny(message: str) -> ToolError:
    return ToolError(error="forbidden", message=f"tool credential refused: {message}", retryable=False)


class CredentialVerifier:
    """Checks credentials minted by its issuer. Held by the tool layer; it has no way to mint."""

    def __init__(self, key: bytes, *, clock: Callable[[], float] = time.time) -> None:
        self._key = key
        self._clock = clock

    def __repr__(self) -> str:
        return "CredentialVerifier(<key>)"

    def verify(self, credential: object, *, tenant: str, user: str, run: str, tool_ref: str,
               access: Access) -> ToolError | None:
        """None when ``credential`` allows exactly this call now; else the ``forbidden`` ToolError why not."""
        if not isinstance(credential, ToolCredential):
            return _deny("no credential was presented")
        body, _, sig = credential._token.partition(".")
        try:
            if not hmac.compare_digest(_unb64(sig), _sign(self._key, body)):
                return _deny("signature does not verify")
            claims: dict[str, Any] = json.loads(_unb64(body))
        except ValueError:
            return _deny("signature does not verify")
        now = self._clock()
        exp, iat = claims.get("exp"), claims.get("iat")
        if not isinstance(exp, int | float) or not isinstance(iat, int | float):
            return _deny("malformed")
        if now >= exp:
            return _deny("expired")
        if exp - iat > MAX_TTL_S or iat > now + CLOCK_SKEW_S:
            return _deny("lifetime out of bounds")
        if (claims.get("tenant"), claims.get("sub"), claims.get("run")) != (tenant, user, run):
            return _deny("issued for another tenant, user or run")
        if tool_ref not in claims.get("tools", ()):
            return _deny(f"not scoped to {tool_ref}")
        if claims.get("access") != access:
            return _deny(f"{claims.get('access')} access does not fit a {access} tool")
        return None


class CredentialIssuer:
    """Mints credentials. Held by the runtime (``Deps.credentials``), never by the tool layer."""

    def __init__(self, key: bytes, *, ttl_s: float = 300, clock: Callable[[], float] = time.time) -> None:
        if not 0 < ttl_s <= MAX_TTL_S:
            raise ValueError(f"credential ttl must be in (0, {MAX_TTL_S}] seconds, got {ttl_s}")
        if len(key) < 32:
            raise ValueError("a credential key has at least 256 bits")
        self._key = key
        self.ttl_s = ttl_s
        self._clock = clock

    @classmethod
    def generate(cls, *, ttl_s: float = 300, clock: Callable[[], float] = time.time) -> CredentialIssuer:
        """A fresh in-memory key: nothing to configure, nothing that can leak from a file."""
        return cls(secrets.token_bytes(32), ttl_s=ttl_s, clock=clock)

    @property
    def verifier(self) -> CredentialVerifier:
        return CredentialVerifier(self._key, clock=self._clock)

    def mint(self, *, tenant: str, user: str, run: str, tools: Iterable[str], access: Access) -> ToolCredential:
        now = self._clock()
        scope = CredentialScope(tenant=tenant, user=user, run=run, tools=tuple(sorted(set(tools))), access=access)
        claims = {"v": 1, "tenant": tenant, "sub": user, "run": run, "tools": list(scope.tools),
                  "access": access, "iat": now, "exp": now + self.ttl_s, "jti": secrets.token_hex(8)}
        body = _b64(json.dumps(claims, sort_keys=True, separators=(",", ":")).encode())
        token = f"{body}.{_b64(_sign(self._key, body))}"
        return ToolCredential(token, scope, claims["exp"])

    def __repr__(self) -> str:
        return f"CredentialIssuer(<key>, ttl_s={self.ttl_s})"
