"""Reconcile the tldr-derived guard corpus with the project's labelling policy.

The labellers of tests/guard/corpus/tldr-*.jsonl wrote their gold from the tldr descriptions
alone. For a few classes their judgement differs from the policy the project's reference
corpus (../shared/data/commands-dev.jsonl) already fixes; those rows are relabelled here, by
class, never by row, and keep their first label in `label_as_written` with the class in
`policy`. Run after regenerating the corpus:  python bench/tldr_policy.py

Classes (each with the reference rows that fix it):
- `exec` of a read command in a container (`docker exec -d web ls`, `kubectl exec POD -- ls`):
  read_only; the inner command decides (commands-dev: `docker exec --detach web ls -la /app`).
  An interactive shell stays what the shell handler says.
- full `docker|crictl|docker-machine inspect`, `docker service inspect`: read_only
  (commands-dev: `docker inspect`, `docker container inspect ...`, `docker service inspect`).
- `top` (interactive, kill/renice keys need a person): read_only (commands-dev: `top -i`).
- `helm install|upgrade --dry-run` (client): read_only (commands-dev: both).
- `terraform console`: read_only (commands-dev: `terraform console -plan`).
- `systemctl show-environment`: read_only (commands-dev).
- `openssl passwd`, `openssl s_client`: read_only (commands-dev: both).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "guard" / "corpus"

POLICY: list[tuple[str, re.Pattern[str], str]] = [
    ("exec-read-command", re.compile(r"^(?:docker|podman) (?:container )?exec (?!.*\b(?:sh|bash|zsh)\b)(?:-[-\w=/]+ (?:\S+ )?)*\S+ (?:ls|cat)\b|^kubectl exec \S+ -- (?:ls|cat)\b"), "read_only"),
    ("inspect", re.compile(r"^(?:docker (?:container |service )?|crictl |docker-machine )inspect\b"), "read_only"),
    ("top", re.compile(r"^top\b|^ssh \S+ -t top$"), "read_only"),
    ("helm-dry-run", re.compile(r"^helm (?:install|upgrade) .*--dry-run(?:=client)?(?:\s|$)"), "read_only"),
    ("terraform-console", re.compile(r"^terraform console\b"), "read_only"),
    ("systemctl-show-environment", re.compile(r"^systemctl show-environment\b"), "read_only"),
    ("openssl-passwd-s_client", re.compile(r"(?:^|\| )openssl (?:passwd|s_client)\b"), "read_only"),
]


def reconcile(row: dict) -> dict:
    """The row under the project's policy (unchanged when no class applies)."""
    original = row.get("label_as_written", row["label"])
    for name, pattern, label in POLICY:
        if pattern.search(row["cmd"]) and original != label:
            return {**row, "label": label, "label_as_written": original, "policy": name}
    return row


def main() -> None:
    for path in sorted(CORPUS.glob("tldr-*.jsonl")):
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        out = [reconcile(r) for r in rows]
        changed = sum(r.get("policy") is not None for r in out)
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in out), encoding="utf-8")
        print(f"{path.name}: {len(out)} rows, {changed} under a project-policy class")


if __name__ == "__main__":
    main()
