"""Redaction per secret family, decoys that must survive, placeholder stability."""

from __future__ import annotations

import pytest

from opslens.guard import Redactor

# (line, the secret that must disappear, a neighbour that must survive)
SECRETS = [
    (
        "creds: aws_access_key_id=AKIAIOSFODNN7REALKEY region=eu-west-1",
        "AKIAIOSFODNN7REALKEY",
        "region=eu-west-1",
    ),
    (
        "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY",
        "aws_secret_access_key",
    ),
    (
        '{"SessionToken": "FwoGZXIvYXdzEJr//////////wEaDGk2Y3ZxQ2ZtRmhvIrABx9Wq1Y3ZxQ2ZtRmhv"}',
        "FwoGZXIvYXdzEJr//////////wEaDGk2Y3ZxQ2ZtRmhvIrABx9Wq1Y3ZxQ2ZtRmhv",
        "SessionToken",
    ),
    (
        "maps call key=AIzaSyDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsHI status=403",
        "AIzaSyDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsHI",
        "status=403",
    ),
    (
        '"private_key_id": "1f3b9c2d4e5f60718293a4b5c6d7e8f901234567", "client_email": "sa@p.iam.gserviceaccount.com"',
        "1f3b9c2d4e5f60718293a4b5c6d7e8f901234567",
        "sa@p.iam.gserviceaccount.com",
    ),
    (
        "https://acct.blob.core.windows.net/c/b?sv=2022-11-02&sp=r&sig=AbCdEf0123456789%2BGhIjKlMnOpQrStUvWxYz%3D",
        "AbCdEf0123456789%2BGhIjKlMnOpQrStUvWxYz%3D",
        "acct.blob.core.windows.net",
    ),
    (
        "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=root;SharedAccessKey=Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWo=",
        "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWo=",
        "ns.servicebus.windows.net",
    ),
    (
        "clone with ghp_1234567890abcdefghijklmnopqrstuvwxYZ done",
        "ghp_1234567890abcdefghijklmnopqrstuvwxYZ",
        "done",
    ),
    (
        "GITHUB_TOKEN=ghs_abcdefghijklmnopqrstuvwxyz0123456789",
        "ghs_abcdefghijklmnopqrstuvwxyz0123456789",
        "GITHUB_TOKEN",
    ),
    (
        "token: github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUV",
        "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUV",
        "token",
    ),
    ("PRIVATE-TOKEN: glpat-xYz123AbC456dEf789gH", "glpat-xYz123AbC456dEf789gH", "PRIVATE-TOKEN"),
    (
        "slack=xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx ok",
        "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
        "ok",
    ),
    (
        "POST https://hooks.slack.com/services/T0000AAAA/B0000BBBB/XXXXxxxxYYYYyyyyZZZZzzzz failed",
        "XXXXxxxxYYYYyyyyZZZZzzzz",
        "failed",
    ),
    (
        "stripe key sk_live_4eC39HqLyjWDarjtT1zdp7dcXYZ",
        "sk_live_4eC39HqLyjWDarjtT1zdp7dcXYZ",
        "stripe key",
    ),
    (
        "SENDGRID=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",
        "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",
        "SENDGRID",
    ),
    (
        "//registry.npmjs.org/:_authToken=npm_abcdefghijklmnopqrstuvwxyz0123456789",
        "npm_abcdefghijklmnopqrstuvwxyz0123456789",
        "registry.npmjs.org",
    ),
    (
        "password = pypi-AgEIcHlwaS5vcmcCJGFiY2RlZmdoLWlqa2wtbW5vcC1xcnN0LXV2d3h5ejAxMjM0AAIqWzMsImFiYyJd",
        "pypi-AgEIcHlwaS5vcmcCJGFiY2RlZmdoLWlqa2wtbW5vcC1xcnN0LXV2d3h5ejAxMjM0AAIqWzMsImFiYyJd",
        "password",
    ),
    (
        "VAULT_TOKEN=hvs.CAESIJ1a2b3c4d5e6f7g8h9i0jKLMNOPqrstuvwxyz",
        "hvs.CAESIJ1a2b3c4d5e6f7g8h9i0jKLMNOPqrstuvwxyz",
        "VAULT_TOKEN",
    ),
    (
        "OPENAI_API_KEY=sk-proj-Abc123Def456Ghi789Jkl012Mno345",
        "sk-proj-Abc123Def456Ghi789Jkl012Mno345",
        "OPENAI_API_KEY",
    ),
    (
        "using sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789 for claude",
        "sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789",
        "for claude",
    ),
    (
        "HF_TOKEN hf_AbCdEfGhIjKlMnOpQrStUvWxYz01234567",
        "hf_AbCdEfGhIjKlMnOpQrStUvWxYz01234567",
        "HF_TOKEN",
    ),
    (
        "DD_API_KEY=0123456789abcdef0123456789abcdef site=datadoghq.com",
        "0123456789abcdef0123456789abcdef",
        "site=datadoghq.com",
    ),
    (
        "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
        "Authorization",
    ),
    (
        "> Authorization: Basic dXNlcjpwYXNzd29yZDEyMw==",
        "dXNlcjpwYXNzd29yZDEyMw==",
        "Authorization",
    ),
    (
        "DATABASE_URL=postgres://app:S3cr3t!pass@db.internal:5432/app",
        "S3cr3t!pass",
        "db.internal:5432",
    ),
    ("redis://:hunter2hunter2@cache:6379/0", "hunter2hunter2", "cache:6379"),
    (
        "Server=tcp:db;Database=app;User Id=sa;Password=Pa55w0rd!;Encrypt=true",
        "Pa55w0rd!",
        "Encrypt=true",
    ),
    ("mysql -u root -pS3cretPw -h db", "S3cretPw", "-h db"),
    (
        "vault login -method=userpass username=ops password=CorrectHorse9",
        "CorrectHorse9",
        "username=ops",
    ),
    ("helm install x --set auth.postgresPassword=Zz9!qq1", "Zz9!qq1", "helm install"),
    ("docker login -u ci --password Xy7_secretvalue registry.io", "Xy7_secretvalue", "registry.io"),
    (
        "client_secret: 'GOCSPX-AbCdEfGhIjKlMnOpQrStUvWxYz12'",
        "GOCSPX-AbCdEfGhIjKlMnOpQrStUvWxYz12",
        "client_secret",
    ),
    ('{"apiKey":"a1B2c3D4e5F6g7H8i9J0"}', "a1B2c3D4e5F6g7H8i9J0", "apiKey"),
    (
        "X-Consul-Token: 6a1f2b3c-4d5e-6f70-8192-a3b4c5d6e7f8",
        "6a1f2b3c-4d5e-6f70-8192-a3b4c5d6e7f8",
        "X-Consul-Token",
    ),
    (
        "SWMTKN-1-3pu6hszjas19xyp7ghgosyx9k8atbfcr8p2is99znpy26u2lkl-1awxwuwd3z9j1z3puu7rcgdbx join",
        "SWMTKN-1-3pu6hszjas19xyp7ghgosyx9k8atbfcr8p2is99znpy26u2lkl-1awxwuwd3z9j1z3puu7rcgdbx",
        "join",
    ),
    ("key: dop_v1_" + "a" * 64, "dop_v1_" + "a" * 64, "key"),
]

DECOYS = [
    "Deploying revision c1631495e69fc17b85f6a8018bba023fd87a6669 to production",
    "HEAD is now at 7ef9e0a fix: retry",
    "request_id=b3c373f2-9188-4d8a-b734-1f957843944f status=200",
    'Successfully pulled image "ghcr.io/acme/api@sha256:43028b609b5b77ddadc4ef9b77c246a87b68faebeba95e9147b0df4011811784"',
    "4ae68c3db851c8d7890596bfcf4b9aff  /var/lib/backup/db.sql.gz",
    "x-amz-request-id=JK1T5WOVNVNOKQKX bucket=logs key=2025/03/14/app.log.gz",
    "traceparent=00-33d02ba7b293a41ac0b7abae16d6787c-70544ab1f16d1c9b-01",
    'FATAL:  password authentication failed for user "orders"',
    "Access denied for user 'app'@'10.0.0.1' (using password: YES)",
    "Password must be at least 12 characters long (policy=strict)",
    "The provided access token has expired; refreshing credentials",
    'Error: secret "api-token" not found',
    "serviceAccount=ci/deployer secret=deployer-token-qg2v4 automount=false",
    "client_secret=${DB_PASSWORD} user=app",
    "passwd={{ .Values.db.password }} rendered by helm template",
    "admin_pass=[REDACTED] api_key=<redacted> token=***",
    'redis_password="********" loaded from secretKeyRef',
    "env: DB_PASSWORD valueFrom secretKeyRef{name: db-creds, key: password}",
    "redis://db-primary.internal:6379/0 connection pool exhausted",
    "git clone git@github.com:acme/platform.git",
    "pubsub delivered data=eyJldmVudCI6ICJvcmRlci5jcmVhdGVkIiwgIm9yZGVyX2lkIjogOTM0NjJ9",
    "PUT /backups/x.dump Content-MD5: lk2G7zn4yp8x8rZ7c0oylw== 201",
    "nextToken=eyJvZmZzZXQiOiAxMDB9 maxResults=100",
    "max_tokens=4096 prompt_tokens=120",
    "PWD=/home/runner/work/app",
    'resourceVersion="151840889" generation=4',
    'volume "default-token-lnm9q" : secret "default-token-lnm9q" not found',
    "docker run -u 1000:1000 alpine id",
    "ssh -p 2222 deploy@host",
    "GET /api/v1/pods?limit=500&continue=abc 200",
]


@pytest.mark.parametrize(("line", "secret", "survivor"), SECRETS, ids=[s[1][:24] for s in SECRETS])
def test_secret_family_is_redacted(line: str, secret: str, survivor: str) -> None:
    out = Redactor().redact(line)
    assert secret not in out, out
    assert survivor in out, out
    assert "[REDACTED:" in out


@pytest.mark.parametrize("line", DECOYS)
def test_decoy_survives(line: str) -> None:
    assert Redactor().redact(line) == line


def test_pem_private_key_every_body_line() -> None:
    body = [
        "MIIEowIBAAKCAQEA4sht6KU+6J1RwIzI5eg1kgZb+s1CA3Ef3ZAy1/KqsxjORguh",
        "S9ABNkysvUSHkTW/vH37lmbENhS1abcdefghijklmnop",
        "QQ0oC0lqWBX203UIE9ZxZG6Dp+WtU=",
    ]
    pem = "-----BEGIN RSA PRIVATE KEY-----\n" + "\n".join(body) + "\n-----END RSA PRIVATE KEY-----"
    escaped = pem.replace("\n", "\\n")
    for text in (pem, escaped, '{"key": "' + pem.replace("\n", "\\\\n") + '"}'):
        out = Redactor().redact(text)
        assert all(line not in out for line in body), out
        assert "BEGIN RSA PRIVATE KEY" in out
    assert Redactor().redact(pem).count("\n") == pem.count("\n")


def test_certificates_are_not_secrets() -> None:
    cert = "-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBa\n-----END CERTIFICATE-----"
    assert Redactor().redact(cert) == cert


def test_kubernetes_secret_yaml_and_json() -> None:
    yaml_doc = "apiVersion: v1\ndata:\n  password: aHVudGVyMg==\n  user: YWRtaW4=\nkind: Secret\nmetadata:\n  name: db\n"
    out = Redactor().redact(yaml_doc)
    assert "aHVudGVyMg==" not in out and "YWRtaW4=" not in out and "name: db" in out
    configmap = yaml_doc.replace("kind: Secret", "kind: ConfigMap").replace("password", "level")
    assert Redactor().redact(configmap) == configmap
    last_applied = '{"kind":"Secret","stringData":{"token":"abc"},"metadata":{"name":"x"}}'
    assert '"abc"' not in Redactor().redact(last_applied)


def test_placeholders_are_stable_within_one_redactor() -> None:
    redactor = Redactor()
    token = "ghp_abcdefghijklmnopqrstuvwxyz0123456789"
    other = "ghp_0123456789abcdefghijklmnopqrstuvwxyz"
    first = redactor.redact(f"a {token}")
    second = redactor.redact(f"b {other} then {token}")
    assert first == "a [REDACTED:github-token#1]"
    assert second == "b [REDACTED:github-token#2] then [REDACTED:github-token#1]"
    assert redactor.counts == {"github-token": 2}


def test_counts_by_kind() -> None:
    redactor = Redactor()
    redactor.redact("password=abc123xyz AKIAIOSFODNN7REALKEY password=abc123xyz")
    assert redactor.counts == {"password": 1, "aws-access-key-id": 1}


def test_pii_is_off_by_default_and_configurable() -> None:
    line = "login by alice@example.com from 10.1.2.3"
    assert Redactor().redact(line) == line
    masked = Redactor(pii=True).redact(line)
    assert "alice@example.com" not in masked and "10.1.2.3" not in masked


def test_extra_user_patterns() -> None:
    redactor = Redactor(extra_patterns={"acme-token": r"\b(acme_[a-z0-9]{12})\b"})
    assert redactor.redact("t=acme_0123456789ab") == "t=[REDACTED:acme-token#1]"


def test_stream_follows_pem_and_secret_yaml_across_lines() -> None:
    lines = [
        "start\n",
        "-----BEGIN OPENSSH PRIVATE KEY-----\n",
        "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n",
        "-----END OPENSSH PRIVATE KEY-----\n",
        "apiVersion: v1\n",
        "data:\n",
        "  token: c2VjcmV0dG9rZW4=\n",
        "kind: Secret\n",
        "---\n",
        "ok\n",
    ]
    out = list(Redactor().redact_lines(lines))
    assert len(out) == len(lines)
    assert "b3BlbnNzaC1rZXkt" not in "".join(out)
    assert "c2VjcmV0dG9rZW4=" not in "".join(out)
    assert out[0] == "start\n" and out[-1] == "ok\n"


def test_a_form_body_without_a_question_mark_is_searched_for_secret_parameters() -> None:
    """`a=1&session=...` (a POST body, a fragment) carries parameters like a query string does."""
    redactor = Redactor()
    assert "4f9c2a7be1d04c3f9a8b7c6d5e4f3a2b" not in redactor.redact("state=x&code=4f9c2a7be1d04c3f9a8b7c6d5e4f3a2b")
    assert "Zk9xT2pLcW5Nd0VyVHlVaU9wQXNEZkdoSmtMeg" not in redactor.redact("a=1&session=Zk9xT2pLcW5Nd0VyVHlVaU9wQXNEZkdoSmtMeg")
    assert redactor.redact("page=2&sort=asc&limit=50") == "page=2&sort=asc&limit=50"
