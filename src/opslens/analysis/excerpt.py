"""Record-aware evidence text: the decisive parts of a long record, verbatim, gaps marked `…`.

A stack trace, traceback or panic is mostly framework boilerplate; what a reader needs is the
exception type and message, the first frame in the application's own code, and every
`Caused by:` / `During handling ...` link of the chain. A long JSON log line is mostly context
fields; what matters is `msg`, `error`, `err` and `stack`. A `kubectl describe` block is short
enough to keep whole. This module picks those parts and joins them:

- kept lines of a multi-line record are joined with "\\n"; where lines were left out, a line
  holding only `…` stands for them;
- kept pieces of one long line are joined with " … ".

Every line of an excerpt (and every part of a line between gaps) is a verbatim substring of
the input: lines are only cut, never rewritten. The first line loses its indentation, and the
continuation lines lose the container runtime's wrapper that repeats the first line's (CRI
`<time> stdout F `, `kubectl logs --timestamps`, compose's `web-1 | `). The line holding a key
phrase (`needle`, what a signal matched) is always kept, whole when it fits.
"""

from __future__ import annotations

import bisect
import heapq
import re
from collections.abc import Sequence

#: Longest single-line excerpt, and longest excerpt of a multi-line record. Real one-line
#: errors often carry the cause late (a Go error chain, a JSON log's `error` after its
#: boilerplate fields); the token budget, not this cap, bounds the evidence as a whole.
LINE_CHARS = 480
RECORD_CHARS = 1000
#: The end of a long line kept after its head (where a wrapped error chain names its cause).
LINE_TAIL_CHARS = 120
#: Longest piece of one line kept inside a record excerpt.
RECORD_LINE_CHARS = 240
GAP_LINE = "…"
GAP_INLINE = " … "
_FIELD = re.compile(r"(?:^|\s)[\w.-]+=")  # a logfmt field

# Frames of runtimes and frameworks: the first frame that is NOT one of these is the app's.
_LIBRARY_FRAME = re.compile(
    r"\bat (?:java|javax|jakarta|jdk|sun|com\.sun|org\.springframework|org\.apache|org\.hibernate|"
    r"com\.fasterxml|io\.netty|reactor|kotlin|kotlinx|scala|akka|com\.zaxxer|io\.grpc|okhttp3|"
    r"org\.eclipse|io\.undertow|ch\.qos|org\.slf4j|net\.bytebuddy|io\.micrometer|org\.postgresql|"
    r"com\.mysql|io\.lettuce|redis\.clients|org\.junit|io\.quarkus|io\.vertx|io\.opentelemetry|"
    r"com\.google|software\.amazon|com\.amazonaws)\.|"
    r"site-packages/|dist-packages/|/lib/python\d|<frozen |"
    r"/usr/local/go/src/|/usr/lib/go|\bruntime/|/go/pkg/mod/|"
    r"node_modules/|node:internal|\(internal/|/vendor/\S+\.php|/gems/|/ruby/\d|/rubygems/|"
    r"\bat System\.|\bat Microsoft\."
)
_FRAME = re.compile(r"^\s*(?:at |File \"|#\d+ |\S+\.go:\d+|\S+\(.*\)\s*$)")
_CHAIN = re.compile(
    r"^\s*(?:Caused by:|Suppressed:|Wrapped by:|During handling of the above exception|"
    r"The above exception was the direct cause|panic: |fatal error: |\[signal |\[previous exception\]|---> )"
)
_EXCEPTION = re.compile(
    r"^\s*(?:Exception in thread \"[^\"]*\" )?(?:[A-Za-z_$][\w$]*\.)*[A-Za-z_$][\w$]*"
    r"(?:Exception|Error|Throwable|Failure|Fault)\w*(?::|$)"
)
_PY_EXCEPTION = re.compile(r"^[A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt|Warning|Failure|Configured)\b.*$|^[a-z_][\w.]*\.[A-Z]\w+: ")
_GO_FILE = re.compile(r"^\s+\S+\.go:\d+")
#: A level word inside a long line: log lines that a paste or a CI page flattened into one.
_INLINE_LEVEL = re.compile(r"(?<=[\s.])(?:ERROR|FATAL|PANIC|CRITICAL)(?::|\])")
_JSON_KEYS = re.compile(r'"(?:msg|message|error|err|stack|stacktrace|exception|reason|cause)"\s*:\s*')


_GAPS = re.compile(r"\n…\n| … |\n")
#: A container runtime's wrapper at the start of a line (CRI, `kubectl logs --timestamps`,
#: compose): dropped from a record's continuation lines, where it repeats the first line's.
_WRAPPER = re.compile(r"^\d{4}-\d\d-\d\dT[\d:.]+(?:Z|[+-]\d\d:?\d\d) (?:(?:stdout|stderr) [FP] )?|^[\w.-]+\s+\| ")


def verbatim_pieces(text: str) -> list[str]:
    """The verbatim pieces an excerpt is made of (what a reader can grep for): every line, and
    every part of a line between ` … ` gaps."""
    return [piece for piece in _GAPS.split(text) if piece and piece != "…"]


def excerpt(raw: str, needle: str | Sequence[str] | None = None) -> str:
    """The verbatim excerpt of `raw` to show as evidence (see the module docstring); `needle`
    is one key phrase or several, each kept."""
    needles = tuple(n for n in ([needle] if isinstance(needle, str) else needle or ()) if n)
    lines = raw.split("\n")
    if len(lines) == 1:
        return _line_excerpt(raw.strip(), needles, LINE_CHARS)
    lines = [line[:-1] if line.endswith("\r") else line for line in lines]
    # Continuation lines without the runtime wrapper that repeats the first line's: what is
    # left is what the application wrote (`\tat ...`, `Caused by: ...`), shown and classified.
    lines[1:] = [_WRAPPER.sub("", line, count=1) for line in lines[1:]]
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines:
        return ""
    if len(lines) == 1:
        return _line_excerpt(lines[0].strip(), needles, LINE_CHARS)
    return _record_excerpt(lines, needles)


def _record_excerpt(lines: list[str], needle: tuple[str, ...]) -> str:
    whole = "\n".join([lines[0].lstrip(), *lines[1:]])
    if len(whole) <= RECORD_CHARS:
        return whole  # short enough to keep every line whole
    keep = _decisive(lines, needle)
    sizes = _Sizes(lines, needle)
    chosen = _with_followers(lines, keep, sizes)
    return _join(lines, _drop_to_fit(lines, chosen, needle, sizes), needle)


class _Sizes:
    """The length of each line's piece in a joined excerpt (computed once per line), and of a
    whole join, so that adding or dropping a line costs O(1) instead of a re-join. Line 0 is
    always kept and always first (`_decisive` puts it first; it is never dropped)."""

    def __init__(self, lines: list[str], needle: tuple[str, ...]) -> None:
        self.lines, self.needle = lines, needle
        self._sizes: dict[int, int] = {}

    def piece(self, i: int) -> int:
        """Length of line `i`'s piece plus its newline."""
        size = self._sizes.get(i)
        if size is None:
            last = i == len(self.lines) - 1
            size = self._sizes[i] = len(_piece(self.lines[i], i == 0, self.needle, last)) + 1
        return size

    def joined(self, indexes: list[int]) -> int:
        """`len(_join(lines, indexes))` for sorted `indexes` starting with 0."""
        gaps = sum(_gap(a, b) for a, b in zip(indexes, indexes[1:], strict=False))
        return sum(self.piece(i) for i in indexes) + gaps - 1


def _gap(before: int, after: int | None) -> int:
    """What the `…` line between two kept lines adds to a join (0 when they are adjacent)."""
    return 0 if after is None or after == before + 1 else len(GAP_LINE) + 1


def _with_followers(lines: list[str], keep: list[int], sizes: _Sizes) -> list[int]:
    """`keep` plus, room permitting, the lines right after each kept one (a frame's file line,
    an exception's first frames): context in reading order. Sorted."""
    chosen = sorted(keep)
    members = set(keep)
    length = sizes.joined(chosen)
    for index in sorted(keep):
        for follower in (index + 1, index + 2):
            if follower < len(lines) and follower not in members and lines[follower].strip():
                at = bisect.bisect(chosen, follower)
                before, after = chosen[at - 1], chosen[at] if at < len(chosen) else None
                grown = length + sizes.piece(follower) + _gap(before, follower) + _gap(follower, after) - _gap(before, after)
                if grown <= RECORD_CHARS:
                    chosen.insert(at, follower)
                    members.add(follower)
                    length = grown
    return chosen


def _drop_to_fit(lines: list[str], chosen: list[int], needle: tuple[str, ...], sizes: _Sizes) -> list[int]:
    """Drop kept lines, least important first (`_Ranks`), until the join fits RECORD_CHARS.
    The first line and the needles' lines go only when nothing else is left."""
    length = sizes.joined(chosen)
    if len(chosen) < 2 or length <= RECORD_CHARS:
        return chosen
    before = dict(zip(chosen[1:], chosen, strict=False))
    after: dict[int, int | None] = dict(zip(chosen, [*chosen[1:], None], strict=True))
    ranks = _Ranks(lines, chosen)
    protected = {i for i in chosen if any(n in lines[i] for n in needle)}
    heap = [ranks.key(i) for i in chosen[1:] if i not in protected]
    heapq.heapify(heap)
    if not heap:
        heap = [ranks.key(i) for i in chosen[1:]]
        heapq.heapify(heap)
    count = len(chosen)
    while count > 1 and length > RECORD_CHARS:
        key = heapq.heappop(heap)
        i = -key[1]
        if (current := ranks.key(i)) != key:  # became an end of the chain: ranks higher now
            heapq.heappush(heap, current)
            continue
        p, q = before.pop(i), after.pop(i)
        after[p] = q
        if q is not None:
            before[q] = p
        length -= sizes.piece(i) + _gap(p, i) + _gap(i, q) - _gap(p, q)
        count -= 1
        ranks.drop(i)
        if not heap and count > 1:  # only the first line and the needles' are left
            heap = [ranks.key(j) for j in after if j != chosen[0]]
            heapq.heapify(heap)
    kept, i = [], chosen[0]
    while i is not None:
        kept.append(i)
        i = after[i]
    return kept


class _Ranks:
    """Which kept line to drop first when the excerpt is too long: plain lines first, then
    library frames, the app's frame, middle links of an exception chain; the first exception
    and the deepest cause (the ends of the chain among the lines still kept) last; among equals
    the later line. `key(i)` sorts in dropping order; only the ends change as lines go."""

    def __init__(self, lines: list[str], chosen: list[int]) -> None:
        self.links = [i for i in chosen if _CHAIN.match(lines[i]) or _EXCEPTION.match(lines[i])]
        linked = set(self.links)
        self.weight: dict[int, int] = {}
        for i in chosen:
            line = lines[i]
            if i in linked:
                self.weight[i] = 3
            elif _FRAME.match(line):
                self.weight[i] = 1 if _LIBRARY_FRAME.search(line) else 2
            else:
                self.weight[i] = 0

    def key(self, i: int) -> tuple[int, int]:
        weight = self.weight[i]
        if weight == 3 and (i == self.links[0] or i == self.links[-1]):
            weight = 4
        return (weight, -i)

    def drop(self, i: int) -> None:
        if self.weight[i] == 3:
            del self.links[bisect.bisect_left(self.links, i)]


def _decisive(lines: list[str], needle: tuple[str, ...]) -> list[int]:
    """Indexes of the lines that carry meaning, most important first."""
    keep = [0]
    for n in needle:
        keep += [i for i, line in enumerate(lines) if n in line][:1]
    for i, line in enumerate(lines):
        if i and (_CHAIN.match(line) or _EXCEPTION.match(line)):
            keep.append(i)
    keep += _app_frames(lines)
    if not any(_FRAME.match(line) for line in lines):
        # Not a stack (a describe block, a wrapped message): every line is content.
        keep += range(len(lines))
    return list(dict.fromkeys(keep))


def _app_frames(lines: list[str]) -> list[int]:
    """The frames of the application's own code worth keeping: the innermost one of each
    stack. Python prints the innermost frame last (before each exception line), every other
    runtime prints it first."""
    if not any(line.startswith("Traceback (most recent call last)") for line in lines):
        first = _first_app_frame(lines)
        return [] if first is None else [first]
    frames: list[int] = []
    app: list[int] = []
    for i, line in enumerate(lines):
        if line.lstrip().startswith('File "') and not _LIBRARY_FRAME.search(line):
            app.append(i)
        elif app and _PY_EXCEPTION.match(line):
            frames += app[-1:] + app[-2:-1]  # the innermost, then its caller (room permitting)
            app = []
    return frames


def _first_app_frame(lines: list[str]) -> int | None:
    for i, line in enumerate(lines):
        if not i or not _FRAME.match(line) or _LIBRARY_FRAME.search(line):
            continue
        if _GO_FILE.match(line):
            continue  # a Go file line: its function line before it decides
        following = lines[i + 1] if i + 1 < len(lines) else ""
        if _GO_FILE.match(following) and (_LIBRARY_FRAME.search(following) or _go_stdlib(line)):
            continue
        return i
    return None


def _go_stdlib(line: str) -> bool:
    """A Go function of the standard library or runtime (`net/http.(*conn).serve(...)`,
    `panic(...)`): its package path has no domain (`github.com/...`) and is not `main`."""
    first = line.strip().split("/", 1)[0].split(".", 1)[0]
    return "." not in line.strip().split("/", 1)[0] and first not in ("main",) and not line.startswith("\t")


def _join(lines: list[str], indexes: list[int], needle: tuple[str, ...] = ()) -> str:
    """Kept lines in order, `…` lines for the gaps. Only the first line loses its indentation,
    so every run of consecutive kept lines stays one verbatim piece of the input."""
    out: list[str] = []
    previous = None
    for i in indexes:
        if previous is not None and i != previous + 1:
            out.append(GAP_LINE)
        out.append(_piece(lines[i], i == indexes[0], needle, i == len(lines) - 1))
        previous = i
    return "\n".join(out)


def _piece(line: str, first: bool, needle: tuple[str, ...], last: bool = False) -> str:
    """What a kept line shows in a record excerpt: cut to RECORD_LINE_CHARS around its needles;
    the record's last line to LINE_CHARS, since a traceback ends with what it died of and an
    exception's message often carries the cause late (an API error's `code` after its text)."""
    text = line.lstrip() if first else line
    limit = LINE_CHARS if last else RECORD_LINE_CHARS
    return _line_excerpt(text, tuple(n for n in needle if n in text), limit)


def _tail_tells(line: str) -> bool:
    """Whether a long line's end is worth its room: the end of a wrapped error chain, not the
    context fields a structured logger appends (`caller=x rule=y`, a JSON object's last keys)."""
    tail = line[-LINE_TAIL_CHARS:].rstrip()
    return not tail.endswith(("}", "]")) and len(_FIELD.findall(tail)) < 2


def _head_and_tail(line: str, limit: int) -> str:
    """The head of a long line and its last LINE_TAIL_CHARS, the end starting at a word."""
    tail_start = len(line) - LINE_TAIL_CHARS
    space = line.find(" ", tail_start, tail_start + 24)
    tail = line[space + 1 if space >= 0 else tail_start :]
    return line[: limit - len(tail) - len(GAP_INLINE)] + GAP_INLINE + tail


def _line_excerpt(line: str, needle: tuple[str, ...], limit: int) -> str:
    """One line cut to `limit`: whole, or its head plus the parts that matter (the needles,
    a JSON log line's message and error fields), joined by ` … `."""
    if len(line) <= limit:
        return line
    spans: list[tuple[int, int]] = []
    kept: list[tuple[int, int]] = []  # the needles themselves: never cut
    for n in needle:
        if (at := line.find(n)) >= 0:
            # The key phrase and what follows it (an error's details come after its words).
            spans.append((max(0, at - 40), min(len(line), at + len(n) + 160)))
            kept.append((at, at + len(n)))
    if line.lstrip().startswith("{"):
        for m in _JSON_KEYS.finditer(line):
            spans.append((m.start(), min(len(line), m.end() + 160)))
    else:
        # the last error of a flattened log: what the job or program finally died of
        last_level = None
        for found in _INLINE_LEVEL.finditer(line, limit // 3):
            last_level = found
        if last_level is not None:
            spans.append((last_level.start(), min(len(line), last_level.end() + 160)))
    # (a record's lines are cut shorter and keep their heads: frames and `Caused by:` clauses)
    if limit >= LINE_CHARS and _tail_tells(line) and (
        not spans or max(b for _, b in spans) <= limit - LINE_TAIL_CHARS - len(GAP_INLINE)
    ):
        # What matters is in the head; the line's end often holds the innermost error of a
        # wrapped chain (`…: 401 Unauthorized`), so it is kept too.
        return _head_and_tail(line, limit)
    if not spans or max(b for _, b in spans) <= limit:
        return line[:limit]  # what matters is in the head
    pieces = _merge([(0, limit // 3), *spans])

    def holds_needle(piece: tuple[int, int]) -> bool:
        return any(piece[0] <= a and b <= piece[1] for a, b in kept)

    text = GAP_INLINE.join(line[a:b] for a, b in pieces)
    while len(text) > limit and len(pieces) > 1:
        drop = next((p for p in reversed(pieces[1:]) if not holds_needle(p)), None)
        if drop is None:
            break
        pieces.remove(drop)
        text = GAP_INLINE.join(line[a:b] for a, b in pieces)
    if len(text) > limit and kept:
        # Still too long: one window of `limit` characters from the first needle on (what
        # follows a key phrase usually explains it).
        first, last = min(a for a, _ in kept), max(b for _, b in kept)
        # One window holding the needles and what follows them (an error's details), then as
        # much as fits before them (the field or clause they belong to).
        if last - first <= limit:
            end = min(len(line), last + 160)
            start = min(first, max(0, end - limit))
            if len(line) - (start + limit) <= 60:
                return line[start:]  # a short tail left: the line's end beats a cut just before it
            return line[start : start + limit]
        text = GAP_INLINE.join(line[a:b] for a, b in _merge(kept))
    return text[:limit] if len(text) > limit and not kept else text


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1] + len(GAP_INLINE):
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged
