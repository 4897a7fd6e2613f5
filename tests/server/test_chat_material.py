"""Reading a chat: material (attachments, fenced blocks, raw pastes) apart from the question;
and Open WebUI's background tasks told apart from chat turns. Pure functions, table-driven."""

from __future__ import annotations

import json

import pytest
from chat_helpers import FOLLOW_UP_TEMPLATE, RAG_PREAMBLE, TAGS_TEMPLATE, TITLE_TEMPLATE

from opslens.server.chat.material import read_chat
from opslens.server.chat.protocol import Message
from opslens.server.chat.tasks import answer_task, recognise

LOG = "2025-05-06T14:12:30Z ERROR db timeout\n2025-05-06T14:12:31Z ERROR db timeout\n"


def _user(content: object) -> Message:
    return Message.model_validate({"role": "user", "content": content})


@pytest.mark.parametrize(("content", "names", "question"), [
    ("why is checkout down?", [], "why is checkout down?"),
    (f"what is this?\n{LOG}", ["paste.txt"], "what is this?"),
    (f"look:\n```\n{LOG}```\nthoughts?", ["block-1.txt"], "look:\n\nthoughts?"),
    ("```alerts.json\n{}\n```\n```json\n[1]\n```", ["alerts.json", "block-2.json"], ""),
    ("one line 12:00:01 only", [], "one line 12:00:01 only"),
    (RAG_PREAMBLE.format(context=f'<source id="1" name="pods/api.log">{LOG}</source>') + "\nwhy?",
     ["api.log"], "why?"),
    ([{"type": "text", "text": f"see\n{LOG}"}, {"type": "image_url", "image_url": {"url": "x"}}],
     ["paste.txt"], "see"),
])
def test_material_and_question(content: object, names: list[str], question: str) -> None:
    chat = read_chat([_user(content)])
    assert [p.name for p in chat.pieces] == names
    assert chat.question == question


def test_chunks_of_one_attachment_are_joined_under_its_name() -> None:
    context = ('<source id="1" name="api.log">line one 10:00:00 ERROR</source>\n'
               '<source id="1" name="api.log">line two 10:00:01 ERROR</source>')
    (piece,) = read_chat([_user(RAG_PREAMBLE.format(context=context) + "\nq")]).pieces
    assert piece.text == "line one 10:00:00 ERROR\nline two 10:00:01 ERROR\n"


def test_assistant_messages_are_never_material_and_repeats_count_once() -> None:
    chat = read_chat([_user(LOG), Message(role="assistant", content=LOG), _user(LOG),
                      _user("why not the deploy?")])
    assert [p.name for p in chat.pieces] == ["paste.txt"]
    assert chat.answered_before and not chat.latest_has_material
    assert chat.question == "why not the deploy?"


def test_older_open_webui_puts_attachments_in_the_system_message() -> None:
    """Before `RAG_SYSTEM_CONTEXT`, the template (ending in `<user_query>`) went to the system
    message and stayed there on every turn: material, while the question is the user's."""
    system = RAG_PREAMBLE.format(context=f'<source id="1" name="api.log">{LOG}</source>')
    system += "\n<user_query>\nwhy?\n</user_query>"
    chat = read_chat([Message(role="system", content=system), _user("why?"),
                      Message(role="assistant", content="brief"), _user("what next?")])
    assert [p.name for p in chat.pieces] == ["api.log"]
    assert chat.question == "what next?" and not chat.latest_has_material


def test_unsafe_attachment_names_become_plain_file_names() -> None:
    context = '<source id="1" name="../../etc/pass wd">x 10:00:00 ERROR\ny 10:00:01 ERROR</source>'
    (piece,) = read_chat([_user(RAG_PREAMBLE.format(context=context))]).pieces
    assert piece.name == "pass_wd"


def test_the_digest_follows_the_content() -> None:
    one, same, other = (read_chat([_user(text)]) for text in (LOG, LOG, LOG + LOG.upper()))
    assert one.digest == same.digest != other.digest


HISTORY = "USER: what broke?\nASSISTANT: 1. **oom** (78%) — Deployment shop/checkout: killed"


@pytest.mark.parametrize(("prompt", "key"), [
    (TITLE_TEMPLATE.replace("{history}", HISTORY), "title"),
    (TAGS_TEMPLATE.replace("{history}", HISTORY), "tags"),
    (FOLLOW_UP_TEMPLATE.replace("{history}", HISTORY), "follow_ups"),
    ("### Task:\nAnalyze the chat history to determine the necessity of generating search "
     "queries, in the given language.\n{ \"queries\": [] }", "queries"),
    ("### Task:\nYou are an autocompletion system. Continue the text in `<text>`", "text"),
    ("Your task is to reflect the speaker's likely facial expression through a fitting emoji.",
     "emoji"),
])
def test_background_tasks_are_recognised(prompt: str, key: str) -> None:
    task = recognise([("user", prompt)])
    assert task is not None and task.key == key


@pytest.mark.parametrize("messages", [
    [("user", "### Task: figure out why my pod restarts\n" + LOG)],
    [("user", "hi")],
    [("user", TITLE_TEMPLATE), ("assistant", "x"), ("user", TITLE_TEMPLATE)],
])
def test_chat_turns_are_not_background_tasks(messages: list[tuple[str, str]]) -> None:
    assert recognise(messages) is None


@pytest.mark.parametrize(("template", "key", "expected"), [
    (TITLE_TEMPLATE, "title", "oom in shop"),
    (TAGS_TEMPLATE, "tags", ["Incident", "oom", "shop"]),
    (FOLLOW_UP_TEMPLATE, "follow_ups", ["Why oom?", "Show the evidence for 1", "What next?",
                                        "Why not the deploy?"]),
])
def test_task_answers_come_from_the_previous_brief(template: str, key: str, expected: object) -> None:
    task = recognise([("user", template.replace("{history}", HISTORY))])
    assert task is not None
    assert json.loads(answer_task(task)) == {key: expected}
