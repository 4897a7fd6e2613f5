"""Split Markdown, reStructuredText and plain-text documents into titled sections.

A runbook is retrieved as a whole, but the answer points at the section that matters
("Mitigation" of the disk-full runbook), so every document becomes an ordered list of
`Section`s with the heading path that leads to each one.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import yaml

__all__ = ["DocFormat", "Document", "Section", "format_for", "parse_document", "strip_markup"]


class DocFormat(StrEnum):
    """Markup families the splitter understands."""

    MARKDOWN = "markdown"
    RST = "rst"
    TEXT = "text"


_SUFFIXES = {
    ".md": DocFormat.MARKDOWN,
    ".markdown": DocFormat.MARKDOWN,
    ".mdown": DocFormat.MARKDOWN,
    ".rst": DocFormat.RST,
    ".rest": DocFormat.RST,
    ".txt": DocFormat.TEXT,
    ".text": DocFormat.TEXT,
}


@dataclass(frozen=True)
class Section:
    """One heading's own text (subsections are separate sections).

    `heading` is "" for text that precedes the first heading; `line` is 1-based and points
    at the heading (or the first line of heading-less text).
    """

    heading: str
    heading_path: tuple[str, ...]
    level: int
    line: int
    text: str


@dataclass(frozen=True)
class Document:
    """A parsed document: its display title, alternative names and sections in order.

    `aliases` holds the front-matter title (when it differs from `title`) and any
    front-matter `aliases`; `front_title` is the front-matter title alone.
    """

    title: str
    aliases: tuple[str, ...]
    sections: tuple[Section, ...]
    fmt: DocFormat
    front_title: str = ""


def format_for(path: Path) -> DocFormat | None:
    """The markup family of `path` judged by its suffix, or None when it is not indexed."""
    return _SUFFIXES.get(path.suffix.lower())


def parse_document(text: str, fmt: DocFormat, *, name: str = "") -> Document:
    """Split `text` into sections; `name` (usually the file stem) is the fallback title."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    front_title, aliases, body, offset = _front_matter(text) if fmt is DocFormat.MARKDOWN else (
        "", (), text, 0)
    lines = body.split("\n")
    if fmt is DocFormat.MARKDOWN:
        headings = _markdown_headings(lines)
    elif fmt is DocFormat.RST:
        headings = _rst_headings(lines)
    else:
        headings = _text_headings(lines)
    sections = _build_sections(lines, headings, offset)
    title = _title(sections, front_title, lines, fmt) or name
    if front_title and front_title != title:
        aliases = (front_title, *aliases)
    return Document(title=title, aliases=tuple(aliases), sections=sections, fmt=fmt,
                    front_title=front_title)


# A heading found in the body: (index of its first line, index after its last line, level, text).
_Heading = tuple[int, int, int, str]


def _front_matter(text: str) -> tuple[str, tuple[str, ...], str, int]:
    """(title, aliases, body, lines consumed) for YAML `---` or TOML `+++` front matter."""
    for fence, loader in (("---", _yaml_mapping), ("+++", _toml_mapping)):
        if not text.startswith(fence + "\n"):
            continue
        end = re.search(rf"^(?:{re.escape(fence)}|\.\.\.)[ \t]*$", text[4:], re.M)
        if end is None:
            return "", (), text, 0
        meta = loader(text[4 : 4 + end.start()])
        body = text[4 + end.end() :].removeprefix("\n")
        consumed = text[: len(text) - len(body)].count("\n")
        title = str(meta.get("title") or "").strip()
        raw_aliases = meta.get("aliases") or []
        aliases = tuple(str(a) for a in raw_aliases) if isinstance(raw_aliases, list) else ()
        return title, aliases, body, consumed
    return "", (), text, 0


def _yaml_mapping(raw: str) -> dict:
    try:
        meta = yaml.safe_load(raw)
    except yaml.YAMLError:
        return {}
    return meta if isinstance(meta, dict) else {}


def _toml_mapping(raw: str) -> dict:
    try:
        return tomllib.loads(raw)
    except tomllib.TOMLDecodeError:
        return {}


_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_NOT_PARAGRAPH = re.compile(r"^\s*(?:[-*+>|]|\d+[.)]\s|$)|^ {4,}|^\t")


def _markdown_headings(lines: list[str]) -> list[_Heading]:
    """ATX and setext headings outside fenced code blocks."""
    found: list[_Heading] = []
    fence: str | None = None
    for i, line in enumerate(lines):
        opening = _FENCE.match(line)
        if fence is not None:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = None
            continue
        if opening:
            fence = opening.group(1)
            continue
        atx = _ATX.match(line)
        if atx:
            found.append((i, i + 1, len(atx.group(1)), (atx.group(2) or "").strip()))
            continue
        setext = _SETEXT.match(line)
        prev = lines[i - 1] if i else ""
        taken = bool(found) and found[-1][1] > i - 1
        if setext and i and not taken and not _NOT_PARAGRAPH.match(prev) and not _FENCE.match(prev):
            level = 1 if setext.group(1)[0] == "=" else 2
            found.append((i - 1, i + 1, level, prev.strip()))
    return found


_ADORNMENT = re.compile(r"^([!-/:-@\[-`{-~])\1{2,}[ \t]*$")


def _rst_headings(lines: list[str]) -> list[_Heading]:
    """reST section titles (underline, or over- and underline); levels in order of first use."""
    styles: list[tuple[str, bool]] = []
    found: list[_Heading] = []
    i = 0
    while i < len(lines) - 1:
        over = _ADORNMENT.match(lines[i])
        title, under_at = (lines[i + 1], i + 2) if over else (lines[i], i + 1)
        under = _ADORNMENT.match(lines[under_at]) if under_at < len(lines) else None
        char = over.group(1) if over else (under.group(1) if under else "")
        plausible = title.strip() and (over or not title[:1].isspace())
        if under and plausible and under.group(1) == char and not _ADORNMENT.match(title):
            style = (char, bool(over))
            if style not in styles:
                styles.append(style)
            found.append((i, under_at + 1, styles.index(style) + 1, title.strip()))
            i = under_at + 1
            continue
        i += 1
    return found


def _text_headings(lines: list[str]) -> list[_Heading]:
    """Plain text: underlined lines and short ALL-CAPS lines standing alone."""
    found: list[_Heading] = []
    for i, line in enumerate(lines):
        stripped = line.strip()
        if found and found[-1][1] > i:
            continue
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        setext = _SETEXT.match(nxt)
        if stripped and setext and len(setext.group(1)) >= 3 and not _SETEXT.match(line):
            found.append((i, i + 2, 1 if setext.group(1)[0] == "=" else 2, stripped))
            continue
        before = lines[i - 1].strip() if i else ""
        letters = [c for c in stripped if c.isalpha()]
        if (
            len(letters) >= 3
            and len(stripped) <= 60
            and stripped.upper() == stripped
            and not before
            and not line[:1].isspace()
        ):
            found.append((i, i + 1, 1, stripped.rstrip(":").strip()))
    return found


def _build_sections(lines: list[str], headings: list[_Heading], offset: int) -> tuple[Section, ...]:
    """Cut the body at the headings; each section keeps the text up to the next heading."""
    sections: list[Section] = []
    stack: list[tuple[int, str]] = []
    preamble_end = headings[0][0] if headings else len(lines)
    preamble = "\n".join(lines[:preamble_end]).strip("\n")
    if preamble.strip():
        sections.append(Section("", (), 0, offset + 1, preamble))
    for n, (start, body_start, level, text) in enumerate(headings):
        while stack and stack[-1][0] >= level:
            stack.pop()
        stack.append((level, text))
        end = headings[n + 1][0] if n + 1 < len(headings) else len(lines)
        body = "\n".join(lines[body_start:end]).strip("\n")
        path = tuple(t for _, t in stack)
        sections.append(Section(text, path, level, offset + start + 1, body))
    return tuple(sections)


def _title(sections: tuple[Section, ...], front_title: str, lines: list[str], fmt: DocFormat) -> str:
    """Markdown/reST: the first top-level heading, else the front-matter title.
    Plain text: its first line when short enough to be a title."""
    if fmt is DocFormat.TEXT:
        first = next((ln.strip() for ln in lines if ln.strip()), "")
        return first if len(first) <= 80 else ""
    headed = [s for s in sections if s.level > 0 and s.heading]
    if headed:
        top = min(s.level for s in headed)
        first_top = next(s for s in headed if s.level == top)
        if fmt is DocFormat.RST or top == 1:
            return first_top.heading
    return front_title


_MD_LINK = re.compile(r"!?\[([^\]]*)\]\((?:[^()\s]|\([^()]*\))*(?:\s+\"[^\"]*\")?\)")
_REF_DEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*\S+.*$", re.M)
_URL = re.compile(r"\b(?:https?|ftp)://\S+")
_HTML = re.compile(r"</?[A-Za-z][^>]*>|<!--.*?-->", re.S)
_SHORTCODE = re.compile(r"\{\{[<%].*?[>%]\}\}", re.S)
_RST_ROLE = re.compile(r":[\w-]+:`([^`<]*?)\s*(?:<[^>]*>)?`")
_RST_LINK = re.compile(r"`([^`<]*?)\s*<[^>]*>`_{1,2}")
_RST_TARGET = re.compile(r"^\.\. _[^:]+:.*$", re.M)


def strip_markup(text: str, fmt: DocFormat) -> str:
    """Readable text for indexing: link targets, URLs, HTML tags and shortcodes removed.

    Link *text* is kept (it names things); link targets and URLs are mostly noise words.
    """
    if fmt is DocFormat.MARKDOWN:
        text = _SHORTCODE.sub(" ", text)
        text = _MD_LINK.sub(r"\1", text)
        text = _REF_DEF.sub(" ", text)
        text = _HTML.sub(" ", text)
    elif fmt is DocFormat.RST:
        text = _RST_TARGET.sub(" ", text)
        text = _RST_ROLE.sub(r"\1", text)
        text = _RST_LINK.sub(r"\1", text)
    return _URL.sub(" ", text)
