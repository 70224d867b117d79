"""Quarantine: flagged untrusted text is kept and marked, but nothing downstream can use it without a human.

When a tool returns text written by outsiders (the fields a ``ToolSpec`` lists as ``untrusted_output_fields``:
ticket subject and body, customer name and notes), each such field is scanned as it enters the system
(``governance.guard.scan_untrusted``). A flagged field is *quarantined*:

- **kept**: the original text is stored in the step result under ``quarantined[field]["text"]``, with the
  verdict's score, reasons and families, so an auditor or approver can read exactly what arrived;
- **marked**: in the step's ``output`` the field is replaced by a marker string (``QUARANTINE_MARKER ...``),
  so every consumer that reads outputs (the final reply, the API) sees the marker, never the payload;
- **never shown to the planner**: the planner never sees outputs anyway, only typed summaries;
- **never used without a human**: a plan argument that references a quarantined field (``{"$ref":
  "step1.body"}``) is not filled silently: the executor parks the step for approval whatever the tool's tier,
  with the quarantine shown, and only an approver's accept releases the original text into the call.

This module knows nothing of tools or the graph (governance imports nothing above it): callers pass the
field names and read the records back.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from governance.guard import UNTRUSTED_MAX_CHARS, Verdict, scan_untrusted

QUARANTINE_MARKER = "[quarantined untrusted text]"
MAX_NOTE_REASONS = 3

Scanner = Callable[[str], Verdict]


@dataclass(frozen=True)
class QuarantinedField:
    field: str
    score: float
    reasons: tuple[str, ...]
    families: tuple[str, ...]
    text: str  # the original value, exactly as the tool returned it (JSON text for non-strings)

    def as_dict(self) -> dict[str, Any]:
        return {"score": self.score, "reasons": list(self.reasons), "families": list(self.families),
                "text": self.text}


@dataclass(frozen=True)
class Screened:
    """A tool output after screening: ``output`` is safe to pass on, ``quarantined`` holds what was held back."""

    output: dict[str, Any]
    quarantined: dict[str, dict[str, Any]]
    scanned: tuple[str, ...]

    @property
    def clean(self) -> bool:
        return not self.quarantined


def marker(reasons: Iterable[str]) -> str:
    top = [r for r in reasons][:MAX_NOTE_REASONS]
    return f"{QUARANTINE_MARKER} ({', '.join(top)})" if top else QUARANTINE_MARKER


def _as_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)


def screen_output(output: Mapping[str, Any], untrusted_fields: Iterable[str], *,
                  scanner: Scanner | None = None, max_chars: int = UNTRUSTED_MAX_CHARS) -> Screened:
    """Scan each untrusted field of ``output``; replace flagged ones by a marker and keep them aside."""
    scan_fn: Scanner = scanner or (lambda text: scan_untrusted(text, max_chars=max_chars))
    safe = dict(output)
    held: dict[str, dict[str, Any]] = {}
    scanned: list[str] = []
    for name in sorted(set(untrusted_fields)):
        if name not in output or output[name] is None:
            continue
        text = _as_text(output[name])
        scanned.append(name)
        verdict = scan_fn(text)
        if verdict.flagged:
            record = QuarantinedField(field=name, score=verdict.score, reasons=verdict.reasons,
                                      families=verdict.families, text=text)
            held[name] = record.as_dict()
            safe[name] = marker(verdict.reasons)
    return Screened(output=safe, quarantined=held, scanned=tuple(scanned))


def original(record: Mapping[str, Any]) -> str:
    """The text held in quarantine, for a use a human has approved."""
    return str(record.get("text", ""))


def note(argument: str, source: str, record: Mapping[str, Any]) -> str:
    """One line for an approver: which argument, from where, and why that text was quarantined."""
    reasons = ", ".join(list(record.get("reasons", []))[:MAX_NOTE_REASONS]) or "flagged"
    return (f"argument '{argument}' would be filled from quarantined untrusted text {source} "
            f"(score {float(record.get('score', 1.0)):.2f}: {reasons})")
