"""The REST API over real HTTP (uvicorn on 127.0.0.1, httpx): uploads triaged by the real
pipeline, incidents read and written through the store, auth on every route, limits."""

from __future__ import annotations

import gzip
import io
import sys
import tarfile
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from opslens.server import ServerSettings
from opslens.server.uploads import ArchiveLimits, UploadRejected, check_archive, safe_name
from opslens.store import Store
from opslens.store.show import show_markdown

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "store"))
from store_factories import make_manifest, make_report  # noqa: E402

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "cert-expiry"
EVENTS = (EXAMPLE / "k8s-events.json").read_bytes()
NO_LLM = {"llm": "none"}


def _payload(*fingerprints: str) -> dict[str, object]:
    """A minimal Alertmanager v4 delivery (the conftest has the full one; not importable here
    by name when tests/store is collected too)."""
    alerts = [
        {"status": "firing", "labels": {"alertname": "KubePodCrashLooping", "namespace": "shop"},
         "annotations": {"summary": "crash looping"}, "startsAt": "2024-05-01T10:00:00Z",
         "endsAt": "0001-01-01T00:00:00Z", "generatorURL": "http://prometheus:9090/graph",
         "fingerprint": fp}
        for fp in fingerprints
    ]
    return {"version": "4", "groupKey": "{}:{alertname=\"KubePodCrashLooping\"}",
            "status": "firing", "receiver": "opslens", "groupLabels": {}, "commonLabels": {},
            "commonAnnotations": {}, "externalURL": "http://alertmanager:9093",
            "truncatedAlerts": 0, "alerts": alerts}

ROUTES = [
    ("POST", "/api/v1/triage"),
    ("GET", "/api/v1/incidents"),
    ("GET", "/api/v1/incidents/INC-0001"),
    ("POST", "/api/v1/incidents/INC-0001/notes"),
    ("POST", "/api/v1/incidents/INC-0001/feedback"),
    ("POST", "/api/v1/incidents/INC-0001/resolve"),
    ("GET", "/api/v1/incidents/INC-0001/export"),
    ("GET", "/api/v1/jobs/1"),
    ("GET", "/api/v1/alerts"),
]


@pytest.fixture
def saved(store: Store) -> str:
    """One saved incident (payments/api, an oom hypothesis)."""
    return store.save_report(make_report(), make_manifest()).ref


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_every_api_route_requires_a_token(base_url: str, method: str, path: str) -> None:
    for headers in ({}, {"Authorization": "Bearer not-the-token"}):
        response = httpx.request(method, base_url + path, headers=headers)
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"


def test_every_route_is_in_the_openapi_document(client: httpx.Client) -> None:
    paths = httpx.get(str(client.base_url) + "/openapi.json").json()["paths"]
    documented = {(m.upper(), p) for p, ops in paths.items() for m in ops}
    wanted = {(m, p.replace("INC-0001", "{ref}").replace("jobs/1", "jobs/{job_id}"))
              for m, p in ROUTES}
    assert wanted <= documented


# --- triage -------------------------------------------------------------------------------


def test_triage_of_uploaded_files_returns_the_report(client: httpx.Client) -> None:
    files = [("files", (p.name, p.read_bytes())) for p in sorted(EXAMPLE.glob("*.json*"))]
    response = client.post("/api/v1/triage", files=files, data=NO_LLM, timeout=120)
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["hypotheses"] and report["evidence"]
    assert "opslens-upload-" not in response.text  # cited by upload name, not temp path
    assert any(e["source"].startswith("k8s-events.json") for e in report["evidence"])


def _tar_gz(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def test_archive_with_a_path_traversal_member_writes_nothing_outside(
    client: httpx.Client,
) -> None:
    escape = f"opslens-escape-{uuid.uuid4().hex}.log"
    bundle = _tar_gz({"bundle/k8s-events.json": EVENTS, f"../../{escape}": b"escaped\n",
                      f"/tmp/{escape}": b"escaped\n"})
    response = client.post(
        "/api/v1/triage", files=[("files", ("../../bundle.tar.gz", bundle))], data=NO_LLM,
        timeout=120,
    )
    assert response.status_code == 200, response.text
    assert response.json()["hypotheses"]
    temp = Path(tempfile.gettempdir())
    for where in (temp, temp.parent, Path.cwd(), Path("/tmp")):
        assert not (where / escape).exists()
        assert not (where / "bundle.tar.gz").exists()


def test_upload_over_the_limit_is_413(
    serve: Callable[..., str], settings: ServerSettings, store: Store
) -> None:
    small = settings.model_copy(update={"upload_max_bytes": 4096})
    url = serve(small, store)
    token = settings.named_tokens()["ops"]
    response = httpx.post(
        url + "/api/v1/triage", files=[("files", ("big.log", b"x" * 10_000))], data=NO_LLM,
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 413
    assert "limit" in response.json()["detail"]


@pytest.mark.parametrize(
    ("data", "status"),
    [({"tz": "Mars/Olympus"}, 400), ({"since": "yesterday-ish"}, 400),
     ({"llm": "gpt-99"}, 422), ({"runbooks": "/etc"}, 400)],
    ids=["tz", "since", "llm", "runbooks-not-configured"],
)
def test_bad_triage_options_are_refused(
    client: httpx.Client, data: dict[str, str], status: int
) -> None:
    response = client.post(
        "/api/v1/triage", files=[("files", ("k8s-events.json", EVENTS))],
        data={**NO_LLM, **data},
    )
    assert response.status_code == status, response.text


def test_unusable_upload_is_422_without_the_temp_path(client: httpx.Client) -> None:
    response = client.post("/api/v1/triage", files=[("files", ("empty.log", b""))], data=NO_LLM)
    assert response.status_code == 422
    assert "opslens-upload-" not in response.text


def test_archive_limits_stop_bombs_before_the_pipeline(tmp_path: Path) -> None:
    bomb = tmp_path / "zeros.gz"
    bomb.write_bytes(gzip.compress(b"\0" * 200_000))
    with pytest.raises(UploadRejected) as exc:
        check_archive(bomb, ArchiveLimits(max_expanded_bytes=100_000))
    assert exc.value.status == 413
    many = tmp_path / "many.tar.gz"
    many.write_bytes(_tar_gz({f"f{i}.log": b"x\n" for i in range(20)}))
    with pytest.raises(UploadRejected, match="members"):
        check_archive(many, ArchiveLimits(max_members=10))
    check_archive(many, ArchiveLimits())


@pytest.mark.parametrize(
    ("given", "name"),
    [("../../etc/passwd", "passwd"), ("..\\..\\x.log", "x.log"), (".hidden", "hidden"),
     ("", "upload-3"), ("a b$(c).log", "a_b_c_.log")],
)
def test_safe_upload_names(given: str, name: str) -> None:
    assert safe_name(given, 3) == name


# --- incidents ----------------------------------------------------------------------------


def test_list_incidents_with_filters(client: httpx.Client, saved: str) -> None:
    assert [i["ref"] for i in client.get("/api/v1/incidents").json()] == [saved]
    assert client.get("/api/v1/incidents", params={"status": "open"}).json()[0]["ref"] == saved
    assert client.get("/api/v1/incidents", params={"status": "resolved"}).json() == []
    assert len(client.get("/api/v1/incidents", params={"namespace": "payments"}).json()) == 1
    assert client.get("/api/v1/incidents", params={"namespace": "shop"}).json() == []
    assert client.get("/api/v1/incidents", params={"since": "2020-01-01T00:00:00Z"}).json()
    assert client.get("/api/v1/incidents", params={"since": "2099-01-01T00:00:00Z"}).json() == []
    assert client.get("/api/v1/incidents", params={"status": "bogus"}).status_code == 400
    assert client.get("/api/v1/incidents", params={"since": "whenever"}).status_code == 400


def test_show_incident_as_json_and_as_the_cli_markdown(
    client: httpx.Client, store: Store, saved: str
) -> None:
    data = client.get(f"/api/v1/incidents/{saved}").json()
    assert data["ref"] == saved and data["report"]["hypotheses"]
    assert "commands" in data["report"] and "similar" in data
    markdown = client.get(f"/api/v1/incidents/{saved}", params={"format": "markdown"})
    assert markdown.headers["content-type"].startswith("text/markdown")
    assert markdown.text == show_markdown(store.get_incident(saved), store.similar(saved))
    assert markdown.text.startswith(f"# {saved}: ")
    assert client.get("/api/v1/incidents/INC-9999").status_code == 404


def test_notes_feedback_resolve_and_export(client: httpx.Client, saved: str) -> None:
    base = f"/api/v1/incidents/{saved}"
    note = client.post(f"{base}/notes", json={"text": "rolled back api", "kind": "action"})
    assert note.status_code == 201
    assert client.post(f"{base}/notes", json={"text": ""}).status_code == 422
    assert client.post(f"{base}/notes", json={"text": "x", "kind": "gossip"}).status_code == 422
    assert client.post("/api/v1/incidents/INC-9999/notes", json={"text": "x"}).status_code == 404

    assert client.post(f"{base}/feedback", json={"score": 6}).status_code == 422
    assert client.post(f"{base}/feedback", json={"score": 4, "hypothesis": "9"}).status_code == 400
    assert client.post(f"{base}/feedback", json={"score": 4, "hypothesis": "1"}).status_code == 201

    bad = client.post(f"{base}/resolve", json={"category": "gremlins", "summary": "x"})
    assert bad.status_code == 400 and "gremlins" in bad.json()["detail"]
    resolved = client.post(f"{base}/resolve", json={
        "category": "oom", "summary": "raised the memory limit", "culprit": "Deployment/payments/api",
    })
    assert resolved.status_code == 200, resolved.text

    shown = client.get(base).json()
    assert shown["status"] == "resolved"
    assert [n["text"] for n in shown["notes"]] == ["rolled back api"]
    assert shown["notes"][0]["author"] == "api:ops"
    assert shown["feedback"][0]["score"] == 4

    draft = client.get(f"{base}/export")
    assert draft.status_code == 200 and "rolled back api" in draft.text
    assert isinstance(client.get(f"{base}/export", params={"format": "json"}).json(), dict)
    assert client.get("/api/v1/incidents/INC-9999/export").status_code == 404


# --- jobs and alerts ----------------------------------------------------------------------


def test_unknown_job_is_404(client: httpx.Client) -> None:
    assert client.get("/api/v1/jobs/424242").status_code == 404
    assert client.get("/api/v1/jobs/not-a-number").status_code == 422


def test_alerts_received_are_listed(client: httpx.Client) -> None:
    assert client.get("/api/v1/alerts").json() == []
    payload = _payload("f1", "f2")
    assert client.post("/api/v1/alerts/alertmanager", json=payload).status_code == 202
    alerts = client.get("/api/v1/alerts").json()
    assert sorted(a["fingerprint"] for a in alerts) == ["f1", "f2"]
    assert alerts[0]["labels"]["namespace"] == "shop" and alerts[0]["status"] == "firing"
    assert client.get("/api/v1/alerts", params={"status": "resolved"}).json() == []
    assert len(client.get("/api/v1/alerts", params={"limit": 1}).json()) == 1
    assert client.get("/api/v1/alerts", params={"status": "odd"}).status_code == 422
