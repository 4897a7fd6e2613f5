"""Default-deny for the last Kubernetes-side groups (issue 11): cluster lifecycle tools
(kubeadm, k3s, k3d, kops, skaffold, microk8s), CNI CLIs (cilium, cilium-dbg, hubble,
calicoctl, consul-k8s), scanners (kubeconform, kubeval, popeye, grype, syft) and registry
tools (regctl, notation, dive).

Forms and options come from each tool's reference, named in the rule files
(kubernetes-clusters.yaml, kubernetes-networking.yaml, kubernetes-scanners.yaml,
containers.yaml). Decisions: rules/README.md, "Cluster lifecycle, CNI, scanner and registry
leftovers".
"""

from __future__ import annotations

import pytest
from guard_helpers import FLAG_NAMES, D, M, R, S, U, undeclared_flag_label
from hypothesis import given, settings
from hypothesis import strategies as st

from opslens.guard import CommandGuard, Label

# (command, expected) per tool: reads with documented options, an unvetted option, changes
TOOLS: dict[str, list[tuple[str, Label]]] = {
    "kubeadm": [
        ("kubeadm certs check-expiration", R),
        ("kubeadm certs check-expiration -o json --cert-dir /etc/kubernetes/pki", R),
        ("kubeadm certs check-expiration --bogus", U),
        ("kubeadm certs renew all", M),
        ("kubeadm reset -f", D),
        ("kubeadm reset", D),
        ("kubeadm token list", S),
        ("kubeadm token list -o yaml", S),
        ("kubeadm token create --print-join-command", M),
        ("kubeadm token create --ttl 2h --print-join-command", M),
        ("kubeadm token delete abcdef", D),
        ("kubeadm token generate", R),
        ("kubeadm config print init-defaults", R),
        ("kubeadm config print join-defaults --component-configs KubeletConfiguration", R),
        ("kubeadm config images list --kubernetes-version v1.30.0", R),
        ("kubeadm config images pull", M),
        ("kubeadm config migrate --old-config old.yaml", R),
        ("kubeadm config migrate --old-config old.yaml --new-config new.yaml", M),
        ("kubeadm upgrade plan", R),
        ("kubeadm upgrade plan -o json --config kubeadm.yaml", R),
        ("kubeadm upgrade plan --ignore-preflight-errors all --bogus", U),
        ("kubeadm upgrade apply v1.30.0", M),
        ("kubeadm upgrade apply v1.30.0 --dry-run", R),
        ("kubeadm upgrade node", M),
        ("kubeadm kubeconfig user --client-name bob", M),
        ("kubeadm init --pod-network-cidr 10.244.0.0/16", M),
        ("kubeadm join 10.0.0.10:6443 --token x --discovery-token-ca-cert-hash sha256:ab", M),
        ("kubeadm version -o short", R),
        ("kubeadm frobnicate", U),
    ],
    "k3s": [
        ("k3s check-config", R),
        ("k3s kubectl get pods -A", R),
        ("k3s kubectl delete pod web-1", D),
        ("k3s kubectl get secret db -o yaml", S),
        ("k3s kubectl --kubeconfig x get pods", U),
        ("k3s crictl ps -a", R),
        ("k3s crictl rmi --prune", D),
        ("k3s ctr images ls", R),
        ("k3s etcd-snapshot ls", R),
        ("k3s etcd-snapshot save", M),
        ("k3s etcd-snapshot delete snap-1", D),
        ("k3s token list", S),
        ("k3s token create", M),
        ("k3s certificate check -o table", R),
        ("k3s certificate rotate", M),
        ("k3s secrets-encrypt status", R),
        ("k3s secrets-encrypt rotate-keys", M),
        ("k3s server --cluster-init", M),
        ("k3s check-config --bogus", U),
    ],
    "k3d": [
        ("k3d cluster list", R),
        ("k3d cluster list -o json --no-headers", R),
        ("k3d cluster list --token", S),
        ("k3d node list", R),
        ("k3d kubeconfig get dev", S),
        ("k3d kubeconfig merge dev", M),
        ("k3d cluster create dev", M),
        ("k3d cluster delete dev", D),
        ("k3d image import app:1 -c dev", M),
        ("k3d version", R),
        ("k3d cluster list --bogus", U),
    ],
    "kops": [
        ("kops get clusters", R),
        ("kops get instancegroups --name c.example.com -o yaml", R),
        ("kops get secrets", S),
        ("kops get assets --copy", M),
        ("kops validate cluster", R),
        ("kops validate cluster --wait 10m --count 3", R),
        ("kops update cluster", R),
        ("kops update cluster --name c.example.com --yes", M),
        ("kops rolling-update cluster", R),
        ("kops rolling-update cluster --yes", M),
        ("kops export kubeconfig --admin", M),
        ("kops create cluster --zones us-east-1a", M),
        ("kops delete cluster --name c.example.com --yes", D),
        ("kops get clusters --bogus", U),
    ],
    "skaffold": [
        ("skaffold diagnose", R),
        ("skaffold diagnose --yaml-only -p dev", R),
        ("skaffold diagnose -o report.txt", M),
        ("skaffold render", R),
        ("skaffold render --digest-source=remote -p prod --offline", R),
        ("skaffold render -o rendered.yaml", M),
        ("skaffold render --digest-source local", M),
        ("skaffold render --hydration-dir /tmp/h", U),
        ("skaffold dev", M),
        ("skaffold run -p prod", M),
        ("skaffold delete", D),
        ("skaffold config list -a", R),
        ("skaffold config set default-repo gcr.io/x", M),
        ("skaffold version", R),
    ],
    "microk8s": [
        ("microk8s status --wait-ready", R),
        ("microk8s kubectl get nodes", R),
        ("microk8s kubectl apply -f app.yaml", M),
        ("microk8s helm list -A", R),
        ("microk8s config", S),
        ("microk8s inspect", M),
        ("microk8s enable dns", M),
        ("microk8s reset", D),
        ("microk8s status --bogus", U),
    ],
    "residual-lifecycle": [
        ("tilt get uiresources", R),
        ("talosctl version", R),
        ("clusterctl describe cluster dev", R),
        ("vcluster list --output json", U),
        ("garden dashboard", M),
        ("kapp deploy -a app -f .", M),
        ("clusterctl move --to-kubeconfig x --dry-run", U),
        ("talosctl reset", D),
    ],
    "cilium": [
        ("cilium status", R),
        ("cilium status --wait --wait-duration 5m -o json", R),
        ("cilium status --bogus", U),
        ("cilium connectivity test", M),
        ("cilium connectivity perf", M),
        ("cilium version --client", R),
        ("cilium clustermesh status --wait", R),
        ("cilium clustermesh enable", M),
        ("cilium hubble port-forward", R),
        ("cilium hubble enable --ui", M),
        ("cilium install --dry-run-helm-values", R),
        ("cilium install --dry-run", S),
        ("cilium install --set kubeProxyReplacement=true", M),
        ("cilium uninstall", D),
        ("cilium sysdump", M),
        ("cilium endpoint list", R),
        ("cilium bpf lb list", R),
        ("cilium config view", R),
        ("cilium config set debug true", M),
    ],
    "cilium-dbg": [
        ("cilium-dbg status --verbose", R),
        ("cilium-dbg endpoint list -o json", R),
        ("cilium-dbg service list", R),
        ("cilium-dbg bpf ct list global", R),
        ("cilium-dbg bpf ct flush global", D),
        ("cilium-dbg monitor -t drop", R),
        ("cilium-dbg policy get", R),
        ("cilium-dbg policy import p.json", M),
        ("cilium-dbg config", R),
        ("cilium-dbg config PolicyEnforcement=always", M),
        ("cilium-dbg debuginfo -f out.md", M),
        ("cilium-dbg endpoint regenerate 123", M),
        ("cilium-dbg status --bogus", U),
    ],
    "hubble": [
        ("hubble observe", R),
        ("hubble observe --follow -n prod --verdict DROPPED -o json", R),
        ("hubble observe flows --last 100 --pod web", R),
        ("hubble observe --bogus", U),
        ("hubble status -P", R),
        ("hubble list nodes", R),
        ("hubble config view", R),
        ("hubble config set server relay:443", M),
        ("hubble record 'x'", M),
    ],
    "calicoctl": [
        ("calicoctl get nodes", R),
        ("calicoctl get networkpolicy -A -o yaml", R),
        ("kubectl-calico get ippool -o wide", R),
        ("calicoctl get nodes --bogus", U),
        ("calicoctl apply -f policy.yaml", M),
        ("calicoctl delete networkpolicy p1", D),
        ("calicoctl ipam show --show-blocks", R),
        ("calicoctl ipam check -o report.json", M),
        ("calicoctl ipam release --ip 10.0.0.1", M),
        ("calicoctl node status", R),
        ("calicoctl node diags", M),
        ("calicoctl version", R),
    ],
    "consul-k8s": [
        ("consul-k8s status", R),
        ("consul-k8s proxy list -n consul", R),
        ("consul-k8s proxy read web-1 -namespace default", R),
        ("consul-k8s proxy log web-1 -update-level debug", M),
        ("consul-k8s install -dry-run", R),
        ("consul-k8s install -config-file values.yaml", M),
        ("consul-k8s uninstall", D),
        ("consul-k8s status -bogus", U),
    ],
    "scanners": [
        ("kubeconform -summary -strict manifests/", R),
        ("kubeconform -kubernetes-version 1.29.0 -output json -ignore-missing-schemas x.yaml", R),
        ("kubeconform -cache /tmp/c x.yaml", U),
        ("kubeval --strict -d manifests", R),
        ("kubeval -o json x.yaml", R),
        ("kubeval --bogus x.yaml", U),
        ("popeye", R),
        ("popeye -A -o json", R),
        ("popeye -n prod -s po,svc --min-score 80", R),
        ("popeye --save", M),
        ("popeye --output-file report.html -o html", M),
        ("popeye --push-gtwy-url http://gw:9091", M),
        ("popeye --log-file /tmp/p.log", U),
        ("popeye version", R),
        ("grype nginx:1.25", R),
        ("grype nginx:1.25 -o json --only-fixed --fail-on high", R),
        ("grype nginx --file report.json", M),
        ("grype nginx -o json=report.json", M),
        ("grype db status", R),
        ("grype db update", M),
        ("grype nginx --bogus", U),
        ("syft nginx:1.25", R),
        ("syft scan dir:. -o spdx-json --scope all-layers", R),
        ("syft nginx -o spdx-json=sbom.json", M),
        ("syft nginx --file sbom.txt", M),
        ("syft attest --key cosign.key nginx", M),
        ("syft cataloger list", R),
        ("syft nginx --bogus", U),
    ],
    "registry": [
        ("regctl tag ls ghcr.io/org/app", R),
        ("regctl tag ls ghcr.io/org/app --format '{{json .}}'", R),
        ("regctl tag delete ghcr.io/org/app:old", D),
        ("regctl manifest get ghcr.io/org/app:1 --platform linux/amd64", R),
        ("regctl manifest put ghcr.io/org/app:1", M),
        ("regctl image digest ghcr.io/org/app:1", R),
        ("regctl image copy a:1 b:1", M),
        ("regctl image export a:1 a.tar", M),
        ("regctl registry config", S),
        ("regctl registry login ghcr.io", M),
        ("regctl tag ls x --bogus", U),
        ("notation ls ghcr.io/org/app:1", R),
        ("notation inspect ghcr.io/org/app:1 -o json", R),
        ("notation verify ghcr.io/org/app@sha256:ab --scope ghcr.io/org/app", R),
        ("notation verify x --plugin-config k=v", U),
        ("notation sign ghcr.io/org/app:1", M),
        ("notation cert list", R),
        ("notation cert delete --all", D),
        ("notation login ghcr.io", M),
        ("dive nginx:latest", R),
        ("dive nginx:latest --ci --lowestEfficiency 0.9", R),
        ("dive nginx --json analysis.json", M),
        ("dive build -t app .", M),
        ("dive nginx --bogus", U),
    ],
    "kubetail-residual": [
        ("kube-score score deploy.yaml", R),
        ("kube-score score deploy.yaml --output-format ci", U),
        ("kompose convert -f compose.yaml", M),
        ("polaris dashboard", M),
        ("kubeaudit autofix -f x.yaml", M),
        ("kubeshark version", R),
        ("kubeshark tap", M),
    ],
}

_ALL = [pytest.param(cmd, lab, id=cmd) for rows in TOOLS.values() for cmd, lab in rows]


@pytest.mark.parametrize(("command", "expected"), _ALL)
def test_k8s_leftovers_table(guard: CommandGuard, command: str, expected: Label) -> None:
    verdict = guard.classify(command)
    assert verdict.label is expected, verdict.reason


SWITCHED = [
    "kubeadm", "k3s", "k3d", "kops", "skaffold", "microk8s", "tilt", "talosctl", "cilium",
    "cilium-dbg", "hubble", "calicoctl", "kubectl-calico", "consul-k8s", "kubeconform",
    "kubeval", "popeye", "grype", "syft", "regctl", "notation", "dive", "kubetail",
    "kubeshark",
]  # fmt: skip


@pytest.mark.parametrize("tool", SWITCHED)
def test_default_deny_is_on(guard: CommandGuard, tool: str) -> None:
    spec = guard.rules.lookup(tool)
    assert spec is not None and spec.default_deny


def test_unknown_flag_reason_names_the_command(guard: CommandGuard) -> None:
    assert guard.classify("kubeadm upgrade plan --bogus").reason == (
        "unknown flag --bogus for kubeadm upgrade plan"
    )


READ_FORMS = [
    ("kubeadm", ["certs", "check-expiration"]),
    ("kubeadm", ["upgrade", "plan"]),
    ("kubeadm", ["config", "print", "init-defaults"]),
    ("k3s", ["check-config"]),
    ("k3d", ["cluster", "list"]),
    ("kops", ["validate", "cluster"]),
    ("kops", ["update", "cluster"]),
    ("skaffold", ["render"]),
    ("skaffold", ["diagnose"]),
    ("microk8s", ["status"]),
    ("cilium", ["status"]),
    ("cilium-dbg", ["endpoint", "list"]),
    ("hubble", ["observe"]),
    ("calicoctl", ["get", "nodes"]),
    ("consul-k8s", ["proxy", "list"]),
    ("popeye", []),
    ("grype", ["nginx"]),
    ("syft", ["nginx"]),
    ("kubeval", ["x.yaml"]),
    ("regctl", ["tag", "ls", "x"]),
    ("notation", ["verify", "x"]),
    ("dive", ["nginx"]),
]


@settings(max_examples=300, deadline=None)
@given(form=st.sampled_from(READ_FORMS), name=FLAG_NAMES, value=st.booleans())
def test_undeclared_flag_is_never_read_only(
    guard: CommandGuard, form: tuple[str, list[str]], name: str, value: bool
) -> None:
    label = undeclared_flag_label(guard, *form, name, value)
    assert label is None or label not in (Label.READ_ONLY, Label.SENSITIVE_READ)
