"""Every form POST needs the session's CSRF token: without it, with a wrong one, or with
another session's, the request is refused (403) and nothing is written."""

from __future__ import annotations

import pytest
from server_helpers import TOKEN
from web_helpers import csrf_of, log_in, save_example

from opslens.store import Store

FORMS = [
    ("/incidents/INC-0001/notes", {"text": "planted", "kind": "note"}),
    ("/incidents/INC-0001/feedback", {"score": "1", "comment": "planted"}),
    ("/incidents/INC-0001/status", {"status": "mitigated"}),
    ("/incidents/INC-0001/resolve", {"category": "oom", "summary": "planted"}),
    ("/models/probe", {}),
    ("/logout", {}),
]


@pytest.mark.parametrize(("path", "form"), FORMS)
@pytest.mark.parametrize("csrf", ["missing", "wrong", "another session's"])
def test_a_post_without_the_sessions_csrf_token_changes_nothing(
    base_url: str, store: Store, path: str, form: dict[str, str], csrf: str,
) -> None:
    save_example(store)
    client = log_in(base_url, TOKEN)
    tokens = {"missing": None, "wrong": "x" * 43,
              "another session's": csrf_of(log_in(base_url, TOKEN).get("/incidents").text)}
    data = form | ({"csrf": tokens[csrf]} if tokens[csrf] else {})
    answer = client.post(path, data=data)
    assert answer.status_code == 403
    assert "CSRF" in answer.text
    detail = store.get_incident("INC-0001")
    assert detail.notes == [] and detail.feedback == []
    assert detail.status.value == "open" and detail.human_summary is None
    assert client.get("/incidents").status_code == 200  # still logged in


def test_the_same_post_with_the_token_goes_through(base_url: str, store: Store) -> None:
    save_example(store)
    client = log_in(base_url, TOKEN)
    csrf = csrf_of(client.get("/incidents/INC-0001").text)
    answer = client.post("/incidents/INC-0001/notes", data={"csrf": csrf, "text": "fine"})
    assert answer.status_code == 303
    assert [n.text for n in store.get_incident("INC-0001").notes] == ["fine"]
