"""Timestamp renderings used by the tools whose output the variants imitate.

All times are epoch seconds (float, UTC). Each function renders one tool's notation, so a
variant can put the same instant into a kubelet line, a CRI log prefix and a git header.
"""

from __future__ import annotations

from datetime import UTC, datetime

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def parse(text: str) -> float:
    """`2025-08-02T10:01:02Z` -> epoch seconds."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def dt(t: float) -> datetime:
    """Epoch seconds -> aware UTC datetime."""
    return datetime.fromtimestamp(t, UTC)


def iso(t: float) -> str:
    """RFC 3339 to the second, as Kubernetes object timestamps are written."""
    return dt(t).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_ms(t: float) -> str:
    """RFC 3339 with milliseconds (Spring Boot, pino-pretty, Sidekiq, zap ISO8601)."""
    d = dt(t)
    return d.strftime("%Y-%m-%dT%H:%M:%S.") + f"{d.microsecond // 1000:03d}Z"


def iso_us(t: float) -> str:
    """RFC 3339 with microseconds (Argo CD micro times, Rust tracing, eventTime)."""
    return dt(t).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def rfc3339_nano(t: float, nanos: int) -> str:
    """Go's time.RFC3339Nano: nine digits with trailing zeros trimmed (CRI log prefix)."""
    base = dt(int(t)).strftime("%Y-%m-%dT%H:%M:%S")
    frac = f"{nanos:09d}".rstrip("0")
    return f"{base}.{frac}Z" if frac else f"{base}Z"


def klog(t: float, level: str = "I") -> str:
    """klog header prefix without pid/file: `I0802 10:01:02.123456`."""
    d = dt(t)
    return f"{level}{d:%m%d %H:%M:%S}.{d.microsecond:06d}"


def git_date(t: float) -> str:
    """git's default date format: `Sat Aug 2 10:01:02 2025 +0000`."""
    d = dt(t)
    return f"{d:%a} {MONTHS[d.month - 1]} {d.day} {d:%H:%M:%S} {d.year} +0000"


def clf(t: float) -> str:
    """Common log format time: `02/Aug/2025:10:01:02 +0000`."""
    d = dt(t)
    return f"{d.day:02d}/{MONTHS[d.month - 1]}/{d.year}:{d:%H:%M:%S} +0000"


def describe_time(t: float) -> str:
    """`kubectl describe` start/finish time: `Sat, 02 Aug 2025 10:01:02 +0000`."""
    d = dt(t)
    return f"{d:%a}, {d.day:02d} {MONTHS[d.month - 1]} {d.year} {d:%H:%M:%S} +0000"


def spaced(t: float, sep: str = " ", frac: str = "ms") -> str:
    """`2025-08-02 10:01:02,123` style stamps (Python logging, Celery, Laravel)."""
    d = dt(t)
    base = d.strftime(f"%Y-%m-%d{sep}%H:%M:%S")
    if frac == "ms":
        return f"{base},{d.microsecond // 1000:03d}"
    if frac == "us":
        return f"{base}.{d.microsecond:06d}"
    return base


def human_duration(seconds: float) -> str:
    """apimachinery's duration.HumanDuration, which kubectl uses for AGE and LAST SEEN."""
    s = int(seconds)
    if s < 0:
        return "0s"
    if s < 120:
        return f"{s}s"
    minutes = s // 60
    if minutes < 10:
        rest = s % 60
        return f"{minutes}m{rest}s" if rest else f"{minutes}m"
    if minutes < 180:
        return f"{minutes}m"
    hours = s // 3600
    if hours < 8:
        rest = minutes % 60
        return f"{hours}h{rest}m" if rest else f"{hours}h"
    if hours < 48:
        return f"{hours}h"
    days, rest = divmod(hours, 24)
    return f"{days}d{rest}h" if rest and hours < 24 * 8 else f"{days}d"


def go_duration(seconds: float) -> str:
    """Go's time.Duration.String for whole seconds: `10s`, `1m20s`, `5m0s`."""
    s = int(seconds)
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m{s % 60}s"
    return f"{s // 3600}h{s % 3600 // 60}m{s % 60}s"
