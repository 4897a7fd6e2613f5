"""The background triage adds what the configured live collectors read (`[server] collect`)
to an incident's alerts: the Kubernetes collector against the local API test server, in the
namespace the alerts name."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "collectors"))
from cluster import shop_incident  # noqa: E402
from kube_api import KubeApiServer  # noqa: E402
from server_db import T0, alert, deliver  # noqa: E402

from opslens import config  # noqa: E402
from opslens.server import ServerSettings  # noqa: E402
from opslens.server.correlate import ingest  # noqa: E402
from opslens.server.jobs import run_next  # noqa: E402
from opslens.store import Store, open_store  # noqa: E402
from opslens.store.jobs import JobStatus  # noqa: E402


@pytest.fixture
def db(store_url: str) -> Iterator[Store]:
    with open_store(store_url) as opened:
        yield opened


@pytest.fixture
def cluster_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[KubeApiServer]:
    with KubeApiServer(shop_incident(time.time())) as api:
        kubeconfig = api.kubeconfig(tmp_path / "kubeconfig", namespace="default")
        (tmp_path / "config.toml").write_text(f'[collect.kubernetes]\nkubeconfig = "{kubeconfig}"\n')
        monkeypatch.setenv("OPSLENS_CONFIG", str(tmp_path / "config.toml"))
        config.load.cache_clear()
        yield api
    config.load.cache_clear()


def _run(db: Store, collect: list[str]):  # noqa: ANN202
    settings = ServerSettings(worker=False, job_retries=0, job_timeout=timedelta(seconds=60), llm="none", collect=collect)
    ids = deliver(db, "{}:{a}", [alert("f1", namespace="shop", service="checkout", pod="checkout-7d9f8b6c5d-x2k4p")], T0)
    ref = ingest(db, ids, settings, T0).opened[0]
    outcome = run_next(db, settings, worker_id="w1", clock=lambda: T0 + timedelta(minutes=1))
    assert outcome is not None and outcome.status is JobStatus.DONE, outcome
    return db.get_incident(ref)


def test_configured_collectors_add_the_alerts_namespace_to_the_input(db: Store, cluster_config: KubeApiServer) -> None:
    detail = _run(db, ["kubernetes"])
    (version,) = detail.versions
    stats = version.manifest["stats"]
    assert stats["collected"] == {"kubernetes": "ok"}
    assert stats["readers"]["k8s-events"] > 0 and stats["readers"]["alertmanager"] == 1
    paths = [p for _, p in cluster_config.log.requests]
    assert any(p.startswith("/api/v1/namespaces/shop/pods?") for p in paths)
    assert not any("/namespaces/default/" in p for p in paths)
    sources = [e["source"] for e in detail.report["evidence"]]
    assert any(s.startswith("live/kubernetes/") for s in sources), sources
    assert not any("opslens-job-" in s for s in sources)


def test_without_collectors_the_alerts_are_the_whole_input(db: Store, cluster_config: KubeApiServer) -> None:
    detail = _run(db, [])
    assert "collected" not in detail.versions[0].manifest["stats"]
    assert cluster_config.log.requests == []
