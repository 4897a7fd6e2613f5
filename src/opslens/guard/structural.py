"""Structural secret passes that need no named format: cookies, URL query parameters, XML
settings (`<add key="Password" value="..."/>`) and password flags of CLI clients.

Each pass takes the text and a `replace(kind, value) -> placeholder` callback and returns the
text with secret values replaced; names, attributes and neighbours stay.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from opslens.guard.assignments import is_secret_key, value_is_secret
from opslens.guard.entropy import is_redactable, is_reference, looks_like_credential, splice

Replace = Callable[[str, str], str]


# `Cookie: a=1; b=2` and `Set-Cookie: name=value; Path=/; HttpOnly`, up to the end of the
# header value (end of line, or the quote closing a JSON-embedded message).
_COOKIE_HEADER = re.compile(r"(?i)\b(set-cookie|cookie)\\*[\"']?[ \t]*[:=][ \t]*([^\r\n\"\\]+)")
_COOKIE_PAIR = re.compile(r"([^\s=;,]+)=([^;\s]*)")
_ATTRIBUTE_WORDS = (
    "path domain expires max-age secure httponly samesite priority partitioned version"
)
_COOKIE_ATTRIBUTES = frozenset(_ATTRIBUTE_WORDS.split())
# Cookie names that hold a session or credential whatever their value looks like.
_SESSION_NAME = re.compile(
    r"(?i)sess|sid$|^sid|token|auth|jwt|csrf|xsrf|remember|login|oauth|saml|identity|"
    r"credential|secret|_proxy$|^id$"
)

# Query parameters: `?key=...`, `&X-Amz-Signature=...`, `;token=...`.
_QUERY_PARAM = re.compile(r"(?<=[?&;])([A-Za-z][\w.\-]{0,60})=([^&\s\"'#\\<>]+)")
_STRONG_WORDS = (
    "token sig signature secret password passwd pwd pass access_token refresh_token id_token "
    "client_secret api_key apikey api-key x-amz-signature x-amz-security-token "
    "x-goog-signature x-goog-security-token sharedaccesssignature private_token "
    "private-token auth_token session_token sessiontoken"
)
_STRONG_PARAMS = frozenset(_STRONG_WORDS.split())
# Plain words that are secrets in a URL only when the value looks like a credential.
_WEAK_WORDS = "key code auth credential credentials session sid"
_WEAK_PARAMS = frozenset(_WEAK_WORDS.split())

_XML_SETTING = re.compile(
    r"(?i)\bkey\s*=\s*(\\?[\"'])([^\"'\\]{1,80})\1\s+value\s*=\s*(\\?[\"'])([^\"'\\]*)\3"
)

# Password flags of clients that take a password as an option value: (words one of which
# must occur in the lowercased line, the flag that must occur, the pattern).
_CLIENT_FLAGS: tuple[tuple[tuple[str, ...], str, re.Pattern[str]], ...] = (
    (
        ("redis-cli", "valkey-cli", "keydb-cli"),
        " -a",
        re.compile(r"\b(?:redis-cli|valkey-cli|keydb-cli)\b[^\n|;]*?\s-a[ \t]+([^\s\"'\\]+)"),
    ),
    (
        ("sshpass", "mysql", "mariadb", "login"),
        " -p",
        re.compile(
            r"\b(?:sshpass|mysql|mysqladmin|mysqldump|mariadb|mariadb-dump|mysqlimport|mysqlsh|"
            r"(?:docker|podman|buildah|skopeo|nerdctl|oc|crane|regctl)\s+(?:registry\s+)?login)\b"
            r"[^\n|;]*?\s(?:-p[ \t]+(?=\S*\d)|-p(?=[^\s-]))([^\s\"'\\]+)"
        ),
    ),
    (
        ("ldap",),
        " -w",
        re.compile(
            r"\bldap(?:search|add|modify|delete|whoami|passwd|compare|modrdn|exop)\b"
            r"[^\n|;]*?\s-w[ \t]*([^\s\"'\\]+)"
        ),
    ),
)


def redact_cookies(text: str, replace: Replace) -> str:
    """Values of `Cookie:` pairs and of the cookie a `Set-Cookie:` sets (attributes stay)."""

    def header(match: re.Match[str]) -> str:
        def pair(p: re.Match[str]) -> str:
            name, value = p.group(1), p.group(2)
            if name.lower() in _COOKIE_ATTRIBUTES or not is_redactable(value):
                return p.group(0)
            if _SESSION_NAME.search(name) or (len(value) >= 16 and looks_like_credential(value)):
                return f"{name}={replace('cookie', value)}"
            return p.group(0)

        body = _COOKIE_PAIR.sub(pair, match.group(2))
        return match.group(0)[: match.start(2) - match.start()] + body

    return _COOKIE_HEADER.sub(header, text)


def redact_query_params(text: str, replace: Replace) -> str:
    """Values of URL query parameters named like a credential (`token`, `sig`, `key`)."""

    def param(match: re.Match[str]) -> str:
        name, value = match.group(1), match.group(2)
        lowered = name.lower()
        if not is_redactable(value) or is_reference(value):
            return match.group(0)
        strong = lowered in _STRONG_PARAMS or (
            lowered not in _WEAK_PARAMS and is_secret_key(name) and len(value) >= 6
        )
        weak = lowered in _WEAK_PARAMS and len(value) >= 12 and looks_like_credential(value)
        if strong or weak:
            return f"{name}={replace('url-param', value)}"
        return match.group(0)

    return _QUERY_PARAM.sub(param, text)


def redact_xml_settings(text: str, replace: Replace) -> str:
    """`<add key="ClearTextPassword" value="..."/>` (NuGet, .NET appSettings)."""

    def setting(match: re.Match[str]) -> str:
        key, value = match.group(2), match.group(4)
        if not is_secret_key(key) or not value_is_secret(key, value):
            return match.group(0)
        return splice(match, 4, replace("password", value))

    return _XML_SETTING.sub(setting, text)


def redact_cli_passwords(text: str, lower: str, replace: Replace) -> str:
    """Passwords given to clients as options (`mysql -pX`, `redis-cli -a X`, `ldapsearch -w X`)."""

    def flag(match: re.Match[str]) -> str:
        value = match.group(1)
        if not is_redactable(value):
            return match.group(0)
        return splice(match, 1, replace("password", value))

    for words, option, pattern in _CLIENT_FLAGS:
        if option in text and any(word in lower for word in words):
            text = pattern.sub(flag, text)
    return text
