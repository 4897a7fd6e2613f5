"""Values and builders the server tests share (imported by name: `from server_helpers import
...`; a module of its own, since `conftest` is ambiguous when several test folders run)."""

from __future__ import annotations

import socket
from typing import Any

TOKEN = "s3cr3t-token-for-tests"
AM_TOKEN = "alertmanager-token-for-tests"


def closed_port() -> int:
    """A port nothing listens on (bound, read, released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def alertmanager_payload(
    *, group_key: str = '{}:{alertname="KubePodCrashLooping"}', status: str = "firing",
    fingerprints: tuple[str, ...] = ("a1b2c3",), starts_at: str = "2024-05-01T10:00:00Z",
    namespace: str = "shop", version: str = "4",
) -> dict[str, Any]:
    """A realistic Alertmanager v4 webhook payload."""
    alerts = [
        {
            "status": status,
            "labels": {"alertname": "KubePodCrashLooping", "namespace": namespace,
                       "pod": f"checkout-{fp}", "service": "checkout", "severity": "critical"},
            "annotations": {"summary": f"Pod {namespace}/checkout-{fp} is crash looping"},
            "startsAt": starts_at,
            "endsAt": "0001-01-01T00:00:00Z",
            "generatorURL": "http://prometheus:9090/graph?g0.expr=...",
            "fingerprint": fp,
        }
        for fp in fingerprints
    ]
    return {
        "version": version, "groupKey": group_key, "status": status, "receiver": "opslens",
        "groupLabels": {"alertname": "KubePodCrashLooping"},
        "commonLabels": {"alertname": "KubePodCrashLooping", "namespace": namespace},
        "commonAnnotations": {}, "externalURL": "http://alertmanager:9093",
        "truncatedAlerts": 0, "alerts": alerts,
    }


def wait_for(condition: Any, what: str, seconds: float = 60) -> Any:
    """Poll `condition` (a server that may not listen yet counts as not yet) until it returns
    something true, which is returned; fails the test after `seconds`."""
    import time

    import httpx

    deadline = time.monotonic() + seconds
    while True:
        try:
            if found := condition():
                return found
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)
