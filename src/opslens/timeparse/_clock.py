"""`Clock`: the cached timestamp parser of one input, one method per token shape, and the
detection of a timestamp of any known shape at a position in a line."""

from __future__ import annotations

import re

from opslens.timeparse._minutes import MinuteCache
from opslens.timeparse._stateless import MONTHS, ZONE_ABBREVIATIONS, epoch

# the fraction and zone that may follow the whole seconds of an ISO timestamp (for `detect`)
_ISO_TAIL = re.compile(
    r"(?:[.,]\d+)?(?:Z|z|[+-]\d\d(?::?\d\d)?(?![\d:])| [+-]\d{4}(?!\d)| ?(?:"
    + "|".join(sorted((z for z in ZONE_ABBREVIATIONS if len(z) > 2), key=len, reverse=True))
    + r")(?!\w))?"
)
_FRAC = re.compile(r"[.,]\d+")
_EPOCH_TOKEN = re.compile(r"(\d{10,19})(?:\.(\d+))?(?![\w.:-])")


class Clock(MinuteCache):
    """Cached timestamp parser for one input: naive times are in `tz`, year-less ones in the
    year of the file's own full dates, else the one `time_hint` or `year` gives.

    Methods take the timestamp text (a token) and return epoch seconds or None. Two bounded
    caches per shape: whole-second text -> epoch (dense logs: a dict lookup per line) and
    minute text -> epoch (sparse logs: one regex per minute, not per line). Create one per
    file: the caches depend on `tz` and the hints.
    """

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

    # dmy, syslog, klog and short_year repeat one pattern on purpose: they run once per log
    # line, and a shared helper costs a call (+17-25% per stamp, measured).
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
        """RFC 3164 `Mar 14 02:51:09` (optionally `.123456`); the year comes from the hints."""
        key = tok[:15]
        value = self._syslog.get(key, 0.0)
        if value == 0.0:
            value = self._second(self._syslog, key, 12, self._minutes_local, self._syslog_minute)
        if value is None:
            return None
        return self._add_fraction(value, tok[15:]) if len(tok) > 15 else value

    def klog(self, tok: str) -> float | None:
        """klog's `0314 02:51:09.096230` or logcat's `03-14 02:51:09.096` (month, day, time;
        local time, year from the hints)."""
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
