"""The kubeconfig's TLS: the API server's certificate verified against
certificate-authority-data, and a client certificate (client-certificate-data/key-data)
as the credential, against the test API server over HTTPS. Certificates are made with the
openssl command for each run."""

from __future__ import annotations

import base64
import json
import os
import shutil
import ssl
import subprocess
import time
from pathlib import Path

import pytest
from cluster import shop_incident
from collect_helpers import collect
from kube_api import KubeApiServer


def _openssl(*args: str) -> None:
    subprocess.run(["openssl", *args], check=True, capture_output=True)


@pytest.fixture
def pki(tmp_path: Path) -> Path:
    if shutil.which("openssl") is None:
        if os.environ.get("OPSLENS_REQUIRE_COLLECTOR_BINARIES") == "1":
            pytest.fail("OPSLENS_REQUIRE_COLLECTOR_BINARIES=1 but openssl is not installed")
        pytest.skip("openssl not installed (Debian package openssl)")
    d = tmp_path / "pki"
    d.mkdir()
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=test-cluster-ca",
             "-keyout", str(d / "ca.key"), "-out", str(d / "ca.crt"))
    for name, subject, ext in (("server", "/CN=kube-apiserver", "subjectAltName=IP:127.0.0.1"), ("client", "/CN=opslens/O=readers", "extendedKeyUsage=clientAuth")):
        _openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", subject, "-keyout", str(d / f"{name}.key"), "-out", str(d / f"{name}.csr"))
        (d / f"{name}.ext").write_text(ext + "\n")
        _openssl("x509", "-req", "-in", str(d / f"{name}.csr"), "-CA", str(d / "ca.crt"), "-CAkey", str(d / "ca.key"), "-CAcreateserial",
                 "-days", "1", "-extfile", str(d / f"{name}.ext"), "-out", str(d / f"{name}.crt"))
    return d


def _server_tls(pki: Path) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(pki / "server.crt", pki / "server.key")
    ctx.load_verify_locations(pki / "ca.crt")
    ctx.verify_mode = ssl.CERT_REQUIRED
    return ctx


def _kubeconfig(path: Path, url: str, pki: Path, ca: Path | None) -> Path:
    def b64(name: str) -> str:
        return base64.b64encode((pki / name).read_bytes()).decode()

    cluster = {"server": url, **({"certificate-authority-data": base64.b64encode(ca.read_bytes()).decode()} if ca else {})}
    path.write_text(json.dumps({
        "current-context": "tls", "contexts": [{"name": "tls", "context": {"cluster": "c", "user": "u", "namespace": "shop"}}],
        "clusters": [{"name": "c", "cluster": cluster}],
        "users": [{"name": "u", "user": {"client-certificate-data": b64("client.crt"), "client-key-data": b64("client.key")}}],
    }))
    return path


def test_client_certificate_over_verified_tls(pki: Path, tmp_path: Path) -> None:
    with KubeApiServer(shop_incident(time.time()), tls=_server_tls(pki)) as api:
        result = collect(tmp_path / "b", ["kubernetes"], kubeconfig=str(_kubeconfig(tmp_path / "kc", api.url, pki, pki / "ca.crt")))
    assert result.outcomes[0].status == "ok", result.outcomes[0].detail
    assert api.url.startswith("https://") and len(api.log.requests) == 12


def test_a_server_certificate_from_another_authority_is_refused(pki: Path, tmp_path: Path) -> None:
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=other-ca",
             "-keyout", str(tmp_path / "other.key"), "-out", str(tmp_path / "other.crt"))
    with KubeApiServer(shop_incident(time.time()), tls=_server_tls(pki)) as api:
        result = collect(tmp_path / "b", ["kubernetes"], kubeconfig=str(_kubeconfig(tmp_path / "kc", api.url, pki, tmp_path / "other.crt")))
    outcome = result.outcomes[0]
    assert outcome.status == "failed" and "CERTIFICATE_VERIFY_FAILED" in outcome.detail and "\n" not in outcome.detail
    assert api.log.requests == []
