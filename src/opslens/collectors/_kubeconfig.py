"""Kubernetes API access from a kubeconfig (`--kubeconfig`, else `KUBECONFIG`, else
~/.kube/config) or, inside a pod, the service account.

Why not a client library: the collector needs the API's JSON bytes exactly as the server sends
them (the readers take `kubectl get -o json` shapes and cite their lines), only GET/list, and
no watch. The official `kubernetes` client deserialises into generated models (re-encoding
loses fields and order unless every call passes `_preload_content=False`) and pulls in
urllib3, google-auth and websocket-client; lightkube is small but returns typed models too and
adds lightkube-models (~every API version's classes). httpx is already opslens's HTTP client,
with the tests' injection point. What a client library would add is the kubeconfig parsing,
done here: token, tokenFile, client certificates (files or inline data), basic auth,
certificate authorities, insecure-skip-tls-verify, proxy-url, and exec credential plugins
(client.authentication.k8s.io v1/v1beta1, as used by EKS, GKE, AKS and OIDC plugins). The
removed in-tree `auth-provider` plugins (gcp, azure, oidc; gone since Kubernetes 1.26) are not
supported: a one-line error says to use the exec plugin that replaced them.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from opslens.collectors._tls import TlsOptions
from opslens.collectors.errors import CollectError

SERVICE_ACCOUNT_DIR = Path("/var/run/secrets/kubernetes.io/serviceaccount")
_EXEC_TIMEOUT = 60.0


@dataclass
class ClusterAccess:
    """Where the API is and how to authenticate to it."""

    server: str
    context: str | None
    namespace: str
    tls: TlsOptions
    headers: dict[str, str] = field(default_factory=dict)
    basic: tuple[str, str] | None = None
    proxy: str | None = None
    #: Where the settings came from (a kubeconfig path or "in-cluster"), for the manifest.
    origin: str = ""


def kubeconfig_paths(explicit: str | None) -> list[Path]:
    """The kubeconfig files in precedence order (KUBECONFIG may name several)."""
    if explicit:
        return [Path(explicit).expanduser()]
    env = os.environ.get("KUBECONFIG")
    if env:
        return [Path(p).expanduser() for p in env.split(os.pathsep) if p]
    return [Path.home() / ".kube" / "config"]


def available(explicit: str | None) -> str | None:
    """Why no cluster can be reached (one line), or None when a kubeconfig or a service account exists."""
    if any(p.is_file() for p in kubeconfig_paths(explicit)):
        return None
    if not explicit and os.environ.get("KUBERNETES_SERVICE_HOST") and (SERVICE_ACCOUNT_DIR / "token").is_file():
        return None
    return f"no kubeconfig ({', '.join(str(p) for p in kubeconfig_paths(explicit))}) and not running in a pod"


def load_access(explicit: str | None, context: str | None) -> ClusterAccess:
    """Access for `context` (default: the current context), or the in-cluster service account."""
    paths = [p for p in kubeconfig_paths(explicit) if p.is_file()]
    if not paths:
        if os.environ.get("KUBERNETES_SERVICE_HOST") and not explicit:
            return _in_cluster()
        raise CollectError(available(explicit) or "no kubeconfig")
    merged = _merge(paths)
    name = context or merged.get("current-context")
    if not name:
        raise CollectError(f"{paths[0]}: no current-context; pass --context")
    ctx = _named(merged, "contexts", name, paths[0])
    cluster = _named(merged, "clusters", ctx.get("cluster"), paths[0])
    user = _named(merged, "users", ctx.get("user"), paths[0]) if ctx.get("user") else {}
    base = Path(cluster.get("_dir") or paths[0].parent)
    server = cluster.get("server")
    if not isinstance(server, str) or not server:
        raise CollectError(f"{paths[0]}: cluster {ctx.get('cluster')!r} has no server")
    access = ClusterAccess(
        server=server.rstrip("/"), context=name, namespace=ctx.get("namespace") or "default",
        tls=_tls(cluster, user, base, Path(user.get("_dir") or base)), proxy=cluster.get("proxy-url"),
        origin=str(paths[0]),
    )
    _authenticate(access, user, Path(user.get("_dir") or base), paths[0])
    return access


def _merge(paths: list[Path]) -> dict[str, Any]:
    """KUBECONFIG merging: the first file to set a name (or current-context) wins."""
    merged: dict[str, Any] = {"clusters": {}, "contexts": {}, "users": {}}
    for path in paths:
        try:
            doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise CollectError(f"{path}: cannot read kubeconfig: {exc}") from exc
        if not isinstance(doc, dict):
            raise CollectError(f"{path}: kubeconfig is not a mapping")
        merged.setdefault("current-context", doc.get("current-context"))
        for section, key in (("clusters", "cluster"), ("contexts", "context"), ("users", "user")):
            for entry in doc.get(section) or []:
                if isinstance(entry, dict) and isinstance(entry.get(key), dict) and entry.get("name"):
                    merged[section].setdefault(entry["name"], {**entry[key], "_dir": str(path.parent)})
    return merged


def _named(merged: dict[str, Any], section: str, name: Any, path: Path) -> dict[str, Any]:
    found = merged[section].get(name)
    if found is None:
        known = ", ".join(sorted(merged[section])) or "none"
        raise CollectError(f"{path}: no {section[:-1]} named {name!r} (known: {known})")
    return found


def _file(value: Any, base: Path) -> str | None:
    if not isinstance(value, str) or not value:
        return None
    path = Path(value).expanduser()
    return str(path if path.is_absolute() else base / path)


def _data(value: Any) -> bytes | None:
    return base64.b64decode(value) if isinstance(value, str) and value else None


def _tls(cluster: dict[str, Any], user: dict[str, Any], base: Path, user_base: Path) -> TlsOptions:
    return TlsOptions(
        ca_file=_file(cluster.get("certificate-authority"), base),
        ca_data=_data(cluster.get("certificate-authority-data")),
        cert_file=_file(user.get("client-certificate"), user_base),
        key_file=_file(user.get("client-key"), user_base),
        cert_data=_data(user.get("client-certificate-data")),
        key_data=_data(user.get("client-key-data")),
        insecure=bool(cluster.get("insecure-skip-tls-verify")),
    )


def _authenticate(access: ClusterAccess, user: dict[str, Any], base: Path, path: Path) -> None:
    token = user.get("token")
    if not token and user.get("tokenFile"):
        token = _read(_file(user["tokenFile"], base) or "", "tokenFile")
    if user.get("exec"):
        token = _exec_credential(user["exec"], access) or token
    if user.get("auth-provider"):
        name = (user["auth-provider"] or {}).get("name")
        raise CollectError(f"{path}: auth-provider {name!r} was removed from Kubernetes; use its exec credential plugin")
    if token:
        access.headers["Authorization"] = f"Bearer {token}"
    elif user.get("username"):
        access.basic = (str(user["username"]), str(user.get("password") or ""))


def _exec_credential(spec: dict[str, Any], access: ClusterAccess) -> str | None:
    """Run the user's credential plugin as kubectl does (argv, no shell, a timeout).

    The plugin is the user's own authentication, named in their kubeconfig, not a command
    opslens chose: it is run as kubectl would run it, and named in the bundle's manifest."""
    command = spec.get("command")
    if not isinstance(command, str) or not command:
        raise CollectError("exec credential plugin without a command")
    argv = [command, *[str(a) for a in spec.get("args") or []]]
    env = dict(os.environ)
    env.update({str(e["name"]): str(e.get("value", "")) for e in spec.get("env") or [] if isinstance(e, dict) and "name" in e})
    env["KUBERNETES_EXEC_INFO"] = json.dumps({
        "apiVersion": spec.get("apiVersion") or "client.authentication.k8s.io/v1",
        "kind": "ExecCredential", "spec": {"interactive": False},
    })
    try:
        done = subprocess.run(argv, env=env, capture_output=True, timeout=_EXEC_TIMEOUT, stdin=subprocess.DEVNULL, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise CollectError(f"exec credential plugin {command}: {exc}") from exc
    if done.returncode != 0:
        tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"exit {done.returncode}"]
        raise CollectError(f"exec credential plugin {command} failed: {tail[0][:200]}")
    try:
        status = json.loads(done.stdout).get("status") or {}
    except (ValueError, AttributeError) as exc:
        raise CollectError(f"exec credential plugin {command}: output is not an ExecCredential") from exc
    if status.get("clientCertificateData") and status.get("clientKeyData"):
        tls = access.tls
        access.tls = TlsOptions(tls.ca_file, tls.ca_data, None, None, status["clientCertificateData"].encode(),
                                status["clientKeyData"].encode(), tls.insecure)
    return status.get("token")


def _in_cluster() -> ClusterAccess:
    host, port = os.environ["KUBERNETES_SERVICE_HOST"], os.environ.get("KUBERNETES_SERVICE_PORT", "443")
    host = f"[{host}]" if ":" in host else host
    token = _read(str(SERVICE_ACCOUNT_DIR / "token"), "service account token")
    namespace_file = SERVICE_ACCOUNT_DIR / "namespace"
    namespace = namespace_file.read_text().strip() if namespace_file.is_file() else "default"
    return ClusterAccess(
        server=f"https://{host}:{port}", context=None, namespace=namespace,
        tls=TlsOptions(ca_file=str(SERVICE_ACCOUNT_DIR / "ca.crt")),
        headers={"Authorization": f"Bearer {token}"}, origin="in-cluster service account",
    )


def _read(path: str, what: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise CollectError(f"{what} {path}: {exc.strerror or exc}") from exc


def context_namespace(explicit: str | None, context: str | None) -> str | None:
    """The namespace of the context (no authentication run): the default of every source that
    reads by namespace. None without a readable kubeconfig."""
    paths = [p for p in kubeconfig_paths(explicit) if p.is_file()]
    if not paths:
        namespace_file = SERVICE_ACCOUNT_DIR / "namespace"
        return namespace_file.read_text().strip() if not explicit and namespace_file.is_file() else None
    try:
        merged = _merge(paths)
    except CollectError:
        return None
    ctx = merged["contexts"].get(context or merged.get("current-context")) or {}
    return ctx.get("namespace") or "default"
