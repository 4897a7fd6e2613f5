"""Container-runtime wrappers around application lines: an outer layer, stripped first.

- kubelet CRI files (containerd, CRI-O): `2025-01-01T00:00:00.123456789Z stdout F msg`; the
  tag is `F` (full) or `P` (partial: the runtime split a long line, the next `P`/`F` lines of
  the same stream continue it). The time may carry an offset and any number of fraction digits.
- `kubectl logs --timestamps` / `docker logs -t`: `2025-01-01T00:00:00.123456789Z msg`.
- docker json-file: `{"log":"msg\\n","stream":"stderr","time":"2025-...Z"}`; a `log` value
  without the final newline is a partial line continued by the next record.
- `kubectl logs --prefix`: `[pod/cart-7d9f8c6b5-x2x9q/cart] msg` names the pod and container
  of each line (outermost; `--timestamps` may follow it).
- `docker compose logs` / `docker-compose logs`: `web-1  | msg` (`web_1  | msg` in v1), the
  service (container) name padded to a common width, possibly coloured; `-t` puts the
  `docker logs -t` stamp after the bar. See `split_compose_prefix` and `lines._compose`.
- `logcli query` default output: `2025-...Z {namespace="shop", pod="cart-1"} msg`: after the
  timestamp, the stream's labels name the pod, namespace and container.

The wrapper's time is what the node recorded; the reader prefers the application's own time
when the inner line has one (see `readers.textlog`) and keeps the wrapper's as `cri_time`.
"""

from __future__ import annotations

import re
from typing import Any

from opslens.sources.lines.jsonlog import loads

NAME = "cri"


def split_runtime_prefix(line: str) -> tuple[str, str | None, bool, str] | None:
    """(timestamp token, stream or None, partial?, content) of a CRI line or a
    `kubectl logs --timestamps` line; None for anything else. One `find` decides both."""
    sp = line.find(" ", 19, 40)
    if sp < 0 or line[10:11] != "T":
        return None
    after = line[sp + 1 : sp + 8]
    if after == "stdout " or after == "stderr ":
        tag_end = line.find(" ", sp + 8)
        if tag_end < 0:  # an empty message: the line ends after the tag
            tag, content = line[sp + 8 :], ""
        else:
            tag, content = line[sp + 8 : tag_end], line[tag_end + 1 :]
        if tag[:1] == "F" or tag[:1] == "P":
            return line[:sp], after[:6], tag[0] == "P", content
        return None
    # kubectl/docker --timestamps: RFC 3339 with a fraction and a zone, then exactly one space
    # (an application's own `...Z  INFO` padding is not a prefix)
    if after[:1] == " " or not after or line[19:20] != ".":
        return None
    if line[sp - 1] == "Z" or (line[sp - 6] in "+-" and line[sp - 3] == ":"):
        return line[:sp], None, False, line[sp + 1 :]
    return None


def split_cri(line: str) -> tuple[str, str, bool, str] | None:
    """(timestamp token, stream, partial?, content) of a CRI log line, else None."""
    found = split_runtime_prefix(line)
    return found if found is not None and found[1] is not None else None  # type: ignore[return-value]


def split_timestamp_prefix(line: str) -> tuple[str, str] | None:
    """(timestamp token, content) of a `kubectl logs --timestamps` line, else None."""
    found = split_runtime_prefix(line)
    return (found[0], found[3]) if found is not None and found[1] is None else None


def split_docker_json(line: str) -> tuple[str, str, bool, str] | None:
    """(time text, stream, partial?, content) of a docker json-file record, else None."""
    obj: Any = loads(line)
    if type(obj) is not dict:
        return None
    log, when = obj.get("log"), obj.get("time")
    if not isinstance(log, str) or not isinstance(when, str):
        return None
    stream = obj.get("stream")
    partial = not log.endswith("\n")
    content = log[:-1] if not partial else log
    if content.endswith("\r"):
        content = content[:-1]
    return when, stream if isinstance(stream, str) else "", partial, content


def split_kubectl_prefix(line: str) -> tuple[str, str, str] | None:
    """(pod, container, content) of a `kubectl logs --prefix` line, else None."""
    if not line.startswith("[pod/"):
        return None
    end = line.find("] ", 5, 330)
    if end < 0:
        return None
    pod, sep, container = line[5:end].partition("/")
    if not sep or not pod or not container or " " in pod or " " in container:
        return None
    return pod, container, line[end + 2 :]


_LABELS = re.compile(r'\{((?:[A-Za-z_][\w.]{0,127}=~?"[^"\\]*(?:\\.[^"\\]*)*"(?:, ?)?){1,64})\} ')
_LABEL = re.compile(r'([A-Za-z_][\w.]{0,127})=~?"([^"\\]*(?:\\.[^"\\]*)*)"')
_POD_LABELS = ("pod", "k8s_pod_name", "kubernetes_pod_name", "pod_name", "instance")
_NAMESPACE_LABELS = ("namespace", "k8s_namespace_name", "kubernetes_namespace", "namespace_name")
_CONTAINER_LABELS = ("container", "k8s_container_name", "kubernetes_container_name", "container_name")


def split_stream_labels(content: str) -> tuple[tuple[str | None, str | None, str | None], str] | None:
    """((pod, container, namespace), rest) of `{a="b", ...} rest` (logcli's default output)."""
    m = _LABELS.match(content)
    if m is None:
        return None
    labels = dict(_LABEL.findall(m.group(1)))

    def first(keys: tuple[str, ...]) -> str | None:
        return next((labels[k] for k in keys if labels.get(k)), None)

    return (first(_POD_LABELS), first(_CONTAINER_LABELS), first(_NAMESPACE_LABELS)), content[m.end() :]


# `web-1  | msg`: a service/container name, padding, a bar, one space (or nothing: an empty line)
_COMPOSE = re.compile(r"([A-Za-z0-9][\w.-]{0,127}) +(\|)(?: |$)")
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def split_compose_prefix(line: str) -> tuple[str, str, int] | None:
    """(service, content, bar column) of a `docker compose logs` line, else None. Colour codes
    are dropped first; the bar's column (compose pads every name to one width) lets the caller
    tell a compose paste from text that merely contains ` | `."""
    if "\x1b" in line:
        line = _ANSI.sub("", line)
    m = _COMPOSE.match(line)
    if m is None:
        return None
    return m.group(1), line[m.end() :], m.start(2)
