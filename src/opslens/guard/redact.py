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

from opslens.guard.assignments import find_assignments
from opslens.guard.entropy import REDACTED_MARKER, is_placeholder, is_redactable, splice
from opslens.guard.prefilter import gate_regex, trie_regex
from opslens.guard.secret_patterns import FORMATS, TOKEN_PATTERNS
from opslens.guard.structural import (
    redact_cli_passwords,
    redact_cookies,
    redact_query_params,
    redact_xml_settings,
)

# Named formats sit behind one gate regex over all their keywords (prefilter.py): a clean
# line costs one scan that stops only at rare characters. A line that passes tries only the
# formats whose keywords occur in it.
_TOKEN_GATE = gate_regex(
    (k for _, _, keys in TOKEN_PATTERNS for k in keys),
    [fmt.gate for fmt in FORMATS if fmt.gate is not None],
)
# Formats gated by a shape rather than a keyword are tried on every line that passes the gate.
_SHAPE_GATED = tuple(i for i, fmt in enumerate(FORMATS) if fmt.gate is not None)
_TOKEN_REGEXES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), kind) for kind, pattern, _ in TOKEN_PATTERNS
)
_KEYWORDS = {k for _, _, keys in TOKEN_PATTERNS for k in keys}
_KEYWORD_RE = re.compile(trie_regex(_KEYWORDS))
# A found keyword selects the formats of every keyword it starts with (`sk-ant-` -> `sk-`).
_FORMATS_BY_KEYWORD: dict[str, tuple[int, ...]] = {
    found: tuple(
        index
        for index, (_, _, keys) in enumerate(TOKEN_PATTERNS)
        if any(found.startswith(key) for key in keys)
    )
    for found in _KEYWORDS
}
_PEM = re.compile(
    r"(-----BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?)-----)(.*?)(-----END \2-----|(?=[\"'])|$)",
    re.DOTALL,
)
_PEM_SEPARATORS = re.compile(r"(\r?\n|\\\\n|\\n|\s+)")
_URL_CREDS = re.compile(r"(?i)\b([a-z][a-z0-9+.-]{1,20}://)([^\s:/?#@'\"\[\]]*):([^\s/?#@'\"]+)@")
_AUTH_HEADER = re.compile(
    r"(?i)(\b(?:proxy-)?authorization\b\\*[\"']?\s*[:=]\s*\\*[\"']?\s*"
    r"(?:(?:basic|bearer|token|negotiate|ntlm|oauth|bot|splunk|geniekey|apikey|ssws|jwt|dsn|aws4-hmac-sha256)\s+)?)"
    r"([^\s\"'\\,]{6,})"
)
# Without a scheme, a single plain word after `Authorization:` is a verdict (`denied`), not a token.
_AUTH_WORD = re.compile(r"[A-Z]?[a-z]{1,15}")
_AUTH_SCHEME_END = re.compile(r"[A-Za-z0-9]\s+$")
_USER_PASS_FLAG = re.compile(
    r"(?:(?<=\s)|^)(?:-u|--user|--proxy-user|-U)(?:[ \t]+|=)?(?:\\?[\"'])?([\w.@+-]+):([^\s\"'\\]+)"
)
_K8S_JSON_DATA = re.compile(r"(\\*\"(stringData|data)\\*\"\s*:\s*\{)([^{}]*)(\})")
_K8S_JSON_VALUE = re.compile(r"(\\*\"[^\"\\]+\\*\"\s*:\s*\\*\")([^\"\\]*)(\\*\")")
_K8S_KIND = re.compile(r"\\*\"kind\\*\"\s*:\s*\\*\"Secret\\*\"|^\s*kind:\s*Secret\s*$", re.M)
_YAML_BLOCK = re.compile(
    r"(?m)^(?P<indent>[ \t]*)(?P<name>data|stringData):[ \t]*\n(?P<body>(?:(?P=indent)[ \t]+[^\n]*(?:\n|$))+)"
)
_YAML_ENTRY = re.compile(r"(?m)^([ \t]+[\w.\-/]+:[ \t]+)([\"']?)([^\"'\n]+)(\2)[ \t]*$")
_NETRC = re.compile(r"\bmachine\s+\S+\s+(?:login\s+\S+\s+)?password\s+(\S+)")
_EMAIL = re.compile(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b")
_IPV4 = re.compile(
    r"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)(?![\d.])"
)
_IPV6 = re.compile(
    r"(?<![\w:])(?:[0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}(?![\w:])|(?<![\w:])(?:[0-9a-fA-F]{1,4}:){1,6}:(?:[0-9a-fA-F]{1,4}:?){1,6}(?![\w:])"
)


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
        for _ in range(4):  # to a fixpoint: a pass may uncover a match an earlier one consumed
            redacted = self._secrets(text)
            if redacted == text:
                break
            text = redacted
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
        lower = text.lower()
        keyed = _structural(lower)
        # a query string or a form body (`a=1&session=...`) may carry credentials as parameters
        structural = keyed or "://" in text or ("=" in text and ("?" in text or "&" in text))
        tokens = _candidate_formats(text) if _TOKEN_GATE.search(text) else ()
        if " -" in text and (
            "-u" in text or "-U" in text or "--user" in text or "--proxy-user" in text
        ):
            text = _USER_PASS_FLAG.sub(self._user_pass, text)
        if " -" in text:
            text = redact_cli_passwords(text, lower, self.placeholder)
        if not structural and not tokens:
            return text
        if "PRIVATE KEY" in text:
            text = _PEM.sub(self._pem, text)
        for pattern, kind in tokens:
            text = pattern.sub(lambda m, k=kind: self._group(m, 1, k), text)
        if not structural:
            return text
        if "data" in lower and ("secret" in lower or "stringdata" in lower):
            text = self._k8s(text)
        if "://" in text and "@" in text:
            text = _URL_CREDS.sub(self._url, text)
        if "cookie" in lower:
            text = redact_cookies(text, self.placeholder)
        if "=" in text and ("?" in text or "&" in text):
            text = redact_query_params(text, self.placeholder)
        if "value" in lower and "key" in lower:
            text = redact_xml_settings(text, self.placeholder)
        if "authorization" in lower:
            text = _AUTH_HEADER.sub(self._auth, text)
        if "machine" in lower and "password" in lower:
            text = _NETRC.sub(lambda m: self._group(m, 1, "password"), text)
        if keyed:
            text = self._assignments(text)
        return text

    def _replace_span(self, match: re.Match[str], group: int | str, kind: str) -> str:
        start, end = match.span(group)
        if _inside_placeholder(match.string, start, end):
            return match.group(0)
        return splice(match, group, self.placeholder(kind, match.group(group)))

    def _group(self, match: re.Match[str], group: int | str, kind: str) -> str:
        if not is_redactable(match.group(group)):
            return match.group(0)
        return self._replace_span(match, group, kind)

    def _pem(self, match: re.Match[str]) -> str:
        body = match.group(3)
        if not _PEM_SEPARATORS.sub("", REDACTED_MARKER.sub("", body)):
            return match.group(0)  # empty, or already redacted
        marker = self.placeholder("private-key", body)
        parts = _PEM_SEPARATORS.split(body)
        redacted = "".join(
            p if (not p or _PEM_SEPARATORS.fullmatch(p) or REDACTED_MARKER.fullmatch(p)) else marker
            for p in parts
        )
        return match.group(1) + redacted + match.group(4)

    def _url(self, match: re.Match[str]) -> str:
        user, password = match.group(2), match.group(3)
        if (
            password.startswith("[REDACTED")
            or is_placeholder(password)
            or (user.isdigit() and password.isdigit())
        ):
            return match.group(0)
        return self._replace_span(match, 3, "url-password")

    def _auth(self, match: re.Match[str]) -> str:
        prefix = match.group(1)
        if _AUTH_WORD.fullmatch(match.group(2)) and not _AUTH_SCHEME_END.search(prefix):
            return match.group(0)  # `authorization: denied` reports an outcome, not a credential
        kind = "basic-auth" if "basic" in prefix.lower() else "bearer-token"
        return self._group(match, 2, kind)

    def _user_pass(self, match: re.Match[str]) -> str:
        user, password = match.group(1), match.group(2)
        if user.isdigit() and password.isdigit():
            return match.group(0)  # uid:gid, not credentials
        return self._group(match, 2, "password")

    def _assignments(self, text: str) -> str:
        pieces: list[str] = []
        last = 0
        for start, end, kind in find_assignments(text):
            pieces.append(text[last:start])
            pieces.append(self.placeholder(kind, text[start:end]))
            last = end
        if not pieces:
            return text
        pieces.append(text[last:])
        return "".join(pieces)

    def _k8s(self, text: str) -> str:
        is_secret = _K8S_KIND.search(text) is not None

        def json_block(match: re.Match[str]) -> str:
            if match.group(2) == "data" and not is_secret:
                return match.group(0)
            body = _K8S_JSON_VALUE.sub(lambda v: self._group(v, 2, "k8s-secret"), match.group(3))
            return match.group(1) + body + match.group(4)

        def yaml_block(match: re.Match[str]) -> str:
            if match.group("name") == "data" and not _yaml_data_is_secret(match, is_secret):
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


def _yaml_data_is_secret(match: re.Match[str], text_has_secret: bool) -> bool:
    """Whether a YAML `data:` block belongs to a Secret, judged by its own object's `kind:`.

    A ConfigMap next to a Secret in one paste (`---` documents, `kind: List` items) keeps its
    data; when the object states no kind at the block's indentation, any Secret in the text counts.
    """
    if not text_has_secret:
        return False
    text, indent = match.string, match.group("indent")
    item = re.escape(indent[:-2]) + "- " if len(indent) >= 2 else None
    boundary = re.compile(
        r"(?m)^---[ \t]*$" + (rf"|^[ \t]{{0,{len(indent) - 2}}}- " if item else "")
    )
    start = max((m.start() for m in boundary.finditer(text, 0, match.start())), default=0)
    following = boundary.search(text, match.end())
    end = following.start() if following else len(text)
    own = re.escape(indent) + (f"|{item}" if item else "")
    kinds = re.findall(rf"(?m)^(?:{own})kind:[ \t]*(\S+)[ \t]*$", text[start:end])
    return not kinds or "Secret" in kinds


def _structural(lower: str) -> bool:
    """Whether a lowercased line holds a word that secret keys are made of (`pass`, `token`)."""
    # an `or` chain of literal searches: several times faster than any() over a tuple
    return (
        "pass" in lower
        or "pwd" in lower
        or "secret" in lower
        or "token" in lower
        or "key" in lower
        or "auth" in lower
        or "cred" in lower
        or "sig" in lower
        or "cookie" in lower
    )


def _candidate_formats(text: str) -> list[tuple[re.Pattern[str], str]]:
    """The named formats whose keywords occur in `text`, in table order."""
    indices = {i for found in set(_KEYWORD_RE.findall(text)) for i in _FORMATS_BY_KEYWORD[found]}
    indices.update(_SHAPE_GATED)
    return [_TOKEN_REGEXES[i] for i in sorted(indices)]


def _inside_placeholder(text: str, start: int, end: int) -> bool:
    """True when [start, end) touches an existing placeholder (keeps redaction idempotent)."""
    if "[REDACTED:" not in text:
        return False
    window_start = max(0, start - 40)
    return any(
        m.start() < end and start < m.end()
        for m in REDACTED_MARKER.finditer(text, window_start, end + 40)
    )
