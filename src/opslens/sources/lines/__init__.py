"""Line formats of application and container logs, one module per format.

A line format turns one log line (already stripped of a CRI / `kubectl logs --timestamps` /
docker json-file / `kubectl logs --prefix` wrapper, see `cri`) into a `Parsed` tuple
`(source, epoch | None, severity, message, attrs)`, or None when the line is not in that format.
Modules register a `LineFormat` at import; `formats()` imports them all and returns them in
trial order:

- `jsonlog` (zap, logrus, slog, pino/bunyan, Serilog, ECS, GCP, ...; field roles in `jsonfields`)
- `klog`, `nginx` (access, ingress-nginx, Envoy/Istio, error log), `java`, `pylogging`,
  `postgres`, `apache` (error log, PHP-FPM), `redis`, `logfmt`
- `generic` last: any timestamp and/or level word (not sticky: never shadows the others)

The reader side: `dispatch.Dispatcher` picks the format per line (real pod logs mix formats),
`multiline.Folder` decides which lines continue the record before them, `records.assemble`
runs the per-line hot loop and builds `Event`s, `records.infer_times` times untimed records
from their neighbours. Timestamps go through one per-file `opslens.timeparse.Clock`.
"""

from __future__ import annotations

from opslens.sources.lines.base import LineFormat, Parsed, formats, register

__all__ = ["LineFormat", "Parsed", "formats", "register"]
