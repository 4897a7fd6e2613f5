"""Folding continuation lines into the record before them.

A log record can span lines: Java stack traces (`\\tat ...`, `Caused by: ...`, `... 12 more`),
Python tracebacks (`Traceback (most recent call last):` through the final `XxxError: msg`),
Go panics (`panic: ...`, `goroutine 1 [running]:`, frames, `exit status 2`), .NET and Node
stacks (`   at ...`), PHP `Stack trace:` / `#0 ...` (Laravel's `[stacktrace]`), Rust panic notes, the closing brackets of
pretty-printed JSON, JVM frames that lost their indentation (`at a.B.c(B.java:1)`), and any
indented line. The reader asks
`Folder.continues` only for lines that are not indented and could start or continue a stack
(cheap first-character test `may_continue`), so ordinary log lines never reach a regex here.

An exception header or traceback after a DEBUG/INFO/NOTICE record starts a record of its own
(an uncaught exception printed after an unrelated line); after a WARNING-or-worse record or an
untimed/unknown one it belongs to that record (`logger.error("...", exc)` prints both).
"""

from __future__ import annotations

import re

from opslens.events import Severity
from opslens.sources.lines.levels import LEVELS

#: Records may not grow beyond this many lines; the next line then starts a new record.
MAX_RECORD_LINES = 2000

_EXC_HEADER = re.compile(
    r"(?:Exception in thread \"[^\"]*\" |Unhandled [Ee]xception[.:] |Uncaught )?"
    r"(?:(?:[A-Za-z_$][\w$]*\.)+[A-Za-z_$][\w$]*(?:Exception|Error|Throwable|Fault|Failure|Exit)\w*"
    r"|[A-Z]\w*(?:Exception|Error)|Error)(?::|$| \(|\s*\[)"
)
_PY_CHAIN = re.compile(r"During handling of the above exception|The above exception was the direct cause")
_PY_FINAL = re.compile(r"([A-Za-z_][\w.]*)(?::\s.*|:)?$")
_GO_LINE = re.compile(r"goroutine \d+ \[|\[signal |created by |exit status \d|panic: |\[recovered\]|[^\s(]+\(.*\)(?: \S+)?$")
_JAVA_MORE = ("Caused by:", "Suppressed:", "Wrapped by:", "... ", "--- End of", "Stack trace:", "#", "at ")
# Laravel/Monolog: `[stacktrace]`, then `#0 ...` frames, `[previous exception] ...`
_PHP_TRACE = ("[stacktrace]", "[previous exception]")
# a JVM frame whose indentation was stripped (by a log shipper's multiline stage, say)
_JAVA_FRAME = re.compile(r"at [\w$.<>/]+\(")
# lines that only ever continue something: the end of a pretty-printed JSON/dict, Rust's
# panic notes and backtrace header
_ALWAYS = ("}", "]", ")", "note: run with `RUST_BACKTRACE", "stack backtrace:")
_WEAK = frozenset({Severity.DEBUG, Severity.INFO, Severity.NOTICE})
#: Frames of a native crash backtrace: gdb's / fluent-bit's `#1  0x5584b6046dae in f() at x.c:321`
#: and glibc's `backtrace_symbols` (`/usr/bin/redis-server *:6379(zaddGenericCommand+0x695)[0x44734d]`).
_NATIVE_FRAME = re.compile(r"#\d+\s+(?:0x[0-9a-fA-F]+\s+in\s|\S+\s+in\s)|/[^()\n]{0,200}\([\w.$@]*\+0x[0-9a-fA-F]+\)\s*\[0x[0-9a-fA-F]+\]")

#: First characters of lines that may continue or start a stack (besides indentation).
STACK_FIRST = frozenset("TCpfg.#-SEU}])*[/" + "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_$")
#: Lines a banner record (`*** FATAL CONFIG FILE ERROR ***`, Spring's `APPLICATION FAILED TO
#: START` box) may hold after its first line: what the program printed under its banner.
BANNER_LINES = 16


class Folder:
    """Multi-line state for one file: which kind of stack (if any) is being folded."""

    __slots__ = ("mode", "budget")

    def __init__(self) -> None:
        self.mode: str | None = None  # None, "py", "py-end", "go", "java", "native", "rust", "usage", "banner"
        self.budget = 0

    def reset(self) -> None:
        """A new ordinary record started: no stack is open any more."""
        self.mode = None

    def started(self, content: str) -> None:
        """A line that a format parsed starts a record: a Go panic (`panic: ...`, which reads
        as a level word) opens a stack that the following lines continue."""
        c = content[0]
        if (c == "p" and content.startswith("panic: ")) or (c == "f" and content.startswith("fatal error: ")):
            self.mode = "go"
        else:
            self.mode = None

    def continues(self, content: str, pending: Severity | None) -> bool:
        """Whether `content` (not indented, not blank) continues the pending record, whose
        severity is `pending`. Updates the stack mode either way."""
        mode = self.mode
        if mode is not None:
            if self._in_stack(mode, content):
                return True
            self.mode = None
        return self._starts_stack(content, pending)

    def _in_stack(self, mode: str, content: str) -> bool:
        if mode == "banner":
            self.budget -= 1
            return self.budget >= 0 and not content.startswith("***")
        if mode == "usage":  # a CLI's usage text after its flag error: section headers continue
            return content.endswith(":") and len(content) < 40 or content.startswith("Use \"")
        if mode == "rust":  # Rust >= 1.73 prints the panic message on the line after the header
            self.mode = None
            return True
        if mode == "native":
            return _NATIVE_FRAME.match(content) is not None
        if mode == "java":
            return content.startswith(_JAVA_MORE) or _EXC_HEADER.match(content) is not None
        if mode == "go":
            return _GO_LINE.match(content) is not None
        if _PY_CHAIN.match(content):
            self.mode = "py"
            return True
        if mode == "py":
            m = _PY_FINAL.match(content)
            if m is not None and m.group(1).rstrip(":") not in LEVELS:
                self.mode = "py-end"
                return True
        return False

    def _starts_stack(self, content: str, pending: Severity | None) -> bool:
        c = content[0]
        if c == "[":  # nothing else below starts with a bracket: decided here
            if content.startswith(_PHP_TRACE):
                self.mode = "java"
                return True
            return False
        if content.startswith(_ALWAYS):
            return True
        if (c == "#" or c == "/") and _NATIVE_FRAME.match(content):
            self.mode = "native"  # the frames after it follow it
            return True
        if c == "*" and content.startswith("***"):
            self.mode, self.budget = "banner", BANNER_LINES
            return False  # the banner starts a record; what it announces follows
        if c == "U" and content.startswith(("Usage:", "Usage of ")):
            self.mode = "usage"
            return pending not in _WEAK  # after a flag error (not after an INFO line)
        if c == "t" and content.startswith("thread '") and " panicked at " in content:
            self.mode = "rust" if content.endswith(":") else None
            return False  # a panic is a record of its own
        if c == "a" and _JAVA_FRAME.match(content):
            self.mode = "java"
            return True
        if c == "T" and content.startswith("Traceback (most recent call last)"):
            self.mode = "py"
            return pending not in _WEAK
        if c == "C" and content.startswith("Caused by: "):
            self.mode = "java"
            return True
        if (c == "p" and content.startswith("panic: ")) or (c == "f" and content.startswith("fatal error: ")):
            self.mode = "go"
            return False  # Go panics are printed on their own, after whatever was logged last
        if c == "g" and content.startswith("goroutine ") and _GO_LINE.match(content):
            self.mode = "go"
            return True
        if (c == "." and content.startswith("... ")) or (c == "S" and content.startswith("Stack trace:")):
            self.mode = "java"
            return True
        if pending in _WEAK:
            # an exception header after an INFO line starts its own record; its indented
            # frames fold by indentation, so no regex is needed on this hot path
            return False
        if _EXC_HEADER.match(content):
            self.mode = "java"
            return not content.startswith("Exception in thread")
        return False
