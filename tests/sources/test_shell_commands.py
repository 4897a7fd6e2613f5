"""Pasted command lines: the one parser (`_shell.command_in`) and its kubectl view
(`_kubectl_text.command_of`). Prompts of every shape, kubectl's flags that take a value (which
must never be read as the verb or the object), pipes and comments, bare command lines."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opslens.sources.readers._kubectl_text import Command as KubectlCommand
from opslens.sources.readers._kubectl_text import command_of
from opslens.sources.readers._shell import command_in

# line -> (tool, verb, namespace, pod, container) as command_in reads it
SHELL_CASES = {
    "$ kubectl --kubeconfig ~/k logs -n shop api-1": ("kubectl", "logs", "shop", "api-1", None),
    "$ kubectl --context prod --cluster east logs api-1 -c app": ("kubectl", "logs", None, "api-1", "app"),
    "$ kubectl -s https://10.0.0.1:6443 --user admin get pods": ("kubectl", "get", None, None, None),
    "$ kubectl logs -f api-1 -n shop": ("kubectl", "logs", "shop", "api-1", None),  # -f: --follow
    "$ kubectl logs -p api-1 -c app": ("kubectl", "logs", None, "api-1", "app"),  # -p: --previous
    "$ kubectl logs --tail 50 --since 1h api-1": ("kubectl", "logs", None, "api-1", None),
    "$ kubectl logs -nshop -capp api-1": ("kubectl", "logs", "shop", "api-1", "app"),
    "$ kubectl logs --namespace=shop --container=app deploy/api": ("kubectl", "logs", "shop", "api", "app"),
    "$ kubectl logs -n dev -n shop api-1": ("kubectl", "logs", "shop", "api-1", None),  # the last -n wins
    "$ kubectl logs -l app=cart -n shop --tail=20": ("kubectl", "logs", "shop", "cart", None),
    "$ kubectl describe pod api-1 -n shop": ("kubectl", "describe", "shop", "api-1", None),
    "$ kubectl describe pods/api-1": ("kubectl", "describe", None, "api-1", None),
    "$ kubectl get pod api-1 -n shop -o yaml": ("kubectl", "get", "shop", "api-1", None),
    "$ kubectl get pods/api-1 -o json": ("kubectl", "get", None, "api-1", None),
    "$ kubectl get deploy api -n shop -o yaml": ("kubectl", "get", "shop", None, None),
    "$ kubectl exec -it api-1 -c app -- sh -c 'cat /etc/hosts'": ("kubectl", "exec", None, "api-1", "app"),
    "$ kubectl logs api-1 | grep -i error": ("kubectl", "logs", None, "api-1", None),
    "➜  ~ kubectl -n comms describe deploy notifications": ("kubectl", "describe", "comms", None, None),
    "➜  infra git:(main) ✗ k logs -n shop api-1": ("kubectl", "logs", "shop", "api-1", None),
    "mymac:~ me$ kubectl logs -n shop api-1": ("kubectl", "logs", "shop", "api-1", None),
    "$ sudo -E microk8s kubectl logs api-1": ("kubectl", "logs", None, "api-1", None),
    "$ minikube kubectl -- logs api-1": ("kubectl", "logs", None, "api-1", None),
    "$ /usr/local/bin/kubectl logs api-1": ("kubectl", "logs", None, "api-1", None),
    "PS C:\\Users\\me> kubectl.exe logs -n shop api-1": ("kubectl", "logs", "shop", "api-1", None),
    "$ watch -n 2 kubectl get pods -n shop": ("kubectl", "get", "shop", None, None),
    "kubectl --kubeconfig ~/k logs -n shop api-1": ("kubectl", "logs", "shop", "api-1", None),
    "k logs -n shop api-1": ("kubectl", "logs", "shop", "api-1", None),  # bare alias with a verb
    "$ docker logs -f --tail 100 web": ("docker", "logs", None, None, "web"),
    "$ git log --oneline -5": ("git", "log", None, None, None),
    "dana@box:~/gitops$ git show 9f1c2ab": ("git", "show", None, None, None),
    "user@node2:~$ df -h": ("df", None, None, None, None),
    "➜  ~ df -h": ("df", None, None, None, None),  # oh-my-zsh shows the directory
    "helm -n shop status cart": ("helm", "status", None, None, None),  # identity: kubectl's only
    # database clients' prompts: the statement is the command, its result table the output
    "MariaDB [shop]> SHOW VARIABLES LIKE 'max_connections';": ("mysql", None, None, None, None),
    "mysql> SHOW PROCESSLIST;": ("mysql", None, None, None, None),
    "orders=# SELECT count(*) FROM pg_stat_activity;": ("psql", None, None, None, None),
    "orders=> show max_connections;": ("psql", None, None, None, None),
    "127.0.0.1:6379> INFO memory": ("redis-cli", None, None, None, None),
    "redis-cache.shop.svc:6379[2]> CONFIG GET maxmemory": ("redis-cli", None, None, None, None),
    "sqlite> PRAGMA integrity_check;": ("sqlite3", None, None, None, None),
}
NOT_COMMANDS = [
    "count=> 5",  # psql's and redis-cli's prompt shapes without a statement of theirs
    "web-1:8080> hello world",
    "total=# of rows",
    "kubectl is the Kubernetes CLI",  # no subcommand a bare line would have
    "k means thousand",
    "Annotations:  kubectl.kubernetes.io/restartedAt: 2025-02-17T09:12:30Z",
    "  Warning  BackOff  3m  kubelet  Back-off restarting failed container",
    "kubectl",
    "$ ",
    "",
]


@pytest.mark.parametrize("line", sorted(SHELL_CASES))
def test_command_in_reads_tool_verb_and_identity(line: str) -> None:
    command = command_in(line)
    assert command is not None
    identity = command.identity
    got = (command.tool, command.verb, identity.namespace, identity.pod, identity.container)
    assert got == SHELL_CASES[line]


@pytest.mark.parametrize("line", NOT_COMMANDS)
def test_lines_that_are_no_commands(line: str) -> None:
    assert command_in(line) is None and command_of(line) is None


# line -> what command_of (the kubectl view) reads
KUBECTL_CASES = {
    "$ kubectl --kubeconfig ~/k logs -n shop api-1": KubectlCommand("logs", None, None, "shop"),
    "$ kubectl describe pod api-1 -n shop": KubectlCommand("describe", "Pod", "api-1", "shop"),
    "$ kubectl get -f deploy.yaml -o wide": KubectlCommand("get", None, None, None),  # -f: --filename
    "$ kubectl apply -f pods.yaml": KubectlCommand("apply", None, None, None),
    "$ kubectl patch deploy api -p '{\"spec\":{}}'": KubectlCommand("patch", "Deployment", "api", None),
    "$ kubectl get deployments   # old cluster": KubectlCommand("get", "Deployment", None, None),
    "$ kubectl get pods|grep api": KubectlCommand("get", "Pod", None, None),
    "$ kubectl get pods > pods.txt": KubectlCommand("get", "Pod", None, None),
    "$ kubectl events -n vault": KubectlCommand("get", "Event", None, "vault"),
    "kubectl describe pods cms-7b5d9c8f4-wq2rt:": KubectlCommand("describe", "Pod", "cms-7b5d9c8f4-wq2rt", None),
    "➜ k get pods -n shop": KubectlCommand("get", "Pod", None, "shop"),
    "$ oc get deploy.apps/api -n shop": KubectlCommand("get", "Deployment", "api", "shop"),
    "+ kubectl top pod -n billing": KubectlCommand("top", "Pod", None, "billing"),
}


@pytest.mark.parametrize("line", sorted(KUBECTL_CASES))
def test_command_of_is_the_kubectl_view(line: str) -> None:
    assert command_of(line) == KUBECTL_CASES[line]
    shell = command_in(line)
    assert shell is not None and shell.tool == "kubectl"
    assert shell.identity.namespace == KUBECTL_CASES[line].namespace


def test_command_of_ignores_other_tools_and_unknown_verbs() -> None:
    assert command_in("$ docker ps") is not None and command_of("$ docker ps") is None
    assert command_of("$ kubectl frobnicate pods") is None


# --- the bug class: a flag's value read as the verb or the object ----------------------------

_PROMPTS = ["$ ", "user@host:~$ ", "➜  ~ ", "❯ ", "[root@master ~]# ", "PS C:\\> ", ""]
_VALUE_FLAGS = ["-n", "--namespace", "--context", "--kubeconfig", "--cluster", "--user", "-s",
                "--server", "-l", "-c", "-o", "--since", "--tail", "--field-selector", "--sort-by"]  # fmt: skip
_WORD = st.from_regex(r"[a-z0-9][a-z0-9~./=-]{0,12}", fullmatch=True)


@settings(max_examples=300, deadline=None)
@given(
    prompt=st.sampled_from(_PROMPTS),
    tool=st.sampled_from(["kubectl", "k", "oc", "/usr/bin/kubectl", "microk8s kubectl"]),
    before=st.lists(st.tuples(st.sampled_from(_VALUE_FLAGS), _WORD), max_size=3),
    verb=st.sampled_from(["get", "describe", "logs", "top"]),
    after=st.lists(st.tuples(st.sampled_from(_VALUE_FLAGS), _WORD), max_size=3),
    name=st.from_regex(r"[a-z][a-z0-9-]{0,10}", fullmatch=True),
)
def test_flag_values_never_become_the_verb_or_the_object(
    prompt: str, tool: str, before: list[tuple[str, str]], verb: str,
    after: list[tuple[str, str]], name: str,
) -> None:  # fmt: skip
    flags = lambda pairs: "".join(f"{flag} {value} " for flag, value in pairs)  # noqa: E731
    line = f"{prompt}{tool} {flags(before)}{verb} {flags(after)}{name}"
    shell = command_in(line)
    kubectl = command_of(line)
    assert shell is not None and kubectl is not None, line
    assert shell.tool == "kubectl" and shell.verb == kubectl.verb == verb
    assert shell.args == (name,)
    namespaces = [value for flag, value in before + after if flag in ("-n", "--namespace")]
    assert kubectl.namespace == shell.identity.namespace == (namespaces[-1] if namespaces else None)
    if verb == "logs":
        assert shell.identity.pod == name


@pytest.mark.parametrize(
    "line",
    [
        "kubectl " + "-a -b " * 10_000 + "X",  # flags with or without a value: once exponential
        "$ x" + " " * 65_000 + "y",  # a lazy command before trailing blanks: once quadratic
        "$ kubectl " + "-n " * 20_000,
        "➜ " * 30_000,
        "$ " + "a" * 65_000,
    ],
    ids=["flag-runs", "prompt-blanks", "value-flags", "arrows", "long-word"],
)
def test_pathological_lines_are_read_promptly(line: str) -> None:
    # Measured, not left to a CI timeout: each took seconds to hours before; a generous bound
    # (100x today's cost) keeps the test stable on a slow, shared machine.
    started = time.perf_counter()
    command_in(line)
    command_of(line)
    assert time.perf_counter() - started < 1.0


@pytest.mark.parametrize(
    ("line", "output_tool"),
    [
        ("$ kubectl exec -n db pg-main-0 -- df -h", "df"),
        ("$ kubectl exec -it pg-main-0 -- sh -c 'df -h /var/lib/postgresql'", "df"),
        ("$ docker exec web -- /usr/bin/free -m", "free"),
        ("$ kubectl exec api-1 -- cat /etc/resolv.conf", "cat"),
        ("$ kubectl exec api-1 -- python manage.py migrate", "kubectl"),  # not a diagnostic: kubectl's
    ],
)
def test_exec_shows_the_output_of_the_diagnostic_it_runs(line: str, output_tool: str) -> None:
    command = command_in(line)
    assert command is not None and command.output_tool == output_tool
