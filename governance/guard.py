"""Deterministic input guard: normalisation, size limits and attack signatures, before any model reads text.

``scan(text)`` returns a ``Verdict`` (a value; the caller decides what to do). Normalisation folds what attackers
use to slip past string matching: Unicode compatibility forms (NFKC), zero-width and bidirectional control
characters, and letter case. The signature list is deliberately small and specific to instruction-hijacking
phrasing; it is a first wall, not the defence — the plan is fixed before untrusted text is read.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

_INVISIBLE = dict.fromkeys(
    [0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD, 0x180E]
    + list(range(0x202A, 0x202F))
    + list(range(0x2066, 0x206A)),
    None,
)

_SIGNATURES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.IGNORECASE))
    for name, pattern in (
        ("ignore_previous", r"\b(ignore|disregard|forget)\b.{0,40}\b(previous|prior|above|earlier|all)\b.{0,20}"
                            r"\b(instructions?|prompts?|rules|directions)"),
        ("system_override", r"(^|\n)\s*(system|assistant)\s*(prompt|message)?\s*:|<\s*/?\s*system\s*>|\[\s*system\s*\]"),
        ("new_instructions", r"\b(new|updated|important)\s+(instructions?|orders)\b\s*[:!]"),
        ("reveal_prompt", r"\b(reveal|print|show|repeat)\b.{0,30}\b(system prompt|hidden instructions|your instructions)"),
        ("role_hijack", r"\byou are now\b|\bact as (an? )?(admin|administrator|root|developer)\b|\bdeveloper mode\b"),
    )
)


@dataclass(frozen=True)
class Verdict:
    flagged: bool
    score: float
    reasons: tuple[str, ...] = field(default_factory=tuple)
    normalized: str = ""


def normalize(text: str) -> str:
    """NFKC, invisible/bidi characters removed, whitespace runs collapsed."""
    folded = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    return re.sub(r"[ \t\r\f\v]+", " ", folded).strip()


def scan(text: str, *, max_chars: int = 4000) -> Verdict:
    """Score one text: 1.0 for a size violation or any signature, 0.0 when clean."""
    reasons: list[str] = []
    if len(text) > max_chars:
        reasons.append(f"too_long:{len(text)}>{max_chars}")
    norm = normalize(text[: max_chars * 2])
    if not norm:
        reasons.append("empty")
    reasons.extend(f"signature:{name}" for name, pattern in _SIGNATURES if pattern.search(norm))
    score = min(1.0, float(len(reasons)))
    return Verdict(flagged=bool(reasons), score=score, reasons=tuple(reasons), normalized=norm)
