"""What every cluster has besides the incident: node chatter, a chronic unready workload,
long-firing unrelated alerts, CronJobs, an ingress controller and per-service metrics.
"""

from __future__ import annotations

from bench.variants import clock
from bench.variants.bundle import Bundle
from bench.variants.workload import Workload, add_workload, start_pod_events, traffic

INGRESS = {
    "nginx": ("ingress-nginx", "ingress-nginx-controller", "controller", "ingress-nginx/controller", "v1.11.2"),
    "traefik": ("traefik", "traefik", "traefik", "traefik", "v3.1.4"),
    "envoy": ("istio-system", "istio-ingressgateway", "istio-proxy", "istio/proxyv2", "1.23.2"),
    "haproxy": ("openshift-ingress", "router-default", "router", "openshift/ose-haproxy-router", "v4.15"),
}


def ingress(b: Bundle, kind: str) -> Workload:
    """The ingress controller pods whose access logs the exposed services appear in."""
    ns, name, container, repo, tag = INGRESS[kind]
    return add_workload(b, ns, name, "logrus", tag, replicas=2, container=container, repo=repo,
                        image=f"registry.k8s.io/{repo}:{tag}" if kind == "nginx" else None)


NTP = {"eks": "169.254.169.123", "gke": "169.254.169.254", "aks": "168.63.129.16", "openshift": "clock.redhat.com"}


def node_noise(b: Bundle) -> None:
    """Routine journal traffic on every node: mounts, TLS handshake EOFs, image GC, chrony, sshd."""
    rng = b.rng
    for node in b.nodes:
        t = b.start + rng.uniform(0, 60)
        while t < b.end:
            roll = rng.random()
            if roll < 0.35:
                b.journal_add(node, "systemd", t, f"run-containerd-runc-k8s.io-{b.hexid(64)}-runc.{b.hexid(6)}.mount: "
                              "Deactivated successfully." if b.platform.runtime == "containerd" else
                              f"crio-conmon-{b.hexid(64)}.scope: Deactivated successfully.")
            elif roll < 0.55:
                b.kubelet(node, t, "log.go:245", f"http: TLS handshake error from {b.platform.node_ip_prefix}"
                          f"{rng.randint(2, 9)}:{rng.randint(30000, 60000)}: EOF")
            elif roll < 0.7:
                b.kubelet(node, t, "kubelet_getters.go:218", f'"Pod status is inconsistent with cached status for pod, '
                          f'a reconciliation should be triggered" pod="kube-system/kube-proxy-{b.pod_suffix()}"', "I")
            elif roll < 0.8 and b.platform.runtime == "crio":
                b.runtime(node, t, "info", "Checking image status: registry.k8s.io/pause:3.9",
                          f"id={b.uid()} name=/runtime.v1.ImageService/ImageStatus")
            elif roll < 0.8:
                b.runtime(node, t, "info", f"ImageUpdate event name:\\\"sha256:{b.hexid(64)}\\\" "
                          "labels:{key:\\\"io.cri-containerd.image\\\" value:\\\"managed\\\"}")
            elif roll < 0.9:
                b.journal_add(node, "chronyd", t, f"Selected source {NTP.get(b.platform.name, 'ntp.ubuntu.com')} "
                              f"(offset {rng.uniform(-3, 3):.6f} ms)")
            else:
                b.journal_add(node, "systemd", t, "Started Session "
                              f"{rng.randint(100, 999)} of User root." if rng.random() < 0.5 else
                              "systemd-tmpfiles-clean.service: Deactivated successfully.")
            t += rng.uniform(25, 70)


def chronic_unready(b: Bundle, ns: str, name: str, stack: str, path: str, since_h: float = 11.5) -> Workload:
    """A workload whose readiness probe has failed all day (not part of the incident)."""
    w = add_workload(b, ns, name, stack, "0.9.14", replicas=1, node_offset=2)
    pod, node = w.pods[0], w.nodes[0]
    first = b.start - since_h * 3600
    count = int((b.end - first) / 10)
    b.event(ns, "Pod", pod, "Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 503", first,
            b.end - 4, count, "Warning", field_path=f"spec.containers{{{name}}}", host=node.name)
    t = b.start + b.rng.uniform(3, 9)
    while t < b.end:
        b.kubelet(node, t, "prober.go:107", f'"Probe failed" probeType="Readiness" pod="{ns}/{pod}" '
                  f'podUID="{w.uids[0]}" containerName="{name}" probeResult="failure" '
                  'output="HTTP probe failed with statuscode: 503"')
        t += 30 + b.rng.uniform(-0.2, 0.2)
    b.alert("KubePodNotReady", {"namespace": ns, "pod": pod, "job": "kube-state-metrics"},
            "Pod has been in a non-ready state for more than 15 minutes.",
            f"Pod {ns}/{pod} has been in a non-ready state for longer than 15 minutes.",
            first + 900, runbook="https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubepodnotready",
            expr=f'kube_pod_status_phase{{namespace="{ns}",phase=~"Pending|Unknown"}} > 0')
    traffic(b, w, 1.2, lambda t, i, p: (503, b.rng.uniform(1, 4)), log_ok=True)
    return w


STANDING = [
    ("KubeJobFailed", {"namespace": "data", "job_name": "nightly-compaction-28950120", "job": "kube-state-metrics"},
     "Job failed to complete.", "Job data/nightly-compaction-28950120 failed to complete. Removing failed job after "
     "investigation should clear this alert.", 19.0),
    ("NodeClockNotSynchronising", {"namespace": "monitoring", "instance": "10.0.0.0:9100", "job": "node-exporter"},
     "Clock not synchronising.", "Clock at 10.0.0.0:9100 is not synchronising. Ensure NTP is configured on this host.", 6.5),
    ("KubeHpaMaxedOut", {"namespace": "web", "horizontalpodautoscaler": "landing-pages", "job": "kube-state-metrics"},
     "HPA is running at max replicas", "HPA web/landing-pages has been running at max replicas for longer than 15 minutes.", 4.2),
    ("TargetDown", {"namespace": "monitoring", "job": "blackbox-legacy", "service": "blackbox-legacy"},
     "One or more targets are unreachable.", "100% of the blackbox-legacy/blackbox-legacy targets in monitoring "
     "namespace are down.", 27.0),
]


def standing_alerts(b: Bundle, which: int) -> None:
    """Watchdog plus one long-firing alert unrelated to the incident."""
    b.alert("Watchdog", {"namespace": "monitoring"}, "An alert that should always be firing to certify that "
            "Alertmanager is working properly.", "This is an alert meant to ensure that the entire alerting "
            "pipeline is functional.", b.start - 86400 * 6, severity="none", expr="vector(1)")
    name, labels, summary, desc, hours = STANDING[which % len(STANDING)]
    node_ip = f"{b.nodes[-1].ip}:9100"
    labels = {k: v.replace("10.0.0.0:9100", node_ip) for k, v in labels.items()}
    b.alert(name, labels, summary, desc.replace("10.0.0.0:9100", node_ip), b.start - hours * 3600,
            runbook=f"https://runbooks.prometheus-operator.dev/runbooks/general/{name.lower()}")


def cronjob(b: Bundle, ns: str, name: str, every_min: int, image: str, runtime_s: float = 40.0) -> None:
    """A CronJob's runs in the window: Job/Pod events and a short log per run."""
    t = (b.start // (every_min * 60) + 1) * every_min * 60
    while t < b.end - runtime_s:
        stamp = int(t // 60)
        job = f"{name}-{stamp}"
        pod = f"{job}-{b.pod_suffix()}"
        w = Workload(ns, job, "logrus", name, image, job, [pod], [b.node(stamp)], [b.pod_ip()], [b.uid()], True,
                     [("GET", "/")], alive=[(t, t + runtime_s)])
        b.event(ns, "CronJob", name, "SuccessfulCreate", f"Created job {job}", t, component="cronjob-controller",
                api_version="batch/v1")
        b.event(ns, "Job", job, "SuccessfulCreate", f"Created pod: {pod}", t + 0.2, component="job-controller",
                api_version="batch/v1")
        started = start_pod_events(b, w, 0, t + 0.4, pulled=False)
        log = w.log(b, 0)
        log.add(started + 1, f'time="{clock.iso(started + 1)}" level=info msg="{name} starting" run={stamp}')
        log.add(started + runtime_s - 3, f'time="{clock.iso(started + runtime_s - 3)}" level=info msg="{name} done" '
                f"rows={b.rng.randint(1000, 90000)} took={runtime_s - 4:.1f}s")
        b.event(ns, "Job", job, "Completed", "Job completed", started + runtime_s, component="job-controller",
                api_version="batch/v1")
        b.event(ns, "CronJob", name, "SawCompletedJob", f"Saw completed job: {job}, status: Complete",
                started + runtime_s + 1, component="cronjob-controller", api_version="batch/v1")
        t += every_min * 60


def service_metrics(b: Bundle, w: Workload, rps: float, err=lambda t: 0.0, p99=lambda t: 0.12) -> None:
    """Recording-rule series for a service: request rate, 5xx rate and p99 latency."""
    labels = {"namespace": w.ns, "service": w.name}
    jitter = b.rng.random

    b.metric({"__name__": "namespace_service:http_requests:rate5m", **labels},
             lambda t: rps * (0.9 + 0.2 * jitter()))
    b.metric({"__name__": "namespace_service:http_requests_5xx:rate5m", **labels},
             lambda t: err(t) * rps + 0.002 * jitter())
    b.metric({"__name__": "namespace_service:http_request_duration_seconds:p99", **labels},
             lambda t: p99(t) * (0.9 + 0.2 * jitter()))


def pod_series(b: Bundle, name: str, w: Workload, value, extra: dict | None = None) -> None:
    """One cAdvisor/kube-state-metrics style series per pod of `w`; value(t, i) -> float|None."""
    for i, pod in enumerate(w.pods):
        node = w.nodes[i]
        labels = {"__name__": name, "container": w.container, "namespace": w.ns, "pod": pod,
                  "node": node.name, **(extra or {})}
        b.metric(labels, lambda t, i=i: value(t, i))
