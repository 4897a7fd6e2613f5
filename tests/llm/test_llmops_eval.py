"""`opslens eval` against a scripted model that is wrong in known ways reports exactly the
expected failures (and passes what it should), on the built-in dataset."""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest
from servers import FakeOllama, Recorded, prompt_text
from typer.testing import CliRunner

from opslens.cli import _load_commands, app

pytestmark = pytest.mark.usefixtures("guard")

_CASE_OF = {"ledger-worker": "oom-ledger", "rates-api": "config-rates", "quotes": "image-pull-quotes"}


def _answer(summary: str, cites: list[str]) -> str:
    return json.dumps({
        "summary": summary,
        "hypotheses": [{"ref": "H1", "title": "as ranked", "commentary": f"see [{cites[0]}]",
                        "root_cause": False, "evidence": cites[:1]}],
        "checks": [{"command": "kubectl get events -n default", "purpose": "recent events",
                    "hypothesis": "H1", "evidence": cites[:1]}],
        "open_questions": [],
    })


class ScriptedModel:
    """Reads which case it is asked about and answers:
    - oom-ledger: right, citing evidence that exists; on its 2nd attempt, text that is no JSON;
    - config-rates: cites three ids that do not exist (and one that does);
    - image-pull-quotes: recommends `docker system prune`, a must-not-recommend action."""

    def __init__(self) -> None:
        self.asked: Counter[str] = Counter()

    def __call__(self, request: Recorded) -> str:
        text = prompt_text(request)
        case = next(c for marker, c in _CASE_OF.items() if f"/{marker}" in text or f" {marker}" in text)
        self.asked[case] += 1
        real = list(dict.fromkeys(re.findall(r"^(E\d+) \|", text, re.MULTILINE)))[:2]
        if case == "oom-ledger":
            if self.asked[case] == 2:
                return "I think it was memory, probably."
            return _answer(f"The worker ran out of memory [{real[0]}] [{real[1]}].", real)
        if case == "config-rates":
            return _answer(f"A key is missing [{real[0]}] [E901] [E902] [E903].", real)
        return _answer(f"The image tag is absent [{real[0]}]. Run docker system prune on the node.", real)


def test_eval_reports_exactly_the_scripted_failures(ollama: FakeOllama) -> None:
    model = ScriptedModel()
    ollama.default_answer = model
    _load_commands()
    result = CliRunner().invoke(app, ["eval", "--builtin", "--llm", "ollama", "--model", "qwen2.5:3b",
                                      "--repeat", "2", "--format", "json"])
    assert result.exit_code == 0, result.output
    (run,) = json.loads(result.stdout)["runs"]
    assert (run["provider"], run["model"], run["prompt_version"]) == ("ollama", "qwen2.5:3b", "default")
    failures = {(c["scenario"], c["attempt"]): c["reasons"] for c in run["cases"] if not c["passed"]}
    assert set(failures) == {("oom-ledger", 2), ("config-rates", 1), ("config-rates", 2),
                             ("image-pull-quotes", 1), ("image-pull-quotes", 2)}
    assert [r.split(":")[0] for r in failures[("oom-ledger", 2)]] == ["model failed"]
    for attempt in (1, 2):
        assert failures[("config-rates", attempt)] == [
            "grounding 0.57 < 0.9 (3 citations of missing evidence)"]
        assert failures[("image-pull-quotes", attempt)] == [
            "offers must-not-recommend: docker system prune"]
    totals = run["totals"]
    assert totals["pass_rate"] == pytest.approx(1 / 6)
    assert totals["citations_dropped"] == 6 and totals["must_not_hits"] == 2
    assert totals["model_calls"] == 6 and totals["model_errors"] == 1
    assert model.asked == {"oom-ledger": 2, "config-rates": 2, "image-pull-quotes": 2}
    # the table names each failing case with its reasons
    table = CliRunner().invoke(app, ["eval", "--builtin", "--llm", "ollama", "--model", "qwen2.5:3b"])
    assert "config-rates: grounding" in table.stdout and "image-pull-quotes: offers" in table.stdout


def test_saved_runs_keep_the_model_digest_and_compare(ollama: FakeOllama, tmp_path) -> None:  # noqa: ANN001
    from opslens.store import open_store
    from opslens.store.llmops import eval_runs

    db = f"sqlite:///{tmp_path / 's.db'}"
    def right(request: Recorded) -> str:
        """A correct answer citing only evidence ids this case's prompt has."""
        first = re.findall(r"^(E\d+) \|", prompt_text(request), re.MULTILINE)[0]
        return _answer(f"It failed as ranked [{first}].", [first])

    ollama.default_answer = right
    _load_commands()
    args = ["eval", "--builtin", "--llm", "ollama", "--model", "qwen2.5:3b", "--save", "--db", db]
    first = CliRunner().invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "saved run 1: builtin qwen2.5:3b default" in first.stderr
    ollama.digests["qwen2.5:3b"] = "ab" * 32
    second = CliRunner().invoke(app, args)
    assert "qwen2.5:3b: digest changed since last seen (now abababababab)" in second.stderr
    compared = CliRunner().invoke(app, ["eval", "compare", "1", "2", "--db", db])
    assert compared.exit_code == 0 and "no case changed" in compared.stdout
    with open_store(db) as store:
        runs = eval_runs(store)
    assert [r.totals["model_digest"][:12] for r in runs] == ["abababababab", "357c53fb659c"]
    assert [r.pass_rate for r in runs] == [1.0, 1.0]
