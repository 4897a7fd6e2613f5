"""Held-out incident variants: synthetic bundles in native formats, with truth and paste.

`build_all(out_dir)` writes one directory per variant (k8s-events.json, pods/*.log,
journal.jsonl, alerts.json, metrics.json, change records, rollout-history.txt) plus
`<name>.truth.json`, `<name>.paste.txt` and a manifest.json beside them. Everything is
generated from a seed derived from the variant name, so every run writes the same bytes.
"""

from __future__ import annotations

import json
from pathlib import Path

from bench.variants import (  # noqa: F401  (modules register their variants on import)
    v_capacity,
    v_config,
    v_crash,
    v_data,
    v_deploy,
    v_dns,
    v_images,
    v_llmapps,
    v_memory,
    v_mlfeatures,
    v_mlfresh,
    v_mlops,
    v_nodes,
    v_runtime,
    v_tls,
    v_upstream,
)
from bench.variants.bundle import Bundle
from bench.variants.registry import VARIANTS, Spec

__all__ = ["build_all", "build_one", "VARIANTS"]


def build_one(spec: Spec, out_dir: Path) -> Path:
    """Build and write one variant; returns its bundle directory."""
    b = Bundle(spec.name, spec.category, spec.platform, spec.onset)
    b.stack = spec.stack
    b.change_record = spec.change_record
    spec.build(b)
    return b.write(out_dir)


def build_all(out_dir: Path) -> list[Path]:
    """Write every registered variant under `out_dir` and a manifest.json; returns bundle dirs."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths, entries = [], []
    for spec in sorted(VARIANTS, key=lambda s: s.name):
        path = build_one(spec, out_dir)
        paths.append(path)
        files = [p for p in sorted(path.rglob("*")) if p.is_file()]
        entries.append({
            "scenario": spec.name, "template": f"{spec.category}/{spec.name}", "category": spec.category,
            "stack": spec.stack, "cluster": spec.platform, "change_record": spec.change_record,
            "hidden_in": spec.hidden_in, "files": len(files),
            "log_lines": sum(p.read_text().count("\n") for p in files),
            "bytes": sum(p.stat().st_size for p in files),
        })
    manifest = {"set": "variants-heldout", "scenarios": entries,
                "total_bytes": sum(e["bytes"] for e in entries), "generator": "bench/variants"}
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return paths
