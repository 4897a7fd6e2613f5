"""Timestamp parsing shared by readers. Everything returns epoch seconds (UTC) as float.

Hot paths parse millions of timestamps, so helpers here avoid building datetime objects where
they can and cache the expensive whole-second part: a `Clock` (one per input file, since the
naive-time zone and the year hint are per file) keeps dicts from the whole-second text of a
timestamp (`"2025-03-14T02:51:09"`, `"14/Mar/2025:09:54:51 +0000"`, ...) to its epoch, so
consecutive log lines pay a slice and a dict lookup; only the fraction and the zone are looked
at again.

Shapes understood (at the start of a string):
- ISO 8601 / RFC 3339, `T` or space, `.` or `,` fractions of any length, `Z`, `+hh:mm`,
  `+hhmm`, `+hh`, ` +0000`, ` UTC`/` GMT` and a few zone abbreviations; also `2025/03/14 ...`
- nginx/Apache common log `14/Mar/2025:09:54:51 +0000`
- syslog `Mar 14 02:51:09` (year from the hint)
- Apache error / asctime `Fri Mar 14 02:51:09.123456 2025`
- klog `0314 02:51:09.096230`, Android logcat `03-14 02:51:09.096` (year from the hint)
- log4j 1 / Spark `17/06/09 20:10:40`, old Hadoop `081109 203615`
- day-first `11 Jun 2025 23:38:16.058` (Redis), `14-Mar-2025 02:51:09` (PHP-FPM)
- epoch numbers in seconds, milliseconds, microseconds or nanoseconds (`epoch`)
"""

from __future__ import annotations

import calendar
import re
import time as _time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, tzinfo

__all__ = ["Clock", "epoch", "parse_rfc3339", "parse_timestamp"]

_RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?\s?(Z|z|[+-]\d{2}:?\d{2})?"
)


def parse_rfc3339(text: str, tz: tzinfo = UTC) -> float | None:
    """Epoch seconds of an ISO 8601 / RFC 3339 timestamp at the start of `text`.

    Accepts `T` or space, any number of fraction digits (nanoseconds included), `Z` or a
    numeric offset; a naive timestamp is taken in `tz`. None when `text` does not start with one.
    """
    m = _RFC3339.match(text)
    if not m:
        return None
    year, month, day, hour, minute, second, frac, zone = m.groups()
    try:
        if zone is None and tz is not UTC:
            base = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second), tzinfo=tz).timestamp()
        else:
            base = calendar.timegm((int(year), int(month), int(day), int(hour), int(minute), int(second), 0, 0, 0))
            if zone and zone not in ("Z", "z"):
                sign = 1 if zone[0] == "+" else -1
                digits = zone[1:].replace(":", "")
                base -= sign * (int(digits[:2]) * 3600 + int(digits[2:]) * 60)
    except ValueError:
        return None
    if frac:
        base += int(frac[:9]) / 10 ** len(frac[:9])
    return float(base)


MONTHS = {m: i for i, m in enumerate(("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1)}
MONTHS.update({k.upper(): v for k, v in MONTHS.items()})

#: Zone abbreviations seen after log timestamps (Postgres `%m`, Java `z`); others are ignored.
ZONE_ABBREVIATIONS = {
    "UTC": 0, "GMT": 0, "Z": 0, "UT": 0,
    "CET": 3600, "CEST": 7200, "WET": 0, "WEST": 3600, "EET": 7200, "EEST": 10800, "BST": 3600,
    "EST": -18000, "EDT": -14400, "CST": -21600, "CDT": -18000, "MST": -25200, "MDT": -21600,
    "PST": -28800, "PDT": -25200, "JST": 32400, "KST": 32400, "IST": 19800, "MSK": 10800,
    "AEST": 36000, "AEDT": 39600, "HKT": 28800, "SGT": 28800,
}  # fmt: skip

# Minute keys (the whole-second key without `:SS`): parsed by regex once per minute.
_MIN_ISO = re.compile(r"(\d{4})[-/](\d\d)[-/](\d\d)[Tt ](\d\d):(\d\d)")
_MIN_CLF = re.compile(r"(\d\d)/([A-Za-z]{3})/(\d{4}):(\d\d):(\d\d)(?: ([+-])(\d\d):?(\d\d))?")
_MIN_DMY = re.compile(r"(\d\d?)[ -]([A-Za-z]{3})[ -](\d{4})[ :](\d\d):(\d\d)")
_MIN_SYSLOG = re.compile(r"([A-Za-z]{3}) ([ \d]\d) (\d\d):(\d\d)")
_MIN_KLOG = re.compile(r"(\d\d)-?(\d\d) (\d\d):(\d\d)")
_MIN_YY = re.compile(r"(\d\d)/(\d\d)/(\d\d) (\d\d):(\d\d)")
# the fraction and zone that may follow the whole seconds of an ISO timestamp (for `detect`)
_ISO_TAIL = re.compile(
    r"(?:[.,]\d+)?(?:Z|z|[+-]\d\d(?::?\d\d)?(?![\d:])| [+-]\d{4}(?!\d)| ?(?:"
    + "|".join(sorted((z for z in ZONE_ABBREVIATIONS if len(z) > 2), key=len, reverse=True))
    + r")(?!\w))?"
)
_FRAC = re.compile(r"[.,]\d+")
_EPOCH_TOKEN = re.compile(r"(\d{10,19})(?:\.(\d+))?(?![\w.:-])")
_CACHE_LIMIT = 8192
_POW10 = [10.0**i for i in range(30)]


def epoch(value: object) -> float | None:
    """Epoch seconds from a number (or digit string) in s, ms, µs or ns, chosen by magnitude.

    JSON log fields (`ts`, `time`, Loki's nanosecond strings) use all four units; real log
    times are after 1973 in seconds, so the magnitude tells the unit. None for anything else.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            value = float(value) if "." in value else int(value)
        except ValueError:
            return None
    if not isinstance(value, int | float) or value != value or value <= 0:
        return None
    if value >= 1e17:
        return value / 1e9
    if value >= 1e14:
        return value / 1e6
    if value >= 1e11:
        return value / 1e3
    if value >= 1e8:
        return float(value)
    return None


def _fixed_offset_zero(tz: tzinfo) -> bool:
    try:
        return tz is UTC or (tz.utcoffset(None) == timedelta(0) and tz.dst(None) in (None, timedelta(0)))
    except Exception:  # noqa: BLE001 - a tzinfo that cannot answer without a datetime is not UTC
        return False


class Clock:
    """Cached timestamp parser for one input: naive times are in `tz`, year-less ones in `year`.

    Methods take the timestamp text (a token) and return epoch seconds or None. Two bounded
    caches per shape: whole-second text -> epoch (dense logs: a dict lookup per line) and
    minute text -> epoch (sparse logs: one regex per minute, not per line). Create one per
    file: the caches depend on `tz` and the year hint.
    """

    def __init__(self, tz: tzinfo = UTC, year: int | None = None) -> None:
        self.tz = tz
        self.year_hint = year
        self._utc_tz = _fixed_offset_zero(tz)
        self.seen_year: int | None = None  # the year of the last full date parsed (on cache misses)
        self._iso_utc: dict[str, float | None] = {}
        self._iso_local: dict[str, float | None] = {}
        self._clf: dict[str, float | None] = {}
        self._dmy: dict[str, float | None] = {}
        self._syslog: dict[str, float | None] = {}
        self._klog: dict[str, float | None] = {}
        self._yy: dict[str, float | None] = {}
        # minute text -> epoch; naive/zoned-in-text shapes (never both meanings for one text)
        self._minutes_local: dict[str, float | None] = {}
        self._minutes_utc: dict[str, float | None] = {}

    # --- cache-miss paths ----------------------------------------------------------------
    def _wall(self, y: int, mo: int, d: int, h: int, mi: int, s: int, local: bool) -> float | None:
        if not (1 <= mo <= 12 and 1 <= d <= 31 and h <= 24 and mi <= 59 and s <= 60 and 1900 <= y <= 9999):
            return None
        try:
            if local and not self._utc_tz:
                sec = min(s, 59)
                return datetime(y, mo, d, h, mi, sec, tzinfo=self.tz).timestamp() + (s - sec)
            datetime(y, mo, d)  # validates the day of the month
        except (ValueError, OverflowError):
            return None
        return float(calendar.timegm((y, mo, d, h, mi, s, 0, 0, 0)))

    def _year(self, month: int) -> int:
        """The year for a timestamp without one: the file's own (its last full date, e.g. the
        CRI wrapper's), else the hint from the other inputs, else this year."""
        if self.seen_year is not None:
            return self.seen_year
        if self.year_hint is not None:
            return self.year_hint
        return _time.gmtime().tm_year

    def _second(self, cache: dict[str, float | None], key: str, split: int, minutes: dict[str, float | None],
                minute: Callable[[str], float | None]) -> float | None:  # fmt: skip
        """Epoch of a whole-second `key` whose `:SS` starts at `split`, via its minute's epoch
        (cached in `minutes`); the result is cached in `cache`."""
        secs = key[split + 1 : split + 3]
        value = None
        if key[split : split + 1] == ":" and len(secs) == 2 and secs.isdigit() and secs.isascii():
            mkey = key[:split] + key[split + 3 :]
            base = minutes.get(mkey, 0.0)
            if base == 0.0:
                base = minute(mkey)
                if len(minutes) >= _CACHE_LIMIT:
                    minutes.clear()
                minutes[mkey] = base
            sec = int(secs)
            if base is not None and sec <= 60:
                value = base + sec
        if len(cache) >= _CACHE_LIMIT:
            cache.clear()
        cache[key] = value
        return value

    def _full_date(self, value: float | None, year: int) -> float | None:
        """Remember the year of a full date (for year-less stamps later in the same file)."""
        if value is not None:
            self.seen_year = year
        return value

    def _iso_minute(self, key: str, local: bool) -> float | None:
        m = _MIN_ISO.fullmatch(key)
        if m is None:
            return None
        y, mo, d, h, mi = map(int, m.groups())
        return self._full_date(self._wall(y, mo, d, h, mi, 0, local=local), y)

    def _iso_minute_local(self, key: str) -> float | None:
        return self._iso_minute(key, True)

    def _iso_minute_utc(self, key: str) -> float | None:
        return self._iso_minute(key, False)

    def _iso_base(self, key: str, local: bool) -> float | None:
        if local:
            return self._second(self._iso_local, key, 16, self._minutes_local, self._iso_minute_local)
        return self._second(self._iso_utc, key, 16, self._minutes_utc, self._iso_minute_utc)

    def _clf_minute(self, key: str) -> float | None:
        m = _MIN_CLF.fullmatch(key)
        if m is None:
            return None
        d, mon, y, h, mi, sign, oh, om = m.groups()
        month = MONTHS.get(mon.capitalize())
        value = self._wall(int(y), month, int(d), int(h), int(mi), 0, local=sign is None) if month else None
        if value is not None and sign:
            value -= (int(oh) * 3600 + int(om) * 60) * (1 if sign == "+" else -1)
        return self._full_date(value, int(y))

    def _dmy_minute(self, key: str) -> float | None:
        m = _MIN_DMY.fullmatch(key)
        if m is None:
            return None
        d, mon, y, h, mi = m.groups()
        month = MONTHS.get(mon.capitalize())
        return self._full_date(self._wall(int(y), month, int(d), int(h), int(mi), 0, local=True) if month else None, int(y))

    def _syslog_minute(self, key: str) -> float | None:
        m = _MIN_SYSLOG.fullmatch(key)
        if m is None:
            return None
        mon, d, h, mi = m.groups()
        month = MONTHS.get(mon.capitalize())
        return self._wall(self._year(month), month, int(d), int(h), int(mi), 0, local=True) if month else None

    def _klog_minute(self, key: str) -> float | None:
        m = _MIN_KLOG.fullmatch(key)
        if m is None:
            return None
        mo, d, h, mi = map(int, m.groups())
        return self._wall(self._year(mo), mo, d, h, mi, 0, local=True)

    def _yy_minute(self, key: str) -> float | None:
        m = _MIN_YY.fullmatch(key)
        if m is None:
            return None
        y, mo, d, h, mi = map(int, m.groups())
        return self._full_date(self._wall(2000 + y, mo, d, h, mi, 0, local=True), 2000 + y)

    # --- public parsers ------------------------------------------------------------------
    def iso(self, tok: str) -> float | None:
        """`2025-03-14T02:51:09.123456789Z`, `2025-03-14 02:51:09,123`, `... +01:00`,
        `... +0000`, `... UTC`, `2025/03/14 02:51:09`: a whole token, nothing after it."""
        # Hot path: one dict lookup for the whole seconds, float() for the fraction.
        key = tok[:19]
        last = tok[-1:]
        if last == "Z":
            base = self._iso_utc.get(key, 0.0)
            if base == 0.0:
                base = self._iso_base(key, False)
            frac = tok[19:-1]
        else:
            frac = tok[19:]
            if "+" in frac or "-" in frac or not last.isdigit() or (frac and frac[0] != "." and frac[0] != ","):
                return self._iso_zoned(key, frac) if frac else None
            base = self._iso_local.get(key, 0.0)
            if base == 0.0:
                base = self._iso_base(key, True)
        if base is None or not frac:
            return base
        try:
            value = float(frac) if frac[0] == "." else float("." + frac[1:]) if frac[0] == "," else -1.0
        except ValueError:
            return None
        return base + value if 0.0 <= value < 1.0 and frac[1:].isdigit() else None

    @staticmethod
    def _add_fraction(base: float, frac: str) -> float | None:
        """`base` plus a `.123` / `,123` fraction; None when `frac` is anything else."""
        try:
            if frac[0] == ".":
                value = float(frac)
            elif frac[0] == ",":
                value = float("." + frac[1:])
            else:
                return None
        except (ValueError, IndexError):
            return None
        # float() also takes exponents and underscores: a real fraction is in [0, 1)
        return base + value if 0.0 <= value < 1.0 and frac[-1].isdigit() else None

    def _iso_zoned(self, key: str, rest: str) -> float | None:
        if len(key) < 19:
            return None
        offset: int | None = None
        frac = rest
        if rest[-1].isalpha():  # ` UTC`, ` CEST`
            head, _, zone = rest.rpartition(" ") if " " in rest else ("", "", rest)
            offset = ZONE_ABBREVIATIONS.get(zone.upper())
            if offset is None:
                return None
            frac = head
        else:
            for width in (6, 5, 3):  # +hh:mm, +hhmm, +hh
                if len(rest) >= width and rest[-width] in "+-":
                    zone = rest[-width:]
                    digits = zone[1:].replace(":", "", 1)
                    if len(digits) not in (2, 4) or not (digits.isdigit() and digits.isascii()) or (width == 6 and zone[3] != ":"):
                        continue
                    hours, minutes = int(digits[:2]), int(digits[2:] or 0)
                    offset = (hours * 3600 + minutes * 60) * (1 if zone[0] == "+" else -1)
                    frac = rest[:-width].rstrip(" ")
                    break
        local = offset is None
        cache = self._iso_local if local else self._iso_utc
        base = cache.get(key, 0.0)
        if base == 0.0:
            base = self._iso_base(key, local)
        if base is None:
            return None
        if offset:
            base -= offset
        return self._add_fraction(base, frac) if frac else base

    def clf(self, tok: str) -> float | None:
        """Common log format `14/Mar/2025:09:54:51 +0000` (nginx/Apache access logs)."""
        value = self._clf.get(tok, 0.0)
        if value == 0.0:
            value = self._second(self._clf, tok, 17, self._minutes_local, self._clf_minute)
        return value

    def dmy(self, tok: str) -> float | None:
        """Day-first `11 Jun 2025 23:38:16.058` (Redis) or `14-Mar-2025 02:51:09` (PHP-FPM)."""
        width = 19 if tok[1:2] == " " or tok[1:2] == "-" else 20  # one- or two-digit day
        key = tok[:width]
        value = self._dmy.get(key, 0.0)
        if value == 0.0:
            value = self._second(self._dmy, key, width - 3, self._minutes_local, self._dmy_minute)
        if value is None:
            return None
        return self._add_fraction(value, tok[width:]) if len(tok) > width else value

    def syslog(self, tok: str) -> float | None:
        """RFC 3164 `Mar 14 02:51:09` (optionally `.123456`); the year comes from the hint."""
        key = tok[:15]
        value = self._syslog.get(key, 0.0)
        if value == 0.0:
            value = self._second(self._syslog, key, 12, self._minutes_local, self._syslog_minute)
        if value is None:
            return None
        return self._add_fraction(value, tok[15:]) if len(tok) > 15 else value

    def klog(self, tok: str) -> float | None:
        """klog's `0314 02:51:09.096230` or logcat's `03-14 02:51:09.096` (month, day, time;
        local time, year from the hint)."""
        width = 14 if tok[2:3] == "-" else 13
        key = tok[:width]
        value = self._klog.get(key, 0.0)
        if value == 0.0:
            value = self._second(self._klog, key, width - 3, self._minutes_local, self._klog_minute)
        if value is None:
            return None
        return self._add_fraction(value, tok[width:]) if len(tok) > width else value

    def short_year(self, tok: str) -> float | None:
        """log4j 1 / Spark `17/06/09 20:10:40` (two-digit year, 20yy)."""
        key = tok[:17]
        value = self._yy.get(key, 0.0)
        if value == 0.0:
            value = self._second(self._yy, key, 14, self._minutes_local, self._yy_minute)
        if value is None:
            return None
        return self._add_fraction(value, tok[17:]) if len(tok) > 17 else value

    def compact(self, tok: str) -> float | None:
        """Old Hadoop/HDFS `081109 203615` (yyMMdd HHmmss, 20yy)."""
        if len(tok) != 13 or tok[6] != " ":
            return None
        return self.short_year(f"{tok[0:2]}/{tok[2:4]}/{tok[4:6]} {tok[7:9]}:{tok[9:11]}:{tok[11:13]}")

    def asctime(self, tok: str) -> float | None:
        """`Fri Mar 14 02:51:09.123456 2025` / `Fri Mar 14 02:51:09 2025` (Apache error log)."""
        if len(tok) < 24 or tok[3] != " " or tok[-5] != " ":
            return None
        year = tok[-4:]
        if not year.isdigit():
            return None
        base = self.dmy(f"{tok[8:10].strip()} {tok[4:7]} {year} {tok[11:19]}")
        if base is None:
            return None
        frac = tok[19:-5]
        return self._add_fraction(base, frac) if frac else base

    # --- detection -----------------------------------------------------------------------
    def detect(self, line: str, pos: int = 0) -> tuple[float, int] | None:
        """A timestamp of any known shape starting at `line[pos]`: (epoch, end index) or None."""
        c = line[pos : pos + 1]
        if not c:
            return None
        if c.isdigit():
            return self._detect_numeric(line, pos)
        if c.isalpha() and c.isascii():
            return self._detect_named(line, pos)
        return None

    def _detect_numeric(self, line: str, pos: int) -> tuple[float, int] | None:
        sep = line[pos + 4 : pos + 5]
        if (sep == "-" or sep == "/") and line[pos + 13 : pos + 14] == ":":
            end = pos + 19
            m = _ISO_TAIL.match(line, end)
            end = m.end() if m else end
            value = self.iso(line[pos:end])
            return (value, end) if value is not None else None
        sep = line[pos + 2 : pos + 3]
        if sep == "/" and line[pos + 5 : pos + 6] == "/" and line[pos + 11 : pos + 12] == ":":  # 17/06/09 20:10:40
            m = _FRAC.match(line, pos + 17)
            end = m.end() if m else pos + 17
            value = self.short_year(line[pos:end])
            return (value, end) if value is not None else None
        if sep == "-" and line[pos + 5 : pos + 6] == " " and line[pos + 8 : pos + 9] == ":":  # 03-17 16:13:38.811
            m = _FRAC.match(line, pos + 14)
            end = m.end() if m else pos + 14
            value = self.klog(line[pos:end])
            return (value, end) if value is not None else None
        if sep == "/":  # 14/Mar/2025:09:54:51 +0000
            end = pos + 26 if line[pos + 20 : pos + 22] in (" +", " -") else pos + 20
            value = self.clf(line[pos:end])
            return (value, end) if value is not None else None
        day1 = line[pos + 1 : pos + 2] == " " or line[pos + 1 : pos + 2] == "-"
        if (sep == " " or sep == "-" or day1) and line[pos + 2 + (not day1) : pos + 5 + (not day1)] in MONTHS:
            end = pos + (19 if day1 else 20)  # 11 Jun 2025 23:38:16.058
            m = _FRAC.match(line, end)
            end = m.end() if m else end
            value = self.dmy(line[pos:end])
            return (value, end) if value is not None else None
        if line[pos + 6 : pos + 7] == " " and line[pos + 13 : pos + 14] == " " and line[pos : pos + 13].replace(" ", "").isdigit():
            value = self.compact(line[pos : pos + 13])  # 081109 203615
            return (value, pos + 13) if value is not None else None
        m = _EPOCH_TOKEN.match(line, pos)
        if m:
            value = epoch(m.group(0))
            if value is not None:
                return value, m.end()
        return None

    def _detect_named(self, line: str, pos: int) -> tuple[float, int] | None:
        if line[pos + 3 : pos + 4] != " ":
            return None
        word = line[pos : pos + 3]
        if word in MONTHS and line[pos + 9 : pos + 10] == ":":  # Mar 14 02:51:09
            end = pos + 15
            m = _FRAC.match(line, end)
            end = m.end() if m else end
            value = self.syslog(line[pos:end])
            return (value, end) if value is not None else None
        if line[pos + 4 : pos + 7] in MONTHS and line[pos + 13 : pos + 14] == ":":  # Fri Mar 14 ...
            m = _FRAC.match(line, pos + 19)
            end = (m.end() if m else pos + 19) + 5
            value = self.asctime(line[pos:end])
            return (value, end) if value is not None else None
        return None


_DEFAULT_CLOCKS: dict[tuple[tzinfo, int | None], Clock] = {}


def parse_timestamp(text: str, tz: tzinfo = UTC, year: int | None = None) -> float | None:
    """Epoch seconds of a timestamp of any shape `Clock.detect` knows at the start of `text`
    (or an epoch number); naive times in `tz`, year-less ones in `year`. None if there is none."""
    clock = _DEFAULT_CLOCKS.get((tz, year))
    if clock is None:
        if len(_DEFAULT_CLOCKS) > 64:
            _DEFAULT_CLOCKS.clear()
        clock = _DEFAULT_CLOCKS[(tz, year)] = Clock(tz, year)
    found = clock.detect(text.lstrip("["))
    return found[0] if found else None
