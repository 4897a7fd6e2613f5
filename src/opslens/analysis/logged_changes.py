"""Changes recorded only in logs: a model server loading another model version, an LLM app
activating another prompt version.

No registry or Git record may be in the input, yet the server said when it swapped what it
serves: Triton `successfully loaded 'ranker_xgb' version 7`, vLLM `Initializing an LLM engine
... model='/mnt/models/support-llm/9'`, BentoML `Model 'churn_clf:7' loaded successfully`, an
app's `activated prompt support_answer version 15`. Each such line (the examples the digest kept
of its template) becomes a dated change of the workload that printed it: `model-load` or
`prompt-version`. Repeats of one line of one swap (each replica logs it) are one change.
"""

from __future__ import annotations

import re

from opslens.analysis.findings import ChangeFinding
from opslens.analysis.hits import SignalHit

#: Signal -> the change kind its lines record.
LOGGED_CHANGE_SIGNALS = {
    "model_version_loaded": "model-load",
    "model_registry_transition": "model-load",
    "prompt_version_activated": "prompt-version",
}
_DIGITS = re.compile(r"\d+")
#: Lines of one swap on several replicas closer than this are one change.
SAME_SWAP_SECONDS = 15 * 60
#: The model (or prompt) and version a line names: Triton `'ranker_xgb' version 7`, MLServer
#: `'m' version '3'`, BentoML `'churn_clf:7'`, vLLM `model='/mnt/models/support-llm/9'`,
#: `prompt support_answer version 15`, `loading: ranker_xgb:7`.
_NAMED = (
    re.compile(r"'(?P<model>[\w.-]+)' version '?(?P<version>[\w.-]+)"),
    re.compile(r"'(?P<model>[\w.-]+):(?P<version>[\w.-]+)'"),
    re.compile(r"model='[^']*?/(?P<model>[\w.-]+)/(?P<version>[\w.-]+)'"),
    re.compile(r"prompt(?: template)? '?(?P<model>[\w./-]+?)'? (?:version|rev|revision) '?(?P<version>[\w.:-]+)"),
    re.compile(r"\b(?P<model>[\w.-]+):(?P<version>\d+)\b"),
)


def logged_changes(hits: list[SignalHit]) -> list[ChangeFinding]:
    """Dated changes from model-load and prompt-activation lines, one per swap and workload."""
    found: list[ChangeFinding] = []
    seen: dict[tuple, float] = {}
    for hit in hits:
        kind = LOGGED_CHANGE_SIGNALS.get(hit.signal)
        if kind is None:
            continue
        for event in sorted(hit.events, key=lambda e: e.time or 0.0):
            if event.time is None:
                continue
            named = next((m for p in _NAMED if (m := p.search(event.message))), None)
            model = named.group("model") if named else None
            version = named.group("version") if named else None
            key = (kind, hit.workload, model, version, _DIGITS.sub("0", event.message))
            if key in seen and abs(event.time - seen[key]) <= SAME_SWAP_SECONDS:
                continue
            seen[key] = event.time
            attrs = {"change_kind": kind, "model": model, "revision": version, "subject": event.message[:200]}
            found.append(ChangeFinding(
                time=event.time, kind=kind, summary=event.message[:200], source=str(event.origin),
                revision=version, entity=hit.workload, files=[model] if model else [],
                event=event._replace(attrs={**(event.attrs or {}), **attrs}),
            ))
    return found
