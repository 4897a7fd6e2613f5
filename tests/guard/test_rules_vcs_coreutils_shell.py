"""Default-deny rules for git, coreutils and shell builtins (issue 11).

Table-driven: read-only forms with common options stay read_only, an unknown option on a
read-only form is unknown, and each class from issue 11 (file-writing options, history,
shell state, secret searches, interactive tools, git-extras) gets its label.
"""

from __future__ import annotations

import pytest
from guard_helpers import D, M, R, S, U

from opslens.guard import CommandGuard
from opslens.guard.labels import Label

READ_ONLY_FORMS = [
    "git log --oneline --graph -20",
    "git log -p -1 -- src/app.py",
    "git show --stat HEAD",
    "git diff --cached --name-only",
    "git status -sb",
    "git status -uno",
    "git shortlog -sne --all",
    "git blame -L 10,20 app.py",
    "git branch -a -vv",
    "git tag -l 'v1.*'",
    "git remote -v",
    "git config --get user.email",
    "git stash list",
    "git ls-files -z",
    "git rev-parse --abbrev-ref HEAD",
    "git format-patch --stdout -1",
    "git apply --stat fix.patch",
    "git clean -fdn",
    "git -c color.ui=always log --oneline",
    "git --no-pager diff",
    "git summary --line",
    "git authors --list",
    "ls -la /var/log",
    "ls -1",
    "cat app.log",
    "head -n 50 app.log",
    "head -20 app.log",
    "tail -f -n 100 app.log",
    "grep -rni error /var/log",
    "grep -rl password .",
    "wc -l app.log",
    "du -sh /var/*",
    "df -hT",
    "ps -ef",
    "ps aux",
    "stat -c %s app.log",
    "free -m",
    "uptime",
    "lsof -i :80",
    "top -b -n 1",
    "rg -n TODO src",
    "sudo -u postgres dmesg",
    "env -i ls",
    "xargs -n1 echo",
    "watch -n 5 df -h",
    "echo hi",
    "alias",
    "set -o",
    "ulimit -a",
    "history -p '!!'",
]
UNKNOWN_FLAG = [
    "git log --bogus",
    "git diff --output=out.diff",
    "git status --frobnicate",
    "git grep -O foo",
    "git fsck --lost-found",
    "ls --bogus",
    "cat --bogus app.log",
    "grep --bogus x f",
    "ps --bogus",
    "head --bogus f",
    "df --bogus",
    "sdiff -o out a b",
    "shuf -o out in",
    "rg --pre cat x",
    "sudo --bogus ls",
    "env -S 'ls -l'",
    "xargs -p rm",
    "printenv --bogus",
    "top --bogus",
]
CLASSES = [
    # files written by an otherwise read-only command
    ("git format-patch -3", M),
    ("git format-patch -o out HEAD~2", M),
    ("git archive -o out.tar HEAD", M),
    ("git apply --stat --apply fix.patch", M),
    ("git hash-object -w app.py", M),
    ("xxd app.bin app.hex", M),
    # config that runs programs
    ("git -c core.pager='rm -rf ~' log", M),
    ("git --exec-path=/tmp/evil log", M),
    # difftool / mergetool edit the tree
    ("git difftool --staged", M),
    ("git mergetool", M),
    ("git mergetool --tool-help", R),
    # git-extras
    ("git obliterate secrets.env", D),
    ("git delete-branch feature/x", D),
    ("git clear", D),
    ("git fresh-branch docs", D),
    ("git sync", D),
    ("git undo -h", D),
    ("git undo", M),
    ("git authors", M),
    ("git ignore '*.log'", M),
    # history rewriting / deleting refs
    ("git update-ref -d HEAD", D),
    ("git replace -d 3f2a9c1", D),
    ("git notes remove HEAD", D),
    ("git worktree prune", D),
    ("git mv -f a b", D),
    ("git symbolic-ref --delete refs/x", D),
    ("git symbolic-ref HEAD", R),
    ("git symbolic-ref HEAD refs/heads/main", M),
    # secrets
    ("git grep -n password", S),
    ("git log -S api_key -p", S),
    ("grep -ri token /etc", S),
    ("rg -i 'api_key' .", S),
    ("grep -e secret config.yml", S),
    ("cat ~/.ssh/id_rsa", S),
    ("cat ~/.ssh/id_rsa.pub", R),
    ("tail ~/.bash_history", S),
    ("cat /proc/1/environ", S),
    ("env", S),
    ("printenv", S),
    ("export", S),
    ("export -p", S),
    ("set", S),
    ("echo $DB_PASSWORD", S),
    ("gh auth status -t", S),
    ("git credential fill", S),
    # history builtin
    ("history", S),
    ("history 20", S),
    ("history -c", D),
    ("history -d 5", D),
    ("history -w", M),
    ("history -a", M),
    ("fc -l", S),
    ("fc", M),
    # shell state is never read_only
    ("alias ll='ls -l'", M),
    ("export FOO=bar", M),
    ("unset FOO", M),
    ("set -e", M),
    ("cd /tmp && ls", M),
    ("ulimit -n 4096", M),
    ("umask 077", M),
    ("source ./env.sh", U),
    # date / clock
    ("date -s '2024-01-01'", M),
    ("date --set=12:00", M),
    ("date +%s", R),
]


@pytest.fixture(scope="module")
def guard() -> CommandGuard:
    return CommandGuard({})


@pytest.mark.parametrize("command", READ_ONLY_FORMS)
def test_read_only_forms(guard: CommandGuard, command: str) -> None:
    verdict = guard.classify(command)
    assert verdict.label is R, f"{command!r} -> {verdict.label.value}: {verdict.reason}"


@pytest.mark.parametrize("command", UNKNOWN_FLAG)
def test_unknown_flag_is_not_read_only(guard: CommandGuard, command: str) -> None:
    verdict = guard.classify(command)
    assert verdict.label > S, f"{command!r} -> {verdict.label.value}: {verdict.reason}"


@pytest.mark.parametrize(("command", "expected"), CLASSES)
def test_issue_11_classes(guard: CommandGuard, command: str, expected: Label) -> None:
    verdict = guard.classify(command)
    assert verdict.label is expected, f"{command!r} -> {verdict.label.value}: {verdict.reason}"


@pytest.mark.parametrize(
    "tool",
    [
        "git",
        "ls",
        "cat",
        "grep",
        "ps",
        "df",
        "du",
        "head",
        "tail",
        "stat",
        "top",
        "rg",
        "sudo",
        "env",
        "xargs",
        "watch",
        "printenv",
        "echo",
        "history",
        "export",
        "alias",
        "set",
    ],
)
def test_tool_is_default_deny(guard: CommandGuard, tool: str) -> None:
    spec = guard.rules.lookup(tool)
    assert spec is not None and spec.default_deny, tool
