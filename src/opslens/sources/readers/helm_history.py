"""`helm history RELEASE` output: every revision of a release as a dated CHANGE record.

    REVISION  UPDATED                   STATUS      CHART             APP VERSION  DESCRIPTION
    4         Tue Mar  3 09:12:40 2026  superseded  checkout-1.8.0    2.7.1        Upgrade complete
    5         Tue Mar  3 10:02:11 2026  failed      checkout-1.9.0    2.8.0        Upgrade "checkout" failed: context deadline exceeded
    6         Tue Mar  3 10:09:55 2026  deployed    checkout-1.8.0    2.7.1        Rollback to 4

helm pads its columns with tabs (`\t`) or, as pasted, with spaces; UPDATED is Go's ANSIC time in
the machine's zone (read in `--tz`). The chart's name (without its version) names the release's
workload for the analysis: charts are usually named after what they deploy. A failed upgrade
is a WARNING: the description says why (`timed out waiting for the condition`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, ClassVar, TextIO

from opslens.events import Entity, Event, EventKind, Severity
from opslens.sources.base import ReadContext, Reader, register
from opslens.timeparse import parse_ctime

_HEADER = re.compile(r"^\s*REVISION\s+UPDATED\s+STATUS\s+CHART\s+APP VERSION\s+DESCRIPTION\s*$")
_ROW = re.compile(
    r"^\s*(?P<rev>\d+)\s+(?P<updated>(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4})"
    r"\s+(?P<status>[a-z][a-z-]*)\s+(?P<chart>\S+)\s+(?P<rest>.*?)\s*$"
)
# `checkout-1.9.0`, `ingress-nginx-4.10.1`, `my-chart-0.1.0-rc.1`
_CHART_VERSION = re.compile(r"^(?P<name>.+?)-v?\d+\.\d+\.\d+\S*$")
_FAILED = frozenset({"failed", "pending-upgrade", "pending-install", "pending-rollback"})


@register
class HelmHistoryReader(Reader):
    """`helm history` tables as CHANGE events, one per revision."""

    name: ClassVar[str] = "helm-history"
    description: ClassVar[str] = "helm history RELEASE (revisions with their times, charts, app versions)"

    @classmethod
    def sniff(cls, head: str, name: str) -> float:
        first = next((line for line in head.lstrip("\ufeff").splitlines() if line.strip()), "")
        return 0.95 if _HEADER.match(first.replace("\t", "  ")) else 0.0

    def read(self, stream: TextIO, ctx: ReadContext) -> Iterator[Event]:
        for line_no, line in enumerate(stream, start=ctx.lines + 1):
            ctx.lines = line_no
            text = line.rstrip("\r\n").lstrip("\ufeff")
            if not text.strip() or _HEADER.match(text.replace("\t", "  ")):
                continue
            row = _ROW.match(text.replace("\t", "  "))
            when = parse_ctime(row.group("updated"), ctx.tz) if row else None
            if row is None or when is None:
                ctx.skip("not a `helm history` row", line_no)
                continue
            yield _event(row, when, text, line_no, ctx)


def _event(row: re.Match[str], when: float, raw: str, line_no: int, ctx: ReadContext) -> Event:
    chart, status = row.group("chart"), row.group("status")
    app_version, _, description = row.group("rest").partition("  ")
    app_version, description = app_version.strip(), description.strip()
    if not description and " " in app_version:  # a single space between the last two columns
        app_version, description = app_version.split(" ", 1)
    named = _CHART_VERSION.match(chart)
    release = named.group("name") if named else chart
    namespace = ctx.source.identity.namespace
    message = f"helm release {release} revision {row.group('rev')} {status}: chart {chart}"
    message += (f", app version {app_version}" if app_version else "") + (f": {description}" if description else "")
    attrs: dict[str, Any] = {
        "change_kind": "helm-revision", "revision": row.group("rev"), "app": release,
        "subject": description or None, "images": [], "files": [],
    }  # fmt: skip
    return Event(
        time=when,
        kind=EventKind.CHANGE,
        source=HelmHistoryReader.name,
        origin=ctx.source.origin(line_no),
        message=message,
        raw=raw,
        severity=Severity.WARNING if status in _FAILED else Severity.INFO,
        namespace=namespace,
        entity=Entity("HelmRelease", release, namespace),
        attrs=attrs,
    )
