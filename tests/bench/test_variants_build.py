"""The held-out variant generator (bench/variants) writes valid, self-consistent incident bundles.

Every check reads the files on disk the way a consumer would: truth files against the schema,
key evidence verbatim in the inputs, native formats parseable, causing changes dated minutes
before the onset, rollout history undated, pastes chat-sized, and the same bytes on every run.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bench.variants import VARIANTS, build_all, build_one

CATEGORIES_17 = [
    "bad-deploy", "config-error", "oom", "image-pull", "db-connectivity", "dependency-outage", "dns-failure",
    "cert-expiry", "disk-pressure", "node-failure", "scheduling", "probe-misconfig", "resource-exhaustion-cpu",
    "rate-limit", "network-policy", "crash-bug", "secret-missing",
]
#: Version 2 of the taxonomy adds three categories for ML-serving workloads.
CATEGORIES = [*CATEGORIES_17, "model-regression", "feature-pipeline", "model-drift"]
NAMES = sorted(s.name for s in VARIANTS)
#: Variants whose decisive evidence is a log line (not metrics and change records).
LOGGED = sorted(s.name for s in VARIANTS if not s.metric_borne)
CRI = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?Z) (stdout|stderr) [FP] (.*)$")
AGE = re.compile(r"^\d+[smhd](\d+[smh])?$")
# Lines that continue a multi-line record (stack frames, traceback parts, goroutine blocks).
CONTINUATION = re.compile(r'^(\s|at |#\d|Caused by|\.\.\. |\[stacktrace\]|\[previous|"""|Traceback|During handling|'
                          r"The above exception|goroutine |created by|stack backtrace|note:|\{main\}|\)|\[signal|$)")
MAX_CHANGE_LEAD_S = 15 * 60


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """All variants built once into a temporary directory."""
    path = tmp_path_factory.mktemp("variants")
    build_all(path)
    return path


def _truth(out: Path, name: str) -> dict:
    return json.loads((out / f"{name}.truth.json").read_text())


def _files(out: Path, name: str) -> list[Path]:
    return [p for p in sorted((out / name).rglob("*")) if p.is_file()]


def _epoch(stamp: str) -> float:
    base, _, frac = stamp.rstrip("Z").partition(".")
    return datetime.fromisoformat(base).replace(tzinfo=UTC).timestamp() + (float("0." + frac) if frac else 0.0)


def _records(path: Path) -> list[list[str]]:
    """Group a CRI log into records: continuation lines and lines written within 1 ms join the previous."""
    recs: list[list[str]] = []
    last = None
    for raw in path.read_text().split("\n"):
        m = CRI.match(raw)
        text, now = (m.group(3), _epoch(m.group(1))) if m else (raw, None)
        same = now is not None and last is not None and abs(now - last) < 0.001
        if recs and (same or CONTINUATION.match(text)):
            recs[-1].append(text)
        else:
            recs.append([text])
        last = now if now is not None else last
    return recs


def _journal_records(path: Path) -> list[list[str]]:
    """Group journald entries of one host and identifier written within 5 ms (a kernel report, a start-up)."""
    recs: list[list[str]] = []
    prev = None
    for line in path.read_text().splitlines():
        e = json.loads(line)
        key, t = (e["_HOSTNAME"], e["SYSLOG_IDENTIFIER"]), int(e["__REALTIME_TIMESTAMP"])
        if prev and prev[0] == key and t - prev[1] < 5000:
            recs[-1].append(e["MESSAGE"])
        else:
            recs.append([e["MESSAGE"]])
        prev = (key, t)
    return recs


def test_set_is_large_enough_and_covers_every_category() -> None:
    counts = Counter(s.category for s in VARIANTS)
    assert len(VARIANTS) >= 24
    assert set(counts) == set(CATEGORIES)
    assert sum(1 for c in counts.values() if c >= 2) >= 7


def test_categories_match_the_taxonomy(shared_data: Path) -> None:
    taxonomy = json.loads((shared_data / "rca-taxonomy.json").read_text())
    assert [c["id"] for c in taxonomy["categories"]] == CATEGORIES


def test_stacks_and_names_differ_from_the_dev_scenarios(shared_data: Path) -> None:
    dev = json.loads((shared_data / "scenarios-dev" / "manifest.json").read_text())
    dev_stacks = {s["template"].split("/", 1)[1] for s in dev["scenarios"]}
    assert not dev_stacks & {s.name for s in VARIANTS}
    assert len({s.stack for s in VARIANTS}) == len(VARIANTS)


def test_manifest_lists_every_bundle(out: Path) -> None:
    manifest = json.loads((out / "manifest.json").read_text())
    assert sorted(e["scenario"] for e in manifest["scenarios"]) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_truth_follows_the_dev_schema(out: Path, name: str) -> None:
    truth = _truth(out, name)
    spec = next(s for s in VARIANTS if s.name == name)
    assert truth["category"] == spec.category in CATEGORIES
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", truth["onset"])
    for culprit in [truth["culprit"], *truth.get("culprit_alternates", [])]:
        assert set(culprit) == {"kind", "namespace", "name"} and culprit["kind"] and culprit["name"]
        assert (culprit["namespace"] is None) == (culprit["kind"] == "Node")
    assert truth["change_id"] is None or re.fullmatch(r"[0-9a-f]{40}", truth["change_id"])
    assert 3 <= len(truth["key_evidence"]) <= 6 and all(isinstance(k, str) and k for k in truth["key_evidence"])
    assert truth["must_not_recommend"] and all(isinstance(m, str) and m for m in truth["must_not_recommend"])


@pytest.mark.parametrize("name", NAMES)
def test_key_evidence_occurs_verbatim_in_the_inputs(out: Path, name: str) -> None:
    text = "".join(p.read_text() for p in _files(out, name))
    missing = [k for k in _truth(out, name)["key_evidence"] if k not in text]
    assert not missing


@pytest.mark.parametrize("name", LOGGED)
def test_a_decisive_line_sits_inside_a_long_record(out: Path, name: str) -> None:
    recs = [r for p in sorted((out / name / "pods").glob("*.log")) for r in _records(p)]
    recs += _journal_records(out / name / "journal.jsonl")
    decisive = _truth(out, name)["key_evidence"][:2]
    long_hits = [r for r in recs if any(k in line for k in decisive for line in r)
                 and (len(r) >= 20 or sum(len(line) for line in r) >= 1000)]
    assert long_hits, f"none of {decisive} is inside a record of 20+ lines or 1,000+ characters"


@pytest.mark.parametrize("name", NAMES)
def test_inputs_are_in_native_formats(out: Path, name: str) -> None:
    d = out / name
    events = json.loads((d / "k8s-events.json").read_text())
    assert events["kind"] == "List" and events["items"]
    assert all(e["kind"] == "Event" and e["involvedObject"]["name"] for e in events["items"])
    alerts = json.loads((d / "alerts.json").read_text())
    assert alerts["version"] == "4" and all(a["status"] == "firing" for a in alerts["alerts"])
    metrics = json.loads((d / "metrics.json").read_text())
    assert metrics["status"] == "success" and metrics["data"]["resultType"] == "matrix"
    for line in (d / "journal.jsonl").read_text().splitlines():
        entry = json.loads(line)
        assert entry["MESSAGE"] and entry["__REALTIME_TIMESTAMP"].isdigit() and entry["_HOSTNAME"]
    logs = sorted((d / "pods").glob("*.log"))
    assert logs and all(re.fullmatch(r"[a-z0-9-]+_[a-z0-9-]+_[a-z0-9-]+\.log", p.name) for p in logs)
    assert all(CRI.match(line) for p in logs for line in p.read_text().splitlines())


@pytest.mark.parametrize("name", NAMES)
def test_rollout_history_is_present_and_undated(out: Path, name: str) -> None:
    text = (out / name / "rollout-history.txt").read_text()
    assert "REVISION  CHANGE-CAUSE" in text and text.startswith("deployment.apps/")
    assert len(re.findall(r"^\d+ {2,}\S", text, re.M)) >= 3
    assert not re.search(r"\d\d:\d\d|\d{4}-\d\d-\d\d", text)


def _change_time(d: Path, change_id: str) -> float:
    git = d / "git-log.txt"
    if git.exists() and change_id in git.read_text():
        block = git.read_text().split(f"commit {change_id}", 1)[1]
        date = re.search(r"^CommitDate: (.+)$", block, re.M).group(1)
        return datetime.strptime(date, "%a %b %d %H:%M:%S %Y %z").timestamp()
    for path in d.glob("argocd-*.json"):
        doc = json.loads(path.read_text())
        for app in doc.get("items", [doc]):
            for h in app["status"]["history"]:
                if h["revision"] == change_id:
                    return _epoch(h["deployedAt"])
    raise AssertionError(f"{change_id} is not dated by any change record")


def test_each_causing_change_is_dated_shortly_before_the_onset(out: Path) -> None:
    caused = {name: truth for name in NAMES if (truth := _truth(out, name))["change_id"] is not None}
    assert len(caused) >= 10  # most variants are caused by a change; the others have none to date
    for name, truth in caused.items():
        lead = _epoch(truth["onset"]) - _change_time(out / name, truth["change_id"])
        assert 0 < lead <= MAX_CHANGE_LEAD_S, (name, lead)


@pytest.mark.parametrize("name", NAMES)
def test_onset_is_backed_by_an_input_timestamp(out: Path, name: str) -> None:
    onset = _epoch(_truth(out, name)["onset"])
    d = out / name
    stamps = [int(json.loads(line)["__REALTIME_TIMESTAMP"]) / 1e6 for line in (d / "journal.jsonl").read_text().splitlines()]
    stamps += [_epoch(m.group(1)) for p in (d / "pods").glob("*.log") for m in map(CRI.match, p.read_text().splitlines())]
    stamps += [_epoch(e["lastTimestamp"]) for e in json.loads((d / "k8s-events.json").read_text())["items"]]
    if next(s for s in VARIANTS if s.name == name).metric_borne:
        # the incident shows first in a series or an alert: the shift starts at a sample
        stamps += [_epoch(a["startsAt"]) for a in json.loads((d / "alerts.json").read_text())["alerts"]]
        series = json.loads((d / "metrics.json").read_text())["data"]["result"]
        stamps += sorted({float(t) for r in series for t, _ in r["values"]})
    assert min(stamps) < onset - 3000 and max(stamps) > onset + 600, "an hour before and some time after the onset"
    assert any(onset <= s < onset + 2 for s in stamps), "nothing happens at the onset"


@pytest.mark.parametrize("name", NAMES)
def test_paste_is_chat_sized_with_relative_ages(out: Path, name: str) -> None:
    paste = (out / f"{name}.paste.txt").read_text()
    lines = paste.splitlines()
    assert 40 <= len(lines) <= 150 and len(paste) <= 24_000
    assert any(line.startswith("$ ") for line in lines)
    assert "Events:" in paste or "LAST SEEN" in paste
    assert any(k in paste for k in _truth(out, name)["key_evidence"])
    for k, line in enumerate(lines):
        if line.startswith("LAST SEEN"):
            for row in lines[k + 1:]:
                if not row.strip() or row.startswith("$ "):
                    break
                assert AGE.match(row.split()[0]), row


@pytest.mark.parametrize("name", NAMES)
def test_bundle_has_a_realistic_size(out: Path, name: str) -> None:
    files = _files(out, name)
    assert sum(p.read_text().count("\n") for p in files) >= 1500
    assert sum(p.stat().st_size for p in files) <= 5_000_000


def test_build_is_deterministic(tmp_path: Path) -> None:
    specs = [s for s in VARIANTS if s.name in (NAMES[0], NAMES[len(NAMES) // 2], NAMES[-1])]
    for run in ("a", "b"):
        for spec in specs:
            build_one(spec, tmp_path / run)
    first = {p.relative_to(tmp_path / "a"): p.read_bytes() for p in (tmp_path / "a").rglob("*") if p.is_file()}
    second = {p.relative_to(tmp_path / "b"): p.read_bytes() for p in (tmp_path / "b").rglob("*") if p.is_file()}
    assert first == second
