"""Shape tests for values found after secret-ish keys: credential, hash, UUID, name, path.

Redaction removes secret VALUES, never the names that point at them: a Kubernetes object name
(`orders-db`, `shop/orders-db`), a file path (`/etc/kubernetes/pki/apiserver.key`) or an
environment variable name (`DB_PASSWORD`) is evidence, so these tests tell them apart from
credentials.
"""

from __future__ import annotations

import math
import re
from collections import Counter

_HEX = re.compile(r"^(?:sha(?:1|256|384|512):|md5:)?[0-9a-fA-F]+$")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_NAME = re.compile(r"^[a-z][a-z0-9]*(?:[-.][a-z0-9]+)+$")
# kubeadm bootstrap tokens (`abcdef.0123456789abcdef`) are shaped like names but are credentials
_BOOTSTRAP_TOKEN = re.compile(r"^[a-z0-9]{6}\.[a-z0-9]{16}$")
_DNS_LABEL = r"[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?"
_OBJECT_REF = re.compile(rf"^(?:(?P<ns>{_DNS_LABEL})/)?(?P<name>{_DNS_LABEL}(?:\.{_DNS_LABEL})*)$")
_PATH = re.compile(
    r"^(?:file:(?://)?|classpath\*?:)?(?P<lead>~/|\.{1,2}/|/)?(?P<rest>[\w@.-]+(?:/[\w@.-]+)*)/?$",
    re.ASCII,
)
# First directories of absolute paths in logs and configs; an absolute "path" outside them
# must end in a file extension (base64 values may contain `/`, but never a `.`).
_ROOT_WORDS = (
    "etc var run usr opt home root tmp srv mnt media data app apps config configs conf "
    "certs cert secrets secret keys ssl tls pki vault workspace proc sys dev lib snap "
    "private Users System Library Volumes"
)
_PATH_ROOTS = frozenset(_ROOT_WORDS.split())
_EXTENSION = re.compile(r"\.[A-Za-z][A-Za-z0-9]{0,5}$")
_ENV_NAME = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z][A-Z0-9]*)+$")
_ENV_SECRET_WORD = re.compile(r"PASS|PWD|SECRET|TOKEN|KEY|AUTH|CRED|SIG")
_TOKEN_CHARS = re.compile(r"^[A-Za-z0-9+/=_.~-]+$")
_PLACEHOLDER = re.compile(
    r"^(?:\$\{.*|\$\(.*|\$[A-Za-z_][A-Za-z0-9_]*|\{\{.*|%\(.*|%[A-Z_]+%|<[^>]*>?|\[REDACTED.*|"
    r"\[?\*+\]?|[xX#]{3,}|\.{3,}|null|none|nil|true|false|yes|no|on|off|n/a|na|undefined|empty|"
    r"redacted|masked|hidden|removed|changeme|placeholder|secret|password|token|-+|\?+|\"\"|''|"
    r"[\[(<](?:hidden|redacted|masked|filtered|sensitive|removed|omitted|secret|none|empty)[\])>])$",
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


#: A placeholder the redactor wrote (`[REDACTED:github-token#1]`).
REDACTED_MARKER = re.compile(r"\[REDACTED:[a-z0-9-]+#\d+\]")


def is_redactable(value: str) -> bool:
    """A value worth replacing: not empty, not a mask or reference, not already redacted."""
    return bool(value) and not REDACTED_MARKER.search(value) and not is_placeholder(value)


def splice(match: re.Match[str], group: int | str, marker: str) -> str:
    """The text `match` covers with its `group` replaced by `marker`."""
    start, end = match.span(group)
    base, whole = match.start(), match.group(0)
    return whole[: start - base] + marker + whole[end - base :]


def is_hash_like(value: str) -> bool:
    """Hex digests, git SHAs, image digests and UUIDs (identifiers, not credentials)."""
    return bool(_HEX.match(value)) or bool(_UUID.match(value))


def is_name_like(value: str) -> bool:
    """Kubernetes-style object names (`deployer-token-qg2v4`): lowercase words and hyphens."""
    if not _NAME.match(value) or _UUID.match(value) or _BOOTSTRAP_TOKEN.match(value):
        return False
    return any(len(part) >= 3 and part.isalpha() for part in re.split(r"[-.]", value))


def is_object_name(value: str) -> bool:
    """A Kubernetes object name or `namespace/name` (`regcred`, `shop/orders-db`), not a token.

    Each part must read like a name: lowercase words joined by `-`/`.`, or one word of letters.
    """
    match = _OBJECT_REF.match(value)
    if match is None or len(value) > 317:
        return False
    namespace, name = match.group("ns"), match.group("name")
    if namespace is not None and not _word_like(namespace):
        return False
    return _word_like(name)


def _word_like(part: str) -> bool:
    if len(part) >= 7 and is_hash_like(part) and any(c.isdigit() for c in part):
        return False  # a digest; words spelled in a-f only (`deadbeef`, `facade`) stay names
    return is_name_like(part) or (part.isalpha() and len(part) >= 2)


def is_path(value: str) -> bool:
    """A path (`/etc/kubernetes/pki/apiserver.key`, `~/.ssh/id_ed25519`, `secret/data/db`).

    Absolute paths must start in a well-known directory or end in a file extension, and no
    segment may look random (mixed case with digits), so `/`-bearing base64 is not a path.
    """
    match = _PATH.match(value)
    if match is None:
        return False
    segments = match.group("rest").split("/")
    lead = match.group("lead")
    if lead is None:
        # Lead-less (Vault `secret/data/payments/stripe`, `classpath:certs/orders.pem`): every
        # segment reads like a lowercase name, and there are three or the last has an extension
        if not all(_word_like(segment.replace("_", "-")) for segment in segments):
            return False
        return len(segments) >= 3 or (
            len(segments) == 2 and _EXTENSION.search(segments[-1]) is not None
        )
    if any(_random_segment(segment) for segment in segments):
        return False
    if lead != "/":
        return True
    return len(segments) >= 2 and (
        segments[0] in _PATH_ROOTS or _EXTENSION.search(segments[-1]) is not None
    )


def _random_segment(segment: str) -> bool:
    segment = _EXTENSION.sub("", segment)
    if len(segment) < 12:
        return False
    return (
        any(c.isdigit() for c in segment)
        and any(c.islower() for c in segment)
        and any(c.isupper() for c in segment)
    )


def is_env_name(value: str) -> bool:
    """The NAME of a secret-bearing environment variable (`DB_PASSWORD`, `STRIPE_API_KEY`)."""
    return bool(_ENV_NAME.match(value)) and _ENV_SECRET_WORD.search(value) is not None


def is_reference(value: str) -> bool:
    """Values that point at a secret without being one: file paths and env variable names."""
    return is_path(value) or is_env_name(value)


def looks_like_credential(value: str) -> bool:
    """A value after a weak key (`token=`, `secret=`) that is shaped like a real credential."""
    if len(value) < 8 or is_placeholder(value) or is_object_name(value):
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
