"""The evaluations page's chart, as SVG drawn on the server: the pass rate of each saved run,
oldest to newest, one bar per run, grouped by colour per model and prompt version. Text goes
through `Markup.format` (escaped); colours are CSS classes (`chart-series-N`)."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup

from opslens.store.llmops import EvalRunRow

__all__ = ["pass_rate_svg"]

_W, _H, _LEFT, _BOTTOM, _TOP = 960, 220, 48, 28, 12
_SERIES = 6


def pass_rate_svg(runs: Sequence[EvalRunRow]) -> Markup:
    """Bars of pass rate per run (oldest left); empty markup without runs."""
    if not runs:
        return Markup("")
    ordered = sorted(runs, key=lambda r: (r.created_at, r.id))
    keys = list(dict.fromkeys((r.model, r.prompt_version) for r in ordered))
    plot_w, plot_h = _W - _LEFT - 8, _H - _BOTTOM - _TOP
    step = plot_w / len(ordered)
    bar = max(2.0, min(40.0, step * 0.7))
    parts = [Markup('<svg class="chart eval-chart" viewBox="0 0 {} {}" role="img" aria-label="{}">')
             .format(_W, _H, "Pass rate of each saved evaluation run")]
    for tick in (0.0, 0.5, 1.0):
        y = _TOP + plot_h * (1 - tick)
        parts.append(Markup('<line class="chart-grid" x1="{}" x2="{}" y1="{:.1f}" y2="{:.1f}"/>'
                            '<text class="chart-label" x="{}" y="{:.1f}" text-anchor="end">{}%</text>')
                     .format(_LEFT, _W - 8, y, y, _LEFT - 6, y + 4, int(tick * 100)))
    for index, run in enumerate(ordered):
        height = plot_h * run.pass_rate
        x = _LEFT + step * index + (step - bar) / 2
        series = keys.index((run.model, run.prompt_version)) % _SERIES
        title = (f"run {run.id}: {run.dataset}, {run.model} {run.prompt_version}: "
                 f"{100 * run.pass_rate:.0f}% pass ({run.created_at:%Y-%m-%d %H:%M})")
        parts.append(Markup('<rect class="chart-series-{}" x="{:.1f}" y="{:.1f}" width="{:.1f}" '
                            'height="{:.1f}"><title>{}</title></rect>'
                            '<text class="chart-label" x="{:.1f}" y="{}" text-anchor="middle">{}</text>')
                     .format(series, x, _TOP + plot_h - height, bar, max(height, 1.0), title,
                             x + bar / 2, _H - 10, run.id))
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def legend(runs: Sequence[EvalRunRow]) -> list[tuple[int, str]]:
    """(series class number, "model prompt_version") in the chart's order."""
    ordered = sorted(runs, key=lambda r: (r.created_at, r.id))
    keys = list(dict.fromkeys((r.model, r.prompt_version) for r in ordered))
    return [(i % _SERIES, f"{m} {v}") for i, (m, v) in enumerate(keys)]
