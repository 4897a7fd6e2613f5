"""Material in a chat: what the user pasted or attached, split from what they asked.

Three shapes reach us:

- **Attachments inlined by Open WebUI.** It prepends its RAG template to the last user message
  (or, with `RAG_SYSTEM_CONTEXT`, appends it to the system message): `### Task: ...
  <context><source id="1" name="pod.log">BODY</source>...</context>`, one `<source>` per
  retrieved chunk or per whole file in full-context mode. Chunks of one file are joined in the
  order given, under the file's own name (a pod log's name says which pod it is).
- **Fenced code blocks**, each a file of its own (named by the info string when it looks like
  a file name: ```` ```alerts.json ````).
- **Raw pasted text**: what is left, when at least two of its lines look machine-made
  (timestamps, log levels, `kubectl` tables and `describe` fields, JSON). The paste reader
  splits such mixed blobs itself; prose lines in it are harmless.

Whatever is not material is the question. Assistant messages are never material: they are our
own briefs, and re-reading their quotes would count the evidence twice.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from opslens.server.chat.protocol import Message

__all__ = ["Chat", "Piece", "read_chat"]

_SOURCE = re.compile(r"<source\b([^>]*)>(.*?)</source>", re.DOTALL)
_SOURCE_NAME = re.compile(r"""\bname\s*=\s*"([^"]*)\"""")
# The context block of the RAG template: its instructions mention `<source id="1">` themselves,
# so sources are looked for inside it when it is there.
_CONTEXT = re.compile(r"<context>\n?(.*)</context>", re.DOTALL)
_USER_QUERY = re.compile(r"<user_query>(.*?)</user_query>", re.DOTALL)
_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})[ \t]*([^\n`]*)\n(.*?)^[ \t]*\1[ \t]*$", re.DOTALL | re.MULTILINE)
_MACHINE_LINE = re.compile(
    r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d"                      # ISO-ish timestamps
    r"|\b\d\d:\d\d:\d\d\b"                                # clock times (syslog, klog)
    r"|\b(?:ERROR|WARN(?:ING)?|INFO|DEBUG|FATAL|CRITICAL|panic|Traceback|Exception)\b"
    r"|^\s*(?:Normal|Warning)\s+\w+"                      # event table rows
    r"|^(?:Name|Namespace|Status|Events|Containers|Conditions|Labels|Reason|Message):"
    r"|^(?:LAST SEEN|NAMESPACE|NAME|TYPE)\s{2,}"          # kubectl column headers
    r"|^\s*[{\[]\s*\""                                    # JSON lines
    r"|^\s*[$#] (?:kubectl|journalctl|docker|helm|systemctl)\b",
    re.MULTILINE,
)
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
_FENCE_EXT = {"json": "json", "yaml": "yaml", "yml": "yaml", "jsonl": "jsonl", "ndjson": "jsonl"}
MIN_MACHINE_LINES = 2


@dataclass(frozen=True)
class Piece:
    """One file's worth of material: the name it is written under and its text."""

    name: str
    text: str


@dataclass(frozen=True)
class Chat:
    """A conversation read: its material (all user turns), the latest question, and whether
    the latest user message brought material of its own."""

    pieces: tuple[Piece, ...]
    question: str
    latest_has_material: bool
    answered_before: bool

    @property
    def digest(self) -> str:
        """Content hash of the material (names and texts): the triage cache key."""
        h = hashlib.sha256()
        for piece in self.pieces:
            h.update(piece.name.encode() + b"\0" + piece.text.encode() + b"\0")
        return h.hexdigest()

    @property
    def size(self) -> int:
        return sum(len(p.text) for p in self.pieces)


def read_chat(messages: Sequence[Message]) -> Chat:
    """Split a conversation into material and the latest question."""
    pieces: list[Piece] = []
    question = ""
    latest_has_material = False
    last_user = max((i for i, m in enumerate(messages) if m.role == "user"), default=-1)
    for index, message in enumerate(messages):
        if message.role not in ("user", "system", "developer"):
            continue
        found, rest = _split(message.text(), sources_only=message.role != "user")
        pieces += found
        if index == last_user:
            question = rest.strip()
            latest_has_material = bool(found)
    answered_before = any(m.role == "assistant" for m in messages[:last_user])
    return Chat(_unique(pieces), question, latest_has_material, answered_before)


def _split(text: str, *, sources_only: bool) -> tuple[list[Piece], str]:
    """(material, what remains) of one message's text."""
    found: list[Piece] = []
    sources: dict[str, list[str]] = {}
    context = _CONTEXT.search(text)
    for attrs, body in _SOURCE.findall(context.group(1) if context else text):
        name = _SOURCE_NAME.search(attrs)
        sources.setdefault(name.group(1) if name else "attachment", []).append(body.strip("\n"))
    found += [Piece(name, "\n".join(bodies) + "\n") for name, bodies in sources.items()]
    if sources_only:
        return found, ""
    if context:  # the template comes first; the user's own words follow it
        query = _USER_QUERY.search(text)
        text = query.group(1) if query else text[context.end():]
    elif sources:
        text = _SOURCE.sub("", text)
    for number, (_, info, body) in enumerate(_FENCE.findall(text), 1):
        found.append(Piece(_fence_name(info.strip(), number), body))
    rest = _FENCE.sub("", text)
    if sum(1 for line in rest.splitlines() if _MACHINE_LINE.search(line)) >= MIN_MACHINE_LINES:
        found.append(Piece("paste.txt", rest.strip("\n") + "\n"))
        rest = "\n".join(line for line in rest.splitlines() if not _MACHINE_LINE.search(line)
                         and len(line) < 300)
    return found, rest


def _fence_name(info: str, number: int) -> str:
    """`alerts.json` stays; `json` becomes `block-N.json`; anything else `block-N.txt`."""
    word = info.split()[0] if info else ""
    if "." in word.strip("."):
        return word
    return f"block-{number}.{_FENCE_EXT.get(word.lower(), 'txt')}"


def _unique(pieces: list[Piece]) -> tuple[Piece, ...]:
    """Safe, distinct file names; the same text pasted twice is kept once."""
    seen_text: set[str] = set()
    names: set[str] = set()
    kept = []
    for piece in pieces:
        if not piece.text.strip() or piece.text in seen_text:
            continue
        seen_text.add(piece.text)
        base = _SAFE_NAME.sub("_", piece.name.rsplit("/", 1)[-1]).lstrip(".") or "paste.txt"
        name, n = base, 1
        while name in names:
            n += 1
            stem, dot, ext = base.rpartition(".")
            name = f"{stem}-{n}.{ext}" if dot else f"{base}-{n}"
        names.add(name)
        kept.append(Piece(name, piece.text))
    return tuple(kept)
