"""Optional dense retrieval through Ollama's `/api/embed`, fused by reciprocal rank."""

from __future__ import annotations

import json
import logging
import socket
from pathlib import Path

import pytest
from runbooks_ollama import FakeOllamaEmbed
from typer.testing import CliRunner

import opslens.cli.commands.runbooks  # noqa: F401  (registers the command)
from opslens import config
from opslens.cli.app import app
from opslens.errors import ConfigError
from opslens.runbooks import OllamaEmbedder, RunbookIndex, embedder_from_spec
from opslens.runbooks.embeddings import EmbeddingError, cosine_ranking, pack, unpack

QUERY = "heap exhausted"  # shares no word with any runbook; a concept with the OOM one


def open_index(db: Path, url: str | None, model: str = "concept-embed") -> RunbookIndex:
    embedder = OllamaEmbedder(model, url) if url else None
    return RunbookIndex.open(db, threshold=0.0, embedder=embedder)


def test_documents_are_embedded_once_in_batches(tmp_path, corpus):
    with FakeOllamaEmbed() as server, open_index(tmp_path / "i.sqlite", server.url) as idx:
        idx.refresh([corpus])
        sizes = [len(r["input"]) for r in server.requests]
        assert sum(sizes) == 12 and max(sizes) <= 16
        assert all(r["model"] == "concept-embed" for r in server.requests)
        server.requests.clear()
        idx.refresh([corpus])
        assert server.requests == []  # unchanged documents keep their vectors
        (corpus / "apps/api-latency-high.md").write_text("# APILatencyHigh\n\nSlow.\n")
        idx.refresh([corpus])
        assert [len(r["input"]) for r in server.requests] == [1]


def test_dense_ranking_is_fused_with_lexical(tmp_path, corpus):
    with open_index(tmp_path / "lex.sqlite", None) as lexical:
        lexical.refresh([corpus])
        lexical_paths = [h.path for h in lexical.search(QUERY, k=3)]
    with FakeOllamaEmbed() as server, open_index(tmp_path / "i.sqlite", server.url) as idx:
        idx.refresh([corpus])
        fused_paths = [h.path for h in idx.search(QUERY, k=3)]
        assert server.requests[-1]["input"] == [QUERY]
        assert idx.warnings == []
    assert lexical_paths == []
    assert fused_paths[0] == "kubernetes/container-oom-killed.md"


def test_fusion_keeps_documents_both_rankings_agree_on(tmp_path, corpus):
    with FakeOllamaEmbed() as server, open_index(tmp_path / "i.sqlite", server.url) as idx:
        idx.refresh([corpus])
        assert idx.search("disk space", k=1)[0].path == "node/node-disk-full.md"


def test_missing_model_means_lexical_only_with_one_warning(tmp_path, corpus, caplog):
    caplog.set_level(logging.WARNING, logger="opslens.runbooks")
    with FakeOllamaEmbed() as server, open_index(tmp_path / "i.sqlite", server.url,
                                                  model="nomic-embed-text") as idx:
        idx.refresh([corpus])
        hits = [idx.search("pod crash looping", k=1) for _ in range(3)]
        assert all(h[0].path == "kubernetes/pod-crash-looping.md" for h in hits)
        assert len(server.requests) == 1  # no retries after the first failure
    assert len(idx.warnings) == 1
    assert 'model "nomic-embed-text" not found' in idx.warnings[0]
    assert "HTTP 404" in idx.warnings[0] and "without embeddings" in idx.warnings[0]
    assert len(caplog.records) == 1


def test_unreachable_ollama_is_one_warning(tmp_path, corpus):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with open_index(tmp_path / "i.sqlite", f"http://127.0.0.1:{port}") as idx:
        idx.refresh([corpus])
        assert idx.search("pod crash looping", k=1)
        assert len(idx.warnings) == 1 and "unreachable" in idx.warnings[0]


def test_cli_warns_once_and_still_answers(tmp_path, corpus, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    config.load.cache_clear()
    with FakeOllamaEmbed() as server:
        monkeypatch.setenv("OLLAMA_HOST", server.url)
        result = CliRunner().invoke(app, [
            "runbooks", "search", "pod crash looping", "--dir", str(corpus),
            "--embeddings", "ollama:missing-model", "--format", "json",
        ])
    config.load.cache_clear()
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["results"][0]["path"] == "kubernetes/pod-crash-looping.md"
    assert result.stderr.count("warning:") == 1


def test_ollama_error_body_and_shape_errors(tmp_path):
    with FakeOllamaEmbed() as server:
        good = OllamaEmbedder("concept-embed", server.url)
        assert len(good.embed(["a", "b"])) == 2
        with pytest.raises(EmbeddingError, match="HTTP 404"):
            OllamaEmbedder("other", server.url).embed(["a"])
        with pytest.raises(EmbeddingError, match="HTTP 404"):
            OllamaEmbedder("concept-embed", server.url + "/v1").embed(["a"])


@pytest.mark.parametrize(
    ("spec", "error"),
    [("bogus:model", "unknown embedding provider 'bogus' \\(known: ollama, "
                     "sentence-transformers, none\\)"),
     ("ollama", "needs a model")],
)
def test_embedding_spec_errors_are_loud(spec, error):
    with pytest.raises(ConfigError, match=error):
        embedder_from_spec(spec)


def test_no_embeddings_by_default():
    assert embedder_from_spec("none") is None and embedder_from_spec("") is None


def test_cosine_ranking_orders_by_similarity():
    vectors = {1: unpack(pack([1.0, 0.0])), 2: unpack(pack([0.6, 0.8])), 3: unpack(pack([0, 1]))}
    assert cosine_ranking([0.0, 2.0], vectors, limit=2) == [3, 2]
