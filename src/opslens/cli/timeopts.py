"""The time options of the CLI; the parsing lives in `opslens.timeparse.options` (the server
reads the same form fields)."""

from __future__ import annotations

from opslens.timeparse.options import parse_duration, parse_time, parse_tz

__all__ = ["parse_duration", "parse_time", "parse_tz"]
