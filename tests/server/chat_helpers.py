"""What the chat-endpoint tests send: the bundled example as a chat client inlines it, a
chat-sized mixed paste, and Open WebUI's requests (imported by name: `from chat_helpers import
...`).

Open WebUI's shapes come from its public source (backend/open_webui): the chat request its
frontend sends (`stream: true`, and `stream_options: {include_usage: true}` only when the
model's "usage" capability is on), forwarded by `routers/openai.py` without its `metadata`;
attached files inlined by `utils/middleware.py` as its RAG template (`### Task: ...
<context><source id="1" name="file">body</source></context>`) prepended to the last user
message; and the background tasks of `routers/tasks.py`: one user message rendered from the
templates of `config.py`, `stream: false`, the title one with `max_completion_tokens`. The
templates below are abridged to their first lines, output line and chat history, which is
what identifies them; `{{MESSAGES:END:n}}` renders as `ROLE: content` lines.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from opslens.pipeline import TriageOptions, TriageOutcome, run_triage

ROOT = Path(__file__).parents[2]
EXAMPLE = ROOT / "examples" / "cert-expiry"
OOM_PASTE = (Path(__file__).parent / "chat_data" / "oom-paste.txt").read_text()

RAG_PREAMBLE = """### Task:
Respond to the user query using the provided context, incorporating inline citations in the \
format [id] **only when the <source> tag includes an explicit id attribute** (e.g., <source id="1">).

### Output:
Provide a clear and direct response to the user's query, including inline citations in the \
format [id] only when the <source> tag with id attribute is present in the context.

<context>
{context}
</context>
"""

TITLE_TEMPLATE = """### Task:
Generate a concise, 3-5 word title with an emoji summarizing the chat history.
### Output:
JSON format: { "title": "your concise title here" }
### Chat History:
<chat_history>
{history}
</chat_history>"""

TAGS_TEMPLATE = """### Task:
Generate 1-3 broad tags categorizing the main themes of the chat history, along with 1-3 more \
specific subtopic tags.

### Output:
JSON format: { "tags": ["tag1", "tag2", "tag3"] }

### Chat History:
<chat_history>
{history}
</chat_history>"""

FOLLOW_UP_TEMPLATE = """### Task:
Suggest 3-5 relevant follow-up questions or prompts that the user might naturally ask next in \
this conversation as a **user**, based on the chat history, to help continue or deepen the \
discussion.
### Output:
JSON format: { "follow_ups": ["Question 1?", "Question 2?", "Question 3?"] }
### Chat History:
<chat_history>
{history}
</chat_history>"""


def example_files() -> list[Path]:
    """Every file of the bundled example, in a stable order."""
    return sorted(p for p in EXAMPLE.rglob("*") if p.is_file())


def attached(files: list[Path], question: str) -> str:
    """The last user message Open WebUI sends when `files` are attached in full-context mode."""
    sources = "\n".join(f'<source id="{i}" name="{p.name}">{p.read_text()}</source>'
                        for i, p in enumerate(files, 1))
    return RAG_PREAMBLE.format(context=sources) + "\n" + question


def history(messages: list[dict[str, str]], last: int) -> str:
    """`{{MESSAGES:END:last}}` as Open WebUI renders it."""
    return "\n".join(f"{m['role'].upper()}: {m['content']}" for m in messages[-last:])


def task_body(template: str, messages: list[dict[str, str]], last: int, model: str,
              **extra: Any) -> dict[str, Any]:
    """A background-task request as it reaches us."""
    prompt = template.replace("{history}", history(messages, last))
    return {"model": model, "messages": [{"role": "user", "content": prompt}], "stream": False,
            **extra}


def parse_like_open_webui(content: str, key: str) -> Any:
    """What Open WebUI reads from a task answer: JSON between the first `{` and the last `}`."""
    import json

    return json.loads(content[content.find("{"): content.rfind("}") + 1]).get(key)


class CountingTriage:
    """`run_triage`, counting its runs (the app takes its triage function as a parameter)."""

    def __init__(self) -> None:
        self.runs = 0
        self._lock = threading.Lock()

    def __call__(self, options: TriageOptions, **kwargs: Any) -> TriageOutcome:
        with self._lock:
            self.runs += 1
        return run_triage(options, **kwargs)


Triage = Callable[..., TriageOutcome]
