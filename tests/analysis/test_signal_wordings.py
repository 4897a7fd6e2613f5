"""The knowledge base recognises the wordings real tools print, and not their near misses.

Each row is a line in the shape a tool prints it (our own names and values) and the signal it
must (or must not) raise. Signatures carry their own examples (test_signatures_data.py); these
rows cover the generic signals of signals.yaml.
"""

from __future__ import annotations

import pytest

from opslens.analysis.signals import text_signals

RAISES = [
    # a client told that a remote answered 5xx
    ("npm WARN retry will retry, error on last attempt: Error: fetch failed with status code 503", "dependency_failure"),
    ('error: POST https://api.vcs.example.com/orgs/acme/runners/registration-token: 502  []', "dependency_failure"),
    ("Http response code: ServiceUnavailable from 'POST https://api.vcs.example.com/runner-registration'", "dependency_failure"),
    ("curl: (22) The requested URL returned error: 504", "dependency_failure"),
    ("2025/04/02 10:11:12 fetch.go:88: index sync: unexpected server response code: 503", "dependency_failure"),
    ("run: Unexpected HTTP code: 502, URL: https://registry.example.org/v2/shop/cart/manifests/2.1", "dependency_failure"),
    ("npm http 503 https://registry.npmjs.example/@acme%2fcart", "dependency_failure"),
    ("npm http fetch GET 502 https://registry.npmjs.example/cart/-/cart-2.1.0.tgz 841ms (cache skip)", "dependency_failure"),
    ("npm info retry     <title>503 No healthy backends</title>", "dependency_failure"),
    # the memory cgroup (v1) kernel report
    ("[88421.1] Task in /kubepods/burstable/pod77/ledger killed as a result of limit of /kubepods/burstable/pod77/ledger", "oom_kill"),
    # musl's and busybox's resolver wording
    ("nslookup: can't resolve 'ledger-db': Name does not resolve", "dns_failure"),
    ("getaddrinfo(ledger-db): Name does not resolve", "dns_failure"),
    ("failed to fetch index: unexpected status code 500 from https://charts.example.org/index.yaml", "dependency_failure"),
    # certificates that say they expired in other words
    ("E0125 08:00:01.1 1 bootstrap.go:265] part of the existing bootstrap client certificate in /var/lib/kubelet/kubeconfig is expired: 2025-01-02 03:04:05 +0000 UTC", "cert_expired"),
    ("WARN the serving certificate for api.shop.example has expired, clients will reject it", "cert_expired"),
    # resolvers that cannot reach their upstream
    ('I0301 10:00:00.1 1 logs.go:41] skydns: failure to forward request "read udp 10.32.0.4:41111->10.0.0.2:53: i/o timeout"', "kube-dns-forward-failed"),
    ("2 api.partner.example. A: unreachable backend: read udp 10.244.1.5:52011->10.96.0.10:53: i/o timeout", "coredns-upstream-unreachable"),
    # probes asking for a path the application does not serve
    ('Readiness probe failed: HTTP probe failed with statuscode: 404', "probe_path_missing"),
    ("health check path /healthz on 10.1.2.3 answered HTTP 404 (Not Found)", "probe_path_missing"),
    # crashes of other runtimes
    ("NoMethodError (undefined method `total' for nil:NilClass):", "app_crash"),
    ("Unhandled exception. System.NullReferenceException: Object reference not set to an instance of an object.", "app_crash"),
    ("PHP Fatal error:  Uncaught Error: Call to a member function getId() on null in /var/www/src/Cart.php:41", "app_crash"),
    # configuration refused at start-up
    ('invalid value "45x" for flag -shutdown-grace: parse error', "startup_config_error"),
    ("command traefik error: field not found, node: entrypoint", "startup_config_error"),
    ("[ALERT] (1) : config : parsing [/etc/haproxy/haproxy.cfg:31] : unknown keyword 'tune.fooo' in 'global' section", "startup_config_error"),
    ("Error: failed to get config: cannot unmarshal the configuration: 'receivers' has invalid keys: otlpx", "startup_config_error"),
    ("org.example.ledger.ConfigurationException: Invalid yaml: unknown property 'cache_sizee'", "startup_config_error"),
    # a database server out of connections
    ("FATAL:  too many connections for role \"app\"", "db_connection"),
    # ActiveRecord::ConnectionTimeoutError: more threads (Sidekiq concurrency) than pool slots
    ("could not obtain a connection from the pool within 5.000 seconds (waited 5.001 seconds); all pooled connections were in use", "db_connection"),
    # a node's taint says it is not ready
    ("Taints:             node.kubernetes.io/not-ready:NoSchedule", "node_not_ready"),
    ('Get "https://payments.internal/v1/charge": context deadline exceeded', "dependency_failure"),
    # facts that support a cause
    ("health check server listening on 127.0.0.1:9090", "probe_listener"),
    ('msg="Waiting for readiness probe: tcp:0.0.0.0:8081"', "probe_listener"),
    ("storage device osd.4 (hdd) is 97% full", "disk_full"),
    ("Message: Kubernetes node worker-3 has pressure: KubeletHasDiskPressure, kubelet has disk pressure", "disk_full"),
    ("    health: HEALTH_ERR\n            2 full osd(s)\n            9 pool(s) full", "disk_full"),
    ("[ERR] OSD_FULL: 1 full osd(s)", "disk_full"),
    ("    osd.7 is full at 95%", "disk_full"),
    ("Capacity:      200Gi", "storage_consumer"),
    ('Pulling image "registry.example.com/shop/cart:2.4.1"', "image_pulling"),
    ("  existingSecret: ledger-credentials", "secret_reference"),
    ("kubectl create secret generic ledger-credentials --from-literal=password=x", "secret_reference"),
    ("  networkPolicy:\n    enabled: true", "network_policy_config"),
    ("--set networkPolicy.enabled=true", "network_policy_config"),
    ("kind: CiliumNetworkPolicy", "network_policy_config"),
    ("DATABASE_URL=postgres://app@db.internal:5432/ledger", "database_endpoint"),
    ("spring.datasource.url: jdbc:mysql://mysql.shop.svc:3306/orders", "database_endpoint"),
]
SILENT = [
    # every pod's default tolerations name the not-ready and unreachable taints
    ("                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s", "node_not_ready"),
    ("Tolerations:     node.kubernetes.io/unreachable:NoExecute for 300s", "node_not_ready"),
    ("Error: UPGRADE FAILED: context deadline exceeded", "dependency_failure"),  # helm's own wait
    ("requests.exceptions.HTTPError: 429 Client Error: Too Many Requests for url: https://api.mail.example/send", "db_connection"),
    ('Readiness probe failed: HTTP probe failed with statuscode: 503', "probe_path_missing"),
    ('Readiness probe failed: HTTP probe failed with statuscode: 4040', "probe_path_missing"),
    ("npm WARN retry will retry, error on last attempt: Error: fetch failed with status code 404", "dependency_failure"),
    ("GET https://api.vcs.example.com/repos/acme/app: 200", "dependency_failure"),
    ("fetch.go:88: index sync: unexpected server response code: 304", "dependency_failure"),
    ("npm http 200 https://registry.npmjs.example/@acme%2fcart", "dependency_failure"),
    ("the unexpected code path ran 5000 times", "dependency_failure"),
    ("parsing took 12ms", "startup_config_error"),
    ("resolved ledger-db to 10.0.4.2 (name resolves fine)", "dns_failure"),
    ("certificate valid until Jan  2 03:04:05 2031 GMT", "cert_expired"),
    ("the certificate expires in 30 days", "cert_expired"),
    ('Liveness probe failed: Get "http://10.4.0.9:8080/healthz": dial tcp 10.4.0.9:8080: connect: connection refused', "probe_listener"),
    ("ready to accept connections on :8443", "probe_listener"),
    ("storage device osd.4 (hdd) is 49% full", "disk_full"),
    ("DiskPressure  False  KubeletHasNoDiskPressure  kubelet has no disk pressure", "disk_full"),
    ("            1 nearfull osd(s)", "disk_full"),
    ("Capacity:", "storage_consumer"),  # a node's Capacity section header, not a volume size
    ("  networkPolicy:\n    enabled: false", "network_policy_config"),
    ("existingSecret:", "secret_reference"),
    ("see https://www.postgresql.org/docs/current/libpq-connect.html", "database_endpoint"),
]


@pytest.mark.parametrize(("line", "signal"), RAISES)
def test_the_wording_raises_its_signal(line: str, signal: str) -> None:
    assert signal in text_signals(line)


@pytest.mark.parametrize(("line", "signal"), SILENT)
def test_the_near_miss_does_not(line: str, signal: str) -> None:
    assert signal not in text_signals(line)
