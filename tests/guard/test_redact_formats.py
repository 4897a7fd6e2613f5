"""Coverage as a checklist: one synthetic example per named secret format, structural cases
for each generic class, and properties of redaction on arbitrary text.

Every value here is generated (seeded, right alphabet and length); none is a real credential.
A row asserts that the value is gone, that the placeholder names the format's kind (so the
named pattern fired, not a neighbouring key), and that the text around it survives.
"""

from __future__ import annotations

import random
import re
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opslens.guard import Redactor
from opslens.guard.prefilter import gate_regex
from opslens.guard.secret_patterns import FORMATS, TOKEN_PATTERNS

AN = string.ascii_letters + string.digits
AN_ = AN + "_-"
UD = string.ascii_uppercase + string.digits
LD = string.ascii_lowercase + string.digits
HEX = "0123456789abcdef"
B64 = AN + "+/"
_rng = random.Random(1109)


def r(alphabet: str, n: int) -> str:
    """A random-looking string; seeded so failures reproduce."""
    return "".join(_rng.choice(alphabet) for _ in range(n))


def uuid() -> str:
    return "-".join(r(HEX, n) for n in (8, 4, 4, 4, 12))


# format id -> (fragment as it appears in the line, the secret inside it)
EXAMPLES: dict[str, tuple[str, str]] = {}


def ex(format_id: str, secret: str, fragment: str | None = None) -> None:
    EXAMPLES[format_id] = (fragment or secret, secret)


ex("aws-access-token", "AKIA" + r(UD, 16))
ex("aws-session-token", "FwoGZXIvYXdz" + r(B64, 120))
ex("aws-amazon-bedrock-api-key-long-lived", "ABSK" + r(B64, 130))
ex(
    "aws-amazon-bedrock-api-key-short-lived",
    "bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t" + r(AN, 60),
)
ex("amazon-mws-auth-token", "amzn.mws." + uuid())
ex("gcp-api-key", "AIza" + r(AN_, 35))
ex("gcp-oauth-access-token", "ya29." + r(AN_, 60))
ex("gcp-refresh-token", "1//0" + r(AN_, 40))
ex("gcp-client-secret", "GOCSPX-" + r(AN_, 28))
ex("firebase-fcm-server-key", "AAAA" + r(AN, 7) + ":APA91b" + r(AN_, 134))
ex("azure-ad-client-secret", r(AN, 3) + "8Q~" + r(AN + "_~", 34))
ex("alibaba-access-key-id", "LTAI" + r(AN, 20))
ex("tencent-secret-id", "AKID" + r(AN, 32))
ex("yandex-api-key", "AQVN" + r(AN, 36))
ex("yandex-aws-access-token", "YC" + r(AN, 38))
ex("yandex-access-token", "t1." + r(AN, 40) + "." + r(AN_, 86))
ex("digitalocean-token", "dop_v1_" + r(HEX, 64))
ex("heroku-api-key-v2", "HRKU-AA" + r(AN_, 58))
ex("flyio-access-token", "fo1_" + r(AN_, 43))
ex("scalingo-api-token", "tk-us-" + r(AN_, 48))
ex("render-api-key", "rnd_" + r(AN, 32))
ex("supabase-token", "sbp_" + r(HEX, 40))
ex("cloudflare-origin-ca-key", "v1.0-" + r(HEX, 24) + "-" + r(HEX, 146))
ex("github-token", "ghp_" + r(AN, 36))
ex("github-fine-grained-pat", "github_pat_11" + r(UD, 20) + "_" + r(AN, 59))
ex("gitlab-token", "glpat-" + r(AN_, 20))
ex("gitlab-rrt", "GR1348941" + r(AN_, 20))
_gl = r(LD, 32)
ex("gitlab-session-cookie", _gl, "_gitlab_session=" + _gl)
ex("atlassian-api-token", "ATATT3" + r(AN_, 180) + "=" + r(HEX, 8))
ex("bitbucket-app-password", "ATBB" + r(AN, 32))
ex("buildkite-token", "bkua_" + r(HEX, 40))
ex("circleci-token", "CCIPAT_" + r(AN, 22) + "_" + r(HEX, 40))
ex("sonar-api-token", "squ_" + r(HEX, 40))
ex("sourcegraph-access-token", "sgp_" + r(HEX, 16) + "_" + r(HEX, 40))
ex("harness-api-key", "pat." + r(AN_, 22) + "." + r(AN, 24) + "." + r(AN, 20))
ex("octopus-deploy-api-key", "API-" + r(UD, 26))
ex("jfrog-artifactory-token", "AKCp" + r(AN, 69))
ex("npm-access-token", "npm_" + r(AN, 36))
ex("pypi-upload-token", "pypi-AgEIcHlwaS5vcmc" + r(AN_, 70))
ex("rubygems-api-token", "rubygems_" + r(HEX, 48))
ex("clojars-api-token", "CLOJARS_" + r(AN, 60))
ex("docker-hub-token", "dckr_pat_" + r(AN_, 27))
ex("docker-swarm-token", "SWMTKN-1-" + r(LD, 50) + "-" + r(LD, 25))
ex("vault-service-token", "hvs." + r(AN_, 90))
ex("hashicorp-tf-api-token", r(AN, 14) + ".atlasv1." + r(AN_, 67))
ex("pulumi-api-token", "pul-" + r(HEX, 40))
ex("doppler-api-token", "dp.pt." + r(AN, 43))
ex("1password-service-account-token", "ops_eyJ" + r(B64, 260))
ex("1password-secret-key", "A3-" + "-".join(r(UD, n) for n in (6, 11, 5, 5, 5)))
ex("age-secret-key", "AGE-SECRET-KEY-1" + r("QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", 58))
ex("infracost-api-token", "ico-" + r(AN, 32))
ex("tailscale-key", "tskey-auth-" + r(AN, 12) + "-" + r(AN, 30))
ex("slack-token", "xoxb-" + r(string.digits, 12) + "-" + r(string.digits, 13) + "-" + r(AN, 24))
ex("slack-config-token", "xoxe.xoxp-1-" + r(AN, 163))
ex("slack-app-token", "xapp-1-A" + r(UD, 10) + "-" + r(string.digits, 13) + "-" + r(HEX, 64))
_sl = r(AN, 24)
ex("slack-webhook-url", _sl, f"https://hooks.slack.com/services/T{r(UD, 8)}/B{r(UD, 10)}/{_sl}")
_dc = r(AN_, 68)
ex("discord-webhook", _dc, f"https://discord.com/api/webhooks/{r(string.digits, 18)}/{_dc}")
_tm = r(AN, 32) + "/" + uuid()
ex(
    "microsoft-teams-webhook",
    _tm,
    f"https://acme.webhook.office.com/webhookb2/{uuid()}@{uuid()}/IncomingWebhook/{_tm}",
)
_zp = r(LD, 7)
ex("zapier-webhook", _zp, f"https://hooks.zapier.com/hooks/catch/{r(string.digits, 7)}/{_zp}/")
ex("telegram-bot-api-token", r(string.digits, 10) + ":AA" + r(AN_, 33))
_mm = r(LD, 26)
ex("mattermost-webhook", _mm, "https://chat.example.com/hooks/" + _mm)
ex("airtable-personal-access-token", "pat" + r(AN, 14) + "." + r(HEX, 64))
_sly = r(LD, 64)
ex("softlayer-api-key", _sly, "https://api.softlayer.com/soap/v3/" + _sly)
_sk = r(HEX, 8) + ":" + r(HEX, 8)
ex("sidekiq-secret", _sk, "BUNDLE_GEMS__CONTRIBSYS__COM=" + _sk)
ex("stripe-access-token", "sk_live_" + r(AN, 24))
ex("stripe-webhook-secret", "whsec_" + r(AN, 32))
ex("square-access-token", "sq0atp-" + r(AN_, 22))
ex("shopify-token", "shpat_" + r(HEX, 32))
ex("shippo-api-token", "shippo_live_" + r(HEX, 40))
ex("easypost-api-token", "EZAK" + r(AN, 54))
ex("duffel-api-token", "duffel_live_" + r(AN_, 43))
ex("flutterwave-key", "FLWSECK_TEST-" + r("abcdefgh0123456789", 32) + "-X")
ex("braintree-access-token", f"access_token$production${r(LD, 16)}${r(HEX, 32)}")
ex("plaid-api-token", "access-production-" + uuid())
ex("sendgrid-api-token", "SG." + r(AN_, 22) + "." + r(AN_, 43))
ex("sendinblue-api-token", "xkeysib-" + r(HEX, 64) + "-" + r(AN, 16))
ex("twilio-api-key", "SK" + r(HEX, 32))
ex("mailgun-private-api-token", "key-" + r(HEX, 32))
ex("mailchimp-api-key", r(HEX, 32) + "-us14")
ex("postman-api-token", "PMAK-" + r(HEX, 24) + "-" + r(HEX, 34))
ex("hubspot-private-app-token", "pat-na1-" + uuid())
ex("typeform-api-token", "tfp_" + r(AN_, 59))
ex("contentful-pat", "CFPAT-" + r(AN_, 43))
ex("notion-api-token", "ntn_" + r(string.digits, 11) + r(AN, 35))
ex("linear-api-key", "lin_api_" + r(AN, 40))
ex("readme-api-token", "rdme_" + r(LD, 70))
ex("frameio-api-token", "fio-u-" + r(AN_, 64))
ex("adobe-client-secret", "p8e-" + r(AN, 32))
ex("facebook-page-access-token", "EAAM" + r(AN, 120))
ex("facebook-access-token", r(string.digits, 15) + "|" + r(AN_, 32))
ex("twitter-bearer-token", "A" * 22 + r(AN, 90))
ex("dropbox-short-lived-api-token", "sl." + r(AN_, 135))
ex("mapbox-secret-token", "sk.eyJ" + r(AN_, 40) + "." + r(AN_, 22))
ex("salesforce-session-id", "00D" + r(AN, 15) + "!" + r(AN + "._", 96))
ex("maxmind-license-key", r(AN, 6) + "_" + r(AN, 29) + "_mmk")
ex("new-relic-key", "NRAK-" + r(UD, 27))
ex("new-relic-license-key", r(HEX, 36) + "NRAL")
ex("grafana-service-account-token", "glsa_" + r(AN, 32) + "_" + r(HEX, 8))
ex("grafana-cloud-api-token", "glc_" + r(AN, 60))
ex("grafana-api-key", "eyJrIjoi" + r(AN, 80))
ex("sentry-token", "sntryu_" + r(HEX, 64))
_dsn = r(HEX, 32)
ex("sentry-dsn", _dsn, f"https://{_dsn}@o123456.ingest.sentry.io/4505")
ex("dynatrace-api-token", "dt0c01." + r(UD, 24) + "." + r(UD, 64))
ex("honeycomb-key", "hcaik_" + r(LD, 58))
ex("clickhouse-cloud-api-secret-key", "4b1d" + r(AN, 38))
ex("databricks-api-token", "dapi" + r(HEX, 32))
ex("planetscale-token", "pscale_tkn_" + r(AN_, 43))
ex("prefect-api-token", "pnu_" + r(AN, 36))
ex("settlemint-token", "sm_pat_" + r(AN, 16))
ex("defined-networking-api-token", "dnkey-" + r(AN, 26) + "-" + r(AN, 52))
ex("authress-access-key", f"sc_{r(LD, 10)}.{r(LD, 5)}.acc_{r(LD, 20)}.{r(AN, 60)}")
ex("intra42-client-secret", "s-s4t2ud-" + r(HEX, 64))
ex("openshift-user-token", "sha256~" + r(AN_, 43))
ex("anthropic-api-key", "sk-ant-api03-" + r(AN_, 93) + "AA")
ex("openai-api-key", "sk-proj-" + r(AN_, 74) + "T3BlbkFJ" + r(AN_, 74))
ex("huggingface-access-token", "hf_" + r(string.ascii_letters, 34))
ex("perplexity-api-key", "pplx-" + r(AN, 48))
ex("groq-api-key", "gsk_" + r(AN, 52))
ex("xai-api-key", "xai-" + r(AN, 80))
ex("replicate-api-token", "r8_" + r(AN, 37))
ex("langsmith-api-key", "lsv2_pt_" + r(HEX, 32) + "_" + r(HEX, 10))
ex("pinecone-api-key", "pcsk_" + r(AN, 6) + "_" + r(AN, 60))
ex("tavily-api-key", "tvly-" + r(AN, 32))
ex("jwt", "eyJhbGciOiJIUzI1NiJ9.eyJ" + r(AN_, 40) + "." + r(AN_, 43))
ex("jwt-base64", "ZXlK" + r(B64, 100))

# Realistic lines with no secret-ish key names, so only the named format can fire;
# each with a neighbour that must survive.
TEMPLATES = (
    ("2025-03-14T02:17:15Z INFO worker-7 pushing with {v} to origin (attempt 2)", "(attempt 2)"),
    ('{{"level":"error","msg":"upstream rejected","value":"{v}","status":401}}', '"status":401'),
    (
        "E0314 02:04:17.778874       1 client.go:299] request failed: using {v} 403 Forbidden",
        "client.go:299]",
    ),
    ("Mar 14 02:28:18 node-3 app[5708]: EXPORTED_VALUE={v} loaded from env", "loaded from env"),
    ("    value: {v}", "    value: "),
    ("+ ./run.sh --with {v} --retries 3", "--retries 3"),
)
KINDS = {fmt.id: fmt.kind for fmt in FORMATS}
CASES = [
    (fid, TEMPLATES[i % len(TEMPLATES)], fragment, secret)
    for i, (fid, (fragment, secret)) in enumerate(sorted(EXAMPLES.items()))
]


def test_every_named_format_has_an_example() -> None:
    assert sorted(EXAMPLES) == sorted(KINDS), "add an example for each new format"


@pytest.mark.parametrize(
    ("fid", "template", "fragment", "secret"), CASES, ids=[c[0] for c in CASES]
)
def test_named_format_is_redacted(
    fid: str, template: tuple[str, str], fragment: str, secret: str
) -> None:
    line_template, survivor = template
    line = line_template.format(v=fragment)
    out = Redactor().redact(line)
    assert secret not in out
    assert f"[REDACTED:{KINDS[fid]}#1]" in out, out
    assert survivor in out
    assert fragment.replace(secret, "") in out.replace(f"[REDACTED:{KINDS[fid]}#1]", "")


# class | line | secret that must go | text that must stay
STRUCTURAL = r"""
cookie | > Cookie: sessionid=Qm9yZWRBcGVzMTIzNDU2Nzg5; theme=dark; lang=en | Qm9yZWRBcGVzMTIzNDU2Nzg5 | theme=dark; lang=en
cookie | < Set-Cookie: SESSION=ZmFrZS1zZXNzaW9uLTE4OTI3MzY0; Path=/; Secure; HttpOnly; SameSite=Lax | ZmFrZS1zZXNzaW9uLTE4OTI3MzY0 | Path=/; Secure; HttpOnly; SameSite=Lax
cookie | {"msg":"Set-Cookie: connect.sid=s%3AkP2vQ9xLmZ7wR4tY8uI0oE6a.Hq3; Path=/; HttpOnly"} | s%3AkP2vQ9xLmZ7wR4tY8uI0oE6a.Hq3 | Path=/; HttpOnly
cookie | cookie: _oauth2_proxy=N8BVXnOb8XVyvHlA4NFuFITsJWriff5KYf; lang=en | N8BVXnOb8XVyvHlA4NFuFITsJWriff5KYf | lang=en
header | Authorization: Bearer 7Fh2kQ9xLmZ7wR4tY8uI0oE6aB3c | 7Fh2kQ9xLmZ7wR4tY8uI0oE6aB3c | Authorization: Bearer
header | Proxy-Authorization: Basic b3BzOmZha2VQYXNzMjAyNQ== | b3BzOmZha2VQYXNzMjAyNQ== | Proxy-Authorization: Basic
header | X-Api-Key: 4fK9qL2mX7pR1tZ8wV3y | 4fK9qL2mX7pR1tZ8wV3y | X-Api-Key:
header | X-Auth-Token: 9d8Fq2LmZx7Pw4Rt1Vb6Ny3Hc | 9d8Fq2LmZx7Pw4Rt1Vb6Ny3Hc | X-Auth-Token:
header | -H "X-Vault-Token: s.Kq2LmZx7Pw4Rt1Vb6Ny3HcQw" https://vault:8200/v1/sys/health | s.Kq2LmZx7Pw4Rt1Vb6Ny3HcQw | https://vault:8200/v1/sys/health
connstr | Server=tcp:db.example.net,1433;Database=orders;User ID=app;Password=Wq9!zX2#kL;Encrypt=True | Wq9!zX2#kL | Encrypt=True
connstr | Driver={ODBC Driver 18};Server=db;Uid=app;Pwd=Tr0ub4dor&3x;TrustServerCertificate=no | Tr0ub4dor&3x | TrustServerCertificate=no
connstr | DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=bXlGYWtlQWNjb3VudEtleTEyMzQ1Njc4OTBhYmNkZWY=;EndpointSuffix=core.windows.net | bXlGYWtlQWNjb3VudEtleTEyMzQ1Njc4OTBhYmNkZWY= | EndpointSuffix=core.windows.net
connstr | Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=ZmFrZVNoYXJlZEFjY2Vzc0tleTEyMzQ1Njc4OTA= | ZmFrZVNoYXJlZEFjY2Vzc0tleTEyMzQ1Njc4OTA= | SharedAccessKeyName=send
connstr | BlobEndpoint=https://acme.blob.core.windows.net/;SharedAccessSignature=sv=2022-11-02&ss=b&sig=ZmFrZVNpZ25hdHVyZTEyMzQ1Ng%3D%3D | ZmFrZVNpZ25hdHVyZTEyMzQ1Ng%3D%3D | BlobEndpoint=https://acme.blob.core.windows.net/
url-creds | DATABASE_URL=postgresql://orders:Xk9mQ2vLp7wQ@db.internal:5432/orders | Xk9mQ2vLp7wQ | db.internal:5432/orders
url-creds | amqp://guest:Zr4!pL8qW2@rabbitmq.shop.svc:5672/ | Zr4!pL8qW2 | rabbitmq.shop.svc:5672
url-query | GET /callback?code=4/0AbCdEfGhIjKlMnOpQrStUvWxYz123&state=xyz 302 | 4/0AbCdEfGhIjKlMnOpQrStUvWxYz123 | state=xyz 302
url-query | GET https://maps.example.com/api/geocode?address=Berlin&key=s021cPDaLLMIt04u4QGKIp -> 200 | s021cPDaLLMIt04u4QGKIp | address=Berlin
url-query | https://bucket.s3.amazonaws.com/a.tgz?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=3f9a1c0d2b4e6f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7081 | 3f9a1c0d2b4e6f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7081 | X-Amz-Algorithm=AWS4-HMAC-SHA256
url-query | https://storage.googleapis.com/b/o?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Signature=7a8b9c0d1e2f30415263748596a7b8c9 | 7a8b9c0d1e2f30415263748596a7b8c9 | X-Goog-Algorithm=GOOG4-RSA-SHA256
url-query | wss://stream.example.com/ws?access_token=Zm9vYmFyLWFjY2Vzcy0xMjM0&v=2 | Zm9vYmFyLWFjY2Vzcy0xMjM0 | v=2
url-query | POST /hooks/deploy?token=Kq2LmZx7Pw4Rt1Vb6Ny3 HTTP/1.1 | Kq2LmZx7Pw4Rt1Vb6Ny3 | HTTP/1.1
key-value | DB_PASSWORD=Xk9#mQ2vLp7w | Xk9#mQ2vLp7w | DB_PASSWORD=
key-value | {"client_secret": "Zr4pL8qW2sT6uV0x", "client_id": "orders"} | Zr4pL8qW2sT6uV0x | "client_id": "orders"
key-value |   api_key: 8f2Kq9LmZx7Pw4Rt | 8f2Kq9LmZx7Pw4Rt | api_key:
key-value | <add key="ClearTextPassword" value="Orange2025_qsu4ks" /> | Orange2025_qsu4ks | ClearTextPassword
key-value |     client-key-data: LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQpNSUlF | LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQpNSUlF | client-key-data:
cli | ldapsearch -x -D cn=admin,dc=example,dc=org -w Monkey2021*lptp6 -b dc=example,dc=org | Monkey2021*lptp6 | -b dc=example,dc=org
cli | docker login -u ci -p Summer2026x72vaw registry.example.com | Summer2026x72vaw | registry.example.com
cli | redis-cli -h cache -a Zr4pL8qW2sT6 ping | Zr4pL8qW2sT6 | ping
cli | curl --user "admin:Autumn2019_n7c14z" http://es-0:9200/_cluster/health | Autumn2019_n7c14z | http://es-0:9200/_cluster/health
pem | -----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY----- | b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ | -----END OPENSSH PRIVATE KEY-----
pem | "private_key": "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\\n-----END PRIVATE KEY-----\\n" | MIIEvQIBADANBgkqhkiG9w0BAQEFAASC | "private_key"
"""
STRUCTURAL_ROWS = [
    tuple(part.strip() for part in row.split(" | ")) for row in STRUCTURAL.strip().splitlines()
]


@pytest.mark.parametrize(
    ("cls", "line", "secret", "keep"),
    STRUCTURAL_ROWS,
    ids=[f"{row[0]}-{i}" for i, row in enumerate(STRUCTURAL_ROWS)],
)
def test_structural_class_is_redacted(cls: str, line: str, secret: str, keep: str) -> None:
    line = line.replace(r"\n", "\n") if cls == "pem" and "\\\\n" not in line else line
    out = Redactor().redact(line)
    assert secret not in out, cls
    assert keep in out, cls


K8S_YAML = """apiVersion: v1
kind: Secret
metadata:
  name: orders-db
  namespace: shop
type: Opaque
data:
  password: WGs5bVEydkxwN3dR
  username: b3JkZXJz
stringData:
  api-token: Kq2LmZx7Pw4Rt1Vb6Ny3
"""
K8S_JSON = (
    '{"apiVersion":"v1","kind":"Secret","metadata":{"name":"orders-db"},'
    '"data":{"password":"WGs5bVEydkxwN3dR","username":"b3JkZXJz"}}'
)


@pytest.mark.parametrize("text", [K8S_YAML, K8S_JSON], ids=["yaml", "json"])
def test_kubernetes_secret_data_values_go_names_stay(text: str) -> None:
    out = Redactor().redact(text)
    for value in ("WGs5bVEydkxwN3dR", "b3JkZXJz"):
        assert value not in out
    assert "orders-db" in out and "password" in out and "username" in out
    if "stringData" in text:
        assert "Kq2LmZx7Pw4Rt1Vb6Ny3" not in out


def test_kubernetes_secret_as_a_stream_keeps_line_count() -> None:
    lines = K8S_YAML.splitlines(keepends=True)
    out = list(Redactor().redact_lines(lines))
    assert len(out) == len(lines)
    assert "WGs5bVEydkxwN3dR" not in "".join(out)


def test_multiline_pem_in_a_stream() -> None:
    lines = [
        "loaded key:\n",
        "-----BEGIN EC PRIVATE KEY-----\n",
        "MHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5oYh8rA1cM0xloAoGCCqGSM49\n",
        "AwEHoUQDQgAE8h3Pd4aRDtq6Q3f0r0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7\n",
        "-----END EC PRIVATE KEY-----\n",
        "done\n",
    ]
    out = list(Redactor().redact_lines(lines))
    assert len(out) == len(lines)
    assert "MHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5oYh8rA1cM0xloAoGCCqGSM49" not in "".join(out)
    assert out[0] == lines[0] and out[-1] == lines[-1] and out[4] == lines[4]


# -- properties ----------------------------------------------------------------------------

_WORD_TEXT = (
    "pod node kubelet started stopped error warning info ready deployment replica service "
    "endpoint volume mounted image pulled container restarted backoff timeout connection "
    "refused upstream healthy unhealthy namespace shop orders payments cache database "
    "request response latency retry scheduled evicted memory cpu disk quota limit"
)
_WORDS = _WORD_TEXT.split()
_SAFE_TOKENS = st.one_of(
    st.sampled_from(_WORDS),
    st.integers(min_value=0, max_value=99999).map(str),
    st.sampled_from(["-", ":", "=", "/", "(", ")", "[", "]", ",", "200", "503", "10.0.3.7"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_SAFE_TOKENS, min_size=1, max_size=30))
def test_a_line_of_plain_words_is_unchanged(tokens: list[str]) -> None:
    line = " ".join(tokens)
    assert Redactor().redact(line) == line


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=9, max_codepoint=0x2FF), max_size=300))
def test_redaction_never_adds_lines(text: str) -> None:
    out = Redactor().redact(text)
    assert out.count("\n") <= text.count("\n")
    lines = text.splitlines(keepends=True)
    assert len(list(Redactor().redact_lines(lines))) == len(lines)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(sorted(EXAMPLES)), st.sampled_from(_WORDS), st.sampled_from(_WORDS))
def test_named_secret_between_words_is_gone(fid: str, before: str, after: str) -> None:
    fragment, secret = EXAMPLES[fid]
    out = Redactor().redact(f"{before} {fragment} {after}")
    assert secret not in out
    assert out.startswith(before + " ") and out.endswith(" " + after)


def test_placeholders_are_well_formed() -> None:
    out = Redactor().redact(" ".join(fragment for fragment, _ in EXAMPLES.values()))
    assert re.findall(r"\[REDACTED:[a-z0-9-]+#\d+\]", out)


_KEYWORDS = sorted({k for _, _, keys in TOKEN_PATTERNS for k in keys})
_GATE = gate_regex(_KEYWORDS)


@settings(max_examples=500, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(string.printable), max_size=60),
    st.one_of(st.none(), st.sampled_from(_KEYWORDS)),
    st.text(alphabet=st.sampled_from(string.printable), max_size=60),
)
def test_keyword_gate_matches_exactly_where_a_keyword_occurs(
    before: str, keyword: str | None, after: str
) -> None:
    text = before + (keyword or "") + after
    assert bool(_GATE.search(text)) == any(k in text for k in _KEYWORDS)
