"""``ia-empreinte registry``: the national library of territorial AI projects.

Thin commands over :class:`ia_empreinte.registry.Registry`: parse the options, read the
input files through the library's readers, call one method, print or write the result.
"""

from __future__ import annotations

import datetime
import os
import sys
from typing import Any

import click

from ia_empreinte import USAGE_LOG_SCHEMA, audit, load_fiche, load_record, read_usage_log
from ia_empreinte.registry import (
    BANDS,
    SearchQuery,
    open_registry,
    parse_project_info,
    public_key_hex,
    read_token,
)
from ia_empreinte.render.files import check_writable, write_output
from ia_empreinte.render.tabular import render_json, render_text_table
from ia_empreinte_cli.errors import CliError

__all__ = ["registry"]

TOKEN_ENV = "IA_EMPREINTE_REGISTRY_TOKEN"
_SEARCH_COLUMNS = ["id", "collectivite", "population", "tasks", "profile_id", "chosen_offer",
                   "vendor", "zone", "gwp_kgco2e_per_year_p50"]

_url_option = click.option(
    "--database-url", metavar="URL", envvar="IA_EMPREINTE_REGISTRY_URL",
    help="SQLAlchemy URL: sqlite:///FILE or postgresql+psycopg://USER@HOST/DB "
    "[$IA_EMPREINTE_REGISTRY_URL, else sqlite:///ia-empreinte-registry.sqlite].")
_token_option = click.option(
    "--token-file", type=click.Path(dir_okay=False),
    help=f"File holding the organisation's write token [or ${TOKEN_ENV}].")


def _open(url: str | None) -> Any:
    return open_registry(url)


def _token(token_file: str | None) -> str:
    if token_file is not None:
        return read_token(token_file)
    token = os.environ.get(TOKEN_ENV, "").strip()
    if not token:
        raise CliError(f"writing to the registry needs an organisation token: --token-file "
                       f"FILE or ${TOKEN_ENV}")
    return token


def _check_token_file(path: str) -> None:
    """Before the organisation is created: its token is shown once, never overwritten."""
    if os.path.lexists(path):
        raise CliError(f"{path}: exists; a token file is never overwritten: give a new name")
    check_writable(path, overwrite=False)


def _write_token(path: str, token: str) -> None:
    write_output(path, token + "\n", overwrite=False)
    os.chmod(path, 0o600)


def _emit(data: bytes | str, output: str | None) -> None:
    if output is None:
        if isinstance(data, bytes):
            if sys.stdout.isatty():
                raise CliError("binary output (parquet): give -o FILE")
            sys.stdout.buffer.write(data)
        else:
            click.echo(data, nl=False)
    else:
        write_output(output, data)


@click.group()
def registry() -> None:
    """The national library of territorial AI projects: projects with their sheets,
    vendors' registered keys, benchmark records and open-data exports."""


@registry.command()
@_url_option
@click.option("--organisation", metavar="NAME",
              help="Also create this organisation and write its token to --token-file.")
@click.option("--token-file", type=click.Path(dir_okay=False),
              help="Where to write the new organisation's token (never overwritten).")
def init(database_url: str | None, organisation: str | None, token_file: str | None) -> None:
    """Create the registry database (or migrate it to the newest revision)."""
    if (organisation is None) != (token_file is None):
        raise CliError("--organisation and --token-file go together")
    if token_file is not None:
        _check_token_file(token_file)
    with _open(database_url) as reg:
        revision = reg.init()
        click.echo(f"registry {reg._shown_url()}: revision {revision}")
        if organisation is not None and token_file is not None:
            org, token = reg.add_organisation(organisation)
            _write_token(token_file, token)
            click.echo(f"organisation {org.name}: token written to {token_file}")


@registry.command("organisation")
@click.argument("name")
@click.option("--token-file", type=click.Path(dir_okay=False), required=True,
              help="Where to write the organisation's token (never overwritten).")
@_url_option
def organisation(name: str, token_file: str, database_url: str | None) -> None:
    """Create an organisation that may write; its token goes to --token-file."""
    _check_token_file(token_file)
    with _open(database_url) as reg:
        org, token = reg.add_organisation(name)
        _write_token(token_file, token)
        click.echo(f"organisation {org.name}: token written to {token_file}")


@registry.command()
@click.argument("sheet", type=click.Path(dir_okay=False))
@click.option("--collectivite", required=True, help="Name of the collectivité.")
@click.option("--insee", "insee_code", required=True,
              help="INSEE code of the commune (5 characters) or SIREN of the grouping.")
@click.option("--population", type=int, required=True, help="Inhabitants.")
@click.option("--chosen", "chosen_offer", required=True, help="Id of the offer retained.")
@click.option("--description", default="", help="The use case, in a few sentences.")
@click.option("--draft", is_flag=True, help="Store as a draft (not public).")
@_token_option
@_url_option
def publish(sheet: str, collectivite: str, insee_code: str, population: int,
            chosen_offer: str, description: str, draft: bool, token_file: str | None,
            database_url: str | None) -> None:
    """Publish a project with its procurement SHEET (fiche .json, or a .pdf/.html/.xlsx/.md
    sheet written by `report`); every figure is recomputed and must match."""
    info = parse_project_info({
        "collectivite": collectivite, "insee_code": insee_code, "population": population,
        "chosen_offer": chosen_offer, "description": description,
        "state": "draft" if draft else "published"})
    token = _token(token_file)
    fiche = load_fiche(sheet)
    with _open(database_url) as reg:
        project_id = reg.publish_project(token, fiche, info, name=sheet)
    click.echo(f"project {project_id}: {info.state}; sheet verified (inputs SHA-256 "
               f"{fiche.inputs_sha256})")


@registry.command()
@click.argument("project_id", type=int)
@click.argument("state", type=click.Choice(["draft", "published", "withdrawn"]))
@_token_option
@_url_option
def state(project_id: int, state: str, token_file: str | None,
          database_url: str | None) -> None:
    """Move one of your projects to draft, published or withdrawn."""
    token = _token(token_file)
    with _open(database_url) as reg:
        reg.set_state(token, project_id, state)
    click.echo(f"project {project_id}: {state}")


@registry.command()
@click.argument("project_id", type=int)
@click.option("--period", required=True, help="Name of the period, e.g. 2027-T1.")
@click.option("--log", "log", type=click.Path(dir_okay=False), required=True,
              help="Usage log of the period (CSV, JSONL or Parquet).")
@click.option("--metered-kwh", type=click.FloatRange(0), help="Metered energy of the period.")
@click.option("--draws", type=click.IntRange(1, 100_000), default=1000, show_default=True)
@click.option("--seed", type=int, default=42, show_default=True)
@_token_option
@_url_option
def footprint(project_id: int, period: str, log: str, metered_kwh: float | None, draws: int,
              seed: int, token_file: str | None, database_url: str | None) -> None:
    """Record a period's footprint, re-estimated from its usage log under the chosen offer."""
    token = _token(token_file)
    usage = read_usage_log(log, USAGE_LOG_SCHEMA)
    with _open(database_url) as reg:
        sheet = reg.sheet(project_id, token)
        project = reg.project(project_id, token)
        offer = next(o for o in sheet.inputs.offers if o.id == project.chosen_offer)
        result = audit(offer, usage, draws=draws, seed=seed,
                       records=reg.record_store_for(sheet))
        fp = reg.add_footprint(token, project_id, period, result, metered_kwh)
    metered = "" if fp.metered_energy_kwh is None else f", metered {fp.metered_energy_kwh:.4g} kWh"
    click.echo(f"project {project_id} period {fp.period}: {fp.requests} requests, "
               f"{fp.energy_kwh_p50:.4g} kWh, {fp.gwp_kgco2e_p50:.4g} kgCO2e (p50){metered}")


@registry.command()
@click.option("--task", help="Task id (text-generation, speech-to-text...).")
@click.option("--population-band",
              type=click.Choice(list(BANDS)), help="Size of the collectivité.")
@click.option("--vendor", help="Vendor of the chosen offer (part of the name).")
@click.option("--zone", help="Hosting zone of the chosen offer (FR, DE, US-VA...).")
@click.option("--limit", type=click.IntRange(1, 10_000), default=100, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
@_url_option
def search(task: str | None, population_band: str | None, vendor: str | None,
           zone: str | None, limit: int, fmt: str, database_url: str | None) -> None:
    """Search published projects."""
    query = SearchQuery(task=task, population_band=population_band, vendor=vendor,
                        zone=zone, limit=limit)
    with _open(database_url) as reg:
        rows = [p.row() for p in reg.search(query)]
    if fmt == "json":
        click.echo(render_json(rows), nl=False)
    elif not rows:
        click.echo("no published project matches")
    else:
        click.echo(render_text_table(rows, _SEARCH_COLUMNS, max_width=32), nl=False)


@registry.command()
@click.argument("project_id", type=int)
@_url_option
def show(project_id: int, database_url: str | None) -> None:
    """Show a published project (JSON), its sheet checked against its stored hash."""
    with _open(database_url) as reg:
        project = reg.project(project_id)
        reg.sheet(project_id)  # the stored bytes are checked
        row = project.row()
        row["footprints"] = [vars(f) for f in project.footprints]
    click.echo(render_json(row), nl=False)


@registry.command()
@click.argument("project_id", type=int)
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Profile file to write (YAML; default: standard output).")
@_url_option
def reuse(project_id: int, output: str | None, database_url: str | None) -> None:
    """Download a published project's usage profile, ready to adjust ("reuse this profile")."""
    with _open(database_url) as reg:
        text = reg.reuse_profile(project_id)
    _emit(text, output)


@registry.command()
@click.option("--table", type=click.Choice(["projects", "records", "footprints"]),
              default="projects", show_default=True)
@click.option("--format", "fmt", type=click.Choice(["csv", "json", "parquet"]), required=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="File to write (default: standard output).")
@_url_option
def export(table: str, fmt: str, output: str | None, database_url: str | None) -> None:
    """Export published entries as open data (Licence Ouverte 2.0; see docs/registry.md)."""
    with _open(database_url) as reg:
        data = reg.export(table, fmt)
    _emit(data if fmt == "parquet" else data.decode("utf-8"), output)
    if output is not None:
        click.echo(f"{output}: {table} written ({fmt}, Licence Ouverte 2.0)")


@registry.group()
def key() -> None:
    """Vendors' Ed25519 public keys: register, revoke, look up."""


@key.command("add")
@click.argument("public_key", metavar="PUBLIC_KEY")
@_token_option
@_url_option
def key_add(public_key: str, token_file: str | None, database_url: str | None) -> None:
    """Register PUBLIC_KEY (file from `bench keygen`, or 64 hex characters) to your
    organisation, dated today."""
    hex_key = public_key_hex(public_key)
    token = _token(token_file)
    with _open(database_url) as reg:
        vk = reg.register_key(token, hex_key)
    click.echo(f"key {vk.fingerprint} registered to {vk.organisation} on "
               f"{vk.registered_on.isoformat()}")


@key.command("revoke")
@click.argument("fingerprint")
@_token_option
@_url_option
def key_revoke(fingerprint: str, token_file: str | None, database_url: str | None) -> None:
    """Revoke one of your organisation's keys, dated today."""
    token = _token(token_file)
    with _open(database_url) as reg:
        vk = reg.revoke_key(token, fingerprint)
    assert vk.revoked_on is not None
    click.echo(f"key {vk.fingerprint} revoked on {vk.revoked_on.isoformat()}")


@key.command("show")
@click.argument("fingerprint")
@click.option("--deadline", type=click.DateTime(["%Y-%m-%d"]),
              help="Tender deadline: say whether the key was registered before it.")
@click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True)
@_url_option
def key_show(fingerprint: str, deadline: datetime.datetime | None, lang: str,
             database_url: str | None) -> None:
    """Who a key fingerprint is registered to, and since when."""
    with _open(database_url) as reg:
        verdict = reg.key_verdict(fingerprint, deadline.date() if deadline else None)
    click.echo(verdict.sentence(lang))


@registry.group()
def record() -> None:
    """Benchmark records: publish (checked as `bench verify`), fetch (re-verified)."""


@record.command("publish")
@click.argument("record_file", metavar="RECORD", type=click.Path(dir_okay=False))
@_token_option
@_url_option
def record_publish(record_file: str, token_file: str | None, database_url: str | None) -> None:
    """Publish a sealed benchmark record."""
    token = _token(token_file)
    rec = load_record(record_file)
    with _open(database_url) as reg:
        sha = reg.publish_record(token, rec, name=record_file)
    click.echo(f"record {sha} published")


@record.command("show")
@click.argument("sha256")
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Record file to write (default: standard output).")
@_url_option
def record_show(sha256: str, output: str | None, database_url: str | None) -> None:
    """Fetch a published record by its SHA-256, re-verified from its stored bytes."""
    with _open(database_url) as reg:
        rec = reg.record(sha256)
    _emit(rec.file_text(), output)
