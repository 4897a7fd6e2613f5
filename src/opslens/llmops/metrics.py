"""The LLMOps Prometheus metrics, defined once, in a registry the caller passes in.

Counters and histograms are fed by `LLMMetrics`, an observer of the LLM layer and of runbook
retrieval (`pipeline.TriageObserver`). With `PROMETHEUS_MULTIPROC_DIR` set (`opslens serve`,
whose triage worker is a process of its own) prometheus-client writes them to shared files and
the HTTP process's scrape sums them. The eval pass rate and the feedback score come from the
store at scrape time (`StoreCollector`): the latest saved run and the feedback table are the
truth, whichever process wrote them.

Buckets are chosen for what is measured: a local model's answer takes seconds to minutes
(load time included), a first token from 100 ms to a minute, a runbook search milliseconds.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.registry import Collector

from opslens.llm.observe import CallRecord, VerificationRecord

__all__ = [
    "FEEDBACK_BUCKETS",
    "LATENCY_BUCKETS",
    "LLMMetrics",
    "PassRate",
    "StoreCollector",
    "TTFT_BUCKETS",
]

log = logging.getLogger("opslens.llmops.metrics")

LATENCY_BUCKETS = (0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300)
TTFT_BUCKETS = (0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120)
RETRIEVAL_BUCKETS = (0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5)
#: Feedback scores are 1 (wrong) to 5 (spot on): one bucket each.
FEEDBACK_BUCKETS = (1, 2, 3, 4, 5)

_MODEL = ["provider", "model"]


class LLMMetrics:
    """The instruments, registered in `registry`, and the observer methods that feed them."""

    def __init__(self, registry: CollectorRegistry) -> None:
        def counter(name: str, doc: str, labels: list[str]) -> Counter:
            return Counter(name, doc, labels, registry=registry)

        def histogram(name: str, doc: str, labels: list[str], buckets: tuple) -> Histogram:
            return Histogram(name, doc, labels, registry=registry, buckets=buckets)

        self.requests = counter(
            "opslens_llm_requests", "Model calls by prompt and outcome (ok or the failure kind).",
            [*_MODEL, "prompt", "prompt_version", "outcome"],
        )
        self.errors = counter(
            "opslens_llm_errors", "Failed model calls by failure kind.", [*_MODEL, "error"]
        )
        self.latency = histogram(
            "opslens_model_latency_seconds", "Whole model call, request to last token.",
            _MODEL, LATENCY_BUCKETS,
        )
        self.first_token = histogram(
            "opslens_model_time_to_first_token_seconds", "Request to the first token.",
            _MODEL, TTFT_BUCKETS,
        )
        self.tokens_in = counter("opslens_tokens_in", "Prompt tokens the server counted.", _MODEL)
        self.tokens_out = counter("opslens_tokens_out", "Tokens the model generated.", _MODEL)
        self.cost = counter(
            "opslens_llm_cost_usd", "Estimated cost from the [llm.prices] table (local: 0).", _MODEL
        )
        self.compute = counter(
            "opslens_model_compute_seconds", "Server-side compute time Ollama reported.", _MODEL
        )
        self.citations = counter(
            "opslens_llm_citations", "Evidence citations in served answers.", _MODEL
        )
        self.citations_dropped = counter(
            "opslens_llm_citations_dropped", "Citations of evidence that does not exist, removed.",
            _MODEL,
        )
        self.claims_dropped = counter(
            "opslens_llm_claims_unsupported", "Claims without a valid citation (marked or downgraded).",
            _MODEL,
        )
        self.unsafe_commands = counter(
            "opslens_llm_unsafe_commands_caught",
            "Suggested commands the guard kept out of the read-only list.", _MODEL,
        )
        self.retrieval_latency = histogram(
            "opslens_retrieval_latency_seconds", "One runbook search.", ["index"],
            RETRIEVAL_BUCKETS,
        )
        self.retrievals = counter("opslens_retrieval_requests", "Runbook searches.", ["index"])
        self.retrieval_empty = counter(
            "opslens_retrieval_no_result", "Runbook searches that found nothing.", ["index"]
        )

    def on_call(self, call: CallRecord) -> None:
        """One model call, served or failed."""
        model = (call.provider, call.model)
        self.requests.labels(*model, call.prompt_name, call.prompt_version, call.outcome).inc()
        if call.latency_s is not None:
            self.latency.labels(*model).observe(call.latency_s)
        if call.outcome != "ok":
            self.errors.labels(*model, call.outcome).inc()
            return
        if call.first_token_s is not None:
            self.first_token.labels(*model).observe(call.first_token_s)
        self.tokens_in.labels(*model).inc(call.tokens_in or 0)
        self.tokens_out.labels(*model).inc(call.tokens_out or 0)
        self.cost.labels(*model).inc(call.cost_usd or 0.0)
        if call.compute_s is not None:
            self.compute.labels(*model).inc(call.compute_s)

    def on_verification(self, record: VerificationRecord) -> None:
        """What verification removed and caught in one answer."""
        model = (record.provider, record.model)
        self.citations.labels(*model).inc(record.citations_total)
        self.citations_dropped.labels(*model).inc(record.citations_dropped)
        self.claims_dropped.labels(*model).inc(record.claims_dropped)
        self.unsafe_commands.labels(*model).inc(record.unsafe_commands)

    def on_retrieval(self, index: str, seconds: float, results: int) -> None:
        """One search of `index` (e.g. `runbooks`)."""
        self.retrievals.labels(index).inc()
        self.retrieval_latency.labels(index).observe(seconds)
        if results == 0:
            self.retrieval_empty.labels(index).inc()


@dataclass(frozen=True)
class PassRate:
    dataset: str
    model: str
    prompt_version: str
    rate: float


class StoreCollector(Collector):
    """`opslens_eval_pass_rate` (latest saved run per dataset, model and prompt version) and
    `opslens_user_feedback_score`, read when scraped. A failing read is logged and skipped:
    /metrics still answers while the database is down."""

    def __init__(
        self,
        pass_rates: Callable[[], Iterable[PassRate]],
        feedback_scores: Callable[[], Iterable[int]],
    ) -> None:
        self._pass_rates = pass_rates
        self._feedback_scores = feedback_scores

    def describe(self) -> Iterator[Metric]:
        return iter(())  # unknown until scraped; also keeps registration free of a query

    def collect(self) -> Iterator[Metric]:
        gauge = GaugeMetricFamily(
            "opslens_eval_pass_rate", "Pass rate of the latest saved evaluation run.",
            labels=["dataset", "model", "prompt_version"],
        )
        try:
            for rate in self._pass_rates():
                gauge.add_metric([rate.dataset, rate.model, rate.prompt_version], rate.rate)
        except Exception as exc:  # the store may be down
            log.warning("opslens_eval_pass_rate unavailable: %s", type(exc).__name__)
        yield gauge
        try:
            scores = list(self._feedback_scores())
        except Exception as exc:
            log.warning("opslens_user_feedback_score unavailable: %s", type(exc).__name__)
            scores = []
        yield feedback_histogram(scores)


def feedback_histogram(scores: list[int]) -> HistogramMetricFamily:
    """Cumulative buckets of the feedback scores (`le` as Prometheus wants them)."""
    buckets = [
        (_le(bound), sum(1 for s in scores if s <= bound)) for bound in FEEDBACK_BUCKETS
    ]
    buckets.append(("+Inf", len(scores)))
    return HistogramMetricFamily(
        "opslens_user_feedback_score", "Feedback scores people gave reports.",
        buckets=buckets, sum_value=float(sum(scores)),
    )


def _le(bound: float) -> str:
    return f"{float(bound)}"
