"""Secret redaction with stable placeholders (`[REDACTED:github-token#1]`).

One literal prefilter decides in a single scan whether a line can hold a secret at all; most
log lines stop there. Lines that pass go through a handful of passes: PEM blocks, known
token formats (one alternation), Kubernetes Secret data, credentials in URLs, Authorization
headers, CLI flags, key=value / JSON / YAML assignments, and optional PII. The mapping from
values to placeholders stays inside the `Redactor`; only counts per kind leave it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping

from opslens.guard.entropy import is_placeholder, looks_like_credential, looks_like_token
from opslens.guard.secret_patterns import KEY_WORDS, NOT_SECRET_KEY, STRONG_KEY, TOKEN_PATTERNS, key_kind

_PLACEHOLDER = re.compile(r"\[REDACTED:[a-z0-9-]+#\d+\]")
_TOKENS = re.compile("|".join(f"(?P<t{i}>{p})" for i, (_, p, _) in enumerate(TOKEN_PATTERNS)))
_TOKEN_KINDS = {f"t{i}": kind for i, (kind, _, _) in enumerate(TOKEN_PATTERNS)}
_TOKEN_KEYWORDS = sorted({k for _, _, keys in TOKEN_PATTERNS for k in keys})
_STRUCT_KEYWORDS = ("://", "PRIVATE KEY", "uthorization", "-u", "--", "-a ", "-p")
_KEYWORD_RE = re.compile(
    "|".join(re.escape(k) for k in [*_TOKEN_KEYWORDS, *_STRUCT_KEYWORDS])
    + r"|(?i:pass|pwd|secret|token|key|auth|sig|cred)"
)
_PEM = re.compile(
    r"(-----BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?)-----)(.*?)(-----END \2-----|(?=[\"'])|$)",
    re.DOTALL,
)
_PEM_SEPARATORS = re.compile(r"(\r?\n|\\\\n|\\n|\s+)")
_URL_CREDS = re.compile(r"(?i)\b([a-z][a-z0-9+.-]{1,20}://)([^\s:/?#@'\"\[\]]*):([^\s/?#@'\"]+)@")
_AUTH_HEADER = re.compile(
    r"(?i)(\b(?:proxy-)?authorization\b\\*[\"']?\s*[:=]\s*\\*[\"']?\s*"
    r"(?:(?:basic|bearer|token|negotiate|ntlm|oauth|bot|splunk|geniekey|apikey|ssws|jwt|dsn)\s+)?)"
    r"([^\s\"'\\,]{6,})"
)
_KV = re.compile(
    r"(?P<key>(?<![A-Za-z0-9])[A-Za-z0-9_.\-]*?(?:" + KEY_WORDS + r")(?:[_.\-]?(?:base64|b64|value|base))?)"
    r"(?P<kq>\\*[\"']?)[ \t]*(?P<sep>=>|:=|[:=])[ \t]*(?P<vq>\\*[\"'])?"
    r"(?P<value>(?(vq)[^\"'\\\n]+|[^\s\"'\\,;&]+))",
    re.IGNORECASE,
)
_SPACED = re.compile(
    r"(?P<key>(?<![A-Za-z0-9])[A-Za-z0-9_.\-]*?(?:" + KEY_WORDS + r"))[ \t]+(?P<value>[A-Za-z0-9+/=_.~-]{16,})",
    re.IGNORECASE,
)
_FLAG = re.compile(
    r"(?<![\w-])--?(?P<key>[A-Za-z0-9_-]*(?:" + KEY_WORDS + r"))[ \t]+(?P<vq>[\"']?)(?P<value>[^\s\"'-][^\s\"']*)",
    re.IGNORECASE,
)
_USER_PASS_FLAG = re.compile(r"(?:(?<=\s)|^)(?:-u|--user|--proxy-user|-U)(?:[ \t]+|=)?[\"']?([^\s:\"']+):([^\s\"']+)")
_CLIENT_PASSWORD = re.compile(
    r"\b(?:redis-cli|valkey-cli|sshpass|mysql|mysqladmin|mysqldump|mariadb|mariadb-dump|mysqlimport|mysqlsh)\b"
    r"[^\n|;]*?\s(?:-a[ \t]+|-p[ \t]+(?=\S*\d)|-p(?=[^\s-]))([^\s\"']+)"
)
_K8S_JSON_DATA = re.compile(r"(\\*\"(stringData|data)\\*\"\s*:\s*\{)([^{}]*)(\})")
_K8S_JSON_VALUE = re.compile(r"(\\*\"[^\"\\]+\\*\"\s*:\s*\\*\")([^\"\\]*)(\\*\")")
_K8S_KIND = re.compile(r"\\*\"kind\\*\"\s*:\s*\\*\"Secret\\*\"|^\s*kind:\s*Secret\s*$", re.M)
_YAML_BLOCK = re.compile(r"(?m)^(?P<indent>[ \t]*)(?P<name>data|stringData):[ \t]*\n(?P<body>(?:(?P=indent)[ \t]+[^\n]*(?:\n|$))+)")
_YAML_ENTRY = re.compile(r"(?m)^([ \t]+[\w.\-/]+:[ \t]+)([\"']?)([^\"'\n]+)(\2)[ \t]*$")
_EMAIL = re.compile(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b")
_IPV4 = re.compile(r"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)(?![\d.])")
_IPV6 = re.compile(r"(?<![\w:])(?:[0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}(?![\w:])|(?<![\w:])(?:[0-9a-fA-F]{1,4}:){1,6}:(?:[0-9a-fA-F]{1,4}:?){1,6}(?![\w:])")


class Redactor:
    """Redacts secrets (and optionally e-mail/IP addresses) with per-instance stable placeholders.

    Not thread-safe: use one instance per report so that numbering is stable within it.
    """

    def __init__(self, pii: bool = False, extra_patterns: Mapping[str, str] | None = None) -> None:
        self.pii = pii
        self._values: dict[str, str] = {}
        self._counts: dict[str, int] = {}
        self._extra = [(kind, re.compile(p)) for kind, p in (extra_patterns or {}).items()]

    @property
    def counts(self) -> dict[str, int]:
        """How many distinct values of each kind were redacted so far."""
        return dict(self._counts)

    def placeholder(self, kind: str, value: str) -> str:
        """The stable placeholder for `value` (the first kind seen for a value wins)."""
        existing = self._values.get(value)
        if existing is not None:
            return existing
        number = self._counts.get(kind, 0) + 1
        self._counts[kind] = number
        marker = f"[REDACTED:{kind}#{number}]"
        self._values[value] = marker
        return marker

    def redact(self, text: str) -> str:
        """`text` with every secret replaced; never raises, and redact(redact(x)) == redact(x)."""
        if not isinstance(text, str) or not text:
            return text
        if _KEYWORD_RE.search(text) is not None:
            text = self._secrets(text)
        if self._extra:
            text = self._extra_patterns(text)
        if self.pii:
            text = self._pii(text)
        return text

    def redact_lines(self, lines: Iterable[str]) -> Iterator[str]:
        """Line-for-line redaction of a stream, following PEM blocks and YAML documents across lines."""
        from opslens.guard.redact_stream import stream_redact

        return stream_redact(self, lines)

    # -- passes -----------------------------------------------------------------------------

    def _secrets(self, text: str) -> str:
        if "PRIVATE KEY" in text:
            text = _PEM.sub(self._pem, text)
        text = _TOKENS.sub(self._token, text)
        if ("data" in text or "Data" in text) and ("Secret" in text or "stringData" in text):
            text = self._k8s(text)
        if "://" in text:
            text = _URL_CREDS.sub(self._url, text)
        if "uthorization" in text or "UTHORIZATION" in text:
            text = _AUTH_HEADER.sub(self._auth, text)
        if "-" in text:
            text = _USER_PASS_FLAG.sub(self._user_pass, text)
            text = _CLIENT_PASSWORD.sub(lambda m: self._group(m, 1, "password"), text)
            text = _FLAG.sub(self._flag, text)
        text = _KV.sub(self._kv, text)
        return _SPACED.sub(self._spaced, text)

    def _replace_span(self, match: re.Match[str], group: int | str, kind: str) -> str:
        start, end = match.span(group)
        base = match.start()
        whole = match.group(0)
        marker = self.placeholder(kind, match.group(group))
        return whole[: start - base] + marker + whole[end - base :]

    def _group(self, match: re.Match[str], group: int | str, kind: str) -> str:
        value = match.group(group)
        if not value or _PLACEHOLDER.search(value) or is_placeholder(value):
            return match.group(0)
        return self._replace_span(match, group, kind)

    def _pem(self, match: re.Match[str]) -> str:
        body = match.group(3)
        if not body.strip() or _PLACEHOLDER.fullmatch(body.strip()):
            return match.group(0)
        marker = self.placeholder("private-key", body)
        parts = _PEM_SEPARATORS.split(body)
        redacted = "".join(p if (not p or _PEM_SEPARATORS.fullmatch(p) or p == marker) else marker for p in parts)
        return match.group(1) + redacted + match.group(4)

    def _token(self, match: re.Match[str]) -> str:
        name = match.lastgroup or ""
        kind = _TOKEN_KINDS.get(name, "secret")
        index = _TOKEN_GROUP_INDEX[name]
        return self._group(match, index, kind)

    def _url(self, match: re.Match[str]) -> str:
        user, password = match.group(2), match.group(3)
        if password.startswith("[REDACTED") or is_placeholder(password) or (user.isdigit() and password.isdigit()):
            return match.group(0)
        return self._replace_span(match, 3, "url-password")

    def _auth(self, match: re.Match[str]) -> str:
        scheme = match.group(1).lower()
        kind = "basic-auth" if "basic" in scheme else "bearer-token"
        return self._group(match, 2, kind)

    def _user_pass(self, match: re.Match[str]) -> str:
        user, password = match.group(1), match.group(2)
        if user.isdigit() and password.isdigit():
            return match.group(0)  # uid:gid, not credentials
        return self._group(match, 2, "password")

    def _flag(self, match: re.Match[str]) -> str:
        key, value = match.group("key"), match.group("value")
        if not _is_secret_key(key) or not _value_is_secret(key, value):
            return match.group(0)
        return self._replace_span(match, "value", key_kind(key))

    def _kv(self, match: re.Match[str]) -> str:
        key, value = match.group("key"), match.group("value")
        if match.group("vq") is None:
            value = _trim_unbalanced(value)
        if not value or not _is_secret_key(key) or not _value_is_secret(key, value):
            return match.group(0)
        start = match.start("value")
        marker = self.placeholder(key_kind(key), value)
        whole, base = match.group(0), match.start()
        return whole[: start - base] + marker + whole[start - base + len(value) :]

    def _spaced(self, match: re.Match[str]) -> str:
        key, value = match.group("key"), match.group("value")
        strong = STRONG_KEY.search(key) and not NOT_SECRET_KEY.search(key)
        if not strong or not looks_like_token(value):
            return match.group(0)
        return self._replace_span(match, "value", key_kind(key))

    def _k8s(self, text: str) -> str:
        is_secret = _K8S_KIND.search(text) is not None

        def json_block(match: re.Match[str]) -> str:
            if match.group(2) == "data" and not is_secret:
                return match.group(0)
            body = _K8S_JSON_VALUE.sub(lambda v: self._group(v, 2, "k8s-secret"), match.group(3))
            return match.group(1) + body + match.group(4)

        def yaml_block(match: re.Match[str]) -> str:
            if match.group("name") == "data" and not is_secret:
                return match.group(0)
            body = _YAML_ENTRY.sub(lambda v: self._group(v, 3, "k8s-secret"), match.group("body"))
            return match.group(0)[: match.start("body") - match.start()] + body

        text = _K8S_JSON_DATA.sub(json_block, text)
        return _YAML_BLOCK.sub(yaml_block, text)

    def _extra_patterns(self, text: str) -> str:
        for kind, pattern in self._extra:
            group = 1 if pattern.groups else 0
            text = pattern.sub(lambda m, k=kind, g=group: self._group(m, g, k), text)
        return text

    def _pii(self, text: str) -> str:
        text = _EMAIL.sub(lambda m: self.placeholder("email", m.group(0)), text)
        text = _IPV4.sub(lambda m: self.placeholder("ipv4", m.group(0)), text)
        return _IPV6.sub(lambda m: self.placeholder("ipv6", m.group(0)), text)


_TOKEN_GROUP_INDEX: dict[str, int] = {}
_index = 0
for _i, (_kind, _pattern, _keys) in enumerate(TOKEN_PATTERNS):
    _index += 1  # the named group
    _TOKEN_GROUP_INDEX[f"t{_i}"] = _index + 1  # its first inner group is the value
    _index += re.compile(_pattern).groups


def _is_secret_key(key: str) -> bool:
    bare = key.strip("\\\"'").rsplit(".", 1)[-1] if key.count(".") else key
    return not NOT_SECRET_KEY.search(key) and not NOT_SECRET_KEY.search(bare)


def _value_is_secret(key: str, value: str) -> bool:
    if _PLACEHOLDER.search(value) or is_placeholder(value):
        return False
    lowered = key.lower()
    if re.search(r"(^|[_.\-])pwd$", lowered) and value.startswith(("/", "~")):
        return False  # PWD is the working directory
    if STRONG_KEY.search(key):
        return len(value) >= 2
    return looks_like_credential(value)


def _trim_unbalanced(value: str) -> str:
    """Drop one trailing `)`, `]` or `}` that closes something outside the value."""
    for opener, closer in ("()", "[]", "{}"):
        if value.endswith(closer) and value.count(opener) < value.count(closer):
            return value[:-1]
    return value
