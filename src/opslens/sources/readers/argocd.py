"""Argo CD Applications: sync history, the last operation and conditions.

Inputs: an Application (`argocd app get -o json`, `kubectl get application -o json|yaml`), a
List of them or an array (`argocd app list -o json`), and the `argocd app history APP` table
(`ID  DATE  REVISION`, under `SOURCE  <repo>` lines in multi-source versions).

Each `status.history[]` entry (id, revision or revisions[], deployedAt, deployStartedAt,
source/sources, initiatedBy) is one `argocd-sync` CHANGE at deployedAt. `status.operationState`
adds one more when the last history entry does not already record it (running, failed, newer).
`status.summary.images` are the images of the current sync and go on the latest entry.
`status.conditions` (ComparisonError, SyncError, ...) become EVENT records.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, TextIO

from opslens.errors import InputError
from opslens.events import Entity, Event, EventKind, Severity
from opslens.sources.base import ReadContext, Reader, register
from opslens.sources.readers._documents import (
    JsonDocuments,
    as_dict,
    as_str,
    count_lines,
    document_values,
    first_char,
    looks_like_yaml,
    to_epoch,
)
from opslens.sources.verbatim import json_fragment
from opslens.timeparse import parse_rfc3339

_KIND_APP = re.compile(r'"kind"\s*:\s*"Application"')
_YAML_KIND_APP = re.compile(r"^\s*(?:- )?kind: Application\s*$", re.M)
_WALK = frozenset({"items", "status", "history", "conditions"})
_FAILED_PHASES = frozenset({"Failed", "Error"})
# `argocd app history`: Go's time.Time String() for DATE; REVISION is `target (sha7)`.
_HISTORY_HEADER = re.compile(r"\s*ID\s+DATE\s+REVISION\s*$")
_HISTORY_SOURCE = re.compile(r"\s*SOURCE\s+(\S+)\s*$")
_HISTORY_ROW = re.compile(
    r"\s*(\d+)\s+(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d+)? [+-]\d{4})(?: [A-Za-z][\w+-]*)?\s+(.*?)\s*$"
)
_TARGET_AND_SHA = re.compile(r"(.*?)\s*\(([0-9a-f]{7,40})\)$")


@register
class ArgoCDReader(Reader):
    """Argo CD Application objects and `argocd app history` tables."""

    name = "argocd"
    description = "Argo CD Applications (status.history, operationState) and `argocd app history`"

    @classmethod
    def sniff(cls, head: str, name: str) -> float:
        first = first_char(head)
        if first in ("{", "["):
            if "argoproj.io" in head and _KIND_APP.search(head):
                # Kubernetes Events about an Application mention both too: those are k8s-events'.
                return 0.0 if ('"involvedObject"' in head or '"regarding"' in head) else 0.95
            return 0.0
        if first and looks_like_yaml(head):
            found = "argoproj.io" in head and _YAML_KIND_APP.search(head)
            return 0.9 if found and "involvedObject:" not in head else 0.0
        lines = [line for line in head.splitlines()[:6] if line.strip()]
        return 0.9 if any(_HISTORY_HEADER.match(line) for line in lines[:3]) else 0.0

    def read(self, stream: TextIO, ctx: ReadContext) -> Iterator[Event]:
        text = stream.read()
        ctx.lines += count_lines(text)
        if not text.strip():
            return
        first = first_char(text)
        if first not in ("{", "[") and not looks_like_yaml(text):
            yield from _history_table(text, ctx)
            return
        docs = (
            JsonDocuments(text, ctx.skip, walk=_WALK, walk_elements=True) if first in "{[" else None
        )
        found = False
        for line, value in document_values(text, ctx.skip, docs):
            for app in _applications(value):
                found = True
                yield from _AppEvents(app, docs, line, ctx).events()
        if not found:
            raise InputError(
                str(ctx.source), "no Argo CD Application found (expected kind: Application)"
            )


def _applications(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, list):
        for element in value:
            yield from _applications(element)
    elif isinstance(value, dict):
        kind = value.get("kind")
        if kind == "Application" or (
            kind is None and {"metadata", "spec", "status"} <= value.keys()
        ):
            yield value
        elif isinstance(value.get("items"), list):
            yield from _applications(value["items"])


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _revisions(holder: dict[str, Any]) -> tuple[str | None, list[str]]:
    """(revision, revisions) of a history entry or sync result (multi-source has a list)."""
    revisions = [r for r in _list(holder.get("revisions")) if isinstance(r, str)]
    return as_str(holder.get("revision")) or (revisions[0] if revisions else None), revisions


def _initiator(initiated: Any) -> str | None:
    initiated = as_dict(initiated)
    if as_str(initiated.get("username")):
        return initiated["username"]
    return "automated" if initiated.get("automated") else None


class _AppEvents:
    """The events of one Application."""

    def __init__(
        self, app: dict[str, Any], docs: JsonDocuments | None, line: int | None, ctx: ReadContext
    ) -> None:
        meta = as_dict(app.get("metadata"))
        self.status = as_dict(app.get("status"))
        self.app = as_str(meta.get("name"))
        self.namespace = as_str(
            as_dict(as_dict(app.get("spec")).get("destination")).get("namespace")
        )
        self.entity = (
            Entity("Application", self.app, as_str(meta.get("namespace"))) if self.app else None
        )
        self.docs, self.ctx = docs, ctx
        self.line = docs.line_of(app, line) if docs else line

    def events(self) -> Iterator[Event]:
        status = self.status
        history = [h for h in _list(status.get("history")) if isinstance(h, dict)]
        images = [
            i for i in _list(as_dict(status.get("summary")).get("images")) if isinstance(i, str)
        ]
        health = as_str(as_dict(status.get("health")).get("status"))
        synced = _synced_resources(as_dict(as_dict(status.get("operationState")).get("syncResult")))
        for index, entry in enumerate(history):
            latest = index == len(history) - 1
            event = self._history(entry, images if latest else [], health if latest else None)
            if latest and synced and (event.attrs or {}).get("revision") == _revisions(as_dict(as_dict(status.get("operationState")).get("syncResult")))[0]:
                notes = _sync_messages(as_dict(as_dict(status.get("operationState")).get("syncResult")))
                event = event._replace(attrs={**(event.attrs or {}), "resources": synced, "resource_messages": notes})
            yield event
        op = as_dict(status.get("operationState"))
        if op and not self._recorded(op, history[-1] if history else None):
            current = as_str(as_dict(status.get("sync")).get("revision"))
            yield self._operation(op, images if self._op_revision(op) in (current, None) else [])
        for condition in _list(status.get("conditions")):
            if isinstance(condition, dict) and as_str(condition.get("message")):
                yield self._condition(condition)

    def _event(self, kind: EventKind, time: float | None, line: int | None, text: tuple[str, str],
               severity: Severity, attrs: dict[str, Any]) -> Event:  # fmt: skip
        message, raw = text
        return Event(
            time=time,
            kind=kind,
            source=ArgoCDReader.name,
            origin=self.ctx.source.origin(line),
            message=message,
            raw=raw,
            severity=severity,
            namespace=self.namespace,
            entity=self.entity,
            attrs={k: v for k, v in attrs.items() if v is not None and v != []},
        )

    def _line(self, element: Any) -> int | None:
        return self.docs.line_of(element, self.line) if self.docs else self.line

    def _history(self, entry: dict[str, Any], images: list[str], health: str | None) -> Event:
        """One history entry (a sync that was deployed) as a CHANGE."""
        tz = self.ctx.tz
        revision, revisions = _revisions(entry)
        sources = _list(entry.get("sources"))
        source = as_dict(entry.get("source")) or as_dict(sources[0] if sources else None)
        attrs = {
            "change_kind": "argocd-sync",
            "app": self.app,
            "revision": revision,
            "revisions": revisions if len(revisions) > 1 else None,
            "history_id": entry.get("id"),
            "author": _initiator(entry.get("initiatedBy")),
            "deploy_started": to_epoch(entry.get("deployStartedAt"), tz),
            "deployed_at": to_epoch(entry.get("deployedAt"), tz),
            "images": images,
            "repo": as_str(source.get("repoURL")),
            "path": as_str(source.get("path")) or as_str(source.get("chart")),
            "target_revision": as_str(source.get("targetRevision")),
            "health": health,
        }
        message = f"Argo CD synced {self.app or 'application'} to revision {revision or '?'}"
        time = attrs["deployed_at"] or attrs["deploy_started"]
        text = (message, json_fragment(revision or ""))
        return self._event(EventKind.CHANGE, time, self._line(entry), text, Severity.UNKNOWN, attrs)

    @staticmethod
    def _op_revision(op: dict[str, Any]) -> str | None:
        revision, _ = _revisions(as_dict(op.get("syncResult")))
        return revision or _revisions(as_dict(as_dict(op.get("operation")).get("sync")))[0]

    def _recorded(self, op: dict[str, Any], last: dict[str, Any] | None) -> bool:
        """Whether the operation is the sync that the last history entry already records."""
        if last is None or op.get("phase") != "Succeeded":
            return False
        revision, revisions = _revisions(last)
        if self._op_revision(op) not in (revision, *revisions):
            return False
        finished = to_epoch(op.get("finishedAt"), self.ctx.tz)
        deployed = to_epoch(last.get("deployedAt"), self.ctx.tz)
        return finished is None or deployed is None or abs(finished - deployed) <= 60

    def _operation(self, op: dict[str, Any], images: list[str]) -> Event:
        phase = as_str(op.get("phase")) or "Unknown"
        revision = self._op_revision(op)
        detail = as_str(op.get("message"))
        started, finished = (
            to_epoch(op.get("startedAt"), self.ctx.tz),
            to_epoch(op.get("finishedAt"), self.ctx.tz),
        )
        attrs = {
            "change_kind": "argocd-sync",
            "app": self.app,
            "revision": revision,
            "phase": phase,
            "operation_message": detail,
            "deploy_started": started,
            "finished_at": finished,
            "images": images,
            "author": _initiator(as_dict(op.get("operation")).get("initiatedBy")),
        }
        message = (
            f"Argo CD sync of {self.app or 'application'} to revision {revision or '?'}: {phase}"
        )
        if detail:
            message += f" ({detail.splitlines()[0]})"
        severity = Severity.ERROR if phase in _FAILED_PHASES else Severity.UNKNOWN
        text = (message, json_fragment(detail or revision or phase))
        return self._event(EventKind.CHANGE, finished or started, self.line, text, severity, attrs)

    def _condition(self, condition: dict[str, Any]) -> Event:
        kind = as_str(condition.get("type")) or "Condition"
        detail: str = condition["message"]
        if kind.endswith("Error"):
            severity = Severity.ERROR
        elif kind.endswith("Warning"):
            severity = Severity.WARNING
        else:
            severity = Severity.INFO
        attrs = {"app": self.app, "condition": kind}
        time = to_epoch(condition.get("lastTransitionTime"), self.ctx.tz)
        text = (detail.split("\n", 1)[0], json_fragment(detail))
        return self._event(EventKind.EVENT, time, self._line(condition), text, severity, attrs)


def _history_table(text: str, ctx: ReadContext) -> Iterator[Event]:
    """`argocd app history APP`: one CHANGE per row; the app name is not in the output."""
    repo: str | None = None
    header_seen = False
    for line_no, line in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        if not line.strip():
            continue
        if m := _HISTORY_SOURCE.match(line):
            repo = m.group(1)
        elif _HISTORY_HEADER.match(line):
            header_seen = True
        elif header_seen and (m := _HISTORY_ROW.match(line)):
            yield _history_row(m, repo, line, line_no, ctx)
        else:
            ctx.skip("not an `argocd app history` row", line_no)
    if not header_seen:
        raise InputError(
            str(ctx.source),
            "no Argo CD history found (expected an `ID  DATE  REVISION` table or JSON)",
        )


def _history_row(
    m: re.Match[str], repo: str | None, line: str, line_no: int, ctx: ReadContext
) -> Event:
    history_id, date, shown = m.groups()
    target, revision = shown, None
    if sha := _TARGET_AND_SHA.match(shown):
        target, revision = sha.group(1) or None, sha.group(2)
    attrs = {
        "change_kind": "argocd-sync",
        "history_id": int(history_id),
        "revision": revision or shown,
        "target_revision": target,
        "repo": repo,
    }
    return Event(
        time=parse_rfc3339(date),
        kind=EventKind.CHANGE,
        source=ArgoCDReader.name,
        origin=ctx.source.origin(line_no),
        message=f"Argo CD sync {history_id} to revision {shown}",
        raw=line,
        attrs={k: v for k, v in attrs.items() if v is not None},
    )


def _synced_resources(result: dict[str, Any]) -> list[str]:
    """`Kind/namespace/name` of what the last sync created or changed (its syncResult)."""
    out = []
    for r in _list(result.get("resources")):
        r = as_dict(r)
        kind, name = as_str(r.get("kind")), as_str(r.get("name"))
        if kind and name:
            out.append(f"{kind}/{as_str(r.get('namespace')) or ''}/{name}")
    return out


def _sync_messages(result: dict[str, Any]) -> list[str]:
    """What the sync said about each resource (`networkpolicy.../default-deny created`), verbatim."""
    return [json_fragment(m) for r in _list(result.get("resources")) if (m := as_str(as_dict(r).get("message")))]
