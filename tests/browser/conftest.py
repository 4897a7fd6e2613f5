"""Browser fixtures: Playwright for Python driving Debian's Chromium (`/usr/bin/chromium`).

Playwright never downloads a browser here (PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1, and the launch
names the executable). Without playwright or chromium the tests skip and say why, unless
OPSLENS_REQUIRE_BROWSER=1 (CI) makes that a failure.

The servers are the same real uvicorn + app + SQLite as tests/server's (its conftest is
loaded here, so there is one way to start a test server).
"""

from __future__ import annotations

import importlib.util
import io
import os
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")

HERE = Path(__file__).resolve().parent
SERVER_TESTS = HERE.parent / "server"
EXAMPLE = HERE.parents[1] / "examples" / "cert-expiry"
CHROMIUM = Path(os.environ.get("OPSLENS_CHROMIUM", "/usr/bin/chromium"))

# Its conftest imports `server_helpers` by name; the XSS test plants through `web_helpers`.
sys.path[:0] = [str(SERVER_TESTS), str(SERVER_TESTS / "web")]
_spec = importlib.util.spec_from_file_location("server_conftest", SERVER_TESTS / "conftest.py")
assert _spec and _spec.loader
server_conftest = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(server_conftest)
# The same fixtures as the server tests: isolated env, SQLite store, real server.
_isolated_env = server_conftest._isolated_env
store = server_conftest.store
serve = server_conftest.serve


def _missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[test]')"
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is absent (apt-get install -y chromium)"
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the session."""
    reason = _missing()
    if reason:
        if os.environ.get("OPSLENS_REQUIRE_BROWSER") == "1":
            pytest.fail(f"browser tests are required here but {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        # --no-sandbox: CI containers run as root, where Chromium's sandbox cannot start.
        launched = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def example_archive(tmp_path: Path) -> Path:
    """The bundled example as one .tar.gz, as a user would upload it."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        tar.add(EXAMPLE, arcname="cert-expiry")
    path = tmp_path / "cert-expiry.tar.gz"
    path.write_bytes(buffer.getvalue())
    return path
