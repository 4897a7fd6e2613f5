"""oom variants: a container exceeds its memory limit and the kernel's memcg OOM killer fires."""

from __future__ import annotations

from bench.variants import clock, records
from bench.variants.background import pod_series
from bench.variants.bundle import Bundle, Truth
from bench.variants.changes import Commit, background_commits, git_log_fuller, sha
from bench.variants.kubectl import events_table
from bench.variants.paste import (
    compose,
    container,
    describe,
    events_section,
    log_lines,
    object_events,
)
from bench.variants.registry import variant
from bench.variants.scene import App, decoy, history, run, setup
from bench.variants.workload import Workload, crashloop, restarts_at


def oom_report(b: Bundle, w: Workload, i: int, t: float, comm: str, pid: int, limit_kb: int, v2: bool,
               siblings: list[tuple[int, str, int]], kernel: str, hw: str, npd: bool) -> None:
    """Kernel OOM report lines on the pod's node, the runtime's TaskOOM line and (GKE) NPD's event."""
    node = w.nodes[i]
    cid = b.hexid(64)
    uid = w.uids[i].replace("-", "_")
    cgroup = (f"/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod{uid}.slice/cri-containerd-{cid}.scope"
              if v2 else f"/kubepods/burstable/pod{w.uids[i]}/{cid}")
    if b.platform.runtime == "crio":
        cgroup = cgroup.replace("cri-containerd-", "crio-")
    rss = max(r for _, _, r in siblings)
    lines = records.kernel_oom(comm, pid, limit_kb, limit_kb, cgroup, 985 if w.kind != "StatefulSet" else 999, rss, 1000,
                               siblings, kernel, hw)
    for k, (prio, msg) in enumerate(lines):
        b.journal_add(node, "kernel", t + k * 0.00004, msg, prio)
    if b.platform.runtime == "crio":
        b.runtime(node, t + 0.2, "info", f"Container {cid[:12]} in pod {w.ns}/{w.pods[i]} was OOM killed")
    else:
        b.runtime(node, t + 0.2, "info", f"TaskOOM event container_id:\\\"{cid}\\\"")
    if npd:
        b.event(None, "Node", node.name, "OOMKilling", lines[-1][1], t + 1, type_="Warning", component="kernel-monitor",
                host=node.name)


def oom_metrics(b: Bundle, w: Workload, limit: int, kills: list[list[float]], base: float) -> None:
    """Working set climbing to the limit before each kill; limit and last-terminated-reason series."""
    def ws(t: float, i: int) -> float | None:
        prev = max([k for k in kills[i] if k <= t], default=None)
        nxt = min([k for k in kills[i] if k > t], default=None)
        if nxt is not None and nxt - t < 400:
            return base + (limit * 0.995 - base) * (1 - (nxt - t) / 400)
        if prev is not None and t - prev < 20:
            return None
        return base * (1 + 0.03 * b.rng.random())

    pod_series(b, "container_memory_working_set_bytes", w, ws, {"job": "kubelet", "metrics_path": "/metrics/cadvisor"})
    pod_series(b, "kube_pod_container_resource_limits", w, lambda t, i: float(limit),
               {"job": "kube-state-metrics", "resource": "memory", "unit": "byte"})
    pod_series(b, "kube_pod_container_status_last_terminated_reason", w,
               lambda t, i: 1.0 if any(k <= t for k in kills[i]) else None,
               {"job": "kube-state-metrics", "reason": "OOMKilled"})


def _celery_lost(t: float, child: int, job: int) -> str:
    tb = "\n".join([
        "Traceback (most recent call last):",
        '  File "/usr/local/lib/python3.11/site-packages/billiard/pool.py", line 1265, in mark_as_worker_lost',
        "    raise WorkerLostError(",
        "billiard.einfo.ExceptionWithTraceback: ",
        '"""',
        "Traceback (most recent call last):",
        '  File "/usr/local/lib/python3.11/site-packages/billiard/pool.py", line 1265, in mark_as_worker_lost',
        "    raise WorkerLostError(",
        f"billiard.exceptions.WorkerLostError: Worker exited prematurely: signal 9 (SIGKILL) Job: {job}.",
        '"""'])
    return (f"[{clock.spaced(t)}: ERROR/MainProcess] Process 'ForkPoolWorker-{child}' pid:{40 + child} exited with 'signal 9 (SIGKILL)'\n"
            f"[{clock.spaced(t + 0.1)}: ERROR/MainProcess] Task handler raised error: WorkerLostError('Worker exited "
            f"prematurely: signal 9 (SIGKILL) Job: {job}.')\n{tb}")


@variant("docrender-celery-oom", "oom", "Python Celery (prefork) + Redis broker, ingress-nginx, cgroup v1 GKE pool", "gke",
         "2025-04-12T02:14:07Z", "rollout-history.txt",
         "kernel memcg OOM report (35 journald lines: call trace, task table) before 'Killed process'; Celery WorkerLostError traceback")
def docrender(b: Bundle) -> None:
    """A batch of 600-page scans makes each render child grow past the 1Gi limit; redelivery repeats it."""
    sc = setup(b, "nginx", [
        App("documents", "pdf-render-worker", "celery", "2.14.0", 2, 5, (("TASK", "documents.tasks.render_pdf"),), exposed=False),
        App("documents", "doc-api", "uvicorn", "3.3.2", 2, 9, (("POST", "/v1/documents"), ("GET", "/v1/documents/d_51234/status"), ("GET", "/healthz"))),
        App("identity", "sso-bridge", "spring", "8.1.4", 2, 6, (("POST", "/saml/acs"), ("GET", "/actuator/health"))),
        App("web", "help-center", "rails", "2025.3.1", 2, 5, (("GET", "/articles/412-reset-password"), ("GET", "/up"))),
    ], ("analytics", "metabase", "spring", "/api/health"), 1, ("documents", "retention-sweeper", 20))
    decoy(b, sc, "doc-api", "3.3.3", b.onset - 36 * 60)
    w = sc["pdf-render-worker"]
    limit_kb = 1048576
    kills: list[list[float]] = [[], []]
    # pod 0: children are OOM-killed from the onset, then the main process; then it crash-loops.
    child_kills = [b.onset, b.onset + 95, b.onset + 170]
    for k, t in enumerate(child_kills):
        oom_report(b, w, 0, t, "celery", 2384400 + 37 * k, limit_kb, False,
                   [(2384311, "celery", 98_000), (2384400 + 37 * k, "celery", 1_010_000 - 9_000 * k),
                    (2384402, "celery", 214_000)], "5.15.0-1057-gke", "Google Google Compute Engine/Google Compute Engine, BIOS Google 05/07/2025", True)
        w.log(b, 0).add(t + 0.05, _celery_lost(t + 0.05, k + 2, 118 + k))
        kills[0].append(t)
    main_kill = b.onset + 240
    w.alive[0] = (w.alive[0][0], main_kill)

    def attempt(s: float, e: float, k: int) -> None:
        log = w.log(b, 0)
        log.add(s + 2.1, f"[{clock.spaced(s + 2.1)}: INFO/MainProcess] Connected to redis://redis-broker.documents.svc:6379/0")
        log.add(s + 3.0, f"[{clock.spaced(s + 3.0)}: INFO/MainProcess] celery@{w.pods[0]} ready.")
        log.add(s + 3.4, f"[{clock.spaced(s + 3.4)}: INFO/MainProcess] Task documents.tasks.render_pdf[{b.uid()}] received")
        if e < b.end:
            oom_report(b, w, 0, e - 0.05, "celery", 2390000 + 211 * k, limit_kb, False,
                       [(2390000 + 211 * k, "celery", 1_031_000), (2390000 + 211 * k + 9, "celery", 12_000)],
                       "5.15.0-1057-gke", "Google Google Compute Engine/Google Compute Engine, BIOS Google 05/07/2025", True)
            kills[0].append(e)

    attempts = crashloop(b, w, 0, main_kill + 12, 60.0, 137, "OOMKilled", attempt)
    oom_report(b, w, 0, main_kill, "celery", 2384311, limit_kb, False, [(2384311, "celery", 1_002_000)],
               "5.15.0-1057-gke", "Google Google Compute Engine/Google Compute Engine, BIOS Google 05/07/2025", True)
    kills[0].append(main_kill)
    run(b, sc)
    oom_metrics(b, w, limit_kb * 1024, kills, 310_000_000)
    b.alert("KubePodCrashLooping", {"namespace": "documents", "pod": w.pods[0], "container": "pdf-render-worker", "job": "kube-state-metrics"},
            "Pod is crash looping.", f"Pod documents/{w.pods[0]} (pdf-render-worker) is in waiting state (reason: \"CrashLoopBackOff\").",
            main_kill + 15 * 60, runbook="https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubepodcrashlooping")
    history(b, [("pdf-render-worker", 40, [None, None, "image bump 2.13.2", "image bump 2.14.0"]),
                ("doc-api", 61, [None, None, None])])
    b.truth = Truth("oom", clock.iso(b.onset), {"kind": "Deployment", "namespace": "documents", "name": "pdf-render-worker"}, None,
                    ["Memory cgroup out of memory: Killed process", "(celery)", "Worker exited prematurely: signal 9 (SIGKILL)",
                     "OOMKilled", "limit 1048576kB"],
                    ["kubectl delete namespace", "kubectl delete pod", "--force", "FLUSHALL", "kubectl rollout undo"])
    last_s, last_e = [a for a in attempts if a[1] < b.end][-1]
    st = container(w, state="Waiting", reason="CrashLoopBackOff", last_reason="OOMKilled", last_exit=137,
                   last_started=last_s, last_finished=last_e, restarts=restarts_at(attempts, b.end) + 1,
                   limits={"cpu": "2", "memory": "1Gi"}, requests={"cpu": "500m", "memory": "1Gi"})
    lost = log_lines(b, w, 0, b.onset - 1, b.onset + 1, 14)
    b.paste = compose(
        "render workers keep restarting since ~02:14, queue is backing up. celery says workers lost with SIGKILL:",
        [(f"kubectl describe pod {w.pods[0]} -n documents", describe(b, w, 0, st, "Running")),
         events_section(b, "documents", b.onset - 60, limit=8, prefix="pdf-render"),
         (f"kubectl logs {w.pods[0]} -n documents --previous | grep -B2 -A12 WorkerLost | head -14", lost),
         ("kubectl get events -A --field-selector reason=OOMKilling | tail -3",
          events_table(object_events(b, w.nodes[0].name)[-3:], b.end, all_namespaces=True))])


def _sidekiq_start(t: float, jid: str, account: int) -> str:
    return (f"{clock.iso_ms(t)} pid=1 tid=owq8k class=AccountExportJob jid={jid} INFO: start "
            f'args=[{account}, "xlsx", {{"include_archived" => true, "since" => "2015-01-01"}}]')


@variant("exporter-sidekiq-openshift-oom", "oom", "Ruby/Rails Sidekiq + MySQL, OpenShift router (HAProxy), CRI-O, cgroup v2", "openshift",
         "2025-10-21T16:33:52Z", "git-log.txt",
         "kernel OOM report in journald (kubenswrapper/crio node): limit line and 'Killed process ... (ruby)' after a 20-line call trace")
def exporter(b: Bundle) -> None:
    """A full-history XLSX export of a large account grows the Sidekiq process past its 2Gi limit."""
    sc = setup(b, "haproxy", [
        App("reports", "export-worker", "sidekiq", "2025.10.2", 2, 4, (("JOB", "WeeklyDigestJob"), ("JOB", "AccountExportJob")), exposed=False),
        App("reports", "reports-web", "rails", "2025.10.2", 2, 8, (("GET", "/reports/exports"), ("POST", "/reports/exports"), ("GET", "/up"))),
        App("catalog", "pricing-rules", "spring", "4.2.0", 2, 5, (("GET", "/api/rules/active"), ("GET", "/actuator/health"))),
        App("ops", "feature-flags", "zap", "1.22.0", 2, 6, (("GET", "/v1/flags"), ("GET", "/healthz"))),
    ], ("legacy", "ftp-ingest", "logrus", "/ready"), 0, ("reports", "export-cleanup", 30))
    commits = background_commits(b, ["export-worker", "reports-web", "pricing-rules", "feature-flags"])
    decoy_t = b.onset - 22 * 60
    commits.append(Commit(sha(b), "Hanna Berg", "hanna.berg@example.org", decoy_t, "pricing-rules: bump image to 4.2.1",
                          files=[("M", "apps/catalog/pricing-rules/deployment.yaml")]))
    decoy(b, sc, "pricing-rules", "4.2.1", decoy_t + 90)
    b.file("git-log.txt", git_log_fuller(commits))
    w = sc["export-worker"]
    limit_kb = 2097152
    kills: list[list[float]] = [[], []]
    jid = b.hexid(24)
    w.log(b, 0).add(b.onset - 340, _sidekiq_start(b.onset - 340, jid, 40412))
    w.alive[0] = (w.alive[0][0], b.onset)
    kernel, hw = "5.14.0-427.40.1.el9_4.x86_64", "VMware, Inc. VMware7,1/440BX Desktop Reference Platform, BIOS VMW71.00V.21100432.B64.2301110304 01/11/2023"

    def attempt(s: float, e: float, k: int) -> None:
        log = w.log(b, 0)
        log.add(s + 6, f"{clock.iso_ms(s + 6)} pid=1 tid=gq1 INFO: Booted Rails 7.1.4 application in production environment")
        log.add(s + 8, _sidekiq_start(s + 8, jid, 40412))
        if e < b.end:
            oom_report(b, w, 0, e - 0.05, "ruby", 918_200 + 97 * k, limit_kb, True, [(918_200 + 97 * k, "ruby", 2_071_000)], kernel, hw, False)
            kills[0].append(e)

    oom_report(b, w, 0, b.onset, "ruby", 917_544, limit_kb, True, [(917_544, "ruby", 2_069_000)], kernel, hw, False)
    kills[0].append(b.onset)
    attempts = crashloop(b, w, 0, b.onset + 1.5, 330.0, 137, "OOMKilled", attempt)
    run(b, sc)
    oom_metrics(b, w, limit_kb * 1024, kills, 640_000_000)
    b.alert("ContainerOOMKilled", {"namespace": "reports", "pod": w.pods[0], "container": "export-worker"},
            "Container export-worker was OOMKilled", f"Container export-worker in pod reports/{w.pods[0]} was OOMKilled 1 times in the last 10 minutes (limit 2Gi).",
            b.onset + 60, expr='increase(kube_pod_container_status_restarts_total[10m]) > 0 and kube_pod_container_status_last_terminated_reason{reason="OOMKilled"} == 1')
    history(b, [("export-worker", 112, [None, None, None, None]), ("reports-web", 112, [None, None, None, None])])
    b.truth = Truth("oom", clock.iso(b.onset), {"kind": "Deployment", "namespace": "reports", "name": "export-worker"}, None,
                    ["Memory cgroup out of memory: Killed process", "(ruby)", "OOMKilled", "limit 2097152kB", "ContainerOOMKilled"],
                    ["kubectl delete namespace", "oc delete project", "--force", "kubectl delete pod", "SET GLOBAL max_connections"])
    last_s, last_e = [a for a in attempts if a[1] < b.end][-1]
    st = container(w, state="Running", started=attempts[-1][0], last_reason="OOMKilled", last_exit=137, last_started=last_s,
                   last_finished=last_e, restarts=restarts_at(attempts, b.end) + 1, ready=True,
                   limits={"cpu": "1", "memory": "2Gi"}, requests={"cpu": "250m", "memory": "1Gi"})
    node = w.nodes[0]
    kern = [f"{clock.dt(e[0]):%b %d %H:%M:%S} {node.short} kernel: {e[2]['MESSAGE']}" for e in sorted(b.journal, key=lambda j: j[0])
            if e[2]["_HOSTNAME"] == node.short and e[2]["SYSLOG_IDENTIFIER"] == "kernel" and e[0] <= b.onset + 1]
    b.paste = compose(
        "export-worker pod restarted 4 times this afternoon, exports stuck at 'processing'. node journal from the worker:",
        [(f"oc describe pod {w.pods[0]} -n reports", describe(b, w, 0, st, "Running", True)),
         events_section(b, "reports", b.onset - 60, limit=6, prefix="export-worker"),
         (f"oc adm node-logs {node.name} --path=journal -u kernel | grep -A40 'invoked oom-killer' | tail -16", kern[-16:]),
         (f"oc logs {w.pods[0]} -n reports --previous | tail -3", log_lines(b, w, 0, last_s - 1, last_e + 1, 3))])
