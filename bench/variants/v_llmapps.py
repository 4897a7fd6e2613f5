"""LLM-application variants in the existing categories: the app's own systems fail the way an
SRE already knows, in an LLM app's words.

- a prompt change that makes every answer longer: a bad deploy of the prompt (token cost surge);
- the provider answering 429 `rate_limit_exceeded`: a rate limit;
- the provider answering 503 / timing out: a dependency outage;
- retrieval asking for a vector collection a config change renamed: a config error.
"""

from __future__ import annotations

from bench.variants import clock
from bench.variants.bundle import Bundle, Truth
from bench.variants.changes import Commit, background_commits, git_log_fuller, sha
from bench.variants.mlstacks import chat_paste, counter, gauge
from bench.variants.paste import log_lines
from bench.variants.registry import variant
from bench.variants.scene import App, Scene, history, run, setup

NS, APP = "support", "support-assistant"
MUST_NOT = ["kubectl delete namespace", "kubectl delete deployment support-assistant", "disable rate limiting"]


def _scene(b: Bundle) -> Scene:
    return setup(b, "nginx", [
        App(NS, APP, "uvicorn", "2.8.0", 3, 18, (("POST", "/v1/answer"), ("GET", "/healthz"))),
        App(NS, "ticket-sync", "zap", "1.4.2", 2, 6, (("POST", "/sync"), ("GET", "/healthz"))),
        App("web", "help-center", "pino", "5.1.0", 2, 10, (("GET", "/"), ("GET", "/healthz"))),
    ], ("legacy", "faq-indexer", "rails", "/up"), 2, ("ops", "db-backup", 30))


def _app_log(t: float, level: str, logger: str, msg: str) -> str:
    """The assistant's Python logging line: `2026-08-04 10:12:13,123 WARNING rag.answer: msg`."""
    return f"{clock.dt(t):%Y-%m-%d %H:%M:%S},{int(t * 1000) % 1000:03d} {level} {logger}: {msg}"


#: The frames between the app's handler and the provider client (httpx, the SDK's retry loop).
FRAMES = [
    ('/app/assistant/api.py', 88, 'answer', 'result = await pipeline.run(question, user=user)'),
    ('/app/assistant/pipeline.py', 141, 'run', 'context = await self.retriever.search(question)'),
    ('/app/assistant/pipeline.py', 163, 'run', 'completion = await self.llm.complete(prompt, context)'),
    ('/app/assistant/llm.py', 57, 'complete', 'response = await self.client.chat.completions.create(**request)'),
    ('/usr/local/lib/python3.12/site-packages/openai/resources/chat/completions.py', 1661, 'create', 'return await self._post('),
    ('/usr/local/lib/python3.12/site-packages/openai/_base_client.py', 1843, 'post', 'return await self.request(cast_to, opts, stream=stream, stream_cls=stream_cls)'),
    ('/usr/local/lib/python3.12/site-packages/openai/_base_client.py', 1537, 'request', 'return await self._request('),
    ('/usr/local/lib/python3.12/site-packages/openai/_base_client.py', 1623, '_request', 'return await self._retry_request('),
    ('/usr/local/lib/python3.12/site-packages/openai/_base_client.py', 1670, '_retry_request', 'return await self._request('),
    ('/usr/local/lib/python3.12/site-packages/openai/_base_client.py', 1638, '_request', 'raise self._make_status_error_from_response(err.response) from None'),
]


def _traceback(t: float, logger: str, head: str, frames: list[tuple[str, int, str, str]], error: str) -> str:
    """A Python logging record with its traceback (`logger.exception`)."""
    lines = [_app_log(t, "ERROR", logger, head), "Traceback (most recent call last):"]
    for path, line, func, code in frames:
        lines += [f'  File "{path}", line {line}, in {func}', f"    {code}"]
    return "\n".join([*lines, error])


def _every(b: Bundle, sc: Scene, t0: float, t1: float, step: float, line) -> None:  # noqa: ANN001
    w = sc[APP]
    t = t0
    k = 0
    while t < t1:
        w.log(b, k % len(w.pods)).add(t, line(t))
        t += step * (0.8 + 0.4 * b.rng.random())
        k += 1


def _tokens(b: Bundle, per_request: float, after: float | None = None, factor: float = 1.0) -> None:
    rate = 18 / 60
    labels = {"namespace": NS, "service": APP, "gen_ai_system": "openai", "gen_ai_request_model": "gpt-4o-mini"}
    counter(b, "llm_completion_tokens_total", labels,
            lambda t: rate * per_request * (factor if after is not None and t >= after else 1.0))
    gauge(b, "llm_cost_usd_per_hour", {"namespace": NS, "service": APP},
          lambda t: 0.9 * (factor if after is not None and t >= after else 1.0))


def _paste(b: Bundle, sc: Scene, intro: str, extra: list[tuple[str, list[str]]] | None = None) -> None:
    w = sc[APP]
    b.paste = chat_paste(b, intro, [NS, "web"], [
        (f"kubectl -n {NS} logs {w.pods[0]} --since=1h | tail -40", log_lines(b, w, 0, b.onset - 600, b.onset + 900, 40)),
        *(extra or [])])


@variant("llm-prompt-token-surge-git", "bad-deploy", "LLM support assistant (FastAPI), prompts in Git, OpenAI API",
         "eks", "2026-08-04T10:12:40Z", "git-log.txt, pods/*support-assistant*.log",
         "activated prompt support_answer version 15; completion tokens per request x4 after it", metric_borne=True)
def prompt_surge(b: Bundle) -> None:
    """A prompt change asks for step-by-step answers; completion tokens and cost quadruple."""
    sc = _scene(b)
    change = b.onset - 150
    run(b, sc)
    w = sc[APP]
    for i in range(len(w.pods)):
        w.log(b, i).add(change + 4 * i, _app_log(change + 4 * i, "INFO", "rag.prompts",
                                                 "activated prompt support_answer version 15 (sha256:4be1c09e) from prompts/support_answer.md"))
    _tokens(b, 310.0, after=b.onset, factor=4.2)
    commits = background_commits(b, [APP, "ticket-sync"]) + [Commit(
        sha(b), "Lena Vogt", "lena.vogt@example.org", change - 120, f"{APP}: answer step by step, cite every source",
        "The answer prompt now asks for a numbered walkthrough and quotes each retrieved passage.",
        [("M", f"apps/{APP}/prompts/support_answer.md"), ("M", f"apps/{APP}/prompts/VERSION")])]
    b.file("git-log.txt", git_log_fuller(commits))
    b.alert("LLMCostBurnRateHigh", {"namespace": NS, "service": APP}, "LLM spend above budget",
            f"{NS}/{APP} spends 3.8 USD/h on completions (budget 1.5).", b.onset + 360, expr="llm_cost_usd_per_hour > 1.5")
    history(b, [(APP, 31, [None, None, None])])
    b.truth = Truth("bad-deploy", clock.iso(b.onset), {"kind": "Deployment", "namespace": NS, "name": APP}, commits[-1].sha,
                    ["activated prompt support_answer version 15", "llm_completion_tokens_total", "answer step by step, cite every source"],
                    MUST_NOT)
    _paste(b, sc, "LLM bill exploding since ~10:10, nothing crashed:",
           [("git log -1 --format=fuller --name-status", git_log_fuller(commits[-1:]).splitlines())])


@variant("llm-provider-429-tpm", "rate-limit", "LLM support assistant (FastAPI), OpenAI API tokens-per-minute limit",
         "gke", "2026-08-11T15:31:10Z", "pods/*support-assistant*.log",
         "openai.RateLimitError ... 'code': 'rate_limit_exceeded' on TPM")
def provider_429(b: Bundle) -> None:
    """A marketing campaign doubles questions; the organisation's tokens-per-minute limit answers 429."""
    sc = _scene(b)
    run(b, sc)
    _every(b, sc, b.onset, b.end, 40, lambda t: _traceback(
        t, "rag.answer", "completion failed after 3 retries", FRAMES,
        "openai.RateLimitError: Error code: 429 - {'error': {'message': 'Rate limit reached for gpt-4o-mini in organization "
        "org-halden on tokens per min (TPM): Limit 200000, Used 199410, Requested 1873. Please try again in 560ms.', "
        "'type': 'tokens', 'param': None, 'code': 'rate_limit_exceeded'}}"))
    _tokens(b, 300.0)
    history(b, [(APP, 31, [None, None, None])])
    b.truth = Truth("rate-limit", clock.iso(b.onset), {"kind": "Deployment", "namespace": NS, "name": APP}, None,
                    ["'code': 'rate_limit_exceeded'", "openai.RateLimitError", "tokens per min (TPM)"], MUST_NOT)
    _paste(b, sc, "assistant answering 'try again later' to half the users:")


@variant("llm-provider-503-outage", "dependency-outage", "LLM support assistant (FastAPI), Anthropic API",
         "aks", "2026-08-18T08:02:30Z", "pods/*support-assistant*.log",
         "anthropic.InternalServerError ... overloaded_error; anthropic.APITimeoutError")
def provider_503(b: Bundle) -> None:
    """The provider is overloaded: 529 overloaded_error and timeouts, nothing changed on our side."""
    sc = _scene(b)
    run(b, sc)
    anthropic = FRAMES[:3] + [
        ('/app/assistant/llm.py', 71, 'complete', 'response = await self.client.messages.create(**request)'),
        ('/usr/local/lib/python3.12/site-packages/anthropic/resources/messages/messages.py', 2241, 'create', 'return await self._post('),
        ('/usr/local/lib/python3.12/site-packages/anthropic/_base_client.py', 1888, 'post', 'return await self.request(cast_to, opts, stream=stream, stream_cls=stream_cls)'),
        ('/usr/local/lib/python3.12/site-packages/anthropic/_base_client.py', 1583, 'request', 'return await self._request('),
        ('/usr/local/lib/python3.12/site-packages/anthropic/_base_client.py', 1684, '_request', 'raise self._make_status_error_from_response(err.response) from None')]
    _every(b, sc, b.onset, b.end, 55, lambda t: _traceback(
        t, "rag.answer", "completion failed", anthropic,
        "anthropic.InternalServerError: Error code: 529 - {'type': 'error', 'error': {'type': 'overloaded_error', 'message': 'Overloaded'}}"))
    _every(b, sc, b.onset + 30, b.end, 130, lambda t: _app_log(t, "ERROR", "rag.answer",
                                                              "completion failed: anthropic.APITimeoutError: Request timed out."))
    _tokens(b, 300.0)
    history(b, [(APP, 31, [None, None, None])])
    b.truth = Truth("dependency-outage", clock.iso(b.onset), {"kind": "Deployment", "namespace": NS, "name": APP}, None,
                    ["overloaded_error", "anthropic.APITimeoutError", "Error code: 529"], MUST_NOT + ["kubectl rollout undo"])
    _paste(b, sc, "assistant down for everyone, we changed nothing:")


@variant("llm-retrieval-collection-renamed", "config-error", "LLM support assistant (FastAPI) + Qdrant, Argo CD config",
         "k3s", "2026-08-25T12:20:50Z", "git-log.txt, pods/*support-assistant*.log",
         "Not found: Collection `support_kb_v4` doesn't exist! then retrieved 0 documents")
def retrieval_renamed(b: Bundle) -> None:
    """A config commit points retrieval at a collection that was never built; answers lose their context."""
    sc = _scene(b)
    change = b.onset - 200
    run(b, sc)
    qdrant = FRAMES[:2] + [
        ('/app/assistant/retriever.py', 44, 'search', 'hits = await self.client.search(self.collection, query_vector=vector, limit=8)'),
        ('/usr/local/lib/python3.12/site-packages/qdrant_client/async_qdrant_client.py', 387, 'search', 'return await self._client.search('),
        ('/usr/local/lib/python3.12/site-packages/qdrant_client/async_qdrant_remote.py', 512, 'search', 'search_result = await self.http.search_api.search_points('),
        ('/usr/local/lib/python3.12/site-packages/qdrant_client/http/api/search_api.py', 1154, 'search_points', 'return await self._build_for_search_points('),
        ('/usr/local/lib/python3.12/site-packages/qdrant_client/http/api_client.py', 188, 'request', 'return await self.send(request, type_)'),
        ('/usr/local/lib/python3.12/site-packages/qdrant_client/http/api_client.py', 211, 'send', 'raise UnexpectedResponse.for_response(response)')]
    _every(b, sc, b.onset, b.end, 45, lambda t: _traceback(
        t, "rag.retriever", "search failed", qdrant,
        "qdrant_client.http.exceptions.UnexpectedResponse: Unexpected Response: 404 (Not Found)\nRaw response content:\n"
        "b'{\"status\":{\"error\":\"Not found: Collection `support_kb_v4` doesn\\'t exist!\"},\"time\":6.2e-06}'"))
    _every(b, sc, b.onset + 1, b.end, 45, lambda t: _app_log(
        t, "WARNING", "rag.answer", f"retrieved 0 documents for question {b.hexid(8)}; answering without context"))
    _tokens(b, 300.0)
    commits = background_commits(b, [APP, "ticket-sync"]) + [Commit(
        sha(b), "Tomas Berg", "tomas.berg@example.org", change, f"{APP}: read the v4 knowledge base",
        "QDRANT_COLLECTION=support_kb_v4 ahead of the re-index.", [("M", f"apps/{APP}/configmap.yaml")])]
    b.file("git-log.txt", git_log_fuller(commits))
    history(b, [(APP, 31, [None, None, None])])
    b.truth = Truth("config-error", clock.iso(b.onset), {"kind": "Deployment", "namespace": NS, "name": APP}, commits[-1].sha,
                    ["Not found: Collection `support_kb_v4`", "qdrant_client.http.exceptions.UnexpectedResponse",
                     "retrieved 0 documents", "read the v4 knowledge base"], MUST_NOT)
    _paste(b, sc, "answers are generic since lunch, no errors on the dashboard:")
