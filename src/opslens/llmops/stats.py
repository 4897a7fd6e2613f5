"""`opslens stats`: the figures /metrics gives a service, from the store, for CLI users:
model calls per provider, model and prompt version, feedback, the latest evaluation pass
rates, and models whose digest changed."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from opslens.store import Store


def collect(store: Store, since: datetime | None) -> dict[str, Any]:
    """Everything `opslens stats` shows, as JSON-ready data."""
    from opslens.store.llmops import call_stats, digest_history, feedback_scores, latest_pass_rates

    calls = call_stats(store, since)
    scores = feedback_scores(store)
    return {
        "since": since.isoformat() if since else None,
        "calls": [{**asdict(c), "error_rate": round(c.error_rate, 4)} for c in calls],
        "totals": {
            "calls": sum(c.calls for c in calls),
            "errors": sum(c.errors for c in calls),
            "tokens_in": sum(c.tokens_in for c in calls),
            "tokens_out": sum(c.tokens_out for c in calls),
            "cost_usd": round(sum(c.cost_usd for c in calls), 6),
            "compute_s": round(sum(c.compute_s for c in calls), 3),
        },
        "feedback": {"count": len(scores),
                     "mean": round(sum(scores) / len(scores), 3) if scores else None},
        "eval_pass_rates": [{"dataset": d, "model": m, "prompt_version": v, "pass_rate": r}
                            for d, m, v, r in latest_pass_rates(store)],
        "digest_changes": [{**asdict(d), "first_seen": d.first_seen.isoformat(),
                            "last_seen": d.last_seen.isoformat()}
                           for d in digest_history(store, since)],
    }


def render(stats: dict[str, Any]) -> str:
    """The text form."""
    period = f"since {stats['since']}" if stats["since"] else "all recorded"
    lines = [f"model calls ({period}):"]
    if not stats["calls"]:
        lines.append("  none recorded")
    for c in stats["calls"]:
        latency = f"{c['latency_s_mean']:.2f}s" if c["latency_s_mean"] is not None else "-"
        ttft = f"{c['first_token_s_mean']:.2f}s" if c["first_token_s_mean"] is not None else "-"
        lines.append(
            f"  {c['provider']} {c['model']} {c['prompt_version'] or '-'}: {c['calls']} calls, "
            f"{c['errors']} errors ({100 * c['error_rate']:.0f}%), tokens {c['tokens_in']} in / "
            f"{c['tokens_out']} out, mean latency {latency}, first token {ttft}, "
            f"cost ${c['cost_usd']:.4f}, compute {c['compute_s']:.1f}s")
    t = stats["totals"]
    lines.append(f"  total: {t['calls']} calls, {t['errors']} errors, "
                 f"{t['tokens_in'] + t['tokens_out']} tokens, ${t['cost_usd']:.4f}")
    fb = stats["feedback"]
    lines.append(f"feedback: {fb['count']} scores" + (f", mean {fb['mean']:.2f} of 5" if fb["mean"] else ""))
    lines.append("evaluation pass rates (latest saved run):")
    lines += [f"  {e['dataset']} {e['model']} {e['prompt_version']}: {100 * e['pass_rate']:.0f}%"
              for e in stats["eval_pass_rates"]] or ["  none saved (opslens eval ... --save)"]
    if stats["digest_changes"]:
        lines.append("models whose digest changed (a swapped model explains a drop in pass rate):")
        lines += [f"  {d['provider']} {d['model']}: {d['digest'][:12]} first seen {d['first_seen']}"
                  for d in stats["digest_changes"]]
    return "\n".join(lines) + "\n"
