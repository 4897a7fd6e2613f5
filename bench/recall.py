"""Recall of similar past incidents (issue 12): does the store list the right earlier incidents?

Incidents are built by running the real triage pipeline (`opslens.pipeline.run_triage`, the code
path of `opslens triage --llm none`) on:

- set A: the dev scenarios (../shared/data/scenarios-dev, 8 bundles) and the variants
  (`python -m bench.variants`, 26 bundles, 17 categories), 34 incidents;
- set B: set A plus the variants rebuilt with a second seed (the generator seeds from the
  variant name, so `<name>-s2` gives the same story with other pod hashes, nodes, IPs, ids and
  jitter): 60 incidents, where every variant has a "twin" it should find first.

For each incident every other one is ranked. Reported per method:

- (a) top-1 same category: the best-ranked other incident has the target's true category, over
  the targets for which one exists (target >= 90%);
- (b) unrelated listed: the share of different-category pairs scoring at or above the method's
  threshold (for the store: `similarity.THRESHOLD`; should be 0);
- AUC: probability that a same-category pair outscores a different-category pair;
- max diff / min same: the highest different-category and lowest same-category pair score (the
  gap between them is where the threshold may go);
- twin@1 (set B only): the seed-2 twin is the top-1 (same category and workloads; category
  alone cannot tell it from other same-category incidents).

Methods: `store` (similarity.score), `no-category` (the same without the category term: what
the other signals carry alone), and two named baselines: `category-only` (1 when the top
hypothesis categories are equal, else 0; ties in input order) and `tfidf-summary` (cosine of
TF-IDF vectors of the report's summary sentence: the free-text approach the issue rules out).
For the baselines (b) is taken at a recall-matched threshold: the one that lists the same share
of same-category pairs as the store lists at its threshold.

The `store-api` row: every incident is saved with `Store.save_report` into a temporary SQLite
store and ranked with `Store.similar` (see `store_scorer_via_api`), and its scores are compared
with `similarity.score`; when the Store API is not implemented the row is left out and the
output says so (the `store` row is `similarity.py` computed directly).

Usage: python bench/recall.py [--json OUT] [--no-seed2] [--jobs N]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # `bench.variants` when run as a script

from bench.variants import VARIANTS, build_all, build_one  # noqa: E402
from opslens.store import similarity  # noqa: E402

DEV_DIR = REPO.parent / "shared" / "data" / "scenarios-dev"
SEED2_SUFFIX = "-s2"


@dataclass
class Incident:
    name: str
    set: str  # dev, variants, seed2
    category: str  # ground truth
    report: dict
    signature: similarity.IncidentSignature

    @property
    def twin(self) -> str | None:
        if self.set == "variants":
            return self.name + SEED2_SUFFIX
        if self.set == "seed2":
            return self.name.removesuffix(SEED2_SUFFIX)
        return None


# --- building the incidents ----------------------------------------------------------------


def _triage(path: str) -> str:
    from opslens.pipeline import TriageOptions, run_triage

    outcome = run_triage(TriageOptions(paths=[path]))
    if outcome.report is None:
        raise SystemExit(f"{path}: triage produced no report: {outcome.error}")
    return outcome.report.model_dump_json(by_alias=True)


def _bundles(work: Path, seed2: bool) -> list[tuple[str, Path]]:
    """(set, bundle dir) of every incident to build; bundles are written under `work`."""
    out = [("dev", p) for p in sorted(DEV_DIR.iterdir()) if p.is_dir()]
    out += [("variants", p) for p in build_all(work / "variants")]
    if seed2:
        out += [("seed2", build_one(replace(s, name=s.name + SEED2_SUFFIX), work / "seed2"))
                for s in sorted(VARIANTS, key=lambda s: s.name)]
    return out


def build_incidents(work: Path, seed2: bool, jobs: int) -> list[Incident]:
    """Triage every bundle (in `jobs` processes) and make an Incident of each report."""
    bundles = _bundles(work, seed2)
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        reports = list(pool.map(_triage, [str(p) for _, p in bundles]))
    incidents = []
    for (set_name, path), text in zip(bundles, reports, strict=True):
        truth = json.loads((path.parent / f"{path.name}.truth.json").read_text())
        report = json.loads(text)
        incidents.append(Incident(path.name, set_name, truth["category"], report,
                                  similarity.signature_of(report)))
    return incidents


# --- methods -------------------------------------------------------------------------------

Scorer = Callable[[Incident, Incident], float]


def _top_category(inc: Incident) -> str | None:
    cats = inc.signature["categories"]
    return cats[0]["category"] if cats else None


def category_only(a: Incident, b: Incident) -> float:
    return 1.0 if _top_category(a) is not None and _top_category(a) == _top_category(b) else 0.0


def no_category(a: Incident, b: Incident) -> float:
    parts = similarity.components(a.signature, b.signature)
    return sum(similarity.WEIGHTS[k] * v for k, v in parts.items() if k != "category")


def tfidf_scorer(incidents: list[Incident]) -> Scorer:
    """Cosine similarity of TF-IDF vectors of each report's summary (lower-cased word tokens)."""
    docs = {i.name: Counter(re.findall(r"[a-z][a-z0-9-]+", i.report["summary"].lower()))
            for i in incidents}
    df = Counter(t for doc in docs.values() for t in doc)
    n = len(docs)
    vecs = {}
    for name, doc in docs.items():
        vec = {t: tf * math.log((1 + n) / (1 + df[t])) for t, tf in doc.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        vecs[name] = {t: v / norm for t, v in vec.items()}

    def cosine(a: Incident, b: Incident) -> float:
        va, vb = vecs[a.name], vecs[b.name]
        return sum(v * vb.get(t, 0.0) for t, v in va.items())

    return cosine


def store_scorer(a: Incident, b: Incident) -> float:
    return similarity.score(a.signature, b.signature)


# --- metrics -------------------------------------------------------------------------------


def _auc(same: list[float], diff: list[float]) -> float:
    wins = sum((s > d) + 0.5 * (s == d) for s in same for d in diff)
    return wins / max(1, len(same) * len(diff))


def _pairs(incidents: list[Incident], scorer: Scorer) -> tuple[list[float], list[float]]:
    same, diff = [], []
    for i, a in enumerate(incidents):
        for b in incidents[i + 1:]:
            (same if a.category == b.category else diff).append(scorer(a, b))
    return same, diff


def evaluate(incidents: list[Incident], scorer: Scorer, threshold: float | None) -> dict:
    """The figures of one method on one set; `threshold` None: recall-matched (set by caller)."""
    top1_ok = top1_n = twin_ok = twin_n = 0
    misses = []
    for target in incidents:
        others = [o for o in incidents if o is not target]
        # stable sort: ties keep input order (what the category-only baseline relies on)
        ranked = sorted(others, key=lambda o: -scorer(target, o))
        if any(o.category == target.category for o in others):
            top1_n += 1
            hit = ranked[0].category == target.category
            top1_ok += hit
            if not hit:
                misses.append(f"{target.name} ({target.category}) -> {ranked[0].name} ({ranked[0].category})")
        if target.twin and any(o.name == target.twin for o in others):
            twin_n += 1
            twin_ok += ranked[0].name == target.twin
    same, diff = _pairs(incidents, scorer)
    row = {
        "top1": top1_ok / max(1, top1_n), "top1_n": top1_n, "misses": misses,
        "auc": _auc(same, diff), "max_diff": max(diff, default=0.0), "min_same": min(same, default=0.0),
        "twin1": twin_ok / twin_n if twin_n else None, "twin_n": twin_n,
        "same": same, "diff": diff,
    }
    if threshold is not None:
        row.update(_at_threshold(same, diff, threshold))
    return row


def _at_threshold(same: list[float], diff: list[float], threshold: float) -> dict:
    return {"threshold": threshold,
            "unrelated_listed": sum(d >= threshold for d in diff) / max(1, len(diff)),
            "same_listed": sum(s >= threshold for s in same) / max(1, len(same))}


def recall_matched(row: dict, share: float) -> dict:
    """Threshold at which `row` lists `share` of its same-category pairs, and its figures."""
    same = sorted(row["same"], reverse=True)
    k = max(1, round(share * len(same)))
    return _at_threshold(row["same"], row["diff"], same[k - 1])


# --- the store API -------------------------------------------------------------------------


def store_scorer_via_api(incidents: list[Incident], work: Path, label: str) -> Scorer | str:
    """A scorer read from `Store.similar`, or why the Store API could not be used.

    `Store.similar(ref)` ranks the incidents saved before `ref`. So every incident is saved once,
    then each is saved again as a probe at the end, whose `similar(limit=all)` ranks all the
    others; the probe's own original and other probes are dropped from its list. Pairs scoring
    below the threshold are not returned and count as 0.
    """
    try:
        from opslens.report.models import Report
        from opslens.store import InputManifest, open_store

        store = open_store(f"sqlite:///{work / f'recall-{label}.db'}")
    except NotImplementedError:
        return "Store API not implemented yet: figures computed with similarity.py directly"
    listed: dict[tuple[str, str], float] = {}
    with store:
        originals: dict[str, Incident] = {}
        for inc in incidents:
            originals[store.save_report(Report.model_validate(inc.report), InputManifest()).ref] = inc
        for inc in incidents:
            probe = store.save_report(Report.model_validate(inc.report), InputManifest())
            for sim in store.similar(probe.ref, limit=2 * len(incidents)):
                other = originals.get(sim.ref)
                if other is not None and other is not inc:
                    listed[(inc.name, other.name)] = sim.score
    return lambda a, b: listed.get((a.name, b.name), 0.0)


def api_agreement(incidents: list[Incident], api: Scorer) -> str:
    """How the scores `Store.similar` returned compare with `similarity.score` directly."""
    pairs = [(a, b) for a in incidents for b in incidents if a is not b]
    above = [(a, b) for a, b in pairs if store_scorer(a, b) >= similarity.THRESHOLD]
    returned = [(a, b) for a, b in pairs if api(a, b) > 0]
    worst = max((abs(api(a, b) - store_scorer(a, b)) for a, b in returned), default=0.0)
    return (f"Store.similar returned {len(returned)} pairs, similarity.score puts {len(above)} at "
            f"or above the threshold; largest score difference {worst:.4f}")


# --- output --------------------------------------------------------------------------------


def _fmt(v: float | None, pct: bool = False) -> str:
    if v is None:
        return "-"
    return f"{100 * v:5.1f}%" if pct else f"{v:5.3f}"


def run(incidents: list[Incident], key: str, label: str, work: Path) -> dict:
    """Evaluate every method on `incidents`, print the table, return the figures."""
    api = store_scorer_via_api(incidents, work, key)
    methods: dict[str, tuple[Scorer, float | None]] = {"store": (store_scorer, similarity.THRESHOLD)}
    if not isinstance(api, str):
        methods["store-api"] = (api, similarity.THRESHOLD)
    methods |= {
        "no-category": (no_category, None),
        "category-only": (category_only, 0.5),
        "tfidf-summary": (tfidf_scorer(incidents), None),
    }
    rows = {name: evaluate(incidents, scorer, thr) for name, (scorer, thr) in methods.items()}
    share = rows["store"]["same_listed"]
    for name, (_, thr) in methods.items():
        if thr is None:
            rows[name].update(recall_matched(rows[name], share))
    cats = Counter(i.category for i in incidents)
    print(f"\n== {label}: {len(incidents)} incidents, {len(cats)} categories ==")
    print(f"{'method':15} {'top1-same':>10} {'unrelated>=thr':>15} {'thr':>6} {'AUC':>6} "
          f"{'max diff':>9} {'min same':>9} {'twin@1':>7}")
    for name, r in rows.items():
        print(f"{name:15} {_fmt(r['top1'], True):>10} {_fmt(r['unrelated_listed'], True):>15} "
              f"{_fmt(r['threshold']):>6} {_fmt(r['auc']):>6} {_fmt(r['max_diff']):>9} "
              f"{_fmt(r['min_same']):>9} {_fmt(r['twin1'], True):>7}")
    print(f"(top1 over {rows['store']['top1_n']} targets with a same-category incident; "
          f"store lists {100 * share:.1f}% of same-category pairs at its threshold)")
    for name, r in rows.items():
        for miss in r["misses"][:5]:
            print(f"  {name} miss: {miss}")
    if isinstance(api, str):
        print(f"store-api: {api}")
    else:
        print("store-api: saved through Store.save_report, ranked by Store.similar (below the "
              "threshold nothing is returned: AUC, max diff, min same are of the listed scores); "
              + api_agreement(incidents, api))
    return {name: {k: v for k, v in r.items() if k not in ("same", "diff")} for name, r in rows.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--json", type=Path, help="also write the figures here")
    ap.add_argument("--no-seed2", action="store_true", help="skip set B (the second-seed variants)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="opslens-recall-") as tmp:
        work = Path(tmp)
        incidents = build_incidents(work, not args.no_seed2, args.jobs)
        triage_ok = sum(_top_category(i) == i.category for i in incidents)
        print(f"triage top-1 category correct on {triage_ok}/{len(incidents)} incidents "
              f"(the store ranks by the report's categories, not the truth)")
        print(f"weights {similarity.WEIGHTS}; THRESHOLD {similarity.THRESHOLD}")
        set_a = [i for i in incidents if i.set != "seed2"]
        out = {"A": run(set_a, "A", "set A: dev scenarios + variants", work)}
        if not args.no_seed2:
            out["B"] = run(incidents, "B", "set B: A + variants with a second seed", work)
    if args.json:
        args.json.write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
