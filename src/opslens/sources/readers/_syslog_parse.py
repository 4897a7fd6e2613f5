"""The record headers of syslog text: which line starts a record, and its fields.

Timed headers: RFC 3164 / `journalctl` short and short-precise (`Mar 14 02:51:09[.123456] host
ident[pid]: msg`, no year), RFC 5424, ISO stamps (rsyslog, `journalctl -o short-iso[-precise]`),
`-o short-full` (`Fri 2025-03-14 02:51:09 UTC host ...`), `-o short-unix` (`1741920669.123456
host ...`) and `-o short-monotonic` (`[ 1234.567890] host ...`: seconds since boot, no wall time).

Bare headers (a paste that lost the stamp and host, `journalctl -o cat`-like copies):
`ident[pid]: msg` for any ident, `ident: msg` only for the idents of well-known system processes,
so application lines (`ERROR foo: bar`), Go panics and YAML (`key: value`) are not taken.

Not a reader: the leading underscore keeps the package's auto-import from treating it as one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import tzinfo
from typing import Any, NamedTuple

from opslens.events import Severity
from opslens.sources.lines.levels import LETTERS, level_severity
from opslens.sources.readers._syslog_journal import STATUS_HEAD, status_active, zone_offset
from opslens.timeparse import MONTHS, Clock, parse_rfc3339

_BSD = re.compile(
    r"(?:<(\d{1,3})>)?([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))? +(\S.*)?$"
)
_ISO = re.compile(
    r"(?:<(\d{1,3})>)?(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})) +(\S.*)?$"
)
_FULL = re.compile(
    r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d{1,9})?) ([A-Z]{2,5}|[+-]\d{4}) +(\S.*)?$"
)
_RFC5424 = re.compile(r"<(\d{1,3})>(\d{1,2}) (\S+) (\S+) (\S+) (\S+) (\S+) ?(.*)$")
_MONO = re.compile(r"\[ *(\d{1,10}\.\d{1,9})(?: <[ \d.]{1,20}>)?\] (\S.*)$")
_UNIX = re.compile(r"(\d{9,11}\.\d{1,9}) (\S.*)$")
_SD_ELEMENT = re.compile(r"\[(?:[^\]\\]|\\.)*\]")
# `ident[pid]: msg`, ident possibly with slashes/dots (postfix/smtpd, systemd-resolved).
_TAG = re.compile(r"([^\s\[\]:]{1,128})(?:\[([^\]\s]{0,32})\])?: ?(.*)$", re.S)
_TAG_TOKEN = re.compile(r"[^\s\[\]:]+(?:\[[^\]\s]*\])?:$")
_HOSTNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,252}$")
_BARE_PID = re.compile(r"([A-Za-z_(][\w.@/()-]{0,63})\[([1-9]\d{0,9})\]: ?(.*)$", re.S)
_BARE_NAMED = re.compile(r"([A-Za-z][\w.-]{0,63}): (\S.*)$", re.S)
# the tag inside a cut-off first line: `...rker-3 kubelet[2980]: msg`, `...3 kernel: msg`
_INNER_TAG = re.compile(r"(?:^|\s)([A-Za-z_][\w.@/-]{0,63})(?:\[(\d{1,10})\])?: ")
_STATUS_KEEP = ("Active:", "Main PID:")
_LEVEL_WORDS = frozenset(
    {"TRACE", "DEBUG", "INFO", "NOTICE", "WARN", "WARNING", "ERROR", "ERR", "FATAL", "CRITICAL"}
)
#: Processes whose lines are taken without a `[pid]` (`kernel: ...`, `kubelet: ...`).
KNOWN_IDENTS = frozenset({
    "kernel", "kubelet", "containerd", "dockerd", "docker", "systemd", "sshd", "sshd-session",
    "crio", "cri-o", "etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler",
    "kube-proxy", "k3s", "rke2", "CRON", "cron", "crond", "anacron", "postgres", "postgresql",
    "mysqld", "mariadbd", "nginx", "haproxy", "rsyslogd", "chronyd", "ntpd", "dhclient",
    "NetworkManager", "sudo", "auditd", "dbus-daemon", "polkitd", "snapd", "multipathd",
    "iscsid", "runc", "flanneld", "calico-node", "coredns", "redis-server", "named", "dnsmasq",
    "cloud-init", "kubeadm", "udevd", "smartd", "containerd-shim", "journal", "systemd-logind",
})  # fmt: skip
_KNOWN_PREFIXES = ("systemd-", "kube-", "containerd-", "postfix/")

PRI_SEVERITY = (
    Severity.CRITICAL, Severity.CRITICAL, Severity.CRITICAL, Severity.ERROR,
    Severity.WARNING, Severity.NOTICE, Severity.INFO, Severity.DEBUG,
)  # fmt: skip
FACILITIES = (
    "kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron",
    "authpriv", "ftp", "ntp", "security", "console", "solaris-cron",
    "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7",
)  # fmt: skip

#: What a line is, for sniffing: not a header, a bare header, a timed header.
OTHER, BARE, TIMED = 0, 1, 2


class Header(NamedTuple):
    """The fields of a record's first line. `form` names the header shape (`bsd`, `iso`, `full`,
    `5424`, `unix`, `mono`, `bare`, and `cut`/`status` for what precedes the first header);
    only `bsd` stamps lack a year."""

    time: float | None
    pri: str | None
    host: str | None
    ident: str | None
    pid: str | None
    message: str
    extra: dict[str, Any] | None = None
    form: str = "bsd"


def known_ident(ident: str) -> bool:
    """A well-known system process name (`kubelet`, `systemd-resolved`, `postfix/smtpd`)."""
    return ident in KNOWN_IDENTS or ident.startswith(_KNOWN_PREFIXES)


def _strict_tag(after: str) -> bool:
    """`ident[pid]: msg` with a numeric pid, or a well-known ident without one."""
    m = _TAG.match(after)
    if m is None:
        return False
    pid = m.group(2)
    return (pid is not None and pid.isdigit()) or (pid is None and known_ident(m.group(1)))


def _host_and_tag(rest: str, strict: bool) -> bool:
    """Sniffing: `host ident[pid]: msg` after a stamp (not `INFO main: ...`). Strictly (stamps that
    `docker logs -t`/`kubectl logs --timestamps` also print) the host is required, looks like a
    host name and the tag has a pid or a well-known ident."""
    host, _, after = rest.partition(" ")
    if host.upper() in _LEVEL_WORDS:
        return False
    if _TAG_TOKEN.match(host):
        return not strict
    if strict:
        return bool(_HOSTNAME.match(host)) and _strict_tag(after)
    return bool(_TAG.match(after))


def classify(line: str) -> int:
    """Sniffing: TIMED for a timed header whose host/tag part is plausible, BARE for a bare
    `ident[pid]: msg` line, else OTHER."""
    c = line[:1]
    if c == "<" or c.isupper():
        if _BSD.match(line):
            return TIMED
        if c == "<" and (m := _RFC5424.match(line)):
            return TIMED if m.group(2) == "1" else OTHER
    if c == "<" or c.isdigit():
        if m := _ISO.match(line):
            rest = m.group(3)
            return TIMED if rest and _host_and_tag(rest, m.group(2).endswith("Z")) else OTHER
        if c != "<" and (m := _UNIX.match(line)):
            return TIMED if _host_and_tag(m.group(2), True) else OTHER
    elif c == "[":
        if m := _MONO.match(line):
            return TIMED if _host_and_tag(m.group(2), True) else OTHER
    elif c.isupper() and (m := _FULL.match(line)):
        rest = m.group(3)
        return TIMED if rest and _host_and_tag(rest, False) else OTHER
    return BARE if _bare(line) is not None else OTHER


def parser(epoch: Callable[[str, int], float | None], tz: tzinfo) -> Callable[[str], Header | None]:
    """The header parser of one file; `epoch(stamp, month)` dates year-less stamps."""
    clock = Clock(tz)  # the file's cache of `short-full` stamps

    def parse(text: str) -> Header | None:
        first = text[0]
        if first == "<" and (m := _RFC5424.match(text)) and m.group(2) == "1":
            return _parse_5424(m, tz)
        if (first == "<" or first.isupper()) and (m := _BSD.match(text)):
            pri, mon, day, hh, mm, ss, frac, rest = m.groups()
            month = MONTHS.get(mon)
            if month is None:
                return None
            stamp = f"{mon} {day:>2} {hh}:{mm}:{ss}" + (f".{frac}" if frac else "")
            return split_rest(epoch(stamp, month), pri, rest, "bsd")
        if first == "<" or first.isdigit():
            if m := _ISO.match(text):
                return split_rest(parse_rfc3339(m.group(2), tz), m.group(1), m.group(3), "iso")
            if first != "<" and (m := _UNIX.match(text)) and _host_and_tag(m.group(2), True):
                return split_rest(float(m.group(1)), None, m.group(2), "unix")
        elif first == "[":
            if (m := _MONO.match(text)) and _host_and_tag(m.group(2), True):
                header = split_rest(None, None, m.group(2), "mono")
                return header._replace(extra={"monotonic": float(m.group(1))})
        elif first.isupper() and (m := _FULL.match(text)):
            stamp, zone, rest = m.groups()
            return split_rest(_full_time(clock, stamp, zone), None, rest, "full")
        return _bare(text)

    return parse


def _full_time(clock: Clock, stamp: str, zone: str) -> float | None:
    """Epoch of a `short-full` stamp (`2025-03-14 02:51:09[.123]`) in its zone (`UTC`, `+0100`);
    an unknown or ambiguous zone is the user's."""
    offset = zone_offset(zone)
    if offset is None:
        return clock.iso(stamp)
    time = clock.iso(stamp + "Z")
    return None if time is None else time - offset


def _bare(text: str) -> Header | None:
    """`ident[pid]: msg` (any ident) or `ident: msg` (well-known idents only), untimed."""
    if m := _BARE_PID.match(text):
        ident, pid, message = m.groups()
        if ident.upper() in _LEVEL_WORDS:
            return None
        return Header(None, None, None, ident, pid, message, None, "bare")
    if (m := _BARE_NAMED.match(text)) and known_ident(m.group(1)):
        return Header(None, None, None, m.group(1), None, m.group(2), None, "bare")
    return None


def salvage(lines: list[str], tz: tzinfo) -> Header:
    """The header of the lines before a paste's first header: a `systemctl status` block (dated
    by its `since`, the unit's state in `extra`), else a line cut at its start (untimed; its
    tag when one is still there)."""
    first = lines[0]
    if m := STATUS_HEAD.match(first):
        extra: dict[str, Any] = {"unit": m.group(1)}
        parts, time = [first[2:]], None
        for line in lines[1:]:
            if (active := status_active(line, tz)) is not None:
                extra["state"], time = active
            if line.lstrip().startswith(_STATUS_KEEP):
                parts.append(line.strip())
        return Header(time, None, None, "systemctl", None, "; ".join(parts), extra, "status")
    for m in _INNER_TAG.finditer(first, 0, 200):
        ident, pid = m.group(1), m.group(2)
        if pid is not None or known_ident(ident):
            return Header(None, None, None, ident, pid, first[m.end() :], None, "cut")
    return Header(None, None, None, None, None, first, None, "cut")


def split_rest(time: float | None, pri: str | None, rest: str | None, form: str) -> Header:
    """`host ident[pid]: msg`; the host is missing when the first token is already the tag."""
    rest = rest or ""
    token, _, after = rest.partition(" ")
    host: str | None = token
    if _TAG_TOKEN.match(token):
        host, after = None, rest
    m = _TAG.match(after)
    if m is None:  # e.g. `last message repeated 3 times`
        return Header(time, pri, host or None, None, None, after, None, form)
    return Header(time, pri, host or None, m.group(1), m.group(2) or None, m.group(3), None, form)


def _parse_5424(m: re.Match[str], tz: tzinfo) -> Header:
    pri, _version, stamp, host, app, procid, msgid, rest = m.groups()
    structured: list[str] = []
    if rest.startswith("-"):
        rest = rest[2:] if rest.startswith("- ") else rest[1:]
    else:
        pos = 0
        while sd := _SD_ELEMENT.match(rest, pos):
            structured.append(sd.group(0))
            pos = sd.end()
        rest = rest[pos:].lstrip(" ")
    time = None if stamp == "-" else parse_rfc3339(stamp, tz)
    extra: dict[str, Any] = {}
    if msgid != "-":
        extra["msgid"] = msgid
    if structured:
        extra["structured_data"] = "".join(structured)
    return Header(
        time,
        pri,
        _nil(host),
        _nil(app),
        _nil(procid),
        rest.removeprefix("\ufeff"),
        extra or None,
        "5424",
    )


def _nil(value: str) -> str | None:
    return None if value == "-" else value


_EMBEDDED_LEVEL = re.compile(
    r"(?P<klog>[IWEF])\d{4} \d\d:\d\d:\d\d"
    r"|.{0,80}?\blevel=\"?(?P<kv>[A-Za-z]+)"
    r"|.{0,80}?\"level\": ?\"(?P<js>[A-Za-z]+)\""
    r"|\[?(?P<word>[A-Za-z]{3,9})[\]:] "
)


def message_level(message: str) -> Severity:
    """The level a program wrote at the start of its own message: a klog letter (`E0304 ...`),
    `level=error`, `"level":"warn"`, `[emerg] ...`, `error: ...`; else UNKNOWN."""
    m = _EMBEDDED_LEVEL.match(message)
    if m is None:
        return Severity.UNKNOWN
    if m.group("klog"):
        return LETTERS[m.group("klog")]
    return level_severity(m.group("kv") or m.group("js") or m.group("word") or "")
