"""Find secret values assigned to secret-ish keys: `k=v`, `k: v`, `"k": "v"`, `k => 'v'`,
`--flag v`, `--flag=v` and `key <token>`.

Scanning starts from occurrences of the secret words (fast literal search), then widens to the
whole key and reads the separator and value; no regex runs at every position of a line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from opslens.guard.entropy import (
    is_hash_like,
    is_object_name,
    is_redactable,
    is_reference,
    looks_like_credential,
    looks_like_token,
)
from opslens.guard.secret_patterns import (
    KEY_WORDS,
    NOT_SECRET_KEY,
    STRONG_KEY,
    key_kind,
    names_object,
)

# Searched in the lowercased line: a case-insensitive pattern would lose the engine's
# first-character skip and try every alternative at every offset.
_HIT = re.compile(r"pass|pwd|secret|token|key|auth|cred|sig")
_KEY_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-")
_KEY_SHAPE = re.compile(
    r"-{0,2}[A-Za-z0-9_.\-]*?(?:" + KEY_WORDS + r")(?:[_.\-]?(?:base64|b64|value|base|data))?",
    re.IGNORECASE,
)
_ASSIGN = re.compile(
    r"(?P<kq>\\*[\"']?)[ \t]*(?P<sep>=>|:=|[:=])[ \t]*(?P<vq>\\*[\"'])?"
    r"(?P<value>(?(vq)[^\"'\\\n]+|[^\s\"'\\,;&]+))"
)
_SPACED = re.compile(r"[ \t]+(?P<vq>[\"']?)(?P<value>[^\s\"'\\]+)")
_PWD = re.compile(r"(^|[_.\-])pwd$", re.IGNORECASE)
_SEPARATOR_STARTS = frozenset("=:\"'\\")


def _trim_unbalanced(value: str) -> str:
    """Drop one trailing `)`, `]` or `}` that closes something outside the value."""
    for opener, closer in ("()", "[]", "{}"):
        if value.endswith(closer) and value.count(opener) < value.count(closer):
            return value[:-1]
    return value


def is_secret_key(key: str) -> bool:
    """Whether `key` (`DB_PASSWORD`, `--api-key`, `ClearTextPassword`) names a secret value."""
    return bool(_KEY_SHAPE.fullmatch(key)) and not NOT_SECRET_KEY.search(key.lstrip("-"))


def is_name_not_value(key: str, value: str) -> bool:
    """Whether `value` after `key` names a secret instead of being one.

    File paths (`--client-key=/etc/kubernetes/pki/admin.key`) and environment variable names
    (`password=DB_PASSWORD`) never are secrets; object names (`existingSecret: orders-db`,
    `secret="shop/orders-db"`) are not when the key holds the name of a Secret object.
    """
    if is_reference(value):
        return True
    return names_object(key) and is_object_name(value)


def value_is_secret(key: str, value: str) -> bool:
    """Whether `value` found after `key` should be redacted."""
    if not is_redactable(value):
        return False
    bare = key.lstrip("-")
    if is_name_not_value(bare, value):
        return False
    if _PWD.search(bare) and value.startswith(("/", "~")):
        return False  # $PWD is the working directory
    if STRONG_KEY.search(bare):
        return len(value) >= 2
    return looks_like_credential(value)


def _key_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    while start > 0 and text[start - 1] in _KEY_CHARS:
        start -= 1
    while end < len(text) and text[end] in _KEY_CHARS:
        end += 1
    return start, end


def find_assignments(text: str) -> Iterator[tuple[int, int, str]]:
    """Yield (start, end, kind) of each secret value, left to right, non-overlapping."""
    resume = 0
    lower = text.lower()
    if len(lower) != len(text):  # a few non-ASCII letters change length when lowercased
        lower = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    for hit in _HIT.finditer(lower):
        if hit.start() < resume:
            continue
        key_start, key_end = _key_bounds(text, hit.start(), hit.end())
        key = text[key_start:key_end]
        resume = key_end
        if not _may_hold_value(text, key, key_end) or not is_secret_key(key):
            continue
        if key_start > 0 and text[key_start - 1] == "/":
            continue  # a path segment (`/run/secrets/db_password: permission denied`)
        if _in_arn(text, key_start):
            continue  # `arn:aws:secretsmanager:...:secret:prod/db-AbCdEf` names a secret
        found = _value_after(text, key, key_start, key_end)
        if found is not None:
            resume = found[1]
            yield found


def _may_hold_value(text: str, key: str, key_end: int) -> bool:
    """Cheap necessary condition for `_value_after`: a separator, or a long spaced value.

    Most hits in prose (`authentication`, `Failed password for`, `signal 15`) stop here,
    before the key-shape regex runs.
    """
    after = text[key_end : key_end + 1]
    if after in _SEPARATOR_STARTS:
        return True
    if after not in (" ", "\t"):
        return False
    rest = text[key_end : key_end + 80].lstrip(" \t")
    if rest[:1] in _SEPARATOR_STARTS:
        return True  # `password = x`, `token : x`
    if key.startswith("-"):
        return True  # `--password x`
    word = rest.split(None, 1)[0] if rest else ""
    return len(word.strip("\"'")) >= 16  # `token <long token>` needs a long value


def _empty_assignment(assign: re.Match[str]) -> bool:
    """`api_key= for release` and `"api_key=", "service"`: the key was given no value."""
    value_start = assign.start("value")
    sep_end = assign.end("sep")
    if assign.group("vq") is not None:
        return assign.group("value")[:1] in (",", " ", ";", "}", "]")
    gap = assign.string[sep_end:value_start]
    before = assign.string[assign.start("sep") - 1 : assign.start("sep")]
    return (
        assign.group("sep") == "="
        and gap.strip(" \t") == ""
        and gap != ""
        and before not in (" ", "\t")
    )


def _in_arn(text: str, key_start: int) -> bool:
    """Whether the key is a segment of an ARN-style identifier (`arn:...:secret:NAME`)."""
    if key_start == 0 or text[key_start - 1] != ":":
        return False
    token_start = max(text.rfind(c, 0, key_start) for c in " \t\r\n\"'=,[(") + 1
    return text.startswith("arn:", token_start)


def _value_after(text: str, key: str, key_start: int, key_end: int) -> tuple[int, int, str] | None:
    kind = key_kind(key)
    assign = _ASSIGN.match(text, key_end)
    if assign is not None:
        value = assign.group("value")
        if _empty_assignment(assign):
            return None
        if assign.group("vq") is None:
            value = _trim_unbalanced(value)
        if value_is_secret(key, value):
            return assign.start("value"), assign.start("value") + len(value), kind
        return None
    spaced = _SPACED.match(text, key_end)
    if spaced is None:
        return None
    value = spaced.group("value").rstrip(":,;.)")  # `token X: 4004 Authentication failed`
    is_flag = key.startswith("-") and (key_start == 0 or text[key_start - 1] in " \t'\"")
    if is_flag:
        if value.startswith("-") or not value_is_secret(key, value):
            return None
    elif not (
        # a bare `token`/`secret` needs a longer value than `api_token` (`token 3f2a9c...`)
        (STRONG_KEY.search(key) or (len(value) >= 20 and not is_hash_like(value)))
        and "=" not in value.rstrip("=")  # `token secret=ci/name`: the next key, not a value
        and looks_like_token(value)
        and not is_name_not_value(key, value)
    ):
        return None
    return spaced.start("value"), spaced.start("value") + len(value), kind
