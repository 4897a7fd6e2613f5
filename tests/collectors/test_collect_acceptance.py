"""Acceptance: `opslens triage --live` against the test Kubernetes API and a real Prometheus
gives the same top hypothesis and evidence as triaging the bundle `opslens collect` wrote from
the same servers."""

from __future__ import annotations

import json
import subprocess
import sys
import tarfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kube_api import KubeApiServer
from prom_stack import PromStack


def _opslens(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    # Prometheus has run for seconds only: a 1 s step gives its series points (the default
    # step for a 1 h window is 15 s).
    (cwd / "config.toml").write_text("[collect.prometheus]\nstep = 1\n")
    done = subprocess.run([sys.executable, "-m", "opslens", *args], capture_output=True, text=True, timeout=300, cwd=cwd,
                          env={"PATH": "/usr/bin:/bin", "HOME": str(cwd), "OPSLENS_CONFIG": str(cwd / "config.toml")})
    assert done.returncode == 0, done.stderr
    return done


def _top(report: dict[str, Any], bundle_root: str) -> dict[str, Any]:
    """The top hypothesis and its evidence, with paths relative to the bundle."""
    top = report["hypotheses"][0]
    by_id = {e["id"]: e for e in report["evidence"]}
    evidence = [
        {**{k: by_id[i][k] for k in ("kind", "ts", "text", "entity")}, "source": by_id[i]["source"].split(bundle_root, 1)[-1].lstrip("/")}
        for i in top["evidence"]
    ]
    return {"category": top["category"], "title": top["title"], "entity": top["entity"], "confidence": top["confidence"], "evidence": evidence}


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_live_triage_equals_triage_of_the_collected_bundle(shop_api: KubeApiServer, prom: PromStack, tmp_path: Path) -> None:
    kubeconfig = shop_api.kubeconfig(tmp_path / "kubeconfig", namespace="shop")
    end = time.time() - 2
    window = ["--since", _iso(end - 3600), "--until", _iso(end)]
    sources = ["--kubeconfig", str(kubeconfig), "-n", "shop", "--prometheus", prom.prometheus, *window]

    collected = _opslens("collect", "-o", str(tmp_path / "bundle"), *sources, cwd=tmp_path)
    assert "kubernetes ok" in collected.stderr and "prometheus ok" in collected.stderr
    assert "loki skipped: no URL configured" in collected.stderr
    from_bundle = json.loads(_opslens("triage", str(tmp_path / "bundle"), "--llm", "none", "-f", "json", *window, cwd=tmp_path).stdout)
    live = _opslens("triage", "--live", "--llm", "none", "-f", "json", *sources, cwd=tmp_path)
    from_live = json.loads(live.stdout)

    assert "kubernetes ok" in live.stderr
    bundle_top = _top(from_bundle, str(tmp_path / "bundle"))
    # Live evidence is cited as live/..., never by the temporary directory that is gone.
    assert all(e["source"].startswith("live/") for e in from_live["evidence"] if "kubernetes/" in e["source"])
    assert "opslens-live-" not in live.stdout
    assert _top(from_live, "live") == bundle_top
    assert bundle_top["category"] == "db-connectivity"
    assert any(e["source"].startswith("kubernetes/logs/previous/") for e in bundle_top["evidence"])
    assert from_live["stats"]["readers"] == from_bundle["stats"]["readers"]
    assert from_bundle["stats"]["readers"].get("prometheus", 0) > 0, (from_bundle["stats"]["skipped"], sorted(p.name for p in (tmp_path / "bundle").rglob("*")))
    assert shop_api.log.refused_methods == []


def test_collect_writes_a_tgz_that_triage_reads(kubeconfig: Path, tmp_path: Path) -> None:
    archive = tmp_path / "incident.tgz"
    _opslens("collect", "kubernetes", "-o", str(archive), "--kubeconfig", str(kubeconfig), cwd=tmp_path)
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert "manifest.json" in names and "kubernetes/pods.json" in names
    report = json.loads(_opslens("triage", str(archive), "--llm", "none", "-f", "json", cwd=tmp_path).stdout)
    assert report["hypotheses"][0]["category"] == "db-connectivity"


def test_an_unknown_source_is_a_one_line_error_listing_the_known_ones(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "opslens", "collect", "kubernetez", "-o", str(tmp_path / "b")],
                          capture_output=True, text=True, timeout=60, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert done.returncode == 2
    assert done.stderr.strip() == ("error: unknown source 'kubernetez'; known: alertmanager, argocd, journald, kubernetes, loki, "
                                   "prometheus")
