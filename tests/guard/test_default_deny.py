"""Default-deny: `read_only` is earned only when every option used is known to be read-only.

Cases written from the tools' own help (kubectl 1.32, Docker CLI 28, systemd 252, cri-tools).
"""

from __future__ import annotations

import pytest
from guard_helpers import FLAG_NAMES, D, M, R, S, U, declared_flags
from hypothesis import given, settings
from hypothesis import strategies as st

from opslens.errors import ConfigError
from opslens.guard import CommandGuard, Label
from opslens.guard.matching import resolve, unearned_flag
from opslens.guard.rules_loader import RuleError, parse_tools

CASES = [
    # unknown flag on a known read-only subcommand -> unknown
    ("kubectl get pods --bogus", U),
    ("kubectl logs api --delete-everything", U),
    ("docker ps --bogus", U),
    ("systemctl status nginx --bogus", U),
    ("journalctl -u nginx --bogus", U),
    ("crictl ps --bogus", U),
    # known flags -> read_only
    ("kubectl get pods -A -o wide --show-labels", R),
    ("kubectl --context prod -n payments describe deploy api", R),
    ("kubectl logs -f deploy/api -c app --since=10m --tail 100", R),
    ("docker ps -a --format '{{.Names}}'", R),
    ("docker logs --since 10m -f web", R),
    ("systemctl list-units --type service --state failed --no-pager", R),
    ("journalctl -u nginx --since '1 hour ago' -o json --no-pager", R),
    ("crictl ps -a -o json", R),
    # --flag=value is split at `=`
    ("kubectl get pods --output=yaml --selector=app=web", R),
    ("kubectl get pods --bogus=1", U),
    ("journalctl --unit=nginx --lines=50", R),
    # getopt / pflag clusters are split into single options
    ("journalctl -xeu nginx", R),
    ("journalctl -xzu nginx", U),
    ("docker ps -aq", R),
    ("docker ps -aZ", U),
    ("systemctl -al status", R),
    ("kubectl exec -it pod -- ls", R),
    # attached values of value-taking short options
    ("journalctl -n5 -ojson", R),
    ("kubectl get secrets -ojson", S),
    ("kubectl get pods -owide -lapp=web", R),
    ("journalctl -b -1", R),
    # nothing after `--` is an option of the outer tool
    ("journalctl -u nginx -- --vacuum-size=1", R),
    ("kubectl exec pod -- ls -la /tmp", R),  # after `--`: the inner command's own flags
    ("kubectl exec pod -- ls --bogus", U),  # ... which default-deny checks against ls's list
    # options that write files, act, expose or read input are not earned
    ("kubectl get pods --profile=cpu --profile-output=/tmp/p", U),
    ("kubectl cluster-info dump --output-directory=/tmp/dump", U),
    ("kubectl attach -it api", U),
    ("kubectl kustomize . --enable-helm", U),
    ("kubectl port-forward --address 0.0.0.0 svc/db 5432", M),
    ("kubectl delete pod x --dry-run=server --raw /api/v1/namespaces/x", U),
    ("journalctl --cursor-file=/tmp/cursor -u nginx", M),
    ("journalctl --vacuum-size=1G", D),
    ("journalctl --rotate", M),
    ("journalctl --flush", M),
    ("journalctl --setup-keys", M),
    ("systemctl status --now nginx", U),
    ("docker ps --sync", U),
    ("docker compose config -o rendered.yaml", U),
    ("docker attach web", U),
    ("docker swarm ca --rotate", M),
    ("docker swarm unlock-key", S),
    ("crictl logs -r abc", U),
    # dry-run previews stay read_only only with known options
    ("kubectl apply -f k8s/ --dry-run=server", R),
    ("kubectl run x --image=busybox --dry-run=client -it -- sh", U),
    # mutating and destructive verdicts are never lowered or changed
    ("kubectl delete pod x --bogus", D),
    ("systemctl restart nginx --bogus", M),
    # help flags are always known
    ("kubectl get -h", R),
    ("journalctl -h", R),
]


@pytest.mark.parametrize(("command", "expected"), CASES)
def test_default_deny_table(guard: CommandGuard, command: str, expected: Label) -> None:
    verdict = guard.classify(command)
    assert verdict.label is expected, verdict.reason


def test_reason_names_the_flag_and_the_command(guard: CommandGuard) -> None:
    verdict = guard.classify("kubectl get pods --foo")
    assert verdict.reason == "unknown flag --foo for kubectl get"


# -- property: an option no node on the path declares never yields read_only ----------------

READ_FORMS = [
    ("kubectl", ["get", "pods"]),
    ("kubectl", ["logs", "api"]),
    ("kubectl", ["rollout", "status", "deploy/api"]),
    ("docker", ["ps"]),
    ("docker", ["container", "ls"]),
    ("systemctl", ["status", "nginx"]),
    ("journalctl", ["-u", "nginx"]),
    ("crictl", ["ps"]),
]


def _declared(guard: CommandGuard, tool: str, args: list[str]) -> frozenset[str]:
    spec = guard.rules.lookup(tool)
    assert spec is not None and spec.default_deny
    declared = declared_flags(guard, tool, args)
    assert declared is not None
    return declared


@settings(max_examples=300, deadline=None)
@given(form=st.sampled_from(READ_FORMS), name=FLAG_NAMES, value=st.booleans(), before=st.booleans())
def test_undeclared_long_flag_is_never_read_only(
    guard: CommandGuard, form: tuple[str, list[str]], name: str, value: bool, before: bool
) -> None:
    tool, args = form
    flag = f"--{name}"
    if flag in _declared(guard, tool, args):
        return
    token = f"{flag}=x" if value else flag
    argv = [tool, token, *args] if before else [tool, *args, token]
    assert guard.classify_argv(argv).label is not Label.READ_ONLY


@settings(max_examples=300, deadline=None)
@given(form=st.sampled_from(READ_FORMS), letter=st.sampled_from("abcdefghijklmnopqrstuvwxyzZQ"))
def test_undeclared_short_flag_is_never_read_only(
    guard: CommandGuard, form: tuple[str, list[str]], letter: str
) -> None:
    tool, args = form
    if f"-{letter}" in _declared(guard, tool, args):
        return
    argv = [tool, *args, f"-{letter}"]
    assert guard.classify_argv(argv).label is not Label.READ_ONLY


@settings(max_examples=200, deadline=None)
@given(
    form=st.sampled_from([("kubectl", ["get", "pods", "-o"]), ("journalctl", ["-u"])]),
    name=FLAG_NAMES,
)
def test_undeclared_flag_after_a_value_option_is_never_read_only(
    guard: CommandGuard, form: tuple[str, list[str]], name: str
) -> None:
    """A value-taking option never swallows a following `--option` (issue 11, fix 4)."""
    tool, args = form
    if f"--{name}" in _declared(guard, tool, args[:-1]):
        return
    argv = [tool, *args, f"--{name}"]
    assert guard.classify_argv(argv).label is not Label.READ_ONLY


# -- schema: user tools use the same keys -----------------------------------------------------

USER_TOOL = {
    "acmectl": {
        "default_deny": True,
        "flags": ["-v", "--region="],
        "sub": {
            "status": {"label": "read_only", "flags": ["--all", "-o=", "--output="]},
            "logs": {"label": "read_only", "any_flags": "every logs option only filters"},
            "deploy": "mutating",
        },
    }
}


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("acmectl status", R),
        ("acmectl -v status --all -o json", R),
        ("acmectl --region eu status", R),
        ("acmectl status --purge", U),
        ("acmectl logs --anything --goes", R),
        ("acmectl deploy --x", M),
    ],
)
def test_user_tools_use_the_same_schema(command: str, expected: Label) -> None:
    guard = CommandGuard(user_rules={"tools": USER_TOOL})
    assert guard.classify(command).label is expected


def test_value_flags_take_their_value() -> None:
    spec = parse_tools(USER_TOOL, "t")["acmectl"]
    res = resolve(spec, ["--region", "status", "status"])
    assert res.words == ["acmectl", "status"] and unearned_flag(res) is None


def test_without_default_deny_flags_are_not_checked() -> None:
    tool = {"oldctl": {"sub": {"status": {"label": "read_only"}}}}
    guard = CommandGuard(user_rules={"tools": tool})
    assert guard.classify("oldctl status --anything").label is R


@pytest.mark.parametrize(
    "bad",
    [
        {"x": {"flags": ["all"]}},
        {"x": {"flags": ["--"]}},
        {"x": {"any_flags": True}},
        {"x": {"any_flags": ""}},
        {"x": {"flags": 3}},
    ],
)
def test_schema_errors_are_reported(bad: dict) -> None:
    with pytest.raises(RuleError):
        parse_tools(bad, "t")
    with pytest.raises(ConfigError):
        CommandGuard(user_rules={"tools": bad})
