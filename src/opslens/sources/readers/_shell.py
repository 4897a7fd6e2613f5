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
from dataclasses import dataclass

from opslens.sources.base import Identity

# A prompt ends in one of these before the command: `$`, `#`, `%`, `>`, `❯`, `➜ dir git:(x) ✗`, `λ`.
_PROMPT = re.compile(
    r"^\s*(?:"
    r"(?:\([\w.-]+\)\s*)?(?:\[?[\w.-]+@[\w.-]+[: ][^\s$#]*\]?\s*[$#%])"  # user@host:~$ / [u@h dir]#
    r"|(?:[\w.-]+-\d[\d.]*[$#])"  # bash-5.1$ / sh-4.2#
    r"|(?:PS [A-Za-z]:\\[^>]*>)"  # PowerShell
    r"|(?:(?:[\w.-]+\s+)?[➜❯λ»›]\s*(?:\S+\s+git:\([^)]*\)\s*✗?)?)"  # oh-my-zsh / starship (`host ➜`)
    r"|(?:~\S*\s*[$#%])|(?:/\S*\s+[$#])|(?:[$#%>])"  # ~ $, / #, bare $ # % >
    r"|(?:\+{1,3})"  # a shell's trace of what it runs (`set -x` in CI logs)
    r")\s+(?P<command>\S.*?)\s*$"
)
#: Commands whose output people paste when something is broken (first word, after sudo).
_TOOLS = frozenset({
    "kubectl", "k", "kc", "oc", "microk8s", "k3s", "minikube", "kubeadm", "helm", "helmfile", "stern",
    "kubetail", "docker", "docker-compose", "podman", "nerdctl", "crictl", "ctr", "journalctl",
    "systemctl", "service", "dmesg", "df", "du", "free", "top", "ps", "cat", "tail", "head", "less",
    "more", "grep", "egrep", "ls", "nslookup", "dig", "host", "curl", "wget", "ping", "telnet", "nc",
    "ss", "netstat", "ip", "iptables", "mount", "lsblk", "swapon", "swapoff", "env", "printenv",
    "etcdctl", "argocd", "flux", "terraform", "aws", "gcloud", "az", "eksctl", "vault", "psql", "mysql",
    "redis-cli", "mongo", "mongosh", "openssl", "uptime", "vmstat", "iostat", "getent", "traceroute",
    "mtr", "cilium", "calicoctl", "istioctl", "linkerd", "velero", "k9s",
})  # fmt: skip
_KUBECTL = frozenset({"kubectl", "k", "kc", "oc"})
#: Without a prompt, only these unmistakable command lines count as commands.
_BARE = re.compile(
    r"^\s*(?:sudo\s+)?(?:kubectl|oc|helm|helmfile|docker|docker-compose|podman|crictl|journalctl|systemctl|kubeadm|aws|gcloud|az|eksctl)"
    r"\s+(?:-{1,2}[\w-]+(?:[= ]\S+)?\s+)*[a-z][\w-]*(?:\s+\S+)*\s*$"
)
#: Commands whose whole output is one record (a disk report, a DNS answer): quoted together.
DIAGNOSTIC = frozenset({
    "df", "du", "free", "nslookup", "dig", "host", "curl", "wget", "ping", "telnet", "nc", "ss",
    "netstat", "ip", "mount", "lsblk", "swapon", "cat", "ls", "getent", "traceroute", "mtr", "openssl",
    "uptime", "vmstat", "iostat", "env", "printenv", "top", "ps", "grep", "egrep", "jq", "base64",
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

    @property
    def diagnostic(self) -> bool:
        """Output that is one record: quote it with the command."""
        return (self.output_tool or self.tool) in DIAGNOSTIC


def command_in(line: str) -> Command | None:
    """The command of a prompt line (or of an unmistakable bare command line), else None."""
    m = _PROMPT.match(line)
    text = m.group("command") if m else None
    if text is None:
        if not _BARE.match(line):
            return None
        text = line.strip()
    command = parse_command(text)
    if command is None or (m is None and command.tool not in _KUBECTL | {"helm", "helmfile", "docker", "docker-compose",
                                                                           "podman", "crictl", "journalctl", "systemctl", "kubeadm",
                                                                           "aws", "gcloud", "az", "eksctl"}):
        return None
    return command


def is_prompt_decoration(line: str, next_line: str | None) -> bool:
    """The first line of a two-line prompt (shown just above a prompt line)."""
    return next_line is not None and _PROMPT.match(next_line) is not None and bool(_PROMPT_DECORATION.match(line))


def parse_command(text: str) -> Command | None:
    """Split a command line; None when its first word is not a known tool."""
    try:
        argv = tuple(shlex.split(text, comments=False))
    except ValueError:
        argv = tuple(text.split())
    words = list(argv)
    while words and (words[0] in ("sudo", "time", "watch") or re.match(r"^[A-Z_][A-Z0-9_]*=", words[0])):
        words.pop(0)
    if words[:2] in (["microk8s", "kubectl"], ["k3s", "kubectl"]) or words[:3] == ["minikube", "kubectl", "--"]:
        words = words[words.index("kubectl") + (2 if words[0] == "minikube" else 1):]
        words.insert(0, "kubectl")
    if not words or words[0] not in _TOOLS:
        return None
    tool = "kubectl" if words[0] in _KUBECTL else words[0]
    output_tool = _output_tool(argv) or tool
    verb = next((w for w in words[1:] if not w.startswith("-") and not _is_flag_value(words, w)), None)
    identity = _kubectl_identity(words) if tool == "kubectl" else _docker_identity(words) if tool in ("docker", "podman", "nerdctl", "docker-compose") else Identity()
    return Command(text=text, argv=argv, tool=tool, verb=verb, identity=identity, output_tool=output_tool)


#: Pipeline stages that pass their input's lines through (the format stays the producer's).
_FILTERS = frozenset({"grep", "egrep", "fgrep", "tail", "head", "sort", "uniq", "less", "more", "cat", "tee", "sed", "awk", "cut", "column"})
#: Stages that turn their input into output of their own.
_TRANSFORMS = frozenset({"openssl", "jq", "yq", "base64", "xxd", "wc"})


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


def _is_flag_value(words: list[str], word: str) -> bool:
    """Whether `word` is the value of the flag before it (`-n shop`)."""
    at = words.index(word)
    return at > 0 and words[at - 1] in ("-n", "--namespace", "-c", "--container", "-l", "--selector", "--context", "-o", "--tail", "--since")


def _kubectl_identity(words: list[str]) -> Identity:
    """Namespace, pod and container a kubectl command names (`logs -n ns pod -c c`, `-l app=x`)."""
    namespace = container = pod = None
    positional: list[str] = []
    i = 1
    while i < len(words):
        w = words[i]
        value = words[i + 1] if i + 1 < len(words) else None
        if w in ("-n", "--namespace") and value:
            namespace, i = value, i + 2
            continue
        if w.startswith("--namespace="):
            namespace = w.split("=", 1)[1]
        elif w in ("-c", "--container") and value:
            container, i = value, i + 2
            continue
        elif w.startswith("--container="):
            container = w.split("=", 1)[1]
        elif w in ("-l", "--selector") and value:
            pod = pod or _selected_app(value)
            i += 2
            continue
        elif w in ("-o", "--output", "--context", "--tail", "--since", "--kubeconfig") and value:
            i += 2
            continue
        elif not w.startswith("-"):
            positional.append(w)
        i += 1
    verb = positional[0] if positional else None
    target = None
    if verb in ("logs", "exec", "attach") and len(positional) > 1:
        target = positional[1]
    elif verb == "describe" and len(positional) > 2 and positional[1] in ("pod", "pods", "po"):
        target = positional[2]
    elif verb == "describe" and len(positional) > 1 and positional[1].startswith(("pod/", "pods/")):
        target = positional[1]
    if target:
        kind, _, name = target.rpartition("/")
        pod = name if kind in ("", "pod", "pods", "po") else pod or name
    return Identity(namespace=namespace, pod=pod, container=container)


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
