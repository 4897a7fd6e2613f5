"""Value generators and log envelopes for the documented-format secret corpus.

Most values are sampled from the regex their format documents (bench/_regex_sample.py);
the generators here build the few that are encodings of something else (JWTs, base64 of
`user:password`, Kubernetes `data:` values). Envelopes wrap a message in the log shapes an
SRE feeds opslens: JSON logs, klog, syslog, CRI, Java app logs, or the raw text.
"""

from __future__ import annotations

import base64
import json
import random
import string
import uuid as uuid_module
from collections.abc import Callable

_WORDS = ("Summer", "Winter", "Autumn", "Dragon", "Monkey", "Orange", "Falcon", "Harbor", "Cobalt")
_USERS = ("deploy", "readonly", "ci", "backup", "svc-orders", "admin", "jenkins")


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _random_text(rng: random.Random, alphabet: str, low: int, high: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(low, high)))


def human_password(rng: random.Random) -> str:
    """A password the way people write them: word, year, symbol, a few random letters."""
    tail = _random_text(rng, string.ascii_lowercase + string.digits, 3, 6)
    return f"{rng.choice(_WORDS)}{rng.randint(2019, 2026)}{rng.choice('.!_-#*')}{tail}"


def jwt(rng: random.Random) -> str:
    """A signed JWT: base64url header.payload.signature (RFC 7519)."""
    header = {"alg": rng.choice(["RS256", "HS256", "ES256"]), "typ": "JWT"}
    if rng.random() < 0.5:
        header["kid"] = _random_text(rng, string.ascii_letters + string.digits, 8, 20)
    payload = {
        "sub": rng.choice(_USERS),
        "iss": rng.choice(["https://auth.example.com", "kubernetes/serviceaccount"]),
        "iat": rng.randint(1_700_000_000, 1_760_000_000),
        "exp": rng.randint(1_760_000_000, 1_800_000_000),
        "jti": _random_text(rng, string.hexdigits.lower()[:16], 16, 32),
    }
    signature = _b64url(rng.randbytes(rng.choice([32, 64, 256])))
    parts = (json.dumps(header).encode(), json.dumps(payload).encode())
    return ".".join([_b64url(parts[0]), _b64url(parts[1]), signature])


def jwt_base64(rng: random.Random) -> str:
    """A JWT, base64-encoded once more (gitleaks rule jwt-base64)."""
    return base64.b64encode(jwt(rng).encode()).decode()


def sentry_org_token(rng: random.Random) -> str:
    """Sentry organisation token: sntrys_ + base64 JSON claims + _ + 43-char secret."""
    claims = {
        "iat": rng.randint(1_700_000_000, 1_760_000_000),
        "url": "https://sentry.io",
        "region_url": "https://us.sentry.io",
        "org": rng.choice(["acme", "payments-team", "platform"]),
    }
    body = base64.b64encode(json.dumps(claims, separators=(",", ":")).encode()).decode()
    secret = _random_text(rng, string.ascii_letters + string.digits + "+/", 43, 43)
    return f"sntrys_{body.rstrip('=')}_{secret}"


def basic_credentials(rng: random.Random) -> str:
    """base64 of `user:password` (HTTP Basic, Docker config `auth`)."""
    return base64.b64encode(f"{rng.choice(_USERS)}:{human_password(rng)}".encode()).decode()


def b64_secret(rng: random.Random) -> str:
    """A Kubernetes Secret `data:` value: base64 of a password or random key."""
    if rng.random() < 0.5:
        raw = human_password(rng).encode()
    else:
        raw = _random_text(rng, string.ascii_letters + string.digits, 20, 40).encode()
    return base64.b64encode(raw).decode()


def b64_event(rng: random.Random) -> str:
    """base64 of an ordinary JSON event (a decoy: encoded, but nothing secret)."""
    event = {
        "event": rng.choice(["order.created", "user.login", "invoice.paid"]),
        "id": rng.randint(1000, 999999),
        "region": rng.choice(["eu-west-1", "us-east-1"]),
    }
    return base64.b64encode(json.dumps(event).encode()).decode()


#: `@name` values in the format files
GENERATORS: dict[str, Callable[[random.Random], str]] = {
    "jwt": jwt,
    "jwt_base64": jwt_base64,
    "sentry_org_token": sentry_org_token,
    "basic": basic_credentials,
    "b64_secret": b64_secret,
    "human_password": human_password,
    "b64_event": b64_event,
}


def fillers(rng: random.Random) -> dict[str, str]:
    """Non-secret filler values for %uuid%, %ip%, ... placeholders."""

    def uuid() -> str:
        return str(uuid_module.UUID(int=rng.getrandbits(128), version=4))

    hexchars = "0123456789abcdef"
    return {
        "uuid": uuid(),
        "uuid2": uuid(),
        "uuid3": uuid(),
        "ip": f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
        "n": str(rng.randint(2, 9999)),
        "sha": _random_text(rng, hexchars, 40, 40),
        "hex32": _random_text(rng, hexchars, 32, 32),
        "hex64": _random_text(rng, hexchars, 64, 64),
        "acct": str(rng.randint(10**11, 10**12 - 1)),
    }


STYLES = ("json", "klog", "syslog", "cri", "app")
_HOSTS = ("ip-10-0-12-34", "worker-03", "gke-prod-default-pool-8f3a2c1d-x7kq", "bastion-1")
_SERVICES = ("gateway", "order-worker", "auth-service", "notifier", "deployer")


def envelope(style: str, message: str, rng: random.Random) -> tuple[str, list[str]]:
    """Wrap a message in a log line of the given style; return the line and its own keeps."""
    minute, second = rng.randint(0, 59), rng.randint(0, 59)
    micros = rng.randint(0, 999_999)
    if style == "raw":
        return message, []
    if style == "json":
        request_id = fillers(rng)["uuid"]
        record = {
            "ts": f"2025-03-14T02:{minute:02d}:{second:02d}.{micros // 1000:03d}Z",
            "level": rng.choice(["info", "warn", "error", "debug"]),
            "msg": message,
            "service": rng.choice(_SERVICES),
            "request_id": request_id,
        }
        return json.dumps(record), [request_id]
    if style == "klog":
        prefix = f"I0314 02:{minute:02d}:{second:02d}.{micros:06d}       1 client.go:{rng.randint(20, 400)}]"
        return f"{prefix} {message}", []
    if style == "syslog":
        host = rng.choice(_HOSTS)
        return (
            f"Mar 14 02:{minute:02d}:{second:02d} {host} app[{rng.randint(100, 60000)}]: {message}",
            [host],
        )
    if style == "cri":
        return f"2025-03-14T02:{minute:02d}:{second:02d}.{micros:06d}123Z stdout F {message}", []
    if style == "app":
        thread = f"http-nio-8080-exec-{rng.randint(1, 9)}"
        return (
            f"2025-03-14 02:{minute:02d}:{second:02d},{micros // 1000:03d} ERROR [{thread}] com.acme.Client - {message}",
            [thread],
        )
    raise ValueError(f"unknown style {style}")
