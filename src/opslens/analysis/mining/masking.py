"""Masking: replace the variable parts of a log message with `<*>` before matching.

`MASKS` is one universal, ordered list of rules (a name, a pattern, its placeholder), built from
what variables look like in logs in general (numbers, ids, addresses, paths, times, sizes, pod
names), never from one system's vocabulary. All rules are compiled into a single alternation and
applied in one `re.sub` pass (URLs and quoted `key="..."` values, found by a substring test,
take one pass more): at each position the first rule that matches wins, so order matters where
two rules can start at the same character (a UUID before a plain number, a size before a number).

The rules follow the Loghub template conventions, which are also what a reader expects:
- a variable keeps its constant neighbours: `node-129` -> `node-<*>`, `core.2275` -> `core.<*>`,
  `user=root` -> `user=<*>`, `10.0.0.1:8080` -> `<*>:<*>`;
- a word that carries an id is a variable as a whole: `blk_-1608`, `attempt_1445_0020_m_0`,
  `bglio559`, `30000ms`, `0x7fed80`, `2kSOSP`;
- a word with a short number suffix is a name, not a value: `ssh2`, `eth0`, `L3`, `log4j`.

Every rule masks to the same `<*>` (named placeholders would split one template by the kind of
value it happened to carry); the names document the rules and type the samples in tests. The one
exception follows the Loghub convention for dates: a date-time in words becomes `<*>:<*>:<*>`,
its clock's colons kept (`at Fri Jun 17 07:07:00 2005` -> `at <*>:<*>:<*>`).
"""

from __future__ import annotations

import re
from typing import NamedTuple

WILDCARD = "<*>"


class Mask(NamedTuple):
    """One masking rule: a name for humans and tests, the pattern, and where it can start.

    `starts` says which first characters the pattern can match: `d` a digit; `l` a letter of a
    word whose letters are followed by a digit, `_`, or a joiner (`.`, `-`, `:`, `/`, `\\`, `@`)
    and more text (a plain word cannot hold a variable, so most words are skipped after one
    cheap look); `w` any letter; `s` a symbol; `u`/`q`/`c` rules run as their own pass (before
    the combined one) when a cheap substring test says they may apply (`://`, `="`, `:`).
    Grouping rules by first character is what keeps the single combined pass fast.
    """

    name: str
    pattern: str
    starts: str
    placeholder: str = WILDCARD


# Building blocks.
_HEX = r"[0-9A-Fa-f]"
_PATH_CHAR = r"[^\s/\"'(){}\[\],;:|=<>]"
_WIN_PATH_CHAR = r"[^\s\"'(){}\[\],;|<>\\]"
# Kubernetes' random suffixes have no vowels (its alphabet has no 0, 1, 3 either, but no rule may
# tell one digit from another: see `Masker`).
_K8S = r"[bcdfghjklmnpqrstvwxz0-9]"
_CLOCK = r"\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?"
# Top-level domains that end a host name; two-letter country codes that are also common file
# extensions or English words (sh, py, so, cc, pl, in, is, it, ...) are left out on purpose.
_TLDS = [
    "com", "net", "org", "edu", "gov", "mil", "int", "info", "biz", "io", "local", "localdomain",
    "internal", "lan", "corp", "arpa", "cn", "hk", "tw", "jp", "kr", "de", "uk", "fr", "ru", "br",
    "au", "ca", "nl", "se", "fi", "dk", "es", "ch", "eu", "nz", "sg", "za", "mx", "ar", "om", "ae",
    "il", "tr", "ua", "gr", "ie", "us", "tv",
]  # fmt: skip


def _trie(words: list[str]) -> str:
    """An alternation of `words` factored by first letter, so a failing match costs one test."""
    by_first: dict[str, list[str]] = {}
    for w in sorted(set(words), key=lambda w: (-len(w), w)):
        by_first.setdefault(w[0], []).append(w[1:])
    alts = []
    for first, rests in sorted(by_first.items()):
        tails = [r for r in rests if r]
        inner = "|".join(tails) + ("|" if "" in rests else "")
        alts.append(first + (f"(?:{inner})" if tails else ""))
    return "(?:" + "|".join(alts) + ")"


_TLD = rf"(?=[a-z]{{2}}){_trie(_TLDS)}"
# Source-file extensions: `name.ext:N` is a code location (file and line), never a host and port.
_SOURCE_EXTS = [
    "c", "cc", "cpp", "cxx", "h", "hh", "hpp", "java", "py", "go", "rs", "js", "ts", "rb", "cs",
    "scala", "kt", "php", "swift",
]  # fmt: skip
_SOURCE_LINE = rf"{_trie(_SOURCE_EXTS)}:\d"
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_MONTH = _trie(_MONTHS) + "[a-z]*"
_WEEKDAY = _trie(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]) + "[a-z]*"
_LITERALS = ["true", "false", "null", "nil", "True", "False", "TRUE", "FALSE", "NULL", "root"]
_LABEL = r"[A-Za-z0-9][A-Za-z0-9-]*+"

MASKS: tuple[Mask, ...] = (
    # After a scheme the rest of a URL is one value: `hdfs://<*>`, `spark://<*>`.
    Mask("url", r"(?<=://)[^\s\"'<>()\[\]{},;]+", "u"),
    # The quoted value of a `key="..."` pair is a value, spaces and all: `tag="View Lock"`.
    Mask("quoted-value", r"(?<==\")[^\"]+(?=\")", "q"),
    # Windows and UNC paths, and backslash-escaped tokens: `C:\Windows\x.dll`, `\\?\GLOBALROOT\x`.
    Mask("winpath", rf"[A-Za-z]:\\{_WIN_PATH_CHAR}*(?:\\{_WIN_PATH_CHAR}*)*", "l"),
    Mask("unc-path", rf"\\{{1,2}}{_WIN_PATH_CHAR}+(?:\\{_WIN_PATH_CHAR}*)*", "s"),
    # The target of an HTTP request line, with its protocol version: `"GET <*>" 200`.
    Mask(
        "http-target",
        r"(?:" + "|".join(f"(?<={m} )" for m in ("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"))
        + r")[/*]\S*? HTTP/\d(?:\.\d)?(?=[\s\"']|$)",
        "s",
    ),
    # Unix paths start a token (or follow `=`, `(`, quotes): `/var/log/x`, `./run`, `~/x`.
    Mask("path", rf"(?<![\w./\\-])(?:~|\.{{1,2}})?/{_PATH_CHAR}+(?:/{_PATH_CHAR}*)*", "s"),
    # Whole timestamps whose parts are words, which would otherwise look like constants.
    Mask("iso-time", rf"\d{{4}}-\d{{2}}-\d{{2}}T{_CLOCK}(?:Z|[+-]\d{{2}}:?\d{{2}})?", "d"),
    # A date-time in words: Loghub keeps the clock's colons (`at <*>:<*>:<*>`).
    Mask(
        "date-time",
        rf"(?:{_WEEKDAY},?\s+{_MONTH}\s+\d{{1,2}}|{_MONTH}\s+\d{{1,2}})(?:,?\s+\d{{4}})?"
        rf"\s+{_CLOCK}(?:\s+[A-Z]{{3,4}})?(?:\s+\d{{4}}(?!\d))?",
        "c",
        f"{WILDCARD}:{WILDCARD}:{WILDCARD}",
    ),
    Mask(
        "day-month-time",
        rf"\d{{1,2}}\s+{_MONTH}(?:,?\s+\d{{4}})?\s+{_CLOCK}(?:\s+[A-Z]{{3,4}})?",
        "d",
    ),
    Mask("clf-time", rf"\d{{1,2}}/{_MONTH}/\d{{4}}:{_CLOCK}(?:\s[+-]\d{{4}})?", "d"),
    Mask("uuid", rf"{_HEX}{{8}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{12}}(?!\w)", "dl"),
    Mask("mac", rf"{_HEX}{{2}}(?:[:-]{_HEX}{{2}}){{5,}}(?![\w:])", "dl"),
    Mask(
        "ipv6",
        rf"(?:{_HEX}{{1,4}}:){{5,7}}{_HEX}{{1,4}}(?![\w:])"
        rf"|{_HEX}{{1,4}}(?::{_HEX}{{1,4}})*::(?:{_HEX}{{1,4}}(?::{_HEX}{{1,4}})*)?(?![\w:])"
        rf"|::{_HEX}{{1,4}}(?::{_HEX}{{1,4}})*(?![\w:])",
        "dls",
    ),
    Mask("ipv4", r"\d{1,3}(?:\.\d{1,3}){3}(?![\w.]|\.\w)", "d"),
    # A number with a byte unit is one size: `5.2 KB` -> `<*>` (Loghub writes it so).
    Mask("size", r"\d+(?:\.\d+)? ?(?:[KMGTPE]i?B|kB|B)(?![\w])", "d"),
    # Host names ending in a top-level domain: `proxy.example.com`, `host-1.corp.local`.
    Mask("hostname", rf"(?<![.-])(?:{_LABEL}\.)+{_TLD}(?![\w-]|\.[\w-])", "dl"),
    Mask("email", rf"(?<![.-])[A-Za-z0-9][\w.+-]*+@(?:{_LABEL}\.)+[A-Za-z]{{2,}}(?![\w-])", "dl"),
    # A host before `:port` or Java's `host/ip`, when it has a digit, dot or hyphen
    # (so `key:1` pairs stay as they are): `msra-sa-41:9000`, `node-7/10.0.0.7`. A source file
    # before its line number is not a host: `sched.c:1831` -> `sched.c:<*>` (by `number`).
    Mask(
        "host-port",
        rf"(?<![.-])(?!{_LABEL}(?:\.[A-Za-z0-9-]++)*?\.{_SOURCE_LINE})"
        r"(?=[A-Za-z]*[-.\d])[A-Za-z0-9][A-Za-z0-9-]*+(?:\.[A-Za-z0-9-]++)*"
        r"(?=:\d{1,5}(?![\w:]|\.\d)|/\d{1,3}(?:\.\d{1,3}){3})",
        "dl",
    ),
    # Kubernetes generated names: `payments-api-7d9f8c6b5-x2x9q`, `web-7d9f8c6b5`, `job-x2x9q`.
    Mask(
        "k8s-name",
        rf"(?<![.-])[a-z0-9]++(?:-[a-z0-9]++)*?-(?:{_K8S}{{6,10}}-{_K8S}{{5}}"
        rf"|(?={_K8S}{{0,9}}\d){_K8S}{{5,10}}(?:-{_K8S}{{5}})?)(?![\w.-])",
        "dl",
    ),
    # Hex words without 0x (`0x..` and `7317849d` are numbers): `ad364e35`, `ffffffff`.
    Mask("hex", r"[a-f](?=[a-f]*\d)[0-9a-f]{4,}(?!\w)|[A-F](?=[A-F]*\d)[0-9A-F]{4,}(?!\w)", "l"),
    Mask("hex-word", r"[a-f]{8}(?:[a-f]{8})*(?!\w)", "w"),
    # A `v`-prefixed version is one value: `v1.0.0`, `v2.3rc1` (`TLSv1.2` is a name: no word start).
    Mask("version", r"(?<![_.])[vV]\d++(?:\.\d++)++\w*+(?!\.\w)", "l"),
    # Random ids in mixed case with digits inside (sendmail queue ids, tokens): `jA9J1UvC004306`.
    # Names keep few digits or one case (`IPv4Address`, `x86_64`, `utf8mb4`).
    Mask(
        "mixed-id",
        r"(?<![.-])(?=[A-Za-z0-9]*[a-z])(?=[A-Za-z0-9]*[A-Z])(?=[A-Za-z0-9]*\d[A-Za-z])"
        r"(?=(?:[A-Za-z]*\d){3})[A-Za-z0-9]{10,}(?![\w.-])",
        "l",
    ),
    # Words carrying an id: an `_<digits>` part or a run of three or more digits.
    Mask(
        "id-word",
        r"[A-Za-z][A-Za-z0-9]*+(?:_[A-Za-z][A-Za-z0-9]*+)*+_-?\d\w*|[A-Za-z][A-Za-z_]*+\d{3}\w*",
        "l",
    ),
    # Anything that starts with a digit (numbers, versions, 0x.., 30ms, 2kSOSP) up to the end of
    # the word; dots join parts (`6.1.26`) but a trailing full stop stays text. The minor part of
    # a name's version (`TLSv1.2`) and a protocol version (`HTTP/1.1`) are part of the name.
    Mask("number", r"(?<![A-Z]/)(?<!\d\.)-?\d\w*+(?:\.\w++)*+", "ds"),
    # Booleans, null and the default user name are values in any log (Loghub masks them too).
    Mask("literal", rf"{_trie(_LITERALS)}(?![\w=-])", "w"),
)


def _group(starts: str) -> str:
    return "|".join(f"(?:{m.pattern})" for m in MASKS if starts in m.starts)


# Every rule starts at a word start: never right after a letter or digit (the `_` of `blk_-1608`
# or `rdd_2_0` may come before, so `-1608` is a signed number). Names (hosts, emails, pods) are
# only tried from their first part, not again after each of their dots and hyphens. The rules
# are grouped by their first character; letter rules run only for words that go on with a digit
# or a joiner. (CPython's engine tries every alternative of a group at every word start, so the
# cheap tests come first and alternations of words are factored by first letter, see `_trie`.)
_PATTERN = (
    r"(?<![A-Za-z0-9])(?:"
    rf"(?=[A-Za-z])(?:(?=[A-Za-z]*+(?:[\d_]|[.:/\\@-][\w\\:/]))(?:{_group('l')})|{_group('w')})"
    # A plain number (the most common variable) is taken at once, unless a longer rule applies.
    rf"|(?=\d)(?:(?<![A-Z]/)(?<!\d\.)\d++(?![\w.:/-]| ?(?:[KMGTPE]i?B|kB|B)(?!\w)|\s+{_MONTH})"
    rf"|{_group('d')})"
    rf"|(?=[^\w\s])(?:{_group('s')})"
    ")"
)
MASK_RE = re.compile(_PATTERN)
_URL_RE = re.compile(next(m.pattern for m in MASKS if m.name == "url"))
_QUOTED_RE = re.compile(next(m.pattern for m in MASKS if m.name == "quoted-value"))
_DATE_TIME = next(m for m in MASKS if m.name == "date-time")
_DATE_TIME_RE = re.compile(r"(?<![A-Za-z0-9])(?:" + _DATE_TIME.pattern + ")")


def mask(text: str) -> str:
    """`text` with every variable replaced by `<*>` (one regex pass; rare forms, cheaply
    detected, take one more)."""
    if "://" in text:
        text = _URL_RE.sub(WILDCARD, text)
    if '="' in text:
        text = _QUOTED_RE.sub(WILDCARD, text)
    if ":" in text:
        text = _DATE_TIME_RE.sub(_DATE_TIME.placeholder, text)
    return MASK_RE.sub(WILDCARD, text)


_ZERO_DIGITS = bytes.maketrans(b"0123456789", b"0000000000")
_DIGIT = re.compile(r"\d")


class Masker:
    """`mask()` with a bounded cache keyed by the text's *digit skeleton* (every ASCII digit
    read as 0), which is most of the work saved on a stream.

    No rule tells one digit from another, so texts with the same skeleton are masked at the same
    places; when the masked text has no digit left, it is the masked text of every text with
    that skeleton (lines that differ only in their numbers). Texts whose masked form keeps a
    digit (`eth0`, `ssh2`) are masked each time.
    """

    __slots__ = ("_cache", "_limit")

    def __init__(self, limit: int = 65536) -> None:
        self._cache: dict[bytes, str | bool] = {}
        self._limit = limit

    def __call__(self, text: str) -> str:
        skeleton = text.encode("utf-8", "surrogatepass").translate(_ZERO_DIGITS)
        masked = self._cache.get(skeleton)
        if masked is None:
            masked = mask(text)
            if len(self._cache) >= self._limit:
                self._cache.clear()
            self._cache[skeleton] = False if _DIGIT.search(masked) else masked
            return masked
        return mask(text) if masked is False else masked  # type: ignore[return-value]


def mask_names(text: str) -> list[tuple[str, str]]:
    """The (rule name, matched text) of every variable in `text`, for tests and debugging."""
    found = []
    for m in MASKS:
        for hit in re.finditer(r"(?<![A-Za-z0-9])(?:" + m.pattern + ")", text):
            found.append((hit.start(), m.name, hit.group()))
    # The passes decide which rule wins; report the rule behind each masked span. What an early
    # pass (URL, quoted value, date-time) took, the combined pass never sees.
    early = {
        (h.start(), h.end()) for pre in (_URL_RE, _QUOTED_RE, _DATE_TIME_RE) for h in pre.finditer(text)
    }
    spans = early | {
        (h.start(), h.end())
        for h in MASK_RE.finditer(text)
        if not any(a <= h.start() < b for a, b in early)
    }
    return [(name, s) for start, name, s in sorted(found) if (start, start + len(s)) in spans]
