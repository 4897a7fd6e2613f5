"""deploy/prometheus/opslens-rules.yaml passes `promtool check rules` and its unit tests, and
every metric the Grafana dashboard queries exists: raw metrics in the exposition opslens
serves, recording rules in the rules file. The dashboard's queries are valid PromQL too."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from opslens.llm.observe import CallRecord, VerificationRecord
from opslens.llmops.metrics import LLMMetrics, PassRate, StoreCollector

REPO = Path(__file__).resolve().parents[2]
RULES = REPO / "deploy" / "prometheus" / "opslens-rules.yaml"
RULE_TESTS = REPO / "deploy" / "prometheus" / "opslens-rules.test.yaml"
DASHBOARD = REPO / "deploy" / "grafana" / "opslens-llmops.json"
_NAME = re.compile(r"\b(opslens[a-zA-Z0-9_:]*)")


def promtool() -> str:
    found = shutil.which("promtool")
    if found is None:
        if os.environ.get("OPSLENS_REQUIRE_PROMTOOL") == "1":
            pytest.fail("promtool required (OPSLENS_REQUIRE_PROMTOOL=1): apt-get install prometheus")
        pytest.skip("promtool absent (Debian package prometheus)")
    return found


def dashboard_exprs() -> list[str]:
    panels = json.loads(DASHBOARD.read_text())["panels"]
    return [t["expr"] for p in panels for t in p["targets"]]


def recorded_names() -> set[str]:
    groups = yaml.safe_load(RULES.read_text())["groups"]
    return {r["record"] for g in groups for r in g["rules"] if "record" in r}


def exposition() -> set[str]:
    """Sample names of the LLMOps metrics after one call of each kind, as /metrics shows them."""
    registry = CollectorRegistry()
    metrics = LLMMetrics(registry)
    base = dict(provider="ollama", model="m", task="summarize", prompt_name="triage_summary",
                prompt_version="v1", prompt_hash="0" * 64)
    metrics.on_call(CallRecord(**base, outcome="ok", tokens_in=10, tokens_out=5, latency_s=1.0,
                               first_token_s=0.2, cost_usd=0.0, compute_s=0.9))
    metrics.on_call(CallRecord(**base, outcome="timeout", latency_s=300.0))
    metrics.on_verification(VerificationRecord("ollama", "m", "triage_summary", "v1", 3, 1, 1, 1))
    metrics.on_retrieval("runbooks", 0.01, 0)
    registry.register(StoreCollector(lambda: [PassRate("builtin", "m", "v1", 0.5)], lambda: [1, 5]))
    text = generate_latest(registry).decode()
    return {s.name for f in text_string_to_metric_families(text) for s in f.samples}


def test_every_metric_the_dashboard_queries_exists() -> None:
    exposed, recorded = exposition(), recorded_names()
    queried = {name for expr in dashboard_exprs() for name in _NAME.findall(expr)}
    assert queried, "the dashboard queries nothing"
    missing = sorted(n for n in queried if n not in (recorded if ":" in n else exposed))
    assert missing == []


def test_every_metric_the_rules_use_exists() -> None:
    exposed, recorded = exposition(), recorded_names()
    groups = yaml.safe_load(RULES.read_text())["groups"]
    used = {n for g in groups for r in g["rules"] for n in _NAME.findall(r["expr"])}
    assert sorted(n for n in used if n not in (recorded if ":" in n else exposed)) == []
    assert "opslens:llm_error_rate:ratio_rate5m" in recorded


def test_promtool_checks_the_rules() -> None:
    result = subprocess.run([promtool(), "check", "rules", str(RULES)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS: 12 rules found" in result.stdout


def test_the_alert_rules_pass_their_unit_tests() -> None:
    result = subprocess.run([promtool(), "test", "rules", RULE_TESTS.name], capture_output=True,
                            text=True, cwd=RULE_TESTS.parent)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_dashboard_queries_are_valid_promql(tmp_path: Path) -> None:
    rules = {"groups": [{"name": "dashboard", "rules": [
        {"record": f"dashboard:query{i}", "expr": expr} for i, expr in enumerate(dashboard_exprs())]}]}
    path = tmp_path / "dashboard-queries.yaml"
    path.write_text(yaml.safe_dump(rules))
    result = subprocess.run([promtool(), "check", "rules", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
