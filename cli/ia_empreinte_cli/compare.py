"""Commands for buyers: compare, report and verify (score simulate, clause and dce are
in :mod:`ia_empreinte_cli.dce`)."""

from __future__ import annotations

import datetime
import shlex
from pathlib import Path
from typing import Any

import click

from ia_empreinte import (
    CompareOptions,
    Consultation,
    Offer,
    RecordStore,
    UsageProfile,
    build_fiche,
    check_offer_serves_profile,
    load_fiche,
    load_offer,
    load_profile,
    load_records,
    parse_compare_options,
    rc_clause,
    render_comparison,
    render_fiche,
    verify_fiche,
)
from ia_empreinte import compare as compare_offers
from ia_empreinte.errors import InputFileError, ValidationFailure
from ia_empreinte.registry import key_verdict
from ia_empreinte.render.files import check_writable, write_output
from ia_empreinte.render.sheet import fiche_format

__all__ = ["compare", "rc_clause_text", "report", "verify"]

_INDICATORS = ["energy", "gwp", "water", "adpe", "pe"]
_SCOPES = ["per_request", "per_year", "contract"]
_METHODS = ["proportional", "linear", "mean"]
_SHOWN = 20
"""Differences listed by ``verify`` before '... and N more'."""


def _scoring_options(f: Any) -> Any:
    f = click.option("--floor-fraction", type=click.FloatRange(0, 1), default=0.05,
                     show_default=True,
                     help="Floor as a fraction of the median offer (0: none).")(f)
    f = click.option("--floor", type=click.FloatRange(min=0), default=None,
                     help="Absolute floor in the unit of the scored figure "
                          "(wins over --floor-fraction).")(f)
    f = click.option("--method", type=click.Choice(_METHODS), default="proportional",
                     show_default=True, help="Scoring method.")(f)
    f = click.option("--points", type=click.FloatRange(min=0, min_open=True), default=10,
                     show_default=True, help="Points of the criterion (Nmax).")(f)
    return f


def _compare_options(f: Any) -> Any:
    f = _scoring_options(f)
    f = click.option("--seed", type=int, default=42, show_default=True,
                     help="Random seed; the same seed gives identical figures.")(f)
    f = click.option("--draws", type=click.IntRange(1, 1_000_000), default=1000,
                     show_default=True, help="Monte Carlo draws, shared by all offers.")(f)
    f = click.option("--scope", type=click.Choice(_SCOPES), default="contract",
                     show_default=True, help="Scored scope.")(f)
    f = click.option("--indicator", type=click.Choice(_INDICATORS), default="gwp",
                     show_default=True,
                     help="Scored indicator (gwp: GHG location-based).")(f)
    return f


def _options(kw: dict[str, Any]) -> CompareOptions:
    # parsed like the HTTP API's options: inf or nan (click's FloatRange lets them
    # through) get one line naming the option instead of a pydantic traceback
    try:
        return parse_compare_options({
            "indicator": kw["indicator"], "scope": kw["scope"], "method": kw["method"],
            "points": kw["points"], "floor": kw["floor"],
            "floor_fraction": kw["floor_fraction"] or None, "seed": kw["seed"],
            "draws": kw["draws"],
        })
    except ValidationFailure as exc:
        option = "--" + str(exc.location[0]).replace("_", "-") if exc.location else ""
        raise ValidationFailure(exc.message, location=(option,) if option else ()) from None


def _load_offers(paths: tuple[str, ...], profile: UsageProfile) -> list[Any]:
    """The offers, refusing one given twice, two with the same id, or one that does not
    serve a task of ``profile``, naming the file."""
    loaded: list[Any] = []
    seen: dict[str, str] = {}
    for path in paths:
        offer = load_offer(path)
        first = seen.setdefault(offer.id, path)
        if len(seen) == len(loaded):  # the id was there already
            if Path(first).resolve() == Path(path).resolve():
                raise ValidationFailure("given twice; expected each offer once", file=path)
            raise ValidationFailure(f"'{offer.id}' is also the id of {first}; expected "
                                    "distinct offer ids", file=path, location=("id",))
        check_offer_serves_profile(profile, offer, file=path)
        loaded.append(offer)
    return loaded


@click.command()
@click.argument("profile", type=click.Path(dir_okay=False))
@click.argument("offers", nargs=-1, required=True, type=click.Path(dir_okay=False))
@_compare_options
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "markdown"]),
              default="table", show_default=True, help="Output format.")
@click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True,
              help="Language of the table and markdown outputs.")
def compare(profile: str, offers: tuple[str, ...], fmt: str, lang: str, **kw: Any) -> None:
    """Compare OFFERS on the usage PROFILE, on shared random draws.

    Ranks the offers on the scored indicator (median), gives the probability that each
    offer beats each other one, the drivers of each figure and gap, and the marks.
    """
    prof = load_profile(profile)
    docs = _load_offers(offers, prof)
    result = compare_offers(prof, docs, _options(kw), records=_records(docs, offers))
    click.echo(render_comparison(result, fmt, lang), nl=False)  # type: ignore[arg-type]


def _records(docs: list[Offer], files: tuple[str, ...]) -> RecordStore:
    """The records the offers pin, read from paths relative to each offer file."""
    return load_records(zip(docs, [Path(f).parent for f in files], strict=True))


def _command_line(profile: str, offers: tuple[str, ...], output: str, kw: dict[str, Any],
                  lang: str, consultation: Consultation) -> str:
    json_output = str(Path(output).with_suffix(".json"))
    args = ["ia-empreinte", "report", profile, *offers, "-o", json_output,
            "--indicator", kw["indicator"], "--scope", kw["scope"], "--method", kw["method"],
            "--points", f"{kw['points']:g}", "--seed", str(kw["seed"]),
            "--draws", str(kw["draws"]), "--lang", lang]
    if kw["floor"] is not None:
        args += ["--floor", f"{kw['floor']:g}"]
    else:
        args += ["--floor-fraction", f"{kw['floor_fraction']:g}"]
    for flag, value in (("--consultation", consultation.reference), ("--lot", consultation.lot),
                        ("--buyer", consultation.buyer)):
        if value:
            args += [flag, value]
    if consultation.weight_pct is not None:
        args += ["--weight", f"{consultation.weight_pct:g}"]
    return shlex.join(args)


@click.command()
@click.argument("profile", type=click.Path(dir_okay=False))
@click.argument("offers", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="Output file; the format comes from its extension "
                   "(.pdf .html .md .xlsx .json).")
@_compare_options
@click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True,
              help="Language of the sheet.")
@click.option("--consultation", default="", help="Consultation (tender) reference.")
@click.option("--lot", default="", help="Lot of the consultation.")
@click.option("--buyer", default="", help="Buyer's name.")
@click.option("--weight", type=click.FloatRange(0, 100), default=None,
              help="Weight of the environmental criterion in the award, in percent: page 1 "
                   "shows each offer's weighted points and the sheet advises on the weight.")
@click.option("--rc-clause", is_flag=True,
              help="Also print a French draft of the award-criterion clause.")
def report(profile: str, offers: tuple[str, ...], output: str, lang: str, consultation: str,
           lot: str, buyer: str, weight: float | None, rc_clause: bool, **kw: Any) -> None:
    """Write the procurement sheet (fiche) comparing OFFERS on PROFILE.

    French by default. The .json output is the canonical fiche that `ia-empreinte
    verify` checks; the other formats print its hash and the reproducibility command.
    """
    fiche_format(output)  # an unknown extension or an unwritable folder fails at once,
    check_writable(output, inputs=(profile, *offers))  # not after the computation
    cons = Consultation(reference=consultation, lot=lot, buyer=buyer, weight_pct=weight)
    prof = load_profile(profile)
    opts = _options(kw)
    docs = _load_offers(offers, prof)
    fiche = build_fiche(
        prof, docs, opts, cons, records=_records(docs, offers),
        computed_on=datetime.date.today().isoformat(),
        command=_command_line(profile, offers, output, kw, lang, cons),
    )
    write_output(output, render_fiche(fiche, output, lang),  # type: ignore[arg-type]
                 inputs=(profile, *offers))
    click.echo(f"{output}: written; inputs SHA-256 {fiche.inputs_sha256}", err=True)
    if rc_clause:
        click.echo(rc_clause_text(prof, opts, weight), nl=False)


def rc_clause_text(profile: Any, opts: CompareOptions, weight: float | None = None) -> str:
    """The clause text (kept here so `report --rc-clause` and `clause` print the same)."""
    return rc_clause(profile, opts, weight_pct=weight)


@click.command()
@click.argument("fiche", type=click.Path(dir_okay=False))
@click.option("--base-dir", "records_dir", type=click.Path(file_okay=False), default=None,
              help="Folder the offers' benchmark-record paths are relative to "
                   "(default: the fiche's folder).")
def verify(fiche: str, records_dir: str | None) -> None:
    """Recompute FICHE.json from its embedded inputs and check every figure.

    Exit 0 when everything matches; exit 1 listing each figure that differs.
    """
    doc = load_fiche(fiche)
    folder = Path(records_dir) if records_dir is not None else Path(fiche).parent
    try:
        records = load_records((offer, folder) for offer in doc.inputs.offers)
    except InputFileError as exc:  # a benchmark record the offers reference
        raise InputFileError(
            f"{exc.message}; give --base-dir, the folder the offers' record paths are "
            "relative to", file=exc.file, location=exc.location,
        ) from None
    diffs = verify_fiche(doc, records=records)
    if not diffs:
        click.echo(f"{fiche}: OK, every figure matches (inputs SHA-256 {doc.inputs_sha256})")
        _signers(records)
        return
    click.echo(f"{fiche}: {len(diffs)} difference(s) with the recomputation:")
    for d in diffs[:_SHOWN]:
        click.echo(f"  {d.line()}")
    if len(diffs) > _SHOWN:
        click.echo(f"  ... and {len(diffs) - _SHOWN} more")
    _signers(records)
    raise SystemExit(1)


def _signers(records: Any) -> None:
    """Who holds the key of each signed record, when there is a registry to ask
    (``$IA_EMPREINTE_REGISTRY_URL`` or ``ia-empreinte-registry.sqlite`` here)."""
    for sha in records:
        integrity = records[sha].integrity
        sig = integrity.signature if integrity is not None else None
        if sig is None:
            continue
        verdict = key_verdict(sig.key_fingerprint)
        if verdict is None:
            return
        click.echo(f"  record {sha[:16]}: {verdict.sentence('en')}")
