"""Incident store benchmark (SQLite, the default backend).

Save: the report of the bundled example (`examples/cert-expiry`, triaged once) saved again and
again through `Store.save_report`, first into an empty database, then into one that already
holds `--existing` incidents with the same signature: every save ranks all earlier incidents for
similar ones (`similar` is part of what a save returns), so that series is the worst case for
that size. Prints p50/p99/max per save; target p99 < 50 ms.

List: `Store.list_incidents()` over 10,000 incidents (rows inserted directly, since how they got
there does not matter to a listing); target < 200 ms (median of 5 runs).

Named baseline, measured in the same run on the same machine and disk:

    sqlite3-plain  Python's sqlite3, one table (ref, title, status, severity, category,
                   started_at, report_json), WAL + synchronous=NORMAL like the store: one INSERT
                   of the same report JSON and a commit per save; listing = SELECT of the same
                   six columns ordered by started_at into tuples. No ORM, redaction, migrations,
                   derived fields, versions, status history or similarity.

Usage: .venv/bin/python bench/store.py [--saves N] [--existing N] [--incidents N]
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from opslens.pipeline import TriageOptions, run_triage
from opslens.report.models import Report
from opslens.store import InputFile, InputManifest, open_store
from opslens.store.models import Incident, ReportVersion

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "cert-expiry"
SAVE_TARGET_MS = 50.0
LIST_TARGET_MS = 200.0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=300)
    parser.add_argument("--existing", type=int, default=1000, help="incidents before the saves")
    parser.add_argument("--incidents", type=int, default=10_000, help="incidents to list")
    args = parser.parse_args(argv)
    report = _example_report()
    body = report.model_dump_json(by_alias=True)
    print(f"report: {EXAMPLE.relative_to(REPO)} ({len(body):,} bytes of JSON, "
          f"{len(report.evidence)} evidence, {len(report.hypotheses)} hypotheses)")
    with tempfile.TemporaryDirectory() as tmp:
        alone_ms = _store_saves(Path(tmp) / "alone.db", report, 0, args.saves)
        store_ms = _store_saves(Path(tmp) / "save.db", report, args.existing, args.saves)
        base_ms = _plain_saves(Path(tmp) / "plain.db", report, body, args.saves)
        _print_latency("opslens save (empty store)", alone_ms, SAVE_TARGET_MS)
        _print_latency(f"opslens save ({args.existing:,} earlier incidents, all alike)",
                       store_ms, SAVE_TARGET_MS)
        _print_latency("sqlite3-plain save", base_ms, None)
        store_list = _store_listing(Path(tmp) / "list.db", report, args.incidents)
        base_list = _plain_listing(Path(tmp) / "plain.db", body, args.incidents)
    verdict = "ok" if store_list < LIST_TARGET_MS else "OVER TARGET"
    print(f"opslens list {args.incidents:,} incidents: {store_list:.1f} ms "
          f"(target < {LIST_TARGET_MS:.0f} ms: {verdict})")
    print(f"sqlite3-plain list {args.incidents:,} incidents: {base_list:.1f} ms")
    return 0


def _example_report() -> Report:
    outcome = run_triage(TriageOptions(paths=[str(EXAMPLE)]))
    if outcome.report is None:
        raise SystemExit(f"cannot triage {EXAMPLE}: {outcome.error}")
    return outcome.report


def _manifest() -> InputManifest:
    files = [InputFile(p.name, p.stat().st_size, "0" * 64) for p in sorted(EXAMPLE.iterdir())]
    return InputManifest(files=files, stats={"events": 1})


def _store_saves(path: Path, report: Report, existing: int, saves: int) -> list[float]:
    with open_store(f"sqlite:///{path}") as store:
        _fill(store.engine, report, existing)
        manifest = _manifest()
        store.save_report(report, manifest)  # warm-up: imports, statement caches
        return _timed(lambda: store.save_report(report, manifest), saves)


def _plain_saves(path: Path, report: Report, body: str, saves: int) -> list[float]:
    conn = _plain_db(path)
    row = ("INC-x", report.summary[:200], "open", "critical", "cert-expiry",
           datetime.now(UTC).isoformat(), body)

    def save() -> None:
        conn.execute("INSERT INTO incidents (ref, title, status, severity, category, started_at,"
                     " report_json) VALUES (?, ?, ?, ?, ?, ?, ?)", row)
        conn.commit()

    try:
        return _timed(save, saves)
    finally:
        conn.close()


def _plain_db(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("CREATE TABLE IF NOT EXISTS incidents (id INTEGER PRIMARY KEY, ref TEXT,"
                 " title TEXT, status TEXT, severity TEXT, category TEXT, started_at TEXT,"
                 " report_json TEXT)")
    conn.execute("CREATE INDEX IF NOT EXISTS ix_started ON incidents (started_at)")
    return conn


def _fill(engine, report: Report, count: int) -> None:  # type: ignore[no-untyped-def]
    """`count` incidents with one small version each, inserted directly (not timed)."""
    if count <= 0:
        return
    from opslens.store import similarity

    signature = dict(similarity.signature_of(report))
    now = datetime.now(UTC)
    with engine.begin() as conn:
        start = conn.execute(Incident.__table__.select().with_only_columns(
            Incident.__table__.c.id).order_by(Incident.__table__.c.id.desc()).limit(1)).scalar() or 0
        incidents, versions = [], []
        for i in range(start + 1, start + count + 1):
            moment = now - timedelta(minutes=i)
            incidents.append({
                "id": i, "ref": f"BENCH-{i}", "title": f"incident {i}", "status": "open",
                "severity": "warning", "started_at": moment, "namespaces": ["ns"],
                "services": [], "entities": [], "category": "cert-expiry",
                "signature": signature, "created_at": moment, "updated_at": moment,
            })
            versions.append({"incident_id": i, "version": 1, "created_at": moment,
                             "report_json": "{}", "manifest_json": {}})
        conn.execute(Incident.__table__.insert(), incidents)
        conn.execute(ReportVersion.__table__.insert(), versions)


def _store_listing(path: Path, report: Report, count: int) -> float:
    with open_store(f"sqlite:///{path}") as store:
        _fill(store.engine, report, count)
        store.list_incidents()  # warm-up
        runs = _timed(store.list_incidents, 5)
        assert len(store.list_incidents()) == count
    return statistics.median(runs)


def _plain_listing(path: Path, body: str, count: int) -> float:
    conn = _plain_db(path)
    conn.execute("DELETE FROM incidents")
    now = datetime.now(UTC)
    conn.executemany(
        "INSERT INTO incidents (ref, title, status, severity, category, started_at, report_json)"
        " VALUES (?, ?, ?, ?, ?, ?, '{}')",
        [(f"BENCH-{i}", f"incident {i}", "open", "warning", "cert-expiry",
          (now - timedelta(minutes=i)).isoformat()) for i in range(count)],
    )
    conn.commit()

    def listing() -> None:
        conn.execute("SELECT ref, title, status, severity, category, started_at FROM incidents"
                     " ORDER BY started_at DESC, id DESC").fetchall()

    try:
        return statistics.median(_timed(listing, 5))
    finally:
        conn.close()


def _timed(action: Callable[[], object], times: int) -> list[float]:
    samples = []
    for _ in range(times):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def _print_latency(name: str, samples: list[float], target: float | None) -> None:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(round(0.99 * (len(ordered) - 1))))]
    line = (f"{name}: n={len(samples)}, p50 {statistics.median(samples):.2f} ms, "
            f"p99 {p99:.2f} ms, max {ordered[-1]:.2f} ms")
    if target is not None:
        line += f" (target p99 < {target:.0f} ms: {'ok' if p99 < target else 'OVER TARGET'})"
    print(line)


if __name__ == "__main__":
    sys.exit(main())
