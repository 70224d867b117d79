"""Hyperscan pre-pass: which signatures can possibly match a segment, for all of them in one scan.

Why: a support-desk text is full of the words the signatures start from, so even after the literal prefilter
(``prefilter.py``) most of the scan time went into Python ``re`` searches that found nothing. Hyperscan runs
every signature over a segment at once, in C, and reports the few it *might* match; only those are then
confirmed by the signature's own Python regex on the same segment. A verdict therefore never depends on
Hyperscan's reading of a regex, only on Python's: Hyperscan may report too much (costing one regex run),
never too little.

"Never too little" is built, not assumed. Each signature is not handed to Hyperscan as written but
*translated* from Python's own parse of it (``re._parser``) into an expression whose language is a superset:

- character classes and ``\\w``/``\\s``/``\\d`` (and their negations) become explicit code-point ranges, read
  off Python's ``re`` itself (which characters *Python* counts as a word character, for this Python's
  Unicode version), so the two engines never disagree about a character;
- zero-width assertions (``\\b``, ``^``, ``$``, lookbehinds such as ``(?<!cannot )``, lookaheads) are dropped:
  removing a condition can only let more texts match;
- possessive and atomic repeats become ordinary ones (again only more matches); lazy and greedy repeats accept
  the same strings;
- ``HS_FLAG_PREFILTER`` lets Hyperscan widen whatever it cannot do exactly (large bounded repeats).

Anything the translator does not know (backreferences, conditionals, ``re.IGNORECASE``, ...) and anything
Hyperscan refuses even in prefilter mode is not dropped: that signature is reported as ``fallback`` and the
scanner runs it on every segment, as before. Text Hyperscan cannot read the same way (a lone surrogate is not
UTF-8) is left to the pure-Python path by the caller (``candidates`` returns None).

If the ``hyperscan`` package cannot be imported (another CPU architecture), ``engine()`` returns None and the
scanner keeps its pure-Python path (literal prefilter + anchors); both paths give the same verdicts.

The database is loaded or compiled lazily, once per process, under a lock, and kept in a cache file keyed by
everything it depends on (``cache_dir()``; loading it takes a few ms). Compiling the 279 signatures takes ~10 s,
so the databases are also shipped with the code, compiled ahead of time (``SHIPPED``, ``ship()``): an empty cache
is filled from them. Each thread scans with its own scratch space (Hyperscan's scratch must not be shared
by concurrent scans). ``views.py`` uses a second, small database for its view triggers.
"""

from __future__ import annotations

import hashlib
import json
import lzma
import os
import platform
import re
import sys
import tempfile
import threading
import time
import unicodedata
from bisect import bisect_left
from collections.abc import Sequence
from itertools import accumulate
from pathlib import Path
from re import _constants as _C  # type: ignore[attr-defined]  # the parse tree's opcodes
from re import _parser as _P  # type: ignore[attr-defined]
from typing import Any, Protocol

import numpy as np

try:  # pragma: no cover - exercised on machines without the wheel
    import hyperscan as _hs
except ImportError:  # pragma: no cover
    _hs = None

__all__ = ["Engine", "Untranslatable", "available", "cache_dir", "enabled", "engine", "set_mode", "translate"]

MAX_CODEPOINT = 0x10FFFF
_SURROGATES = (0xD800, 0xDFFF)


class Untranslatable(ValueError):
    """A regex construct with no superset translation here; the signature runs on every segment instead."""


# --- exact character sets, as Python's re sees them ---------------------------------------------------------
Ranges = list[tuple[int, int]]

_ALL_CHARS: list[str] = []  # every code point but the surrogates, as one string (built on first use)
_CATEGORY_CACHE: dict[tuple[Any, int], Ranges] = {}
_CATEGORY_REGEX = {_C.CATEGORY_WORD: r"\w", _C.CATEGORY_NOT_WORD: r"\W", _C.CATEGORY_DIGIT: r"\d",
                   _C.CATEGORY_NOT_DIGIT: r"\D", _C.CATEGORY_SPACE: r"\s", _C.CATEGORY_NOT_SPACE: r"\S"}


def _all_chars() -> str:
    if not _ALL_CHARS:
        cps = np.concatenate([np.arange(0, _SURROGATES[0], dtype=np.uint32),
                              np.arange(_SURROGATES[1] + 1, MAX_CODEPOINT + 1, dtype=np.uint32)])
        _ALL_CHARS.append(cps.tobytes().decode("utf-32-le"))
    return _ALL_CHARS[0]


def _codepoint_at(pos: int) -> int:
    return pos if pos < _SURROGATES[0] else pos + (_SURROGATES[1] - _SURROGATES[0] + 1)


def _category(cat: Any, flags: int) -> Ranges:
    """The code points (surrogates aside) Python's ``re`` puts in a category under ``flags``: found by running
    the category's own regex over every code point, so the answer is this Python's, not a Unicode table's."""
    key = (cat, flags & re.ASCII)
    if key not in _CATEGORY_CACHE:
        source = _CATEGORY_REGEX.get(cat)
        if source is None:
            raise Untranslatable(f"category {cat}")
        text = _all_chars()
        runs = re.compile(f"(?:{source})+", flags & re.ASCII)
        _CATEGORY_CACHE[key] = _split_surrogates(
            [(_codepoint_at(m.start()), _codepoint_at(m.end() - 1)) for m in runs.finditer(text)])
    return _CATEGORY_CACHE[key]


_WIDE = (_C.CATEGORY_WORD, _C.CATEGORY_NOT_WORD)  # hundreds of ranges each: approximated, see ``_approx``


def _approx(cat: Any, flags: int) -> tuple[Ranges, Ranges]:
    """(superset, subset) of a category. Exact for ``\\s``/``\\d`` and their negations (a few dozen ranges);
    ``\\w`` and ``\\W`` are exact on ASCII and, beyond it, "any character" (superset) or "none" (subset):
    their hundreds of Unicode ranges made the database take half a minute to compile and exceed Hyperscan's
    pattern length, for no gain in a pre-pass whose every report is confirmed by Python."""
    exact = _category(cat, flags)
    if cat not in _WIDE:
        return exact, exact
    ascii_part = [(lo, min(hi, 0x7F)) for lo, hi in exact if lo <= 0x7F]
    # beyond ASCII: everything but the spaces (no space is a word character, and a \\w that overlaps \\s made
    # "\\s+[\\w'-]+" ambiguous enough to cost seconds of compile time)
    spaces = [r for r in _category(_C.CATEGORY_SPACE, flags) if r[1] >= 0x80]
    beyond = _complement([(0, 0x7F), *spaces]) if cat is _C.CATEGORY_WORD else _union([(0x80, MAX_CODEPOINT)])
    return _union([*ascii_part, *beyond]), ascii_part


def _split_surrogates(ranges: Ranges) -> Ranges:
    out: Ranges = []
    lo_s, hi_s = _SURROGATES
    for lo, hi in ranges:
        if lo < lo_s <= hi or lo <= hi_s < hi or (lo_s <= lo and hi <= hi_s):
            if lo < lo_s:
                out.append((lo, lo_s - 1))
            if hi > hi_s:
                out.append((hi_s + 1, hi))
        else:
            out.append((lo, hi))
    return out


def _union(ranges: Ranges) -> Ranges:
    out: Ranges = []
    for lo, hi in sorted(ranges):
        if out and lo <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def _complement(ranges: Ranges) -> Ranges:
    out: Ranges = []
    nxt = 0
    for lo, hi in _union(ranges):
        if lo > nxt:
            out.append((nxt, lo - 1))
        nxt = hi + 1
    if nxt <= MAX_CODEPOINT:
        out.append((nxt, MAX_CODEPOINT))
    return _split_surrogates(out)


def _char(c: int) -> str:
    ch = chr(c)
    return ch if ch.isascii() and ch.isalnum() else f"\\x{{{c:x}}}"


def _class(ranges: Ranges) -> str:
    ranges = _split_surrogates(_union(ranges))
    if not ranges:
        raise Untranslatable("a class no character matches")
    if len(ranges) == 1 and ranges[0][0] == ranges[0][1]:
        return _char(ranges[0][0])
    return "[" + "".join(_char(lo) if lo == hi else f"{_char(lo)}-{_char(hi)}" for lo, hi in ranges) + "]"


# --- translation ---------------------------------------------------------------------------------------------
_REPEATS = (_C.MAX_REPEAT, _C.MIN_REPEAT, getattr(_C, "POSSESSIVE_REPEAT", _C.MAX_REPEAT))
MAX_BOUNDED = 4  # repeats bounded above this are translated as unbounded
_ZERO_WIDTH = (_C.AT, _C.ASSERT, _C.ASSERT_NOT)
_UNSUPPORTED_FLAGS = re.IGNORECASE | re.LOCALE


class RegexSource(Protocol):
    """What this module reads of a regex: its source and flags (an ``re.Pattern``, or the signatures'
    ``LazyRegex``, which is not compiled until Python searches with it)."""

    @property
    def pattern(self) -> str: ...
    @property
    def flags(self) -> int: ...


def translate(pattern: RegexSource, bounded: int = MAX_BOUNDED) -> str:
    """A Hyperscan expression (UTF-8 mode) matching every string ``pattern`` matches, and maybe more. Repeats
    bounded above ``bounded`` become unbounded (a small database can afford exact bounds)."""
    if not isinstance(pattern.pattern, str):
        raise Untranslatable("bytes pattern")
    if pattern.flags & _UNSUPPORTED_FLAGS:
        raise Untranslatable("flags")
    return _seq(_P.parse(pattern.pattern, pattern.flags), pattern.flags, bounded, start=True)


def _seq(items: Any, flags: int, bounded: int, start: bool = False) -> str:
    """``start``: nothing has been consumed yet in this branch of the pattern. There a positive lookbehind
    (``(?<=q)``, the frames of the ``*_quoted`` signatures) says what the text holds *before* the match, so it
    is translated as a prefix the expression consumes: every match of the regex, with what the lookbehind saw,
    is a match of the translation with the same end (the lookbehind sees only the searched segment, so its
    text is in the scanned one too). Only the first one: later lookbehinds look at the same characters, and
    are dropped like every other assertion."""
    out: list[str] = []
    for op, av in items:
        if op in _ZERO_WIDTH:
            if start and op is _C.ASSERT and av[0] < 0:
                try:
                    out.append(f"(?:{_seq(av[1], flags, bounded)})")
                    start = False
                except Untranslatable:
                    pass   # dropped, as before
            continue  # dropping a condition only widens what matches
        out.append(_node(op, av, flags, bounded, start))
        start = False
    return "".join(out)


def _node(op: Any, av: Any, flags: int, bounded: int, start: bool = False) -> str:
    if op is _C.LITERAL:
        if _SURROGATES[0] <= av <= _SURROGATES[1]:
            raise Untranslatable("surrogate literal")
        return _char(av)
    if op is _C.NOT_LITERAL:
        return _class(_complement([(av, av)]))
    if op is _C.ANY:
        return _class([(0, MAX_CODEPOINT)] if flags & re.DOTALL else _complement([(10, 10)]))
    if op is _C.IN:
        return _class(_in(av, flags))
    if op in _ZERO_WIDTH:
        return ""  # dropping a condition only widens what matches
    if op is _C.SUBPATTERN:
        _group, add, delete, body = av
        if add & _UNSUPPORTED_FLAGS:
            raise Untranslatable("inline flags")
        return f"(?:{_seq(body, (flags | add) & ~delete, bounded, start)})"
    if op is getattr(_C, "ATOMIC_GROUP", None):
        return f"(?:{_seq(av, flags, bounded, start)})"
    if op is _C.BRANCH:
        return "(?:" + "|".join(_seq(alt, flags, bounded, start) for alt in av[1]) + ")"
    if op in _REPEATS:
        lo, hi, body = av
        paragraph = _no_double(body, flags)
        if paragraph is not None:
            return paragraph
        inner = _seq(body, flags, bounded)
        if not inner:
            return ""
        # a long bounded repeat ("[^\\n]{0,80}?") becomes unbounded: each one of them cost Hyperscan seconds
        # of compile time in UTF-8 mode; the segment is confirmed by Python anyway
        bound = f"{{{lo},}}" if hi == _C.MAXREPEAT or hi > bounded else f"{{{lo},{hi}}}"
        return f"(?:{inner}){bound}"
    raise Untranslatable(f"construct {op}")


def _no_double(body: Any, flags: int) -> str | None:
    """A repeat of single characters and of ``c(?!c)`` (``(?:[^\\n]|\\n(?!\\n)){0,40}``: "within one paragraph",
    a line break but never two in a row) as ``(?:c?K)*c?``, K the other characters: every string the repeat
    matches is one of those (each c it takes is followed by something other than c, and K holds no c), bounds
    aside. Dropping the lookahead instead made it "any character, any number of times", which never ends: in a
    batch scan (``Engine.events_many``) it ran from one text into all the next ones (~half of all events, and
    the slowest expression of the database). None for any other repeat."""
    if len(body) != 1 or body[0][0] is not _C.BRANCH:
        return None
    c: int | None = None
    chars: Ranges = []
    for alt in body[0][1][1]:
        if (len(alt) == 2 and alt[0][0] is _C.LITERAL and alt[1][0] is _C.ASSERT_NOT and alt[1][1][0] == 1
                and list(alt[1][1][1]) == [(_C.LITERAL, alt[0][1])] and c in (None, alt[0][1])):
            c = alt[0][1]
        elif len(alt) == 1 and alt[0][0] in (_C.LITERAL, _C.NOT_LITERAL, _C.IN, _C.ANY):
            op, av = alt[0]
            chars.extend([(av, av)] if op is _C.LITERAL else _complement([(av, av)]) if op is _C.NOT_LITERAL
                         else _in(av, flags) if op is _C.IN
                         else [(0, MAX_CODEPOINT)] if flags & re.DOTALL else _complement([(10, 10)]))
        else:
            return None
    if c is None or not chars or any(lo <= c <= hi for lo, hi in _union(chars)):
        return None
    if _SURROGATES[0] <= c <= _SURROGATES[1]:
        raise Untranslatable("surrogate literal")
    return f"(?:(?:{_char(c)}){{0,1}}{_class(chars)}){{0,}}(?:{_char(c)}){{0,1}}"


def _in(items: Any, flags: int) -> Ranges:
    """A class as ranges, a superset of what it matches: for ``[...]`` the union of its members' supersets,
    for ``[^...]`` the complement of the union of their subsets."""
    negate = bool(items) and items[0][0] is _C.NEGATE
    ranges: Ranges = []
    for op, av in items[1:] if negate else items:
        if op is _C.LITERAL:
            ranges.append((av, av))
        elif op is _C.RANGE:
            ranges.append((av[0], av[1]))
        elif op is _C.CATEGORY:
            superset, subset = _approx(av, flags)
            ranges.extend(subset if negate else superset)
        else:
            raise Untranslatable(f"class item {op}")
    return _complement(ranges) if negate else _union(ranges)


# --- the database --------------------------------------------------------------------------------------------
def available() -> bool:
    """Whether the ``hyperscan`` package imported (the pure-Python path is used otherwise)."""
    return _hs is not None


# Between the texts of a batch scan: a line break (the gates in ``views.py`` rely on every text following one),
# and two of them, because "within one paragraph" (``_no_double``) ends at a blank line: a paragraph-bound
# expression begun in one text then cannot run on into the next ones.
BATCH_SEPARATOR = "\n\n"


def _on_event(sid: int, _start: int, end: int, _flags: int, hits: list[tuple[int, int]]) -> None:
    hits.append((sid, end))


class Engine:
    """One Hyperscan database for a list of regexes (block mode, UTF-8, prefilter).

    ``fallback`` holds the indices of the regexes not in the database (untranslatable, or refused by
    Hyperscan): they must be run on every segment. ``candidates(text)`` is a superset of the other indices
    whose regex matches ``text``; ``events(text)`` says where: every (index, end) at which a match of a
    translated expression ends, so a regex can match a substring ``text[a:b]`` only if one of its events ends
    in ``(a, b]`` (byte offsets; the translations have no assertions, so a match does not depend on what
    surrounds it). One text is scanned once for all of its segments. ``cache_dir``: where a compiled database is kept between processes (None:
    never); see ``cache_dir()``."""

    def __init__(self, patterns: Sequence[RegexSource], *, cache: Path | None = None,
                 single: bool = False, bounded: int = MAX_BOUNDED, shipped: Path | None = None) -> None:
        if _hs is None:
            raise RuntimeError("hyperscan is not installed")
        started = time.perf_counter()
        self.flags = _hs.HS_FLAG_UTF8 | _hs.HS_FLAG_PREFILTER | _hs.HS_FLAG_DOTALL
        if single:  # only whether each matches, not where: one event per regex at most
            self.flags |= _hs.HS_FLAG_SINGLEMATCH
        self.size = len(patterns)
        name = f"guard-{_cache_key(patterns, self.flags, bounded)}.hsdb"
        self.cache_file = cache / name if cache is not None else None
        self.shipped_file = shipped / f"{name}.xz" if shipped is not None else None
        self.from_shipped = False
        loaded = self._load()
        if loaded is not None:
            self.database, fallback = loaded
            self.from_cache = True
        else:
            expressions: dict[int, bytes] = {}
            fallback = {}
            for i, p in enumerate(patterns):
                try:
                    expressions[i] = translate(p, bounded).encode()
                except (Untranslatable, RecursionError, re.error) as exc:
                    fallback[i] = f"untranslatable: {exc}"
            self.database = self._compile(expressions, fallback)
            self.from_cache = False
            self._save(fallback)
        self.fallback = frozenset(fallback)
        self.fallback_reasons = dict(sorted(fallback.items()))
        self.compile_s = time.perf_counter() - started
        self._local = threading.local()

    def _load(self) -> tuple[Any, dict[int, str]] | None:
        """The database and fallback list from the cache file, else from the one shipped with the code (then
        copied to the cache), or None (absent, unreadable, or made by another Hyperscan or for a CPU without
        the features it uses: the key holds the version, and a file that does not deserialise is recompiled)."""
        if _hs is None:
            return None
        if self.cache_file is not None:
            try:
                got = self._parse(self.cache_file.read_bytes())
            except OSError:
                got = None
            if got is not None:
                _mark_used(self.cache_file)
                return got
        if self.shipped_file is not None:
            try:
                raw = lzma.decompress(self.shipped_file.read_bytes())
            except (OSError, lzma.LZMAError):
                return None
            got = self._parse(raw)
            if got is not None:
                self.from_shipped = True
                self._write(raw)
            return got
        return None

    def _parse(self, raw: bytes) -> tuple[Any, dict[int, str]] | None:
        assert _hs is not None
        try:
            size = int.from_bytes(raw[:4], "little")
            header = json.loads(raw[4:4 + size])
            fallback = {int(k): str(v) for k, v in header["fallback"].items()}
            body = raw[4 + size:]
            database = _hs.loadb(body, _hs.HS_MODE_BLOCK) if body else None
            if header.get("size") != self.size or (database is None) != (len(fallback) == self.size):
                return None
            return database, fallback
        except (ValueError, KeyError, TypeError, AttributeError, _hs.error):
            return None

    def serialized(self, fallback: dict[int, str] | None = None) -> bytes:
        """The cache file's bytes: a length-prefixed JSON header (size, fallback reasons), then the database."""
        assert _hs is not None
        reasons = self.fallback_reasons if fallback is None else fallback
        header = json.dumps({"size": self.size, "fallback": reasons}).encode()
        body = _hs.dumpb(self.database) if self.database is not None else b""
        return len(header).to_bytes(4, "little") + header + body

    def _save(self, fallback: dict[int, str]) -> None:
        """Write the cache file atomically; a cache that cannot be written only costs the next process the
        compile time."""
        if self.cache_file is None or _hs is None:
            return
        try:
            self._write(self.serialized(fallback))
        except _hs.error:
            return

    def _write(self, raw: bytes) -> None:
        if self.cache_file is None:
            return
        try:
            self.cache_file.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.cache_file.parent, prefix=".guard-")
            with os.fdopen(fd, "wb") as f:
                f.write(raw)
            os.replace(tmp, self.cache_file)
        except OSError:
            return
        prune_cache(self.cache_file.parent, keep=self.cache_file)

    def _compile(self, expressions: dict[int, bytes], fallback: dict[int, str]) -> Any:
        assert _hs is not None
        try:
            return self._build(expressions) if expressions else None
        except _hs.error:
            pass
        # Hyperscan names no culprit: find the refused expressions one by one, keep the rest
        for i, expr in list(expressions.items()):
            try:
                self._build({i: expr})
            except _hs.error as exc:
                fallback[i] = f"refused by hyperscan: {exc}"
                del expressions[i]
        return self._build(expressions) if expressions else None

    def _build(self, expressions: dict[int, bytes]) -> Any:
        assert _hs is not None
        db = _hs.Database(mode=_hs.HS_MODE_BLOCK)
        ids = list(expressions)
        db.compile(expressions=[expressions[i] for i in ids], ids=ids, flags=[self.flags] * len(ids))
        return db

    def _scratch(self) -> Any:
        scratch = getattr(self._local, "scratch", None)
        if scratch is None:
            assert _hs is not None
            scratch = self._local.scratch = _hs.Scratch(self.database)
        return scratch

    def events(self, text: str) -> list[tuple[int, int]] | None:
        """(index, end byte offset) of every match end Hyperscan reports in ``text`` (in end order); None when
        the text cannot be handed to Hyperscan (a lone surrogate is not UTF-8): the caller must then not
        rely on it."""
        try:
            data = text.encode("utf-8")
        except UnicodeEncodeError:
            return None
        hits: list[tuple[int, int]] = []
        if self.database is not None and data:
            self.database.scan(data, match_event_handler=_on_event, context=hits, scratch=self._scratch())
        return hits

    def events_many(self, texts: Sequence[str]) -> list[list[tuple[int, int]] | None]:
        """``events`` of each text, from one scan of them all, each after ``BATCH_SEPARATOR`` (one C call for a
        batch of short texts instead of one per text). Offsets are relative to each text. Every event of a text
        alone is an event of it here (the translations have no assertions, so a match inside it is a match
        inside the joined bytes, and every match end is reported); a match reaching over the separator from the
        text before may add events (only ever more: each is confirmed by Python), and one ending in the
        separator belongs to no text. None for a text that is not UTF-8, as ``events``."""
        found = self._batch_events(texts)
        if found is None:
            return [self.events(t) for t in texts]
        return [found.get(k, []) for k in range(len(texts))]

    def ids_many(self, texts: Sequence[str]) -> dict[int, set[int]] | None:
        """The indices reported in each text of ``events_many`` that has any (by the text's position in
        ``texts``; a text with none is left out), or None when some text is not UTF-8."""
        found = self._batch_events(texts)
        return None if found is None else {k: {i for i, _ in got} for k, got in found.items()}

    def _batch_events(self, texts: Sequence[str]) -> dict[int, list[tuple[int, int]]] | None:
        """``events_many``'s events of the texts that have any, by position in ``texts``; None if the batch is
        not UTF-8. (Only texts with events get a list: most short texts have none.)"""
        sep = BATCH_SEPARATOR
        joined = sep + sep.join(texts)
        try:
            data = joined.encode("utf-8")
        except UnicodeEncodeError:
            return None
        found: dict[int, list[tuple[int, int]]] = {}
        if self.database is None or not texts:
            return found
        hits: list[tuple[int, int]] = []
        self.database.scan(data, match_event_handler=_on_event, context=hits, scratch=self._scratch())
        if not hits:
            return found
        lengths = [len(t) for t in texts] if joined.isascii() else [len(t.encode("utf-8")) for t in texts]
        # starts[k]: where text k begins in the joined bytes
        starts = list(accumulate([n + len(sep) for n in lengths[:-1]], initial=len(sep)))
        for sid, end in hits:
            k = bisect_left(starts, end) - 1   # the last text starting before the end
            if k >= 0:
                rel = end - starts[k]
                if rel <= lengths[k]:
                    got = found.get(k)
                    if got is None:
                        found[k] = [(sid, rel)]
                    else:
                        got.append((sid, rel))
        return found

    def candidates(self, text: str) -> set[int] | None:
        """Indices (without ``fallback``) of the regexes that may match ``text``; None as for ``events``."""
        hits = self.events(text)
        return None if hits is None else {i for i, _ in hits}


TRANSLATION = 4  # bump when ``translate`` changes: cached databases of an older translation are not read


def _cache_key(patterns: Sequence[RegexSource], flags: int, bounded: int = MAX_BOUNDED) -> str:
    """What a compiled database depends on: the regexes, the translation, Python's idea of \\w/\\s/\\d (its
    Unicode version), the Hyperscan build and the compile flags."""
    h = hashlib.sha256()
    version = getattr(_hs, "__version__", "?")
    # Python's minor version, not its build: the translation reads ``re``'s parse tree, which a patch release
    # does not change, so a database shipped with the code (``SHIPPED``) serves every 3.11.x
    h.update(f"{TRANSLATION}|{sys.version_info[0]}.{sys.version_info[1]}|{unicodedata.unidata_version}|{version}|"
             f"{flags}|{platform.machine()}".encode())
    if bounded != MAX_BOUNDED:
        h.update(f"|bounded={bounded}".encode())
    for p in patterns:
        h.update(f"\x00{p.flags}:{p.pattern}".encode("utf-8", "surrogatepass"))
    return h.hexdigest()[:24]


def cache_dir() -> Path | None:
    """Where compiled databases are kept: ``$WARDEN_GUARD_CACHE`` (empty or ``off``: nowhere), else
    ``$XDG_CACHE_HOME/warden`` or ``~/.cache/warden``. Compiling takes seconds; loading a cached one, ms."""
    configured = os.environ.get("WARDEN_GUARD_CACHE")
    if configured is not None:
        return None if configured.strip().lower() in ("", "off", "0", "none") else Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "warden"


CACHE_MAX_IDLE_S = 30 * 86400  # a cached database nobody has loaded for this long is deleted by the next write
_MARK_EVERY_S = 86400         # how stale a cache file's mtime may get before a load refreshes it


def _mark_used(path: Path) -> None:
    """Refresh the mtime of a cache file just loaded (at most once a day), so ``prune_cache`` sees it in use."""
    try:
        if time.time() - path.stat().st_mtime > _MARK_EVERY_S:
            os.utime(path)
    except OSError:
        pass


def prune_cache(directory: Path, *, keep: Path | None = None, max_idle_s: float = CACHE_MAX_IDLE_S) -> list[Path]:
    """Delete the guard databases in ``directory`` that no process has loaded or written for ``max_idle_s``
    (every change to a signature leaves a ~5 MB file under a new key; nothing else would ever remove the old
    ones), and leftovers of interrupted writes. ``keep`` is never deleted. Other files are not touched; a
    database deleted here that some old checkout still uses is only compiled (or copied from its shipped
    one) again. Returns what was deleted."""
    now, removed = time.time(), []
    try:
        candidates = [*directory.glob("guard-*.hsdb"), *directory.glob(".guard-*")]
    except OSError:
        return removed
    for path in candidates:
        if keep is not None and path == keep:
            continue
        try:
            if now - path.stat().st_mtime > max_idle_s:
                path.unlink()
                removed.append(path)
        except OSError:
            continue
    return removed


# Databases compiled ahead of time and shipped with the code (xz, ~0.3 MB), for the Python minor version,
# Hyperscan build and machine of ``uv.lock``'s environment: a fresh machine or container loads them (~25 ms)
# instead of compiling for ~10 s on its first scan. Another setup does not match their keys and compiles as
# before. ``python -m governance.injection.hsengine`` rewrites them; a unit test checks they are current.
SHIPPED = Path(__file__).with_name("hsdb")

_LOCK = threading.Lock()
_ENGINES: dict[tuple[object, ...], Engine | None] = {}


_MODE = [os.environ.get("WARDEN_GUARD_ENGINE", "auto")]  # "auto": Hyperscan when installed; "python": never


def set_mode(mode: str) -> str:
    """``"python"`` turns Hyperscan off in this process (the pure-Python path, same verdicts), ``"auto"`` back
    on; returns the previous mode. For tests and comparisons; ``$WARDEN_GUARD_ENGINE`` sets it at start."""
    if mode not in ("auto", "python"):
        raise ValueError(f"unknown guard engine mode {mode!r}")
    previous, _MODE[0] = _MODE[0], mode
    return previous


def enabled() -> bool:
    return _hs is not None and _MODE[0] != "python"


def engine(patterns: Sequence[RegexSource], *, single: bool = False,
           bounded: int = MAX_BOUNDED) -> Engine | None:
    """The engine for ``patterns`` (loaded from the cache or compiled on first use, once per process), or None
    without hyperscan (or when turned off, see ``set_mode``). ``single``: report each regex once per scan at
    most (``candidates`` only)."""
    if not enabled():
        return None
    key = (single, bounded, *(f"{p.flags}:{p.pattern}" for p in patterns))
    got = _ENGINES.get(key)
    if got is None and key not in _ENGINES:
        with _LOCK:
            if key not in _ENGINES:
                _ENGINES[key] = Engine(patterns, cache=cache_dir(), single=single, bounded=bounded,
                                       shipped=SHIPPED)
            got = _ENGINES[key]
    return got


def ship(directory: Path = SHIPPED) -> list[Path]:
    """Compile (or load) every database the guard uses (the signatures, the views' gates and hints) and write
    them, xz-compressed, to ``directory``; files there for databases no longer in use are removed."""
    from governance.injection import scanner, views  # the guard's own engines, built as it builds them

    if not enabled():
        raise RuntimeError("hyperscan is not available (or $WARDEN_GUARD_ENGINE=python): nothing to ship")
    built = [scanner.hyperscan_engine(), views._hint_engine(), *views._gate_engines()]
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for eng in built:
        assert eng is not None and eng.shipped_file is not None
        path = directory / eng.shipped_file.name
        path.write_bytes(lzma.compress(eng.serialized(), preset=9 | lzma.PRESET_EXTREME))
        written.append(path)
    for stale in directory.glob("guard-*.hsdb.xz"):
        if stale not in written:
            stale.unlink()
    (directory / "MANIFEST.json").write_text(json.dumps(shipped_environment(), indent=2) + "\n")
    return written


def shipped_environment() -> dict[str, str]:
    """What the shipped databases' keys were computed for, besides the patterns (``MANIFEST.json``)."""
    return {"python": f"{sys.version_info[0]}.{sys.version_info[1]}", "hyperscan": getattr(_hs, "__version__", "?"),
            "machine": platform.machine(), "unicodedata": unicodedata.unidata_version, "translation": str(TRANSLATION)}


if __name__ == "__main__":  # pragma: no cover - a maintenance command
    for shipped_path in ship():
        print(f"{shipped_path} ({shipped_path.stat().st_size / 1e3:.0f} kB)")
