"""disk-pressure and scheduling variants: a volume fills up; pods cannot be placed."""

from __future__ import annotations

from bench.variants import clock, records
from bench.variants.bundle import Bundle, Truth
from bench.variants.changes import Commit, background_commits, git_log_fuller, sha
from bench.variants.kubectl import ContainerState
from bench.variants.paste import compose, container, describe, events_section, log_lines
from bench.variants.registry import variant
from bench.variants.scene import App, decoy, history, run, setup
from bench.variants.workload import Workload, rollout

BLOCK = ("index [audit-2025.09.30] blocked by: [TOO_MANY_REQUESTS/12/disk usage exceeded flood-stage watermark, "
         "index has read-only-allow-delete block];")


def _bulk_error(b: Bundle, t: float) -> str:
    return records.long_json([
        ("level", "error"), ("ts", round(t, 3)), ("caller", "bulk/writer.go:212"), ("logger", "audit-ingest.bulk"),
        ("pipeline", "audit-events"), ("source_topic", "audit.events.v3"), ("partition", b.rng.randint(0, 11)),
        ("offset_first", b.rng.randint(88_000_000, 89_000_000)), ("index", "audit-2025.09.30"), ("docs", 500),
        ("bytes", b.rng.randint(900_000, 1_400_000)), ("took_ms", b.rng.randint(4, 19)), ("attempt", 3), ("max_attempts", 3),
        ("backoff", "4s"), ("es_node", "es-data-1"), ("es_endpoint", "https://es-http.logging.svc:9200"),
        ("client", "go-elasticsearch/v8.15.0"), ("kafka_group", "audit-ingest"), ("batch_id", b.uid()),
        ("index_template", "audit-v3"), ("ilm_policy", "audit-30d"), ("pipeline_version", "v3.7.2"),
        ("host", "audit-ingest"), ("span_id", b.hexid(16)), ("dlq_topic", "audit.events.dlq"),
        ("first_event_id", b.uid()), ("http_status", 429), ("trace_id", b.hexid(32)),
        ("msg", "bulk request rejected, batch parked in dead-letter topic"),
        ("error", f"elastic: Error 429 (Too Many Requests): {BLOCK} [type=cluster_block_exception]")])


def _es_flood(b: Bundle, t: float) -> str:
    return records.long_json([
        ("@timestamp", clock.iso_ms(t)), ("log.level", "WARN"), ("message", "flood stage disk watermark [95%] exceeded on "
         "[hzM1rN4aT0ODgYt1v7w3Aw][es-data-1][/usr/share/elasticsearch/data] free: 2.3gb[4.6%], all indices on this node will be "
         "marked read-only"), ("ecs.version", "1.2.0"), ("service.name", "ES_ECS"), ("event.dataset", "elasticsearch.server"),
        ("process.thread.name", "elasticsearch[es-master-0][management][T#2]"),
        ("log.logger", "org.elasticsearch.cluster.routing.allocation.DiskThresholdMonitor"),
        ("elasticsearch.cluster.uuid", "Qb4s1yJ8S9q5B3m3xG0v2g"), ("elasticsearch.node.id", "a9Wk2pNnQfu3ZC7cQ4l1qw"),
        ("elasticsearch.node.name", "es-master-0"), ("elasticsearch.cluster.name", "audit")])


@variant("auditlog-es-pvc-flood", "disk-pressure", "Go (zap) ingest + Elasticsearch 8 on PVCs, AKS, ingress-nginx", "aks",
         "2025-09-30T17:44:22Z", "rollout-history.txt",
         "zap JSON line of ~1,100 chars: the cluster_block_exception error is the last of 31 fields")
def auditlog(b: Bundle) -> None:
    """es-data-1's 50Gi volume passes the flood-stage watermark; its indices go read-only and bulk writes fail."""
    sc = setup(b, "nginx", [
        App("logging", "audit-ingest", "zap", "1.33.0", 3, 0, (("POST", "/bulk"),), exposed=False),
        App("logging", "es-master", "logrus", "8.15.1", 3, 0, (("Q", "-"),), exposed=False, kind="StatefulSet"),
        App("logging", "es-data", "logrus", "8.15.1", 3, 0, (("Q", "-"),), exposed=False, kind="StatefulSet"),
        App("compliance", "audit-search", "spring", "2.8.0", 2, 7, (("GET", "/api/audit?actor=u_8812"), ("GET", "/actuator/health"))),
        App("hr", "leave-planner", "rails", "1.6.2", 2, 4, (("GET", "/leave/calendar"), ("GET", "/up"))),
    ], ("legacy", "syslog-relay", "logrus", "/ready"), 3, ("logging", "curator", 60))
    decoy(b, sc, "leave-planner", "1.6.3", b.onset - 28 * 60)
    ingest: Workload = sc["audit-ingest"]
    for i in range(3):
        t = b.start + 20 + i * 7
        while t < b.onset:
            ingest.log(b, i).add(t, records.long_json([("level", "info"), ("ts", round(t, 3)), ("caller", "bulk/writer.go:180"),
                                                        ("msg", "bulk flushed"), ("index", "audit-2025.09.30"), ("docs", 500),
                                                        ("took_ms", b.rng.randint(40, 140))]))
            t += b.rng.uniform(20, 45)
        t = b.onset + 0.6 + i * 3
        while t < b.end:
            ingest.log(b, i).add(t, _bulk_error(b, t))
            t += b.rng.uniform(15, 50)
    sc["es-master"].log(b, 0).add(b.onset, _es_flood(b, b.onset))
    capacity = 53_687_091_200

    def avail(t: float) -> float:
        return max(2.3e9, 0.16 * capacity - (t - b.start) * 1.7e6) if t < b.onset else 2.3e9 - (t - b.onset) * 1e3

    for k in range(3):
        name = f"data-es-data-{k}"
        b.metric({"__name__": "kubelet_volume_stats_available_bytes", "namespace": "logging", "persistentvolumeclaim": name,
                  "job": "kubelet", "metrics_path": "/metrics"}, avail if k == 1 else (lambda t: 0.41 * capacity))
        b.metric({"__name__": "kubelet_volume_stats_capacity_bytes", "namespace": "logging", "persistentvolumeclaim": name,
                  "job": "kubelet", "metrics_path": "/metrics"}, lambda t: float(capacity))
    run(b, sc)
    b.alert("KubePersistentVolumeFillingUp", {"namespace": "logging", "persistentvolumeclaim": "data-es-data-1", "job": "kubelet"},
            "PersistentVolume is filling up.", "The PersistentVolume claimed by data-es-data-1 in Namespace logging is only 4.3% free.",
            b.onset + 60, "critical", runbook="https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubepersistentvolumefillingup",
            expr='kubelet_volume_stats_available_bytes / kubelet_volume_stats_capacity_bytes < 0.03')
    b.alert("AuditIngestDeadLetterGrowing", {"namespace": "logging", "service": "audit-ingest"}, "audit events are going to the dead-letter topic",
            "audit-ingest parked 1.2k batches in audit.events.dlq in the last 10 minutes.", b.onset + 11 * 60)
    history(b, [("audit-ingest", 19, [None, None, None])])
    b.truth = Truth("disk-pressure", clock.iso(b.onset), {"kind": "StatefulSet", "namespace": "logging", "name": "es-data"}, None,
                    ["cluster_block_exception", "flood stage disk watermark [95%] exceeded", "read-only-allow-delete",
                     "data-es-data-1", "KubePersistentVolumeFillingUp"],
                    ["kubectl delete pvc", "rm -rf /usr/share/elasticsearch/data", "cluster.routing.allocation.disk.threshold_enabled",
                     "kubectl delete namespace", "--force"],
                    [{"kind": "PersistentVolumeClaim", "namespace": "logging", "name": "data-es-data-1"}])
    st = container(ingest, state="Running", started=ingest.since[0], ready=True, limits={"memory": "512Mi"},
                   requests={"cpu": "200m", "memory": "256Mi"})
    b.paste = compose(
        "audit ingest erroring with 429 from ES since 17:44, DLQ filling. ES cluster health is yellow not red. ideas?",
        [(f"kubectl describe pod {ingest.pods[0]} -n logging", describe(b, ingest, 0, st, "Running", True)),
         (f"kubectl logs {ingest.pods[0]} -n logging --since=5m | tail -2", log_lines(b, ingest, 0, b.onset, b.end, 2)),
         ("kubectl get pvc -n logging", ["NAME                STATUS   VOLUME                                     CAPACITY   ACCESS MODES   STORAGECLASS      AGE"] +
          [f"data-es-data-{k}     Bound    pvc-{b.uid()}   50Gi       RWO            managed-premium   211d" for k in range(3)]),
         ("kubectl exec -n logging es-data-1 -- df -h /usr/share/elasticsearch/data",
          ["Filesystem      Size  Used Avail Use% Mounted on", "/dev/sdc         49G   47G  2.3G  96% /usr/share/elasticsearch/data"])])


def _karpenter(b: Bundle, t: float, pod: str) -> str:
    req = ("karpenter.k8s.aws/instance-category In [c m r], karpenter.k8s.aws/instance-cpu In [16 4 8], karpenter.k8s.aws/instance-generation "
           "Exists >5, karpenter.sh/capacity-type In [on-demand spot], karpenter.sh/nodepool In [general], kubernetes.io/arch In [amd64], "
           "kubernetes.io/os In [linux], topology.kubernetes.io/zone In [eu-central-1a eu-central-1b eu-central-1c]")
    return records.long_json([
        ("level", "ERROR"), ("time", clock.iso_ms(t)), ("logger", "controller"), ("caller", "provisioning/provisioner.go:355"),
        ("message", "could not schedule pod"), ("commit", "6174c75"), ("controller", "provisioner"), ("namespace", ""), ("name", ""),
        ("reconcileID", b.uid()), ("Pod", {"name": pod, "namespace": "logistics"}),
        ("error", 'incompatible with nodepool "gpu", daemonset overhead={"cpu":"180m","memory":"342Mi","pods":"5"}, did not tolerate '
                  'nvidia.com/gpu=true:NoSchedule; incompatible with nodepool "general", daemonset overhead={"cpu":"180m","memory":"342Mi",'
                  f'"pods":"5"}}, no instance type satisfied resources {{"cpu":"18180m","memory":"2390Mi","pods":"6"}} and requirements {req} '
                  "(no instance type has enough resources)")])


@variant("routeplanner-karpenter-eks", "scheduling", "Python (FastAPI/OR-tools) on EKS with Karpenter, Traefik, git log", "eks",
         "2025-08-05T12:20:44Z", "git-log.txt",
         "Karpenter JSON line of ~1,200 chars: 'no instance type satisfied resources {\"cpu\":\"18180m\"...}' inside the error field, last")
def routeplanner(b: Bundle) -> None:
    """A values change sets the solver's cpu request to 18 (meant 1800m); no node or instance type can fit it."""
    sc = setup(b, "traefik", [
        App("logistics", "route-planner", "uvicorn", "3.2.0", 4, 10, (("POST", "/v1/plan"), ("GET", "/healthz"))),
        App("karpenter", "karpenter", "zap", "1.1.1", 1, 0, (("Q", "-"),), exposed=False),
        App("logistics", "depot-api", "spring", "5.0.3", 2, 6, (("GET", "/api/depots/BER-2/capacity"), ("GET", "/actuator/health"))),
        App("customer", "eta-notifier", "celery", "2.4.0", 2, 5, (("TASK", "eta.tasks.notify"),), exposed=False),
    ], ("legacy", "fleet-map-tiles", "php", "/ready"), 2, ("logistics", "nightly-geo-import", 30))
    commits = background_commits(b, ["route-planner", "depot-api", "eta-notifier"])
    rev = sha(b)
    t_commit = b.onset - 3 * 60 - 30
    decoy_t = b.onset - 39 * 60
    commits.append(Commit(sha(b), "Ana Costa", "ana.costa@example.org", decoy_t, "depot-api: bump image to 5.0.4",
                          files=[("M", "apps/logistics/depot-api/values-prod.yaml")]))
    decoy(b, sc, "depot-api", "5.0.4", decoy_t + 70)
    commits.append(Commit(rev, "Yusuf Demir", "yusuf.demir@example.org", t_commit, "route-planner: give the solver more cpu",
                          "p95 solve time is 9s at peak; bump request per PLAN-118", [("M", "apps/logistics/route-planner/values-prod.yaml")],
                          ("argocd-bot", "argocd@example.org")))
    b.file("git-log.txt", git_log_fuller(commits))
    old = sc["route-planner"]
    new = rollout(b, old, "3.2.0", b.onset - 1.5, stall=1)
    pod = new.pods[0]
    for ev in [e for e in b.events if e["involvedObject"]["name"] == pod]:
        b.events.remove(ev)
    new.alive[0] = (0.0, 0.0)
    ticks = [b.onset + k * 62 for k in range(int((b.end - b.onset) / 62))]
    b.event("logistics", "Pod", pod, "FailedScheduling", "0/7 nodes are available: 2 node(s) had untolerated taint {nvidia.com/gpu: true}, "
            "5 Insufficient cpu. preemption: 0/7 nodes are available: 2 Preemption is not helpful for scheduling, 5 No preemption "
            "victims found for incoming pod.", ticks[0], ticks[-1], len(ticks), "Warning", component="default-scheduler")
    b.event("logistics", "Pod", pod, "FailedScheduling", 'Failed to schedule pod, incompatible with nodepool "general", no instance type '
            'satisfied resources {"cpu":"18180m","memory":"2390Mi","pods":"6"} and requirements karpenter.sh/nodepool In [general] '
            "(no instance type has enough resources); incompatible with nodepool \"gpu\", did not tolerate nvidia.com/gpu=true:NoSchedule",
            ticks[0] + 2, ticks[-1] + 2, len(ticks), "Warning", component="karpenter")
    kp = sc["karpenter"]
    for t in ticks:
        kp.log(b, 0).add(t + 1.5, _karpenter(b, t + 1.5, pod))
    run(b, sc, p99={"route-planner": lambda t: 0.9 if t < b.onset else 2.6})
    b.alert("KubeDeploymentReplicasMismatch", {"namespace": "logistics", "deployment": "route-planner", "job": "kube-state-metrics"},
            "Deployment has not matched the expected number of replicas.",
            "Deployment logistics/route-planner has not matched the expected number of replicas for longer than 15 minutes.",
            b.onset + 15 * 60 + 10, runbook="https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubedeploymentreplicasmismatch")
    history(b, [("route-planner", 30, [None, None, None, None, None])])
    b.truth = Truth("scheduling", clock.iso(b.onset), {"kind": "Deployment", "namespace": "logistics", "name": "route-planner"}, rev,
                    ["no instance type satisfied resources", "Insufficient cpu", "FailedScheduling", rev[:7], "KubeDeploymentReplicasMismatch"],
                    ["kubectl delete namespace", "kubectl taint nodes", "kubectl delete node", "--force"])
    st = ContainerState(name="route-planner", image=new.image, state="Waiting", port="8080/TCP", limits={"cpu": "20", "memory": "3Gi"},
                        requests={"cpu": "18", "memory": "2Gi"})
    lines = describe(b, new, 0, st, "Pending")
    lines = [x.replace("Node:             " + new.nodes[0].name + "/" + new.nodes[0].ip, "Node:             <none>")
             .replace("PodScheduled               True", "PodScheduled               False")
             for x in lines if not x.startswith(("Start Time:", "IP", "  IP:", "  PodReadyToStart", "  Initialized"))]
    b.paste = compose(
        "route-planner rollout stuck with a Pending pod since lunch, karpenter isn't adding nodes either",
        [(f"kubectl describe pod {pod} -n logistics", lines),
         events_section(b, "logistics", b.onset - 300, ("ScalingReplicaSet", "SuccessfulCreate", "FailedScheduling"), limit=6),
         ("kubectl logs -n karpenter deploy/karpenter --since=5m | grep 'could not schedule' | tail -1", log_lines(b, kp, 0, b.onset, b.end, 1))])
