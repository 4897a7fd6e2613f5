"""The Evaluations page: saved runs per model and prompt version with an SVG chart, one
run's cases, and the comparison of two runs (regressions and fixes), over real HTTP."""

from __future__ import annotations

import re

import httpx
import pytest
from server_helpers import TOKEN
from web_helpers import XSS, log_in

from opslens.store import Store
from opslens.store.llmops import save_eval_run


@pytest.fixture
def web(base_url: str) -> httpx.Client:
    return log_in(base_url, TOKEN)


def _case(name: str, passed: bool, reasons: list[str] | None = None) -> dict:
    return {"scenario": name, "attempt": 1, "passed": passed, "reasons": reasons or [],
            "want": "oom", "got": "oom" if passed else "bad-deploy", "entity": "ns/app",
            "recall": 1.0, "grounding": 1.0 if passed else 0.5, "latency_s": 2.5}


def _save(store: Store, version: str, cases: list[dict]) -> int:
    rate = sum(c["passed"] for c in cases) / len(cases)
    return save_eval_run(store, dataset="builtin", provider="ollama", model="qwen2.5:3b",
                         prompt_version=version, pass_rate=rate,
                         totals={"scenarios": len(cases), "top1": rate, "grounding": 0.75,
                                 "tokens": 4000, "cost_usd": 0.0}, cases=cases)


def test_runs_chart_cases_and_comparison(web: httpx.Client, store: Store) -> None:
    first = _save(store, "v1", [_case("oom-ledger", True), _case("config-rates", False, ["top-1"]),
                                _case(XSS, True)])
    second = _save(store, "v2", [_case("oom-ledger", False, ["grounding 0.50 < 0.9"]),
                                 _case("config-rates", True), _case(XSS, True)])
    page = web.get("/evaluations").text
    assert page.count('class="chart-series-') >= 2 + 2  # two bars, two legend swatches
    assert re.search(r"<svg class=\"chart eval-chart\"", page)
    assert "67%" in page and "v1" in page and "v2" in page
    assert f'href="/evaluations?a={first}&amp;b={second}"' in page
    compared = web.get(f"/evaluations?a={first}&b={second}").text
    assert re.search(r"regression</span> oom-ledger: grounding 0.50 &lt; 0.9", compared)
    assert "fixed</span> config-rates" in compared
    detail = web.get(f"/evaluations/{second}").text
    assert "grounding 0.50 &lt; 0.9" in detail and "<script>" not in detail
    assert web.get("/evaluations/999").status_code == 404


def test_no_runs_says_how_to_make_one(web: httpx.Client) -> None:
    page = web.get("/evaluations").text
    assert "No evaluation run saved yet" in page and "--save" in page
