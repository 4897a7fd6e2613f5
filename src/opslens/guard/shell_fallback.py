"""Conservative parsing for text bashlex rejects (case statements, coproc, odd quoting).

The text is split at unquoted control operators, each piece is tokenised with `shlex`, and
command/process substitutions are extracted and parsed on their own. Results are marked
inexact: the classifier never calls anything from here `read_only`.
"""

from __future__ import annotations

import shlex

from opslens.guard.shell import (
    Opaque,
    ParsedShell,
    SimpleCommand,
    Stdin,
    Write,
    is_arithmetic,
    parse,
)

_OPERATORS = ("&&", "||", ";;", "|&", ";", "|", "&", "\n", "(", ")")
_KEYWORDS = {
    "if",
    "then",
    "else",
    "elif",
    "fi",
    "do",
    "done",
    "while",
    "until",
    "esac",
    "!",
    "{",
    "}",
    "time",
    "coproc",
    "function",
    "in",
    "select",
}
_WRITE_OPS = (">>", ">|", "&>", ">")


def _closing(text: str, start: int, opener: str, closer: str) -> int:
    """Index just past the `closer` matching the opener before `start`, quote-aware; -1 if none."""
    depth, index, quote = 1, start, ""
    while index < len(text):
        char = text[index]
        if quote:
            if char == "\\" and quote == '"':
                index += 1
            elif char == quote:
                quote = ""
        elif char == "\\":
            index += 1
        elif char in "'\"":
            quote = char
        elif char == opener:
            depth += 1
        elif char == closer:
            depth -= 1
            if depth == 0:
                return index + 1
        index += 1
    return -1


def extract_substitutions(text: str) -> list[str]:
    """Bodies of `$(...)`, `<(...)`, `>(...)` and backticks that bash would run.

    Single-quoted regions are skipped (bash does not expand inside them); double quotes are
    not, because substitutions run there.
    """
    bodies: list[str] = []
    index, in_double = 0, False
    while index < len(text):
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if char == '"':
            in_double = not in_double
        elif char == "'" and not in_double:
            end = text.find("'", index + 1)
            index = len(text) if end < 0 else end + 1
            continue
        if text.startswith("$((", index):
            end = _closing(text, index + 2, "(", ")")
            body = text[index + 3 : end - 2] if end > 0 else text[index + 3 :]
            if is_arithmetic(body):
                index = end if end > 0 else len(text)
                continue
        if text.startswith(("$(", "<(", ">("), index):
            end = _closing(text, index + 2, "(", ")")
            stop = end if end > 0 else len(text)
            bodies.append(text[index + 2 : stop - 1 if end > 0 else stop])
            index = stop
            continue
        if char == "`":
            end = text.find("`", index + 1)
            stop = end if end > 0 else len(text)
            bodies.append(text[index + 1 : stop])
            index = stop + 1
            continue
        index += 1
    return [b for b in bodies if b.strip()]


def _segments(text: str) -> list[str]:
    """Split at control operators outside quotes and substitutions."""
    pieces: list[str] = []
    current: list[str] = []
    index, quote = 0, ""
    while index < len(text):
        char = text[index]
        if quote:
            current.append(char)
            if char == quote:
                quote = ""
            index += 1
            continue
        if char in "'\"":
            quote = char
        elif text.startswith("$(", index):
            end = _closing(text, index + 2, "(", ")")
            stop = end if end > 0 else len(text)
            current.append(text[index:stop])
            index = stop
            continue
        operator = next((op for op in _OPERATORS if text.startswith(op, index)), None)
        if operator and not (operator == "&" and text.startswith(("&>", ">&"), index - 1)):
            pieces.append("".join(current))
            current = []
            index += len(operator)
            continue
        current.append(char)
        index += 1
    pieces.append("".join(current))
    return [p.strip() for p in pieces if p.strip()]


def _tokens(segment: str) -> list[str] | None:
    lexer = shlex.shlex(segment, posix=True, punctuation_chars="<>")
    lexer.whitespace_split = True
    try:
        return list(lexer)
    except ValueError:
        return None


def _command(segment: str, tokens: list[str]) -> list[SimpleCommand | Write]:
    argv: list[str] = []
    writes: list[SimpleCommand | Write] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if (
            token.rstrip("0123456789") in ("",)
            and index + 1 < len(tokens)
            and tokens[index + 1].startswith((">", "<"))
        ):
            index += 1  # an fd number before a redirection operator
            continue
        if token.startswith(_WRITE_OPS) or token.startswith("<"):
            target = tokens[index + 1] if index + 1 < len(tokens) else ""
            if token.startswith(">") and target and not target.startswith(("&", "/dev/null")):
                writes.append(Write(target, f"{token} {target}", token))
            index += 2
            continue
        if not argv and (token in _KEYWORDS or token.endswith(")")):
            index += 1
            continue
        if not argv and "=" in token and token.split("=", 1)[0].isidentifier():
            index += 1
            continue
        argv.append(token)
        index += 1
    dynamic = bool(argv) and ("$" in argv[0] or "`" in argv[0])
    command = SimpleCommand(argv, segment, Stdin(), dynamic, exact=False) if argv else None
    return ([command] if command else []) + writes


def fallback_parse(text: str, depth: int, error: str | None) -> ParsedShell:
    """Split `text` without a full parser; every item is inexact."""
    items: list[SimpleCommand | Write | Opaque] = []
    for body in extract_substitutions(text):
        items.extend(parse(body, depth + 1).items)
    for segment in _segments(text):
        if segment.split(None, 1)[0] in ("for", "select", "case"):
            continue  # loop headers only expand words; their substitutions are handled above
        tokens = _tokens(segment)
        if tokens is None:
            items.append(Opaque(segment, "unbalanced quotes: cannot tell what runs"))
            continue
        items.extend(_command(segment, tokens))
    if not items:
        items.append(Opaque(text, "could not parse the command"))
    return ParsedShell(items, exact=False, error=error)
