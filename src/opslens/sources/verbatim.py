"""Keeping quotes verbatim: how a string value appears inside the JSON file it came from."""

from __future__ import annotations

import json
import re

# What `json.dumps(..., ensure_ascii=False)` escapes: the quote, the backslash, control characters.
_NEEDS_ESCAPE = re.compile(r'["\\\x00-\x1f]')


def json_fragment(value: str) -> str:
    """`value` as it is written inside a JSON string literal (without the quotes).

    Returns `value` itself when nothing needs escaping, which is the common case, so evidence
    quoted from JSON documents is a verbatim substring of the file. The test is one regex
    search (in C): a loop over the characters cost nearly half of reading journald JSON.
    """
    if _NEEDS_ESCAPE.search(value) is None:
        return value
    return json.dumps(value, ensure_ascii=False)[1:-1]
