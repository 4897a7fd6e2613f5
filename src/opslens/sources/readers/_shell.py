"""Shell prompts and the commands in them, as they appear in pasted terminal sessions.

People paste what their terminal showed: `$ kubectl logs -n shop api-7d9f`, `user@node2:~$ df -h`,
`➜  infra git:(main) k get pods`, `❯ k describe pod x`, busybox's `/ # nslookup db`, or the bare
command line without a prompt. The command says what the output below it is (a pod's log, a
describe, a table, a disk report) and which object it is about; it is also evidence itself (the
command that showed the failure).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass

from opslens.sources.base import Identity
from opslens.sources.readers._client_prompts import client_statement

# A prompt ends in one of these before the command: `$`, `#`, `%`, `>`, `❯`, `➜ dir git:(x) ✗`, `λ`.
# The command runs to the end of the line (its trailing blanks are stripped in code: a lazy
# group before `\s*$` backtracks quadratically on a line of spaces).
_PROMPT = re.compile(
    r"^\s*(?:"
    r"(?:\([\w.-]+\)\s*)?(?:\[?[\w.-]+@[\w.-]+[: ][^\s$#]*\]?\s*[$#%])"  # user@host:~$ / [u@h dir]#
    r"|(?:[\w.-]+-\d[\d.]*[$#])"  # bash-5.1$ / sh-4.2#
    r"|(?:PS [A-Za-z]:\\[^>]*>)"  # PowerShell
    r"|(?:(?:[\w.-]+\s+)?[➜❯λ»›]\s*(?:\S+\s+git:\([^)]*\)\s*✗?)?)"  # oh-my-zsh / starship (`host ➜`)
    r"|(?:~\S*\s*[$#%])|(?:/\S*\s+[$#])|(?:[$#%>])"  # ~ $, / #, bare $ # % >
    r"|(?:\+{1,3})"  # a shell's trace of what it runs (`set -x` in CI logs)
    r")\s+(?P<command>\S.*)$"
)
# oh-my-zsh's prompt shows the directory after the arrow (`➜  ~ df -h`, `➜  /srv k get po`).
_DIRECTORY = re.compile(r"^(?:~|\.{1,2}|/)\S*\s+(?P<command>\S.*)$")
# kubectl after a prompt of any other shape (`mymac:~ me$ kubectl ...`, `(⎈|prod) » k get po`):
# any short text ending in a prompt character, maybe a directory, then kubectl or a wrapper.
_ANY_PROMPT = re.compile(
    r"^\s*.{0,80}?[$#%>❯➜»]\s+(?:[~\w./:\\-]+\s+)?"
    r"(?P<command>(?:sudo\s+)?(?:\S*[/\\])?(?:kubectl|oc|k|kc|microk8s|k3s|minikube)\b.*)$"
)
_MENTIONS_KUBECTL = re.compile(r"kubectl|\b(?:oc|k|kc)\s")
_QUOTING = re.compile(r"""['"\\]""")  # what makes shell words differ from blank-separated ones
#: Commands whose output people paste when something is broken (first word, after sudo).
_TOOLS = frozenset({
    "kubectl", "k", "kc", "oc", "microk8s", "k3s", "minikube", "kubeadm", "helm", "helmfile", "stern",
    "kubetail", "docker", "docker-compose", "podman", "nerdctl", "crictl", "ctr", "journalctl",
    "systemctl", "service", "dmesg", "df", "du", "free", "top", "ps", "cat", "tail", "head", "less",
    "more", "grep", "egrep", "ls", "nslookup", "dig", "host", "curl", "wget", "ping", "telnet", "nc",
    "ss", "netstat", "ip", "iptables", "mount", "lsblk", "swapon", "swapoff", "env", "printenv",
    "etcdctl", "argocd", "flux", "terraform", "aws", "gcloud", "az", "eksctl", "vault", "psql", "mysql",
    "redis-cli", "mongo", "mongosh", "openssl", "uptime", "vmstat", "iostat", "getent", "traceroute",
    "mtr", "cilium", "calicoctl", "istioctl", "linkerd", "velero", "k9s", "git",
})  # fmt: skip
_KUBECTL = frozenset({"kubectl", "k", "kc", "oc"})
_TOOLS_AND_WRAPPED = _TOOLS | {"microk8s.kubectl"}
#: kubectl's short aliases: a line is their command only with one of kubectl's verbs.
_ALIASES = frozenset({"k", "kc"})
#: Without a prompt, only command lines of these tools (with a subcommand) count as commands.
_BARE_TOOLS = frozenset({
    "kubectl", "helm", "helmfile", "docker", "docker-compose", "podman", "crictl", "journalctl",
    "systemctl", "kubeadm", "aws", "gcloud", "az", "eksctl",
})  # fmt: skip
# The first word of a bare command line (a cheap test before splitting it into words).
_BARE_START = re.compile(
    r"^\s*(?:sudo\s+)?(?:\S*[/\\])?(?:kubectl|oc|k|kc|microk8s|k3s|minikube|helm|helmfile|docker"
    r"|docker-compose|podman|crictl|journalctl|systemctl|kubeadm|aws|gcloud|az|eksctl)(?:\.exe|\.sh)?[\s.]"
)
_SUBCOMMAND = re.compile(r"[a-z][\w-]*")
#: kubectl's subcommands (`kubectl events` is `get events` to the readers).
KUBECTL_VERBS = frozenset(
    {"get", "describe", "top", "events", "logs", "log", "apply", "delete", "rollout", "exec",
     "create", "edit", "scale", "version", "cluster-info", "explain", "run", "set", "patch",
     "cordon", "uncordon", "drain", "debug", "port-forward", "auth", "config", "label", "annotate",
     "attach", "cp", "wait", "diff", "replace", "expose", "autoscale", "taint", "proxy"}
)  # fmt: skip
# kubectl flags whose value may be the next word (`-n shop`; `--namespace=shop` also works):
# the global options and those of the subcommands people paste (kubectl reference docs).
_VALUE_FLAGS = frozenset(
    {"-n", "--namespace", "--context", "--kubeconfig", "--cluster", "--user", "-s", "--server",
     "--as", "--as-group", "--as-uid", "--token", "--request-timeout", "--cache-dir",
     "--certificate-authority", "--client-certificate", "--client-key", "--tls-server-name", "-v",
     "--v", "-l", "--selector", "-c", "--container", "-o", "--output", "--field-selector",
     "--sort-by", "--since", "--since-time", "--tail", "--limit-bytes", "--max-log-requests",
     "--pod-running-timeout", "--template", "-L", "--label-columns", "--chunk-size", "--filename",
     "-k", "--kustomize", "--timeout", "--grace-period", "--replicas", "--image", "--type",
     "--to-revision", "--revision", "--target", "--profile", "--copy-to", "--pod-selector",
     "--address", "--for", "--patch", "--subresource", "--overrides", "--env", "--port",
     "--restart", "--raw"}
)  # fmt: skip
#: `-f` is `--filename` (a value) except for logs, where it is `--follow`; `-p` is `--previous`
#: for logs, but `--patch` for patch, `--port` for proxy and the old `--pod` of exec/port-forward.
_FOLLOW_VERBS = frozenset({"logs", "log"})
_P_VALUE_VERBS = frozenset({"patch", "proxy", "exec", "port-forward"})
# Shell syntax that ends the command's own words: pipes, lists, background, comments.
_COMMAND_END = re.compile(r"[|;&]")
_REDIRECT = re.compile(r"^\d*(?:>>?|<|&>)")
#: Wrappers before the tool (`sudo -E`, `watch -n 2`) and their flags that take a value.
_WRAPPERS = {"sudo": frozenset({"-u", "-g", "-C", "-h"}), "time": frozenset(), "watch": frozenset({"-n", "--interval"})}
#: Commands whose whole output is one record (a disk report, a DNS answer): quoted together.
DIAGNOSTIC = frozenset({
    "df", "du", "free", "nslookup", "dig", "host", "curl", "wget", "ping", "telnet", "nc", "ss",
    "netstat", "ip", "mount", "lsblk", "swapon", "cat", "ls", "getent", "traceroute", "mtr", "openssl",
    "uptime", "vmstat", "iostat", "env", "printenv", "top", "ps", "grep", "egrep", "jq", "base64",
    "mysql", "psql", "redis-cli", "sqlite3",
})  # fmt: skip
# A two-line prompt's first line (`infra/ansible on main ! `, `~/src on ⎇ main`): not output.
_PROMPT_DECORATION = re.compile(r"^\s*\S+ (?:on|via|at) \S.{0,60}$")
_LABEL_NAMES = ("app.kubernetes.io/name", "app.kubernetes.io/instance", "k8s-app", "app", "name", "component")


@dataclass(frozen=True)
class Command:
    """One command line of a paste."""

    text: str  # the command as typed (after the prompt)
    argv: tuple[str, ...]
    tool: str  # first word after sudo/env assignments ("kubectl" for k, kc, oc too)
    verb: str | None  # the subcommand (`logs`, `describe`, `get`, `pull`) when the tool has them
    identity: Identity  # the pod/namespace/container the output is about, when the command says
    #: The pipeline stage whose output is shown: the last one that is not a filter (`kubectl
    #: logs x | grep E | tail` shows kubectl's lines; `... | base64 -d | openssl x509` openssl's).
    output_tool: str = ""
    #: The words after the verb that are no flags or flag values (`pod`, `api-1`), up to the
    #: first pipe or comment.
    args: tuple[str, ...] = ()

    @property
    def diagnostic(self) -> bool:
        """Output that is one record: quote it with the command."""
        return (self.output_tool or self.tool) in DIAGNOSTIC


@dataclass(frozen=True)
class Arguments:
    """A command's words after the tool, read with kubectl's flag table."""

    verb: str | None
    args: tuple[str, ...]  # positional words after the verb
    namespace: str | None = None  # -n / --namespace
    container: str | None = None  # -c / --container
    selector: str | None = None  # -l / --selector


def command_in(line: str) -> Command | None:
    """The command of a prompt line (or of an unmistakable bare command line), else None.

    The one parser of pasted command lines: `_kubectl_text.command_of` is a view of it."""
    m = _PROMPT.match(line)
    if m is not None:
        text = m.group("command").rstrip()
        command = parse_command(text)
        if command is None and (after := _DIRECTORY.match(text)):
            command = parse_command(after.group("command"))
        if command is not None:
            return command
    if len(line) <= 400 and _MENTIONS_KUBECTL.search(line) and (m := _ANY_PROMPT.match(line)):
        command = parse_command(m.group("command").rstrip())
        if command is not None and command.tool == "kubectl" and _kubectl_verb_ok(command):
            return command
    if (client := client_statement(line)) is not None:
        tool, statement = client
        return Command(text=statement, argv=(tool, statement), tool=tool, verb=None, identity=Identity(), output_tool=tool)
    return _bare(line)


def _bare(line: str) -> Command | None:
    """A command line without a prompt, of a tool whose command lines are unmistakable."""
    if not _BARE_START.match(line):
        return None
    command = parse_command(line.strip())
    if command is None or command.tool not in _BARE_TOOLS or not command.verb:
        return None
    if not _SUBCOMMAND.fullmatch(command.verb):
        return None
    if command.tool == "kubectl" and command.verb not in KUBECTL_VERBS:
        return None  # `kubectl is the CLI`: prose; a plugin's verb counts only after a prompt
    return command


def _kubectl_verb_ok(command: Command) -> bool:
    """`k`/`kc` are kubectl only with one of its verbs (`k get po`, not `k means thousand`)."""
    tool_word = _unwrapped(list(command.argv))[:1]
    return tool_word[0] not in _ALIASES or command.verb in KUBECTL_VERBS


def is_prompt_decoration(line: str, next_line: str | None) -> bool:
    """The first line of a two-line prompt (shown just above a prompt line)."""
    return next_line is not None and _PROMPT.match(next_line) is not None and bool(_PROMPT_DECORATION.match(line))


def parse_command(text: str) -> Command | None:
    """Split a command line; None when its first word is not a known tool."""
    first = text.split(None, 1)[0] if text.strip() else ""
    if first not in _WRAPPERS and "=" not in first and _tool_name(first) not in _TOOLS_AND_WRAPPED:
        return None  # most prompt lines: no need to split them the way the shell does
    if _QUOTING.search(text) is None:
        argv = tuple(text.split())  # what shlex would make of it, at a fraction of the cost
    else:
        try:
            argv = tuple(shlex.split(text, comments=False))
        except ValueError:
            argv = tuple(text.split())
    words = _unwrapped(list(argv))
    if not words or words[0] not in _TOOLS:
        return None
    tool = "kubectl" if words[0] in _KUBECTL else words[0]
    output_tool = _output_tool(argv) or _exec_tool(words) or tool
    parsed = parse_arguments(words[1:])
    identity = _kubectl_identity(parsed) if tool == "kubectl" else _docker_identity(words) if tool in ("docker", "podman", "nerdctl", "docker-compose") else Identity()
    return Command(text=text, argv=argv, tool=tool, verb=parsed.verb, identity=identity, output_tool=output_tool, args=parsed.args)


def _unwrapped(words: list[str]) -> list[str]:
    """The words from the tool on: without wrappers (`sudo -E`, `watch -n 2`, `time`), variable
    assignments (`KUBECONFIG=x`), the tool's path (`/usr/local/bin/kubectl`, `kubectl.exe`) and
    the distributions' kubectl wrappers (`microk8s kubectl`, `minikube kubectl --`)."""
    i = 0
    while i < len(words):
        word = words[i]
        if word in _WRAPPERS:
            takes_value = _WRAPPERS[word]
            i += 1
            while i < len(words) and words[i].startswith("-"):
                i += 2 if words[i] in takes_value else 1
        elif re.match(r"^[A-Z_][A-Z0-9_]*=", word):
            i += 1
        else:
            break
    words = words[i:]
    if not words:
        return words
    words[0] = _tool_name(words[0])
    if words[0] == "microk8s.kubectl":
        words[0] = "kubectl"
    elif words[:2] in (["microk8s", "kubectl"], ["k3s", "kubectl"]):
        words = ["kubectl", *words[2:]]
    elif words[:2] == ["minikube", "kubectl"]:
        words = ["kubectl", *words[3 if words[2:3] == ["--"] else 2 :]]
    return words


def _tool_name(word: str) -> str:
    """`/usr/local/bin/kubectl` and `kubectl.exe` -> `kubectl`."""
    name = word.replace("\\", "/").rsplit("/", 1)[-1]
    return name.removesuffix(".exe").removesuffix(".sh") or word


def parse_arguments(words: Sequence[str]) -> Arguments:
    """The verb, positional words and the namespace/container/selector flags of the words after
    the tool, up to the first pipe, list operator or comment. Flags take the next word as their
    value when kubectl's do (`_VALUE_FLAGS`; `-f` and `-p` by verb), or an attached one
    (`--namespace=shop`, `-nshop`, `-owide`)."""
    verb: str | None = None
    positional: list[str] = []
    found: dict[str, str] = {}
    i = 0
    while i < len(words):
        word = words[i]
        i += 1
        if word.startswith("#") or word == "--":
            break  # a comment; or the command that exec/run/debug start
        if _REDIRECT.match(word):
            i += word in (">", ">>", "<", "&>")  # `> out.txt`: skip the target too
            continue
        end = _COMMAND_END.search(word)
        if end is not None:
            word = word[: end.start()]
        if word.startswith("-") and len(word) > 1:
            name, value, i = _flag(word, words, i, verb)
            if value is not None and name in _RECORDED:  # the last -n wins, as in kubectl
                found[_RECORDED[name]] = value
        elif word:
            if verb is None:
                verb = word
            else:
                positional.append(word)
        if end is not None:
            break
    return Arguments(verb, tuple(positional), found.get("namespace"), found.get("container"), found.get("selector"))


_RECORDED = {"-n": "namespace", "--namespace": "namespace", "-c": "container", "--container": "container",
             "-l": "selector", "--selector": "selector"}  # fmt: skip


def _flag(word: str, words: Sequence[str], i: int, verb: str | None) -> tuple[str, str | None, int]:
    """(flag name, its value or None, index of the next word) of the flag `word`, whose next
    word is `words[i]`."""
    if word.startswith("--"):
        name, eq, value = word.partition("=")
        if eq:
            return name, value, i
    elif len(word) > 2:  # `-nshop`, `-n=shop`, `-owide`; or booleans run together (`-it`)
        name = word[:2]
        if _takes_value(name, verb):
            return name, word[2:].removeprefix("="), i
        return name, None, i
    else:
        name = word
    if _takes_value(name, verb) and i < len(words):
        return name, words[i], i + 1
    return name, None, i


def _takes_value(flag: str, verb: str | None) -> bool:
    if flag == "-f":
        return verb is not None and verb not in _FOLLOW_VERBS
    if flag == "-p":
        return verb in _P_VALUE_VERBS
    return flag in _VALUE_FLAGS


#: Pipeline stages that pass their input's lines through (the format stays the producer's).
_FILTERS = frozenset({"grep", "egrep", "fgrep", "tail", "head", "sort", "uniq", "less", "more", "cat", "tee", "sed", "awk", "cut", "column"})
#: Stages that turn their input into output of their own.
_TRANSFORMS = frozenset({"openssl", "jq", "yq", "base64", "xxd", "wc"})


def _exec_tool(words: list[str]) -> str | None:
    """The diagnostic a `kubectl exec POD -- df -h` (or `docker exec`) runs inside a container:
    its output is that tool's."""
    if "exec" not in words[1:3] or "--" not in words:
        return None
    inner = words[words.index("--") + 1 :]
    while inner and inner[0] in ("sudo", "env", "/bin/sh", "sh", "bash", "-c"):
        inner = inner[1:]
    name = inner[0].split()[0].rsplit("/", 1)[-1] if inner and inner[0].strip() else ""
    return name if name in DIAGNOSTIC else None


def _output_tool(argv: tuple[str, ...]) -> str | None:
    """The tool whose output a pipeline shows (None when there is no pipe)."""
    stages, current = [], []
    for word in argv:
        if word == "|":
            stages.append(current)
            current = []
        else:
            current.append(word)
    stages.append(current)
    if len(stages) < 2:
        return None
    for stage in reversed(stages[1:]):
        words = [w for w in stage if w not in ("sudo",)]
        if words and words[0] not in _FILTERS:
            return words[0] if words[0] in _TRANSFORMS | DIAGNOSTIC else None
    return None


def _kubectl_identity(parsed: Arguments) -> Identity:
    """Namespace, pod and container a kubectl command names (`logs -n ns pod -c c`, `-l app=x`)."""
    pod = _selected_app(parsed.selector) if parsed.selector else None
    verb, args = parsed.verb, parsed.args
    target = None
    if verb in ("logs", "exec", "attach") and args:
        target = args[0]
    elif verb in ("describe", "get") and len(args) > 1 and args[0] in ("pod", "pods", "po"):
        target = args[1]  # `get pod NAME -o yaml`: a bare `status:` below it is that pod's
    elif verb in ("describe", "get") and args and args[0].startswith(("pod/", "pods/")):
        target = args[0]
    if target:
        kind, _, name = target.rpartition("/")
        pod = name if kind in ("", "pod", "pods", "po") else pod or name
    return Identity(namespace=parsed.namespace, pod=pod, container=parsed.container)


def _selected_app(selector: str) -> str | None:
    labels = dict(part.split("=", 1) for part in selector.split(",") if "=" in part)
    return next((labels[k] for k in _LABEL_NAMES if labels.get(k)), None)


def _docker_identity(words: list[str]) -> Identity:
    """`docker logs [opts] NAME`: the container the output comes from."""
    if len(words) > 2 and words[1] == "logs":
        names = [w for w in words[2:] if not w.startswith("-")]
        if names:
            return Identity(container=names[-1])
    return Identity()
