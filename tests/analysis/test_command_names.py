"""Naming rules for names read from the input, and the plain-argv rule for check templates."""

from __future__ import annotations

import pytest

from opslens.analysis.command_names import (
    NameKind,
    TemplateError,
    is_valid,
    template_tokens,
)
from opslens.analysis.findings import Check

K = NameKind

VALID = [
    (K.K8S_SUBDOMAIN, "checkout-7d9f8b6c5-x2lqp"),
    (K.K8S_SUBDOMAIN, "ip-10-0-1-23.eu-west-1.compute.internal"),
    (K.K8S_SUBDOMAIN, "0abc"),
    (K.K8S_SUBDOMAIN, "a" * 253),
    (K.K8S_SUBDOMAIN, ".".join(["a" * 63] * 4)[:253].rstrip(".")),
    (K.K8S_LABEL, "kube-system"),
    (K.K8S_LABEL, "a"),
    (K.K8S_LABEL, "a" * 63),
    (K.REVISION, "12"),
    (K.REVISION, "007"),
    (K.SYSTEMD_UNIT, "kubelet.service"),
    (K.SYSTEMD_UNIT, "getty@tty1.service"),
    (K.SYSTEMD_UNIT, "getty@.service"),
    (K.SYSTEMD_UNIT, "dev-disk-by\\x2duuid-1234.device"),
    (K.SYSTEMD_UNIT, "system-systemd\\x2dfsck.slice"),
    (K.SYSTEMD_UNIT, "var-lib-docker.mount"),
    (K.SYSTEMD_UNIT, "a:b_c.timer"),
    (K.PATH, "/var/log/pods/shop_cart/app/0.log"),
    (K.PATH, "relative/dir/file.txt"),
    (K.PATH, "/tmp/with space"),
    (K.PATH, "./-starts-later"),
    (K.SINCE, "2025-03-14 02:40:00"),
    (K.SINCE, "2024-02-29 23:59:59"),
]

INVALID = [
    *[(kind, value) for kind in (K.K8S_SUBDOMAIN, K.K8S_LABEL) for value in (
        "", "Checkout", "x;rm -rf /", "a b", "-a", "a-", ".a", "a.", "a..b", "a_b", "$(id)", "`id`",
        "web-1\n", "web\n1", "cаrt", "ｃart", "web\u200b1", "web\u202e1", "a/b", "*", "a\x00b",
    )],
    (K.K8S_SUBDOMAIN, "a" * 254),
    (K.K8S_LABEL, "a" * 64),
    (K.K8S_LABEL, "a.b"),
    (K.REVISION, ""), (K.REVISION, "-1"), (K.REVISION, "1.0"), (K.REVISION, "١٢"), (K.REVISION, "12\n"),
    (K.REVISION, "9f572f5"), (K.REVISION, "1" * 19),
    (K.SYSTEMD_UNIT, "kubelet"), (K.SYSTEMD_UNIT, "kubelet.bogus"), (K.SYSTEMD_UNIT, ".service"),
    (K.SYSTEMD_UNIT, "@x.service"), (K.SYSTEMD_UNIT, "a@b@c.service"), (K.SYSTEMD_UNIT, "-.mount"),
    (K.SYSTEMD_UNIT, "--now.service"), (K.SYSTEMD_UNIT, "a b.service"), (K.SYSTEMD_UNIT, "a;b.service"),
    (K.SYSTEMD_UNIT, "a\\b.service"), (K.SYSTEMD_UNIT, "kubelet.service\n"), (K.SYSTEMD_UNIT, "a" * 250 + ".service"),
    (K.PATH, ""), (K.PATH, "-rf"), (K.PATH, "--output=/etc/passwd"), (K.PATH, "a\nb"), (K.PATH, "a\x00b"),
    (K.PATH, "/tmp/é"), (K.PATH, "/tmp/a\tb"), (K.PATH, "/tmp/\u202egol.exe"), (K.PATH, "/" + "a" * 256),
    (K.PATH, "/" * 4097),
    (K.SINCE, ""), (K.SINCE, "2025-02-30 00:00:00"), (K.SINCE, "2025-03-14 02:40:00\n"),
    (K.SINCE, "2025-03-14T02:40:00"), (K.SINCE, "yesterday"), (K.SINCE, "2025-03-14 02:40:00; id"),
    (K.SINCE, "２025-03-14 02:40:00"),
]


@pytest.mark.parametrize(("kind", "value"), VALID)
def test_valid_names_pass_their_rule(kind: NameKind, value: str) -> None:
    assert is_valid(kind, value)


@pytest.mark.parametrize(("kind", "value"), INVALID)
def test_invalid_names_fail_their_rule(kind: NameKind, value: str) -> None:
    assert not is_valid(kind, value)


@pytest.mark.parametrize(
    "template",
    [
        "kubectl get pods | grep x",
        "kubectl get pods|grep x",
        "kubectl -n {ns} get pods || true",
        "kubectl get pods; id",
        "kubectl get pods && id",
        "kubectl get pods &",
        "kubectl get pods > out.txt",
        "kubectl get pods < in.txt",
        "echo $(id)",
        "echo `id`",
        "echo ${HOME}",
        "kubectl logs {pod!r}",
        "kubectl logs {pod:>10}",
        "kubectl logs {pod.__class__}",
        "kubectl logs {unknown}",
        "kubectl logs {}",
        "kubectl logs {0}",
        "kubectl logs {pod",
        "kubectl logs pod}",
        "kubectl logs 'unterminated",
        "kubectl logs \"it's\"",
        "",
    ],
)
def test_templates_with_shell_syntax_or_odd_fields_are_refused(template: str) -> None:
    with pytest.raises(TemplateError):
        template_tokens(template, {"pod", "ns"})


def test_a_template_splits_once_into_words_with_placeholders_inside_them() -> None:
    tokens = template_tokens("kubectl -n {ns} get {kind} -o 'jsonpath={{.spec}}' logs {kind}/{name}", {"ns", "kind", "name"})
    assert tokens == ("kubectl", "-n", "{ns}", "get", "{kind}", "-o", "jsonpath={{.spec}}", "logs", "{kind}/{name}")


def display(argv: tuple[str, ...]) -> str:
    return Check(argv=argv, purpose="").cmd


def test_display_quotes_what_a_shell_would_read_differently() -> None:
    assert display(("journalctl", "--since", "2025-03-14 02:40:00")) == "journalctl --since '2025-03-14 02:40:00'"
    assert display(("kubectl", "-o", "jsonpath={.items[*]}")) == "kubectl -o 'jsonpath={.items[*]}'"
    assert display(("kubectl", "get", "pods")) == "kubectl get pods"
