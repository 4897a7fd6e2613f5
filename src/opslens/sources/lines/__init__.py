"""Line formats of application and container logs, one module per format.

A line format turns one log line (already stripped of a CRI / `kubectl logs --timestamps` /
docker json-file wrapper) into a `Parsed` tuple, or None when the line is not in that format.
Modules register a `LineFormat` at import; `formats()` imports them all and returns them in
trial order. `dispatch.Dispatcher` picks the format per line (real pod logs mix formats).
"""

from __future__ import annotations

from opslens.sources.lines.base import LineFormat, Parsed, formats, register

__all__ = ["LineFormat", "Parsed", "formats", "register"]
