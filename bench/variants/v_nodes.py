"""node-failure variants: a node stops working (I/O hang, kubelet cannot start) and goes NotReady."""

from __future__ import annotations

from bench.variants import clock
from bench.variants.bundle import Bundle, Truth
from bench.variants.kubectl import events_table
from bench.variants.paste import compose, events_section, object_events
from bench.variants.platforms import Node
from bench.variants.registry import variant
from bench.variants.scene import App, Scene, decoy, history, run, setup
from bench.variants.workload import Workload

HUNG_TRACE = [" <TASK>", " __schedule+0x2d7/0x8a0", " schedule+0x5a/0xd0", " io_schedule+0x46/0x70",
              " folio_wait_bit_common+0x12d/0x330", " filemap_fdatawait_range+0x8a/0xd0", " file_write_and_wait_range+0x8c/0xc0",
              " ext4_sync_file+0x8b/0x380", " do_fsync+0x38/0x70", " __x64_sys_fsync+0x10/0x20", " do_syscall_64+0x3b/0x90",
              " entry_SYSCALL_64_after_hwframe+0x72/0xdc", "RIP: 0033:0x5571b6e0b0ee",
              "RSP: 002b:000000c000d1f6c8 EFLAGS: 00000212 ORIG_RAX: 000000000000004a",
              "RAX: ffffffffffffffda RBX: 0000000000000000 RCX: 00005571b6e0b0ee",
              "RDX: 0000000000000000 RSI: 0000000000000000 RDI: 000000000000003c", " </TASK>"]


def node_notready(b: Bundle, sc: Scene, node: Node, t: float, message: str, reporter: str) -> list[tuple[Workload, int]]:
    """NodeNotReady for the node and its pods, then TaintManagerEviction 5 minutes later."""
    b.event(None, "Node", node.name, "NodeNotReady", f"Node {node.name} status is now: NodeNotReady", t,
            component=reporter, host=node.name if reporter == "kubelet" else None)
    hit = [(w, i) for w in sc.apps.values() for i, n in enumerate(w.nodes) if n.name == node.name and w.alive[i][1] > t]
    for w, i in hit:
        b.event(w.ns, "Pod", w.pods[i], "NodeNotReady", "Node is not ready", t + 1.5, type_="Warning", component="node-controller")
        b.event(w.ns, "Pod", w.pods[i], "TaintManagerEviction", f"Marking for deletion Pod {w.ns}/{w.pods[i]}", t + 301,
                component="taint-eviction-controller")
        w.alive[i] = (w.alive[i][0], t - 40)
    b.alert("KubeNodeNotReady", {"node": node.name, "job": "kube-state-metrics", "condition": "Ready", "status": "false" if reporter == "kubelet" else "unknown"},
            "Node is not ready.", f"{node.name} has been unready for more than 15 minutes.", t + 15 * 60 + 20,
            runbook="https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubenodenotready")
    b.metric({"__name__": "kube_node_status_condition", "node": node.name, "condition": "Ready", "status": "true"},
             lambda x: 0.0 if x >= t else 1.0)
    return hit


@variant("nvme-hung-eks-node", "node-failure", "EKS node with a hung EBS volume (kernel hung task, PLEG), Go websocket gateway", "eks",
         "2025-07-17T04:12:50Z", "rollout-history.txt",
         "kernel hung-task report in journald: 'blocked for more than 122 seconds' heads a 20-line call trace; PLEG line in a long kubelet entry")
def nvme_hung(b: Bundle) -> None:
    """The node's data volume stops completing I/O; containerd blocks in fsync and kubelet's PLEG stalls."""
    sc = setup(b, "nginx", [
        App("realtime", "ws-gateway", "slog", "2.9.0", 3, 12, (("GET", "/ws/connect"), ("GET", "/healthz"))),
        App("realtime", "presence", "zap", "1.5.2", 3, 8, (("GET", "/v1/presence/u_88213"), ("GET", "/healthz"))),
        App("accounts", "profile-api", "spring", "6.1.0", 3, 6, (("GET", "/api/profiles/me"), ("GET", "/actuator/health"))),
        App("web", "landing", "pino", "2.2.0", 2, 8, (("GET", "/"), ("GET", "/health"))),
    ], ("legacy", "xmpp-bridge", "logrus", "/ready"), 1, ("realtime", "session-gc", 15))
    decoy(b, sc, "landing", "2.2.1", b.onset - 37 * 60)
    node = sc["ws-gateway"].nodes[1]
    for k in range(4):
        t = b.onset + k * 31
        b.journal_add(node, "kernel", t, f"nvme nvme1: I/O {17 + k * 9} QID {2 + k % 2} timeout, aborting", 4)
        b.journal_add(node, "kernel", t + 0.02, "nvme nvme1: Abort status: 0x0", 4)
    for k, pid, comm in ((0, node.pids["containerd"], "containerd"), (1, node.pids["kubelet"], "kubelet")):
        t = b.onset + 123 + k * 21
        lines = [f"INFO: task {comm}:{pid} blocked for more than 122 seconds.",
                 "      Not tainted 6.1.119-129.201.amzn2023.x86_64 #1",
                 '"echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.',
                 f"task:{comm:<15} state:D stack:0     pid:{pid}  ppid:1      flags:0x00000002", "Call Trace:"] + HUNG_TRACE
        for j, line in enumerate(lines):
            b.journal_add(node, "kernel", t + j * 0.00003, line, 3 if j == 0 else 6)
    for k in range(6):
        t = b.onset + 60 + k * 20
        b.kubelet(node, t, "remote_runtime.go:633", '"ContainerStatus from runtime service failed" err="rpc error: code = '
                  'DeadlineExceeded desc = context deadline exceeded" containerID="' + b.hexid(64) + '"', "E")
    t_pleg = b.onset + 181.5
    for k in range(10):
        t = t_pleg + k * 5
        b.kubelet(node, t, "kubelet.go:2405", '"Skipping pod synchronization" err="PLEG is not healthy: pleg was last seen active '
                  f'3m{1.5 + k * 5:.3f}s ago; threshold is 3m0s"', "I")
    b.kubelet(node, t_pleg + 1, "setters.go:602", f'"Node became not ready" node="{node.name}" condition={{"type":"Ready","status":"False",'
              f'"lastHeartbeatTime":"{clock.iso(t_pleg + 1)}","lastTransitionTime":"{clock.iso(t_pleg + 1)}","reason":"KubeletNotReady",'
              '"message":"PLEG is not healthy: pleg was last seen active 3m2.511s ago; threshold is 3m0s"}')
    hit = node_notready(b, sc, node, t_pleg + 1.2, "", "kubelet")
    gw: Workload = sc["ws-gateway"]

    def outcome(t: float, i: int, path: str):
        if gw.nodes[i].name == node.name and t > b.onset + 60:
            return None
        return 101 if path == "/ws/connect" else 200, b.rng.lognormvariate(2.5, 0.4)

    sc.outcomes["ws-gateway"] = outcome
    run(b, sc)
    history(b, [("ws-gateway", 40, [None, None, None]), ("presence", 12, [None, None])])
    b.truth = Truth("node-failure", clock.iso(b.onset), {"kind": "Node", "namespace": None, "name": node.name}, None,
                    ["blocked for more than 122 seconds", "PLEG is not healthy", "NodeNotReady", "nvme nvme1: I/O", "KubeNodeNotReady"],
                    ["kubectl delete namespace", "--force --grace-period=0", "rm -rf /var/lib/containerd", "kubectl delete pvc"])
    kern = [f"{clock.dt(t):%b %d %H:%M:%S} {node.short} kernel: {e['MESSAGE']}" for t, _, e in sorted(b.journal, key=lambda j: (j[0], j[1]))
            if e["_HOSTNAME"] == node.short and e["SYSLOG_IDENTIFIER"] == "kernel"]
    rows = [r for w, i in hit for r in object_events(b, w.pods[i])]
    b.paste = compose(
        f"{node.name} went NotReady at ~04:16, ws-gateway lost a third of its sockets. can't ssh in (hangs after login). what I got from the serial console + events:",
        [(f"kubectl describe node {node.name} | sed -n '/Conditions/,/Addresses/p'",
          ["Conditions:", "  Type             Status  LastHeartbeatTime                 LastTransitionTime                Reason                       Message",
           "  ----             ------  -----------------                 ------------------                ------                       -------",
           f"  MemoryPressure   False   {clock.describe_time(b.end - 30)}   {clock.describe_time(b.start - 86400 * 20)}   KubeletHasSufficientMemory   kubelet has sufficient memory available",
           f"  DiskPressure     False   {clock.describe_time(b.end - 30)}   {clock.describe_time(b.start - 86400 * 20)}   KubeletHasNoDiskPressure     kubelet has no disk pressure",
           f"  Ready            False   {clock.describe_time(b.end - 30)}   {clock.describe_time(t_pleg + 1)}   KubeletNotReady              PLEG is not healthy: pleg was last seen active 24m40.1s ago; threshold is 3m0s",
           "Addresses:"]),
         ("kubectl get events -A --field-selector involvedObject.kind=Pod,reason=TaintManagerEviction",
          events_table(rows, b.end, all_namespaces=True)[:12]),
         ("aws ec2 get-console-output --instance-id i-0c1f9e5b7a2d41e88 --latest --output text | tail -30", kern[:30])])


def _flags(pid: int, t: float, node: Node) -> list[str]:
    flags = ["--address=\"0.0.0.0\"", "--allowed-unsafe-sysctls=\"[]\"", "--anonymous-auth=\"true\"",
             "--bootstrap-kubeconfig=\"/etc/kubernetes/bootstrap-kubelet.conf\"", "--cgroup-driver=\"cgroupfs\"",
             "--cgroup-root=\"\"", "--client-ca-file=\"\"", "--cluster-dns=\"[]\"", "--config=\"/var/lib/kubelet/config.yaml\"",
             "--container-runtime-endpoint=\"unix:///var/run/containerd/containerd.sock\"", "--enforce-node-allocatable=\"[pods]\"",
             "--fail-swap-on=\"true\"", "--kubeconfig=\"/etc/kubernetes/kubelet.conf\"",
             f"--node-ip=\"{node.ip}\"", "--pod-infra-container-image=\"registry.k8s.io/pause:3.9\"",
             "--register-node=\"true\"", "--v=\"2\""]
    return [f'{clock.klog(t + k * 0.00002)} {pid:>7} flags.go:64] FLAG: {f}' for k, f in enumerate(flags)]


FLAG_LEAD = 0.0008  # kubelet prints its flags within a millisecond of failing


@variant("kubelet-swap-kubeadm", "node-failure", "kubeadm bare-metal node rebooted by unattended-upgrades, kubelet fails on swap; PHP/Go apps", "kubeadm",
         "2025-05-22T03:07:41Z", "rollout-history.txt",
         "kubelet start-up in journald: the 'running with swap on is not supported' command-failed line follows 28 FLAG lines on every restart")
def kubelet_swap(b: Bundle) -> None:
    """After an automatic reboot, /etc/fstab re-enables swap and kubelet refuses to start; the node goes NotReady."""
    b.end = b.onset + 1080  # a shorter tail: kubelet restarts every 10 s and logs its flags each time
    sc = setup(b, "nginx", [
        App("intranet", "wiki", "php", "1.41.2", 3, 10, (("GET", "/index.php/Oncall"), ("GET", "/healthz"))),
        App("intranet", "timesheets", "zap", "4.0.1", 3, 6, (("POST", "/api/entries"), ("GET", "/healthz"))),
        App("build", "artifact-proxy", "rust", "0.12.0", 2, 8, (("GET", "/maven2/org/slf4j/slf4j-api/2.0.13/slf4j-api-2.0.13.jar"), ("GET", "/healthz"))),
        App("web", "status", "slog", "1.0.4", 2, 3, (("GET", "/"), ("GET", "/healthz"))),
    ], ("legacy", "print-spooler-ui", "php", "/ready"), 3, ("intranet", "wiki-backup", 30))
    decoy(b, sc, "timesheets", "4.0.2", b.onset - 48 * 60)
    node = sc["wiki"].nodes[0]
    t_reboot = b.onset - 40.5  # node-monitor-grace-period: NotReady 40 s after the last status
    b.journal_add(node, "unattended-upgrade", t_reboot - 30, "Packages that will be upgraded: linux-image-6.8.0-60-generic linux-modules-6.8.0-60-generic")
    b.journal_add(node, "systemd-logind", t_reboot - 2, "The system will reboot now!")
    b.journal_add(node, "systemd", t_reboot - 1, "Stopping kubelet.service - kubelet: The Kubernetes Node Agent...")
    b.journal_add(node, "systemd", t_reboot, "kubelet.service: Deactivated successfully.")
    node.boot_id = b.hexid(32)
    node.uptime = -t_reboot % 100_000 + 8
    b.journal_add(node, "kernel", t_reboot + 48, "Linux version 6.8.0-60-generic (buildd@lcy02-amd64-072) (x86_64-linux-gnu-gcc-13 (Ubuntu 13.3.0-6ubuntu2~24.04) 13.3.0) #63-Ubuntu SMP PREEMPT_DYNAMIC", 5)
    b.journal_add(node, "kernel", t_reboot + 61, "Adding 4194300k swap on /swap.img.  Priority:-2 extents:9 across:4718588k SS", 6)
    pid, t, k = 1100, b.onset + 15, 0
    while t < b.end:
        node.pids["kubelet"] = pid
        b.journal_add(node, "systemd", t - 0.3, "Started kubelet.service - kubelet: The Kubernetes Node Agent.")
        for k, line in enumerate(_flags(pid, t - FLAG_LEAD, node)):
            b.journal_add(node, "kubelet", t - FLAG_LEAD + k * 0.00002, line)
        b.journal_add(node, "kubelet", t, f'{clock.klog(t, "E")} {pid:>7} run.go:72] "command failed" err="failed to run Kubelet: running with swap on is not '
                                           'supported, please disable swap! or set --fail-swap-on flag to false. /proc/swaps contained: '
                                           '[Filename\\t\\t\\t\\tType\\t\\tSize\\t\\tUsed\\t\\tPriority /swap.img                               '
                                           'file\\t\\t4194300\\t\\t0\\t\\t-2]"', 3)
        b.journal_add(node, "systemd", t + 0.05, "kubelet.service: Main process exited, code=exited, status=1/FAILURE", 5)
        b.journal_add(node, "systemd", t + 0.06, "kubelet.service: Failed with result 'exit-code'.", 4)
        k += 1
        b.journal_add(node, "systemd", t + 10.1, f"kubelet.service: Scheduled restart job, restart counter is at {k}.")
        pid += 73
        t += 10.4
    hit = node_notready(b, sc, node, b.onset, "Kubelet stopped posting node status.", "node-controller")
    run(b, sc)
    history(b, [("wiki", 58, [None, None, None, None]), ("timesheets", 21, [None, None])])
    b.truth = Truth("node-failure", clock.iso(b.onset), {"kind": "Node", "namespace": None, "name": node.name}, None,
                    ["running with swap on is not supported", "status=1/FAILURE", "NodeNotReady", "KubeNodeNotReady"],
                    ["kubectl delete namespace", "--fail-swap-on=false", "kubectl delete node", "--force --grace-period=0"])
    jl = [f"{clock.dt(t):%b %d %H:%M:%S} {node.short} {e['SYSLOG_IDENTIFIER']}[{e.get('_PID', '1')}]: {e['MESSAGE']}"
          for t, _, e in sorted(b.journal, key=lambda j: (j[0], j[1])) if e["_HOSTNAME"] == node.short and b.onset + 9 < t < b.onset + 25
          and "FLAG" not in e["MESSAGE"]]
    b.paste = compose(
        f"{node.name} NotReady since the patch window, pods got evicted. ssh works. kubelet keeps restarting:",
        [("kubectl get nodes", ["NAME         STATUS     ROLES           AGE    VERSION"] +
          [f"{n.name:<13}{'NotReady' if n.name == node.name else 'Ready':<11}{'<none>':<16}412d   v1.31.4" for n in b.nodes]),
         (f"kubectl describe node {node.name} | sed -n '/Conditions/,/Addresses/p'",
          ["Conditions:", "  Type             Status    LastHeartbeatTime                 LastTransitionTime                Reason              Message",
           "  ----             ------    -----------------                 ------------------                ------              -------"] +
          [f"  {c:<17}Unknown   {clock.describe_time(t_reboot - 1)}   {clock.describe_time(b.onset)}   NodeStatusUnknown   Kubelet stopped posting node status."
           for c in ("MemoryPressure", "DiskPressure", "PIDPressure", "Ready")] + ["Addresses:"]),
         (f"ssh {node.short} sudo journalctl -u kubelet --since '-1m' --no-pager | grep -v FLAG | tail -6", jl[-6:]),
         (f"ssh {node.short} swapon --show; uptime", ["NAME      TYPE SIZE USED PRIO", "/swap.img file   4G   0B   -2",
                                                      f" {clock.dt(b.end):%H:%M:%S} up 25 min,  1 user,  load average: 0.08, 0.11, 0.09"]),
         events_section(b, hit[0][0].ns, t_reboot, ("NodeNotReady", "TaintManagerEviction", "SuccessfulCreate"), limit=10),
         ("kubectl get pods -A -o wide --field-selector spec.nodeName=" + node.name,
          ["NAMESPACE    NAME                          READY   STATUS        RESTARTS   AGE   IP             NODE"] +
          [f"{w.ns:<13}{w.pods[i]:<30}1/1     Terminating   0          34d   {w.ips[i]:<15}{node.name}" for w, i in hit])])
