"""Month-name dates of the structured line formats: ctime (dmesg -T, git's default date) and
RFC 2822 (`git log --date=rfc`). Both now live in `opslens.timeparse` (one parser per shape,
shared with the kubectl readers); this module re-exports them for the readers importing them
from here. The year of year-less syslog stamps is `_syslog_clock`'s.
"""

from __future__ import annotations

from opslens.timeparse import parse_ctime, parse_rfc2822

__all__ = ["parse_ctime", "parse_rfc2822"]
