"""The SVG charts and the view helpers, without a server: marks from a report, text escaped
inside the SVG, points outside the window pinned to its edge, only http(s) links."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from web_helpers import XSS, example_report

from opslens.report.models import Anomaly, Change, Report, Window
from opslens.server.web.charts import marks, sparkline_svg, timeline_svg
from opslens.server.web.views import safe_link

T0 = datetime(2025, 9, 1, 1, 0, tzinfo=UTC)
T1 = datetime(2025, 9, 1, 2, 40, tzinfo=UTC)


def _report(**sections: object) -> Report:
    return Report(generated_at=T1, window=Window(start=T0, end=T1), summary="s",
                  **sections)  # type: ignore[arg-type]


def test_the_example_puts_every_kind_of_mark_on_its_lane() -> None:
    lanes = {(m.lane, m.kind) for m in marks(example_report())}
    assert {("Alerts", "alert"), ("Changes", "change"), ("Patterns", "new"),
            ("Patterns", "spiking"), ("Metrics", "anomaly")} <= lanes
    svg = str(timeline_svg(example_report()))
    assert svg.count('class="chart-onset"') == 1 and "onset 2025-09-01 02:00:01" in svg


def test_text_inside_the_svg_is_escaped() -> None:
    change = Change(ts=datetime(2025, 9, 1, 1, 30, tzinfo=UTC), kind="git-commit",
                    summary=XSS, source="git.log:1")
    svg = str(timeline_svg(_report(changes=[change], onset=T0)))
    assert "<script>" not in svg and "<img" not in svg
    assert "&lt;script&gt;alert(&#34;xss&#34;)&lt;/script&gt;" in svg


def test_a_mark_outside_the_window_is_pinned_to_its_edge_and_says_so() -> None:
    early = Change(ts=datetime(2025, 8, 29, 15, 2, tzinfo=UTC), kind="git-commit",
                   summary="enable TLS", source="git.log:9")
    svg = str(timeline_svg(_report(changes=[early])))
    assert "(outside the window, shown at its edge)" in svg
    assert 'd="M96.0 ' in svg  # the left edge of the plot area


def test_nothing_with_a_time_draws_no_chart() -> None:
    assert timeline_svg(_report()) is None


@pytest.mark.parametrize("shape", ["level-shift", "spike", "trend"])
def test_a_sparkline_sketches_the_anomaly_and_says_it_is_a_sketch(shape: str) -> None:
    anomaly = Anomaly(series=f'errors{{pod="{XSS}"}}', direction="up", shape=shape,
                      onset=datetime(2025, 9, 1, 2, 0, tzinfo=UTC), baseline=0.1, peak=9.0,
                      score=1.0)
    svg = str(sparkline_svg(anomaly, _report()))
    assert "<polyline" in svg and "sketch" in svg and "<script>" not in svg
    assert "baseline 0.1 → peak 9" in svg


@pytest.mark.parametrize(("url", "shown"), [
    ("http://prometheus:9090/graph?g0.expr=up", "http://prometheus:9090/graph?g0.expr=up"),
    ("https://grafana.example/d/x", "https://grafana.example/d/x"),
    ("javascript:alert(1)", None),
    (" JavaScript:alert(1)", None),
    ("data:text/html,<script>alert(1)</script>", None),
    ("//evil.example/x", None),
    ("/relative/path", None),
    ("http:///no-host", None),
    ("", None),
    (None, None),
])
def test_only_absolute_http_links_are_shown(url: str | None, shown: str | None) -> None:
    assert safe_link(url) == shown
