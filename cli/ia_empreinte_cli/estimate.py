"""The estimate command: the footprint of an offer under a usage profile."""

from __future__ import annotations

from pathlib import Path

import click

from ia_empreinte import check_offer_serves_profile, load_offer, load_profile, load_records
from ia_empreinte import estimate as estimate_offer
from ia_empreinte.render.estimate import FORMATS, render_estimate
from ia_empreinte.render.files import write_output

__all__ = ["estimate"]


def _options(f: click.decorators.FC) -> click.decorators.FC:
    f = click.option("-o", "--output", type=click.Path(dir_okay=False),
                     help="Write to this file (atomically) instead of stdout.")(f)
    f = click.option("--seed", type=int, default=42, show_default=True,
                     help="Random seed; the same seed gives identical figures.")(f)
    f = click.option("--draws", type=click.IntRange(1, 1_000_000), default=1000,
                     show_default=True, help="Monte Carlo draws (1: central values only).")(f)
    f = click.option("--format", "fmt", type=click.Choice(FORMATS), default="table",
                     show_default=True, help="Output format.")(f)
    f = click.option("--lang", type=click.Choice(["fr", "en"]), default="fr",
                     show_default=True,
                     help="Language of the table and markdown outputs.")(f)
    return f


def _emit(text: str, output: str | None, inputs: tuple[str, ...]) -> None:
    if output is None:
        click.echo(text, nl=False)
        return
    write_output(output, text, inputs=inputs)


@click.command()
@click.argument("profile", type=click.Path(dir_okay=False))
@click.argument("offer", type=click.Path(dir_okay=False))
@_options
def estimate(profile: str, offer: str, fmt: str, draws: int, seed: int,
             output: str | None, lang: str) -> None:
    """Estimate the footprint of OFFER under the usage PROFILE.

    Per request, per year and per contract: energy (by component), GHG (use and
    embodied), water, abiotic resources and primary energy, each as p05/p50/p95/mean.
    """
    prof, off = load_profile(profile), load_offer(offer)
    check_offer_serves_profile(prof, off, file=offer)
    records = load_records([(off, Path(offer).parent)])  # relative to the offer file
    result = estimate_offer(prof, off, draws=draws, seed=seed, records=records)
    _emit(render_estimate(result, fmt, lang), output,  # type: ignore[arg-type]
          (profile, offer))
