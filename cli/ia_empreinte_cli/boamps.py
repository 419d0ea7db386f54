"""``ia-empreinte boamps``: an estimate as a BoAmps report, a BoAmps measurement report as
evidence for an offer."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import click
import yaml

from ia_empreinte import check_offer_serves_profile, load_offer, load_profile, load_records
from ia_empreinte import estimate as estimate_offer
from ia_empreinte.harness.boamps import estimate_to_boamps, load_boamps_evidence
from ia_empreinte.render.files import write_output

__all__ = ["boamps"]


@click.group()
def boamps() -> None:
    """Boavizta's BoAmps format: export an estimate, import a measurement report."""


@boamps.command("estimate")
@click.argument("profile", type=click.Path(dir_okay=False))
@click.argument("offer", type=click.Path(dir_okay=False))
@click.option("--draws", type=click.IntRange(1, 1_000_000), default=1000, show_default=True,
              help="Monte Carlo draws.")
@click.option("--seed", type=int, default=42, show_default=True, help="Random seed.")
@click.option("--publisher", default=None, help="Publisher's name in the report header.")
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="File to write (default: standard output).")
def boamps_estimate(profile: str, offer: str, draws: int, seed: int, publisher: str | None,
                    output: str | None) -> None:
    """The estimate of OFFER on PROFILE over the contract, as a BoAmps report (JSON).

    The report says the energy is modelled by ia-empreinte, not measured.
    """
    prof, off = load_profile(profile), load_offer(offer)
    check_offer_serves_profile(prof, off, file=offer)
    records = load_records([(off, Path(offer).parent)])
    result = estimate_offer(prof, off, draws=draws, seed=seed, records=records)
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S")
    report = estimate_to_boamps(result, off, prof, publisher=publisher, report_datetime=now)
    text = json.dumps(report, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    if output is None:
        click.echo(text, nl=False)
    else:
        write_output(output, text, inputs=(profile, offer))


@boamps.command("evidence")
@click.argument("report", type=click.Path(dir_okay=False))
@click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True,
              help="Language of the output.")
def boamps_evidence_command(report: str, lang: str) -> None:
    """Check a BoAmps measurement REPORT and print the entry of the offer's `declared`
    list it supports (energy per request, server scope, its source)."""
    evidence = load_boamps_evidence(report)
    entry = yaml.safe_dump({"declared": [evidence.declared_entry()]}, allow_unicode=True,
                           sort_keys=False)
    if lang == "fr":
        def fr(x: str) -> str:
            return x.replace(".", ",")
        click.echo(f"{report} : rapport BoAmps valide ({evidence.measures} mesure(s), "
                   f"{fr(f'{evidence.requests:g}')} requêtes, "
                   f"{fr(f'{evidence.energy_kwh:.6g}')} kWh), soit "
                   f"{fr(f'{evidence.energy_wh_per_request:.4g}')} Wh par requête (brut, "
                   "machine entière). À reporter dans la liste declared de l'offre :")
    else:
        click.echo(f"{report}: valid BoAmps report ({evidence.measures} measure(s), "
                   f"{evidence.requests:g} requests, {evidence.energy_kwh:.6g} kWh), i.e. "
                   f"{evidence.energy_wh_per_request:.4g} Wh per request (gross, whole "
                   "machine). For the offer:")
    click.echo(entry, nl=False)
