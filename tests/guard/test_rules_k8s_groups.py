"""Default-deny rules of the Kubernetes/container tool groups split in issue 11.

istioctl, linkerd, kind, minikube, eksctl, helmfile, trivy, kustomize (kubernetes.yaml) and
crane, oras, cosign (containers.yaml): documented read forms with common options are
read_only, an option that is not listed is unknown, and each decision written down in
rules/README.md ("Mesh, cluster, scanner and registry tools") holds.
"""

from __future__ import annotations

import pytest
from guard_helpers import D, M, R, S, U

from opslens.guard import CommandGuard
from opslens.guard.labels import Label

# read forms with the options their reference documents
READ_FORMS = [
    "istioctl analyze -A --output yaml",
    "istioctl proxy-status -r canary",
    "istioctl proxy-config cluster productpage-v1-6b746f74dc-9stvs.default -o json",
    "istioctl pc listeners deploy/web --port 8080 --direction INBOUND",
    "istioctl version --remote=false -o json",
    "istioctl -n prod x describe pod web-1",
    "istioctl manifest generate --set profile=demo",
    "istioctl kube-inject -f deployment.yaml",
    "istioctl verify-install -f istio.yaml",
    "linkerd check --pre --linkerd-namespace test",
    "linkerd check --proxy -n app -o json",
    "linkerd viz stat deploy -n emojivoto -t 1m",
    "linkerd viz tap deploy/web --to deploy/db --path /api",
    "linkerd diagnostics proxy-metrics -n app po/web-1",
    "linkerd version --client --short",
    "linkerd identity -n app -l app=web",
    "kind get clusters",
    "kind get nodes --name dev -v 3",
    "kind version",
    "minikube status -o json",
    "minikube -p dev ip",
    "minikube profile list -o json",
    "minikube logs --problems -n 50",
    "minikube addons list -o json",
    "minikube service list -n kube-system",
    "minikube image ls --format table",
    "eksctl get cluster --region us-west-2",
    "eksctl get nodegroup --cluster prod -o yaml",
    "eksctl get iamserviceaccount -c prod --namespace kube-system",
    "eksctl utils describe-stacks --region eu-west-1 --cluster prod",
    "eksctl version",
    "helmfile diff",
    "helmfile -e prod -l app=web diff --skip-deps --context 3",
    "helmfile template --skip-deps --include-crds",
    "helmfile lint --values extra.yaml",
    "helmfile list --output json",
    "trivy image --severity HIGH,CRITICAL python:3.4-alpine",
    "trivy fs --scanners vuln,secret,misconfig .",
    "trivy config --format json ./k8s",
    "trivy repo https://github.com/knqyf263/trivy-ci-test",
    "trivy k8s --disable-node-collector --report summary",
    "trivy sbom --format table ./sbom.cdx.json",
    "trivy -q image --ignore-unfixed alpine",
    "kustomize build overlays/prod",
    "kustomize build --load-restrictor LoadRestrictionsNone .",
    "kustomize version",
    "crane ls gcr.io/distroless/static --full-ref",
    "crane digest --platform linux/amd64 alpine:3.19",
    "crane manifest alpine:3.19",
    "crane config --insecure localhost:5000/app:v1",
    "crane export alpine:3.19 -",
    "oras repo tags --last v1 localhost:5000/hello",
    "oras manifest fetch --pretty localhost:5000/hello:v1",
    "oras discover -o tree localhost:5000/hello:v1",
    "oras resolve --full-reference localhost:5000/hello:v1",
    "cosign verify --key cosign.pub gcr.io/app:v1",
    "cosign verify --certificate-identity a@b.c --certificate-oidc-issuer https://x gcr.io/app",
    "cosign tree gcr.io/app:v1",
    "cosign download signature gcr.io/app:v1",
    "cosign version --json",
]

# one option the reference does not list (or that writes, runs or exposes something)
UNKNOWN_FLAG_FORMS = [
    "istioctl analyze --bogus",
    "istioctl proxy-config cluster web-1 --bogus",
    "istioctl --log_target /tmp/x analyze",
    "linkerd viz top deploy/web --bogus",
    "linkerd check --bogus",
    "kind get clusters --bogus",
    "minikube status --bogus",
    "minikube logs --file x.log",
    "eksctl get cluster --bogus",
    "eksctl get cluster --dumpLogs",
    "helmfile diff --bogus",
    "helmfile --debug diff",
    "helmfile -b /tmp/other-helm diff",
    "helmfile template --post-renderer ./hook.sh",
    "helmfile diff --args --post-renderer=./x",
    "trivy image --bogus alpine",
    "trivy image --cache-dir /tmp/c alpine",
    "trivy image --module-dir ./mods alpine",
    "kustomize build --enable-helm .",
    "kustomize build --enable-alpha-plugins .",
    "kustomize build --mount type=bind,src=/,dst=/host .",
    "crane ls --bogus gcr.io/x",
    "oras repo tags --bogus localhost:5000/x",
    "oras discover --debug localhost:5000/x",
    "cosign verify --bogus img",
    "cosign --output-file log.txt verify --key k img",
    "cosign public-key --key cosign.key --outfile pub.pem",
]

# decisions recorded in rules/README.md
DECISIONS = [
    # mesh installs: istioctl applies; linkerd only prints (the key material included)
    ("istioctl install --set profile=demo -y", M),
    ("istioctl install --dry-run", R),
    ("istioctl uninstall --purge -y", D),
    ("linkerd install", S),
    ("linkerd upgrade", S),
    ("linkerd install --crds", S),
    ("linkerd viz install", S),
    ("linkerd multicluster link-gen --cluster-name east", S),
    ("linkerd install-cni", R),
    ("linkerd uninstall", R),
    ("linkerd inject deployment.yaml", R),
    ("linkerd install | kubectl apply -f -", M),
    # Envoy's config dump redacts private keys: certificate chains only
    ("istioctl proxy-config secret deploy/web", R),
    ("istioctl pc log deploy/web --level debug", M),
    ("istioctl pc log deploy/web -r", M),
    ("istioctl pc log deploy/web", R),
    ("istioctl kube-inject -f d.yaml -o out.yaml", M),
    ("istioctl bug-report", M),
    ("istioctl create-remote-secret --name east", M),
    # dashboards: port-forward on loopback = read_only; another address = mutating
    ("istioctl dashboard kiali", R),
    ("istioctl dashboard grafana --address 0.0.0.0", M),
    ("istioctl dashboard envoy deploy/web --address 127.0.0.1", R),
    ("linkerd viz dashboard", R),
    ("linkerd viz dashboard --address 0.0.0.0", M),
    ("minikube dashboard --url", M),
    ("minikube service web --url", R),
    ("minikube tunnel", M),
    # local clusters
    ("kind get kubeconfig --name dev", S),
    ("kind create cluster --name dev", M),
    ("kind delete cluster --name dev", D),
    ("kind export logs ./logs", M),
    ("kind export kubeconfig --name dev", M),
    ("minikube start --driver docker", M),
    ("minikube stop", M),
    ("minikube delete --all", D),
    ("minikube ssh", M),
    ("minikube kubectl -- get pods", U),
    ("minikube addons enable ingress", M),
    ("minikube profile dev", M),
    ("eksctl create cluster --name x --nodes 3", M),
    ("eksctl create cluster --dry-run --name x --nodes 3", R),
    ("eksctl delete cluster --name x", D),
    ("eksctl upgrade cluster --name x --approve", M),
    ("eksctl scale nodegroup --cluster x --name ng --nodes 5", M),
    ("eksctl drain nodegroup --cluster x --name ng", D),
    ("eksctl utils write-kubeconfig --cluster x", M),
    # helmfile
    ("helmfile diff --show-secrets", S),
    ("helmfile template --output-dir out", M),
    ("helmfile write-values", M),
    ("helmfile fetch", M),
    ("helmfile apply", M),
    ("helmfile sync", M),
    ("helmfile destroy", D),
    # trivy
    ("trivy image -o report.json alpine", M),
    ("trivy image --output report.json alpine", M),
    ("trivy image --download-db-only", M),
    ("trivy k8s --report summary", M),
    ("trivy k8s --scanners vuln --report summary", R),
    ("trivy server --listen 0.0.0.0:4954", M),
    ("trivy clean --all", D),
    ("trivy plugin install github.com/x/y", M),
    ("trivy plugin list", R),
    # kustomize
    ("kustomize build -o out.yaml .", M),
    ("kustomize edit set image app=app:v2", M),
    # registries
    ("cosign sign --key cosign.key gcr.io/app:v1", M),
    ("cosign attest --predicate p.json --key k gcr.io/app", M),
    ("cosign clean gcr.io/app:v1", D),
    ("cosign env", R),
    ("cosign env --show-sensitive-values", S),
    ("crane copy a:1 b:1", M),
    ("crane push image.tar gcr.io/app:v1", M),
    ("crane mutate --label a=b gcr.io/app:v1", M),
    ("crane delete gcr.io/app@sha256:abc", D),
    ("crane export alpine:3.19 rootfs.tar", M),
    ("crane auth get gcr.io", S),
    ("crane auth token gcr.io/app", S),
    ("oras pull localhost:5000/hello:v1", M),
    ("oras push localhost:5000/hello:v1 a.txt", M),
    ("oras manifest fetch -o m.json localhost:5000/hello:v1", M),
    ("oras manifest delete localhost:5000/hello:v1", D),
]


@pytest.fixture(scope="module")
def guard() -> CommandGuard:
    """One guard with the packaged rules only."""
    return CommandGuard({})


@pytest.mark.parametrize("command", READ_FORMS)
def test_documented_read_forms_are_read_only(guard: CommandGuard, command: str) -> None:
    verdict = guard.classify(command)
    assert verdict.label is R, (command, verdict.reason)


@pytest.mark.parametrize("command", UNKNOWN_FLAG_FORMS)
def test_unlisted_option_is_unknown(guard: CommandGuard, command: str) -> None:
    verdict = guard.classify(command)
    assert verdict.label is U, (command, verdict.reason)
    assert "unknown flag" in verdict.reason


@pytest.mark.parametrize(("command", "label"), DECISIONS)
def test_recorded_decisions(guard: CommandGuard, command: str, label: Label) -> None:
    verdict = guard.classify(command)
    assert verdict.label is label, (command, verdict.reason)


@pytest.mark.parametrize(
    "tool",
    ["istioctl", "linkerd", "kind", "minikube", "eksctl", "helmfile", "trivy", "kustomize",
     "crane", "oras", "cosign"],
)
def test_default_deny_is_on(guard: CommandGuard, tool: str) -> None:
    spec = guard.rules.tools[tool]
    assert spec.name == tool
    assert spec.default_deny
