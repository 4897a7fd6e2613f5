"""OpenTelemetry GenAI metrics, exported over OTLP/HTTP when an endpoint is configured.

The semantic conventions for generative AI clients: `gen_ai.client.token.usage` (histogram,
`{token}`, one record per token type) and `gen_ai.client.operation.duration` (histogram, `s`),
with `gen_ai.operation.name` (`chat`), `gen_ai.provider.name`, `gen_ai.request.model`,
`gen_ai.token.type` (`input` | `output`), and `error.type` on a failed call. Buckets are the
ones the conventions advise.

The endpoint is `OTEL_EXPORTER_OTLP_METRICS_ENDPOINT` / `OTEL_EXPORTER_OTLP_ENDPOINT` (read
by the exporter, as every OpenTelemetry SDK does) or `[telemetry] otlp_endpoint` in the
config. Needs the `otel` extra (`pip install 'opslens[otel]'`).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict

from opslens import config
from opslens.errors import ConfigError

if TYPE_CHECKING:
    from opslens.llm.observe import CallRecord, VerificationRecord

TOKEN_BUCKETS = (1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304,
                 16777216, 67108864)
DURATION_BUCKETS = (0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48,
                    40.96, 81.92)
_ENV = ("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT")


class TelemetryConfig(BaseModel):
    """The `[telemetry] table`."""

    model_config = ConfigDict(extra="forbid")
    otlp_endpoint: str | None = None  # base URL of an OTLP/HTTP receiver, e.g. http://otel:4318
    export_interval_s: float = 60.0


def configured_endpoint() -> str | None:
    """The metrics endpoint (full URL) when one is configured, else None."""
    if os.environ.get(_ENV[0]):
        return os.environ[_ENV[0]]
    base = os.environ.get(_ENV[1]) or config.section("telemetry", TelemetryConfig).otlp_endpoint
    return f"{base.rstrip('/')}/v1/metrics" if base else None


class GenAIExporter:
    """An observer recording the GenAI metrics into an OTLP/HTTP exporting meter provider."""

    def __init__(self, endpoint: str, interval_s: float = 60.0) -> None:
        try:
            from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
            from opentelemetry.sdk.metrics import MeterProvider
            from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader
            from opentelemetry.sdk.metrics.view import ExplicitBucketHistogramAggregation, View
            from opentelemetry.sdk.resources import Resource
        except ImportError as exc:
            raise ConfigError(f"an OTLP endpoint is configured but the OpenTelemetry SDK is "
                              f"missing: pip install 'opslens[otel]' ({exc.name})") from None
        reader = PeriodicExportingMetricReader(OTLPMetricExporter(endpoint=endpoint),
                                               export_interval_millis=interval_s * 1000)
        views = [
            View(instrument_name="gen_ai.client.token.usage",
                 aggregation=ExplicitBucketHistogramAggregation(TOKEN_BUCKETS)),
            View(instrument_name="gen_ai.client.operation.duration",
                 aggregation=ExplicitBucketHistogramAggregation(DURATION_BUCKETS)),
        ]
        self._provider = MeterProvider(metric_readers=[reader], views=views,
                                       resource=Resource.create({"service.name": "opslens"}))
        meter = self._provider.get_meter("opslens.llmops")
        self._tokens = meter.create_histogram(
            "gen_ai.client.token.usage", unit="{token}", description="Number of input and output tokens used.")
        self._duration = meter.create_histogram(
            "gen_ai.client.operation.duration", unit="s", description="GenAI operation duration.")

    def on_call(self, call: CallRecord) -> None:
        attributes: dict[str, Any] = {
            "gen_ai.operation.name": "chat",
            "gen_ai.provider.name": call.provider,
            "gen_ai.request.model": call.model,
        }
        if call.outcome != "ok":
            attributes["error.type"] = call.outcome
        if call.latency_s is not None:
            self._duration.record(call.latency_s, attributes)
        for kind, count in (("input", call.tokens_in), ("output", call.tokens_out)):
            if count is not None and call.outcome == "ok":
                self._tokens.record(count, {**attributes, "gen_ai.token.type": kind})

    def on_verification(self, record: VerificationRecord) -> None:
        pass

    def on_retrieval(self, index: str, seconds: float, results: int) -> None:
        pass

    def shutdown(self) -> None:
        """Export what is pending and stop (a CLI command's end; the service's shutdown)."""
        self._provider.shutdown()


def exporter_from_config() -> GenAIExporter | None:
    """A `GenAIExporter` when an endpoint is configured, else None."""
    endpoint = configured_endpoint()
    if endpoint is None:
        return None
    return GenAIExporter(endpoint, config.section("telemetry", TelemetryConfig).export_interval_s)
