"""Shape tests for values found after secret-ish keys: credential, hash, UUID, name, path."""

from __future__ import annotations

import math
import re
from collections import Counter

_HEX = re.compile(r"^(?:sha(?:1|256|384|512):|md5:)?[0-9a-fA-F]+$")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_NAME = re.compile(r"^[a-z][a-z0-9]*(?:[-.][a-z0-9]+)+$")
_TOKEN_CHARS = re.compile(r"^[A-Za-z0-9+/=_.~-]+$")
_PLACEHOLDER = re.compile(
    r"^(?:\$\{.*|\$\(.*|\$[A-Za-z_][A-Za-z0-9_]*|\{\{.*|%\(.*|%[A-Z_]+%|<[^>]*>?|\[REDACTED.*|"
    r"\[?\*+\]?|[xX#]{3,}|\.{3,}|null|none|nil|true|false|yes|no|on|off|n/a|na|undefined|empty|"
    r"redacted|masked|hidden|removed|changeme|placeholder|secret|password|token|-+|\?+|\"\"|'')$",
    re.IGNORECASE,
)


def shannon_entropy(value: str) -> float:
    """Bits per character of `value` (0 for the empty string)."""
    if not value:
        return 0.0
    counts = Counter(value)
    total = len(value)
    return -sum(c / total * math.log2(c / total) for c in counts.values())


def is_placeholder(value: str) -> bool:
    """Template references, masks and booleans that are not secrets (`${X}`, `***`, `true`)."""
    return bool(_PLACEHOLDER.match(value.strip()))


def is_hash_like(value: str) -> bool:
    """Hex digests, git SHAs, image digests and UUIDs (identifiers, not credentials)."""
    return bool(_HEX.match(value)) or bool(_UUID.match(value))


def is_name_like(value: str) -> bool:
    """Kubernetes-style object names (`deployer-token-qg2v4`): lowercase words and hyphens."""
    if not _NAME.match(value) or _UUID.match(value):
        return False
    return any(len(part) >= 3 and part.isalpha() for part in re.split(r"[-.]", value))


def looks_like_credential(value: str) -> bool:
    """A value after a weak key (`token=`, `secret=`) that is shaped like a real credential."""
    if len(value) < 8 or is_placeholder(value) or is_name_like(value):
        return False
    if value.startswith(("/", "~", "./", "http://", "https://")):
        return False
    has_digit = any(c.isdigit() for c in value)
    mixed_case = any(c.islower() for c in value) and any(c.isupper() for c in value)
    has_symbol = any(not c.isalnum() and c not in "-_." for c in value)
    return has_digit or mixed_case or has_symbol


def looks_like_token(value: str) -> bool:
    """A long random-looking token (used where no `=`/`:` separates key and value)."""
    if len(value) < 16 or not _TOKEN_CHARS.match(value) or is_placeholder(value):
        return False
    if not any(c.isdigit() for c in value) or not any(c.isalpha() for c in value):
        return False
    return shannon_entropy(value) >= 3.0
