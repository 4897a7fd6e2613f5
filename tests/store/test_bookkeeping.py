"""Small promises of the store's bookkeeping: one timestamp per change, a bounded signature
cache, and one store per `triage --save`."""

from __future__ import annotations

from pathlib import Path

import pytest
from store_factories import make_manifest, make_report

from opslens.store import Store, open_store, similarity


def test_resolving_stamps_updated_at_once(store: Store) -> None:
    ref = store.save_report(make_report(), make_manifest()).ref
    store.resolve(ref, "oom", None, "raised the limit")
    detail = store.get_incident(ref)
    assert detail.updated_at == detail.resolved_at


def test_resolving_again_still_moves_updated_at(store: Store) -> None:
    ref = store.save_report(make_report(), make_manifest()).ref
    store.resolve(ref, "oom", None, "raised the limit")
    before = store.get_incident(ref).updated_at
    store.resolve(ref, "oom", None, "raised the limit and the request")
    assert store.get_incident(ref).updated_at > before


def test_the_signature_cache_is_bounded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(similarity, "SIGNATURE_CACHE_SIZE", 3)
    with open_store(str(tmp_path / "cache.db")) as store:
        refs = [
            store.save_report(make_report(name=f"api-{i}"), make_manifest()).ref for i in range(6)
        ]
        assert len(store._signature_cache) <= 3
        assert [s.ref for s in store.similar(refs[-1], limit=10)][:1] == [refs[-2]]


def test_triage_save_opens_the_store_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    import opslens.cli.commands.triage  # noqa: F401  (registers the command)
    import opslens.store
    from opslens.cli.app import app

    opens: list[str | None] = []
    original = opslens.store.open_store

    def counting(url: str | None = None, **kwargs: bool) -> Store:
        opens.append(url)
        return original(url, **kwargs)

    monkeypatch.setattr(opslens.store, "open_store", counting)
    example = Path(__file__).resolve().parents[2] / "examples" / "cert-expiry"
    db = f"sqlite:///{tmp_path / 'once.db'}"
    for extra in ([], ["--incident", "INC-0001"]):
        result = CliRunner().invoke(
            app, ["triage", str(example), "--llm", "none", "--save", "--db", db, *extra]
        )
        assert result.exit_code == 0, (result.stderr, result.exception)
    assert opens == [db, db]
