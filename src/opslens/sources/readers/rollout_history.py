"""`kubectl rollout history` output for Deployments, DaemonSets and StatefulSets.

Two forms, possibly several resources concatenated in one file:

    deployment.apps/web
    REVISION  CHANGE-CAUSE
    1         <none>
    2         kubectl set image deployment/web web=registry/web:1.2 --record=true

    deployment.apps/web with revision #2
    Pod Template:
      Labels:       app=web
      Annotations:  kubernetes.io/change-cause: kubectl set image deployment/web web=registry/web:1.2
      Containers:
       web:
        Image:      registry/web:1.2

Revisions carry no timestamps (time None): the analysis dates a revision only when another
input does (its pod-template-hash or image in a dated rollout). Images come from `kubectl set
image` change causes and from `Image:` lines of the detail form, the pod-template-hash from its
`Labels:`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, TextIO

from opslens.errors import InputError
from opslens.events import Entity, Event, EventKind
from opslens.sources.base import ReadContext, Reader, register

# `deployment.apps/web`, `daemonset.apps/x`, old `deployment.extensions/x` and `deployments "x"`.
_HEADER = re.compile(
    r"(?P<res>(?P<kind>deployment|daemonset|statefulset)s?(?:\.[a-z0-9.]+)?/(?P<name>[a-z0-9][-a-z0-9.]*))"
    r"(?: with revision #(?P<rev>\d+))?\s*$"
    r"|(?P<oldkind>deployment|daemonset|statefulset)s? \"(?P<oldname>[a-z0-9][-a-z0-9.]*)\"\s*$"
)
_TABLE_HEADER = re.compile(r"REVISION\s+CHANGE-CAUSE\s*$")
_ROW = re.compile(r"(\d+)\s+(.*?)\s*$")
_IMAGE_LINE = re.compile(r"\s+Image:\s+(\S+)")
_CONTAINER_LINE = re.compile(r"\s{2,}([a-z0-9][-a-z0-9]*):\s*$")
_TEMPLATE_HASH = re.compile(r"\bpod-template-hash=([a-z0-9]+)")
_CHANGE_CAUSE = re.compile(r"\s*(?:Annotations:\s+)?kubernetes\.io/change-cause:\s*(.*?)\s*$")
# `kubectl set image deployment/web web=registry/web:1.2 sidecar=...`
_SET_IMAGE = re.compile(r"\bset image\b")
_ASSIGNMENT = re.compile(r"(?:^|\s)([a-zA-Z0-9][-a-zA-Z0-9_]*|\*)=(\S+)")
_KINDS = {"deployment": "Deployment", "daemonset": "DaemonSet", "statefulset": "StatefulSet"}


@register
class RolloutHistoryReader(Reader):
    """`kubectl rollout history` tables and `--revision=N` details as CHANGE events."""

    name = "rollout-history"
    description = "kubectl rollout history (table and --revision detail) for deployments etc."

    @classmethod
    def sniff(cls, head: str, name: str) -> float:
        lines = [line for line in head.lstrip("\ufeff").splitlines()[:20] if line.strip()]
        if not lines or not _HEADER.match(lines[0].strip()):
            return 0.0
        if any(_TABLE_HEADER.match(line.strip()) for line in lines[1:3]):
            return 0.95
        return (
            0.9
            if "with revision #" in lines[0]
            and any(line.startswith("Pod Template:") for line in lines)
            else 0.0
        )

    def read(self, stream: TextIO, ctx: ReadContext) -> Iterator[Event]:
        resource: _Resource | None = None
        detail: list[tuple[int, str]] = []
        line_no = ctx.lines
        for line_no, line in enumerate(stream, start=ctx.lines + 1):  # noqa: B007
            text = line.rstrip("\r\n").lstrip("\ufeff")
            header = _HEADER.match(text.strip()) if text and not text[0].isspace() else None
            if header:
                if detail and resource:
                    yield resource.detail_event(detail, ctx)
                resource, detail = _Resource(header), []
                if resource.revision is not None:
                    detail = [(line_no, text)]
            elif resource is None:
                if text.strip():
                    ctx.skip("text before the first `kind/name` header", line_no)
            elif resource.revision is not None:
                detail.append((line_no, text))
            elif (row := _ROW.match(text)) and not _TABLE_HEADER.match(text):
                yield resource.row_event(row, text, line_no, ctx)
            elif (
                text.strip()
                and not _TABLE_HEADER.match(text)
                and not text.startswith("No rollout history")
            ):
                ctx.skip("not a rollout history row", line_no)
        ctx.lines = line_no
        if detail and resource:
            yield resource.detail_event(detail, ctx)
        if resource is None and line_no:
            raise InputError(
                str(ctx.source),
                "no rollout history found (expected `kubectl rollout history` output)",
            )


def images_from_change_cause(cause: str | None) -> list[str]:
    """Images a `kubectl set image ... c=image:tag` change cause sets."""
    if not cause or not _SET_IMAGE.search(cause):
        return []
    return [image for _, image in _ASSIGNMENT.findall(cause.split("set image", 1)[1])]


class _Resource:
    """The resource a header names, and how its rows become events."""

    def __init__(self, header: re.Match[str]) -> None:
        kind = header.group("kind") or header.group("oldkind")
        name = header.group("name") or header.group("oldname")
        self.resource = header.group("res") or f"{kind}/{name}"
        self.entity = Entity(_KINDS[kind], name)
        rev = header.group("rev")
        self.revision = int(rev) if rev else None

    def _event(
        self,
        line_no: int,
        raw: str,
        revision: int,
        cause: str | None,
        extra: dict[str, Any],
        ctx: ReadContext,
    ) -> Event:
        images = extra.pop("images", None) or images_from_change_cause(cause)
        message = f"{self.resource} revision {revision}" + (f": {cause}" if cause else "")
        attrs: dict[str, Any] = {
            "change_kind": "rollout-revision",
            "resource": self.resource,
            "revision": str(revision),
            "change_cause": cause,
            "images": images,
            **extra,
        }
        return Event(
            time=None,
            kind=EventKind.CHANGE,
            source=RolloutHistoryReader.name,
            origin=ctx.source.origin(line_no),
            message=message,
            raw=raw,
            entity=self.entity,
            attrs=attrs,
        )

    def row_event(self, row: re.Match[str], text: str, line_no: int, ctx: ReadContext) -> Event:
        revision, cause = int(row.group(1)), row.group(2)
        return self._event(
            line_no, text, revision, None if cause in ("", "<none>") else cause, {}, ctx
        )

    def detail_event(self, lines: list[tuple[int, str]], ctx: ReadContext) -> Event:
        while lines and not lines[-1][1].strip():
            lines = lines[:-1]
        cause = None
        images: list[str] = []
        containers: list[str] = []
        template_hash = None
        for _, text in lines:
            if template_hash is None and (h := _TEMPLATE_HASH.search(text)):
                template_hash = h.group(1)
            if (m := _CHANGE_CAUSE.match(text)) and cause is None:
                cause = m.group(1) or None
            elif m := _IMAGE_LINE.match(text):
                images.append(m.group(1))
            elif m := _CONTAINER_LINE.match(text):
                containers.append(m.group(1))
        raw = "\n".join(text for _, text in lines)
        extra: dict[str, Any] = {"images": images, "containers": containers}
        if template_hash:
            extra["pod_template_hash"] = template_hash
        return self._event(lines[0][0], raw, self.revision or 0, cause, extra, ctx)
