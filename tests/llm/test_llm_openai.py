"""The OpenAI-compatible provider against a protocol-faithful local SSE server."""

from __future__ import annotations

import json

import pytest
from llm_helpers import FAST, NO_WAIT
from servers import FakeOpenAI, Reply, ScriptedServer, openai_error, sse_events

from opslens.llm.errors import FailureKind, LLMError
from opslens.llm.providers.base import ChatRequest, Message, Role, complete
from opslens.llm.providers.openai_compat import OpenAICompatProvider
from opslens.llm.transport import is_local_url

SCHEMA = {
    "type": "object",
    "properties": {"summary": {"type": "string"}},
    "required": ["summary"],
    "additionalProperties": False,
}


def request(model: str = "qwen2.5:3b") -> ChatRequest:
    return ChatRequest(
        model=model,
        messages=(Message(Role.USER, "what happened?"),),
        schema=SCHEMA,
        schema_name="narrative",
        temperature=0.1,
        seed=7,
        max_tokens=256,
    )


def provider(server: ScriptedServer, key: str | None = None) -> OpenAICompatProvider:
    return OpenAICompatProvider(f"{server.url}/v1", FAST, NO_WAIT, api_key=key)


def test_sse_stream_with_usage_chunk_and_done(openai: FakeOpenAI) -> None:
    openai.default_answer = '{"summary": "OOMKilled [E1]"}'
    done = complete(provider(openai.server), request())
    assert done.text == '{"summary": "OOMKilled [E1]"}'
    assert done.usage.prompt_tokens == 1873 and done.usage.completion_tokens == 5
    assert done.finish_reason == "stop"


def test_request_asks_for_usage_and_json_schema(openai: FakeOpenAI) -> None:
    openai.default_answer = "{}"
    complete(provider(openai.server), request())
    body = openai.server.hits("/v1/chat/completions")[0].body
    assert body["stream"] is True
    assert body["stream_options"] == {"include_usage": True}
    assert body["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "narrative", "strict": True, "schema": SCHEMA},
    }
    assert body["max_tokens"] == 256 and body["seed"] == 7


def test_usage_is_unknown_when_the_server_sends_none(openai: FakeOpenAI) -> None:
    openai.answers.append(
        Reply(
            chunks=sse_events("hello", "qwen2.5:3b", include_usage=False),
            content_type="text/event-stream",
        )
    )
    done = complete(provider(openai.server), request())
    assert done.text == "hello" and done.usage.prompt_tokens is None


def test_usage_chunk_with_null_choices_is_accepted(openai: FakeOpenAI) -> None:
    events = sse_events("hi", "m", include_usage=True)
    usage_event = json.loads(events[-2][6:])
    usage_event["choices"] = None  # vLLM's variant
    events[-2] = b"data: " + json.dumps(usage_event).encode() + b"\n\n"
    openai.answers.append(
        Reply(chunks=[b": keep-alive comment\n\n", *events], content_type="text/event-stream")
    )
    assert complete(provider(openai.server), request()).usage.prompt_tokens == 1873


def test_bad_key_is_one_actionable_line(server: ScriptedServer) -> None:
    FakeOpenAI(server, api_key="sk-good")
    with pytest.raises(LLMError) as caught:
        complete(provider(server, key="sk-bad"), request())
    assert caught.value.kind is FailureKind.AUTH
    assert "OPENAI_API_KEY" in str(caught.value) and "HTTP 401" in str(caught.value)
    assert len(server.hits("/v1/chat/completions")) == 1


def test_context_length_exceeded(openai: FakeOpenAI) -> None:
    openai.answers.append(
        openai_error(
            400,
            "This model's maximum context length is 8192 tokens. However, your messages resulted in 9120 tokens.",
            "context_length_exceeded",
        )
    )
    with pytest.raises(LLMError) as caught:
        complete(provider(openai.server), request())
    assert caught.value.kind is FailureKind.CONTEXT_TOO_LONG
    assert "maximum context length is 8192" in str(caught.value)


def test_rate_limit_then_server_error_then_success(openai: FakeOpenAI) -> None:
    openai.answers += [
        openai_error(429, "Rate limit reached for requests", "rate_limit_exceeded", "requests"),
        openai_error(
            500, "The server had an error while processing your request.", None, "server_error"
        ),
        '{"summary": "ok"}',
    ]
    assert complete(provider(openai.server), request()).text == '{"summary": "ok"}'
    assert len(openai.server.hits("/v1/chat/completions")) == 3


def test_server_without_json_schema_support_is_asked_again_without(server: ScriptedServer) -> None:
    fake = FakeOpenAI(server, json_schema=False)
    fake.default_answer = '{"summary": "ok"}'
    assert complete(provider(server), request()).text == '{"summary": "ok"}'
    first, second = server.hits("/v1/chat/completions")
    assert "response_format" in first.body and "response_format" not in second.body


@pytest.mark.parametrize(
    "chunks",
    [
        sse_events("cut before the end", "m", include_usage=True, done=False),
        [b'data: {"choices":[{"index":0,"delta":{"content":"x"}}]}\n\n', b"data: {oops\n\n"],
    ],
    ids=["no-done-marker", "malformed-event"],
)
def test_broken_sse_streams_are_protocol_errors(openai: FakeOpenAI, chunks: list[bytes]) -> None:
    openai.answers.append(Reply(chunks=chunks, content_type="text/event-stream"))
    with pytest.raises(LLMError) as caught:
        complete(provider(openai.server), request())
    assert caught.value.kind is FailureKind.PROTOCOL


def test_error_event_mid_stream(openai: FakeOpenAI) -> None:
    chunks = sse_events("partial", "m", include_usage=False, done=False)
    chunks.append(
        b'data: {"error": {"message": "the request exceeds the available context size, try increasing it", "code": 400}}\n\n'
    )
    openai.answers.append(Reply(chunks=chunks, content_type="text/event-stream"))
    with pytest.raises(LLMError) as caught:
        complete(provider(openai.server), request())
    assert caught.value.kind is FailureKind.CONTEXT_TOO_LONG


def test_unknown_model(openai: FakeOpenAI) -> None:
    with pytest.raises(LLMError) as caught:
        complete(provider(openai.server), request("gpt-9"))
    assert caught.value.kind is FailureKind.MODEL_NOT_FOUND


def test_wrong_base_url_is_not_reported_as_a_missing_model(server: ScriptedServer) -> None:
    FakeOpenAI(server)
    wrong = OpenAICompatProvider(server.url, FAST, NO_WAIT)  # forgot /v1
    with pytest.raises(LLMError, match="OPENAI_BASE_URL"):
        complete(wrong, request())


def test_models_listing(openai: FakeOpenAI) -> None:
    openai.models.append("llama3.1:8b")
    status = provider(openai.server).status()
    assert status.reachable and [m.name for m in status.models] == ["qwen2.5:3b", "llama3.1:8b"]


def test_hosted_endpoint_without_key_fails_before_sending() -> None:
    hosted = OpenAICompatProvider("https://api.example.invalid/v1", FAST, NO_WAIT)
    with pytest.raises(LLMError) as caught:
        complete(hosted, request())
    assert caught.value.kind is FailureKind.AUTH


@pytest.mark.parametrize(
    ("url", "local"),
    [
        ("http://127.0.0.1:8000/v1", True),
        ("http://localhost:1234/v1", True),
        ("http://[::1]:8080/v1", True),
        ("https://api.openai.com/v1", False),
        ("http://10.0.0.5:8000/v1", False),
    ],
)
def test_local_urls(url: str, local: bool) -> None:
    assert is_local_url(url) is local
