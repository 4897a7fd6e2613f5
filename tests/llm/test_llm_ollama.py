"""The Ollama provider against a protocol-faithful local server."""

from __future__ import annotations

import socket

import pytest
from llm_helpers import FAST, NO_WAIT
from servers import FakeOllama, Reply, ScriptedServer, ollama_lines

from opslens.llm.errors import FailureKind, LLMError
from opslens.llm.providers.base import ChatRequest, Message, Role, complete
from opslens.llm.providers.ollama import OllamaProvider, has_model, normalize
from opslens.llm.settings import Timeouts

SCHEMA = {"type": "object", "properties": {"summary": {"type": "string"}}, "required": ["summary"]}


def request(model: str = "qwen2.5:3b") -> ChatRequest:
    return ChatRequest(
        model=model,
        messages=(Message(Role.SYSTEM, "be brief"), Message(Role.USER, "what happened?")),
        schema=SCHEMA,
        temperature=0.1,
        seed=7,
        num_ctx=8192,
        max_tokens=512,
    )


def provider(server: ScriptedServer, timeouts: Timeouts = FAST) -> OllamaProvider:
    return OllamaProvider(server.url, timeouts, NO_WAIT)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_stream_is_joined_with_usage_and_timings(ollama: FakeOllama) -> None:
    ollama.default_answer = '{"summary": "The pod was OOMKilled [E1]."}'
    done = complete(provider(ollama.server), request())
    assert done.text == '{"summary": "The pod was OOMKilled [E1]."}'
    assert done.usage.prompt_tokens == 1873
    assert done.usage.completion_tokens == len(ollama_lines(done.text, "m")) - 1
    assert done.finish_reason == "stop"
    assert done.timings["load"] == pytest.approx(1.402116305)
    assert done.first_token_s is not None and done.first_token_s <= done.total_s


def test_request_carries_schema_options_and_streaming(ollama: FakeOllama) -> None:
    ollama.default_answer = "{}"
    complete(provider(ollama.server), request())
    body = ollama.server.hits("/api/chat")[0].body
    assert body["stream"] is True
    assert body["format"] == SCHEMA
    assert body["options"] == {"temperature": 0.1, "seed": 7, "num_ctx": 8192, "num_predict": 512}
    assert [m["role"] for m in body["messages"]] == ["system", "user"]


def test_error_line_inside_a_200_stream_is_an_error(ollama: FakeOllama) -> None:
    chunks = ollama_lines("The pod was OOMKilled because", "qwen2.5:3b", error_after=2)
    ollama.answers.append(Reply(chunks=chunks, content_type="application/x-ndjson"))
    with pytest.raises(LLMError) as caught:
        complete(provider(ollama.server), request())
    assert caught.value.kind is FailureKind.SERVER
    assert "error was encountered while running the model" in str(caught.value)


def test_missing_model_says_how_to_pull_it(ollama: FakeOllama) -> None:
    with pytest.raises(LLMError) as caught:
        complete(provider(ollama.server), request("llama3.1:8b"))
    assert caught.value.kind is FailureKind.MODEL_NOT_FOUND
    assert "run `ollama pull llama3.1:8b`" in str(caught.value)
    assert len(ollama.server.hits("/api/chat")) == 1  # a 404 is never retried


@pytest.mark.parametrize(
    ("failures", "status", "served"),
    [(1, 500, True), (2, 503, True), (3, 500, False), (1, 429, True)],
)
def test_5xx_and_429_are_retried_a_bounded_number_of_times(
    ollama: FakeOllama, failures: int, status: int, served: bool
) -> None:
    ollama.answers.extend(
        Reply(
            status, {"error": "llama runner process has terminated"}, headers={"Retry-After": "0"}
        )
        for _ in range(failures)
    )
    ollama.answers.append('{"summary": "ok"}')
    if served:
        assert complete(provider(ollama.server), request()).text == '{"summary": "ok"}'
    else:
        with pytest.raises(LLMError) as caught:
            complete(provider(ollama.server), request())
        assert caught.value.kind is FailureKind.SERVER
    assert len(ollama.server.hits("/api/chat")) == min(failures + 1, NO_WAIT.retries + 1)


def test_other_4xx_is_not_retried(ollama: FakeOllama) -> None:
    ollama.answers.append(Reply(400, {"error": "invalid options: num_ctx"}))
    with pytest.raises(LLMError) as caught:
        complete(provider(ollama.server), request())
    assert caught.value.kind is FailureKind.BAD_REQUEST
    assert len(ollama.server.hits("/api/chat")) == 1


def test_slow_first_token_times_out(ollama: FakeOllama) -> None:
    chunks = ollama_lines("late", "qwen2.5:3b")
    ollama.answers.append(
        Reply(chunks=chunks, first_chunk_delay=1.0, content_type="application/x-ndjson")
    )
    quick = Timeouts(connect=1.0, first_token=0.3, total=5.0)
    with pytest.raises(LLMError) as caught:
        complete(provider(ollama.server, quick), request())
    assert caught.value.kind is FailureKind.TIMEOUT


def test_total_timeout_stops_a_slow_stream(ollama: FakeOllama) -> None:
    chunks = ollama_lines("x" * 70, "qwen2.5:3b")  # 10 pieces, 0.15 s apart
    ollama.answers.append(Reply(chunks=chunks, gap=0.15, content_type="application/x-ndjson"))
    quick = Timeouts(connect=1.0, first_token=1.0, total=0.5)
    with pytest.raises(LLMError) as caught:
        complete(provider(ollama.server, quick), request())
    assert caught.value.kind is FailureKind.TIMEOUT
    assert "0.5s" in str(caught.value)


@pytest.mark.parametrize(
    ("chunks", "cut"),
    [
        (
            [
                b'{"model":"qwen2.5:3b","message":{"role":"assistant","content":"hi"},"done":false}\n',
                b"{not json\n",
            ],
            False,
        ),
        (ollama_lines("no done line", "qwen2.5:3b", done=False), False),
        (ollama_lines("connection dropped", "qwen2.5:3b", done=False), True),
    ],
    ids=["malformed-chunk", "stream-without-done", "connection-cut"],
)
def test_broken_streams_are_protocol_errors(
    ollama: FakeOllama, chunks: list[bytes], cut: bool
) -> None:
    ollama.answers.append(Reply(chunks=chunks, cut=cut, content_type="application/x-ndjson"))
    with pytest.raises(LLMError) as caught:
        complete(provider(ollama.server), request())
    assert caught.value.kind is FailureKind.PROTOCOL


def test_unreachable_host_is_one_clear_line() -> None:
    port = free_port()
    dead = OllamaProvider(f"http://127.0.0.1:{port}", FAST, NO_WAIT)
    with pytest.raises(LLMError) as caught:
        complete(dead, request())
    message = str(caught.value)
    assert caught.value.kind is FailureKind.UNREACHABLE
    assert f"not reachable at 127.0.0.1:{port}" in message and "\n" not in message


def test_metadata_endpoints(ollama: FakeOllama) -> None:
    ollama.loaded = [
        {
            "name": "qwen2.5:3b",
            "model": "qwen2.5:3b",
            "size": 3_200_000_000,
            "size_vram": 1_600_000_000,
            "context_length": 8192,
            "expires_at": "2025-06-10T09:00:00Z",
        }
    ]
    p = provider(ollama.server)
    status = p.status()
    assert status.reachable and status.version == "0.9.6"
    assert [m.name for m in status.models] == ["qwen2.5:3b"]
    assert status.loaded[0].size_vram == 1_600_000_000 and status.loaded[0].context_length == 8192
    assert p.context_length("qwen2.5:3b") == 32768


def test_modelfile_num_ctx_wins_over_trained_context(server: ScriptedServer) -> None:
    FakeOllama(server, num_ctx=4096)
    assert provider(server).context_length("qwen2.5:3b") == 4096


def test_show_for_a_missing_model_says_pull(ollama: FakeOllama) -> None:
    with pytest.raises(LLMError, match="ollama pull mistral:7b"):
        provider(ollama.server).context_length("mistral:7b")


@pytest.mark.parametrize(
    ("wanted", "present"),
    [("qwen2.5:3b", True), ("qwen2.5", False), ("llama3", True), ("library/llama3:latest", False)],
)
def test_model_names_default_to_latest_tag(wanted: str, present: bool) -> None:
    from opslens.llm.providers.base import ModelInfo

    pulled = [ModelInfo("qwen2.5:3b"), ModelInfo("llama3:latest")]
    assert has_model(pulled, wanted) is present
    assert normalize("registry.local:5000/team/model") == "registry.local:5000/team/model:latest"
