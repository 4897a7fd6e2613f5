"""Keeping quotes verbatim: how a string value appears inside the JSON file it came from."""

from __future__ import annotations

import json

_NEEDS_ESCAPE = frozenset('"\\\n\r\t\b\f') | frozenset(chr(c) for c in range(0x20))


def json_fragment(value: str) -> str:
    """`value` as it is written inside a JSON string literal (without the quotes).

    Returns `value` itself when nothing needs escaping, which is the common case, so evidence
    quoted from JSON documents is a verbatim substring of the file.
    """
    if not any(ch in _NEEDS_ESCAPE for ch in value):
        return value
    return json.dumps(value, ensure_ascii=False)[1:-1]
