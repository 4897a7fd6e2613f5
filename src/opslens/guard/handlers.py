"""Handlers for tools whose arguments are themselves commands, scripts or statements.

A node in the rules names its handler (`handler: exec`) and passes it `args`. Each handler
returns the classifications of what the tool would run; the classifier combines them with
the tool's own label (the most dangerous wins). A new handler joins by registering here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from opslens.guard.labels import Classification, Label
from opslens.guard.matching import Resolution
from opslens.guard.redis import classify_redis, classify_redis_script
from opslens.guard.shell import Stdin
from opslens.guard.statements import classify_mongo, classify_script_path, classify_sql

if TYPE_CHECKING:
    from opslens.guard.classify import CommandGuard


@dataclass(frozen=True, slots=True)
class Invocation:
    """What a handler sees: the resolved argv, its stdin and a way to classify inner commands."""

    guard: CommandGuard
    res: Resolution
    argv: list[str]
    stdin: Stdin
    depth: int
    text: str
    args: dict[str, Any]

    def verdict(self, label: Label, reason: str, part: str | None = None) -> Classification:
        """A classification of this invocation itself."""
        return Classification(label, f"{self.res.command_name}: {reason}", part or self.text)

    def inner_argv(self, argv: list[str], stdin: Stdin | None = None) -> Classification:
        """Classify a command this tool would run, given as argv."""
        return self.guard.classify_argv(argv, stdin=stdin or Stdin(), depth=self.depth + 1)

    def inner_text(self, text: str) -> Classification:
        """Classify a shell string this tool would run."""
        return self.guard.classify_text(text, depth=self.depth + 1)


Handler = Callable[[Invocation], list[Classification]]
HANDLERS: dict[str, Handler] = {}
# the `args` keys each handler reads: the rules loader rejects any other key (a typo there
# would silently change what a handler does)
HANDLER_ARGS: dict[str, frozenset[str]] = {}


def handler(name: str, args: tuple[str, ...] = ()) -> Callable[[Handler], Handler]:
    """Register a handler under `name` (the value of `handler:` in the rules) and its `args`."""

    def register(func: Handler) -> Handler:
        HANDLERS[name] = func
        HANDLER_ARGS[name] = frozenset(args)
        return func

    return register


def _skip_positionals(tokens: list[str], count: int, with_value: frozenset[str]) -> list[str]:
    """Drop `count` positionals (and options between them, ssh-style) from the front."""
    index = 0
    while index < len(tokens) and count > 0:
        token = tokens[index]
        if token.startswith("-") and len(token) > 1 and token != "--":
            index += 2 if token in with_value and "=" not in token else 1
            continue
        count -= 1
        index += 1
    while index < len(tokens) and tokens[index].startswith("-") and tokens[index] != "-":
        if tokens[index] == "--":
            return tokens[index + 1 :]
        index += 2 if tokens[index] in with_value else 1
    return tokens[index:]


def _no_command(inv: Invocation) -> list[Classification]:
    raw = inv.args.get("no_command")
    if not raw:
        return []
    label, reason = (raw, None) if isinstance(raw, str) else (raw[0], ", ".join(raw[1:]))
    return [inv.verdict(Label.parse(label), reason or "runs no command")]


@handler(
    "exec",
    (
        "skip",
        "style",
        "assignments",
        "shell_string",
        "command_option",
        "inner_options_with_value",
        "no_command",
        "prepend",
    ),
)
def exec_wrapper(inv: Invocation) -> list[Classification]:
    """sudo, env, timeout, xargs, ssh, watch, kubectl/docker exec, docker run, chroot, ..."""
    res, a = inv.res, inv.args
    for option in a.get("command_option", []):
        values = [f.value for f in res.flags if f.name == option and f.value]
        if values:
            return [inv.inner_text(values[-1])]
    if a.get("style") == "dashdash":
        tokens = res.after_dashdash if res.dashdash else res.positionals[a.get("skip", 0) :]
    else:
        tokens = res.rest or res.after_dashdash
        with_value = frozenset(a.get("inner_options_with_value", [])) | res.leaf.options_with_value
        tokens = _skip_positionals(tokens, a.get("skip", 0), with_value) if res.rest else tokens
    if a.get("assignments"):
        while tokens and re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", tokens[0]):
            tokens = tokens[1:]
    if not tokens:
        return _no_command(inv)
    # `k3s kubectl get pods` runs `kubectl get pods`: the program name is implied
    tokens = [*a.get("prepend", []), *tokens]
    if a.get("shell_string"):
        return [inv.inner_text(" ".join(tokens))]
    return [inv.inner_argv(tokens)]


_SCRIPT_STDIN = {
    "file": (Label.UNKNOWN, "runs a script file opslens cannot see"),
    "pipe": (Label.MUTATING, "executes commands read from a pipe"),
    "tty": (Label.MUTATING, "opens an interactive shell"),
}


@handler("shell")
def shell_interpreter(inv: Invocation) -> list[Classification]:
    """bash/sh/zsh: `-c STRING`, a script file, a heredoc, a pipe, or an interactive shell."""
    tokens = inv.argv[1:]
    index, command_mode = 0, False
    while index < len(tokens) and tokens[index].startswith(("-", "+")) and tokens[index] != "-":
        token = tokens[index]
        if token == "--":
            index += 1
            break
        if token in ("-o", "+o", "-O", "+O", "--rcfile", "--init-file"):
            index += 2
            continue
        command_mode = command_mode or (not token.startswith("--") and "c" in token[1:])
        index += 1
    rest = tokens[index:]
    if command_mode:
        if rest:
            return [inv.inner_text(rest[0])]
        return [inv.verdict(Label.UNKNOWN, "-c without a command string")]
    if rest and rest[0] != "-":
        return [inv.verdict(Label.UNKNOWN, f"runs script `{rest[0]}` that opslens cannot see")]
    if inv.stdin.kind in ("heredoc", "pipe_text") and inv.stdin.text is not None:
        return [inv.inner_text(inv.stdin.text)]
    label, reason = _SCRIPT_STDIN[inv.stdin.kind]
    return [inv.verdict(label, reason)]


@handler("eval")
def eval_builtin(inv: Invocation) -> list[Classification]:
    """`eval`: the joined words are parsed; evaluating a command's output is opaque code."""
    words = inv.argv[1:]
    if any("$(" in w or "`" in w or "<(" in w for w in words):
        return [inv.verdict(Label.MUTATING, "executes code generated at run time")]
    if words:
        return [inv.inner_text(" ".join(words))]
    if inv.stdin.kind != "tty":
        return [inv.verdict(Label.MUTATING, "executes code read from a pipe")]
    return []


@handler("source")
def source_builtin(inv: Invocation) -> list[Classification]:
    """`source FILE` / `. FILE`: runs a script in the current shell."""
    words = inv.argv[1:]
    if not words:
        return [inv.verdict(Label.UNKNOWN, "sources nothing")]
    if words[0].startswith(("<(", "/dev/stdin", "/dev/fd/")):
        return [inv.verdict(Label.MUTATING, "executes code generated at run time")]
    return [inv.verdict(Label.UNKNOWN, f"runs script `{words[0]}` that opslens cannot see")]


_FIND_EXEC = ("-exec", "-execdir", "-ok", "-okdir")
_FIND_WRITE = ("-fprint", "-fprint0", "-fprintf", "-fls")


@handler("find")
def find_actions(inv: Invocation) -> list[Classification]:
    """find's actions: -delete, -exec CMD ;, -fprint FILE."""
    tokens, out, index = inv.argv[1:], [], 0
    while index < len(tokens):
        token = tokens[index]
        if token == "-delete":
            out.append(inv.verdict(Label.DESTRUCTIVE, "-delete removes every match"))
        elif token in _FIND_WRITE:
            out.append(inv.verdict(Label.MUTATING, f"{token} writes a file"))
        elif token in _FIND_EXEC:
            end = index + 1
            while end < len(tokens) and tokens[end] not in (";", "+", "\\;"):
                end += 1
            inner = ["FILE" if t == "{}" else t for t in tokens[index + 1 : end]]
            out.append(
                inv.inner_argv(inner) if inner else inv.verdict(Label.UNKNOWN, "empty -exec")
            )
            index = end
        index += 1
    return out


@handler("exec_rest_after_flag", ("flags",))
def exec_after_flag(inv: Invocation) -> list[Classification]:
    """fd -x/--exec CMD..., git bisect run CMD...: everything after the flag is a command."""
    flags = set(inv.args.get("flags", []))
    tokens = inv.argv[1:]
    for index, token in enumerate(tokens):
        if token in flags and index + 1 < len(tokens):
            return [inv.inner_argv(tokens[index + 1 :])]
    return []


def _stdin_statements(
    inv: Invocation, classify: Callable[[str], tuple[Label, str]]
) -> list[Classification]:
    stdin = inv.stdin
    if stdin.kind in ("heredoc", "pipe_text") and stdin.text is not None:
        return [inv.verdict(*classify(stdin.text))]
    if stdin.kind == "file" and stdin.path:
        return [inv.verdict(*classify_script_path(stdin.path))]
    if stdin.kind == "pipe":
        return [inv.verdict(Label.UNKNOWN, "reads statements from a pipe")]
    return [inv.verdict(Label.MUTATING, "opens an interactive session that can change anything")]


@handler("sql_client", ("read_flags", "command_flags", "file_flags", "statement_positional"))
def sql_client(inv: Invocation) -> list[Classification]:
    """psql/mysql/sqlite3/cqlsh/clickhouse-client: statements from flags, files or stdin."""
    res, a = inv.res, inv.args
    if any(f.name in set(a.get("read_flags", [])) for f in res.flags):
        return [inv.verdict(Label.READ_ONLY, "lists databases or prints client information")]
    statements = [
        f.value for f in res.flags if f.name in set(a.get("command_flags", [])) and f.value
    ]
    index = a.get("statement_positional")
    if index is not None and len(res.positionals) > index:
        statements.extend(res.positionals[index:])
    files = [f.value for f in res.flags if f.name in set(a.get("file_flags", [])) and f.value]
    out = [inv.verdict(*classify_sql(s)) for s in statements]
    out += [inv.verdict(*classify_script_path(f)) for f in files]
    return out or _stdin_statements(inv, classify_sql)


@handler("redis_cli", ("read_flags", "write_flags"))
def redis_cli(inv: Invocation) -> list[Classification]:
    """redis-cli: a command in argv, a batch on stdin, or an interactive session."""
    res, a = inv.res, inv.args
    if any(f.name in set(a.get("read_flags", [])) for f in res.flags):
        return [inv.verdict(Label.READ_ONLY, "scans or samples the keyspace")]
    if any(f.name in set(a.get("write_flags", [])) for f in res.flags):
        return [inv.verdict(Label.MUTATING, "writes data or a dump file")]
    if res.positionals:
        return [inv.verdict(*classify_redis(res.positionals + res.after_dashdash))]
    return _stdin_statements(inv, classify_redis_script)


@handler("mongo_shell")
def mongo_shell(inv: Invocation) -> list[Classification]:
    """mongosh/mongo: --eval JS, a script file, stdin, or an interactive session."""
    scripts = [f.value for f in inv.res.flags if f.name == "--eval" and f.value]
    if scripts:
        return [inv.verdict(*classify_mongo(s)) for s in scripts]
    files = [p for p in inv.res.positionals if p.endswith(".js")]
    if files or any(f.name == "--file" for f in inv.res.flags):
        return [inv.verdict(Label.MUTATING, "runs a script file")]
    return _stdin_statements(inv, classify_mongo)


_ANSIBLE_READ_MODULES = {
    "ping",
    "setup",
    "gather_facts",
    "stat",
    "debug",
    "find",
    "slurp",
    "service_facts",
    "package_facts",
    "wait_for",
    "uri",
}


@handler("ansible_adhoc")
def ansible_adhoc(inv: Invocation) -> list[Classification]:
    """ansible HOSTS -m MODULE -a ARGS: shell-like modules run their argument."""
    flags = {f.name: f.value for f in inv.res.flags}
    module = (flags.get("-m") or flags.get("--module-name") or "command").split(".")[-1]
    module_args = flags.get("-a") or flags.get("--args") or ""
    if module in ("shell", "command", "raw", "win_shell", "win_command"):
        return [inv.inner_text(module_args)] if module_args else []
    if module in _ANSIBLE_READ_MODULES:
        return [inv.verdict(Label.READ_ONLY, f"module `{module}` only gathers facts")]
    return [inv.verdict(Label.MUTATING, f"module `{module}` changes hosts")]


_SALT_READ = re.compile(
    r"^(test\.(ping|version|echo)|grains\.(items|item|get|ls)|status\.\w+|disk\.\w+|network\.\w+|"
    r"pkg\.(list_pkgs|version|list_upgrades)|service\.(status|available|get_all)|sys\.\w+|"
    r"cmd\.which|file\.(file_exists|stats|get_hash|directory_exists)|saltutil\.running|"
    r"state\.(show_\w+|test))$"
)


@handler("salt")
def salt_function(inv: Invocation) -> list[Classification]:
    """salt TARGET FUNCTION ARGS (salt-call FUNCTION ARGS): cmd.run runs its argument."""
    words = inv.res.positionals
    offset = 0 if inv.res.command_name.startswith("salt-call") else 1
    if len(words) <= offset:
        return [inv.verdict(Label.READ_ONLY, "no function given")]
    function, rest = words[offset], words[offset + 1 :]
    if function in ("cmd.run", "cmd.shell", "cmd.run_all", "cmd.run_stdout") and rest:
        return [inv.inner_text(rest[0])]
    if function.startswith("pillar."):
        return [
            inv.verdict(Label.SENSITIVE_READ, f"`{function}` prints pillar data, often secrets")
        ]
    if _SALT_READ.match(function) or "test=True" in rest:
        return [inv.verdict(Label.READ_ONLY, f"`{function}` only reports")]
    return [inv.verdict(Label.MUTATING, f"`{function}` changes minions")]
