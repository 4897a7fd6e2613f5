"""`opslens eval DATASET... | --builtin`: evaluate models and prompt versions on scenario
datasets; `eval compare A B`, `eval add REF --dataset DIR`, `eval candidates`.

Thin: options -> `opslens.llmops.evaluate` -> render / store.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import click
import typer
from typer.core import TyperGroup

from opslens.cli.app import app
from opslens.cli.console import fail, info, warn
from opslens.cli.store_access import DbOption, one_line_errors, opened


class _RunByDefault(TyperGroup):
    """`opslens eval DIR...` means `opslens eval run DIR...`; subcommands stay reachable."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


eval_app = typer.Typer(
    cls=_RunByDefault, no_args_is_help=True,
    help="Evaluate models and prompt versions on datasets of scenarios with ground truth.",
)
app.add_typer(eval_app, name="eval")


class Format(StrEnum):
    TABLE = "table"
    JSON = "json"


@eval_app.command("run")
def run(
    datasets: Annotated[list[Path] | None, typer.Argument(metavar="DATASET...", help="Directories of <case>/ + <case>.truth.json.")] = None,
    builtin: Annotated[bool, typer.Option("--builtin", help="Also evaluate the built-in dataset.")] = False,
    llm: Annotated[str, typer.Option(help="none, ollama, openai (or auto).")] = "none",
    models: Annotated[list[str] | None, typer.Option("--model", help="Model to evaluate (repeatable).")] = None,
    prompts: Annotated[list[str] | None, typer.Option("--prompt", metavar="NAME@VERSION", help="Prompt version to evaluate (repeatable).")] = None,
    repeat: Annotated[int, typer.Option(min=1, help="Run every case N times.")] = 1,
    fmt: Annotated[Format, typer.Option("--format")] = Format.TABLE,
    save: Annotated[bool, typer.Option("--save", help="Store the runs (for compare and eval_pass_rate).")] = False,
    db: DbOption = None,
) -> None:
    """Triage every case per model x prompt version, score it, print pass rates and failures."""
    from opslens.llmops.datasets import BUILTIN, builtin_dir, find_cases
    from opslens.llmops.evaluate import Target, evaluate

    roots = [(str(p), p) for p in datasets or []]
    if builtin:
        roots.append((BUILTIN, builtin_dir()))
    if not roots:
        fail("name a DATASET directory or pass --builtin")
    targets = [Target(llm, m, v) for m in (models or [None]) for v in _versions(prompts)]
    runs = []
    with one_line_errors():
        for name, root in roots:
            cases = find_cases(root)
            for target in targets:
                runs.append(evaluate(name, cases, target, repeat=repeat))
    shown = [_as_dict(r) for r in runs]
    if save:
        _save(shown, db, llm)
    if fmt is Format.JSON:
        typer.echo(json.dumps({"runs": shown}, indent=2, default=str))
    else:
        from opslens.llmops.eval_render import render_table

        typer.echo(render_table(shown), nl=False)


def _versions(prompts: list[str] | None) -> list[str | None]:
    versions: list[str | None] = []
    for ref in prompts or []:
        name, sep, version = ref.partition("@")
        if not sep or name != "triage_summary" or not version:
            fail(f"--prompt {ref!r}: expected triage_summary@VERSION (e.g. triage_summary@v1)")
        versions.append(version)
    return versions or [None]


def _as_dict(run: Any) -> dict[str, Any]:
    model, version = run.target.label
    return {"dataset": run.dataset, "provider": run.provider, "model": model,
            "prompt_version": version, "pass_rate": run.pass_rate, "totals": run.totals(),
            "cases": run.cases}


def _save(runs: list[dict[str, Any]], db: str | None, llm: str) -> None:
    """Store the runs, each with the digest its model had (a swapped model is named)."""
    from opslens.store.llmops import save_eval_run

    with opened(db) as store:
        digests = _digests(store, llm) if llm != "none" else {}
        for r in runs:
            r["totals"]["model_digest"] = digests.get((r["provider"], r["model"]))
            r["id"] = save_eval_run(
                store, dataset=r["dataset"], provider=r["provider"], model=r["model"],
                prompt_version=r["prompt_version"], pass_rate=r["pass_rate"],
                totals=json.loads(json.dumps(r["totals"], default=str)),
                cases=json.loads(json.dumps(r["cases"], default=str)),
            )
            info(f"saved run {r['id']}: {r['dataset']} {r['model']} {r['prompt_version']}")


def _digests(store: Any, llm: str) -> dict[tuple[str, str], str]:
    """Digests of the provider's models now, noted in the store; changes are warned about."""
    from opslens.errors import OpslensError
    from opslens.llm.settings import load_settings
    from opslens.llm.status import describe
    from opslens.llmops.runtime import record_digests

    try:
        reports = describe(load_settings(mode=llm))
    except OpslensError:
        return {}
    for change in record_digests(store, reports):
        warn(change.describe())
    return {(r.status.provider, m.name): m.digest for r in reports for m in r.status.models
            if m.digest}


@eval_app.command("compare")
def compare(
    run_a: Annotated[int, typer.Argument(metavar="RUN_A")],
    run_b: Annotated[int, typer.Argument(metavar="RUN_B")],
    db: DbOption = None,
) -> None:
    """Regressions and fixes, case by case, from saved run A to saved run B."""
    from dataclasses import asdict

    from opslens.llmops.eval_render import render_comparison
    from opslens.llmops.evaluate import compare as diff
    from opslens.store.llmops import eval_run

    with opened(db) as store:
        a, b = eval_run(store, run_a), eval_run(store, run_b)
    for ref, got in ((run_a, a), (run_b, b)):
        if got is None:
            fail(f"no saved evaluation run {ref} (see `opslens eval runs`)")
    assert a is not None and b is not None
    typer.echo(render_comparison(asdict(a), asdict(b), diff(a.cases, b.cases)), nl=False)


@eval_app.command("runs")
def runs(db: DbOption = None) -> None:
    """The saved runs, newest first."""
    from opslens.store.llmops import eval_runs

    with opened(db) as store:
        rows = eval_runs(store)
    for r in rows:
        typer.echo(f"{r.id:>4}  {r.created_at:%Y-%m-%d %H:%M}  {r.dataset}  {r.provider} "
                   f"{r.model} {r.prompt_version}  pass {100 * r.pass_rate:.0f}%")


@eval_app.command("add")
def add(
    ref: Annotated[str, typer.Argument(metavar="REF", help="A resolved incident, e.g. INC-0007.")],
    dataset: Annotated[Path, typer.Option("--dataset", metavar="DIR", help="Dataset directory to add the case to.")],
    db: DbOption = None,
) -> None:
    """Turn a resolved incident (triaged with --keep-inputs) into an evaluation case."""
    from opslens.errors import InputError
    from opslens.llmops.cases import truth_of, write_case
    from opslens.store.llmops import kept_inputs

    with opened(db) as store, one_line_errors():
        detail = store.get_incident(ref)
        truth = truth_of(detail)
        inputs = kept_inputs(store, detail.ref)
        if not inputs:
            raise InputError(detail.ref, "its inputs were not kept: triage it with --keep-inputs")
        dataset.mkdir(parents=True, exist_ok=True)
        case = write_case(dataset, detail.ref.lower(), inputs, truth)
    info(f"added {case} ({len(inputs)} inputs, category {truth['category']}); "
         "add must_not_recommend actions to its truth file by hand")


@eval_app.command("candidates")
def candidates(db: DbOption = None) -> None:
    """Feedback with a comment on a hypothesis scored wrong (1 or 2): cases worth adding."""
    from opslens.store.llmops import feedback_candidates

    with opened(db) as store:
        rows = feedback_candidates(store)
    if not rows:
        info("no candidates: feedback scored 1 or 2 on a hypothesis, with a comment, shows here")
    for r in rows:
        ready = f"resolved as {r.human_category}" if r.human_category else f"{r.status}, not resolved yet"
        typer.echo(f"{r.ref}  score {r.score} on {r.hypothesis}  ({ready})\n    {r.comment}")
