"""Re-checking model output: proposed commands and cited evidence ids."""

from __future__ import annotations

from opslens.guard import CommandGuard, Label, check_citations, vet_commands


def test_only_read_only_commands_become_checks(guard: CommandGuard) -> None:
    result = vet_commands(
        [
            "kubectl get pods -n prod",
            "kubectl rollout restart deploy/api",
            "",
            "kubectl get secret db -o yaml",
            "kubectl get pods -n prod",
            "mystery --fix",
        ],
        guard=guard,
    )
    checks, avoid = result
    assert [c.cmd for c in checks] == ["kubectl get pods -n prod"]
    assert [(a.cmd, a.classification.label) for a in avoid] == [
        ("kubectl rollout restart deploy/api", Label.MUTATING),
        ("kubectl get secret db -o yaml", Label.SENSITIVE_READ),
        ("mystery --fix", Label.UNKNOWN),
    ]
    assert all(a.classification.reason for a in avoid)


def test_citations_keep_known_ids_and_drop_invented_ones() -> None:
    valid, dropped = check_citations(["E1", "E7", "E2", "E1", " E3 "], ["E1", "E2", "E3"])
    assert valid == ("E1", "E2", "E3")
    assert dropped == ("E7",)
