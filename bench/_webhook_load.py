"""The open-loop load generator of bench/webhook.py: raw HTTP/1.1 over keep-alive sockets.

Why not httpx: the generator shares the machine's two cores with the server, and httpx spends
about a millisecond of CPU per request in Python; writing prepared request bytes to a socket
and reading a status line and Content-Length costs a fraction of that. The requests are built
before the clock starts.

Open loop: request i is due at `start + i / rate`, whatever happened to earlier ones. It waits
for an idle connection (a new one is opened while fewer than `connections` exist), so a slow
server makes requests queue, and latency is measured from the DUE time ("response time",
which does not hide a stall: no coordinated omission) as well as from the moment the request
was written ("service time").
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

TIMEOUT = 10.0  # seconds for one request; Alertmanager's own default is 10 s too
# A connection idle this long is closed rather than reused: uvicorn closes idle keep-alive
# connections after 5 s, and a request written on one it is closing fails unanswered (real
# clients retry those; closing them first keeps such errors out of the figures).
IDLE_LIMIT = 4.0


@dataclass
class Outcome:
    """What became of one scheduled request (times from `time.perf_counter`)."""

    due: float
    sent: float = 0.0
    done: float = 0.0
    status: int | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def request_bytes(method: str, path: str, host: str, headers: dict[str, str],
                  body: bytes = b"") -> bytes:
    """One HTTP/1.1 request, ready to write."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}", *(f"{k}: {v}" for k, v in
                                                          headers.items())]
    if body or method == "POST":
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


Conn = tuple[asyncio.StreamReader, asyncio.StreamWriter]


class _Pool:
    """Keep-alive connections to one server: a request holds one of `size` slots, and takes an
    idle connection or opens one (a slot freed by a dropped connection opens a new one)."""

    def __init__(self, host: str, port: int, size: int) -> None:
        self.host, self.port = host, port
        self.slots = asyncio.Semaphore(size)
        self.idle: list[tuple[float, Conn]] = []

    async def take(self) -> Conn:
        await self.slots.acquire()
        while self.idle:
            since, conn = self.idle.pop()
            if time.perf_counter() - since < IDLE_LIMIT:
                return conn
            conn[1].close()
        try:
            return await asyncio.open_connection(self.host, self.port)
        except BaseException:
            self.slots.release()
            raise

    def give(self, conn: Conn) -> None:
        self.idle.append((time.perf_counter(), conn))
        self.slots.release()

    def drop(self, conn: Conn | None) -> None:
        """Close a connection after a failure (or none was opened) and free its slot."""
        if conn is not None:
            conn[1].close()
        self.slots.release()

    def close(self) -> None:
        for _, (_, writer) in self.idle:
            writer.close()
        self.idle.clear()


async def _exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                    request: bytes) -> tuple[int, bool]:
    """Write a request, read its response; (status, whether the connection stays open)."""
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length, keep = 0, True
    for line in lines[1:]:
        name, _, value = line.partition(":")
        name = name.strip().lower()
        if name == "content-length":
            length = int(value)
        elif name == "connection" and value.strip().lower() == "close":
            keep = False
    if length:
        await reader.readexactly(length)
    return status, keep


async def _one(pool: _Pool, request: bytes, outcome: Outcome) -> None:
    try:
        conn = await asyncio.wait_for(pool.take(), TIMEOUT)
    except (OSError, TimeoutError) as exc:  # refused while the server is down, or no slot
        outcome.error, outcome.done = type(exc).__name__, time.perf_counter()
        return
    try:
        outcome.sent = time.perf_counter()
        outcome.status, keep = await asyncio.wait_for(_exchange(*conn, request), TIMEOUT)
    except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError,
            TimeoutError, ValueError, IndexError) as exc:
        outcome.error = type(exc).__name__
        pool.drop(conn)
    else:
        pool.give(conn) if keep else pool.drop(conn)
    finally:
        outcome.done = time.perf_counter()


async def run_load(
    host: str, port: int, requests: Sequence[bytes], rate: float, *, connections: int = 64,
    on_tick: Callable[[float], Awaitable[None] | None] | None = None,
) -> list[Outcome]:
    """Send `requests` open-loop at `rate` per second; one Outcome per request, in order.
    `on_tick(elapsed)` (a coroutine or not) is called about every 10 ms, for the caller's
    own events (killing the server, sampling its memory)."""
    pool = _Pool(host, port, connections)
    outcomes: list[Outcome] = []
    tasks: set[asyncio.Task[None]] = set()
    start = time.perf_counter() + 0.05
    next_tick = start
    for index, request in enumerate(requests):
        due = start + index / rate
        while (now := time.perf_counter()) < due:
            if on_tick is not None and now >= next_tick:
                next_tick = now + 0.01
                result = on_tick(now - start)
                if result is not None:
                    await result
            await asyncio.sleep(min(due - time.perf_counter(), 0.01))
        outcome = Outcome(due=due)
        outcomes.append(outcome)
        task = asyncio.create_task(_one(pool, request, outcome))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    if tasks:
        await asyncio.wait(tasks)
    pool.close()
    return outcomes
