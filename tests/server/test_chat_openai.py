"""The OpenAI-compatible endpoint as the official `openai` client sees it: a real server on
127.0.0.1, the real pipeline, both stream modes, usage, follow-ups, errors."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import openai
import pytest
from chat_helpers import OOM_PASTE, CountingTriage, attached, example_files
from server_helpers import TOKEN

from opslens.server import ServerSettings
from opslens.store import Store

SETTINGS = ServerSettings(tokens={"ops": TOKEN}, worker=False, llm="none")


@pytest.fixture
def triage() -> CountingTriage:
    return CountingTriage()


@pytest.fixture
def url(serve: Callable[..., str], store: Store, triage: CountingTriage) -> str:
    return serve(SETTINGS, store, triage=triage)


@pytest.fixture
def client(url: str) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(base_url=f"{url}/v1", api_key=TOKEN, max_retries=0, timeout=60) as made:
        yield made


def _user(content: str) -> list[dict[str, str]]:
    return [{"role": "user", "content": content}]


def test_models_lists_opslens_in_the_openai_list_format(client: openai.OpenAI) -> None:
    ids = [model.id for model in client.models.list()]
    assert ids[0] == "opslens"
    assert all(i == "opslens" or i.startswith("opslens/") for i in ids)


def test_the_example_bundle_non_streamed_has_the_right_top_hypothesis(client: openai.OpenAI) -> None:
    done = client.chat.completions.create(
        model="opslens", messages=_user(attached(example_files(), "What broke?")))
    (choice,) = done.choices
    text = choice.message.content or ""
    assert choice.finish_reason == "stop" and choice.message.role == "assistant"
    assert "1. **cert-expiry**" in text, text[:2000]
    assert "## Checks (read-only)" in text and "kubectl -n shop get certificates" in text
    assert "## Evidence" in text  # hypotheses cite ids whose lines are quoted below
    assert done.usage is not None and done.usage.prompt_tokens > 1000
    assert done.usage.completion_tokens > 100
    assert done.usage.total_tokens == done.usage.prompt_tokens + done.usage.completion_tokens


def test_the_example_bundle_streamed_joins_to_the_same_brief(client: openai.OpenAI) -> None:
    messages = _user(attached(example_files(), "What broke?"))
    stream = client.chat.completions.create(
        model="opslens", messages=messages, stream=True, stream_options={"include_usage": True})
    chunks = list(stream)
    assert chunks[0].choices[0].delta.role == "assistant"
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    finishes = [c.choices[0].finish_reason for c in chunks if c.choices]
    assert finishes[-1] == "stop" and set(finishes[:-1]) == {None}
    assert chunks[-1].choices == [] and chunks[-1].usage is not None
    assert chunks[-1].usage.completion_tokens > 100
    assert len({c.id for c in chunks}) == 1
    whole = client.chat.completions.create(model="opslens", messages=messages)
    assert text == whole.choices[0].message.content
    assert "1. **cert-expiry**" in text


def test_a_mixed_paste_of_describe_events_and_logs_is_triaged(client: openai.OpenAI) -> None:
    done = client.chat.completions.create(model="opslens", messages=_user(OOM_PASTE))
    text = done.choices[0].message.content or ""
    assert "1. **oom**" in text, text[:1500]
    assert "Reason:       OOMKilled" in text or "OOMKilled" in text
    assert "kubectl -n shop describe pod checkout-7d4b8c9f6-t6v2n" in text


def test_a_message_without_material_gets_what_to_paste(
    client: openai.OpenAI, triage: CountingTriage
) -> None:
    done = client.chat.completions.create(model="opslens", messages=_user("hi, can you help?"))
    text = done.choices[0].message.content or ""
    assert "kubectl describe" in text and "journalctl" in text
    assert triage.runs == 0


def test_follow_ups_answer_from_the_first_paste_without_a_second_triage(
    client: openai.OpenAI, triage: CountingTriage
) -> None:
    first = client.chat.completions.create(model="opslens", messages=_user(OOM_PASTE))
    chat = [*_user(OOM_PASTE), {"role": "assistant", "content": first.choices[0].message.content}]

    def ask(question: str) -> str:
        done = client.chat.completions.create(model="opslens", messages=[*chat, *_user(question)])
        return done.choices[0].message.content or ""

    why_not = ask("why not the deploy?")
    assert "**bad-deploy** is hypothesis 2" in why_not, why_not
    assert "Evidence for it:" in why_not and "ScalingReplicaSet" in why_not
    assert ask("why 2?") == why_not
    next_steps = ask("what next?")
    assert "kubectl -n shop describe pod checkout-7d4b8c9f6-t6v2n" in next_steps
    evidence = ask("show the evidence for 1")
    assert "**oom**" in evidence and "OOMKill" in evidence
    assert "java.lang.OutOfMemoryError" in evidence or "Exit Code:    137" in evidence
    assert triage.runs == 1  # the history's material is the same: the cached report answers


def test_why_not_a_category_without_a_hypothesis_says_so(client: openai.OpenAI) -> None:
    chat = [*_user(OOM_PASTE), {"role": "assistant", "content": "(the brief)"}]
    done = client.chat.completions.create(
        model="opslens", messages=[*chat, *_user("why not dns?")])
    text = done.choices[0].message.content or ""
    assert text.startswith("No **dns-failure** hypothesis") and "**oom**" in text


def test_without_a_token_it_is_401_in_openai_shape(url: str) -> None:
    with (openai.OpenAI(base_url=f"{url}/v1", api_key="wrong", max_retries=0) as bad,
          pytest.raises(openai.AuthenticationError) as raised):
        bad.models.list()
    assert raised.value.status_code == 401
    body = httpx.post(f"{url}/v1/chat/completions", json={}).json()
    assert body["error"]["type"] == "authentication_error"
    assert body["error"]["message"] == "missing bearer token"


@pytest.mark.parametrize(("body", "param"), [
    (b"{not json", None),
    (b'{"model": "opslens"}', "messages"),
    (b'{"model": "opslens", "messages": [{"role": "robot", "content": "x"}]}', "messages.0.role"),
    (b'[1, 2]', None),
])
def test_a_malformed_body_is_400_in_openai_shape(url: str, body: bytes, param: str | None) -> None:
    reply = httpx.post(f"{url}/v1/chat/completions", content=body,
                       headers={"Authorization": f"Bearer {TOKEN}",
                                "Content-Type": "application/json"})
    assert reply.status_code == 400
    error = reply.json()["error"]
    assert error["type"] == "invalid_request_error" and error["message"]
    assert error["param"] == param and set(error) == {"message", "type", "param", "code"}


def test_an_unknown_model_is_404_model_not_found(client: openai.OpenAI) -> None:
    with pytest.raises(openai.NotFoundError) as raised:
        client.chat.completions.create(model="gpt-4o", messages=_user(OOM_PASTE))
    assert raised.value.code == "model_not_found"


def test_a_chat_body_over_the_upload_limit_is_413(serve: Callable[..., str], store: Store) -> None:
    url = serve(SETTINGS.model_copy(update={"upload_max_bytes": 4096}), store)
    with (openai.OpenAI(base_url=f"{url}/v1", api_key=TOKEN, max_retries=0) as small,
          pytest.raises(openai.APIStatusError) as raised):
        small.chat.completions.create(model="opslens", messages=_user(OOM_PASTE * 3))
    assert raised.value.status_code == 413
