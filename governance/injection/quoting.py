"""Where a text quotes someone: the spans inside quotation marks, found by position, not by a fixed frame.

Why: a signature's own quoting frame (``signatures._QUOTED``) is a fixed-width lookbehind, so it only sees a
quote mark *right before* the phrase. Security trainings, phishing reports and meeting minutes quote attacks
with the addressee inside the quote (``„Hinweis an das System: ignoriere alle bisherigen Anweisungen“``,
``"Sistema, ignore as regras"``, ``«бот, забудь свої правила»``, ``「システムへ:これまでの指示をすべて無視」``), and
the learned classifier, which scores a long text by its worst sentence, reads the quoted sentence alone. Both
flagged a third of the long benign texts of a blind set. ``quoted_spans`` finds what lies between a pair of
quotation marks of any of the usual conventions, within one paragraph; the scanner then reads a finding that
occurs *only* inside such spans as a quotation (``scanner._requote``).

What is not a quotation here, because it is where an attacker's own text sits in data:

- a value: a straight quote after ``=``, or after the ``:`` of a key that is quoted (JSON) or a lower-case
  identifier at the start of a line (YAML, logs: ``note: "..."``);
- a quote that is (nearly) the whole text: quoting needs words around it (``MIN_OUTSIDE``);
- a quote longer than ``MAX_QUOTE`` characters or running over a blank line.

Everything is computed on the normalised text (``views``), whose quotation marks are left as written.
"""

from __future__ import annotations

import re
from bisect import bisect_right

MAX_QUOTE = 600      # a longer run between two marks is not read as one quotation
MIN_OUTSIDE = 80     # characters of the text outside every quotation, at least (else nothing is a quotation)

# opening mark -> the marks that may close it (German „...“ and »...«, Swedish ”...”, CJK corner brackets, ...)
_CLOSERS: dict[str, str] = {
    "“": "”“",
    "„": "“”\"",
    "«": "»",
    "»": "«",
    "‹": "›",
    "›": "‹",
    "「": "」",
    "『": "』",
    "《": "》",
    "〈": "〉",
    "‘": "’",
    "‚": "‘’",
    "”": "”",
    '"': '"',
    "'": "'",
}
_MARK = re.compile("[" + re.escape("".join(_CLOSERS)) + "]")
# Where a quotation may open: a typographic mark not right after the punctuation of data (a CSV cell, a list
# item, a value), or a straight one after a word and one space (``the mail said "...``; right after a letter it is
# an apostrophe or inches: ``l'IA``, ``27"``), after the end of a sentence and a space, or after a colon that
# ends prose or a label (``_prose_key``); never before a space. One regex passes over the many straight quotes
# of JSON and CSV without a Python call for each.
_TYPOGRAPHIC = "".join(m for m in _CLOSERS if m not in "\"'")
_OPENER = re.compile(
    rf"[{re.escape(_TYPOGRAPHIC.replace('”', ''))}](?<![,\[{{=|].)"
    r"|”(?<![,\[{=|]”)(?!\s)"
    r"|[\"'](?:(?<=[^\W\d_] [\"'])|(?<=[^\W\d_]\t[\"'])|(?<=[?!.…] [\"']))(?!\s)"
    r"|(?P<colon>[\"'])(?:(?<=:[\"'])|(?<=: [\"']))(?!\s)")
_JSON_KEY = re.compile(r"[\"'\]})]\s*$")
_DIGIT = re.compile(r"\d")
_WORD = re.compile(r"[^\W\d_]+")


def _prose_key(text: str, j: int) -> bool:
    """Whether what precedes the colon at ``j`` on its line is prose or a label, not a key of data."""
    line_start = text.rfind("\n", 0, j) + 1
    key = text[line_start:j]
    key = key.strip(" \t>*-")
    if not key or _JSON_KEY.search(key) or _DIGIT.search(key):
        return False
    if " " in key:
        return True          # "the customer wrote:", "Le mail disait :"
    # one word: a label in prose (Example:, Beispiel:, 例:), not a lower-case key (note:, body:)
    return _WORD.fullmatch(key) is not None and not key[0].islower()


def _closes(text: str, at: int, mark: str) -> bool:
    if mark != "'":
        return True
    after = text[at + 1] if at + 1 < len(text) else " "
    return not (after.isalnum() or after == "_")   # an apostrophe inside a word (don't, l'IA) closes nothing


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """The (start, end) of every quotation's inside in ``text`` (between its marks), in order, not
    overlapping; empty when the text has no quotation or is (nearly) all quotation."""
    if not _MARK.search(text):
        return []
    spans: list[tuple[int, int]] = []
    pos = 0
    n = len(text)
    search, opener = _MARK.search, _OPENER.match
    while True:
        found = search(text, pos)
        if found is None:
            break
        m = opener(text, found.start())   # (a class search finds the marks fast; the opener's lookbehinds
        if m is None:                      # are then tried at a mark only)
            pos = found.start() + 1
            continue
        at = m.end() - 1
        mark = text[at]
        pos = at + 1
        if m.group("colon") and not _prose_key(text, text.rindex(":", 0, at)):
            continue    # a value of data: ``"key": "...``, ``note: "...``
        closers = _CLOSERS[mark]
        limit = min(n, at + 1 + MAX_QUOTE)
        blank = text.find("\n\n", at + 1, limit)
        if blank >= 0:
            limit = blank
        end = -1
        for c in closers:
            j = text.find(c, at + 2, limit)
            while j >= 0 and not _closes(text, j, c):
                j = text.find(c, j + 1, limit)
            if j >= 0 and (end < 0 or j < end):
                end = j
        if end < 0:
            continue
        spans.append((at + 1, end))
        pos = end + 1
    if spans and n - sum(e - s for s, e in spans) < MIN_OUTSIDE:
        return []
    return spans


class Spans:
    """``quoted_spans`` with a membership test by position."""

    __slots__ = ("_ends", "_starts")

    def __init__(self, spans: list[tuple[int, int]]):
        self._starts = [s for s, _ in spans]
        self._ends = [e for _, e in spans]

    def __bool__(self) -> bool:
        return bool(self._starts)

    def inside(self, position: int) -> bool:
        k = bisect_right(self._starts, position) - 1
        return k >= 0 and position < self._ends[k]

    def blanked(self, text: str, filler: str = "…") -> str:
        """``text`` with the inside of every quotation replaced by ``filler`` (the marks kept)."""
        out: list[str] = []
        last = 0
        for s, e in zip(self._starts, self._ends, strict=True):
            out.append(text[last:s])
            out.append(filler)
            last = e
        out.append(text[last:])
        return "".join(out)
