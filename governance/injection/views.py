"""Views of one text that an attacker's obfuscation cannot hide from string matching.

A signature is matched against every *view* of the text, not only the text as written. Each view undoes one
trick a model would see through but a regex would not:

- ``plain``: Unicode NFKC (full-width, mathematical and circled letters become ASCII), zero-width and bidi
  control characters removed, whitespace collapsed, lower case. Every other view starts from this one.
- ``confusables``: Cyrillic and Greek look-alikes and letters drawn as emoji folded to Latin (``іgnоrе`` -> ``ignore``). Only built
  when such letters occur, and kept apart from ``plain`` so that genuine Russian or Greek text is still matched
  by the signatures written in those languages.
- ``markup``: HTML entities decoded, tags and comment markers removed, markdown emphasis dropped.
- ``leet``: digits and symbols used as letters folded back (``1gn0r3`` -> ``ignore``).
- ``symbols``: emoji, dingbats, arrows and geometric shapes between letters removed (``ign🔸ore`` -> ``ignore``);
  with more than one such run, a ``despaced`` view of it too (``ignore🔸all🔸previous`` -> ``ignoreallprevious``).
- ``despaced``: letters spelled out one by one (``i g n o r e``, ``i.g.n.o.r.e``) joined again; every
  separator is dropped, so only the squashed phrases in ``signatures.SQUASHED`` are matched against it.
- ``base64`` / ``hex`` / ``url`` / ``escapes`` / ``rot13``: encoded spans decoded; each decoded text gets its
  own views in turn (bounded depth and size, so a decoding bomb costs nothing).

Views are built only when their trigger is present, so ordinary text costs one normalisation pass.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import html
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import unquote_plus

import numpy as np

from governance.injection import hsengine as _hsengine

# Zero-width, soft hyphen, word joiners, BOM, Mongolian vowel separator, bidi embeddings/overrides/isolates,
# variation selectors and the invisible tag block: all render as nothing and split words for a regex.
_INVISIBLE_CODEPOINTS: list[int] = (
    [0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064, 0xFEFF, 0x00AD, 0x180E,
     0x034F, 0x061C, 0x115F, 0x1160, 0x3164, 0xFFA0]
    + list(range(0x202A, 0x202F))
    + list(range(0x2066, 0x206A))
    + list(range(0xFE00, 0xFE10))
    + list(range(0xE0000, 0xE0080))
)
INVISIBLE: dict[int, None] = dict.fromkeys(_INVISIBLE_CODEPOINTS, None)
_INVISIBLE_SET = frozenset(chr(c) for c in _INVISIBLE_CODEPOINTS)

# Lower-case look-alikes only: views are lower-cased before folding.
_CONFUSABLE_PAIRS = (
    # Cyrillic
    "аa вb еe ёe кk мm нh оo рp сc тt уy хx ѕs іi їi јj һh ԁd ӏl ԛq ԝw үy ɡg ьb ѵv "
    # Greek
    "αa βb γy δd εe ζz ηn ιi κk μu νv οo ρp σo ςc τt υu χx ωw "
    # Latin IPA and small-capital look-alikes that NFKC leaves alone
    "ɑa ɩi ʀr ɪi ɴn ʏy ᴀa ʙb ᴄc ᴅd ᴇe ɢg ʜh ᴊj ᴋk ʟl ᴍm ᴏo ᴘp ǫq ꜱs ᴛt ᴜu ᴠv ᴡw ᴢz"
)
CONFUSABLES: dict[int, str] = {
    ord(pair[0]): pair[-1] for pair in _CONFUSABLE_PAIRS.split() if len(pair) >= 2
}
# Letters drawn as emoji that NFKC leaves alone: negative circled and negative squared capitals (🅸🅶🅽🅾🆁🅴);
# the circled and squared ones (ⓘ, 🄸) NFKC folds already. Regional indicators are not here: they spell flags.
CONFUSABLES.update({base + k: chr(ord("a") + k) for base in (0x1F150, 0x1F170) for k in range(26)})


def _char_class(codepoints: Iterable[int]) -> str:
    """A regex character class of ``codepoints`` with every run of consecutive ones written as a range. ``re``
    tests a class holding any character above U+FFFF item by item (no bitmap), so the emoji letters as 52
    single characters made a search ~12x slower (2 ms on a 16 KB text) than as two ranges."""
    items: list[str] = []
    run: list[int] = []
    for c in [*sorted(set(codepoints)), -2]:
        if run and c != run[-1] + 1:
            a, b = re.escape(chr(run[0])), re.escape(chr(run[-1]))
            items.append(a if len(run) == 1 else a + b if len(run) == 2 else f"{a}-{b}")
            run = []
        run.append(c)
    return "[" + "".join(items) + "]"


_CONFUSABLE_RE = re.compile(_char_class(CONFUSABLES))

_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "@": "a",
                       "$": "s", "!": "i", "|": "l", "€": "e", "+": "t"})
_LEET_TRIGGER = re.compile(r"[a-z][013457@$!|€+][a-z]|\b[013457@$][a-z]{2,}")

_WS = re.compile(r"[ \t\r\f\v\u00a0]+")
_SPACES = re.compile(r" {2,}")
_OTHER_WS = ("\t", "\r", "\f", "\v", "\u00a0")


def collapse_spaces(text: str) -> str:
    """``_WS.sub(" ", text)``, faster: the other blanks become spaces (str.replace, only when present), then
    runs of spaces are collapsed (``_squeeze``)."""
    for ch in _OTHER_WS:
        if ch in text:
            text = text.replace(ch, " ")
    return _squeeze(text, "  ", " ")


def _squeeze(text: str, run: str, to: str) -> str:
    """Every run of ``run[0]`` at least ``len(run)`` long cut to ``len(to)`` (``len(to) == len(run) - 1``):
    ``re.sub(run[0] + "{%d,}" % len(run), to, text)``, by repeated ``str.replace`` (a C search at memory speed;
    each pass shortens every such run, so a run of n takes about log(n) passes) instead of ``re``'s
    character-by-character scan."""
    while run in text:
        text = text.replace(run, to)
    return text


def _newlines(text: str) -> str:
    """``_NEWLINES.sub("\\n\\n", text)``: runs of three or more line breaks cut to two."""
    return _squeeze(text, "\n\n\n", "\n\n")
_LEET_PAIRS = (("0", "o"), ("1", "i"), ("3", "e"), ("4", "a"), ("5", "s"), ("7", "t"), ("8", "b"), ("@", "a"),
               ("$", "s"), ("!", "i"), ("|", "l"), ("€", "e"), ("+", "t"))
_NEWLINES = re.compile(r"\n{3,}")
_TAG = re.compile(r"<[^<>]{0,300}>")
_COMMENT_MARKS = re.compile(r"<!--|-->|/\*|\*/")
_EMPHASIS = re.compile(r"[*~`^]+")
_SPELLED = re.compile(r"(?<![a-z0-9])(?:[a-z][ .\-_*/|·•]{1,2}){3,}[a-z](?![a-z0-9])")
_SQUASH = re.compile(r"[^\w]|_|\d")
# Pictographic symbols an attacker sprinkles inside words: arrows, technical and geometric shapes, miscellaneous
# symbols and dingbats, and the emoji planes. Letters of any script around them; a run of them is removed.
_SYMBOL_CLASS = "\u2190-\u21ff\u2300-\u23ff\u25a0-\u27bf\u2b00-\u2bff\U0001f000-\U0001faff"
_SYMBOL_IN_WORD = re.compile(f"(?<=[^\\W\\d_])[{_SYMBOL_CLASS}]+(?=[^\\W\\d_])")

_B64_SPAN = re.compile(r"[A-Za-z0-9+/_\-]{16,}={0,2}")
_HEX_SPAN = re.compile(r"(?:[0-9a-fA-F]{2}[ :]?){12,}")
_PCT = re.compile(r"%[0-9a-fA-F]{2}")
_PCT_SPAN = re.compile(r"\S*%[0-9a-fA-F]{2}\S*")  # a whitespace-free run holding percent-escapes
_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})|\\x([0-9a-fA-F]{2})")

# Hints: what every match of a trigger holds, so that one Hyperscan scan of a text can say which trigger
# regexes cannot match it (they are then not run; on a 16 KB document each costs 0.2-0.5 ms in ``re``). A hint
# regex is a superset of its trigger (see ``hsengine.translate``), so a trigger it rules out would not have
# matched: the views, and so the verdicts, are the same with or without Hyperscan.
_B64_HINT = re.compile(r"[A-Za-z0-9+/_\-]{16}")             # every _B64_SPAN match starts with such a run
_HEX_HINT = re.compile(r"(?:[0-9a-fA-F]{2}[ :]?){12}")       # ... every _HEX_SPAN match with such a prefix
_HINTS = (_B64_HINT, _HEX_HINT, _LEET_TRIGGER, _SPELLED)
HINT_B64, HINT_HEX, HINT_LEET, HINT_SPELLED = range(4)
_ALL_HINTS = frozenset(range(len(_HINTS)))


def hints(text: str) -> frozenset[int] | set[int]:
    """Which of ``_HINTS`` may match ``text`` (all of them without Hyperscan, or for text it cannot read)."""
    engine = _hint_engine() if _hsengine.enabled() else None
    if engine is None or text.isascii() and len(text) < 16:
        return _ALL_HINTS if engine is None else _short_hints(text)
    got = engine.candidates(text)
    return _ALL_HINTS if got is None else got | engine.fallback


_HINT_ENGINE: list[_hsengine.Engine | None] = []


def _hint_engine() -> _hsengine.Engine | None:
    if not _HINT_ENGINE:
        _HINT_ENGINE.append(_hsengine.engine(_HINTS, single=True))
    return _HINT_ENGINE[0]


def _short_hints(text: str) -> set[int]:
    # under 16 ASCII characters neither encoding hint can match; the scan's fixed cost is not worth it
    return {HINT_LEET, HINT_SPELLED}


# Gates: what a text must hold for ``views`` to return more than its plain view. Every trigger of a derived
# view is caught here by a superset: on the plain text the leet and spelled-letters triggers, the markup
# characters, "rot13", the confusable letters (which also gate the mixed-script signal); on the folded text
# (what encoded spans are decoded from) the base64 and hex spans, a percent-escape and a backslash escape. A
# batch is scanned once per list (``plain_only_many``); a text with no event has exactly one view, its plain
# one. Written to report few events (each costs a Python call): fixed lengths where the trigger's repeat is
# open ("\b[013457@$][a-z]{2,}" holds "[013457@$][a-z]{2}"), and a run reported once, at its start: every
# text follows a line break in the scan (``Engine.events_many``), so a run of 16 base64 characters always
# follows a character that is not one. The gate engines keep repeat bounds exact (``bounded``).
_B64_CHAR = r"[A-Za-z0-9+/_\-]"
_HEX_RUN = r"[0-9a-fA-F :]"   # a hex span is 24+ characters of these in a row
_GATES_PLAIN = (
    re.compile(r"[a-z][013457@$!|€+][a-z]|[013457@$][a-z]{2}"),              # _LEET_TRIGGER
    re.compile(r"(?:[a-z][ .\-_*/|·•]{1,2}){3}[a-z]"),                       # _SPELLED
    re.compile(r"[<&*`~]"),                                                  # markup
    re.compile(r"rot(?:13|-13| 13)"),                                        # rot13
    re.compile("(?:[^" + _CONFUSABLE_RE.pattern[1:-1] + "])" + _CONFUSABLE_RE.pattern),  # confusables (a run)
    re.compile(f"[{_SYMBOL_CLASS}]"),                                       # _SYMBOL_IN_WORD
)
_GATES_SOURCE = (
    re.compile(f"[^{_B64_CHAR[1:-1]}]{_B64_CHAR}{{16}}"),                     # _B64_SPAN
    re.compile(f"[^{_HEX_RUN[1:-1]}]{_HEX_RUN}{{24}}"),                      # _HEX_SPAN
    _PCT,                                                                    # percent-escapes
    re.compile(r"\\[ux]"),                                                  # _ESCAPE
)
_GATE_ENGINES: list[tuple[_hsengine.Engine | None, _hsengine.Engine | None]] = []


def _gate_engines() -> tuple[_hsengine.Engine | None, _hsengine.Engine | None]:
    if not _GATE_ENGINES:
        _GATE_ENGINES.append((_hsengine.engine(_GATES_PLAIN, bounded=32),
                              _hsengine.engine(_GATES_SOURCE, bounded=32)))
    return _GATE_ENGINES[0]


Gates = tuple[frozenset[int], frozenset[int]]   # the gates of _GATES_PLAIN / _GATES_SOURCE with an event
NO_GATES: Gates = (frozenset(), frozenset())


def gates_many(plains: Sequence[str], sources: Sequence[str]) -> list[Gates] | None:
    """For each text (given as ``normalize(t).lower()`` and ``folded(t)``), which gates may match it: none
    means ``views(t)`` is certainly ``[View("plain", plain)]`` and the plain view holds no confusable letter.
    The rest is passed on to ``views`` as its hints (``views(..., gates=)``). None without Hyperscan (or with a
    gate it could not take, or a text it cannot read)."""
    if not _hsengine.enabled():
        return None
    engine_plain, engine_source = _gate_engines()
    if engine_plain is None or engine_source is None or engine_plain.fallback or engine_source.fallback:
        return None
    on_plain, on_source = engine_plain.ids_many(plains), engine_source.ids_many(sources)
    if on_plain is None or on_source is None:
        return None
    out = [NO_GATES] * len(plains)   # (only the texts with an event get sets: most short texts have none)
    for i in on_plain.keys() | on_source.keys():
        out[i] = (frozenset(on_plain.get(i, ())), frozenset(on_source.get(i, ())))
    return out


_LEET_GATE_ONLY: Gates = (frozenset({0}), frozenset())


def plain_only(plain: str, gates: Gates) -> bool:
    """Whether ``views(t, plain=plain, gates=gates)`` is certainly ``[View("plain", plain)]`` (``gates`` from
    ``gates_many``): no gate at all, or only the leet trigger's and no line of ``plain`` with a leet-like token
    (``_leet_lines`` finds none). That second case is ~a fifth of all texts (e-mail addresses, "1st", "5pm"
    open the leet gate), and answering it here skips building and matching their views."""
    if gates is NO_GATES:
        return True
    # Only the leet gate: no confusable letter, markup character, spelled-out letters or "rot13" in ``plain``,
    # nothing to decode in the folded text (no base64 or hex run, percent- or backslash-escape, and no "&",
    # which is a markup character of ``plain`` too), so the leet view is the only one ``views`` could add.
    return gates == _LEET_GATE_ONLY and _leet_lines(plain) is None


def _hints_from_gates(ids: frozenset[int], first: int, second: int) -> frozenset[int]:
    """The hints a gate scan stands for: gates 0 and 1 of each list hold hints ``first`` and ``second``'s
    triggers (leet and spelled letters on the plain text; base64 and hex on the folded one)."""
    return frozenset(h for g, h in ((0, first), (1, second)) if g in ids)


MAX_DEPTH = 2          # base64 inside base64 inside text, and no deeper
MAX_SPANS = 8          # encoded candidates decoded per text
MAX_DECODED = 64_000   # characters of decoded text per scan, in total


@dataclass(frozen=True)
class View:
    """One way of reading the text. ``kind`` records how it was derived (``base64>leet``)."""

    kind: str
    text: str


def strip_invisible(text: str) -> str:
    # vectorised: str.translate with a dict costs ~100 ns per character, and a regex class this large more
    if text.isascii() or _none_invisible(text):
        return text
    cp = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    mask = _invisible_mask(cp)
    return cp[~mask].tobytes().decode("utf-32-le") if mask.any() else text


SMALL_TEXT = 512  # up to this many characters, a set lookup per character (~17 ns) beats numpy's fixed cost


def _none_invisible(text: str) -> bool:
    """Certainly no character of ``INVISIBLE`` in ``text`` (a short one: ``frozenset.isdisjoint``, ~2 us for
    120 characters against ~10 us for the numpy mask); False means "maybe" (a long text is left to numpy)."""
    return len(text) <= SMALL_TEXT and _INVISIBLE_SET.isdisjoint(text)


def _invisible_mask(cp: np.ndarray) -> np.ndarray:
    lo, hi = _INVISIBLE_ASTRAL
    return (_INVISIBLE_BMP[cp & 0xFFFF] & (cp < 1 << 16)) | ((cp >= lo) & (cp <= hi))


_INVISIBLE_BMP = np.zeros(1 << 16, dtype=bool)
_INVISIBLE_BMP[[c for c in _INVISIBLE_CODEPOINTS if c < 1 << 16]] = True
_INVISIBLE_ASTRAL = (min(c for c in _INVISIBLE_CODEPOINTS if c >= 1 << 16),
                     max(c for c in _INVISIBLE_CODEPOINTS if c >= 1 << 16))


def has_invisible(text: str) -> bool:
    """Whether ``text`` holds any character of ``INVISIBLE`` (one table lookup per code point, in numpy; a
    regex class this large costs ~250 ns per character)."""
    if text.isascii() or _none_invisible(text):
        return False
    return bool(_invisible_mask(np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)).any())


_SURROGATE = re.compile("[\ud800-\udfff]")


def replace_surrogates(text: str) -> str:
    """Lone surrogates (a str can hold them; no encoding can) as U+FFFD, so that nothing downstream (UTF-32
    views, the classifier, Hyperscan's UTF-8) raises on them. Other text is returned as it is."""
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATE.sub("\ufffd", text)
    return text


def _nfkc(text: str) -> str:
    """NFKC (surrogates as U+FFFD), with the Turkish capital dotted I as a plain "I": lower-cased, "İ" becomes
    "i" and a combining dot, so "YÖNETİCİ BİLDİRİMİ" would never read as "yönetici bildirimi"."""
    out = unicodedata.normalize("NFKC", replace_surrogates(text))
    return out.replace("\u0130", "I") if "\u0130" in out else out


def folded(text: str) -> str:
    """NFKC with invisible and bidi characters removed (surrogates as U+FFFD): the first step of ``normalize``
    and what encoded spans are decoded from (case and spacing intact)."""
    return text if text.isascii() else strip_invisible(_nfkc(text))


def normalize(text: str) -> str:
    """NFKC, invisible and bidi characters removed, runs of spaces collapsed; case and line breaks kept."""
    return _newlines(collapse_spaces(folded(text))).strip()


JOIN = "\x00"  # texts normalised together are joined by this: NFKC never composes anything with it (it is a
               # starter with no composition), no other step reads across it, and none produces it


def normalize_many(texts: Sequence[str]) -> tuple[list[str], list[str]]:
    """(``normalize(t)``, ``folded(t)``) of each text, each step run once over many of them joined by ``JOIN``
    (a batch of short texts costs one C call per step rather than one Python call per text and step): the
    ASCII texts together (a one-byte string: every search in it is fast), the others together (NFKC and the
    invisible strip, which ASCII text never needs). The same strings as one by one: NFKC, the invisible mask,
    surrogate replacement and the whitespace steps are all local and none crosses or makes a NUL; a batch
    with a text holding NUL itself is done one by one."""
    if len(texts) < 2:   # (one text: ``normalize`` from its ``folded``, computed once)
        folds_one = [folded(t) for t in texts]
        return [_newlines(collapse_spaces(f)).strip() for f in folds_one], folds_one
    narrow = [i for i, t in enumerate(texts) if t.isascii()]
    wide = [i for i, t in enumerate(texts) if not t.isascii()] if len(narrow) < len(texts) else []
    norms: list[str] = [""] * len(texts)
    folds: list[str] = [""] * len(texts)
    for group in (narrow, wide):
        if not group:
            continue
        joined = JOIN.join(texts[i] for i in group)
        if joined.count(JOIN) != len(group) - 1:
            return [normalize(t) for t in texts], [folded(t) for t in texts]
        if group is wide:
            joined = strip_invisible(_nfkc(joined))
        normal = _newlines(collapse_spaces(joined))
        for i, f, n in zip(group, joined.split(JOIN), normal.split(JOIN), strict=True):
            folds[i] = f
            norms[i] = n.strip()
    return norms, folds


def fold_confusables(text: str) -> str:
    # one replacement per look-alike found (str.translate with a dict is ~100 ns per character)
    return _CONFUSABLE_RE.sub(_fold_one, text)


def _fold_one(m: re.Match[str]) -> str:
    return CONFUSABLES[ord(m.group())]


# whether a text holds a match of _LEET_TRIGGER (not where): the same answer, ~6x faster (it starts with the
# leet character, so ``re`` skips to candidates in C instead of trying two alternatives at every position)
_LEET_ANY = re.compile(r"[013457@$!|€+](?:(?<=[a-z].)(?=[a-z])|(?<=\b[013457@$])(?=[a-z]{2}))")
# tokens that look like leetspeak to _LEET_TRIGGER but are not: e-mail addresses ("a@b.com"), ordinals ("1st"),
# times ("5pm", "10:30am")
_NOT_LEET = re.compile(r"[a-z0-9._%+\-]+@[a-z0-9.\-]+\.[a-z]{2,}|\d+(?:st|nd|rd|th)|\d{1,2}(?::\d\d)?(?:am|pm)")
_TOKEN_PUNCT = ".,;:!?()[]{}<>\"'`*"


def _leet_lines(text: str) -> str | None:
    """The leet view of ``text``: only its lines with a leet-like token are folded, so a document with a few
    of them is not read again whole. A match of the trigger lies inside one whitespace-delimited token; it
    does not count when that token (without surrounding punctuation) is an e-mail address, an ordinal or a
    time. None when no line has a leet-like token."""
    lines: list[str] | None = None
    line, last, done = 0, 0, -1
    for m in _LEET_ANY.finditer(text):
        i = m.start()
        line += text.count("\n", last, i)
        last = i
        if line == done:
            continue
        start = max(text.rfind(" ", 0, i), text.rfind("\n", 0, i)) + 1
        ends = [e for e in (text.find(" ", i), text.find("\n", i)) if e >= 0]
        token = text[start:min(ends) if ends else len(text)].strip(_TOKEN_PUNCT)
        if _NOT_LEET.fullmatch(token):
            continue
        if lines is None:
            lines = text.split("\n")
        lines[line] = leet(lines[line])
        done = line
    return "\n".join(lines) if lines is not None else None


def leet(text: str) -> str:
    """Digits and symbols used as letters folded back; the same as ``text.translate(_LEET)``, but str.replace
    per character is a C loop (translate with a dict is ~100 ns per character on non-ASCII text)."""
    for a, b in _LEET_PAIRS:
        if a in text:
            text = text.replace(a, b)
    return text


def _printable_ratio(text: str) -> float:
    if not text:
        return 0.0
    good = sum(1 for ch in text if ch.isprintable() or ch in "\n\t\r")
    letters = sum(1 for ch in text if ch.isalpha() or ch == " ")
    return min(good / len(text), 2 * letters / len(text))


def _decode_text(raw: bytes) -> str | None:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return text if len(text) >= 6 and _printable_ratio(text) >= 0.85 else None


def _b64(span: str) -> str | None:
    s = span.rstrip("=")
    if len(s) % 4 == 1:
        return None
    padded = s + "=" * (-len(s) % 4)
    try:
        raw = base64.urlsafe_b64decode(padded) if ("-" in s or "_" in s) else base64.b64decode(padded)
    except (binascii.Error, ValueError):
        return None
    return _decode_text(raw)


def _hex(span: str) -> str | None:
    try:
        return _decode_text(bytes.fromhex(re.sub(r"[ :]", "", span)))
    except ValueError:
        return None


def _escapes(text: str) -> str:
    return _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)


def decoded_texts(text: str, maybe: frozenset[int] | set[int] | None = None) -> list[tuple[str, str]]:
    """(kind, decoded text) for every encoded span in ``text`` that decodes to readable text. ``maybe``: the
    hints that may match ``text``, when the caller knows them already (else ``hints(text)``)."""
    out: list[tuple[str, str]] = []
    budget = MAX_DECODED
    if maybe is None:
        maybe = hints(text)
    for kind, pattern, decode, hint in (("base64", _B64_SPAN, _b64, HINT_B64), ("hex", _HEX_SPAN, _hex, HINT_HEX)):
        if hint not in maybe:
            continue
        for n, m in enumerate(pattern.finditer(text)):
            if n >= MAX_SPANS or budget <= 0:
                break
            span = m.group(0)
            if kind == "base64" and (span.isalpha() or span.isdigit()):
                continue  # a long word or number, not an encoding
            decoded = decode(span)
            if decoded:
                out.append((kind, decoded[:budget]))
                budget -= len(decoded)
    if len(_PCT.findall(text, 0, 20_000)) >= 3:
        spans = [m.group(0) for m in _PCT_SPAN.finditer(text)][:MAX_SPANS]
        decoded = "\n".join(unquote_plus(span) for span in spans)
        if decoded:
            out.append(("url", decoded[:budget]))
    if "\\u" in text or "\\x" in text:
        unescaped = _escapes(text)
        if unescaped != text:
            out.append(("escapes", unescaped[:budget]))
    return out


BLOCK_SEPARATOR = "\n\x00\n"  # between the blocks of a derived view: no signature can match across it


def _changed_blocks(plain_lines: list[str], derived: str) -> str | None:
    """What of a derived view is worth reading: the lines it changed, each with one line of context on both
    sides, as blocks joined by ``BLOCK_SEPARATOR`` (the plain view has already been read everywhere else).
    ``None`` when it changed nothing; the whole view when its lines no longer line up with the plain ones (a
    tag or comment spanning lines was removed)."""
    lines = derived.split("\n")
    if len(lines) != len(plain_lines):
        return derived
    changed = [i for i, (a, b) in enumerate(zip(plain_lines, lines, strict=True)) if a != b]
    if not changed:
        return None
    if len(changed) * 3 >= len(lines):
        return derived
    blocks: list[tuple[int, int]] = []
    for i in changed:
        start, end = max(0, i - 1), min(len(lines), i + 2)
        if blocks and start <= blocks[-1][1]:
            blocks[-1] = (blocks[-1][0], max(blocks[-1][1], end))
        else:
            blocks.append((start, end))
    return BLOCK_SEPARATOR.join("\n".join(lines[a:b]) for a, b in blocks)


def _surface_views(kind: str, plain: str, maybe_plain: frozenset[int] | None = None) -> list[View]:
    """Views of an already normalised, lower-cased text that need no decoding. A derived view holds only
    the blocks of lines it changes (``_changed_blocks``): in a long document a few folded characters would
    otherwise make every segment new and the whole document would be read again per view."""
    views = [View(kind, plain)]
    plain_lines = plain.split("\n")

    def add(name: str, text: str) -> None:
        blocks = _changed_blocks(plain_lines, text)
        if blocks is not None:
            views.append(View(f"{kind}>{name}", blocks))

    base = plain
    if not plain.isascii() and _CONFUSABLE_RE.search(plain):
        base = fold_confusables(plain)
        add("confusables", base)
    if "<" in base or "&" in base or "*" in base or "`" in base or "~" in base:
        markup = _EMPHASIS.sub("", _TAG.sub("", _COMMENT_MARKS.sub(" ", html.unescape(base)))).lower()
        if markup != base:
            add("markup", collapse_spaces(markup))
            base = markup
    if not base.isascii() and _SYMBOL_IN_WORD.search(base):
        desymbolled, runs = _SYMBOL_IN_WORD.subn("", base)
        add("symbols", desymbolled)
        if runs > 1:
            views.append(View(f"{kind}>symbols>despaced", _SQUASH.sub("", desymbolled)))
    maybe = maybe_plain if maybe_plain is not None and base is plain else hints(base)
    if HINT_LEET in maybe and _LEET_ANY.search(base):
        folded_leet = _leet_lines(base)
        if folded_leet is not None:
            add("leet", folded_leet)
    if HINT_SPELLED in maybe and _SPELLED.search(base):
        views.append(View(f"{kind}>despaced", _SQUASH.sub("", base)))
    if "rot13" in base or "rot-13" in base or "rot 13" in base:
        views.append(View(f"{kind}>rot13", codecs.encode(base, "rot13")))
    return views


def views(text: str, *, depth: int = 0, kind: str = "plain", plain: str | None = None,
          source: str | None = None, gates: Gates | None = None) -> list[View]:
    """Every view of ``text`` worth matching (see module docstring); ``text`` need not be normalised.
    ``plain`` / ``source``: ``normalize(text).lower()`` and ``folded(text)`` when the caller has them already
    (``normalize_many``), so they are not computed twice; ``gates``: their ``gates_many`` (supersets of the
    triggers, so they stand for the hint scans of exactly those two texts)."""
    if plain is None:
        plain = normalize(text).lower()
    out = _surface_views(kind, plain, None if gates is None else _hints_from_gates(gates[0], HINT_LEET, HINT_SPELLED))
    if depth >= MAX_DEPTH:
        return out
    # Decode from the NFKC text with its case intact (base64 is case-sensitive), entities decoded once.
    if source is None:
        source = folded(text)
    maybe = None if gates is None else _hints_from_gates(gates[1], HINT_B64, HINT_HEX)
    if "&" in source:
        source = html.unescape(source)
        maybe = None
    for sub_kind, decoded in decoded_texts(source, maybe):
        out.extend(views(decoded, depth=depth + 1, kind=f"{kind}>{sub_kind}"))
    return out


def has_invisible_inside_words(text: str) -> bool:
    """Invisible characters between letters (``ig\u200bnore``); not those inside emoji sequences, nor a
    (non-)joiner between two letters of a script that spells with it (Hebrew onwards: Persian, Urdu, Indic)."""
    if text.isascii() or _none_invisible(text):
        return False
    cp = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    for i in np.flatnonzero(_invisible_mask(cp)).tolist():
        if 0 < i < len(text) - 1 and text[i - 1].isalpha() and text[i + 1].isalpha():
            if text[i] in _JOINERS and text[i - 1] >= "\u0590" and text[i + 1] >= "\u0590":
                continue   # Persian, Urdu and Indic spelling uses these inside words
            return True
    return False


_JOINERS = frozenset("\u200c\u200d")   # zero-width non-joiner and joiner


_WORD = re.compile(r"\w+")
# \w for str patterns: ASCII letters, digits and "_", and every character str.isalnum() accepts
_WORD_BMP = np.array([chr(c).isalnum() or c == 0x5F for c in range(1 << 16)], dtype=bool)
_CONFUSABLE_BMP = np.zeros(1 << 16, dtype=bool)
_CONFUSABLE_BMP[[c for c in CONFUSABLES if c < 1 << 16]] = True


def has_mixed_script_word(plain: str) -> bool:
    """A word mixing Latin letters with Cyrillic/Greek look-alikes: a homoglyph disguise, rarely innocent.
    (A word is a run of ``\\w``; vectorised over code points, so long Cyrillic texts cost little.)"""
    if plain.isascii() or not _CONFUSABLE_RE.search(plain):
        return False
    cp = np.frombuffer(plain.encode("utf-32-le"), dtype=np.uint32)
    bmp = cp < 1 << 16
    low = cp & 0xFFFF
    word = _WORD_BMP[low] & bmp
    if not bmp.all():
        for i in np.flatnonzero(~bmp).tolist():
            word[i] = bool(_WORD.match(plain[i]))
    conf = _CONFUSABLE_BMP[low] & bmp
    latin = (cp >= 0x61) & (cp <= 0x7A)
    run = np.cumsum(~word)                 # the same number along one run of word characters
    has_conf = np.zeros(len(cp) + 1, dtype=bool)
    has_latin = np.zeros(len(cp) + 1, dtype=bool)
    has_conf[run[conf]] = True
    has_latin[run[latin]] = True
    return bool((has_conf & has_latin).any())
