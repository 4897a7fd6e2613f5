"""Open WebUI's background tasks, recognised and answered without a triage.

After each answer Open WebUI asks the same model for a chat title, tags and follow-up
suggestions (and, when enabled, search queries, autocompletion, an emoji). Each is one user
message rendered from a template in its `config.py` that starts with `### Task:` and names its
JSON output, e.g. `{ "title": "..." }`; Open WebUI keeps the text between the first `{` and the
last `}` and reads one key. The chat history inside the prompt holds our previous answer, whose
hypothesis line (`1. **cert-expiry** (91%) — Deployment shop/inventory: ...`) is enough for a
good title and tags: cheap string work, never a triage.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["BackgroundTask", "answer_task", "recognise"]

# The template wording that identifies each task (stable across Open WebUI releases; users
# can override templates, so the JSON key named in the output section is matched as well).
_MARKERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("title", re.compile(r"Generate a concise(?:, 3-5 word)? title|\{\s*\"title\"\s*:")),
    ("tags", re.compile(r"Generate 1-3 broad tags|\{\s*\"tags\"\s*:")),
    ("follow_ups", re.compile(r"Suggest 3-5 relevant follow-up|\{\s*\"follow_ups\"\s*:")),
    ("queries", re.compile(r"necessity of generating search queries|\{\s*\"queries\"\s*:")),
    ("text", re.compile(r"You are an autocompletion system")),
    ("prompt", re.compile(r"Generate a detailed prompt for a[mn]? image generation task")),
)
_EMOJI = re.compile(r"reflect the speaker's likely facial expression")
# `{{MESSAGES:END:n}}` renders `ASSISTANT: ` before a message's first line.
_TOP = re.compile(r"^(?:ASSISTANT: )?1\. \*\*([a-z0-9-]+)\*\* \((\d+)%\)(?: — (\S+) (?:([\w.-]+)/)?([\w.-]+))?", re.MULTILINE)
_OTHERS = re.compile(r"^(?:ASSISTANT: )?\d+\. \*\*([a-z0-9-]+)\*\* \(", re.MULTILINE)


@dataclass(frozen=True)
class BackgroundTask:
    """A recognised task: the JSON key Open WebUI reads (or `emoji`), and the prompt."""

    key: str
    prompt: str


def recognise(messages_text: list[tuple[str, str]]) -> BackgroundTask | None:
    """The task a request is, from its (role, text) messages; None for a real chat turn.

    Tasks come as a single user message (some pipelines add a system message first)."""
    users = [text for role, text in messages_text if role == "user"]
    if len(users) != 1 or any(role == "assistant" for role, _ in messages_text):
        return None
    prompt = users[0]
    if _EMOJI.search(prompt):
        return BackgroundTask("emoji", prompt)
    if not prompt.lstrip().startswith("### Task:"):
        return None
    for key, marker in _MARKERS:
        if marker.search(prompt):
            return BackgroundTask(key, prompt)
    return None


def answer_task(task: BackgroundTask) -> str:
    """The brief answer Open WebUI parses for `task`."""
    if task.key == "emoji":
        return "🔎"
    return json.dumps({task.key: _ANSWERS[task.key](task.prompt)}, ensure_ascii=False)


def _title(prompt: str) -> str:
    top = _TOP.search(prompt)
    if top is None:
        return "Incident triage"
    category, _, _, namespace, name = top.groups()
    where = namespace or name
    return f"{category} in {where}" if where else category


def _tags(prompt: str) -> list[str]:
    tags = ["Incident"]
    tags += list(dict.fromkeys(_OTHERS.findall(prompt)))[:3]
    top = _TOP.search(prompt)
    if top is not None and top.group(4):
        tags.append(top.group(4))
    return tags


def _follow_ups(prompt: str) -> list[str]:
    found = list(dict.fromkeys(_OTHERS.findall(prompt)))
    if not found:
        return ["What should I paste for a triage?"]
    asks = [f"Why {found[0]}?", "Show the evidence for 1", "What next?"]
    if len(found) > 1:
        asks.insert(1, f"Why not {found[1]}?")
    if "bad-deploy" not in found:
        asks.append("Why not the deploy?")
    return asks[:5]


_ANSWERS: dict[str, Callable[[str], object]] = {
    "title": _title,
    "tags": _tags,
    "follow_ups": _follow_ups,
    "queries": lambda prompt: [],   # opslens answers from the paste, never from a web search
    "text": lambda prompt: "",      # no autocompletion: an empty continuation is a valid one
    "prompt": lambda prompt: "",
}
