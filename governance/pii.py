"""PII redaction for everything that is kept for later reading: audit records, logs, reports.

Why redact at all: the audit trail is kept for years, read by auditors of the whole tenant and copied into
tickets and reports; the business database already holds the personal data it needs. An audit record must say
*what* happened (a refund of 1500 cents on ord_acme_001_1, an email to an address at evil.example) without
becoming a second copy of customers' contact and card details.

What is redacted, in any string anywhere inside a JSON-shaped value:

- email addresses -> ``[email:…@domain]``   the domain stays: "sent to an outside domain" is what an auditor
                                            needs to see, the mailbox is not
- payment card numbers (13-19 digits, spaces or dashes allowed, Luhn-valid) -> ``[card:…1234]`` (PCI DSS lets
  the last four be shown)
- IBANs -> ``[iban:CC…]``; phone numbers (7-15 digits, optional +country, separators) -> ``[phone]``;
  US social security numbers -> ``[ssn]``; IPv4 addresses -> ``[ip]``
- values of keys that *are* personal by name (``name``, ``email``, ``phone``, ...) -> ``[redacted]``, except
  ``to``/``email`` keys, whose value is treated as an address (domain kept)

Ids (``cus_acme_001``), amounts and enums are not PII and stay, so a record remains useful. Redaction is
deterministic (same input, same output) so re-executed events hash the same (see governance.audit).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

_EMAIL: Final = re.compile(r"(?<![\w.+-])[A-Za-z0-9._%+-]{1,64}@((?:[A-Za-z0-9-]{1,63}\.)+[A-Za-z]{2,24})\b")
_CARD: Final = re.compile(r"(?<![\w-])(?:\d[ -]?){12,18}\d(?![\w-])")
_IBAN: Final = re.compile(r"\b([A-Z]{2})\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b")
_SSN: Final = re.compile(r"\b\d{3}-\d{2}-\d{4}\b")
_PHONE: Final = re.compile(r"(?<![\w+:.])(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?)?\d(?:[ .-]?\d){6,13}(?![\w])")
_DATE: Final = re.compile(r"\d{4}-\d{2}-\d{2}")
_IPV4: Final = re.compile(r"\b(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)\b")

# Keys whose whole value is personal data, whatever it looks like.
PERSONAL_KEYS: Final = frozenset({"name", "customer_name", "full_name", "phone", "phone_number", "address",
                                  "street", "postcode", "zip", "dob", "date_of_birth", "ssn", "card_number"})
ADDRESS_KEYS: Final = frozenset({"to", "email", "from", "cc", "bcc", "recipient"})
REDACTED: Final = "[redacted]"


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def _card(m: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", m.group(0))
    if 13 <= len(digits) <= 19 and _luhn_ok(digits):
        return f"[card:…{digits[-4:]}]"
    return m.group(0)  # a long number that is not a card (an order total, a timestamp): leave it to _PHONE


def _phone(m: re.Match[str]) -> str:
    text = m.group(0)
    digits = re.sub(r"\D", "", text)
    # Bare digit runs without any phone punctuation are more often amounts or ids than phone numbers.
    if not (7 <= len(digits) <= 15) or (text.isdigit() and len(digits) < 10) or _DATE.match(text):
        return text
    return "[phone]"


def redact_text(text: str) -> str:
    """Redact PII patterns inside free text; everything else is kept verbatim."""
    if not text or len(text) < 6:
        return text
    out = _EMAIL.sub(lambda m: f"[email:…@{m.group(1).lower()}]", text)
    out = _IBAN.sub(lambda m: f"[iban:{m.group(1)}…]", out)
    out = _CARD.sub(_card, out)
    out = _SSN.sub("[ssn]", out)
    out = _IPV4.sub("[ip]", out)
    return _PHONE.sub(_phone, out)


def redact_address(value: str) -> str:
    """An address field: keep only the domain (or nothing when it is not an address at all). Idempotent."""
    if value.startswith("[email:") and value.endswith("]"):
        return value
    _, at, domain = value.rpartition("@")
    return f"[email:…@{domain.lower()[:253]}]" if at and domain else REDACTED


def redact(value: Any, *, key: str | None = None) -> Any:
    """Return a redacted deep copy of a JSON-shaped value (dicts, lists, strings, numbers, bools, None)."""
    if isinstance(value, str):
        k = (key or "").lower()
        if k in ADDRESS_KEYS:
            return redact_address(value)
        if k in PERSONAL_KEYS:
            return REDACTED
        return redact_text(value)
    if isinstance(value, Mapping):
        return {str(k): redact(v, key=str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact(v, key=key) for v in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return redact_text(str(value))
