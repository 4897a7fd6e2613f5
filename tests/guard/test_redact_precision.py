"""Redaction precision: secret VALUES go, the NAMES that point at secrets stay.

Error messages name Secrets, certificate and key files, token files, Vault paths and env
variables without containing any secret; that text is the evidence of a cause and must come
out of the redactor unchanged. Lines that do hold a value next to such a name lose the value
and keep the name. The wording follows the components' real messages; names and values are
our own.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from opslens.guard import Redactor
from opslens.guard.entropy import is_env_name, is_object_name, is_path
from opslens.guard.secret_patterns import TOKEN_PATTERNS, names_object

# shape | line: each line names secrets, keys or tokens and holds no value
NAME_TABLE = r"""
k8s-secret-quoted | E0412 08:01:13.004512    2211 reflector.go:138] failed to list *v1.Secret: Secret "payments/stripe-webhook": x509: certificate has expired or is not yet valid
k8s-secret-quoted | Warning  FailedMount  2m10s (x9 over 20m)  kubelet  MountVolume.SetUp failed for volume "tls" : secret "tls-secret" not found
k8s-secret-quoted | Warning  FailedMount  41s (x4 over 2m)  kubelet  MountVolume.SetUp failed for volume "webhook-certs" : secret "orders-webhook-server-cert" not found
k8s-secret-quoted | Warning  Failed  8s  kubelet  Error: secrets "registry-auth" not found
k8s-secret-quoted | Error from server (NotFound): secrets "bootstrap-token-abcdef" not found
k8s-secret-quoted | Error from server (Forbidden): secrets "orders-db-credentials" is forbidden: User "system:serviceaccount:shop:orders" cannot get resource "secrets" in API group "" in the namespace "shop"
k8s-secret-quoted | E0601 12:00:00.000000       1 secret.go:195] Couldn't get secret shop/orders-db-credentials: secret "orders-db-credentials" not found
k8s-secret-quoted | W0501 08:00:00.000000       7 backend_ssl.go:46] Error obtaining X.509 certificate: key 'tls.crt' missing from Secret "shop/orders-ingress-tls"
k8s-secret-quoted | terraform: Error: error reading Kubernetes Secret "orders-db" in namespace "shop": secrets "orders-db" is forbidden
couldnt-find-key  | Warning  Failed  12s (x3 over 40s)  kubelet  Error: couldn't find key DB_PASSWORD in Secret payments/db-credentials
couldnt-find-key  | Warning  Failed  5s (x6 over 1m)  kubelet  Error: couldn't find key postgres-password in Secret shop/orders-postgresql
couldnt-find-key  | Warning  Failed  3s (x2 over 9s)  kubelet  Error: couldn't find key api-key in Secret monitoring/grafana-api-key
secret-kv-ref     | E0301 11:20:02.100000       1 controller.go:310] "failed to get secret" secret="prod/stripe-api-key" err="secrets \"stripe-api-key\" not found"
secret-kv-ref     | time="2024-03-01T11:20:02Z" level=error msg="failed to get secret" secret=prod/stripe-api-key error="permission denied"
secret-kv-ref     | Normal   SuccessfulCreate  2m  tokens-controller  Created token secret=ci/deployer-token-qg2v4
secret-kv-ref     | msg="updated secret" secret=cert-manager/letsencrypt-prod-account-key
secret-kv-ref     | {"secret":"argocd/repo-3473453450","msg":"repository secret missing url"}
secret-kv-ref     | {"level":"info","msg":"reconciling","Secret":"payments/db-credentials","controller":"secret"}
secret-kv-ref     | {"msg":"updated Secret","secret":"shop/orders-kv-sync","keys":["DB_PASSWORD","API_TOKEN"]}
kind-key          | {"level":"error","logger":"controllers.ExternalSecret","msg":"could not get secret data from provider","ExternalSecret":"payments/stripe-api-secret","SecretStore":"payments/vault-backend","error":"permission denied"}
kind-key          | {"level":"error","msg":"Reconciler error","controller":"sealedsecrets","SealedSecret":"shop/orders-db","error":"no key could decrypt secret"}
kind-key          | {"level":"error","msg":"failed to validate store","ClusterSecretStore":"aws-secretsmanager","error":"AccessDeniedException"}
kind-key          | "tlsSecret":"shop/orders-ingress-tls"
operator-event    | Warning  UpdateFailed  7m (x22 over 79m)  external-secrets  error retrieving secret at .data[0], key: prod/orders-db, err: Secret does not exist
operator-event    | ca-issuer   False   Error getting keypair for CA issuer: secrets "ca-key-pair" not found   16m
operator-event    | Warning  DecodeFailed  30m  cert-manager-certificates-key-manager  Existing private key in Secret "orders-ca" does not match requirements on Certificate resource
operator-event    | I0731 19:20:15.142767       1 secret_manager.go:94] "cert-manager/certificates-issuing: applying Secret data" key="payments/api-cert" resource_name="api-cert" resource_kind="Certificate" secret="api-cert"
operator-event    | I0731 19:20:15.380020       1 setup.go:315] "cert-manager/clusterissuers: verified existing registration with ACME server" resource_name="letsencrypt" related_resource_name="letsencrypt-prod-account-key" related_resource_kind="Secret"
operator-event    | Normal  Issuing  2m  cert-manager-certificates-trigger  Issuing certificate as Secret does not exist
operator-event    | Certificate "orders-tls" is not Ready: Issuing certificate as Secret does not exist
operator-event    | time="2024-07-14T09:12:44Z" level=error msg="Error configuring TLS" error="secret shop/orders-tls does not exist" providerName=kubernetescrd
operator-event    | 2024-07-14T09:12:44.118Z    error    kustomize-controller    decryption failed for 'orders-secrets': failed to get the Secret 'flux-system/sops-age': secrets "sops-age" not found
operator-event    | time="2024-04-19T11:28:16Z" level=warning msg="repository secret argocd/repo-orders-deploy missing key sshPrivateKey"
operator-event    | Error: UPGRADE FAILED: secrets "orders-db-credentials" is forbidden: User "system:serviceaccount:ci:deployer" cannot get resource "secrets" in API group "" in the namespace "shop"
secret-name-field |         secretName: my-tls-secret
secret-name-field |   Secret Name:  tls-localhost-dev
secret-name-field |           secretKeyRef: {name: db, key: password}
secret-name-field |       DB_PASSWORD:  <set to the key 'password' in secret 'orders-db'>  Optional: false
secret-name-field |   existingSecret: orders-postgresql-auth
secret-name-field |   existingSecret: "orders-redis"
secret-name-field | helm upgrade orders ./chart --set auth.existingSecret=orders-postgresql-auth
secret-name-field |     tlsSecret: orders-ingress-tls
secret-name-field |     passwordSecret: orders-admin-password
secret-name-field | password_secret=orders-admin-password
secret-name-field | registrySecret: regcred
secret-name-field | kubeconfigSecret: cluster-a-kubeconfig
secret-name-field | TLS_SECRET=orders-ingress-tls
secret-name-field | "imagePullSecrets":[{"name":"regcred"}]
secret-name-field | Mountable secrets:   orders-token-x9pm6
secret-name-field | token:      944 bytes
path              | E0412 08:00:00.000000    1 run.go:74] "command failed" err="open /etc/kubernetes/pki/apiserver.key: no such file or directory"
path              | Mar 12 04:10:11 node-3 kubelet[912]: I0312 04:10:11.000000     912 flags.go:64] FLAG: --tls-private-key-file="/var/lib/kubelet/pki/kubelet.key"
path              | kube-apiserver --tls-private-key-file=/etc/kubernetes/pki/apiserver.key --service-account-key-file=/etc/kubernetes/pki/sa.pub --service-account-signing-key-file=/etc/kubernetes/pki/sa.key
path              | Mar 12 04:10:12 node-3 kubelet[912]: I0312 04:10:12.000000     912 certificate_store.go:130] Loading cert/key pair from "/var/lib/kubelet/pki/kubelet-client-current.pem".
path              | W0412 10:00:00.000000       1 client_config.go:617] error creating inClusterConfig, falling back to default config: open /var/run/secrets/kubernetes.io/serviceaccount/token: no such file or directory
path              |       /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-7xq2m (ro)
path              | --kubelet-client-key=/etc/kubernetes/pki/apiserver-kubelet-client.key
path              | --client-key=/etc/kubernetes/pki/admin.key
path              | client-key: /etc/kubernetes/pki/users/ops.key
path              | --private-key=/etc/ssl/private/orders.key
path              | private_key: /etc/ssh/ssh_host_rsa_key
path              | "private_key": "/var/secrets/google/key.json"
path              | client_key=./certs/client.key
path              | ssh_private_key_path=~/.ssh/id_ed25519
path              | secret_key: /etc/orders/secret.key
path              | password: /run/secrets/db_password
path              | kubectl create secret generic orders-db --from-file=password=/run/secrets/orders/db-password.txt
path              | spring.ssl.bundle.pem.orders.keystore.private-key=classpath:certs/orders-key.pem
path              | Caused by: java.io.FileNotFoundException: /etc/kafka/secrets/kafka.server.keystore.jks (No such file or directory)
path              | nginx: [emerg] cannot load certificate key "/etc/nginx/ssl/orders.key": BIO_new_file() failed
vault-path        | Error making API request. URL: GET https://vault.internal:8200/v1/secret/data/payments/stripe Code: 403. Errors: * permission denied
vault-path        | level=error msg="error getting secret" path=secret/data/payments/stripe error="permission denied"
vault-path        | vault kv get -field=api_token secret/payments/stripe-v2
vault-path        | vault kv get -field=password secret/data/orders/postgres-2024
arn               | arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/orders-db-AbCdEf
arn               | User: arn:aws:sts::123456789012:assumed-role/orders-irsa/botocore-session-1 is not authorized to perform: secretsmanager:GetSecretValue on resource: arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/orders-db-Xy12Ab
env-name          | missing required environment variables: DB_PASSWORD, API_TOKEN, REDIS_PASSWORD
env-name          | password=DB_PASSWORD
env-name          | apiKeySecret: DD_API_KEY
env-name          | org.springframework.beans.factory.BeanCreationException: Error creating bean with name 'dataSource': Could not resolve placeholder 'DB_PASSWORD' in value "${DB_PASSWORD}"
auth-outcome      | FATAL:  password authentication failed for user "orders"
auth-outcome      | java.sql.SQLException: Access denied for user 'orders'@'10.0.3.7' (using password: YES)
auth-outcome      | "Unable to authenticate the request" err="[invalid bearer token, service account token has expired]"
auth-outcome      | error: You must be logged in to the server (Unauthorized)
auth-outcome      | 401 Unauthorized: invalid token
auth-outcome      | An error occurred (ExpiredToken) when calling the GetCallerIdentity operation: The security token included in the request is expired
auth-outcome      | Caused by: org.apache.kafka.common.errors.SaslAuthenticationException: Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512
auth-outcome      | FATA[0001] rpc error: code = Unknown desc = error testing repository connectivity: authentication required
auth-outcome      | Authorization: denied
auth-outcome      | authorization: forbidden
"""
NAME_LINES = [
    tuple(part.strip() for part in row.split(" | ", 1)) for row in NAME_TABLE.strip().splitlines()
]

# line || the value that must disappear || the name next to it that must survive
VALUE_TABLE = r"""
password=hunter2  ||  hunter2  ||  password=
DB_PASSWORD=Xk9#mQ2vLp7w  ||  Xk9#mQ2vLp7w  ||  DB_PASSWORD=
AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY  ||  wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY  ||  AWS_SECRET_ACCESS_KEY=
token: eyJhbGciOiJSUzI1NiIsImtpZCI6Im9yZGVycyJ9.eyJpc3MiOiJrdWJlcm5ldGVzIn0.c2lnbmF0dXJl  ||  eyJhbGciOiJSUzI1NiIsImtpZCI6Im9yZGVycyJ9  ||  token:
Authorization: Bearer 9f8Kq2LmZx7Pw4Rt1Vb6Ny3Hc0Jd  ||  9f8Kq2LmZx7Pw4Rt1Vb6Ny3Hc0Jd  ||  Authorization: Bearer
Authorization: AbCdEfGhIjKlMnOpQr  ||  AbCdEfGhIjKlMnOpQr  ||  Authorization:
postgres://orders:S3cr3tPassw0rd@db.internal:5432/orders  ||  S3cr3tPassw0rd  ||  db.internal:5432/orders
kubeadm join 10.0.0.10:6443 --token abcdef.0123456789abcdef --discovery-token-ca-cert-hash sha256:0f1e2d3c  ||  abcdef.0123456789abcdef  ||  --token
token: abcdef.0123456789abcdef  ||  abcdef.0123456789abcdef  ||  token:
-----BEGIN RSA PRIVATE KEY-----MIIEowIBAAKCAQEA7d9Kq2LmZx7Pw4Rt1Vb6Ny3Hc0Jd-----END RSA PRIVATE KEY-----  ||  MIIEowIBAAKCAQEA7d9Kq2LmZx7Pw4Rt1Vb6Ny3Hc0Jd  ||  BEGIN RSA PRIVATE KEY
{"apiVersion":"v1","kind":"Secret","metadata":{"name":"orders-db","namespace":"shop"},"data":{"password":"UzNjcjN0UGFzc3cwcmQ="}}  ||  UzNjcjN0UGFzc3cwcmQ=  ||  "name":"orders-db"
secret="payments/stripe-api-key" value=sk_live_4eC39HqLyjWDarjtT1zdp7dcXYZ  ||  sk_live_4eC39HqLyjWDarjtT1zdp7dcXYZ  ||  secret="payments/stripe-api-key"
Secret "shop/orders-db" has password=Xk9#mQ2vLp7w  ||  Xk9#mQ2vLp7w  ||  Secret "shop/orders-db"
"ExternalSecret":"shop/orders-db","password":"Xk9#mQ2vLp7w"  ||  Xk9#mQ2vLp7w  ||  "ExternalSecret":"shop/orders-db"
--client-key=/etc/kubernetes/pki/admin.key --password=Xk9mQ2vLp7wQ  ||  Xk9mQ2vLp7wQ  ||  --client-key=/etc/kubernetes/pki/admin.key
secretName: orders-tls token=ghp_1234567890abcdefghijklmnopqrstuvwxYZ  ||  ghp_1234567890abcdefghijklmnopqrstuvwxYZ  ||  secretName: orders-tls
couldn't find key DB_PASSWORD in Secret shop/orders-db; DB_PASSWORD=Xk9mQ2vLp7wQ  ||  Xk9mQ2vLp7wQ  ||  couldn't find key DB_PASSWORD in Secret shop/orders-db
ssh_private_key_path=~/.ssh/id_ed25519 passphrase=Tr0ub4dorX3  ||  Tr0ub4dorX3  ||  ssh_private_key_path=~/.ssh/id_ed25519
mongodb+srv://admin:Xk9mQ2vLp7wQ@cluster0.example.net/orders  ||  Xk9mQ2vLp7wQ  ||  cluster0.example.net/orders
existingSecret: Xk9mQ2vLp7wQ  ||  Xk9mQ2vLp7wQ  ||  existingSecret:
client_secret: orders-prod-secret  ||  orders-prod-secret  ||  client_secret:
password: correct-horse-battery-staple  ||  correct-horse-battery-staple  ||  password:
AWS_SECRET_ACCESS_KEY=/K7MDENG/bPxRfiCYzEXAMPLEKEY  ||  /K7MDENG/bPxRfiCYzEXAMPLEKEY  ||  AWS_SECRET_ACCESS_KEY=
password=/9j/4AAQSkZJRgABAQ  ||  /9j/4AAQSkZJRgABAQ  ||  password=
--client-key=./Xk9mQ2vLp7wQzzzz  ||  Xk9mQ2vLp7wQzzzz  ||  --client-key=
password=DB_PASSWORD_2024  ||  DB_PASSWORD_2024  ||  password=
"SealedSecret":"AgBy3i4OJSWK+PiTySYZZA9rO43cGDEq"  ||  AgBy3i4OJSWK+PiTySYZZA9rO43cGDEq  ||  "SealedSecret":
secret: shop/Xk9mQ2vLp7wQ  ||  Xk9mQ2vLp7wQ  ||  secret:
"""
VALUE_LINES = [
    tuple(part.strip() for part in row.split("  ||  ")) for row in VALUE_TABLE.strip().splitlines()
]


@pytest.mark.parametrize(
    ("shape", "line"), NAME_LINES, ids=[f"{s}-{i}" for i, (s, _) in enumerate(NAME_LINES)]
)
def test_names_survive_unchanged(shape: str, line: str) -> None:
    assert Redactor().redact(line) == line, shape


def test_names_survive_as_one_paste_and_as_a_stream() -> None:
    lines = [line for _, line in NAME_LINES]
    paste = "\n".join(lines)
    assert Redactor().redact(paste) == paste
    fed = [line + "\n" for line in lines]
    assert list(Redactor().redact_lines(fed)) == fed


@pytest.mark.parametrize(
    ("line", "value", "name"), VALUE_LINES, ids=[v[2][:30] for v in VALUE_LINES]
)
def test_values_go_and_their_names_stay(line: str, value: str, name: str) -> None:
    out = Redactor().redact(line)
    assert value not in out, out
    assert name in out, out
    assert "[REDACTED:" in out


def test_configmap_data_beside_a_secret_is_kept() -> None:
    paste = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: orders-config\ndata:\n"
        "  upstream: orders-db.shop.svc:5432\n---\napiVersion: v1\nkind: Secret\nmetadata:\n"
        "  name: orders-db\ndata:\n  password: UzNjcjN0UGFzc3cwcmQ=\n"
    )
    out = Redactor().redact(paste)
    assert "upstream: orders-db.shop.svc:5432" in out and "name: orders-db" in out
    assert "UzNjcjN0UGFzc3cwcmQ=" not in out
    listing = (
        "apiVersion: v1\nitems:\n- apiVersion: v1\n  data:\n    token: dG9rZW4tdmFsdWU=\n"
        "  kind: Secret\n- apiVersion: v1\n  data:\n    nginx.conf: worker_processes 2\n"
        "  kind: ConfigMap\n- kind: Secret\n  data:\n    key: a2V5LXZhbHVl\nkind: List\n"
    )
    out = Redactor().redact(listing)
    assert "nginx.conf: worker_processes 2" in out
    assert "dG9rZW4tdmFsdWU=" not in out and "a2V5LXZhbHVl" not in out


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/etc/kubernetes/pki/apiserver.key", True),
        ("/var/run/secrets/kubernetes.io/serviceaccount/token", True),
        ("~/.ssh/id_ed25519", True),
        ("./certs/client.key", True),
        ("/opt/orders/Orders_TLS.p12", True),
        ("secret/data/payments/stripe", True),
        ("classpath:certs/orders-key.pem", True),
        ("wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY", False),
        ("/9j/4AAQSkZJRgABAQ", False),
        ("/K7MDENG/bPxRfiCYzEXAMPLEKEY", False),
        ("/etc/Xk9mQ2vLp7wQzzzz/key.pem", False),
        ("prod/orders-db", False),
        ("/token", False),
    ],
)
def test_path_shape(value: str, expected: bool) -> None:
    assert is_path(value) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("orders-db", True),
        ("shop/orders-db", True),
        ("regcred", True),
        ("ci/deployer-token-qg2v4", True),
        ("letsencrypt-prod.account-key", True),
        ("abcdef.0123456789abcdef", False),  # a bootstrap token, not a name
        ("shop/Xk9mQ2vLp7wQ", False),
        ("deadbeefcafe1234", False),
        ("5f2b8c9d-0e1a-4b3c-7d6e-9f8a1b2c3d4e", False),
    ],
)
def test_object_name_shape(value: str, expected: bool) -> None:
    assert is_object_name(value) is expected


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("existingSecret", True),
        ("auth.existingSecret", True),
        ("ExternalSecret", True),
        ("imagePullSecrets", True),
        ("TLS_SECRET", True),
        ("secret", True),
        ("client_secret", False),
        ("webhookSecret", False),
        ("NEXTAUTH_SECRET", False),
        ("apiSecret", False),
        ("tokenSecret", False),
        ("HASURA_GRAPHQL_ADMIN_SECRET", False),
        ("ADMIN_SECRET", False),
    ],
)
def test_keys_that_hold_secret_names(key: str, expected: bool) -> None:
    assert names_object(key) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("DB_PASSWORD", True),
        ("STRIPE_SECRET_KEY", True),
        ("OAUTH2_TOKEN", True),
        ("DB_PASSWORD_2024", False),
        ("ORDERS_REPLICAS", False),
        ("Xk9_mQ2", False),
    ],
)
def test_env_name_shape(value: str, expected: bool) -> None:
    assert is_env_name(value) is expected


# -- property: generated names in the known message shapes come out unchanged ---------------

_TOKEN_REGEXES = [re.compile(pattern) for _, pattern, _ in TOKEN_PATTERNS]
_word = st.from_regex(r"[a-z]{3,10}", fullmatch=True)
_suffix = st.from_regex(r"[a-z0-9]{5}", fullmatch=True)
# DNS-1123 labels as people and controllers name Secrets: words, maybe a generated suffix
_label = st.builds(
    lambda words, suffix: "-".join(words + ([suffix] if suffix else [])),
    st.lists(_word, min_size=1, max_size=4),
    st.one_of(st.none(), _suffix),
).filter(lambda label: len(label) <= 63)
_segment = st.from_regex(r"[a-z0-9][a-z0-9_-]{0,11}", fullmatch=True)
_path = st.builds(
    lambda root, middle, stem, ext: "/".join(["", root, *middle, f"{stem}.{ext}"]),
    st.sampled_from(["etc", "var", "run", "opt", "srv", "home", "certs", "secrets"]),
    st.lists(_segment, max_size=4),
    _segment,
    st.sampled_from(["key", "pem", "crt", "jks", "p12", "json", "token"]),
)
_env = st.builds(
    lambda head, word: f"{head}_{word}",
    st.from_regex(r"[A-Z]{2,8}(?:_[A-Z]{2,8}){0,2}", fullmatch=True),
    st.sampled_from(["PASSWORD", "TOKEN", "SECRET", "API_KEY", "SECRET_KEY", "AUTH"]),
)

SHAPES = [
    'Secret "{ns}/{name}": x509: certificate has expired or is not yet valid',
    'MountVolume.SetUp failed for volume "{name}" : secret "{name}" not found',
    "Error: couldn't find key {env} in Secret {ns}/{name}",
    'E0301 11:20:02.100000       1 controller.go:310] "failed to get secret" secret="{ns}/{name}" err="secrets \\"{name}\\" not found"',
    'level=error msg="failed to sync" secret={ns}/{name}',
    '{{"msg":"could not get secret data from provider","ExternalSecret":"{ns}/{name}"}}',
    "  existingSecret: {name}",
    "        secretName: {name}",
    "    tlsSecret: {name}",
    '"failed to get secret" secret="{name}"',
    'Existing private key in Secret "{name}" does not match requirements on Certificate resource',
    "--tls-private-key-file={path}",
    "--client-key={path}",
    "private_key: {path}",
    "open {path}: no such file or directory",
    "password: {path}",
    "password={env}",
    "missing required environment variable {env}",
]


@settings(max_examples=300, deadline=None)
@given(
    shape=st.sampled_from(SHAPES),
    ns=_label,
    name=_label,
    path=_path,
    env=_env,
)
def test_generated_names_and_paths_survive(
    shape: str, ns: str, name: str, path: str, env: str
) -> None:
    # A name that is itself in a vendor token format (`sk-...`, `glpat-...`) cannot be told
    # apart from the token; those are out of scope here.
    assume(not any(regex.search(f"{ns} {name} {path}") for regex in _TOKEN_REGEXES))
    line = shape.format(ns=ns, name=name, path=path, env=env)
    assert Redactor().redact(line) == line


# Real-shaped messages of kubelet, cert-manager, Vault, ingress-nginx and Argo CD that name
# Secrets, certificates and tokens (and identifiers: digests, SHAs, UUIDs, pod-template
# hashes) without holding any value: they must come out unchanged.
COMPONENT_TABLE = r"""
kubelet           | E0314 02:04:17.778874    2211 projected.go:292] Couldn't get configMap shop/kube-root-ca.crt: object "shop"/"kube-root-ca.crt" not registered
kubelet           | E0314 02:04:17.779001    2211 nestedpendingoperations.go:348] Operation for "{volumeName:kubernetes.io/projected/5f0c2b1e-8a4d-4c3b-9e2f-1a2b3c4d5e6f-kube-api-access-7xq2m podName:5f0c2b1e-8a4d-4c3b-9e2f-1a2b3c4d5e6f nodeName:}" failed. No retries permitted until 2025-03-14 02:04:18.279 +0000 UTC m=+12.3 (durationBeforeRetry 500ms). Error: MountVolume.SetUp failed for volume "kube-api-access-7xq2m" : failed to fetch token: serviceaccounts "orders" is forbidden: User "system:node:node-3" cannot create resource "serviceaccounts/token" in API group "" in the namespace "shop"
kubelet           | W0314 02:05:01.000000    2211 kubelet.go:1890] failed to request serviceAccountToken for pod shop/orders-7d9f8b6c5d-x2k4p: tokenRequest expirationSeconds=3607 audience="vault"
kubelet           | I0314 02:05:02.113000    2211 kuberuntime_manager.go:1002] "Creating container in pod" containerName="api" pod="shop/orders-7d9f8b6c5d-x2k4p" pod-template-hash="7d9f8b6c5d"
kubelet           | Normal   Pulled   12s   kubelet   Successfully pulled image "registry.example.com/shop/orders@sha256:9b2c4e6f8a0b1c3d5e7f9a1b3c5d7e9f0a2b4c6d8e0f1a3b5c7d9e1f3a5b7c9d" in 1.2s
kubelet           | Warning  FailedMount  3m  kubelet  MountVolume.SetUp failed for volume "tls-cert" : secret "orders-tls" not found
cert-manager      | E0314 02:10:00.000000       1 controller.go:167] cert-manager/certificates-key-manager "msg"="re-queuing item due to error processing" "error"="Secret \"orders-tls-abcde\" not found" "key"="shop/orders-tls"
cert-manager      | I0314 02:10:01.000000       1 conditions.go:203] Setting lastTransitionTime for Certificate "orders-tls" condition "Ready" to 2025-03-14 02:10:01 +0000 UTC
cert-manager      | Warning  Failed  2m  cert-manager-certificates-issuing  The certificate request has failed to complete and will be retried: Failed to wait for order resource "orders-tls-1-2589746539" to become ready: order is in "errored" state: Failed to finalize Order: 429 urn:ietf:params:acme:error:rateLimited
cert-manager      | E0314 02:11:00.000000       1 sync.go:270] cert-manager/issuers "msg"="error setting up issuer" "error"="error getting keypair for CA issuer: error decoding private key PEM block" "resource_name"="ca-issuer" "related_resource_name"="ca-key-pair"
vault             | 2025-03-14T02:12:00.000Z [ERROR] auth.kubernetes.auth_kubernetes_1a2b3c4d: login unauthorized: err="service account name not authorized"
vault             | 2025-03-14T02:12:01.000Z [WARN]  core: token_ttl exceeds max_ttl; capping: token_ttl=768h max_ttl=32h
vault             | Error making API request. URL: PUT https://vault.shop.svc:8200/v1/auth/kubernetes/login Code: 403. Errors: * permission denied
vault             | vault write auth/kubernetes/role/orders bound_service_account_names=orders bound_service_account_namespaces=shop policies=orders-read ttl=1h --token-ttl=1h
vault             | 2025-03-14T02:12:02.000Z [INFO]  expiration: revoked lease: lease_id=auth/kubernetes/login/h3c2e9f1a0b4d5e6f7a8b9c0d1e2f3a4b
ingress-nginx     | W0314 02:13:00.000000       7 backend_ssl.go:47] Error obtaining X.509 certificate: unexpected error creating SSL Cert: no valid PEM formatted block found
ingress-nginx     | W0314 02:13:01.000000       7 controller.go:1214] Error getting SSL certificate "shop/orders-tls": local SSL certificate shop/orders-tls was not found. Using default certificate
ingress-nginx     | I0314 02:13:02.000000       7 store.go:440] "Found valid IngressClass" ingress="shop/orders" ingressclass="nginx" secretName="orders-tls"
ingress-nginx     | E0314 02:13:03.000000       7 annotations.go:189] "error reading Ingress annotation" name="auth-secret" ingress="shop/orders" err="secret does not contain key auth"
argocd            | time="2025-03-14T02:14:00Z" level=error msg="Failed to load target state" application=argocd/orders error="rpc error: code = Unknown desc = authentication required: Repository not found."
argocd            | time="2025-03-14T02:14:01Z" level=warning msg="Failed to get repo credentials" repo="https://github.com/acme/orders.git" secret=argocd/repo-creds-2207358311
argocd            | time="2025-03-14T02:14:02Z" level=info msg="token_expired, refreshing" account=admin
argocd            | time="2025-03-14T02:14:03Z" level=info msg="Initialized admin password" secret=argocd-initial-admin-secret
config            |   password: ""
config            |   secret: db-credentials
config            |   existingSecretPasswordKey: postgres-password
config            | git rev-parse HEAD: 3f9a1c0d2b4e6f8091a2b3c4d5e6f708192a3b4c
config            | request_id=6ca8823e-1d7c-4cfa-8165-f0d08c878478 trace_id=4bf92f3577b34da6a3ce929d0e0e4736 span_id=00f067aa0ba902b7
config            | kubeadm token create --ttl 2h --print-join-command --description "worker join"
config            | aws sts get-session-token --duration-seconds 3600 --serial-number arn:aws:iam::123456789012:mfa/ops
"""
COMPONENT_LINES = [
    tuple(part.strip() for part in row.split(" | ", 1))
    for row in COMPONENT_TABLE.strip().splitlines()
]


@pytest.mark.parametrize(
    ("component", "line"),
    COMPONENT_LINES,
    ids=[f"{c}-{i}" for i, (c, _) in enumerate(COMPONENT_LINES)],
)
def test_component_messages_survive_unchanged(component: str, line: str) -> None:
    assert Redactor().redact(line) == line, component
