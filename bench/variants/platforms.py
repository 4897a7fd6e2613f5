"""The clusters a variant can run on: node names, runtime, registry and network ranges.

Each platform names its nodes, IP ranges and services the way that distribution does, so a
bundle from an EKS cluster looks like one (ip-10-... node names, ECR images) and an OpenShift
bundle logs its kubelet as `kubenswrapper` next to CRI-O.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Platform:
    """Static facts of one kind of cluster."""

    name: str
    node_fmt: str  # format with {i} (1-based) and {r} (random hex/word)
    node_ip_prefix: str
    pod_prefix: str
    dns_ip: str
    registry: str
    runtime: str  # "containerd" or "crio"
    kubelet_ident: str  # SYSLOG_IDENTIFIER of kubelet lines
    kubelet_unit: str
    kubelet_exe: str
    kubelet_cmdline: str
    machine_word: str = "worker"


PLATFORMS: dict[str, Platform] = {
    "eks": Platform(
        "eks", "ip-10-31-{a}-{b}.eu-central-1.compute.internal", "10.31.", "10.31.", "172.20.0.10",
        "412873906152.dkr.ecr.eu-central-1.amazonaws.com", "containerd", "kubelet", "kubelet.service",
        "/usr/bin/kubelet",
        "/usr/bin/kubelet --config /etc/kubernetes/kubelet/config.json --kubeconfig /var/lib/kubelet/kubeconfig --container-runtime-endpoint unix:///run/containerd/containerd.sock --node-ip={ip}",
    ),
    "gke": Platform(
        "gke", "gke-prod-euw4-pool-2-{r}-{s}", "10.164.0.", "10.52.", "10.56.0.10",
        "europe-west4-docker.pkg.dev/fernhill-prod/containers", "containerd", "kubelet", "kubelet.service",
        "/home/kubernetes/bin/kubelet",
        "/home/kubernetes/bin/kubelet --v=2 --cloud-provider=external --experimental-mounter-path=/home/kubernetes/containerized_mounter/mounter --cert-dir=/var/lib/kubelet/pki/ --kubeconfig=/var/lib/kubelet/kubeconfig --config /home/kubernetes/kubelet-config.yaml",
    ),
    "aks": Platform(
        "aks", "aks-userpool-{n}-vmss00000{i}", "10.224.0.", "10.244.", "10.0.0.10",
        "tallgrassprod.azurecr.io", "containerd", "kubelet", "kubelet.service", "/usr/local/bin/kubelet",
        "/usr/local/bin/kubelet --enable-server --node-labels=agentpool=userpool,kubernetes.azure.com/mode=user --v=2 --config=/etc/default/kubeletconfig.json --kubeconfig /var/lib/kubelet/kubeconfig",
    ),
    "k3s": Platform(
        "k3s", "edge-k3s-agent-{i:02d}", "192.168.40.", "10.42.", "10.43.0.10",
        "registry.lab.quarry.internal:5000", "containerd", "k3s", "k3s-agent.service",
        "/usr/local/bin/k3s", "/usr/local/bin/k3s agent",
    ),
    "openshift": Platform(
        "openshift", "worker-{i}.ocp-prod.halden.net", "10.70.12.", "10.128.", "172.30.0.10",
        "image-registry.openshift-image-registry.svc:5000", "crio", "kubenswrapper", "kubelet.service",
        "/usr/bin/kubenswrapper",
        "/usr/bin/kubenswrapper --config=/etc/kubernetes/kubelet.conf --bootstrap-kubeconfig=/etc/kubernetes/kubeconfig --kubeconfig=/var/lib/kubelet/kubeconfig --container-runtime-endpoint=/var/run/crio/crio.sock --node-ip={ip}",
    ),
    "kubeadm": Platform(
        "kubeadm", "k8s-wrk-{i:02d}", "172.16.8.", "10.244.", "10.96.0.10",
        "harbor.ops.brightline.lan", "containerd", "kubelet", "kubelet.service", "/usr/bin/kubelet",
        "/usr/bin/kubelet --bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf --config=/var/lib/kubelet/config.yaml --container-runtime-endpoint=unix:///var/run/containerd/containerd.sock --pod-infra-container-image=registry.k8s.io/pause:3.9",
    ),
}


@dataclass
class Node:
    """One node of a cluster, with the identities its journal carries."""

    name: str
    ip: str
    boot_id: str
    machine_id: str
    uptime: float  # seconds since boot at the bundle's start
    pids: dict[str, int] = field(default_factory=dict)

    @property
    def short(self) -> str:
        """The host name journald records (EKS/GKE nodes log their short name)."""
        return self.name.split(".")[0]


def make_nodes(platform: Platform, count: int, rng: random.Random) -> list[Node]:
    """Name `count` nodes the way `platform` does; deterministic for a seeded rng."""
    nodes: list[Node] = []
    pool = "".join(rng.choice("0123456789abcdef") for _ in range(8))
    vmss = rng.randint(10000000, 99999999)
    for i in range(1, count + 1):
        a, b = rng.randint(1, 250), rng.randint(2, 250)
        suffix = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(4))
        name = platform.node_fmt.format(i=i, a=a, b=b, r=pool, s=suffix, n=vmss)
        ip = f"10.31.{a}.{b}" if platform.name == "eks" else f"{platform.node_ip_prefix}{10 + i * 3}"
        node = Node(name, ip, _hex(rng, 32), _hex(rng, 32), rng.uniform(3, 40) * 86400)
        node.pids = {
            "kubelet": rng.randint(1800, 4200),
            "containerd": rng.randint(700, 1700),
            "crio": rng.randint(700, 1700),
            "k3s": rng.randint(600, 1500),
            "kubenswrapper": rng.randint(2100, 4400),
        }
        nodes.append(node)
    return nodes


def _hex(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))
