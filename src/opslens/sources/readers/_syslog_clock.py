"""Years for year-less syslog stamps (`Mar 14 02:51:09`), and where each year came from.

In order of trust: the file's own journalctl range header (`-- Journal begins at ..., ends at
... --`: the entries lie before its end), a time the file states (the year nearest it), the latest time of the other inputs (`time_hint`, the
year nearest it) or their year (`year_hint`), and last the clock: the current year, or the
previous one when that would put the first line in the future. Only the clock is a guess: events
dated from it are marked `time_inferred`. The year moves on by one when the month jumps back by
half a year or more (Dec -> Jan).

Not a reader: the leading underscore keeps the package's auto-import from treating it as one.
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from opslens.timeparse import Clock, year_near

_DAY = 86400.0


class SyslogClock:
    """Epochs of `Mon dd HH:MM:SS[.frac]` stamps for one file."""

    def __init__(self, year_hint: int | None, tz: tzinfo, time_hint: float | None = None) -> None:
        self.tz = tz
        self.year_hint = year_hint
        self.time_hint = time_hint
        #: the end of the journal range the file's own header gave (None: no header)
        self.journal_end: float | None = None
        #: True when the year came from the clock alone (no header, no other input)
        self.guessed = False
        self._clock: Clock | None = None
        self._year = 0
        self._month = 0

    def journal_range(self, begin: float | None, end: float | None) -> None:
        """Take the range of a journalctl header; it dates the file unless a line came first."""
        if self._clock is None:
            self.journal_end = end if end is not None else begin

    def file_time(self, epoch: float) -> None:
        """A time the file itself states (`systemctl status`'s `since`): the year nearest it,
        unless a journal header or a line came first."""
        if self._clock is None:
            self.time_hint = epoch

    def epoch(self, stamp: str, month: int) -> float | None:
        """Epoch of `stamp` (day space-padded), `month` its month number."""
        if self._clock is None:
            self._year = self._first_year(stamp, month)
            self._clock = Clock(self.tz, self._year)
        elif self._month - month >= 6:
            self._year += 1
            self._clock = Clock(self.tz, self._year)
        self._month = month
        return self._clock.syslog(stamp)

    def _first_year(self, stamp: str, month: int) -> int:
        end = self.journal_end
        if end is not None:
            # the entries come before the header's end: the latest year that keeps them so
            year = datetime.fromtimestamp(end, self.tz).year
            first = Clock(self.tz, year).syslog(stamp)
            return year - 1 if first is not None and first > end + _DAY else year
        if self.time_hint is not None:
            return year_near(month, self.time_hint, self.tz)
        if self.year_hint is not None:
            return self.year_hint
        self.guessed = True
        now = datetime.now(self.tz)
        first = Clock(self.tz, now.year).syslog(stamp)
        return now.year - 1 if first is not None and first > now.timestamp() + _DAY else now.year
