"""Run the chosen collectors into one bundle: in parallel, each failure contained to its
source, and the manifest written last."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx

from opslens.collectors._kubeconfig import context_namespace
from opslens.collectors.base import CollectContext, Collector, Window, collectors, get_collector
from opslens.collectors.bundle import Bundle
from opslens.collectors.errors import CollectError
from opslens.collectors.ledger import Ledger
from opslens.collectors.settings import CollectSettings


@dataclass(frozen=True)
class SourceOutcome:
    """One line of progress: a source's status and what it read."""

    source: str
    status: str  # ok | failed | skipped
    detail: str
    files: int = 0
    requests: int = 0
    seconds: float = 0.0


@dataclass
class Collected:
    bundle: Bundle
    ledger: Ledger
    outcomes: list[SourceOutcome]
    seconds: float


def collect_bundle(
    settings: CollectSettings,
    out: Path,
    window: Window,
    sources: list[str] | None = None,
    *,
    on_source: Callable[[SourceOutcome], None] | None = None,
    transport: httpx.BaseTransport | None = None,
) -> Collected:
    """Collect `sources` (all registered ones when None; unconfigured ones are skipped with a
    reason) into a bundle at `out`. Raises CollectError only for an unknown source name."""
    started = time.perf_counter()
    chosen = [get_collector(name) for name in sources] if sources else list(collectors().values())
    bundle, ledger = Bundle(out), Ledger()
    ctx = CollectContext(settings, window, bundle, ledger, namespaces=_namespaces(settings), transport=transport)
    with ThreadPoolExecutor(max_workers=max(1, len(chosen))) as pool:
        outcomes = list(pool.map(lambda cls: _run_source(cls, ctx, on_source), chosen))
    seconds = time.perf_counter() - started
    bundle.write_manifest({
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "window": {"since": _iso(window.since), "until": _iso(window.until)},
        "namespaces": ctx.namespaces or (["(all)"] if settings.kubernetes.all_namespaces else []),
        "requests": ledger.total_requests,
        "seconds": round(seconds, 3),
        "commands": [{"source": c.source, "argv": list(c.argv), "label": c.label} for c in ledger.commands],
    })
    return Collected(bundle, ledger, outcomes, seconds)


def _run_source(cls: type[Collector], ctx: CollectContext, on_source: Callable[[SourceOutcome], None] | None) -> SourceOutcome:
    """Run one collector; whatever goes wrong is this source's one line, never the others'."""
    record = ctx.bundle.source(cls.name)
    began = time.perf_counter()
    try:
        reason = cls.unconfigured(ctx)
        if reason is not None:
            record.status, record.detail = "skipped", reason
        else:
            cls().collect(ctx)
            record.status = "ok"
            record.detail = ", ".join(f"{n:,} {what}" for what, n in record.counts.items() if n)
    except CollectError as exc:
        record.status, record.detail = "failed", str(exc)
    except OSError as exc:  # a file a source names (journal, syslog, CA) cannot be read
        record.status, record.detail = "failed", f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": ")
    except (AttributeError, TypeError, KeyError, ValueError) as exc:
        # An answer of another shape than the API's (a proxy's JSON, a different service at
        # the URL): this source fails visibly, in one line; the others still run.
        record.status, record.detail = "failed", f"unexpected answer ({type(exc).__name__}: {exc})".splitlines()[0]
    record.seconds = time.perf_counter() - began
    record.requests = ctx.ledger.requests.get(cls.name, 0)
    outcome = SourceOutcome(cls.name, record.status, record.detail, len(record.files), record.requests, record.seconds)
    if on_source is not None:
        on_source(outcome)
    return outcome


def _namespaces(settings: CollectSettings) -> list[str]:
    k8s = settings.kubernetes
    if k8s.all_namespaces:
        return []
    if k8s.namespaces:
        return list(k8s.namespaces)
    default = context_namespace(k8s.kubeconfig, k8s.context)
    return [default] if default else []


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="seconds")
