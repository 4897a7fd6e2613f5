"""The one scorer of a triage report against a scenario's ground truth (`*.truth.json`).

Shared by `opslens eval` and `bench/scenarios.py`, so their figures agree by construction:

- top-1 / top-3 category accuracy;
- culprit accuracy: namespace/name of the top hypothesis' entity vs `culprit` or any
  `culprit_alternates`;
- onset: error in minutes, and the share within 3 minutes. A report without an onset (when the
  truth has one) is a miss and is counted apart; it never counts as 0 minutes, and the mean error
  is over the reports that have an onset;
- key-evidence recall: truth `key_evidence` strings found verbatim in the report's evidence texts;
- `must_not_recommend` hits (must be zero), searched case-insensitively in every place the report
  offers an action (see `action_texts`), and reported per place.

Reports are the JSON dicts `opslens triage --format json` writes.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime

CHARS_PER_TOKEN = 3.3  # same calibration as opslens.analysis.budget
ONSET_TOLERANCE_MIN = 3.0


def _ts(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _command_texts(commands: list[dict] | None) -> list[str]:
    return [text for c in commands or [] for text in (c.get("cmd") or "", c.get("purpose") or "")]


def action_texts(report: dict) -> dict[str, list[str]]:
    """The texts of every place where the report offers an action, by place.

    Left out on purpose:
    - `avoid` (and LLM checks the guard placed in "avoid"): it lists what NOT to do, so naming a
      forbidden action there is the right behaviour;
    - `runbooks[].excerpt`: verbatim quotes of the team's own documents, not written by opslens,
      and often quoted precisely because they warn against the action. Hits there are shown by
      `runbook_quotes` for information, but not counted;
    - hypotheses, evidence and timeline: they describe what happened, they do not advise.
    """
    llm = report.get("llm") or {}
    llm_prose = [llm.get("narrative") or "", *(llm.get("open_questions") or [])]
    for hyp in llm.get("hypotheses") or []:
        llm_prose += [hyp.get("title") or "", hyp.get("commentary") or ""]
    offered_checks = [c for c in llm.get("checks") or [] if c.get("placement") != "avoid"]
    return {
        "commands": _command_texts(report.get("commands")),
        "needs_approval": _command_texts(report.get("needs_approval")),
        "summary": [report.get("summary") or ""],
        "status_update": [report.get("status_update") or ""],
        "llm.narrative": llm_prose,
        "llm.checks": _command_texts(offered_checks),
    }


def _normalise(text: str) -> str:
    # case and line wrapping must not hide a hit ("Remove the memory limit" at a sentence start)
    return " ".join(text.split()).casefold()


def _found(needles: list[str], texts: list[str]) -> list[str]:
    haystack = "\n".join(_normalise(t) for t in texts)
    return [n for n in needles if _normalise(n) in haystack]


def must_not_hits(report: dict, must_not: list[str]) -> dict[str, list[str]]:
    """The `must_not` strings found in each place that offers an action (places with hits only)."""
    hits = {place: _found(must_not, texts) for place, texts in action_texts(report).items()}
    return {place: found for place, found in hits.items() if found}


def runbook_quotes(report: dict, must_not: list[str]) -> list[str]:
    """The `must_not` strings quoted in runbook excerpts (informational, see `action_texts`)."""
    return _found(must_not, [r.get("excerpt") or "" for r in report.get("runbooks") or []])


def onset_error(report: dict, truth: dict) -> float | None:
    """Minutes between the report's onset and the truth's; None when either has none."""
    if not (report.get("onset") and truth.get("onset")):
        return None
    return abs((_ts(report["onset"]) - _ts(truth["onset"])).total_seconds()) / 60.0


def culprit_ok(hypothesis: dict | None, truth: dict) -> bool:
    """Whether the hypothesis' entity is the truth's culprit or one of its alternates."""
    ent = (hypothesis or {}).get("entity") or {}
    culprits = [truth["culprit"], *(truth.get("culprit_alternates") or [])]
    return any(ent.get("name") == c["name"] and (ent.get("namespace") or None) == (c.get("namespace") or None)
               for c in culprits)


def score(report: dict, truth: dict) -> dict:
    """One scenario's row: the report scored against its truth."""
    cats = [h["category"] for h in report["hypotheses"]]
    top = report["hypotheses"][0] if report["hypotheses"] else None
    ent = (top or {}).get("entity") or {}
    texts = [e["text"] for e in report["evidence"]]
    found = [k for k in truth["key_evidence"] if any(k in t for t in texts)]
    must_not = truth.get("must_not_recommend", [])
    places = must_not_hits(report, must_not)
    onset_err = onset_error(report, truth)
    return {
        "top1": bool(cats) and cats[0] == truth["category"],
        "top3": truth["category"] in cats[:3],
        "culprit": culprit_ok(top, truth),
        "onset_err": onset_err,
        "onset_expected": bool(truth.get("onset")),
        "onset_missing": bool(truth.get("onset")) and not report.get("onset"),
        "recall": len(found) / max(1, len(truth["key_evidence"])),
        "missing": [k for k in truth["key_evidence"] if k not in found],
        "bad": sorted({s for hits in places.values() for s in hits}),  # distinct strings
        "bad_places": places,
        "runbook_quotes": runbook_quotes(report, must_not),
        "readonly": sum(1 for c in report["commands"] if c["safety"] == "read_only"),
        "tokens": round(len(json.dumps(report["evidence"])) / CHARS_PER_TOKEN),
        "got": cats[0] if cats else "-",
        "want": truth["category"],
        "entity": f"{ent.get('namespace') or '-'}/{ent.get('name') or '-'}",
    }


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def summarise(rows: list[dict]) -> dict:
    """Totals over scored rows (memory and runtime figures only when the rows carry them)."""
    n = len(rows)
    expected = [r for r in rows if r["onset_expected"]]
    dated = [r["onset_err"] for r in expected if r["onset_err"] is not None]
    by_place = Counter(place for r in rows for place, hits in r["bad_places"].items() for _ in hits)
    totals = {
        "scenarios": n,
        "top1": sum(r["top1"] for r in rows) / n,
        "top3": sum(r["top3"] for r in rows) / n,
        "culprit": sum(r["culprit"] for r in rows) / n,
        # a missing onset stays in the denominator: it is a miss
        "onset_within_3min": sum(e <= ONSET_TOLERANCE_MIN for e in dated) / len(expected) if expected else None,
        "onset_mean_err_min": _mean(dated),
        "onset_missing": len(expected) - len(dated),
        "recall": sum(r["recall"] for r in rows) / n,
        "must_not_hits": sum(len(r["bad"]) for r in rows),
        "must_not_by_place": dict(by_place),
        "runbook_quotes": sum(len(r["runbook_quotes"]) for r in rows),
        "no_readonly": sum(1 for r in rows if r["readonly"] == 0),
        "tokens_max": max(r["tokens"] for r in rows),
        "tokens_mean": sum(r["tokens"] for r in rows) / n,
    }
    if all("secs" in r for r in rows):
        totals["secs_mean"] = sum(r["secs"] for r in rows) / n
        totals["mem_tree_max_mb"] = max(r["mem_tree_mb"] for r in rows)
        totals["mem_sum_of_peaks_max_mb"] = max(r["mem_sum_of_peaks_mb"] for r in rows)
    return totals
