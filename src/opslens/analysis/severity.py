"""Severity from content, for lines whose level is missing or untrustworthy.

journald marks everything a service writes to stdout as PRIORITY 6 (info), syslog relays often
do the same, and many apps print errors without a level. The content check runs once per
template, not per line.
"""

from __future__ import annotations

import re

from opslens.events import Event, Severity

_CRITICAL = re.compile(
    r"\b(panic|fatal|emerg(ency)?|crit(ical)?|kernel bug|segfault|oops|out of memory|oom[-_ ]?kill\w*|"
    r"killed process|core dumped)\b",
    re.I,
)
_ERROR = re.compile(
    r"\b(errors?|exceptions?|fail(ed|ure|s|ing)?|refused|denied|unauthori[sz]ed|forbidden|"
    r"timed out|i/o timeout|timeout (exceeded|expired|error)|unable|cannot|can't|couldn't|could not|unreachable|unavailable|"
    r"no such host|not found|invalid|crash\w*|abort\w*|terminated|killed|rejected|exhausted|"
    r"no space left|x509|broken pipe|reset by peer|traceback|backoff|back-off|evict\w*|"
    r"unhealthy|notready|errimagepull|imagepullbackoff|crashloopbackoff)\b",
    re.I,
)
_WARNING = re.compile(r"\b(warn(ing)?|deprecat\w*|retry(ing)?|retries|slow|degraded|throttl\w*|pressure)\b", re.I)
# "0 errors", "no errors", "error=nil", "errors: 0", "without error" are good news.
_NEGATED = re.compile(
    r"\b(0|no|zero|without|nil)\s+(errors?|failures?|exceptions?)\b|\b(errors?|failures?|err)[=:]\s*(0|nil|none|null|false)\b",
    re.I,
)
#: Sources whose own level is not trusted (everything on stdout is "info").
UNTRUSTED_LEVEL_SOURCES = frozenset({"journald", "syslog"})


# Levels written inside the message by the program itself (logfmt, JSON, klog, bracketed).
_EMBEDDED = re.compile(
    r"(?:^|\s)(?:level|lvl|severity)=[\"']?(?P<kv>[a-zA-Z]+)"
    r'|"(?:level|severity|lvl)"\s*:\s*"(?P<js>[a-zA-Z]+)"'
    r"|^(?P<klog>[IWEF])\d{4} \d\d:\d\d:\d\d"
    r"|^.{0,40}?[\[ ](?P<word>TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|FATAL|CRITICAL|CRIT|PANIC)[\] :]",
)
_LEVEL_WORDS = {
    "trace": Severity.DEBUG, "debug": Severity.DEBUG, "dbg": Severity.DEBUG, "info": Severity.INFO, "information": Severity.INFO,
    "notice": Severity.NOTICE, "warn": Severity.WARNING, "warning": Severity.WARNING, "error": Severity.ERROR, "err": Severity.ERROR,
    "fatal": Severity.CRITICAL, "critical": Severity.CRITICAL, "crit": Severity.CRITICAL, "panic": Severity.CRITICAL,
    "emerg": Severity.CRITICAL, "alert": Severity.CRITICAL,
}
_KLOG = {"I": Severity.INFO, "W": Severity.WARNING, "E": Severity.ERROR, "F": Severity.CRITICAL}


def embedded_level(message: str) -> Severity | None:
    """The level a program wrote into its own message (when a relay such as journald hid it)."""
    m = _EMBEDDED.search(message)
    if not m:
        return None
    if m.group("klog"):
        return _KLOG[m.group("klog")]
    word = (m.group("kv") or m.group("js") or m.group("word") or "").lower()
    return _LEVEL_WORDS.get(word)


def message_severity(message: str, template: str) -> Severity:
    """Severity of a template from the level embedded in a message, else from the words."""
    level = embedded_level(message)
    return level if level is not None else content_severity(template)


def content_severity(text: str) -> Severity:
    """The severity a human would read into `text`, ignoring any level field."""
    if _CRITICAL.search(text):
        return Severity.CRITICAL
    if _ERROR.search(text) and not _NEGATED.search(text):
        return Severity.ERROR
    if _WARNING.search(text):
        return Severity.WARNING
    return Severity.UNKNOWN


def effective_severity(event: Event, from_content: Severity) -> Severity:
    """The level the source gave, unless it is missing or from a source that cannot be trusted."""
    level = event.severity
    if level is Severity.UNKNOWN:
        return from_content if from_content is not Severity.UNKNOWN else Severity.INFO
    if event.source in UNTRUSTED_LEVEL_SOURCES and level <= Severity.NOTICE:
        return max(level, from_content)
    return level
