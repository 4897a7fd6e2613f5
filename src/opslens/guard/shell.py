"""Parse a shell command line into the simple commands it would run (bashlex walking).

The walker visits lists, pipelines, subshells, brace groups, loops, conditionals, function
bodies, command and process substitutions (also those bashlex leaves inside `${...}`), and
reports output redirections as separate `Write` items. When bashlex rejects the text even
after rewriting a few harmless constructs it does not implement, `shell_fallback` splits the
text conservatively and marks the result inexact.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field

import bashlex
import bashlex.ast

MAX_DEPTH = 8
MAX_LENGTH = 100_000


@dataclass(frozen=True, slots=True)
class Stdin:
    """Where a command reads standard input from."""

    kind: str = "tty"  # tty | heredoc | file | pipe | pipe_text
    text: str | None = None
    path: str | None = None


@dataclass(slots=True)
class SimpleCommand:
    """One program invocation: argv (quotes removed), its text and its standard input."""

    argv: list[str]
    text: str
    stdin: Stdin = field(default_factory=Stdin)
    dynamic: bool = False
    exact: bool = True


@dataclass(frozen=True, slots=True)
class Write:
    """An output redirection to a file (`>`, `>>`, `&>`, ...)."""

    target: str
    text: str
    op: str


@dataclass(frozen=True, slots=True)
class Opaque:
    """A construct the guard cannot see into; always at least `unknown`."""

    text: str
    reason: str


Item = SimpleCommand | Write | Opaque


@dataclass(slots=True)
class ParsedShell:
    """Everything a command line would run; `exact` is False when the fallback was used."""

    items: list[Item]
    exact: bool = True
    error: str | None = None


_ARITH = re.compile(r"\$\(\((?:[^()$`;]|\([^()$`;]*\))*\)\)")
_ARITH_BODY = re.compile(r"^[\w\s+\-*/%<>=!&|^~?:,.\[\]#$()]*$")
_JUXTAPOSED = re.compile(r"[A-Za-z_][\w.]*\s+[A-Za-z_./-]")


def is_arithmetic(body: str) -> bool:
    """True when `$((body))` is an arithmetic expansion, not `$( (commands) )`."""
    return bool(_ARITH_BODY.match(body)) and not _JUXTAPOSED.search(body) and "$(" not in body


_DBRACKET = re.compile(r"\[\[(?:[^\]$`<]|\](?!\]))*\]\]")
_TIME = re.compile(r"(^|[;&|({]\s*|\b(?:then|do|else)\s+)(time(?:\s+-p)?\s+)", re.MULTILINE)
_QUOTED_HEREDOC = re.compile(r"<<(-?)(\s*)(['\"])(\w+)\3")
_BACKSLASH_HEREDOC = re.compile(r"<<(-?)(\s*)\\(\w+)")


def sanitize(text: str) -> str:
    """Rewrite constructs bashlex does not implement into same-length harmless stand-ins.

    Only constructs that cannot hide a command are rewritten (no `$(`, backtick or `<(`
    inside), so the walk over the rewritten text sees every command the original runs.
    """
    text = _ARITH.sub(
        lambda m: "0" * len(m.group(0)) if is_arithmetic(m.group(0)[3:-2]) else m.group(0), text
    )
    text = _DBRACKET.sub(lambda m: "true".ljust(len(m.group(0))), text)
    text = _TIME.sub(lambda m: m.group(1) + " " * len(m.group(2)), text)
    text = _QUOTED_HEREDOC.sub(lambda m: f"<<{m.group(1)}{m.group(2)}{m.group(4)}  ", text)
    return _BACKSLASH_HEREDOC.sub(lambda m: f"<<{m.group(1)}{m.group(2)}{m.group(3)} ", text)


def parse(text: str, depth: int = 0) -> ParsedShell:
    """Parse `text`; never raises (failures become `Opaque` items or an inexact parse)."""
    if depth > MAX_DEPTH:
        return ParsedShell([Opaque(text, "commands nested too deeply to inspect")], exact=False)
    if len(text) > MAX_LENGTH:
        return ParsedShell([Opaque(text[:200], "command too long to inspect")], exact=False)
    if not text.strip():
        return ParsedShell([])
    error = None
    for candidate in (text, sanitize(text)):
        try:
            trees = bashlex.parse(candidate)
        except Exception as exc:  # bashlex raises many types on valid-but-unsupported bash
            error = f"{type(exc).__name__}: {exc}"
            continue
        walker = _Walker(text, depth)
        for tree in trees:
            walker.visit(tree)
        if "`" in text or "$(" in text:
            walker.cross_check()
        return ParsedShell(walker.items)
    from opslens.guard.shell_fallback import fallback_parse

    return fallback_parse(text, depth, error)


_PASSIVE_WRITES = re.compile(r"^/dev/(null|stdout|stderr|tty|fd/\d+)$")


class _Walker:
    """Collects `Item`s from a bashlex tree, keeping positions into the original text."""

    def __init__(self, text: str, depth: int) -> None:
        self.text = text
        self.depth = depth
        self.items: list[Item] = []

    def span(self, node: bashlex.ast.node) -> str:
        start, end = node.pos
        return self.text[start:end]

    def visit(self, node: bashlex.ast.node, stdin: Stdin | None = None) -> None:
        kind = getattr(node, "kind", "")
        if kind == "command":
            self.command(node, stdin)
        elif kind == "pipeline":
            self.pipeline(node)
        elif kind == "list":
            for part in node.parts:
                self.visit(part)
        elif kind == "compound":
            for part in node.list:
                self.visit(part, stdin)
            for redirect in getattr(node, "redirects", []):
                self.redirect(redirect)
        elif kind in ("for", "while", "until", "if", "function"):
            for part in node.parts:
                self.visit(part) if part.kind != "word" else self.word(part)
        elif kind in ("reservedword", "operator", "pipe", "word", "parameter", "tilde"):
            if kind == "word":
                self.word(node)
        else:
            self.items.append(Opaque(self.span(node), f"unsupported shell construct `{kind}`"))

    def dequoted(self, node: bashlex.ast.node) -> str:
        """The word with quotes removed; bashlex mangles `'a'"'"'b'`, so re-split its source."""
        source = self.span(node)
        if "'" in source or '"' in source or "\\" in source:
            try:
                tokens = shlex.split(source)
            except ValueError:
                return node.word
            if len(tokens) == 1:
                return tokens[0]
        return node.word

    def pipeline(self, node: bashlex.ast.node) -> None:
        previous: bashlex.ast.node | None = None
        for part in node.parts:
            if part.kind in ("pipe", "reservedword"):
                continue
            stdin = None if previous is None else self.piped_stdin(previous)
            self.visit(part, stdin)
            previous = part

    def piped_stdin(self, source: bashlex.ast.node) -> Stdin:
        """What a pipeline stage receives: literal text when the source makes it obvious."""
        if source.kind != "command":
            return Stdin("pipe")
        words = [p for p in source.parts if p.kind == "word"]
        redirects = [p for p in source.parts if p.kind == "redirect"]
        if not words or any(getattr(w, "parts", None) for w in words):
            return Stdin("pipe")
        program, args = words[0].word, [w.word for w in words[1:]]
        own = self.own_stdin(redirects)
        if program == "cat" and not args and own.kind == "heredoc":
            return Stdin("pipe_text", text=own.text)
        if program == "cat" and len(args) == 1 and not args[0].startswith("-"):
            return Stdin("file", path=args[0])
        if program in ("echo", "printf") and not redirects:
            return Stdin("pipe_text", text=" ".join(a for a in args if not a.startswith("-")))
        return Stdin("pipe")

    def own_stdin(self, redirects: list[bashlex.ast.node]) -> Stdin:
        for redirect in redirects:
            op = redirect.type
            heredoc = getattr(redirect, "heredoc", None)
            if heredoc is not None:
                body = heredoc.value.rsplit("\n", 1)[0] if "\n" in heredoc.value else ""
                return Stdin("heredoc", text=body)
            target = getattr(redirect, "output", None)
            if op == "<<<" and target is not None and hasattr(target, "word"):
                return Stdin("heredoc", text=target.word)
            if op in ("<", "<>") and target is not None and hasattr(target, "word"):
                return Stdin("file", path=target.word)
        return Stdin()

    def command(self, node: bashlex.ast.node, stdin: Stdin | None) -> None:
        argv: list[str] = []
        dynamic = False
        redirects = []
        for part in node.parts:
            if part.kind == "word":
                if not argv and getattr(part, "parts", None):
                    dynamic = True
                argv.append(self.dequoted(part))
                self.word(part)
            elif part.kind == "assignment":
                self.word(part)
            elif part.kind == "redirect":
                redirects.append(part)
                self.redirect(part)
        own = self.own_stdin(redirects)
        effective = own if own.kind != "tty" or stdin is None else stdin
        if argv:
            self.items.append(SimpleCommand(argv, self.span(node), effective, dynamic))

    def word(self, node: bashlex.ast.node) -> None:
        for part in getattr(node, "parts", None) or []:
            if part.kind in ("commandsubstitution", "processsubstitution"):
                self.visit(part.command)
            elif part.kind == "parameter" and any(c in part.value for c in "$`<>"):
                self.nested(part.value)
            elif part.kind == "word":
                self.word(part)

    def cross_check(self) -> None:
        """Re-find substitutions with a plain scanner: bashlex mis-nests unescaped backticks."""
        from opslens.guard.shell_fallback import extract_substitutions

        for body in extract_substitutions(self.text):
            if body.strip() != self.text.strip():
                self.items.extend(parse(body, self.depth + 1).items)

    def nested(self, value: str) -> None:
        """Substitutions bashlex leaves unparsed inside `${...}`: parse them on their own."""
        from opslens.guard.shell_fallback import extract_substitutions

        for body in extract_substitutions(value):
            self.items.extend(parse(body, self.depth + 1).items)

    def redirect(self, node: bashlex.ast.node) -> None:
        op = node.type
        target = getattr(node, "output", None)
        if target is None or isinstance(target, int) or not hasattr(target, "word"):
            return
        if getattr(target, "parts", None):
            self.word(target)
            if any(p.kind == "processsubstitution" for p in target.parts):
                return
        if op in (">", ">>", ">|", "&>", ">&", "&>>", "<>") and not _PASSIVE_WRITES.match(
            target.word
        ):
            self.items.append(Write(target.word, self.span(node), op))
