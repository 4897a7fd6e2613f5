"""Generate tests/guard/corpus/secrets-documented.jsonl from documented secret formats.

Run from the repository root:  .venv/bin/python bench/make_secret_corpus.py [--seed N]

The formats are data (bench/secret_formats/*.yaml): the gitleaks default rule set, the
detect-secrets plugins, vendors' documented token shapes, structural secrets (headers, URLs,
connection strings, PEM, Kubernetes Secret data) and decoys. Each row has the schema of
../shared/data/secrets-dev.jsonl (id, line, secrets, keep, kind, style) plus `source`, so
bench/guard.py scores it the same way. Values are random draws of each format's documented
alphabet and length, seeded, so the file is reproducible and holds no real credential.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _regex_sample import RegexSampler  # noqa: E402
from _secret_values import GENERATORS, STYLES, envelope, fillers  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
FORMATS = ROOT / "bench" / "secret_formats"
OUTPUT = ROOT / "tests" / "guard" / "corpus" / "secrets-documented.jsonl"
PLACEHOLDER = re.compile(r"%(v\d?|K|k|p|uuid\d?|ip|n|sha|hex32|hex64|acct)%")
ROWS = {"prefixed": 5, "keyed": 5, "structural": 8, "decoy": 12}


def _load(name: str):
    return yaml.safe_load((FORMATS / name).read_text(encoding="utf-8"))


def load_formats() -> list[dict]:
    """Every format entry, tagged with its `shape` (prefixed, keyed, structural, decoy)."""
    entries = []
    for entry in _load("gitleaks.yaml"):
        entries.append(dict(entry))
    for entry in _load("structural.yaml"):
        entries.append({"shape": "structural", **entry})
    for entry in _load("decoys.yaml"):
        entries.append({"shape": "decoy", **entry})
    return entries


class CorpusBuilder:
    """Turn format entries into scored rows (one seeded random stream for the whole file)."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.sampler = RegexSampler(self.rng)
        self.contexts = _load("contexts.yaml")

    def draw(self, spec: str) -> str:
        """One value for a placeholder: `@generator` or a regex to sample."""
        if spec.startswith("@"):
            return GENERATORS[spec[1:]](self.rng)
        return self.sampler.sample(spec)

    def templates(self, entry: dict) -> list[dict]:
        shape = entry["shape"]
        if shape in ("prefixed", "keyed"):
            pool = self.contexts[shape]
            return self.rng.sample(pool, min(ROWS[shape], len(pool)))
        return entry["templates"]

    def rows_for(self, entry: dict) -> list[dict]:
        """All rows of one format (none for `not_covered` / `see` entries)."""
        if "shape" not in entry:
            return []
        templates = self.templates(entry)
        return [
            self.row(entry, templates[index % len(templates)])
            for index in range(ROWS[entry["shape"]])
        ]

    def row(self, entry: dict, template: dict) -> dict:
        """Build one row; retry with other styles and values until every check holds."""
        for _attempt in range(20):
            built = self._try_row(entry, template)
            if built is not None:
                return built
        raise RuntimeError(f"cannot build a valid row for {entry['id']}: {template['t']!r}")

    def _try_row(self, entry: dict, template: dict) -> dict | None:
        specs = entry.get("values") or {"v": entry["value"]}
        var = entry.get("var", entry["id"].upper().replace("-", "_"))
        fill = fillers(self.rng) | {"K": var, "k": var.lower(), "p": entry["id"].split("-")[0]}
        drawn: dict[str, str] = {}

        def substitute(match: re.Match[str]) -> str:
            name = match.group(1)
            if not name.startswith("v"):
                return fill[name]
            if name not in drawn:
                drawn[name] = self.draw(specs[name])
            return drawn[name]

        message = PLACEHOLDER.sub(substitute, template.get("prefix", "") + template["t"])
        keeps = [PLACEHOLDER.sub(substitute, keep) for keep in template.get("keep", [])]
        values = list(dict.fromkeys(drawn.values()))
        decoy = entry["shape"] == "decoy"
        styles = list(template.get("styles", STYLES))
        self.rng.shuffle(styles)
        for style in styles:
            line, own_keeps = envelope(style, message, self.rng)
            secrets = [] if decoy else values
            keep = list(dict.fromkeys(keeps + own_keeps + (values if decoy else [])))
            if _valid(line, secrets, keep):
                kind = f"decoy:{entry['id']}" if decoy else entry["id"]
                return {
                    "line": line,
                    "secrets": secrets,
                    "keep": keep,
                    "kind": kind,
                    "style": style,
                    "source": entry["source"],
                }
        return None


def _valid(line: str, secrets: list[str], keep: list[str]) -> bool:
    """Secrets and keeps occur verbatim, and no keep survives only inside a secret."""
    if not all(secret in line for secret in secrets):
        return False
    masked = line
    for secret in sorted(secrets, key=len, reverse=True):
        masked = masked.replace(secret, "\x00")
    return all(item in masked for item in keep) and all(
        item not in secret and secret not in item for item in keep for secret in secrets
    )


def build(seed: int) -> list[dict]:
    """The whole corpus, rows numbered in format order."""
    builder = CorpusBuilder(seed)
    rows = [row for entry in load_formats() for row in builder.rows_for(entry)]
    return [{"id": f"sec-doc-{index:04d}", **row} for index, row in enumerate(rows, start=1)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    rows = build(args.seed)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    with args.output.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    decoys = sum(row["kind"].startswith("decoy:") for row in rows)
    print(f"wrote {args.output}: {len(rows) - decoys} secret rows, {decoys} decoy rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
