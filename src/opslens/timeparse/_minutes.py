"""The caches behind `Clock`: whole-second text -> epoch, filled from minute text -> epoch.

Every shape has its own whole-second cache (dense logs: a dict lookup per line). On a miss the
`:SS` is cut out and the remaining minute text is looked up in a second cache (sparse logs: one
regex per minute, not per line); only a minute miss builds a date. Both are bounded.
"""

from __future__ import annotations

import calendar
import re
import time as _time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, tzinfo

from opslens.timeparse._stateless import MONTHS, year_near

# Minute keys (the whole-second key without `:SS`): parsed by regex once per minute.
_MIN_ISO = re.compile(r"(\d{4})[-/](\d\d)[-/](\d\d)[Tt ](\d\d):(\d\d)")
_MIN_CLF = re.compile(r"(\d\d)/([A-Za-z]{3})/(\d{4}):(\d\d):(\d\d)(?: ([+-])(\d\d):?(\d\d))?")
_MIN_DMY = re.compile(r"(\d\d?)[ -]([A-Za-z]{3})[ -](\d{4})[ :](\d\d):(\d\d)")
_MIN_SYSLOG = re.compile(r"([A-Za-z]{3}) ([ \d]\d) (\d\d):(\d\d)")
_MIN_KLOG = re.compile(r"(\d\d)-?(\d\d) (\d\d):(\d\d)")
_MIN_YY = re.compile(r"(\d\d)/(\d\d)/(\d\d) (\d\d):(\d\d)")
_CACHE_LIMIT = 8192

Cache = dict[str, float | None]


def _fixed_offset_zero(tz: tzinfo) -> bool:
    try:
        return tz is UTC or (tz.utcoffset(None) == timedelta(0) and tz.dst(None) in (None, timedelta(0)))
    except Exception:  # noqa: BLE001 - a tzinfo that cannot answer without a datetime is not UTC
        return False


class MinuteCache:
    """Per-input caches and their cache-miss paths; `Clock` adds the token shapes on top.

    Naive times are in `tz`. A stamp without a year takes the year of the last full date seen
    in the same input, else the year nearest `time_hint` (epoch of the latest event seen
    elsewhere), else `year`, else the current year.
    """

    def __init__(
        self, tz: tzinfo = UTC, year: int | None = None, time_hint: float | None = None
    ) -> None:
        self.tz = tz
        self.year_hint = year
        self.time_hint = time_hint
        self._utc_tz = _fixed_offset_zero(tz)
        self.seen_year: int | None = None  # the year of the last full date parsed (on cache misses)
        #: Set once a year-less stamp got its year from nothing but the clock: such times are guesses.
        self.year_guessed = False
        self._iso_utc: Cache = {}
        self._iso_local: Cache = {}
        self._clf: Cache = {}
        self._dmy: Cache = {}
        self._syslog: Cache = {}
        self._klog: Cache = {}
        self._yy: Cache = {}
        # minute text -> epoch; naive/zoned-in-text shapes (never both meanings for one text)
        self._minutes_local: Cache = {}
        self._minutes_utc: Cache = {}

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
        CRI wrapper's), else the one the hints give, else this year."""
        if self.seen_year is not None:
            return self.seen_year
        if self.time_hint is not None:
            return year_near(month, self.time_hint, self.tz)
        if self.year_hint is not None:
            return self.year_hint
        self.year_guessed = True
        return _time.gmtime().tm_year

    def _second(self, cache: Cache, key: str, split: int, minutes: Cache,
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
