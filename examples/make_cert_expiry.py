"""Generate the `cert-expiry` example bundle (deterministic; the output is committed).

Story: cert-manager could not renew `shop/inventory-tls` (ACME rate limit); the certificate of
the inventory gRPC service expired at 02:00:00Z. Its clients (orders-api in Python, checkout in
Go, cart in Java) start failing TLS handshakes; orders-api turns unready and the ingress returns
5xx. The loudest component (orders-api, the ingress) is a victim. An unrelated storefront deploy
went out 40 minutes earlier.

Run: python examples/make_cert_expiry.py  (writes examples/cert-expiry/)
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

OUT = Path(__file__).resolve().parent / "cert-expiry"
START = datetime(2025, 9, 1, 1, 0, 0, tzinfo=UTC)
EXPIRY = datetime(2025, 9, 1, 2, 0, 0, tzinfo=UTC)
END = datetime(2025, 9, 1, 2, 40, 0, tzinfo=UTC)
NODE = "ip-10-20-3-41.eu-central-1.compute.internal"
rng = random.Random(7)


def iso(t: datetime, digits: int = 3) -> str:
    frac = f"{t.microsecond:06d}"[:digits]
    return t.strftime("%Y-%m-%dT%H:%M:%S") + (f".{frac}" if digits else "") + "Z"


def ticks(step_s: float, jitter: float = 0.6):
    t = START
    while t < END:
        yield t
        t += timedelta(seconds=step_s * (1 - jitter / 2 + rng.random() * jitter))


def orders_api(pod: str) -> list[str]:
    lines = []
    for t in ticks(6):
        stamp = t.strftime("%Y-%m-%d %H:%M:%S,") + f"{t.microsecond // 1000:03d}"
        if t < EXPIRY or rng.random() < 0.35:
            oid = rng.randint(100000, 999999)
            ms = rng.randint(18, 90)
            lines.append(f"{stamp} INFO orders.api: POST /v1/orders/{oid}/reserve 200 in {ms}ms")
        else:
            lines.append(f"{stamp} ERROR orders.inventory_client: reserve failed for order {rng.randint(100000, 999999)}")
            lines += [
                "Traceback (most recent call last):",
                '  File "/app/orders/inventory_client.py", line 88, in reserve',
                "    resp = self._stub.Reserve(req, timeout=2.0)",
                '  File "/usr/local/lib/python3.12/ssl.py", line 1342, in do_handshake',
                "    self._sslobj.do_handshake()",
                "ssl.SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: certificate has expired (_ssl.c:1006)",
            ]
        if rng.random() < 0.08:
            lines.append(f"{stamp} INFO gunicorn.access: 10.20.{rng.randint(1, 9)}.{rng.randint(2, 250)} \"GET /healthz HTTP/1.1\" {200 if t < EXPIRY else 503}")
    return lines


def checkout(pod: str) -> list[str]:
    lines = []
    for t in ticks(9):
        if t < EXPIRY or rng.random() < 0.4:
            rec = {"level": "info", "ts": round(t.timestamp(), 6), "caller": "http/server.go:142", "msg": "checkout completed",
                   "cart_items": rng.randint(1, 7), "duration_ms": rng.randint(40, 220)}
        else:
            secs = int((t - EXPIRY).total_seconds())
            rec = {"level": "error", "ts": round(t.timestamp(), 6), "caller": "inventory/client.go:77", "msg": "inventory reservation failed",
                   "error": f'rpc error: code = Unavailable desc = connection error: desc = "transport: authentication handshake failed: tls: failed to verify certificate: x509: certificate has expired or is not yet valid: current time {iso(EXPIRY + timedelta(seconds=secs), 0)} is after 2025-09-01T02:00:00Z"'}
        lines.append(json.dumps(rec, separators=(",", ":")))
    return lines


def inventory(pod: str) -> list[str]:
    lines = []
    for t in ticks(15):
        stamp = t.strftime("%Y/%m/%d %H:%M:%S")
        if t < EXPIRY:
            lines.append(f"{stamp} grpc: Reserve ok sku=SKU-{rng.randint(10000, 99999)} qty={rng.randint(1, 4)}")
        else:
            lines.append(f"{stamp} http: TLS handshake error from 10.20.{rng.randint(1, 9)}.{rng.randint(2, 250)}:{rng.randint(30000, 60000)}: remote error: tls: bad certificate")
    return lines


def cart(pod: str) -> list[str]:
    lines = []
    for t in ticks(20):
        stamp = iso(t)
        thread = f"http-nio-8080-exec-{rng.randint(1, 12)}"
        if t < EXPIRY:
            lines.append(f"{stamp}  INFO 1 --- [cart] [{thread:>15}] c.s.cart.web.CartController             : GET /api/cart/{rng.randint(1000, 9999)} -> 200 ({rng.randint(3, 30)} ms)")
        else:
            lines += [
                f"{stamp} ERROR 1 --- [cart] [{thread:>15}] c.s.cart.stock.StockClient               : stock check failed",
                "javax.net.ssl.SSLHandshakeException: PKIX path validation failed: java.security.cert.CertPathValidatorException: validity check failed",
                "\tat java.base/sun.security.ssl.Alert.createSSLException(Alert.java:130)",
                "\tat java.base/sun.security.ssl.TransportContext.fatal(TransportContext.java:378)",
                "\tat com.shop.cart.stock.StockClient.check(StockClient.java:52)",
                "Caused by: java.security.cert.CertificateExpiredException: NotAfter: Mon Sep 01 02:00:00 UTC 2025",
                "\tat java.base/sun.security.x509.CertificateValidity.valid(CertificateValidity.java:277)",
                "\t... 41 more",
            ]
    return lines


def ingress(pod: str) -> list[str]:
    lines = []
    agents = ["Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0", "okhttp/4.12.0", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X)"]
    for t in ticks(7):
        stamp = t.strftime("%d/%b/%Y:%H:%M:%S +0000")
        upstream, path = rng.choice([("shop-orders-api-8000", "/v1/orders"), ("shop-storefront-80", "/"), ("shop-cart-8080", "/api/cart")])
        status = 200
        if t >= EXPIRY and upstream != "shop-storefront-80" and rng.random() < 0.6:
            status = rng.choice([502, 503, 503])
        ip = f"{rng.randint(20, 220)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
        rt = rng.randint(3, 120) / 1000
        lines.append(f'{ip} - - [{stamp}] "GET {path} HTTP/2.0" {status} {rng.randint(200, 9000)} "-" "{rng.choice(agents)}" {rng.randint(40, 700)} {rt:.3f} [{upstream}] [] 10.20.4.{rng.randint(2, 250)}:8000 {rng.randint(200, 9000)} {rt:.3f} {status} {rng.getrandbits(128):032x}')
    return lines


def journal() -> list[str]:
    rows = []
    for t in ticks(11):
        usec = int(t.timestamp() * 1e6)
        if rng.random() < 0.5:
            msg, ident, unit, prio = (f"I{t.strftime('%m%d %H:%M:%S')}.{t.microsecond:06d}    2211 kubelet_node_status.go:538] \"Fast updating node status as it just became ready\"" if rng.random() < 0.02
                                      else f"I{t.strftime('%m%d %H:%M:%S')}.{t.microsecond:06d}    2211 kubelet.go:2468] \"SyncLoop (probe)\" probe=\"readiness\" status=\"{'ready' if t < EXPIRY else 'not ready'}\" pod=\"shop/orders-api-6f7c9d8b5d-{rng.choice(['k2x9p', 'm7q4z', 'w8r2t'])}\""), "kubelet", "kubelet.service", "6"
        else:
            msg, ident, unit, prio = (f"time=\"{iso(t, 9)}\" level=info msg=\"ExecSync for \\\"{rng.getrandbits(64):016x}\\\" returns with exit code 0\""), "containerd", "containerd.service", "6"
        rows.append(json.dumps({"__REALTIME_TIMESTAMP": str(usec), "_HOSTNAME": NODE, "PRIORITY": prio, "SYSLOG_IDENTIFIER": ident, "_SYSTEMD_UNIT": unit, "_TRANSPORT": "stdout", "MESSAGE": msg}, separators=(",", ":")))
    return rows


def k8s_events() -> dict:
    def ev(reason, typ, kind, name, ns, msg, first, last, count, component):
        return {"apiVersion": "v1", "kind": "Event", "count": count, "type": typ, "reason": reason, "message": msg,
                "firstTimestamp": iso(first, 0), "lastTimestamp": iso(last, 0),
                "involvedObject": {"kind": kind, "name": name, "namespace": ns},
                "metadata": {"name": f"{name}.{rng.getrandbits(64):016x}", "namespace": ns},
                "source": {"component": component}}
    t = EXPIRY
    items = [
        ev("Issuing", "Normal", "Certificate", "inventory-tls", "shop", "Renewing certificate as renewal was scheduled at 2025-08-02 02:00:00 +0000 UTC",
           datetime(2025, 9, 1, 1, 2, tzinfo=UTC), datetime(2025, 9, 1, 1, 2, tzinfo=UTC), 1, "cert-manager-certificates-trigger"),
        ev("Failed", "Warning", "CertificateRequest", "inventory-tls-7", "shop",
           'Failed to wait for order resource "inventory-tls-7-3301442210" to become ready: order is in "errored" state: Failed to create Order: 429 urn:ietf:params:acme:error:rateLimited: too many certificates already issued for this exact set of domains in the last 168 hours',
           datetime(2025, 9, 1, 1, 3, tzinfo=UTC), datetime(2025, 9, 1, 2, 33, tzinfo=UTC), 7, "cert-manager-certificaterequests-issuer-acme"),
        ev("ScalingReplicaSet", "Normal", "Deployment", "storefront", "shop", "Scaled up replica set storefront-5b9d7c6f48 to 3 from 0",
           datetime(2025, 9, 1, 1, 21, 40, tzinfo=UTC), datetime(2025, 9, 1, 1, 21, 40, tzinfo=UTC), 1, "deployment-controller"),
    ]
    for pod in ("k2x9p", "m7q4z", "w8r2t"):
        items.append(ev("Unhealthy", "Warning", "Pod", f"orders-api-6f7c9d8b5d-{pod}", "shop", "Readiness probe failed: HTTP probe failed with statuscode: 503",
                        t + timedelta(seconds=rng.randint(20, 60)), END - timedelta(seconds=rng.randint(5, 40)), rng.randint(180, 230), "kubelet"))
    return {"apiVersion": "v1", "kind": "List", "items": items, "metadata": {"resourceVersion": ""}}


def alerts() -> dict:
    def alert(name, sev, labels, summary, description, starts):
        lab = {"alertname": name, "severity": sev, "prometheus": "monitoring/k8s", **labels}
        return {"status": "firing", "labels": lab, "annotations": {"summary": summary, "description": description},
                "startsAt": iso(starts), "endsAt": "0001-01-01T00:00:00Z", "generatorURL": "http://prometheus-k8s-0:9090/graph",
                "fingerprint": f"{rng.getrandbits(64):016x}"}
    return {
        "version": "4", "status": "firing", "receiver": "oncall-shop", "groupKey": '{}:{namespace="shop"}', "truncatedAlerts": 0,
        "groupLabels": {"namespace": "shop"}, "commonLabels": {"namespace": "shop"}, "commonAnnotations": {},
        "externalURL": "http://alertmanager-main-0:9093",
        "alerts": [
            alert("OrdersAPIHighErrorRate", "critical", {"namespace": "shop", "service": "orders-api"}, "orders-api 5xx ratio above 5%",
                  "41% of requests to orders-api in namespace shop returned 5xx over the last 5 minutes.", EXPIRY + timedelta(minutes=4, seconds=12)),
            alert("SSLCertificateExpired", "critical", {"namespace": "shop", "service": "inventory", "job": "blackbox", "instance": "inventory.shop.svc:8443"},
                  "TLS certificate of inventory.shop.svc:8443 has expired", "The certificate presented by inventory.shop.svc:8443 expired 3m ago.", EXPIRY + timedelta(minutes=3)),
            alert("KubeDeploymentReplicasMismatch", "warning", {"namespace": "shop", "deployment": "orders-api", "job": "kube-state-metrics"},
                  "Deployment has not matched the expected number of replicas.", "Deployment shop/orders-api has not matched the expected number of replicas for longer than 15 minutes.", EXPIRY + timedelta(minutes=16)),
        ],
    }


def metrics() -> dict:
    series = []
    def add(labels, fn):
        values, t = [], START
        while t <= END:
            values.append([int(t.timestamp()), f"{fn(t):.6g}"])
            t += timedelta(seconds=30)
        series.append({"metric": labels, "values": values})
    add({"__name__": "probe_success", "instance": "inventory.shop.svc:8443", "job": "blackbox", "namespace": "shop"}, lambda t: 1 if t < EXPIRY else 0)
    add({"__name__": "probe_ssl_earliest_cert_expiry", "instance": "inventory.shop.svc:8443", "job": "blackbox", "namespace": "shop"}, lambda t: EXPIRY.timestamp())
    add({"__name__": "namespace_service:http_requests_5xx:rate5m", "namespace": "shop", "service": "orders-api"},
        lambda t: rng.uniform(0.0, 0.05) if t < EXPIRY else min(9.0, 0.5 + (t - EXPIRY).total_seconds() / 40) + rng.uniform(-0.3, 0.3))
    add({"__name__": "container_memory_working_set_bytes", "namespace": "shop", "pod": "orders-api-6f7c9d8b5d-k2x9p", "container": "orders-api"},
        lambda t: 3.1e8 + rng.uniform(-6e6, 6e6))
    return {"status": "success", "data": {"resultType": "matrix", "result": series}}


def git_log() -> str:
    commits = [
        ("4be1c0f7a2d94e35b8c1d0e6f7a8b9c0d1e2f3a4", "Mara Lindqvist <mara@shop.example>", datetime(2025, 9, 1, 1, 20, 5, tzinfo=UTC),
         "storefront: bump image to 5.3.1", "M\tapps/shop/storefront/values-prod.yaml"),
        ("9d3e2a1b0c4f5e6d7a8b9c0d1e2f3a4b5c6d7e8f", "Jon Okafor <jon@shop.example>", datetime(2025, 8, 29, 15, 2, 44, tzinfo=UTC),
         "inventory: serve gRPC over TLS with cert-manager certificate", "M\tapps/shop/inventory/certificate.yaml"),
    ]
    out = []
    for sha, author, when, subject, files in commits:
        out += [f"commit {sha}", f"Author: {author}", f"Date:   {when.strftime('%a %b %-d %H:%M:%S %Y +0000')}", "", f"    {subject}", "", files, ""]
    return "\n".join(out)


def write(name: str, lines: list[str]) -> None:
    path = OUT / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    for pod in ("k2x9p", "m7q4z", "w8r2t"):
        write(f"pods/shop_orders-api-6f7c9d8b5d-{pod}_orders-api.log", orders_api(pod))
    for pod in ("4jq8s", "t6v2n"):
        write(f"pods/shop_checkout-7d4b8c9f6-{pod}_checkout.log", checkout(pod))
        write(f"pods/shop_cart-85f6d9c7b-{pod}_cart.log", cart(pod))
    for pod in ("x7k2m", "p9w3c"):
        write(f"pods/shop_inventory-6c8d7b5f9-{pod}_inventory.log", inventory(pod))
    for pod in ("h2k8d", "q5n7v"):
        write(f"pods/ingress-nginx_ingress-nginx-controller-7c9f8b6d4-{pod}_controller.log", ingress(pod))
    write("journal.jsonl", journal())
    (OUT / "k8s-events.json").write_text(json.dumps(k8s_events(), indent=2) + "\n")
    (OUT / "alerts.json").write_text(json.dumps(alerts(), indent=2) + "\n")
    (OUT / "metrics.json").write_text(json.dumps(metrics()) + "\n")
    (OUT / "git-log.txt").write_text(git_log())


if __name__ == "__main__":
    main()
