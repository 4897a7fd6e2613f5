"""Opt-in contract test against a real Ollama: `OPSLENS_TEST_OLLAMA=host:port pytest tests/llm`.

Checks that the fake server's protocol matches the real one where it matters: streaming with
a JSON-schema `format`, usage counts and durations on the final line, model listing, context
length, and the 404 for a model that is not pulled. `OPSLENS_TEST_MODEL` picks the model
(default: the smallest pulled one).
"""

from __future__ import annotations

import json
import os

import pytest

from opslens.llm.errors import FailureKind, LLMError
from opslens.llm.providers.base import ChatRequest, Message, Role, complete
from opslens.llm.providers.ollama import OllamaProvider
from opslens.llm.settings import RetryPolicy, Timeouts, parse_ollama_host

HOST = os.environ.get("OPSLENS_TEST_OLLAMA")
pytestmark = pytest.mark.skipif(
    not HOST, reason="set OPSLENS_TEST_OLLAMA=host:port to run against a real Ollama"
)


@pytest.fixture(scope="module")
def real() -> OllamaProvider:
    return OllamaProvider(
        parse_ollama_host(HOST or ""), Timeouts(5.0, 300.0, 600.0), RetryPolicy(1, 0.5)
    )


@pytest.fixture(scope="module")
def model(real: OllamaProvider) -> str:
    pulled = real.list_models()
    if not pulled:
        pytest.skip("the Ollama server has no models pulled")
    return os.environ.get("OPSLENS_TEST_MODEL") or min(pulled, key=lambda m: m.size or 0).name


def test_status_and_context(real: OllamaProvider, model: str) -> None:
    status = real.status()
    assert status.reachable and status.version
    assert (real.context_length(model) or 0) > 0


def test_structured_streaming_answer_with_usage(real: OllamaProvider, model: str) -> None:
    schema = {
        "type": "object",
        "properties": {"answer": {"type": "string"}},
        "required": ["answer"],
    }
    request = ChatRequest(
        model=model,
        messages=(Message(Role.USER, "Reply in JSON: what colour is the sky?"),),
        schema=schema,
        temperature=0.0,
        seed=1,
        num_ctx=2048,
        max_tokens=64,
    )
    done = complete(real, request)
    assert "answer" in json.loads(done.text)
    assert done.usage.prompt_tokens and done.usage.completion_tokens
    assert done.timings.get("total", 0) > 0 and done.finish_reason in ("stop", "length")


def test_missing_model_is_reported_with_the_pull_command(real: OllamaProvider) -> None:
    request = ChatRequest(model="opslens-no-such-model:0b", messages=(Message(Role.USER, "hi"),))
    with pytest.raises(LLMError) as caught:
        complete(real, request)
    assert caught.value.kind is FailureKind.MODEL_NOT_FOUND
    assert "ollama pull opslens-no-such-model:0b" in str(caught.value)
