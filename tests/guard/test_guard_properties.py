"""Hypothesis properties: embedded destructive commands, redaction idempotence, no crashes."""

from __future__ import annotations

import shlex

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opslens.guard import (
    CommandGuard,
    Label,
    Redactor,
    fence_untrusted,
    find_injection,
    strip_control,
)

GUARD = CommandGuard(user_rules={})

DESTRUCTIVE = [
    "rm -rf /var/lib/app",
    "kubectl delete ns prod",
    "terraform destroy -auto-approve",
    "dd if=/dev/zero of=/dev/sda",
    "mkfs.ext4 /dev/nvme0n1",
    "iptables -F",
    "reboot",
    "shutdown -h now",
    "psql -c 'DROP TABLE orders'",
    "redis-cli FLUSHALL",
    "helm uninstall api",
    "docker system prune -af",
    "git push --force origin main",
    "aws s3 rb s3://bucket --force",
    "systemctl poweroff",
    "kill -9 1",
]
SAFE = [
    "kubectl get pods",
    "ls -la",
    "uptime",
    "df -h",
    "journalctl -n 20",
    "git status",
    "cat /etc/hostname",
    "ps aux",
    "docker ps",
    "echo ok",
]


def _embed(kind: str, inner: str, safe: str) -> str:
    quoted = shlex.quote(inner)
    return {
        "pipe": f"{safe} | {inner}",
        "and": f"{safe} && {inner}",
        "or": f"{safe} || {inner}",
        "seq": f"{safe}; {inner}",
        "subst": f"{safe} $({inner})",
        "backtick": "echo `" + inner.replace("\\", "\\\\").replace("`", "\\`") + "`",
        "bash-c": f"bash -c {quoted}",
        "sh-c-nested": f"sudo sh -c {shlex.quote('cd /tmp && ' + inner)}",
        "ssh": f"ssh host {quoted}",
        "xargs": f"{safe} | xargs {inner}",
        "subshell": f"({safe}; {inner})",
        "procsubst": f"diff <({safe}) <({inner})",
        "watch": f"watch -n 2 {quoted}",
        "timeout": f"timeout 10 {inner}",
        "loop": f"for i in 1 2; do {inner}; done",
        "if": f"if {safe}; then {inner}; fi",
    }[kind]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    inner=st.sampled_from(DESTRUCTIVE),
    safe=st.sampled_from(SAFE),
    kinds=st.lists(
        st.sampled_from(
            [
                "pipe",
                "and",
                "or",
                "seq",
                "subst",
                "backtick",
                "bash-c",
                "sh-c-nested",
                "ssh",
                "xargs",
                "subshell",
                "procsubst",
                "watch",
                "timeout",
                "loop",
                "if",
            ]
        ),
        min_size=1,
        max_size=3,
    ),
)
def test_embedded_destructive_command_is_never_read_only(
    inner: str, safe: str, kinds: list[str]
) -> None:
    command = inner
    for kind in kinds:
        command = _embed(kind, command, safe)
    verdict = GUARD.classify(command)
    assert verdict.label is not Label.READ_ONLY, (command, verdict)
    assert verdict.label >= Label.UNKNOWN, (command, verdict)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_classify_never_raises(text: str) -> None:
    verdict = GUARD.classify(text)
    assert isinstance(verdict.label, Label)


secretish = st.sampled_from(
    [
        "password=",
        "token: ",
        "AKIA",
        "ghp_",
        "Authorization: Bearer ",
        "https://u:",
        "sig=",
        "-----BEGIN RSA PRIVATE KEY-----\n",
        "api_key ",
        "xoxb-",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.",
        "[REDACTED:password#1]",
        "data:\n  k: ",
        '"stringData":{"a":"',
        "-u ",
        "redis-cli -a ",
    ]
)
text_with_secrets = st.lists(st.one_of(st.text(max_size=40), secretish), max_size=12).map("".join)


@settings(max_examples=400, deadline=None)
@given(text_with_secrets)
def test_redaction_is_idempotent_and_never_raises(text: str) -> None:
    redactor = Redactor()
    once = redactor.redact(text)
    assert redactor.redact(once) == once
    assert Redactor().redact(once) == once


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=60), max_size=20))
def test_stream_redaction_keeps_line_count(lines: list[str]) -> None:
    fed = [line.replace("\n", " ") + "\n" for line in lines]
    assert len(list(Redactor().redact_lines(fed))) == len(fed)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400), st.text(max_size=30))
def test_fence_cannot_be_closed_from_inside(text: str, label: str) -> None:
    fenced = fence_untrusted(text, label=label)
    first_line, _, rest = fenced.partition("\n")
    nonce = first_line.split()[1]
    closing = f"<<<END UNTRUSTED {nonce}>>>"
    assert fenced.endswith(closing)
    assert fenced.count(closing) == 1
    body = rest[: -len(closing)]
    assert "<<<" not in body and ">>>" not in body
    assert nonce not in body


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_injection_helpers_never_raise(text: str) -> None:
    cleaned = strip_control(text)
    assert "\x1b" not in cleaned
    find_injection(text)
