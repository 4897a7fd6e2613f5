"""deploy/: the kustomize base validates against the Kubernetes schemas of a pinned version
(`kubernetes-validate`, no cluster and no kustomize needed), the collectors' ClusterRole is
read-only on exactly the resources they read, and the snippets parse."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

kubernetes_validate = pytest.importorskip("kubernetes_validate")

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
BASE = DEPLOY / "kubernetes" / "base"
#: The Kubernetes version the manifests are checked against (oldest we support).
KUBERNETES_VERSION = "1.30.0"

READ_VERBS = {"get", "list", "watch"}
COLLECTED = {
    "events", "pods", "pods/log", "nodes",
    "deployments", "replicasets", "statefulsets", "daemonsets",
}


def _kustomization() -> dict[str, Any]:
    return yaml.safe_load((BASE / "kustomization.yaml").read_text(encoding="utf-8"))


def _documents() -> list[dict[str, Any]]:
    docs: list[dict[str, Any]] = []
    for name in _kustomization()["resources"]:
        text = (BASE / name).read_text(encoding="utf-8")
        docs += [d for d in yaml.safe_load_all(text) if d]
    return docs


def _by_kind(kind: str) -> list[dict[str, Any]]:
    return [d for d in _documents() if d["kind"] == kind]


def test_every_resource_of_the_base_exists() -> None:
    for name in _kustomization()["resources"]:
        assert (BASE / name).is_file(), name
    kinds = {d["kind"] for d in _documents()}
    assert {"Deployment", "Service", "ConfigMap", "ServiceAccount", "ClusterRole",
            "ClusterRoleBinding"} <= kinds


@pytest.mark.parametrize("strict", [False, True])
def test_manifests_validate_against_pinned_kubernetes(strict: bool) -> None:
    from kubernetes_validate.utils import validate

    for doc in _documents():
        try:
            validate(doc, KUBERNETES_VERSION, strict=strict)
        except Exception as exc:  # ValidationError carries the path and reason
            pytest.fail(f"{doc['kind']}/{doc['metadata']['name']}: {exc}")


def test_an_invalid_manifest_is_rejected() -> None:
    """The validator really checks: a typo in a Deployment field fails in strict mode."""
    from kubernetes_validate.utils import ValidationError, validate

    deployment = _by_kind("Deployment")[0]
    broken = {**deployment, "spec": {**deployment["spec"], "replica": 2}}
    with pytest.raises(ValidationError):
        validate(broken, KUBERNETES_VERSION, strict=True)


def test_cluster_role_is_read_only_on_exactly_the_collected_resources() -> None:
    (role,) = _by_kind("ClusterRole")
    granted: set[str] = set()
    for rule in role["rules"]:
        assert set(rule["verbs"]) == READ_VERBS, rule
        assert "*" not in rule["resources"] and "*" not in rule.get("apiGroups", [])
        assert not rule.get("resourceNames") and not rule.get("nonResourceURLs")
        granted |= set(rule["resources"])
    assert granted == COLLECTED
    (binding,) = _by_kind("ClusterRoleBinding")
    (account,) = _by_kind("ServiceAccount")
    assert binding["roleRef"] == {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole",
                                  "name": role["metadata"]["name"]}
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": account["metadata"]["name"],
                                    "namespace": account["metadata"]["namespace"]}]


def test_deployment_probes_secrets_and_service_account() -> None:
    (deployment,) = _by_kind("Deployment")
    pod = deployment["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert pod["serviceAccountName"] == _by_kind("ServiceAccount")[0]["metadata"]["name"]
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    secret_env = {
        e["name"]: e["valueFrom"]["secretKeyRef"] for e in container["env"] if "valueFrom" in e
    }
    assert {"OPSLENS_API_TOKEN", "OPSLENS_DATABASE_URL"} <= set(secret_env)
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert container["securityContext"]["allowPrivilegeEscalation"] is False
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    (service,) = _by_kind("Service")
    assert service["spec"]["selector"].items() <= labels.items()


def test_configmap_config_is_valid_server_settings() -> None:
    settings_module = pytest.importorskip("opslens.server.settings")
    (config_map,) = _by_kind("ConfigMap")
    config = tomllib.loads(config_map["data"]["config.toml"])
    settings_module.ServerSettings.model_validate(config["server"])


def test_alertmanager_receiver_sends_a_bearer_token_to_the_webhook() -> None:
    snippet = yaml.safe_load((DEPLOY / "alertmanager" / "receiver.yaml").read_text())
    (receiver,) = snippet["receivers"]
    (hook,) = receiver["webhook_configs"]
    assert hook["url"].endswith("/api/v1/alerts/alertmanager")
    assert hook["send_resolved"] is True
    auth = hook["http_config"]["authorization"]
    assert auth["type"] == "Bearer" and ("credentials" in auth or "credentials_file" in auth)


def test_compose_runs_ollama_open_webui_and_opslens() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    assert {"ollama", "open-webui", "opslens"} <= set(services)
    assert services["opslens"]["build"]["dockerfile"] == "deploy/Dockerfile"
    assert services["open-webui"]["environment"]["OPENAI_API_BASE_URL"].startswith(
        "http://opslens:8080/"
    )
    for service in services.values():  # the lab publishes on loopback only
        assert all(str(p).startswith("127.0.0.1:") for p in service.get("ports", []))
