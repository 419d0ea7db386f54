"""Commands that prepare the tender: ``dce`` (the consultation kit), ``clause`` and
``score simulate``. French by default, ``--lang en`` for English."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import click
from pydantic import ValidationError

from ia_empreinte import (
    DceOptions,
    absolute_floor,
    build_dce_kit,
    floor_effect,
    load_profile,
    load_profile_bytes,
    method_warning,
    parse_compare_options,
    rc_clause,
    recommend_method,
    relative_floor_caveat,
    simulate_scores,
)
from ia_empreinte.errors import ValidationFailure
from ia_empreinte.render.tabular import render_text_table
from ia_empreinte_cli.compare import _compare_options, _options, _scoring_options
from ia_empreinte_cli.errors import CliError

__all__ = ["clause", "dce", "score"]

_METHODS = ["proportional", "linear", "mean"]
_METHOD_FR = {"proportional": "proportionnelle", "linear": "linéaire", "mean": "moyenne"}
_SIMULATE_COLUMNS = {
    "fr": {"method": "méthode", "offer": "offre", "value": "valeur",
           "scored_value": "valeur notée", "mark": "note", "rank": "rang"},
    "en": {"method": "method", "offer": "offer", "value": "value",
           "scored_value": "scored_value", "mark": "mark", "rank": "rank"},
}


def _g(x: float, lang: str) -> str:
    return f"{x:g}".replace(".", ",") if lang == "fr" else f"{x:g}"


@click.group()
def score() -> None:
    """Scoring formulas for a lower-is-better criterion."""


@score.command()
@click.argument("values", nargs=-1, required=True, type=click.FloatRange(min=0))
@_scoring_options
@click.option("--profile", "profile", type=click.Path(dir_okay=False), default=None,
              help="Usage profile: the floor is then the absolute one derived from it "
                   "(GHG over the contract, kgCO2e), as `dce` publishes it.")
@click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True,
              help="Language of the output.")
def simulate(values: tuple[float, ...], points: float, method: str, floor: float | None,
             floor_fraction: float, profile: str | None, lang: str) -> None:
    """Try the formulas on hypothetical VALUES before publishing the tender.

    The offers are named A, B, C... Every method is shown; --method only picks the one
    listed first. Ends with the method the DAJ guidance points to for these values and
    why, the warning of the mean method and what the floor did.
    """
    if profile is not None and floor is None:
        floor = absolute_floor(load_profile(profile))
    order = [method] + [m for m in _METHODS if m != method]
    results = simulate_scores(list(values), n_max=points, floor=floor,
                              floor_fraction=floor_fraction or None, methods=order)  # type: ignore[arg-type]
    labels = _SIMULATE_COLUMNS[lang]
    rows = []
    for s in results:
        for m in s.marks:
            rows.append({
                labels["method"]: _METHOD_FR[s.method] if lang == "fr" else s.method,
                labels["offer"]: m.offer_id, labels["value"]: m.value,
                labels["scored_value"]: m.scored_value, labels["mark"]: round(m.mark, 4),
                labels["rank"]: m.rank,
            })
    click.echo(render_text_table(rows, list(labels.values())), nl=False)
    fl = results[0].floor
    none = "aucune" if lang == "fr" else "none"
    if fl.basis == "none":
        click.echo("plancher : aucun" if lang == "fr" else "floor: none")
    elif lang == "fr":
        basis = (("absolu, fixé à partir du profil" if profile else "absolu")
                 if fl.basis == "absolute"
                 else f"{_g(100 * (fl.fraction or 0), lang)} % de la médiane des offres")
        click.echo(f"plancher : {_g(fl.value, lang)} ({basis}) ; valeurs relevées : "
                   f"{', '.join(fl.floored) or none}")
    else:
        click.echo(f"floor: {fl.value:g} ({fl.basis}); raised: {', '.join(fl.floored) or none}")
    if fl.basis == "median_fraction":
        click.echo(relative_floor_caveat(lang))
    effect = floor_effect(results[0], lang)
    if effect:
        click.echo(effect)
    advice = recommend_method([m.scored_value for m in results[0].marks])
    name = _METHOD_FR[advice.method] if lang == "fr" else advice.method
    click.echo(f"Méthode recommandée : {name}. {advice.reason('fr')}" if lang == "fr"
               else f"Recommended method: {name}. {advice.reason('en')}")
    warning = method_warning("mean", lang)
    if warning:
        click.echo(warning)


@click.command()
@click.argument("profile", type=click.Path(dir_okay=False))
@_compare_options
@click.option("--weight", type=click.FloatRange(0, 100), default=None,
              help="Weight of the criterion in percent.")
@click.option("--criterion-number", type=click.IntRange(1, 99), default=1, show_default=True,
              help="Number of the criterion in the RC.")
def clause(profile: str, weight: float | None, criterion_number: int, **kw: Any) -> None:
    """Print a French draft of the award-criterion clause for the tender rules (RC).

    Names the profile (id and SHA-256), the tool version, the reference data and the
    formula; for the buyer's lawyer to adapt. `ia-empreinte dce` writes the complete
    consultation kit (RC article, CCTP/CCAP clauses, protocol, annexes).
    """
    click.echo(rc_clause(load_profile(profile), _options(kw), weight_pct=weight,
                         criterion_number=criterion_number), nl=False)


@click.command()
@click.argument("profile", type=click.Path(dir_okay=False))
@click.option("-o", "--output", "output", required=True, type=click.Path(file_okay=False),
              help="Folder to write the kit into (must not exist, or be empty).")
@click.option("--weight", type=float, required=True,
              help="Weight of the criterion in percent (0-100).")
@click.option("--method", type=click.Choice(_METHODS), default="linear", show_default=True,
              help="Scoring method (linear suits dispersed offers; see `score simulate`).")
@click.option("--points", type=float, default=10, show_default=True,
              help="Points of the criterion (Nmax).")
@click.option("--floor", "floor", default="absolute", show_default=True,
              metavar="absolute|relative|none|VALUE",
              help="Floor: absolute (derived from the profile, fixed before publication), "
                   "relative (a fraction of the median offer), none, or a number in the "
                   "unit of the scored figure.")
@click.option("--floor-fraction", type=float, default=0.05, show_default=True,
              help="Fraction of the median offer, for --floor relative.")
@click.option("--criterion-number", type=int, default=1, show_default=True,
              help="Number of the criterion in the RC.")
@click.option("--lot", default="", help="Lot of the consultation.")
@click.option("--consultation", default="", help="Consultation (tender) reference.")
@click.option("--indicator", type=click.Choice(["energy", "gwp", "water", "adpe", "pe"]),
              default="gwp", show_default=True, help="Scored indicator.")
@click.option("--scope", type=click.Choice(["per_request", "per_year", "contract"]),
              default="contract", show_default=True, help="Scored scope.")
@click.option("--draws", type=int, default=1000, show_default=True,
              help="Monte Carlo draws.")
@click.option("--seed", type=int, default=42, show_default=True, help="Random seed.")
@click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True,
              help="Language of the messages (the kit's pieces are in French).")
def dce(profile: str, output: str, weight: float, method: str, points: float, floor: str,
        floor_fraction: float, criterion_number: int, lot: str, consultation: str,
        indicator: str, scope: str, draws: int, seed: int, lang: str) -> None:
    """Write the consultation kit for PROFILE into a folder, in French.

    The RC article of the environmental criterion (weight, method, who computes,
    evidence per declared field, default of an undeclared field, floor and request for
    clarification), the CCTP/CCAP clauses, the measurement protocol (annexe C), the
    profile (A), the reference data (B), the offer template (D), each in Markdown and,
    for the texts, DOCX; an index and SHA256SUMS with the SHA-256 of every file.
    All files are written or none.
    """
    out = Path(output)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise CliError(f"{output}: folder exists and is not empty; expected a new folder")
    opts = _dce_options(weight=weight, method=method, points=points, floor=floor,
                        floor_fraction=floor_fraction, criterion_number=criterion_number,
                        lot=lot, consultation=consultation, indicator=indicator,
                        scope=scope, draws=draws, seed=seed, lang=lang)
    prof, raw = load_profile_bytes(profile)
    files = build_dce_kit(prof, opts, profile_bytes=raw)
    _write_all(out, [(f.name, f.data) for f in files])
    msg = (f"{output} : kit de consultation écrit ; index 00-index.md, SHA256SUMS"
           if lang == "fr" else
           f"{output}: consultation kit written; index 00-index.md, SHA256SUMS")
    click.echo(msg, err=True)


def _dce_options(*, weight: float, method: str, points: float, floor: str,
                 floor_fraction: float, criterion_number: int, lot: str,
                 consultation: str, indicator: str, scope: str, draws: int, seed: int,
                 lang: str) -> DceOptions:
    """The kit options, one line naming the option for any bad value."""
    kind = floor if floor in ("absolute", "relative", "none") else "absolute"
    value: float | None = None
    if floor not in ("absolute", "relative", "none"):
        try:
            value = float(floor.replace(",", "."))
        except ValueError:
            raise ValidationFailure(
                f"expected absolute, relative, none or a number >= 0, got '{floor}'",
                location=("--floor",)) from None
    for option, text in (("--lot", lot), ("--consultation", consultation)):
        if any(ord(c) < 32 or ord(c) == 127 for c in text):
            raise ValidationFailure("expected one line of text, without control characters",
                                    location=(option,))
    try:
        compare = parse_compare_options({"indicator": indicator, "scope": scope,
                                         "draws": draws, "seed": seed})
    except ValidationFailure as exc:
        option = "--" + str(exc.location[0]).replace("_", "-") if exc.location else ""
        raise ValidationFailure(exc.message, location=(option,) if option else ()) from None
    fields = {"weight_pct": "--weight", "points": "--points", "floor": "--floor",
              "floor_fraction": "--floor-fraction", "criterion_number": "--criterion-number",
              "lot": "--lot", "consultation": "--consultation"}
    try:
        return DceOptions(
            weight_pct=weight, method=method, points=points, floor=value, floor_kind=kind,
            floor_fraction=floor_fraction, criterion_number=criterion_number, lot=lot,
            consultation=consultation, lang=lang, compare=compare,
        )
    except ValidationError as exc:
        err = exc.errors()[0]
        name = str(err["loc"][0]) if err["loc"] else ""
        got = err.get("input")
        got = f"{got:g}" if isinstance(got, float) else repr(got) if isinstance(got, str) else got
        raise ValidationFailure(f"{err['msg'].lower()}, got {got}",
                                location=(fields.get(name, name),)) from None


def _write_all(out: Path, files: list[tuple[str, bytes]]) -> None:
    """Write every file into ``out`` or none: a temporary sibling folder, then a rename."""
    parent = out.resolve().parent
    if not parent.is_dir():
        raise CliError(f"{out}: parent folder does not exist")
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=parent))
    try:
        for name, data in files:
            path = tmp / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        if out.exists():
            out.rmdir()  # checked empty above
        os.rename(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise

