"""The buyer's kit commands: shipped profiles, the profile questionnaire, the offer template."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from ia_empreinte import (
    TASKS,
    IaEmpreinteError,
    build_profile,
    explain_answer,
    offer_template,
    parse_profile_answer,
    profile_questions,
    profile_to_yaml,
    shipped_profile_text,
    shipped_profiles_table,
)
from ia_empreinte.render.files import write_output
from ia_empreinte.render.tabular import render_csv, render_json, render_text_table
from ia_empreinte_cli.errors import CliError

__all__ = ["offer", "profile", "profiles"]


@click.group()
def profiles() -> None:
    """The usage profiles of territorial AI use cases shipped with ia-empreinte."""


@profiles.command("list")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
    help="Output format.",
)
def profiles_list(fmt: str) -> None:
    """List the shipped profiles: id, tasks, requests per year, contract years, title."""
    columns, rows = shipped_profiles_table()
    if fmt == "json":
        click.echo(render_json(rows), nl=False)
    elif fmt == "csv":
        click.echo(render_csv(rows, columns), nl=False)
    else:
        click.echo(render_text_table(rows, columns, max_width=48), nl=False)


@profiles.command("show")
@click.argument("ident", metavar="ID")
def profiles_show(ident: str) -> None:
    """Print the shipped profile ID as YAML, comments included.

    Redirect it to a file to start your own profile from it.
    """
    click.echo(shipped_profile_text(ident), nl=False)


@click.group()
def profile() -> None:
    """Write a usage profile."""


_OPTION_KEYS = {
    "title": "title_fr",
    "ident": "id",
    "functional_unit": "functional_unit",
    "steps": "step_count",
    "input_tokens": "request.input_tokens",
    "output_tokens": "request.output_tokens",
    "audio_seconds": "request.audio_seconds",
    "images": "request.images",
    "rows": "request.rows",
    "period": "volume.period",
    "events_per_year": "volume.events_per_year",
    "requests_per_day": "volume.requests_per_day",
    "volume_source": "volume_source",
    "days_per_year": "volume.days_per_year",
    "hours_per_day": "volume.hours_per_day",
    "peak_factor": "volume.peak_factor",
    "contract_years": "contract_years",
}


def _checker(key: str) -> Callable[[str], Any]:
    def check(text: str) -> Any:
        try:
            return parse_profile_answer(key, text)
        except IaEmpreinteError as exc:
            raise click.UsageError(exc.message) from None

    return check


def _given(options: dict[str, Any]) -> dict[str, str]:
    """Answers given as options, by question key (``--task`` once per step)."""
    tasks: tuple[str, ...] = options.pop("task") or ()
    given = {_OPTION_KEYS[name]: value for name, value in options.items() if value is not None}
    if len(tasks) == 1:
        given["task"] = tasks[0]
    elif tasks:
        given["step_count"] = str(len(tasks))
        given.update({f"steps.{i}.task": t for i, t in enumerate(tasks)})
    if len(tasks) > 1:  # the request options describe one task: its step, if only one
        for key in [k for k in given if k.startswith("request.")]:
            value = given.pop(key)
            for i, task in enumerate(tasks):
                asked = profile_questions(answers={"task": parse_profile_answer("task", task)})
                if key in {q.key for q in asked}:
                    given.setdefault(f"steps.{i}.{key}", value)
    return given


@profile.command("new")
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="File to write (default: ID.yaml in the current folder).")
@click.option("--title", help="French title of the use case.")
@click.option("--id", "ident", help="Profile id (lower case, digits, hyphens).")
@click.option("--functional-unit", help="What one request is.")
@click.option("--task", multiple=True,
              help="The task, by id or French name (transcription, résumé...); once per "
                   "step for a use of several steps, in order.")
@click.option("--steps", help="Number of steps per request (default: one per --task).")
@click.option("--input-tokens", help="Input tokens per request (or pages: '3 pages').")
@click.option("--output-tokens", help="Output tokens per request (or pages, words).")
@click.option("--audio-seconds", help="Audio per request: seconds, or '3h', '1h30'.")
@click.option("--images", help="Images per request.")
@click.option("--rows", help="Rows predicted per request.")
@click.option("--period", help="The volume is counted per: jour, semaine, mois, an, "
                               "evenement (default: jour).")
@click.option("--events-per-year", help="Events per year, for a volume counted per event.")
@click.option("--requests-per-day", help="Requests per period (per service day by default).")
@click.option("--volume-source", help="Where the volume comes from (empty: assumed).")
@click.option("--days-per-year", help="Service days per year.")
@click.option("--hours-per-day", help="Hours per day over which requests arrive.")
@click.option("--peak-factor", help="Peak load over mean load.")
@click.option("--contract-years", help="Contract length in years.")
@click.option("--no-input", is_flag=True,
              help="Ask nothing: use the options, and the defaults for the rest.")
@click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")
def profile_new(output: str | None, no_input: bool, force: bool, **options: Any) -> None:
    """Write a usage profile by answering questions (in French).

    Every question has an option; options given are not asked. A use made of several
    steps (transcribe, then summarise) gives --task once per step. Numbers accept a
    decimal comma, a range such as 200-400 (uniform distribution) or low/mode/high
    (triangular); tokens also accept pages or words ('3 pages'), audio durations '3h'
    or '1h30'. The volume may be counted per day, week, month, year or event
    (--period). Each answer is checked at once and asked again when invalid. Every
    number is marked as assumed in the profile's basis, except the volume when a
    source is given, which must name a document, a count or an address.
    """
    if output is not None and Path(output).suffix.lower() not in (".yaml", ".yml"):
        # checked before any question: the profile is YAML, other commands read it by suffix
        raise CliError(f"{output}: expected a file name ending in .yaml or .yml")
    given = _given(options)
    answers: dict[str, Any] = {}
    notes: dict[str, str] = {}
    while True:
        pending = [q for q in profile_questions(answers=answers) if q.key not in answers]
        if not pending:
            break
        q = pending[0]
        if q.key in given:
            text = given[q.key]
            answers[q.key] = parse_profile_answer(q.key, text)
        elif no_input:
            if q.default is None:
                option = next(o for o, k in _OPTION_KEYS.items() if k == q.key)
                raise click.UsageError(
                    f"--{option.replace('_', '-').replace('ident', 'id')} is required "
                    "with --no-input"
                )
            text = q.default
            answers[q.key] = parse_profile_answer(q.key, text)
        else:
            prompt = q.prompt_fr
            if q.kind == "period":
                prompt += f" ({', '.join(q.choices)})"
            elif q.kind == "task":
                prompt += " (transcription, génération de texte, synthèse vocale… ou un id)"
            raw: list[str] = []

            def check(text: str, key: str = q.key, raw: list[str] = raw) -> Any:
                raw[:] = [text]
                return _checker(key)(text)

            answers[q.key] = click.prompt(
                prompt, default=q.default, value_proc=check,
                show_default=bool(q.default),
            )
            text = raw[0] if raw else (q.default or "")
        if note := explain_answer(q.key, text):
            notes[q.key] = note
    built = build_profile(answers, notes)
    path = output or f"{built.id}.yaml"
    if Path(path).exists() and not force:
        raise CliError(f"{path}: file exists; use --force to overwrite it")
    write_output(path, profile_to_yaml(built))
    click.echo(f"Profil écrit : {path}")


@click.group()
def offer() -> None:
    """Documents for vendors' offers."""


@offer.command("template")
@click.option("--task", type=click.Choice(TASKS),
              help="Task of the tender's usage profile (fills the task entries).")
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="File to write (default: standard output).")
@click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")
def offer_template_command(task: str | None, output: str | None, force: bool) -> None:
    """Print the offer declaration template: English keys, French comments on every field.

    The buyer annexes it to the tender file; each vendor fills it in and checks it
    with `ia-empreinte validate`.
    """
    text = offer_template(task)
    if output is None:
        click.echo(text, nl=False)
    else:
        # a vendor's filled-in offer is never overwritten by a blank template by mistake
        write_output(output, text, overwrite=force)
        click.echo(f"Modèle écrit : {output}", err=True)
