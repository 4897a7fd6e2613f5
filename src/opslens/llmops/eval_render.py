"""Text of `opslens eval`: a table per model x prompt version, then the failing cases; and
the case-by-case comparison of two saved runs."""

from __future__ import annotations

from typing import Any

_COLUMNS = ("dataset", "provider", "model", "prompt", "cases", "pass", "top1", "top3", "culprit",
            "onset<=3m", "recall", "must-not", "grounding", "unsupported", "latency s", "tokens",
            "cost $")


def run_row(run: dict[str, Any]) -> list[str]:
    t = run["totals"]
    return [
        run["dataset"], run["provider"], run["model"], run["prompt_version"],
        str(t.get("scenarios", 0)), _pct(t.get("pass_rate")), _pct(t.get("top1")),
        _pct(t.get("top3")), _pct(t.get("culprit")), _pct(t.get("onset_within_3min")),
        _num(t.get("recall")), str(t.get("must_not_hits", 0)), _pct(t.get("grounding")),
        str(t.get("claims_unsupported", 0)), _num(t.get("latency_s"), 1),
        str(t.get("tokens", 0)), _num(t.get("cost_usd"), 4),
    ]


def render_table(runs: list[dict[str, Any]]) -> str:
    """The runs table, then each failing case with its reasons."""
    rows = [list(_COLUMNS)] + [run_row(r) for r in runs]
    widths = [max(len(row[i]) for row in rows) for i in range(len(_COLUMNS))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
             for row in rows]
    failing = [(r, c) for r in runs for c in r["cases"] if not c["passed"]]
    if failing:
        lines += ["", "failing cases:"]
        for run, case in failing:
            attempt = f" #{case['attempt']}" if case.get("attempt", 1) > 1 else ""
            lines.append(f"  {run['model']} {run['prompt_version']}  {case['scenario']}{attempt}: "
                         + "; ".join(case["reasons"]))
    return "\n".join(lines) + "\n"


def render_comparison(a: dict[str, Any], b: dict[str, Any], diff: dict[str, list[str]]) -> str:
    lines = [f"run {a['id']} ({a['model']} {a['prompt_version']}, pass {_pct(a['pass_rate'])}) -> "
             f"run {b['id']} ({b['model']} {b['prompt_version']}, pass {_pct(b['pass_rate'])})"]
    reasons = {c["scenario"]: c["reasons"] for c in b["cases"] if c.get("attempt", 1) == 1}
    for name in diff["regressions"]:
        lines.append(f"  regression  {name}: " + "; ".join(reasons.get(name, [])))
    lines += [f"  fixed       {name}" for name in diff["fixes"]]
    lines += [f"  only in run {a['id']}: {name}" for name in diff["only_before"]]
    lines += [f"  only in run {b['id']}: {name}" for name in diff["only_after"]]
    if len(lines) == 1:
        lines.append("  no case changed")
    return "\n".join(lines) + "\n"


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.0f}%"


def _num(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"
