"""Default-deny and preview decisions for the Kubernetes ecosystem CLIs.

Forms and options come from the tools' own source: helm (pkg/cmd, v4; cmd/helm, v3.21),
databus23/helm-diff, argo-cd cmd/argocd/commands, fluxcd/flux2 cmd/flux, velero
pkg/cmd/cli, stern cmd/cmd.go, kubectx/kubens flags.go, k9s cmd/root.go, docker/machine
commands.go, containerd cmd/ctr, skopeo cmd/skopeo. Decisions: rules/README.md.
"""

from __future__ import annotations

import pytest
from guard_helpers import FLAG_NAMES, D, M, R, S, U, undeclared_flag_label
from hypothesis import given, settings
from hypothesis import strategies as st

from opslens.guard import CommandGuard, Label

# (command, expected): read forms with common options, an unknown option, and state changes
TOOLS = {
    "helm": [
        ("helm list -A -o json --kube-context prod", R),
        ("helm ls -aq", R),
        ("helm status web -n prod --show-resources", R),
        ("helm history web --max 5 -o yaml", R),
        ("helm show values bitnami/nginx --version 15.0.0", R),
        ("helm search repo nginx -l --devel", R),
        ("helm get notes web --revision 2", R),
        ("helm lint ./chart --strict -f values.yaml", R),
        ("helm list --bogus", U),
        ("helm status web --purge", U),
        ("helm install web ./chart", M),
        ("helm uninstall web", D),
    ],
    "argocd": [
        ("argocd app get web -o yaml --refresh", R),
        ("argocd app list -p default -o wide", R),
        ("argocd app history web --output wide", R),
        ("argocd app logs web -f --tail 10 -c app", R),
        ("argocd app wait web --health --timeout 60", R),
        ("argocd --grpc-web --server argocd.example.com app list", R),
        ("argocd proj windows list default", R),
        ("argocd app get web --bogus", U),
        ("argocd proj windows delete default 1", M),
        ("argocd app sync web --prune", D),
    ],
    "flux": [
        ("flux get kustomizations -A --status-selector ready=false", R),
        ("flux logs --level error -f --since 5m", R),
        ("flux tree ks flux-system --compact", R),
        ("flux check --pre", R),
        ("flux create source git x --url https://g/x --branch main --export", R),
        ("flux get ks --bogus", U),
        ("flux reconcile kustomization apps --with-source", M),
        ("flux uninstall", D),
    ],
    "velero": [
        ("velero backup get -o json", R),
        ("velero get backups -l app=web", R),
        ("velero backup describe b1 --details --kubecontext prod", R),
        ("velero backup logs b1", R),
        ("velero backup logs b1 --bogus", U),
        ("velero backup download b1", M),
        ("velero backup delete b1", D),
    ],
    "kubectx": [
        ("kubectx", R),
        ("kubectx -c", R),
        ("kubectx --bogus", U),
        ("kubectx prod", M),
        ("kubectx -d prod", M),
        ("kubens -c", R),
        ("kubens", R),
        ("kubens --bogus", U),
        ("kubens kube-system", M),
    ],
    "k9s": [
        ("k9s --readonly -n prod --context prod", R),
        ("k9s version -s", R),
        ("k9s --readonly --bogus", U),
        ("k9s", M),
        ("k9s --readonly --write", M),
    ],
    "stern": [
        ("stern api -n prod --since 10m -o json", R),
        ("stern api --tail 10 -t --context prod -c app", R),
        ("stern api --stdin", U),
        ("stern -p", U),
        ("kubeshark tap", M),
    ],
    "containers": [
        ("docker-machine ls -q", R),
        ("docker-machine inspect web -f '{{.Driver.IPAddress}}'", R),
        ("docker-machine env web --shell bash", R),
        ("docker-machine ls --bogus", U),
        ("docker-machine start web", M),
        ("ctr -n k8s.io images ls -q", R),
        ("ctr snapshots --snapshotter overlayfs ls", R),
        ("ctr containers ls --bogus", U),
        ("ctr snapshots diff a b", M),
        ("ctr images rm nginx", D),
        ("skopeo inspect docker://nginx --raw --creds u:p", R),
        ("skopeo list-tags docker://nginx", R),
        ("skopeo inspect --manifest-digest d.txt docker://nginx", U),
        ("skopeo copy docker://a docker://b", M),
        ("skopeo delete docker://r/x:1", D),
    ],
}

# Point 2 decisions: previews, renders and diffs (see rules/README.md)
DECISIONS = [
    ("helm template web ./chart -f values.yaml --set a=b", R),
    ("helm template web ./chart --output-dir out", M),
    ("helm template web ./chart --dependency-update", M),
    ("helm template web ./chart --post-renderer ./kustomize.sh", U),
    ("helm template web ./chart --dry-run=server", S),
    ("helm install web ./chart --dry-run", R),
    ("helm install web ./chart --dry-run=client -f v.yaml", R),
    ("helm upgrade --install web ./chart -n p --dry-run", R),
    ("helm install web ./chart --dry-run=none", M),
    ("helm install web ./chart --dry-run=false", M),
    ("helm install web ./chart --dry-run=server", S),
    ("helm install web ./chart --dry-run=server --hide-secret", R),
    ("helm install web ./chart --dry-run=server --hide-secret --debug", S),
    ("helm upgrade web ./chart --dry-run --reuse-values", S),
    ("helm install web ./chart --dry-run --post-renderer ./x", U),
    ("helm install web ./chart --dry-run --dependency-update", M),
    ("helm uninstall web --dry-run", R),
    ("helm rollback web 3 --dry-run", R),
    ("helm get values web -a", S),
    ("helm get manifest web", S),
    ("helm get all web", S),
    ("helm env", S),
    ("helm diff upgrade web ./chart -f v.yaml --allow-unreleased", R),
    ("helm diff upgrade web ./chart --show-secrets", S),
    ("helm repo add b https://charts.example.com", M),
    ("helm repo update", M),
    ("helm repo index .", M),
    ("helm registry login r.example.com -u a", M),
    ("helm plugin install https://example.com/p", M),
    ("kubectl create secret generic x --from-file=k=./key.pem --dry-run=client -o yaml", S),
    ("kubectl create secret tls x --cert c.pem --key k.pem --dry-run=client -oyaml", S),
    ("kubectl create secret generic x --from-literal=a=b --dry-run=client", R),
    ("kubectl create secret generic x --from-literal=a=b", M),
    ("argocd app diff web --local ./manifests", R),
    ("argocd app manifests web --source live", R),
    ("argocd app sync web --dry-run", R),
    ("argocd app sync web --dry-run --prune", R),
    ("argocd app sync web --dry-run=false --prune", D),
    ("argocd app sync web --dry-run --preview-changes", U),
    ("argocd account generate-token -a ci", M),
    ("argocd account session-token", S),
    ("argocd admin initial-password -n argocd", S),
    ("argocd login argocd.example.com", M),
    ("argocd context prod", M),
    ("flux diff kustomization apps --path ./apps", S),
    ("flux diff artifact oci://r/x --path ./apps", R),
    ("flux build kustomization apps --path ./apps", R),
    ("flux build artifact --path ./apps -o out.tgz", U),
    ("flux export source git --all", R),
    ("flux export source git --all --with-credentials", S),
    ("flux create secret git x --url ssh://git@g/x --export", S),
    ("flux debug hr podinfo --show-values", S),
    ("flux debug ks podinfo --show-status", R),
    ("velero backup describe b1 --details", R),
    ("velero debug --backup b1", M),
]

_ALL = [case for cases in TOOLS.values() for case in cases] + DECISIONS


@pytest.mark.parametrize(("command", "expected"), _ALL)
def test_k8s_ecosystem_table(guard: CommandGuard, command: str, expected: Label) -> None:
    verdict = guard.classify(command)
    assert verdict.label is expected, verdict.reason


def test_unknown_flag_reason_names_the_command(guard: CommandGuard) -> None:
    assert guard.classify("helm status web --purge").reason == (
        "unknown flag --purge for helm status"
    )


@pytest.mark.parametrize(
    "tool",
    [
        "helm",
        "argocd",
        "flux",
        "velero",
        "kubectx",
        "kubens",
        "k9s",
        "stern",
        "docker-machine",
        "ctr",
        "skopeo",
    ],
)
def test_default_deny_is_on(guard: CommandGuard, tool: str) -> None:
    spec = guard.rules.lookup(tool)
    assert spec is not None and spec.default_deny


READ_FORMS = [
    ("helm", ["list"]),
    ("helm", ["template", "web", "./chart"]),
    ("helm", ["install", "web", "./chart", "--dry-run"]),
    ("argocd", ["app", "get", "web"]),
    ("argocd", ["app", "sync", "web", "--dry-run"]),
    ("flux", ["get", "kustomizations"]),
    ("velero", ["backup", "describe", "b1"]),
    ("stern", ["api"]),
    ("k9s", ["--readonly"]),
    ("skopeo", ["inspect", "docker://nginx"]),
    ("ctr", ["images", "ls"]),
    ("docker-machine", ["ls"]),
]


@settings(max_examples=300, deadline=None)
@given(form=st.sampled_from(READ_FORMS), name=FLAG_NAMES, value=st.booleans())
def test_undeclared_flag_is_never_read_only(
    guard: CommandGuard, form: tuple[str, list[str]], name: str, value: bool
) -> None:
    label = undeclared_flag_label(guard, *form, name, value)
    assert label is None or label is not Label.READ_ONLY
