"""The ClusterRole in deploy/ grants exactly what the Kubernetes collector reads."""

from __future__ import annotations

from pathlib import Path

import yaml

from opslens.collectors.kubernetes import NAMESPACED, NODES

ROLE = Path(__file__).resolve().parents[2] / "deploy" / "kubernetes" / "base" / "clusterrole.yaml"


def test_the_read_only_cluster_role_covers_every_collected_kind_and_nothing_more() -> None:
    role = yaml.safe_load(ROLE.read_text())
    granted = {(group, resource) for rule in role["rules"] for group in rule["apiGroups"] for resource in rule["resources"]}
    assert all(set(rule["verbs"]) == {"get", "list", "watch"} for rule in role["rules"])
    read = {(res.group, res.plural) for res in (*NAMESPACED, NODES)} | {("", "pods/log")}
    assert granted == read
