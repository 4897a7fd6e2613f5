"""Charts as SVG drawn on the server: they need no JavaScript and inherit the page's theme.

Every piece of text (tooltips, labels) goes through `Markup.format`, which escapes it, so a
series name or an alert summary cannot become markup. Colours are CSS classes (`chart-*` in
the stylesheet): the Content-Security-Policy forbids inline styles, and classes follow dark
and light mode.

- `timeline_svg`: alerts, changes, new and spiking log patterns and metric anomalies on one
  time axis, the onset marked. Points outside the report's window are pinned to its edge and
  say so in their tooltip (a commit two days earlier would otherwise squash the chart).
- `sparkline_svg`: one anomalous series. A report keeps the anomaly's baseline, peak, shape
  and onset, not the samples, so the line is a sketch of that shape and is labelled as one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from markupsafe import Markup

from opslens.report.models import Anomaly, Report

__all__ = ["Mark", "marks", "sparkline_svg", "timeline_svg"]

_W, _LEFT, _RIGHT, _LANE, _TOP = 960, 96, 16, 30, 12
LANES = ("Alerts", "Changes", "Patterns", "Metrics")


@dataclass(frozen=True)
class Mark:
    """One point of the timeline: its lane, time, shape class and tooltip text."""

    lane: str
    ts: datetime
    kind: str  # CSS class suffix: alert, change, change-near, new, spiking, anomaly
    label: str


def marks(report: Report) -> list[Mark]:
    """The points of the timeline chart, from the report's sections."""
    found: list[Mark] = []
    for alert in report.alerts:
        if alert.first_seen:
            text = f"{alert.alertname} ({alert.status})" + (f": {alert.summary}" if alert.summary else "")
            found.append(Mark("Alerts", alert.first_seen, "alert", text))
    for change in report.changes:
        if change.ts:
            kind = "change-near" if change.touches_affected else "change"
            found.append(Mark("Changes", change.ts, kind, f"{change.kind}: {change.summary}"))
    cited = {e.id: e.ts for e in report.evidence}
    for pattern in report.patterns:
        if pattern.status == "new" and pattern.first_seen:
            found.append(Mark("Patterns", pattern.first_seen, "new",
                              f"new ({pattern.count}×): {pattern.template}"))
        elif pattern.status == "spiking":
            at = cited.get(pattern.evidence or "") or pattern.first_seen
            if at:
                found.append(Mark("Patterns", at, "spiking",
                                  f"spiking ({pattern.count}×): {pattern.template}"))
    for anomaly in report.anomalies:
        if anomaly.onset:
            found.append(Mark("Metrics", anomaly.onset, "anomaly",
                              f"{anomaly.shape} {anomaly.direction}: {anomaly.series}"))
    return found


def _range(report: Report, points: list[Mark]) -> tuple[datetime, datetime] | None:
    start, end = report.window.start, report.window.end
    times = [p.ts for p in points] + ([report.onset] if report.onset else [])
    if not times and not (start and end):
        return None
    start = start or min(times)
    end = end or max(times)
    if end <= start:
        start, end = start - timedelta(minutes=5), end + timedelta(minutes=5)
    return start, end


# Tick spacings a reader counts in without effort, in minutes.
_STEPS = (1, 2, 5, 10, 15, 20, 30, 60, 120, 180, 360, 720, 1440, 2880, 10080)
_CLUSTER_PX = 8  # marks of one lane and kind closer than this are drawn as one


def _ticks(start: datetime, end: datetime, most: int = 8) -> list[datetime]:
    """Round times (every 15 min, every hour, ...) between start and end, at most `most`."""
    minutes = (end - start).total_seconds() / 60
    step = next((s for s in _STEPS if minutes / s <= most), _STEPS[-1])
    first = start.replace(second=0, microsecond=0, minute=0)
    while first < start:
        first += timedelta(minutes=step)
    ticks = []
    while first <= end:
        ticks.append(first)
        first += timedelta(minutes=step)
    return ticks


@dataclass(frozen=True)
class _Cluster:
    """Marks of one lane and kind that would overlap: one shape, every label in its tooltip."""

    kind: str
    x: float
    y: float
    tips: list[str]


def _clusters(
    points: list[Mark], x: Callable[[datetime], float], start: datetime, end: datetime,
) -> list[_Cluster]:
    groups: dict[tuple[str, str, int], list[tuple[float, str]]] = {}
    for point in sorted(points, key=lambda p: p.ts):
        px = x(point.ts)
        note = "" if start <= point.ts <= end else " (outside the window, shown at its edge)"
        key = (point.lane, point.kind, int(px // _CLUSTER_PX))
        groups.setdefault(key, []).append((px, f"{_utc(point.ts)} {point.label}{note}"))
    return [
        _Cluster(kind, members[0][0], _TOP + _LANE * LANES.index(lane) + _LANE / 2,
                 [tip for _, tip in members])
        for (lane, kind, _), members in groups.items()
    ]


def timeline_svg(report: Report) -> Markup | None:
    """The timeline chart, or None when the report has nothing with a time."""
    points = marks(report)
    span = _range(report, points)
    if span is None or not (points or report.onset):
        return None
    start, end = span
    width = _W - _LEFT - _RIGHT
    axis_y = _TOP + _LANE * len(LANES) + 4

    def x(ts: datetime) -> float:
        share = (ts - start) / (end - start)
        return round(_LEFT + width * min(1.0, max(0.0, share)), 1)

    parts = [Markup(
        '<svg class="chart timeline" viewBox="0 0 {} {}" role="img" aria-labelledby="tl-title">'
        '<title id="tl-title">Timeline: alerts, changes, patterns and metric anomalies</title>'
    ).format(_W, axis_y + 24)]
    for row, lane in enumerate(LANES):
        y = _TOP + _LANE * row + _LANE / 2
        parts.append(Markup(
            '<line class="chart-lane" x1="{}" x2="{}" y1="{}" y2="{}"/>'
            '<text class="chart-label" x="4" y="{}">{}</text>'
        ).format(_LEFT, _W - _RIGHT, y, y, y + 4, lane))
    multi_day = (end - start) > timedelta(hours=20)
    for tick in _ticks(start, end):
        label = tick.strftime("%m-%d %H:%M" if multi_day else "%H:%M")
        parts.append(Markup(
            '<line class="chart-tick" x1="{0}" x2="{0}" y1="{1}" y2="{2}"/>'
            '<text class="chart-axis" x="{0}" y="{3}" text-anchor="middle">{4}</text>'
        ).format(x(tick), _TOP, axis_y, axis_y + 16, label))
    if report.onset:
        ox = x(report.onset)
        parts.append(Markup(
            '<line class="chart-onset" x1="{0}" x2="{0}" y1="{1}" y2="{2}"><title>onset {3}</title></line>'
            '<text class="chart-onset-label" x="{4}" y="{5}">onset</text>'
        ).format(ox, _TOP - 6, axis_y, _utc(report.onset), ox + 4, _TOP + 2))
    parts += [_mark(cluster) for cluster in _clusters(points, x, start, end)]
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def _mark(cluster: _Cluster) -> Markup:
    """One shape per cluster (triangle: alert, diamond: change, dot: the rest); a count beside
    it when it stands for several marks."""
    cx, cy = cluster.x, cluster.y
    if cluster.kind == "alert":
        shape = Markup('<path d="M{} {} l6 10 h-12 z"/>').format(cx, cy - 6)
    elif cluster.kind.startswith("change"):
        shape = Markup('<path d="M{} {} l6 6 l-6 6 l-6 -6 z"/>').format(cx, cy - 6)
    else:
        shape = Markup('<circle cx="{}" cy="{}" r="5"/>').format(cx, cy)
    count = len(cluster.tips)
    if count > 1:
        shape += Markup('<text class="chart-count" x="{}" y="{}">×{}</text>').format(
            cx + 8, cy - 4, count)
    shown = cluster.tips[:6] + ([f"… and {count - 6} more"] if count > 6 else [])
    return Markup('<g class="chart-mark chart-{}"><title>{}</title>{}</g>').format(
        cluster.kind, "\n".join(shown), shape)


def _utc(ts: datetime) -> str:
    return ts.strftime("%Y-%m-%d %H:%M:%S")


def sparkline_svg(anomaly: Anomaly, report: Report, width: int = 160, height: int = 36) -> Markup:
    """A sketch of the anomaly's shape from baseline to peak around its onset."""
    low, high = sorted((anomaly.baseline or 0.0, anomaly.peak or 0.0))
    span = (high - low) or 1.0
    start, end = report.window.start, report.window.end
    share = 0.5
    if anomaly.onset and start and end and end > start:
        share = min(0.95, max(0.05, (anomaly.onset - start) / (end - start)))

    def y(value: float) -> float:
        return round(height - 4 - (value - low) / span * (height - 8), 1)

    base, peak, at = y(anomaly.baseline or 0.0), y(anomaly.peak or 0.0), round(width * share, 1)
    if anomaly.shape == "spike":
        points = [(0, base), (at - 4, base), (at, peak), (at + 6, base), (width, base)]
    elif anomaly.shape == "trend":
        points = [(0, base), (at, base), (width, peak)]
    else:  # level-shift
        points = [(0, base), (at, base), (at + 3, peak), (width, peak)]
    line = " ".join(f"{px},{py}" for px, py in points)
    label = (f"{anomaly.series}: {anomaly.shape} {anomaly.direction}, "
             f"baseline {anomaly.baseline:g} → peak {anomaly.peak:g} (sketch from these values)"
             if anomaly.baseline is not None and anomaly.peak is not None
             else f"{anomaly.series}: {anomaly.shape} {anomaly.direction} (sketch)")
    return Markup(
        '<svg class="chart spark" viewBox="0 0 {0} {1}" width="{0}" height="{1}" role="img">'
        '<title>{2}</title><line class="chart-onset" x1="{3}" x2="{3}" y1="0" y2="{1}"/>'
        '<polyline class="chart-spark-line" points="{4}"/></svg>'
    ).format(width, height, label, at, line)
