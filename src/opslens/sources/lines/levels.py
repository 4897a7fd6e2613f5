"""Level words of logging libraries mapped to `Severity`.

One table for every line format: Go (zap, logrus, slog, klog), Java (log4j, logback, JUL),
Python logging, .NET (Microsoft.Extensions.Logging, Serilog), Node (pino, bunyan, winston),
Rust (tracing, env_logger), syslog keywords, Postgres and MySQL message levels.
"""

from __future__ import annotations

from opslens.events import Severity

_D, _I, _N, _W, _E, _C = (
    Severity.DEBUG, Severity.INFO, Severity.NOTICE, Severity.WARNING, Severity.ERROR, Severity.CRITICAL,
)  # fmt: skip

_WORDS: dict[str, Severity] = {
    # debug and below
    "trace": _D, "trc": _D, "trce": _D, "debug": _D, "dbg": _D, "dbug": _D, "verbose": _D, "vrb": _D,
    "fine": _D, "finer": _D, "finest": _D, "config": _D, "all": _D,
    "debug1": _D, "debug2": _D, "debug3": _D, "debug4": _D, "debug5": _D,
    # info
    "info": _I, "inf": _I, "information": _I, "informational": _I, "log": _I, "note": _I,
    "success": _I, "ok": _I,
    "notice": _N,
    # warning
    "warn": _W, "warning": _W, "wrn": _W, "wrning": _W,
    # error
    "error": _E, "err": _E, "eror": _E, "erro": _E, "fail": _E, "failure": _E, "severe": _E,
    # critical
    "crit": _C, "critical": _C, "fatal": _C, "ftl": _C, "panic": _C, "dpanic": _C,
    "alert": _C, "emerg": _C, "emergency": _C,
}  # fmt: skip

#: Exact level words (several spellings of each) to Severity.
LEVELS: dict[str, Severity] = {}
for _word, _sev in _WORDS.items():
    LEVELS[_word] = _sev
    LEVELS[_word.upper()] = _sev
    LEVELS[_word.capitalize()] = _sev

#: Level words that read as a level even without brackets or a colon (`2025-... info msg`);
#: the others (`log`, `all`, `config`, `fine`, `ok`, `note`, ...) are ordinary words in prose.
PLAIN_LEVELS = frozenset(
    w for base in ("trace", "debug", "info", "notice", "warn", "warning", "error", "err", "crit", "critical",
                   "fatal", "panic", "emerg", "alert", "verbose", "dbg", "inf", "wrn", "eror", "erro", "ftl",
                   "trc", "dpanic", "severe")
    for w in (base, base.upper(), base.capitalize())
)  # fmt: skip

#: One-letter levels (klog, Ruby Logger, MongoDB `s`, glog): only for formats that use them.
LETTERS: dict[str, Severity] = {"I": _I, "W": _W, "E": _E, "F": _C, "D": _D, "T": _D, "V": _D, "N": _N, "C": _C, "A": _C}

#: Numeric syslog priorities 0-7 (GELF `level`, journald PRIORITY).
SYSLOG_PRIORITY: tuple[Severity, ...] = (_C, _C, _C, _E, _W, _N, _I, _D)


def level_severity(word: str) -> Severity:
    """Severity of a level word in any common spelling (`WARN`, `warning`, `Err`), else UNKNOWN."""
    sev = LEVELS.get(word)
    if sev is None:
        sev = LEVELS.get(word.strip(" []<>():|-").lower(), Severity.UNKNOWN)
    return sev


def numeric_severity(value: int | float) -> Severity:
    """Numeric levels: pino/bunyan 10..60 (multiples of ten) or syslog priorities 0..7."""
    if 0 <= value <= 7 and value == int(value):
        return SYSLOG_PRIORITY[int(value)]
    if value >= 60:
        return _C
    if value >= 50:
        return _E
    if value >= 40:
        return _W
    if value >= 30:
        return _I
    if value >= 10:
        return _D
    return Severity.UNKNOWN


def status_severity(status: int) -> Severity:
    """HTTP status of an access log line: 5xx ERROR, 4xx NOTICE (mostly client noise), else INFO."""
    if status >= 500:
        return _E
    if status >= 400:
        return _N
    return _I
