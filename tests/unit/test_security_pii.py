"""Issue 5, PII redaction: what an audit record must not keep, and what it must keep to stay useful."""

from __future__ import annotations

import pytest

from governance.pii import redact, redact_text


@pytest.mark.parametrize(("text", "gone", "kept"), [
    ("mail ada.lovelace@acme-client.example now", "ada.lovelace", "[email:…@acme-client.example]"),
    ("call +44 20 7946 0958 today", "7946", "[phone]"),
    ("or (020) 7946-0958", "7946", "[phone]"),
    ("or 555-123-4567", "555-123", "[phone]"),
    ("card 4111 1111 1111 1111 exp", "4111 1111", "[card:…1111]"),
    ("card 5500-0000-0000-0004", "5500", "[card:…0004]"),
    ("iban DE89 3704 0044 0532 0130 00 ok", "3704", "[iban:DE…]"),
    ("ssn 123-45-6789", "123-45", "[ssn]"),
    ("from 192.168.10.4", "192.168", "[ip]"),
])
def test_patterns_are_redacted(text: str, gone: str, kept: str) -> None:
    out = redact_text(text)
    assert gone not in out and kept in out


@pytest.mark.parametrize("text", [
    "refund 120000 cents on ord_acme_001_1",
    "customer cus_globex_019 ticket tkt_acme_013",
    "idempotency c86a71720e8c11e7c441182e8be7bf96d363fe723be1b6578840031ae3b19626",
    "4111111111111112 is not a card (Luhn)",
    "at 2025-03-01 09:00 the order 1234567 was paid",
])
def test_ids_amounts_and_dates_stay(text: str) -> None:
    assert redact_text(text) == text


def test_structures_are_redacted_by_key_and_content() -> None:
    out = redact({"to": "Bob@Evil.Example", "name": "Ada Lovelace", "amount_cents": 1500, "ok": True,
                  "nested": [{"body": "reach me at bob@evil.example"}, None], "phone": "n/a"})
    assert out == {"to": "[email:…@evil.example]", "name": "[redacted]", "amount_cents": 1500, "ok": True,
                   "nested": [{"body": "reach me at [email:…@evil.example]"}, None], "phone": "[redacted]"}


def test_redaction_is_deterministic() -> None:
    value = {"body": "call +1 415 555 0100 or mail x@y.example", "to": "x@y.example"}
    assert redact(value) == redact(value) and redact(redact(value)) == redact(value)
