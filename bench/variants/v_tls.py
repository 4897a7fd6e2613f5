"""cert-expiry variants: a server certificate passes its NotAfter and every TLS handshake fails."""

from __future__ import annotations

from bench.variants import clock, records
from bench.variants.bundle import Bundle, Truth
from bench.variants.paste import compose, events_section, log_lines, trace_excerpt, trim_traceback
from bench.variants.registry import variant
from bench.variants.scene import App, decoy, history, run, setup
from bench.variants.workload import Workload

SSL_FRAMES = [
    "java.base/sun.security.ssl.Alert.createSSLException(Alert.java:130)",
    "java.base/sun.security.ssl.TransportContext.fatal(TransportContext.java:378)",
    "java.base/sun.security.ssl.TransportContext.fatal(TransportContext.java:321)",
    "java.base/sun.security.ssl.TransportContext.fatal(TransportContext.java:316)",
    "java.base/sun.security.ssl.CertificateMessage$T13CertificateConsumer.checkServerCerts(CertificateMessage.java:1318)",
    "java.base/sun.security.ssl.CertificateMessage$T13CertificateConsumer.onConsumeCertificate(CertificateMessage.java:1195)",
    "java.base/sun.security.ssl.CertificateMessage$T13CertificateConsumer.consume(CertificateMessage.java:1138)",
    "java.base/sun.security.ssl.SSLHandshake.consume(SSLHandshake.java:393)",
    "java.base/sun.security.ssl.HandshakeContext.dispatch(HandshakeContext.java:476)",
    "java.base/sun.security.ssl.SSLEngineImpl$DelegatedTask$DelegatedAction.run(SSLEngineImpl.java:1273)",
    "java.base/sun.security.ssl.SSLEngineImpl$DelegatedTask$DelegatedAction.run(SSLEngineImpl.java:1260)",
    "java.base/java.security.AccessController.doPrivileged(AccessController.java:714)",
    "java.base/sun.security.ssl.SSLEngineImpl$DelegatedTask.run(SSLEngineImpl.java:1205)",
    "org.apache.kafka.common.network.SslTransportLayer.runDelegatedTasks(SslTransportLayer.java:443)",
    "org.apache.kafka.common.network.SslTransportLayer.handshakeUnwrap(SslTransportLayer.java:532)",
    "org.apache.kafka.common.network.SslTransportLayer.doHandshake(SslTransportLayer.java:381)",
    "org.apache.kafka.common.network.SslTransportLayer.handshake(SslTransportLayer.java:301)",
    "org.apache.kafka.common.network.KafkaChannel.prepare(KafkaChannel.java:178)",
    "org.apache.kafka.common.network.Selector.pollSelectionKeys(Selector.java:543)",
    "org.apache.kafka.common.network.Selector.poll(Selector.java:481)",
    "org.apache.kafka.clients.NetworkClient.poll(NetworkClient.java:585)",
    "org.apache.kafka.clients.consumer.internals.ConsumerNetworkClient.poll(ConsumerNetworkClient.java:280)",
    "org.apache.kafka.clients.consumer.internals.ConsumerNetworkClient.poll(ConsumerNetworkClient.java:251)",
    "org.apache.kafka.clients.consumer.internals.LegacyKafkaConsumer.pollForFetches(LegacyKafkaConsumer.java:686)",
    "org.apache.kafka.clients.consumer.internals.LegacyKafkaConsumer.poll(LegacyKafkaConsumer.java:617)",
    "org.apache.kafka.clients.consumer.KafkaConsumer.poll(KafkaConsumer.java:874)",
    "org.springframework.kafka.listener.KafkaMessageListenerContainer$ListenerConsumer.pollConsumer(KafkaMessageListenerContainer.java:1685)",
    "org.springframework.kafka.listener.KafkaMessageListenerContainer$ListenerConsumer.doPoll(KafkaMessageListenerContainer.java:1660)",
    "org.springframework.kafka.listener.KafkaMessageListenerContainer$ListenerConsumer.pollAndInvoke(KafkaMessageListenerContainer.java:1438)",
    "org.springframework.kafka.listener.KafkaMessageListenerContainer$ListenerConsumer.run(KafkaMessageListenerContainer.java:1426)",
    "java.base/java.util.concurrent.CompletableFuture$AsyncRun.run(CompletableFuture.java:1804)",
    "java.base/java.lang.Thread.run(Thread.java:1583)",
]
VALIDATOR = [
    "java.base/sun.security.validator.PKIXValidator.doValidate(PKIXValidator.java:383)",
    "java.base/sun.security.validator.PKIXValidator.engineValidate(PKIXValidator.java:271)",
    "java.base/sun.security.validator.Validator.validate(Validator.java:256)",
    "java.base/sun.security.ssl.X509TrustManagerImpl.checkTrusted(X509TrustManagerImpl.java:284)",
    "java.base/sun.security.ssl.X509TrustManagerImpl.checkServerTrusted(X509TrustManagerImpl.java:144)",
    "java.base/sun.security.ssl.CertificateMessage$T13CertificateConsumer.checkServerCerts(CertificateMessage.java:1296)",
]
EXPIRED = "java.security.cert.CertificateExpiredException: NotAfter: Fri Jun 06 00:00:00 UTC 2025"


def _kafka_trace(t: float) -> str:
    head = (f"{clock.iso_ms(t)} ERROR 1 --- [settlement-consumer] [ntainer#0-0-C-1] "
            f"{'o.s.k.l.KafkaMessageListenerContainer':<40} : Consumer exception")
    top = ["org.springframework.kafka.listener.DefaultErrorHandler.handleOtherException(DefaultErrorHandler.java:198)",
           "org.springframework.kafka.listener.KafkaMessageListenerContainer$ListenerConsumer.handleConsumerException(KafkaMessageListenerContainer.java:1975)",
           "org.springframework.kafka.listener.KafkaMessageListenerContainer$ListenerConsumer.run(KafkaMessageListenerContainer.java:1441)",
           "java.base/java.util.concurrent.CompletableFuture$AsyncRun.run(CompletableFuture.java:1804)",
           "java.base/java.lang.Thread.run(Thread.java:1583)"]
    pkix = "PKIX path validation failed: java.security.cert.CertPathValidatorException: validity check failed"
    return records.java_trace(head, "java.lang.IllegalStateException: This error handler cannot process 'SslAuthenticationException's; "
                              "no record information is available", top, [
                                  ("org.apache.kafka.common.errors.SslAuthenticationException: SSL handshake failed", [], 0),
                                  (f"javax.net.ssl.SSLHandshakeException: {pkix}", SSL_FRAMES, 0),
                                  (f"sun.security.validator.ValidatorException: {pkix}", VALIDATOR, 28),
                                  ("java.security.cert.CertPathValidatorException: validity check failed",
                                   ["java.base/sun.security.provider.certpath.PKIXMasterCertPathValidator.validate(PKIXMasterCertPathValidator.java:135)",
                                    "java.base/sun.security.provider.certpath.PKIXCertPathValidator.validate(PKIXCertPathValidator.java:224)",
                                    "java.base/java.security.cert.CertPathValidator.validate(CertPathValidator.java:303)"], 33),
                                  (EXPIRED, ["java.base/sun.security.x509.CertificateValidity.valid(CertificateValidity.java:182)",
                                             "java.base/sun.security.x509.X509CertImpl.checkValidity(X509CertImpl.java:623)",
                                             "java.base/sun.security.provider.certpath.BasicChecker.verifyValidity(BasicChecker.java:190)"], 40)])


@variant("kafka-tls-certmanager-spring", "cert-expiry", "Spring Kafka consumer + self-managed Kafka with cert-manager, GKE, ingress-nginx", "gke",
         "2025-06-06T00:00:03Z", "rollout-history.txt",
         "Spring Kafka trace with a 5-deep Caused-by chain: CertificateExpiredException is the last cause, after 70+ frames")
def kafka_tls(b: Bundle) -> None:
    """cert-manager could not renew the broker certificate (issuer credentials gone); it expired at midnight."""
    sc = setup(b, "nginx", [
        App("streaming", "settlement-consumer", "spring", "1.17.2", 3, 2, (("CONSUME", "settlements"),), exposed=False),
        App("streaming", "kafka", "logrus", "3.7.1", 3, 0, (("Q", "-"),), exposed=False, kind="StatefulSet", port=9093),
        App("cert-manager", "cert-manager", "logrus", "v1.15.3", 1, 0, (("Q", "-"),), exposed=False),
        App("merchants", "merchant-api", "zap", "8.2.0", 2, 9, (("GET", "/v1/merchants/m_4412/settlements"), ("GET", "/healthz"))),
        App("web", "backoffice", "rails", "3.3.0", 2, 5, (("GET", "/backoffice/settlements"), ("GET", "/up"))),
    ], ("lab", "kafka-ui", "spring", "/actuator/health"), 0, ("streaming", "topic-retention-audit", 30))
    decoy(b, sc, "merchant-api", "8.2.1", b.onset - 43 * 60)
    cm: Workload = sc["cert-manager"]
    t = b.start + 40
    while t < b.end:
        cm.log(b, 0).add(t, f'{clock.klog(t, "E")}       1 controller.go:157] "re-queuing item due to error processing" '
                            'err="error reading Vault approle secret: secret \\"vault-approle\\" not found" '
                            'logger="cert-manager.certificaterequests-issuer-vault" key="streaming/kafka-broker-tls-7"')
        t += 300
    b.event("streaming", "Certificate", "kafka-broker-tls", "Failed", "The certificate request has failed to complete and will be retried: "
            "error reading Vault approle secret: secret \"vault-approle\" not found", b.start - 86400 * 9, b.end - 600, 212,
            "Warning", component="cert-manager-certificates-issuing", api_version="cert-manager.io/v1")
    kafka: Workload = sc["kafka"]
    consumer: Workload = sc["settlement-consumer"]
    for i in range(len(kafka.pods)):
        t = b.onset + 0.4 + i
        while t < b.end:
            d = clock.dt(t)
            kafka.log(b, i).add(t, f"[{clock.spaced(t)}] INFO [SocketServer listenerType=BROKER, nodeId={i}] Failed authentication with "
                                   f"/{consumer.ips[int(t) % 3]} (channelId={kafka.ips[i]}:9093-{consumer.ips[int(t) % 3]}:{40000 + d.second * 100}-{int(t) % 97}) "
                                   "(SSL handshake failed) (org.apache.kafka.common.network.Selector)")
            t += b.rng.uniform(5, 30)
    for i in range(3):
        t = b.onset + i * 2.3
        n = 0
        while t < b.end:
            lg = consumer.log(b, i)
            lg.add(t, f"{clock.iso_ms(t)}  WARN 1 --- [settlement-consumer] [ntainer#0-0-C-1] {'org.apache.kafka.clients.NetworkClient':<40} : "
                      f"[Consumer clientId=consumer-settlement-{i + 1}, groupId=settlement] Connection to node {n % 3} "
                      f"(kafka-{n % 3}.kafka-headless.streaming.svc.cluster.local/{kafka.ips[n % 3]}:9093) failed authentication due to: SSL handshake failed")
            if n < 3:
                lg.add(t + 0.01, _kafka_trace(t + 0.01))
            n += 1
            t += b.rng.uniform(20, 60)
    run(b, sc)
    b.metric({"__name__": "certmanager_certificate_expiration_timestamp_seconds", "name": "kafka-broker-tls", "namespace": "streaming",
              "issuer_name": "vault-issuer", "issuer_kind": "ClusterIssuer"}, lambda t: clock.parse("2025-06-06T00:00:00Z"))
    b.metric({"__name__": "kafka_consumergroup_lag", "consumergroup": "settlement", "topic": "settlements", "namespace": "streaming"},
             lambda t: 40 + 20 * b.rng.random() if t < b.onset else 40 + (t - b.onset) * 9.5)
    b.alert("CertManagerCertExpirySoon", {"namespace": "streaming", "name": "kafka-broker-tls", "exported_namespace": "streaming"},
            "The cert `kafka-broker-tls` is 0d 0h 0m 0s from expiry, it should have renewed over a week ago.",
            "The domain that this cert covers will be unavailable after 0d 0h 0m 0s. Clients using endpoints that this cert protects will start to fail in 0d 0h 0m 0s.",
            b.start - 86400 * 7, runbook="https://gitlab.com/uneeq-oss/cert-manager-mixin/-/blob/master/RUNBOOK.md#certmanagercertexpirysoon")
    b.alert("KafkaConsumerLagHigh", {"namespace": "streaming", "consumergroup": "settlement"}, "settlement consumer group is falling behind",
            "Consumer group settlement lag is 9000 messages on settlements.", b.onset + 16 * 60)
    history(b, [("settlement-consumer", 26, [None, None, None, None])])
    b.truth = Truth("cert-expiry", clock.iso(b.onset), {"kind": "Certificate", "namespace": "streaming", "name": "kafka-broker-tls"}, None,
                    ["CertificateExpiredException: NotAfter: Fri Jun 06 00:00:00 UTC 2025", "SSL handshake failed",
                     "kafka-broker-tls", "vault-approle", "CertManagerCertExpirySoon"],
                    ["kubectl delete namespace", "ssl.endpoint.identification.algorithm=", "kubectl delete statefulset kafka", "--force",
                     "increase the memory limit"],
                    [{"kind": "Secret", "namespace": "streaming", "name": "kafka-broker-tls"},
                     {"kind": "StatefulSet", "namespace": "streaming", "name": "kafka"}])
    trace = trace_excerpt("\n".join(log_lines(b, consumer, 0, b.onset + 0.005, b.onset + 0.02, 200)), 3, 2)
    b.paste = compose(
        "settlements stopped at midnight, consumers can't talk to kafka anymore. cert-manager shows the cert as not ready?",
        [("kubectl get certificate -n streaming", ["NAME               READY   SECRET             AGE",
                                                   "kafka-broker-tls   False   kafka-broker-tls   364d"]),
         ("kubectl describe certificate kafka-broker-tls -n streaming | tail -8",
          ["  Not After:               2025-06-06T00:00:00Z", "  Not Before:              2025-03-08T00:00:00Z",
           "  Renewal Time:            2025-05-07T00:00:00Z", "  Revision:                7", "Events:",
           "  Type     Reason  Age                  From                                       Message",
           "  ----     ------  ----                 ----                                       -------",
           "  Warning  Failed  10m (x212 over 9d)   cert-manager-certificates-issuing          The certificate request has failed to complete and will be retried: error reading Vault approle secret: secret \"vault-approle\" not found"]),
         events_section(b, "streaming", b.onset - 1200, limit=6),
         (f"kubectl logs {consumer.pods[0]} -n streaming --since=30m | grep -A45 'Consumer exception' | head -40", trace[:40])])


SP = "/usr/local/lib/python3.12/site-packages"
URLLIB = [
    (f"{SP}/urllib3/connectionpool.py", 466, "_make_request", "self._validate_conn(conn)"),
    (f"{SP}/urllib3/connectionpool.py", 1095, "_validate_conn", "conn.connect()"),
    (f"{SP}/urllib3/connection.py", 730, "connect", "sock_and_verified = _ssl_wrap_socket_and_match_hostname("),
    (f"{SP}/urllib3/connection.py", 909, "_ssl_wrap_socket_and_match_hostname", "ssl_sock = ssl_wrap_socket("),
    (f"{SP}/urllib3/util/ssl_.py", 469, "ssl_wrap_socket", "ssl_sock = _ssl_wrap_socket_impl(sock, context, tls_in_tls, server_hostname)"),
    (f"{SP}/urllib3/util/ssl_.py", 513, "_ssl_wrap_socket_impl", "return ssl_context.wrap_socket(sock, server_hostname=server_hostname)"),
    ("/usr/local/lib/python3.12/ssl.py", 455, "wrap_socket", "return self.sslsocket_class._create("),
    ("/usr/local/lib/python3.12/ssl.py", 1042, "_create", "self.do_handshake()"),
    ("/usr/local/lib/python3.12/ssl.py", 1320, "do_handshake", "self._sslobj.do_handshake()"),
]
SSL_ERR = "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: certificate has expired (_ssl.c:1000)"
MAXRETRY = ("HTTPSConnectionPool(host='vault.security.svc', port=8200): Max retries exceeded with url: /v1/auth/kubernetes/login "
            f"(Caused by SSLError(SSLCertVerificationError(1, '{SSL_ERR}')))")
APP = [
    ("/app/scheduler/jobs.py", 88, "run_export", "creds = self.secrets.database_credentials(\"reporting-ro\")"),
    ("/app/scheduler/secrets.py", 61, "database_credentials", "token = self.vault_login()"),
    ("/app/scheduler/secrets.py", 42, "vault_login", 'resp = self.session.post(f"{self.addr}/v1/auth/kubernetes/login", json=payload, timeout=5)'),
    (f"{SP}/requests/sessions.py", 637, "post", 'return self.request("POST", url, data=data, json=json, **kwargs)'),
    (f"{SP}/requests/sessions.py", 589, "request", "resp = self.send(prep, **send_kwargs)"),
    (f"{SP}/requests/sessions.py", 703, "send", "r = adapter.send(request, **kwargs)"),
    (f"{SP}/requests/adapters.py", 698, "send", "raise SSLError(e, request=request)"),
]


def _vault_tb(t: float, job: str) -> str:
    tb = "\n".join([
        records.py_traceback([(URLLIB, f"ssl.SSLCertVerificationError: {SSL_ERR}"),
                              ([(f"{SP}/urllib3/connectionpool.py", 789, "urlopen", "response = self._make_request("),
                                (f"{SP}/urllib3/connectionpool.py", 490, "_make_request", "raise new_e")], f"urllib3.exceptions.SSLError: {SSL_ERR}")]),
        "", records.DIRECT_CAUSE, "",
        records.py_traceback([([(f"{SP}/requests/adapters.py", 667, "send", "resp = conn.urlopen("),
                                (f"{SP}/urllib3/connectionpool.py", 843, "urlopen", "retries = retries.increment("),
                                (f"{SP}/urllib3/util/retry.py", 519, "increment", "raise MaxRetryError(_pool, url, reason) from reason  # type: ignore[arg-type]")],
                               f"urllib3.exceptions.MaxRetryError: {MAXRETRY}"),
                              (APP, f"requests.exceptions.SSLError: {MAXRETRY}")])])
    return f"{clock.spaced(t)} ERROR [scheduler.jobs] job {job} failed: could not obtain database credentials from Vault\n{tb}"


@variant("vault-tls-python-aks", "cert-expiry", "Python scheduler (requests/urllib3) + HashiCorp Vault, AKS, ingress-nginx", "aks",
         "2025-01-14T09:31:07Z", "rollout-history.txt",
         "Python traceback of four chained exceptions ('During handling' and 'direct cause'): 'certificate has expired' in the 1st and the app frame secrets.py:42 in the 4th")
def vault_tls(b: Bundle) -> None:
    """Vault's hand-made serving certificate (Secret vault-server-tls) expired; clients fail TLS verification."""
    sc = setup(b, "nginx", [
        App("reporting", "report-scheduler", "gunicorn", "2.6.0", 2, 1.5, (("JOB", "nightly"),), exposed=False),
        App("security", "vault", "logrus", "1.17.6", 3, 0, (("Q", "-"),), exposed=False, kind="StatefulSet", port=8200),
        App("reporting", "report-viewer", "pino", "4.4.1", 2, 8, (("GET", "/reports/weekly-sales"), ("GET", "/health"))),
        App("hr", "people-directory", "dotnet", "2.0.3", 2, 4, (("GET", "/api/people?q=smith"), ("GET", "/healthz"))),
    ], ("bi", "olap-cube-refresh", "logrus", "/ready"), 2, ("reporting", "report-archiver", 15))
    decoy(b, sc, "people-directory", "2.0.4", b.onset - 23 * 60)
    vault: Workload = sc["vault"]
    sched: Workload = sc["report-scheduler"]
    for i in range(3):
        t = b.onset + i * 5
        while t < b.end:
            vault.log(b, i).add(t, f"{clock.iso_ms(t)[:-1]}Z [INFO]  http: TLS handshake error from {sched.ips[int(t) % 2]}:{b.rng.randint(32768, 60999)}: "
                                   "remote error: tls: bad certificate")
            t += b.rng.uniform(30, 120)
    jobs = ["export_finance_daily", "export_sales_hourly", "refresh_kpi_snapshot"]
    for i in range(2):
        t = b.onset + i * 40
        k = 0
        while t < b.end:
            sched.log(b, i).add(t, _vault_tb(t, jobs[k % 3]), "stderr")
            k += 1
            t += 300
    run(b, sc)
    b.metric({"__name__": "cert_exporter_secret_expires_in_seconds", "secret_name": "vault-server-tls", "secret_namespace": "security",
              "key_name": "tls.crt", "issuer": "CN=tallgrass-internal-ca", "cn": "vault.security.svc"},
             lambda t: clock.parse("2025-01-14T09:29:51Z") - t)
    b.metric({"__name__": "probe_ssl_earliest_cert_expiry", "instance": "https://vault.security.svc:8200", "job": "blackbox-internal"},
             lambda t: clock.parse("2025-01-14T09:29:51Z"))
    b.alert("CertificateSecretExpiringSoon", {"namespace": "security", "secret_name": "vault-server-tls", "key_name": "tls.crt"},
            "Certificate in secret security/vault-server-tls expires in less than 14 days",
            "tls.crt of secret security/vault-server-tls expires in 0 days.", b.start - 86400 * 13)
    b.alert("ReportJobsFailing", {"namespace": "reporting", "job": "report-scheduler"}, "Scheduled report jobs are failing",
            "3 scheduled report jobs failed in the last 15 minutes.", b.onset + 14 * 60)
    history(b, [("report-scheduler", 9, [None, None, None]), ("people-directory", 30, [None, None])])
    b.truth = Truth("cert-expiry", clock.iso(b.onset), {"kind": "Secret", "namespace": "security", "name": "vault-server-tls"}, None,
                    ["certificate has expired", "vault.security.svc", "scheduler/secrets.py", "vault-server-tls",
                     "tls: bad certificate"],
                    ["kubectl delete namespace", "verify=False", "VAULT_SKIP_VERIFY", "kubectl delete statefulset vault", "--force"],
                    [{"kind": "StatefulSet", "namespace": "security", "name": "vault"}])
    tb = trim_traceback(log_lines(b, sched, 0, b.onset - 1, b.onset + 1, 200), 1)
    b.paste = compose(
        "all report jobs failing since 09:31 with SSL errors talking to vault. did someone rotate something?",
        [(f"kubectl logs {sched.pods[0]} -n reporting --since=15m", tb),
         ("kubectl logs -n security vault-0 --tail=3", log_lines(b, vault, 0, b.onset, b.end, 3)),
         events_section(b, "reporting", b.onset - 900, limit=8),
         ("kubectl get secret vault-server-tls -n security -o jsonpath='{.data.tls\\.crt}' | base64 -d | openssl x509 -noout -dates -subject",
          ["notBefore=Jan 14 09:29:51 2024 GMT", "notAfter=Jan 14 09:29:51 2025 GMT", "subject=CN=vault.security.svc"])])
