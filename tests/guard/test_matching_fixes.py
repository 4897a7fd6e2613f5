"""Option-parsing and schema fixes reported by the rule writers (issue 11).

1. unknown keys anywhere in a rule file are errors, never silently ignored;
2. a single-dash long option is checked whole before an attached-value split;
3. `numeric_flags`: `-<digits>` count options (`head -20`, `git log -5`);
4. a value-taking option takes the next token even when it starts with `-`;
5. `shadows` and a node's own `flags` override an ancestor's meaning of the same option;
6. packaged specs are parsed once per process.
"""

from __future__ import annotations

from typing import Any

import pytest
from guard_helpers import D, M, R, U
from hypothesis import given, settings
from hypothesis import strategies as st

from opslens.errors import ConfigError
from opslens.guard import CommandGuard, Label
from opslens.guard.matching import Flag, resolve, unearned_flag
from opslens.guard.rules_loader import RuleError, load_packaged_specs, parse_tools


def _guard(tools: dict[str, Any]) -> CommandGuard:
    return CommandGuard(user_rules={"tools": tools})


def _flags(tools: dict[str, Any], name: str, args: list[str]) -> list[Flag]:
    return resolve(parse_tools(tools, "t")[name], args).flags


# -- 1. unknown keys ----------------------------------------------------------------------------

_RULE = {"when": {"flag": "--x"}, "label": "mutating"}


@pytest.mark.parametrize(
    ("tool", "key"),
    [
        # a misplaced `no_positional:` beside `when:` (the reported case)
        ({"rules": [{**_RULE, "no_positional": "^x$"}]}, "no_positional"),
        ({"before": [{**_RULE, "lable": "read_only"}]}, "lable"),
        ({"sub": {"get": {"rules": [{**_RULE, "reasons": "typo"}]}}}, "reasons"),
        (
            {
                "rules": [
                    {
                        "when": {"flag_value": {"flag": "-o", "match": "x", "m": 1}},
                        "label": "unknown",
                    }
                ]
            },
            "m",
        ),
        ({"verb_scan": {"verbs": {"read_only": ["list"]}, "verb": {}}}, "verb"),
        ({"verb_scan": {"patterns": [{"match": "^x", "label": "unknown", "why": "x"}]}}, "why"),
        ({"verb_scan": {"paths": [{"words": "a b", "label": "unknown", "x": 1}]}}, "x"),
        ({"sub": {"get": {"lable": "read_only"}}}, "lable"),
        ({"sub": {"get": {"default_deny": True}}}, "default_deny"),  # a tool key on a subcommand
        ({"handler": "exec", "args": {"skp": 1}}, "skp"),
        ({"handler": "exce"}, "exce"),
    ],
)
def test_unknown_keys_are_errors_naming_file_tool_and_key(tool: dict, key: str) -> None:
    with pytest.raises(RuleError, match=rf"rules/x\.yaml\.acmectl.*{key}"):
        parse_tools({"acmectl": tool}, "rules/x.yaml")
    with pytest.raises(ConfigError, match=rf"\[guard\.tools\].*acmectl.*{key}"):
        _guard({"acmectl": tool})


def test_flow_mapping_with_unquoted_comma_is_caught() -> None:
    """`{match: x, label: destructive, reason: deletes, revokes}` makes `revokes` a key."""
    import yaml

    raw = yaml.safe_load("{verb_scan: {patterns: [{match: x, label: unknown, reason: a, b c}]}}")
    with pytest.raises(RuleError, match="b c"):
        parse_tools({"acmectl": raw}, "rules/x.yaml")


def test_every_packaged_rule_file_loads_under_the_strict_schema() -> None:
    specs = load_packaged_specs()
    assert len(specs) > 100


# -- 2. single-dash long options are checked whole first ---------------------------------------

IPLIKE = {
    "iplike": {
        "default_deny": True,
        "flags": ["-b=", "-brief", "-f=", "-s"],
        "rules": [{"when": {"flag": "-force"}, "label": "mutating"}],
        "sub": {"address": {"label": "read_only"}},
        "label": "read_only",
    }
}


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["-brief", "address"], [Flag("-brief", None)]),
        (["-force"], [Flag("-force", None)]),  # named by a rule: never `-f orce`
        (["-bfoo", "address"], [Flag("-b", "foo")]),  # not a known whole token: attached value
        (["-b", "x", "address"], [Flag("-b", "x")]),
    ],
)
def test_single_dash_long_option_is_whole(args: list[str], expected: list[Flag]) -> None:
    assert _flags(IPLIKE, "iplike", args) == expected


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("iplike -brief address", R),
        ("iplike -force", M),
        ("iplike -fx", R),
        ("iplike -sx", U),
    ],
)
def test_single_dash_long_option_verdicts(command: str, expected: Label) -> None:
    assert _guard(IPLIKE).classify(command).label is expected


# -- 3. numeric_flags ----------------------------------------------------------------------------

COUNTS = {
    "headlike": {
        "default_deny": True,
        "numeric_flags": True,
        "flags": ["-n="],
        "label": "read_only",
    },
    "gitlike": {
        "default_deny": True,
        "sub": {
            "log": {"label": "read_only", "numeric_flags": True, "flags": ["--oneline"]},
            "show": {"label": "read_only"},
        },
    },
    "clusterlike": {
        "default_deny": True,
        "cluster_short": True,
        "numeric_flags": True,
        "flags": ["-f"],
        "label": "read_only",
    },
}


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("headlike -20 file", R),
        ("headlike -n -5 file", R),
        ("headlike -2x file", U),
        ("headlike -x20 file", U),
        ("gitlike log -5 --oneline", R),
        ("gitlike show -5", U),  # only where the node says so
        ("clusterlike -100 file", R),
        ("clusterlike -f -100 file", R),
    ],
)
def test_numeric_flags(command: str, expected: Label) -> None:
    assert _guard(COUNTS).classify(command).label is expected


def test_numeric_flags_must_be_a_boolean() -> None:
    with pytest.raises(RuleError, match="numeric_flags"):
        parse_tools({"x": {"numeric_flags": "yes"}}, "t")


# -- 4. values that start with `-` ---------------------------------------------------------------

SORTLIKE = {
    "vcs": {
        "default_deny": True,
        "flags": ["-C="],
        "sub": {
            "for-each-ref": {"label": "read_only", "flags": ["--sort=", "--count=", "-v"]},
            "status": {"label": "read_only", "flags": ["--short"]},
        },
        "rules": [{"when": {"flag": "--delete"}, "label": "destructive"}],
    },
    "ctl": {
        "default_deny": True,
        "cluster_short": True,
        "flags": ["-o=", "-a", "-x"],
        "label": "read_only",
    },
}


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["for-each-ref", "--sort", "-committerdate"], [Flag("--sort", "-committerdate")]),
        (["for-each-ref", "--count", "-1"], [Flag("--count", "-1")]),
        # a known option is never swallowed as a value (the safe reading)
        (["for-each-ref", "--sort", "-v"], [Flag("--sort", None), Flag("-v", None)]),
        (["for-each-ref", "--sort", "--delete"], [Flag("--sort", None), Flag("--delete", None)]),
        # neither is any long option, nor `--`
        (["for-each-ref", "--sort", "--bogus"], [Flag("--sort", None), Flag("--bogus", None)]),
        # a boolean option never takes a value
        (
            ["status", "--short", "-committerdate"],
            [Flag("--short", None), Flag("-committerdate", None)],
        ),
    ],
)
def test_dash_values(args: list[str], expected: list[Flag]) -> None:
    assert _flags(SORTLIKE, "vcs", args) == expected


def test_dashdash_is_never_a_value() -> None:
    res = resolve(parse_tools(SORTLIKE, "t")["vcs"], ["for-each-ref", "--sort", "--", "-x"])
    assert res.dashdash and res.after_dashdash == ["-x"]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["-o", "-x"], [Flag("-o", None), Flag("-x", None)]),  # `-x` is known
        (["-o", "-ax"], [Flag("-o", None), Flag("-a", None), Flag("-x", None)]),  # known cluster
        (["-o", "-template"], [Flag("-o", "-template")]),
    ],
)
def test_dash_values_on_cluster_tools(args: list[str], expected: list[Flag]) -> None:
    assert _flags(SORTLIKE, "ctl", args) == expected


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("vcs for-each-ref --sort -committerdate", R),
        ("vcs for-each-ref --sort --delete", D),
        ("vcs for-each-ref --sort --bogus", U),
        ("vcs status --short -committerdate", U),
    ],
)
def test_dash_value_verdicts(command: str, expected: Label) -> None:
    assert _guard(SORTLIKE).classify(command).label is expected


@settings(max_examples=200, deadline=None)
@given(name=st.text(alphabet="abcdefghijklmnopqrstuvwxyz-", min_size=1, max_size=15))
def test_a_long_option_is_never_hidden_as_a_value(name: str) -> None:
    """Whatever follows a value-taking option, a `--long` option stays an option."""
    flags = _flags(SORTLIKE, "vcs", ["for-each-ref", "--sort", f"--{name}"])
    assert Flag(f"--{name}", None) in flags


# -- 5. shadows: a subcommand's meaning of an option wins at and below it ----------------------

CRILIKE = {
    "cri": {
        "default_deny": True,
        "flags": ["-r=", "--runtime-endpoint="],
        "sub": {
            "ps": {"label": "read_only", "flags": ["-a"]},
            "logs": {"label": "read_only", "shadows": ["-r"], "flags": ["-f"]},
            "inspect": {"label": "read_only", "flags": ["-r"]},  # own flag: boolean here
        },
    }
}


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("cri -r unix:///run/x.sock ps -a", R),
        ("cri ps -r unix:///run/x.sock -a", R),  # global option after the subcommand
        ("cri logs -r abc", U),  # -r is --reopen here: not the global option
        ("cri logs -f abc", R),
        ("cri -r unix:///x logs abc", U),  # a shadowed name is unknown anywhere on that path
        ("cri inspect -r abc", R),
    ],
)
def test_shadows(command: str, expected: Label) -> None:
    assert _guard(CRILIKE).classify(command).label is expected


@pytest.mark.parametrize("bad", [["r"], ["-r="], 3])
def test_shadows_must_be_option_names(bad: Any) -> None:
    with pytest.raises(RuleError, match="shadows"):
        parse_tools({"x": {"sub": {"a": {"shadows": bad}}}}, "t")


# a subcommand may use getopt clusters when its tool does not (crictl exec: -it)
NODE_CLUSTER = {
    "cri2": {
        "default_deny": True,
        "flags": ["-i=", "--image-endpoint="],
        "sub": {
            "exec": {"label": "read_only", "cluster_short": True, "flags": ["-i", "-t"]},
            "ps": {"label": "read_only", "flags": ["-a"]},
        },
    }
}


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["exec", "-it", "c1"], [Flag("-i", None), Flag("-t", None)]),
        (["-iep", "ps"], [Flag("-i", "ep")]),  # root: no clusters, attached value
        (["ps", "-ia"], [Flag("-i", "a")]),
    ],
)
def test_node_level_cluster_short(args: list[str], expected: list[Flag]) -> None:
    assert _flags(NODE_CLUSTER, "cri2", args) == expected


def test_shadowed_option_takes_no_value() -> None:
    res = resolve(parse_tools(CRILIKE, "t")["cri"], ["logs", "-r", "abc"])
    assert res.flags == [Flag("-r", None)] and res.positionals == ["abc"]
    assert unearned_flag(res) == "unknown flag -r for cri logs"
    res = resolve(parse_tools(CRILIKE, "t")["cri"], ["inspect", "-r", "abc"])
    assert res.flags == [Flag("-r", None)] and res.positionals == ["abc"]


# -- 6. packaged specs are parsed once per process ----------------------------------------------


def test_packaged_specs_are_shared_between_guards() -> None:
    first, second = CommandGuard(user_rules={}), CommandGuard(user_rules={})
    assert first.rules.lookup("kubectl") is second.rules.lookup("kubectl")


# OpenSSH reads its options after the host as well, up to the first word that is no option:
# `ssh host -R 9000:x:80 uptime` opens a remote forward, whatever the remote command does.
SSH_AFTER_HOST = [
    ("ssh db1 -R 9000:localhost:80 uptime", Label.MUTATING),
    ("ssh db1 -o GatewayPorts=yes uptime", Label.MUTATING),
    ("ssh db1 -L 0.0.0.0:8080:pg:5432 -N", Label.MUTATING),
    ("ssh db1 -L 8080:pg:5432 -N", Label.READ_ONLY),
    ("ssh db1 -p 2222 df -h", Label.READ_ONLY),
    ("ssh db1 -o ProxyCommand='nc %h %p' uptime", Label.UNKNOWN),
    ("ssh db1 uptime -R", Label.UNKNOWN),  # after the command word: the remote command's own
    ("ssh db1 -X", Label.MUTATING),
    ("ssh db1 -- ls -la /var/log", Label.READ_ONLY),
    ("ssh db1 -p 2222 rm -rf /srv/cache", Label.DESTRUCTIVE),
]


@pytest.mark.parametrize(("command", "label"), SSH_AFTER_HOST)
def test_ssh_options_after_the_host_are_ssh_options(command: str, label: Label) -> None:
    assert CommandGuard({}).classify(command).label is label


@pytest.mark.parametrize("command", ["head -37 /var/log/syslog", "tail -1234 app.log", "git log -17 --oneline"])
def test_obsolete_count_options_are_known_where_declared(command: str) -> None:
    assert CommandGuard({}).classify(command).label is Label.READ_ONLY
