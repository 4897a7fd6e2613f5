"""Mine a log file, on two cores when it is big: the file driver behind `opslens mine`.

Masking is most of the cost of mining, and it is independent from line to line, so a big file
is cut in two at a line boundary: a forked process mines the second part with its own miner
while this process mines the first, then the second miner is folded in (`TemplateMiner.merge`)
and its keys are mapped. The templates are those of two streams merged rather than of one
stream, which is what a server merging hosts' states sees too; small files, stdin and one-core
machines take the one-stream path. If the second process fails, this one mines the rest itself.
"""

from __future__ import annotations

import io
import itertools
import multiprocessing
import os
from array import array
from collections.abc import Iterator
from multiprocessing.connection import Connection
from pathlib import Path

from opslens.analysis.mining.headers import HeaderStripper
from opslens.analysis.mining.lines import MinedLines, mine_lines
from opslens.analysis.mining.logformat import LogFormat
from opslens.analysis.mining.miner import TemplateMiner

#: Files smaller than this are mined in one process (forking costs more than it saves).
MIN_PARALLEL_BYTES = 8 << 20
#: Share of the file this process mines itself: it also merges and writes the results.
_OWN_SHARE = 0.5


def default_jobs() -> int:
    """Processes to use: two when the machine has a second core to spare (at least two cores,
    and a load average leaving one idle), else one."""
    cores = os.cpu_count() or 1
    try:
        load = os.getloadavg()[0]
    except OSError:  # not available on this platform
        load = 0.0
    return 2 if cores >= 2 and load <= cores - 1 else 1


def mine_file(
    path: str | Path,
    log_format: LogFormat | None = None,
    headers: HeaderStripper | None = None,
    jobs: int = 1,
    min_parallel_bytes: int = MIN_PARALLEL_BYTES,
) -> MinedLines:
    """Mine the file at `path` (UTF-8, undecodable bytes replaced); see `mine_lines`."""
    path = Path(path)
    size = path.stat().st_size
    if jobs < 2 or size < min_parallel_bytes or "fork" not in multiprocessing.get_all_start_methods():
        with _open_text(path) as fh:
            return mine_lines(fh, log_format=log_format, headers=headers)
    offset, first_count = _split_point(path, int(size * _OWN_SHARE), headers)
    if offset >= size:
        with _open_text(path) as fh:
            return mine_lines(fh, log_format=log_format, headers=headers)
    ctx = multiprocessing.get_context("fork")
    receiver, sender = ctx.Pipe(duplex=False)
    worker = ctx.Process(
        target=_mine_tail, args=(path, offset, first_count + 1, log_format, headers, sender), daemon=True
    )
    worker.start()
    sender.close()
    with _open_text(path) as fh:
        result = mine_lines(itertools.islice(fh, first_count), log_format=log_format, headers=headers)
    tail = _receive(receiver)
    worker.join()
    if tail is None:  # the second process failed: mine its part here
        with _open_text(path) as fh:
            rest = itertools.islice(fh, first_count, None)
            more = mine_lines(rest, miner=result.miner, log_format=log_format, headers=headers, first_line=first_count + 1)
        _append(result, more.keys, more.unmatched, more.first_unmatched, None)
        return result
    state, keys, unmatched, first_unmatched = tail
    mapping = result.miner.merge(TemplateMiner.from_json(state))
    _append(result, keys, unmatched, first_unmatched, mapping)
    return result


def _open_text(path: Path) -> io.TextIOWrapper:
    # Lines end at "\n" only (as the byte count of `_split_point` does); "\r" is stripped later.
    return path.open(encoding="utf-8", errors="replace", newline="\n")


def _split_point(path: Path, near: int, headers: HeaderStripper | None) -> tuple[int, int]:
    """(byte offset, lines before it): the start of the first line at or after `near` that
    starts a record (not a continuation line), and how many lines come before it."""
    with path.open("rb") as fh:
        fh.seek(near)
        fh.readline()  # the rest of the line `near` falls in
        offset = fh.tell()
        if headers is not None:
            for _ in range(10_000):
                line = fh.readline()
                if not line or not headers.is_continuation(line.decode("utf-8", "replace")):
                    break
                offset = fh.tell()
        fh.seek(0)
        count, remaining = 0, offset
        while remaining > 0:
            chunk = fh.read(min(remaining, 1 << 20))
            if not chunk:
                break
            count += chunk.count(b"\n")
            remaining -= len(chunk)
    return offset, count


def _lines_from(path: Path, offset: int) -> Iterator[str]:
    raw = path.open("rb")
    raw.seek(offset)
    with io.TextIOWrapper(raw, encoding="utf-8", errors="replace", newline="\n") as fh:
        yield from fh


def _mine_tail(
    path: Path, offset: int, first_line: int, log_format: LogFormat | None, headers: HeaderStripper | None,
    sender: Connection,
) -> None:
    """In the forked process: mine from `offset` to the end and send the state and keys."""
    result = mine_lines(_lines_from(path, offset), log_format=log_format, headers=headers, first_line=first_line)
    sender.send((result.miner.to_json(), result.keys.tobytes(), result.unmatched, result.first_unmatched))
    sender.close()


def _receive(receiver: Connection) -> tuple[str, array, int, int | None] | None:
    try:
        state, raw_keys, unmatched, first_unmatched = receiver.recv()
    except (EOFError, OSError):
        return None
    finally:
        receiver.close()
    keys = array("q")
    keys.frombytes(raw_keys)
    return state, keys, unmatched, first_unmatched


def _append(
    result: MinedLines, keys: array, unmatched: int, first_unmatched: int | None, mapping: list[int] | None
) -> None:
    result.keys.extend(keys if mapping is None else array("q", [mapping[k] for k in keys]))
    if unmatched:
        result.unmatched += unmatched
        if result.first_unmatched is None:
            result.first_unmatched = first_unmatched
