"""Known secret formats (data: `secrets.yaml`) and the key vocabulary of secret assignments.

Formats come from maintained scanners (gitleaks rules, detect-secrets plugins) and vendors'
documented token shapes (prefixes, lengths, alphabets). The redactor puts them behind one
keyword prefilter (`prefilter.py`) and tries only the formats whose keywords occur.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from opslens.yaml_loader import SAFE_LOADER

_FORMATS_FILE = Path(__file__).with_name("secrets.yaml")


@dataclass(frozen=True)
class SecretFormat:
    """One named token format: group 1 of `regex` is the secret value."""

    id: str
    kind: str
    regex: str
    keywords: tuple[str, ...]
    source: str
    gate: tuple[str, str] | None = None  # (anchor, look-behind regex) when no keyword fits


def load_formats(path: Path = _FORMATS_FILE) -> tuple[SecretFormat, ...]:
    """The named formats of `secrets.yaml`, validated (each regex compiles, has a group)."""
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    formats = []
    for entry in data["formats"]:
        fmt = SecretFormat(
            id=entry["id"],
            kind=entry["kind"],
            regex=entry["regex"],
            keywords=tuple(str(k) for k in entry["keywords"]),
            source=entry["source"],
            gate=(entry["gate"]["anchor"], entry["gate"]["behind"]) if "gate" in entry else None,
        )
        if re.compile(fmt.regex).groups < 1 or not (fmt.keywords or fmt.gate):
            raise ValueError(f"secret format {fmt.id}: needs a capture group and keywords")
        formats.append(fmt)
    return tuple(formats)


FORMATS: tuple[SecretFormat, ...] = load_formats()
#: (kind, pattern, literal keywords that must occur for the pattern to match)
TOKEN_PATTERNS: tuple[tuple[str, str, tuple[str, ...]], ...] = tuple(
    (fmt.kind, fmt.regex, fmt.keywords) for fmt in FORMATS
)

# Keys whose values are secrets. Compound names (`client_secret`, `github.token`) are strong:
# any value that is not a placeholder is redacted. Bare words (`token`, `secret`, `auth`)
# are weak: the value must look like a credential (not a name like `deployer-token-qg2v4`).
KEY_WORDS = (
    r"passw(?:or)?d|passphrase|pwd|pass|secret|token|api[_-]?key|apikey|access[_-]?key|"
    r"private[_-]?key(?:[_-]?id)?|account[_-]?key|shared[_-]?access[_-]?(?:key|signature)|"
    r"sharedaccesssignature|license[_-]?key|app[_-]?key|application[_-]?key|master[_-]?key|"
    r"encryption[_-]?key|signing[_-]?key|subscription[_-]?key|functions[_-]?key|"
    r"credentials?|auth|sig|signature|storepass|keypass|authtoken|secret[_-]?key|session[_-]?key|"
    r"auth[_-]?key|service[_-]?key|client[_-]?key|signing[_-]?secret"
)
STRONG_KEY = re.compile(
    r"(passw(?:or)?d|passphrase|(?:^|[_.\-])pwd|^pwd|(?:^|[_.\-])pass|storepass|keypass|"
    r"[a-z0-9][_.\-]?secret|secret[_.\-]?(?:access[_.\-]?)?key|private[_.\-]?key|"
    r"api[_.\-]?(?:key|secret|token)|apikey|access[_.\-]?(?:key|token)|account[_.\-]?key|"
    r"shared[_.\-]?access|license[_.\-]?key|app[_.\-]?key|application[_.\-]?key|"
    r"master[_.\-]?key|encryption[_.\-]?key|signing[_.\-]?key|subscription[_.\-]?key|"
    r"functions[_.\-]?key|authtoken|[a-z0-9][_.\-]?token|^sig|session[_.\-]?key|auth[_.\-]?key|"
    r"service[_.\-]?key|client[_.\-]?key)(?:[_.\-]?(?:base64|b64|value|base|data))?$",
    re.IGNORECASE,
)
NOT_SECRET_KEY = re.compile(
    r"(next|page|continue|continuation|sync|idempotency|client|request|cancel|cancellation|"
    r"pagination|max|total|num|input|output|prompt|completion|resume|skip)[_.\-]?tokens?$|"
    r"^(by|bypass|compass|surpass|trespass)$",
    re.IGNORECASE,
)


# Words that, in front of `secret`, make a key hold the NAME of a Secret object rather than a
# secret value: `existingSecret`, `tlsSecret`, `imagePullSecrets`, `ExternalSecret`,
# `passwordSecret`. Qualifiers that denote a value (`client`, `app`, `api`, `token`, `key`,
# `webhook`, `jwt`, `session`, `auth`, `admin` as in HASURA_GRAPHQL_ADMIN_SECRET...) are
# deliberately absent: unknown keys stay redacted.
_QUALIFIER_WORDS = (
    "existing tls ssl ca cert certs certificate external sealed push cluster pull image "
    "imagepull registry docker dockerconfig password passwords credentials creds ssh git "
    "repo repository kubeconfig keystore truststore target generated bootstrap"
)
OBJECT_QUALIFIERS = frozenset(_QUALIFIER_WORDS.split())
_KEY_WORDS_SPLIT = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")


def names_object(key: str) -> bool:
    """Whether `key` holds the name of a Secret object (`existingSecret`, `"ExternalSecret"`).

    Only the last segment of a dotted path counts (`auth.existingSecret`); it must end in
    `secret(s)` and every word before it must be an object qualifier (or there is none).
    """
    last = key.lstrip("-").rsplit(".", 1)[-1]
    words = [word.lower() for word in _KEY_WORDS_SPLIT.findall(last)]
    if not words or words[-1] not in ("secret", "secrets"):
        return False
    return all(word in OBJECT_QUALIFIERS for word in words[:-1])


def key_kind(key: str) -> str:
    """Placeholder kind for a value found after `key`."""
    lowered = key.lower()
    for needle, kind in (
        ("pass", "password"),
        ("pwd", "password"),
        ("private", "private-key"),
        ("account", "azure-storage-key"),
        ("shared", "azure-shared-key"),
        ("api", "api-key"),
        ("token", "token"),
        ("secret", "secret"),
        ("sig", "signature"),
        ("key", "key"),
        ("cred", "credential"),
        ("auth", "auth"),
    ):
        if needle in lowered:
            return kind
    return "secret"
