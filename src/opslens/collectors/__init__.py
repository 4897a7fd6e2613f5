"""Live, read-only collection: fetch what the readers read, from the systems that hold it.

A collector fetches bytes from one kind of source (the Kubernetes API, journalctl, Prometheus,
Alertmanager, Loki, Argo CD) and writes them into a bundle in the native formats, the same
files a person would have saved with kubectl, journalctl or curl. It parses nothing for
analysis: `opslens triage BUNDLE` hands the files to the existing readers.

Every request is a GET, expressed also as its read-only command (`kubectl get ...`,
`curl -sS --get ...`, `journalctl ...`) and labelled by the guard before it runs; a call the
guard does not label `read_only` is refused. Every call has a timeout and an output cap; what
was cut is written to the bundle's `manifest.json`, which triage reports under
`stats.skipped`.
"""

from opslens.collectors.base import CollectContext, Collector, collectors, get_collector, register
from opslens.collectors.bundle import MANIFEST_NAME, Bundle
from opslens.collectors.errors import CollectError
from opslens.collectors.run import SourceOutcome, collect_bundle
from opslens.collectors.settings import CollectSettings, load_settings

__all__ = [
    "MANIFEST_NAME",
    "Bundle",
    "CollectContext",
    "CollectError",
    "CollectSettings",
    "Collector",
    "SourceOutcome",
    "collect_bundle",
    "collectors",
    "get_collector",
    "load_settings",
    "register",
]
