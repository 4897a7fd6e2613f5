"""The failure-signature library (`analysis/knowledge/signatures/*.yaml`) is well-formed data.

Every signature names a taxonomy category, compiles, matches its own examples, misses its
near-misses, and no example of one category is claimed by a stronger signature of another.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import pytest
import yaml

CATEGORIES = {
    "bad-deploy", "config-error", "oom", "image-pull", "db-connectivity", "dependency-outage",
    "dns-failure", "cert-expiry", "disk-pressure", "node-failure", "scheduling", "probe-misconfig",
    "resource-exhaustion-cpu", "rate-limit", "network-policy", "crash-bug", "secret-missing",
    "model-regression", "feature-pipeline", "model-drift",
}  # fmt: skip
REQUIRED = {"id", "component", "category", "role", "strength", "text", "examples", "refs"}
OPTIONAL = {"reasons", "near_misses", "explains"}


def _files() -> list[Path]:
    root = resources.files("opslens.analysis.knowledge").joinpath("signatures")
    return sorted(Path(str(root)).glob("*.yaml"))


def _signatures() -> list[tuple[str, dict]]:
    out = []
    for path in _files():
        for item in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            out.append((path.name, item))
    return out


SIGNATURES = _signatures()


def _compiled(sig: dict) -> list[re.Pattern[str]]:
    return [re.compile(p, re.I) for p in sig["text"]]


def test_there_are_signature_files() -> None:
    assert _files(), "no signature files"


@pytest.mark.parametrize(("file", "sig"), SIGNATURES, ids=[s.get("id", "?") for _, s in SIGNATURES])
def test_signature_is_well_formed(file: str, sig: dict) -> None:
    assert isinstance(sig, dict), f"{file}: item is not a mapping"
    missing = REQUIRED - sig.keys()
    assert not missing, f"{file}: {sig.get('id')}: missing {sorted(missing)}"
    unknown = sig.keys() - REQUIRED - OPTIONAL
    assert not unknown, f"{file}: {sig['id']}: unknown keys {sorted(unknown)}"
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", sig["id"]), sig["id"]
    assert sig["category"] in CATEGORIES, sig["category"]
    assert sig["role"] in ("cause", "symptom")
    assert 0.0 < float(sig["strength"]) <= 1.0
    assert sig["text"] and all(isinstance(p, str) for p in sig["text"])
    assert 1 <= len(sig["examples"]) <= 5
    assert sig["refs"] and all(str(r).startswith(("http://", "https://")) for r in sig["refs"])
    for other in sig.get("explains") or []:
        assert other in CATEGORIES, other


@pytest.mark.parametrize(("file", "sig"), SIGNATURES, ids=[s.get("id", "?") for _, s in SIGNATURES])
def test_examples_match_and_near_misses_do_not(file: str, sig: dict) -> None:
    patterns = _compiled(sig)
    for example in sig["examples"]:
        assert any(p.search(example) for p in patterns), f"{sig['id']}: example not matched: {example}"
    for line in sig.get("near_misses") or []:
        assert not any(p.search(line) for p in patterns), f"{sig['id']}: near miss matched: {line}"


def test_ids_are_unique() -> None:
    ids = [s["id"] for _, s in SIGNATURES]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})


def test_no_stronger_signature_of_another_category_claims_an_example() -> None:
    compiled = [(s, _compiled(s)) for _, s in SIGNATURES]
    clashes = []
    for sig, _ in compiled:
        for example in sig["examples"]:
            for other, patterns in compiled:
                if other["category"] == sig["category"] or other["id"] == sig["id"]:
                    continue
                if sig["category"] in (other.get("explains") or []) or other["category"] in (sig.get("explains") or []):
                    continue
                if float(other["strength"]) > float(sig["strength"]) and any(p.search(example) for p in patterns):
                    clashes.append(f"{sig['id']} example claimed by {other['id']}: {example[:80]}")
    assert not clashes, "\n".join(clashes)
