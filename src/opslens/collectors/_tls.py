"""TLS settings as an `ssl.SSLContext` (httpx's `verify=`), from files or inline PEM data
(kubeconfig's `*-data` fields, base64-decoded by the caller)."""

from __future__ import annotations

import os
import ssl
import tempfile
from dataclasses import dataclass

from opslens.collectors.errors import CollectError


@dataclass(frozen=True)
class TlsOptions:
    ca_file: str | None = None
    ca_data: bytes | None = None
    cert_file: str | None = None
    key_file: str | None = None
    cert_data: bytes | None = None
    key_data: bytes | None = None
    insecure: bool = False


def ssl_context(opts: TlsOptions) -> ssl.SSLContext | bool:
    """The context to verify the server (and present a client certificate) with."""
    try:
        if opts.insecure:
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
        elif opts.ca_file or opts.ca_data:
            ctx = ssl.create_default_context(
                cafile=opts.ca_file, cadata=opts.ca_data.decode("ascii") if opts.ca_data else None
            )
        else:
            ctx = ssl.create_default_context()
        _load_client_cert(ctx, opts)
    except (OSError, ssl.SSLError, ValueError) as exc:
        raise CollectError(f"TLS settings: {exc}") from exc
    return ctx


def _load_client_cert(ctx: ssl.SSLContext, opts: TlsOptions) -> None:
    if opts.cert_file and opts.key_file:
        ctx.load_cert_chain(opts.cert_file, opts.key_file)
        return
    if not (opts.cert_data and opts.key_data):
        return
    # `load_cert_chain` takes only paths: inline PEM goes through a private temporary
    # directory that exists just for the call.
    with tempfile.TemporaryDirectory(prefix="opslens-tls-") as tmp:
        cert, key = os.path.join(tmp, "cert.pem"), os.path.join(tmp, "key.pem")
        for path, data in ((cert, opts.cert_data), (key, opts.key_data)):
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
        ctx.load_cert_chain(cert, key)
