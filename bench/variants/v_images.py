"""image-pull variants: the new pod template names an image the node cannot pull."""

from __future__ import annotations

from bench.variants import clock
from bench.variants.bundle import Bundle, Truth
from bench.variants.changes import (
    Commit,
    argocd_app,
    background_commits,
    git_log_fuller,
    old_history,
    sha,
    write_apps,
)
from bench.variants.paste import compose, container, describe, events_section
from bench.variants.registry import variant
from bench.variants.scene import App, decoy, history, run, set_cause, setup
from bench.variants.workload import Workload, rollout


def container_dump(w: Workload, env: list[tuple[str, str]], probe_path: str) -> str:
    """kubelet's %v rendering of a v1.Container, as it appears in its `Unhandled Error` lines."""
    envs = ",".join(f"EnvVar{{Name:{k},Value:{v},ValueFrom:nil,}}" for k, v in env)
    probe = (f"&Probe{{ProbeHandler:ProbeHandler{{Exec:nil,HTTPGet:&HTTPGetAction{{Path:{probe_path},Port:{{0 {w.port} }},"
             "Host:,Scheme:HTTP,HTTPHeaders:[]HTTPHeader{},},TCPSocket:nil,GRPC:nil,},InitialDelaySeconds:5,TimeoutSeconds:1,"
             "PeriodSeconds:10,SuccessThreshold:1,FailureThreshold:3,TerminationGracePeriodSeconds:nil,}")
    return (f"&Container{{Name:{w.container},Image:{w.image},Command:[],Args:[],WorkingDir:,Ports:[]ContainerPort{{ContainerPort"
            f"{{Name:http,HostPort:0,ContainerPort:{w.port},Protocol:TCP,HostIP:,}},}},Env:[]EnvVar{{{envs},}},"
            "Resources:ResourceRequirements{Limits:ResourceList{memory: {{536870912 0} {<nil>} 512Mi BinarySI},},"
            "Requests:ResourceList{cpu: {{250 -3} {<nil>} 250m DecimalSI},memory: {{268435456 0} {<nil>} 256Mi BinarySI},},Claims:[]ResourceClaim{},},"
            f"VolumeMounts:[]VolumeMount{{VolumeMount{{Name:kube-api-access-{w.container[:4]}x,ReadOnly:true,MountPath:/var/run/secrets/kubernetes.io/serviceaccount,"
            f"SubPath:,MountPropagation:nil,SubPathExpr:,RecursiveReadOnly:nil,}},}},LivenessProbe:nil,ReadinessProbe:{probe},"
            "StartupProbe:nil,Lifecycle:nil,TerminationMessagePath:/dev/termination-log,ImagePullPolicy:IfNotPresent,"
            "SecurityContext:&SecurityContext{Capabilities:&Capabilities{Add:[],Drop:[ALL],},Privileged:nil,RunAsUser:*10001,"
            "RunAsNonRoot:*true,ReadOnlyRootFilesystem:*true,AllowPrivilegeEscalation:*false,},Stdin:false,StdinOnce:false,"
            "TTY:false,EnvFrom:[]EnvFromSource{},TerminationMessagePolicy:File,VolumeDevices:[]VolumeDevice{},ResizePolicy:[]ContainerResizePolicy{},}")


def pull_failures(b: Bundle, w: Workload, i: int, reason_text: str, env: list[tuple[str, str]], probe: str) -> None:
    """ErrImagePull / ImagePullBackOff for pod i from its first pull (the onset) to the bundle's end."""
    pod, node, uid = w.pods[i], w.nodes[i], w.uids[i]
    fp = f"spec.containers{{{w.container}}}"
    desc = f'rpc error: code = Unknown desc = failed to pull and unpack image "{w.image}": {reason_text}'
    pulls, t, delay = [], b.onset, 10.0
    while t < b.end:
        pulls.append(t)
        t += delay + 1.3
        delay = min(delay * 2, 300.0)
    backoffs = [p + 1.0 + k * 12.0 for p, nxt in zip(pulls, pulls[1:] + [b.end], strict=True)
                for k in range(max(1, int((nxt - p - 1) / 12.0)))]
    b.event(w.ns, "Pod", pod, "Pulling", f'Pulling image "{w.image}"', pulls[0] - 0.6, pulls[-1] - 0.6, len(pulls),
            field_path=fp, host=node.name)
    b.event(w.ns, "Pod", pod, "Failed", f'Failed to pull image "{w.image}": {desc}', pulls[0], pulls[-1], len(pulls),
            "Warning", field_path=fp, host=node.name)
    b.event(w.ns, "Pod", pod, "Failed", "Error: ErrImagePull", pulls[0], pulls[-1], len(pulls), "Warning",
            field_path=fp, host=node.name)
    b.event(w.ns, "Pod", pod, "BackOff", f'Back-off pulling image "{w.image}"', backoffs[0], backoffs[-1], len(backoffs),
            field_path=fp, host=node.name)
    b.event(w.ns, "Pod", pod, "Failed", "Error: ImagePullBackOff", backoffs[0], backoffs[-1], len(backoffs), "Warning",
            field_path=fp, host=node.name)
    quoted = desc.replace('"', '\\"')
    for p in pulls:
        b.runtime(node, p - 0.4, "info", f"PullImage \\\"{w.image}\\\"")
        b.runtime(node, p - 0.02, "error", f"PullImage \\\"{w.image}\\\" failed",
                  f'error="{reason_text.replace(chr(34), chr(92) + chr(34))}"')
        b.kubelet(node, p, "log.go:32", f'"PullImage from image service failed" err="{quoted}" image="{w.image}"', "E")
        b.kubelet(node, p + 0.001, "kuberuntime_manager.go:1274",
                  f'"Unhandled Error" err="{container_dump(w, env, probe)} start failed in pod {pod}_{w.ns}({uid}): '
                  f'ErrImagePull: {quoted}" logger="UnhandledError"', "E")


@variant("riskscore-go-ecr-crossaccount", "image-pull", "Go (zap) service, ECR cross-account pull, ingress-nginx, Argo CD", "eks",
         "2025-01-23T11:05:19Z", "argocd-app.json",
         "kubelet 'Unhandled Error' journald line of ~2,400 chars: the 403 from the registry comes after the whole &Container{} dump")
def riskscore(b: Bundle) -> None:
    """The image moved to a shared-services ECR account whose repository policy does not allow this cluster."""
    sc = setup(b, "nginx", [
        App("fraud", "risk-scorer", "zap", "2.14.0", 3, 10, (("POST", "/v2/score"), ("GET", "/healthz"))),
        App("fraud", "case-manager", "spring", "5.6.1", 2, 4, (("GET", "/api/cases?status=open"), ("GET", "/actuator/health"))),
        App("checkout", "address-lookup", "pino", "3.1.0", 2, 8, (("GET", "/v1/address?postcode=10115"), ("GET", "/health"))),
        App("ops", "audit-trail", "slog", "0.18.2", 2, 3, (("POST", "/v1/events"), ("GET", "/healthz"))),
    ], ("legacy", "ldap-sync-ui", "php", "/ready"), 2, ("fraud", "model-feature-backfill", 30))
    rev = sha(b)
    t_sync = b.onset - 32
    decoy(b, sc, "address-lookup", "3.1.1", b.onset - 29 * 60)
    old = sc["risk-scorer"]
    new = rollout(b, old, "2.14.1", t_sync + 3, stall=1)
    new.image = "590184032651.dkr.ecr.eu-central-1.amazonaws.com/fraud/risk-scorer:2.14.1"
    for ev in [e for e in b.events if e["involvedObject"]["name"] == new.pods[0] and e["reason"] != "Scheduled"]:
        b.events.remove(ev)
    ref = new.image
    reason = (f'failed to resolve reference "{ref}": unexpected status from HEAD request to '
              "https://590184032651.dkr.ecr.eu-central-1.amazonaws.com/v2/fraud/risk-scorer/manifests/2.14.1: 403 Forbidden")
    pull_failures(b, new, 0, reason, [("LOG_LEVEL", "info"), ("SCORER_MODEL_BUCKET", "s3://fraud-models-prod/v41"),
                                      ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://otel-collector.observability:4317")], "/healthz")
    run(b, sc)
    b.alert("KubeDeploymentRolloutStuck", {"namespace": "fraud", "deployment": "risk-scorer", "job": "kube-state-metrics"},
            "Deployment rollout is not progressing.", "Rollout of deployment fraud/risk-scorer is not progressing for longer than 15 minutes.",
            b.onset + 15 * 60 + 30, runbook="https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubedeploymentrolloutstuck")
    app = argocd_app(b, "risk-scorer-prod", "fraud", "https://gitlab.example.net/platform/deploy-fraud.git", "risk-scorer/overlays/prod",
                     old_history(b, 4, b.start) + [(t_sync, rev, "w.achterberg")], [old.image, new.image], health="Progressing")
    write_apps(b, [app], "argocd-app.json")
    history(b, [("risk-scorer", 88, [set_cause(b.image("services/risk-scorer", v), "risk-scorer", "risk-scorer") for v in
                                    ("2.12.3", "2.13.0", "2.13.1", "2.14.0")] + [set_cause(new.image, "risk-scorer", "risk-scorer")])])
    b.truth = Truth("image-pull", clock.iso(b.onset), {"kind": "Deployment", "namespace": "fraud", "name": "risk-scorer"}, rev,
                    ["403 Forbidden", "risk-scorer:2.14.1", "ErrImagePull", "ImagePullBackOff", rev[:7]],
                    ["kubectl delete namespace", "imagePullPolicy: Never", "kubectl delete deployment risk-scorer", "--force"])
    st = container(new, state="Waiting", reason="ImagePullBackOff", restarts=0, limits={"memory": "512Mi"},
                   requests={"cpu": "250m", "memory": "256Mi"}, image_id="")
    st.container_id = ""
    b.paste = compose(
        "risk-scorer 2.14.1 won't come up, image pull fails. the image is definitely in the shared ECR (I can see it in the console)",
        [(f"kubectl describe pod {new.pods[0]} -n fraud", describe(b, new, 0, st, "Pending")),
         events_section(b, "fraud", b.onset - 90, limit=10, prefix="risk-scorer")])


@variant("geocoder-rust-harbor-arch", "image-pull", "Rust (axum) service, Harbor on kubeadm, ingress-nginx, git log", "kubeadm",
         "2025-06-27T13:48:55Z", "git-log.txt",
         "kubelet 'Unhandled Error' journald line of ~2,300 chars: 'no match for platform in manifest' at its very end")
def geocoder(b: Bundle) -> None:
    """geocoder 1.9.0 was built on arm64 runners only; the amd64 nodes find no matching manifest."""
    sc = setup(b, "nginx", [
        App("maps", "geocoder", "rust", "1.8.4", 3, 12, (("GET", "/v1/geocode?q=Hauptstr%2012%20Berlin"), ("GET", "/v1/reverse?lat=52.52&lon=13.40"), ("GET", "/healthz"))),
        App("maps", "tile-proxy", "logrus", "0.44.0", 2, 9, (("GET", "/tiles/14/8802/5373.png"), ("GET", "/healthz"))),
        App("fleet", "dispatch-api", "gunicorn", "6.0.2", 2, 6, (("POST", "/api/dispatch"), ("GET", "/healthz"))),
        App("fleet", "driver-app-bff", "pino", "2.30.1", 2, 7, (("GET", "/bff/shifts/today"), ("GET", "/health"))),
    ], ("bi", "report-designer", "dotnet", "/healthz"), 1, ("fleet", "shift-planner", 15))
    commits = background_commits(b, ["geocoder", "tile-proxy", "dispatch-api", "driver-app-bff"])
    rev = sha(b)
    t_commit = b.onset - 3 * 60 - 40
    decoy_t = b.onset - 47 * 60
    commits.append(Commit(sha(b), "Nadia Petrova", "nadia.petrova@example.org", decoy_t, "tile-proxy: bump image to 0.44.1",
                          files=[("M", "clusters/dc1/maps/tile-proxy/kustomization.yaml")]))
    decoy(b, sc, "tile-proxy", "0.44.1", decoy_t + 120)
    commits.append(Commit(rev, "Felix Braun", "felix.braun@example.org", t_commit, "geocoder: bump image to 1.9.0",
                          "built by the new graviton runners (CI-771)", [("M", "clusters/dc1/maps/geocoder/kustomization.yaml")],
                          ("argocd-image-updater", "noreply@example.org")))
    b.file("git-log.txt", git_log_fuller(commits))
    old = sc["geocoder"]
    new = rollout(b, old, "1.9.0", b.onset - 4, stall=1)
    for ev in [e for e in b.events if e["involvedObject"]["name"] == new.pods[0] and e["reason"] != "Scheduled"]:
        b.events.remove(ev)
    new.image = b.image("maps/geocoder", "1.9.0")
    pull_failures(b, new, 0, "no match for platform in manifest: not found",
                  [("RUST_LOG", "info,tower_http=warn"), ("GEOCODER_INDEX", "/data/index/de-2025q2")], "/healthz")
    run(b, sc)
    b.alert("KubePodNotReady", {"namespace": "maps", "pod": new.pods[0], "job": "kube-state-metrics"},
            "Pod has been in a non-ready state for more than 15 minutes.",
            f"Pod maps/{new.pods[0]} has been in a non-ready state for longer than 15 minutes.", b.onset + 15 * 60 + 40,
            runbook="https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubepodnotready")
    history(b, [("geocoder", 3, [None, None, None, None, None]), ("tile-proxy", 40, [None, None])])
    b.truth = Truth("image-pull", clock.iso(b.onset), {"kind": "Deployment", "namespace": "maps", "name": "geocoder"}, rev,
                    ["no match for platform in manifest", "geocoder:1.9.0", "ErrImagePull", "ImagePullBackOff", rev[:7]],
                    ["kubectl delete namespace", "imagePullPolicy: Never", "kubectl delete node", "--force"])
    st = container(new, state="Waiting", reason="ImagePullBackOff", restarts=0, limits={"memory": "1Gi"},
                   requests={"cpu": "500m", "memory": "768Mi"}, image_id="")
    st.container_id = ""
    b.paste = compose(
        "new geocoder stuck in ImagePullBackOff after image updater bumped it. other images from harbor pull fine.",
        [(f"kubectl describe pod {new.pods[0]} -n maps", describe(b, new, 0, st, "Pending")),
         events_section(b, "maps", b.onset - 60, limit=10, prefix="geocoder"),
         (f"journalctl -u containerd --since '{clock.dt(b.onset):%H:%M}' | grep -m3 PullImage",
          [f"{clock.dt(t):%b %d %H:%M:%S} {new.nodes[0].short} containerd[{new.nodes[0].pids['containerd']}]: {e['MESSAGE']}"
           for t, _, e in sorted(b.journal, key=lambda j: (j[0], j[1]))
           if e.get("SYSLOG_IDENTIFIER") == "containerd" and "PullImage" in e["MESSAGE"]][:3])])
