"""A replay of what a real Open WebUI sends for one chat, and the narrative path with a model.

The sequence (see chat_helpers for where each shape comes from): the model list; the chat
completion with the attached files inlined, streamed; then the title, tags and follow-up
background tasks, each parsed the way Open WebUI parses it; then a follow-up turn with the
whole history. Background tasks must never run a triage.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest
from chat_helpers import (
    FOLLOW_UP_TEMPLATE,
    OOM_PASTE,
    TAGS_TEMPLATE,
    TITLE_TEMPLATE,
    CountingTriage,
    attached,
    example_files,
    parse_like_open_webui,
    task_body,
)
from server_helpers import TOKEN

from opslens.server import ServerSettings
from opslens.store import Store

sys.path.insert(0, str(Path(__file__).parents[1] / "llm"))  # the wire-faithful model servers
from servers import FakeOllama, ScriptedServer, prompt_text  # noqa: E402

SETTINGS = ServerSettings(tokens={"ops": TOKEN}, worker=False, llm="none")


@pytest.fixture
def triage() -> CountingTriage:
    return CountingTriage()


@pytest.fixture
def webui(serve: Callable[..., str], store: Store, triage: CountingTriage) -> Iterator[httpx.Client]:
    """An HTTP client configured as Open WebUI's OpenAI connection: base URL `/v1`, the key."""
    url = serve(SETTINGS, store, triage=triage)
    with httpx.Client(base_url=f"{url}/v1", timeout=60,
                      headers={"Authorization": f"Bearer {TOKEN}"}) as http:
        yield http


def _sse(reply: httpx.Response) -> list[Any]:
    """The `data:` payloads of an event stream, `[DONE]` kept as a string."""
    events = []
    for block in reply.text.split("\n\n"):
        if block.strip():
            assert block.startswith("data: "), block[:80]
            payload = block[len("data: "):]
            events.append(payload if payload == "[DONE]" else json.loads(payload))
    return events


def _complete(webui: httpx.Client, body: dict[str, Any]) -> str:
    reply = webui.post("/chat/completions", json=body)
    assert reply.status_code == 200, reply.text
    return str(reply.json()["choices"][0]["message"]["content"])


@pytest.mark.parametrize("usage_capability", [True, False])
def test_one_open_webui_chat_replayed(
    webui: httpx.Client, triage: CountingTriage, usage_capability: bool
) -> None:
    listed = webui.get("/models").json()
    assert listed["object"] == "list" and listed["data"][0]["id"] == "opslens"

    # The chat turn: files attached, "Usage" capability on or off for the model.
    question = attached(example_files(), "what broke in shop?")
    body: dict[str, Any] = {"stream": True, "model": "opslens",
                            "messages": [{"role": "user", "content": question}]}
    if usage_capability:
        body["stream_options"] = {"include_usage": True}
    reply = webui.post("/chat/completions", json=body)
    assert reply.status_code == 200
    assert reply.headers["content-type"].startswith("text/event-stream")
    events = _sse(reply)
    assert events[-1] == "[DONE]"
    chunks = events[:-1]
    assert all(c["object"] == "chat.completion.chunk" for c in chunks)
    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    if usage_capability:
        *chunks, usage = chunks
        assert usage["choices"] == [] and usage["usage"]["completion_tokens"] > 0
    assert chunks[-1]["choices"][0] == {"index": 0, "delta": {}, "logprobs": None,
                                        "finish_reason": "stop"}
    answer = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks)
    assert "1. **cert-expiry**" in answer
    assert triage.runs == 1

    # The background tasks, on the stored messages (the user's words, our answer).
    stored = [{"role": "user", "content": "what broke in shop?"},
              {"role": "assistant", "content": answer}]
    title = _complete(webui, task_body(TITLE_TEMPLATE, stored, 2, "opslens",
                                       max_completion_tokens=1000))
    assert parse_like_open_webui(title, "title") == "cert-expiry in shop"
    tags = parse_like_open_webui(_complete(webui, task_body(TAGS_TEMPLATE, stored, 6, "opslens")),
                                 "tags")
    assert "cert-expiry" in tags and all(isinstance(t, str) for t in tags)
    follow_ups = parse_like_open_webui(
        _complete(webui, task_body(FOLLOW_UP_TEMPLATE, stored, 6, "opslens")), "follow_ups")
    assert 3 <= len(follow_ups) <= 5 and "Why not the deploy?" in follow_ups
    assert triage.runs == 1  # no background task triaged anything

    # A suggested follow-up, clicked: the history again, the files re-inlined by Open WebUI.
    turn = [*stored, {"role": "user", "content": attached(example_files(), "Why not the deploy?")}]
    said = _complete(webui, {"model": "opslens", "stream": False, "messages": turn})
    assert said.startswith("No **bad-deploy** hypothesis"), said[:300]
    assert "**cert-expiry**" in said
    assert triage.runs == 1


def test_a_title_request_before_any_answer_gets_a_plain_title(webui: httpx.Client) -> None:
    stored = [{"role": "user", "content": "hello"}]
    title = _complete(webui, task_body(TITLE_TEMPLATE, stored, 2, "opslens"))
    assert parse_like_open_webui(title, "title") == "Incident triage"


def test_the_narrative_of_a_chosen_model_is_in_the_brief(
    serve: Callable[..., str], store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`opslens/<model>` narrates with that model through the LLM layer (here a wire-faithful
    Ollama), and the brief carries its verified narrative."""
    with ScriptedServer() as server:
        monkeypatch.setenv("OLLAMA_HOST", f"127.0.0.1:{server.port}")
        ollama = FakeOllama(server)
        ollama.default_answer = json.dumps({
            "summary": "checkout is OOM-killed at its 256Mi limit since the new replica set [E4].",
            "hypotheses": []})
        settings = SETTINGS.model_copy(update={"llm": "ollama", "model": "qwen2.5:3b"})
        url = serve(settings, store)
        with openai.OpenAI(base_url=f"{url}/v1", api_key=TOKEN, max_retries=0) as client:
            assert "opslens/qwen2.5:3b" in [m.id for m in client.models.list()]
            done = client.chat.completions.create(
                model="opslens/qwen2.5:3b", messages=[{"role": "user", "content": OOM_PASTE}])
        (chat,) = server.hits("/api/chat")
    text = done.choices[0].message.content or ""
    assert "## Narrative (qwen2.5:3b)" in text, text[-1500:]
    assert "OOM-killed at its 256Mi limit" in text
    assert "OOMKilled" in prompt_text(chat)  # the model saw the pasted evidence
