"""One `journalctl -o json` entry, with the trusted fields journald adds per transport."""

from __future__ import annotations

import zlib

from bench.variants.platforms import Node, Platform

# (transport, facility, comm, exe, cmdline, unit) per identifier; kubelet-like ones come from
# the platform.
_SERVICES = {
    "containerd": ("stdout", "3", "containerd", "/usr/bin/containerd", "/usr/bin/containerd",
                   "containerd.service"),
    "crio": ("stdout", "3", "crio", "/usr/bin/crio", "/usr/bin/crio", "crio.service"),
    "systemd": ("journal", "3", "systemd", "/usr/lib/systemd/systemd",
                "/usr/lib/systemd/systemd --switched-root --system --deserialize 31", "init.scope"),
    "sshd": ("syslog", "10", "sshd", "/usr/sbin/sshd", "sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups",
             "ssh.service"),
    "systemd-resolved": ("journal", "3", "systemd-resolve", "/usr/lib/systemd/systemd-resolved",
                         "/usr/lib/systemd/systemd-resolved", "systemd-resolved.service"),
    "chronyd": ("syslog", "3", "chronyd", "/usr/sbin/chronyd", "/usr/sbin/chronyd -F 2", "chronyd.service"),
}


def journal_entry(platform: Platform, node: Node, ident: str, t: float, message: str,
                  priority: int, seq: int) -> dict:
    """The JSON object journald prints for one message of `ident` on `node` at time `t`."""
    realtime = int(t * 1_000_000)
    monotonic = int((node.uptime + t % 100_000) * 1_000_000)  # monotone within a bundle window
    seqnum_id = f"{zlib.crc32(node.name.encode()):08x}" * 4
    x = f"{zlib.crc32(f'{seq}{node.name}'.encode()):08x}{seq:08x}"
    entry: dict = {
        "__CURSOR": f"s={seqnum_id};i={seq + 0x1a2000:x};b={node.boot_id};m={monotonic:x};t={realtime:x};x={x}",
        "__REALTIME_TIMESTAMP": str(realtime),
        "__MONOTONIC_TIMESTAMP": str(monotonic),
        "_BOOT_ID": node.boot_id,
    }
    if ident == "kernel":
        entry.update({"_TRANSPORT": "kernel", "PRIORITY": str(priority), "SYSLOG_FACILITY": "0",
                      "SYSLOG_IDENTIFIER": "kernel", "_SOURCE_MONOTONIC_TIMESTAMP": str(monotonic - 850)})
    else:
        transport, facility, comm, exe, cmdline, unit = _service(platform, node, ident)
        pid = node.pids.get(ident, 1 if ident == "systemd" else 900 + zlib.crc32(ident.encode()) % 3000)
        entry.update({
            "_TRANSPORT": transport, "PRIORITY": str(priority), "SYSLOG_FACILITY": facility,
            "SYSLOG_IDENTIFIER": ident, "_PID": str(pid), "_UID": "0", "_GID": "0", "_COMM": comm,
            "_EXE": exe, "_CMDLINE": cmdline, "_CAP_EFFECTIVE": "1ffffffffff",
            "_SYSTEMD_CGROUP": f"/system.slice/{unit}" if unit != "init.scope" else "/init.scope",
            "_SYSTEMD_UNIT": unit, "_SYSTEMD_SLICE": "system.slice" if unit != "init.scope" else "-.slice",
        })
        if transport == "stdout":
            entry["_STREAM_ID"] = f"{zlib.crc32((node.name + ident).encode()):08x}" * 4
        if transport == "journal":
            entry["_SOURCE_REALTIME_TIMESTAMP"] = str(realtime - 37)
    entry["_MACHINE_ID"] = node.machine_id
    entry["_HOSTNAME"] = node.short
    entry["MESSAGE"] = message
    return entry


def _service(platform: Platform, node: Node, ident: str) -> tuple[str, str, str, str, str, str]:
    if ident in (platform.kubelet_ident, "kubelet"):
        comm = "kubelet" if platform.kubelet_ident != "kubenswrapper" else "kubenswrapper"
        if platform.name == "k3s":
            comm = "k3s-agent"
        cmdline = platform.kubelet_cmdline.replace("{ip}", node.ip)
        return ("stdout", "3", comm, platform.kubelet_exe, cmdline, platform.kubelet_unit)
    if ident == "k3s":
        return ("stdout", "3", "k3s-agent", "/usr/local/bin/k3s", "/usr/local/bin/k3s agent",
                "k3s-agent.service")
    return _SERVICES.get(ident, ("stdout", "3", ident[:15], f"/usr/bin/{ident}", f"/usr/bin/{ident}",
                                 f"{ident}.service"))
