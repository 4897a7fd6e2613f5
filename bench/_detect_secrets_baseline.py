"""detect-secrets (Yelp, PyPI `detect-secrets`) as the named baseline redactor of bench/guard.py.

How it is run: all default plugins (`default_settings()`) and default filters, through the
same entry point as `detect-secrets scan`: the rows are written to one temporary text file
and `scan_file` reports (line number, secret value) pairs. `scan_line` is not used: it is the
ad-hoc mode, which skips the entropy limits and reports nearly every word.

How it is counted: detect-secrets finds secrets but does not redact them. Every value it
reports is masked where it occurs on the reported line, and the result is scored exactly like
opslens' output. A secret therefore counts as found when a reported value overlaps it (the
GitHub plugin, for instance, reports only the `ghp` prefix; masking it breaks the token).
Consequence to keep in mind: its private-key plugin reports the `BEGIN ... PRIVATE KEY`
header, not the key body, so PEM body lines count as leaked for detect-secrets.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

MASK = "[REDACTED]"


def available() -> bool:
    """True when detect-secrets is installed (the `bench` extra)."""
    try:
        import detect_secrets  # noqa: F401
    except ImportError:
        return False
    return True


def version() -> str:
    """The installed detect-secrets version."""
    from detect_secrets import __version__

    return __version__.VERSION


def _mask(line: str, values: set[str]) -> str:
    # longest first, so a value that contains another is masked whole
    for value in sorted(values, key=len, reverse=True):
        line = line.replace(value, MASK)
    return line


def redact_rows(rows: list[str]) -> tuple[list[str], float]:
    """Mask what detect-secrets reports in each row; return the rows and the scan seconds.

    Rows may span several physical lines (PEM blocks, YAML); each physical line is one
    line of the scanned file, and reports are mapped back to their row.
    """
    from detect_secrets.core.scan import scan_file
    from detect_secrets.settings import default_settings

    physical: list[str] = []
    owner: list[int] = []
    for index, row in enumerate(rows):
        for part in row.split("\n"):
            physical.append(part)
            owner.append(index)
    reported: dict[int, set[str]] = {}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "corpus.txt"
        path.write_text("\n".join(physical) + "\n", encoding="utf-8")
        with default_settings():
            start = time.perf_counter()
            for secret in scan_file(str(path)):
                if secret.secret_value:
                    reported.setdefault(secret.line_number - 1, set()).add(secret.secret_value)
            elapsed = time.perf_counter() - start
    masked = [_mask(part, reported.get(number, set())) for number, part in enumerate(physical)]
    out: list[list[str]] = [[] for _ in rows]
    for number, part in enumerate(masked):
        out[owner[number]].append(part)
    return ["\n".join(parts) for parts in out], elapsed
