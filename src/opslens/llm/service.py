"""`apply_llm`: the one entry point `opslens triage` calls before rendering.

The deterministic report is the product; the model only adds a verified `llm` section. Any
provider failure, a missing guard or a broken configuration returns the report unchanged with
a one-line notice for stderr.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from opslens.errors import ConfigError
from opslens.llm.attach import attach
from opslens.llm.errors import FailureKind, LLMError
from opslens.llm.guarding import Guard, GuardUnavailable, load_guard
from opslens.llm.measure import failed_call, served_call, verification_record
from opslens.llm.narrative import Narration, hypothesis_refs, narrate
from opslens.llm.observe import LLMObserver, Observers
from opslens.llm.prompts import Prompt, load_prompt
from opslens.llm.providers.base import ModelInfo, Provider, create_provider
from opslens.llm.providers.ollama import OllamaProvider, has_model
from opslens.llm.routing import Target, candidates, route
from opslens.llm.settings import (
    DEFAULT_ROUTE,
    Mode,
    RetryPolicy,
    Settings,
    Task,
    Timeouts,
    load_settings,
)
from opslens.llm.tokens import counter
from opslens.llm.verify import verify
from opslens.report.models import Report

PROMPT = "triage_summary"


def apply_llm(
    report: Report,
    *,
    llm: str = "auto",
    model: str | None = None,
    observer: LLMObserver | None = None,
    prompt_versions: dict[str, str] | None = None,
) -> tuple[Report, str | None]:
    """Return the report (enriched when a model served) and an optional one-line notice.

    `llm`: `none` (unchanged), `auto` (Ollama if it answers quickly and has the model, or
    the provider named in the config file), `ollama` or `openai`. `observer` hears of every
    model call and verification; `prompt_versions` (name -> version) override `[prompts]`.
    """
    try:
        mode = Mode(llm)
    except ValueError:
        raise ConfigError(
            f"--llm must be one of {', '.join(m.value for m in Mode)}, not {llm!r}"
        ) from None
    if mode is Mode.NONE:
        return report, None
    try:
        settings = load_settings(mode=mode, model=model)
        if settings.mode is Mode.NONE:
            return report, None
        guard = load_guard()
        versions = {**settings.prompt_versions, **(prompt_versions or {})}
        prompt = load_prompt(PROMPT, versions)
        return _run(report, settings, prompt, guard, observer or Observers()), None
    except (LLMError, GuardUnavailable, ConfigError) as exc:
        return report, f"no model: {exc}; report is deterministic"


def _run(
    report: Report, settings: Settings, prompt: Prompt, guard: Guard, observer: LLMObserver
) -> Report:
    providers: dict[str, Provider] = {}

    def provider(name: str) -> Provider:
        if name not in providers:
            providers[name] = create_provider(name, settings)
        return providers[name]

    def attempt(target: Target) -> tuple[Narration, Provider]:
        chosen = provider(target.provider)
        started = time.monotonic()
        try:
            narration = narrate(report, chosen, target.model, settings, prompt, guard, count)
        except LLMError as exc:
            observer.on_call(
                failed_call(chosen, target.model, prompt, exc, time.monotonic() - started)
            )
            raise
        observer.on_call(served_call(chosen, target.model, prompt, narration.completion, settings))
        return narration, chosen

    count = counter()
    try:
        targets = _targets(settings, provider)
        (narration, chosen), target, attempts = route(targets, attempt)
        verified = verify(narration.output, report.evidence, hypothesis_refs(report), guard)
        observer.on_verification(verification_record(chosen, target.model, prompt, verified))
    finally:
        for p in providers.values():
            p.close()
    return attach(
        report,
        narration,
        verified,
        provider=chosen,
        model=target.model,
        settings=settings,
        attempts=attempts,
        tokenizer=count.name,
    )


def _targets(settings: Settings, provider: Callable[[str], Provider]) -> list[Target]:
    """Which models to try, in order, for the resolved mode."""
    if settings.mode is Mode.AUTO:
        return _auto_targets(settings)
    name = settings.mode.value
    wanted = candidates(Task.SUMMARIZE, settings, name, None)
    explicit = bool(settings.model or settings.routes.get(Task.SUMMARIZE))
    if explicit:
        return wanted
    served = provider(name).list_models()
    if name == "ollama":
        return _pulled(wanted, served, provider(name).endpoint)
    if len(served) == 1:
        return [Target(name, served[0].name)]
    names = ", ".join(m.name for m in served[:8]) or "none"
    raise LLMError(
        FailureKind.MODEL_NOT_FOUND,
        f"no model chosen for {provider(name).endpoint}: pass --model or set [llm] model (served: {names})",
    )


def _auto_targets(settings: Settings) -> list[Target]:
    """Ollama, if it answers within the probe timeout and has a model worth using."""
    quick = Timeouts(settings.probe_timeout, settings.probe_timeout, settings.probe_timeout)
    probe = OllamaProvider(settings.ollama_url, quick, RetryPolicy(0, 0.0))
    try:
        served = probe.list_models(timeout=settings.probe_timeout)
    except LLMError as exc:
        if exc.kind is FailureKind.UNREACHABLE:
            raise LLMError(
                FailureKind.UNREACHABLE, f"Ollama not reachable at {probe.endpoint}"
            ) from exc
        raise LLMError(
            exc.kind, f"Ollama at {probe.endpoint} did not answer as expected: {exc}"
        ) from exc
    finally:
        probe.close()
    return _pulled(candidates(Task.SUMMARIZE, settings, "ollama", None), served, probe.endpoint)


def _pulled(wanted: list[Target], served: list[ModelInfo], endpoint: str) -> list[Target]:
    available = [t for t in wanted if t.provider != "ollama" or has_model(served, t.model)]
    if available:
        return available
    if len(wanted) == 1:
        m = wanted[0].model
        raise LLMError(
            FailureKind.MODEL_NOT_FOUND,
            f"model {m} is not pulled on Ollama at {endpoint}; run `ollama pull {m}`",
        )
    tried = ", ".join(t.model for t in wanted)
    hint = DEFAULT_ROUTE[2]
    raise LLMError(
        FailureKind.MODEL_NOT_FOUND,
        f"Ollama at {endpoint} has none of {tried}; run `ollama pull {hint}` or pass --model",
    )
