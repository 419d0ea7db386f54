"""The buyer's journey in the web application: its state, carried by the forms, and the
library calls behind each page.

No state is kept on the server between requests: every page's forms carry the profile
(its YAML text) and the offers and records (their texts, as uploaded) in hidden fields,
and each request rebuilds the documents from them through the input layer, exactly as
the CLI reads files. Nothing is written to disk.

Two functions are the single call sites the other parts of the application plug into:
:func:`jury_summary` (the jury's summary shown on the comparison page) and
:func:`consultation_kit` (the kit download).
"""

from __future__ import annotations

import datetime
import io
import math
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ia_empreinte import (
    CompareOptions,
    Fiche,
    IaEmpreinteError,
    Offer,
    RecordStore,
    UsageProfile,
    build_fiche,
    check_offer_serves_profile,
    parse_compare_options,
    parse_offer,
    parse_profile,
    render_fiche,
    simulate_scores,
    verify_fiche,
)
from ia_empreinte.equivalents import equivalents_of
from ia_empreinte.errors import TaskNotServedError
from ia_empreinte.inputs.documents import read_document
from ia_empreinte.inputs.load import fiche_from_bytes
from ia_empreinte.inputs.records import record_from_bytes
from ia_empreinte.kit import basis_coverage, parse_profile_answer
from ia_empreinte.kit.dce import DceOptions, build_dce_kit
from ia_empreinte.kit.territorial import number_label_fr, task_short_name_fr
from ia_empreinte.records.store import checked
from ia_empreinte.render.document import reason_text
from ia_empreinte.render.i18n import Lang, driver_label
from ia_empreinte.scoring import Scores
from ia_empreinte.server.web.texts import text as page_text
from ia_empreinte.sheet import Consultation, Difference

__all__ = [
    "SHEET_FORMATS",
    "Basis",
    "ComparePage",
    "JurySummary",
    "Upload",
    "basis_rows",
    "compare_page",
    "consultation_kit",
    "jury_summary",
    "offers_from_uploads",
    "options_from",
    "profile_from_text",
    "records_from_uploads",
    "sheet_bytes",
    "verify_sheet",
    "with_daily_volume",
]

WEB_COMMAND = "ia-empreinte web application; check: ia-empreinte verify fiche.json"
"""The ``command`` stored in a sheet made by the web application."""


@dataclass(frozen=True)
class Upload:
    """One uploaded (or carried) file: its name as the browser gave it, and its bytes."""

    name: str
    data: bytes


@dataclass(frozen=True)
class Basis:
    """One number of the profile with where it comes from."""

    path: str
    label_fr: str
    value: str
    sourced: bool
    source: str


def profile_from_text(text: str, name: str = "profil.yaml") -> UsageProfile:
    """The usage profile a form carries (YAML or JSON text), validated as a file.

    Raises:
        InputFileError, ProfileError: naming the file and the field, as the CLI does.
    """
    data = read_document(name, text=text.encode("utf-8"))
    return parse_profile(data, file=name)


_DIST_FR = {"triangular": "triangulaire", "uniform": "uniforme", "lognormal": "log-normale",
            "normal": "normale"}
_PARAM_FR = {"low": "min", "high": "max", "mode": "mode"}


def _quantity_text(value: Any, lang: Lang = "fr") -> str:
    """A number or a distribution as the profile page shows it."""
    if hasattr(value, "dist"):
        fields = value.model_dump(exclude={"dist"})
        names = _PARAM_FR if lang == "fr" else {}
        inner = ", ".join(f"{names.get(k, k)} {v:g}" for k, v in fields.items()
                          if isinstance(v, float | int))
        dist = _DIST_FR.get(value.dist, value.dist) if lang == "fr" else value.dist
        text = f"{dist} ({inner})"
    elif isinstance(value, float):
        text = f"{value:g}"
    else:
        text = str(value)
    return text.replace(".", ",") if lang == "fr" else text


def basis_rows(profile: UsageProfile, lang: Lang = "fr") -> list[Basis]:
    """Every number the profile states, with its source or ``None`` for an assumption."""
    rows: list[Basis] = []
    coverage = basis_coverage(profile)
    paths = sorted(set(profile.basis) | set(coverage.missing))
    for path in paths:
        value: Any = profile
        try:
            for part in path.split("."):
                value = value[int(part)] if part.isdigit() else getattr(value, part)
        except (AttributeError, IndexError, TypeError):
            continue  # a basis key naming nothing: basis_coverage reports it
        entry = profile.basis.get(path)
        rows.append(Basis(
            path=path,
            label_fr=number_label_fr(path),
            value=_quantity_text(value, lang),
            sourced=entry is not None and entry.status == "sourced",
            source=entry.source if entry is not None else "",
        ))
    return rows


def with_daily_volume(profile: UsageProfile, answer: str, source: str) -> UsageProfile:
    """The profile with another number of requests per service day (the questionnaire's
    syntax: ``400``, ``200-400``, ``200/300/500``), its basis updated.

    Raises:
        ProfileError: the answer is not a valid volume, or the source does not look
            like one.
    """
    value = parse_profile_answer("volume.requests_per_day", answer)
    source = parse_profile_answer("volume_source", source)
    data = profile.model_dump(mode="json", exclude_none=True, exclude_unset=True)
    data.setdefault("volume", {})["requests_per_day"] = value
    basis = dict(data.get("basis", {}))
    basis["volume.requests_per_day"] = (
        {"status": "sourced", "source": source} if source
        else {"status": "assumed", "source": "volume saisi dans l'application web"}
    )
    data["basis"] = basis
    return parse_profile(data, file="profil.yaml")


def offers_from_uploads(
    profile: UsageProfile, uploads: Sequence[Upload], lang: Lang = "fr"
) -> tuple[list[tuple[Upload, Offer]], dict[str, str]]:
    """Read each uploaded offer like ``ia-empreinte validate`` would, and check that it
    serves the profile's tasks.

    Returns:
        The valid offers (with their upload), and per file name the error line: the one
        the CLI prints for an invalid file (its field and what is expected), in ``lang``
        for the refusals the page itself words (a task the offer does not serve, an id
        given twice).
    """
    offers: list[tuple[Upload, Offer]] = []
    errors: dict[str, str] = {}
    seen: set[str] = set()
    for upload in uploads:
        try:
            data = read_document(upload.name, text=upload.data)
            offer = parse_offer(data, file=upload.name)
            check_offer_serves_profile(profile, offer)
        except TaskNotServedError as exc:
            errors[upload.name] = page_text("err_task_not_served", lang).format(
                file=upload.name, offer=exc.offer_id, profile=exc.profile_id,
                tasks=_tasks(exc.missing, lang), served=_tasks(exc.served, lang))
            continue
        except IaEmpreinteError as exc:
            line = exc.one_line(lang)
            errors[upload.name] = line if line.startswith(upload.name) else (
                f"{upload.name}{' : ' if lang == 'fr' else ': '}{line}")
            continue
        if offer.id in seen:
            errors[upload.name] = page_text("err_duplicate_id", lang).format(
                file=upload.name, id=offer.id)
            continue
        seen.add(offer.id)
        offers.append((upload, offer))
    return offers, errors


def _tasks(tasks: Sequence[str], lang: Lang) -> str:
    """Task ids as a buyer reads them: their French names in French."""
    if lang != "fr":
        return ", ".join(tasks)
    return ", ".join(f"{task_short_name_fr(t)} ({t})" for t in tasks)


def records_from_uploads(
    offers: Sequence[Offer], uploads: Sequence[Upload], lang: Lang = "fr"
) -> tuple[RecordStore, dict[str, str]]:
    """The benchmark records uploaded, checked as ``bench verify`` does, in a store
    keyed by their SHA-256; an offer's record is found by the hash it pins.

    Returns:
        The store, and per file name (or per offer id, for a record an offer pins that
        was not uploaded, worded in ``lang``) the error line.
    """
    entries = {}
    errors: dict[str, str] = {}
    for upload in uploads:
        try:
            record = record_from_bytes(upload.data, upload.name)
            entries[record.sha256()] = checked(record, upload.name)
        except IaEmpreinteError as exc:
            errors[upload.name] = exc.one_line(lang)
    for offer in offers:
        for ref in offer.benchmarks:
            if ref.sha256 not in entries:
                errors[offer.id] = page_text("err_record_missing", lang).format(
                    offer=offer.id, path=ref.path, sha=ref.sha256[:12])
    return RecordStore(entries.values()), errors


def options_from(form: Mapping[str, str]) -> CompareOptions:
    """The comparison options a form gives (method, points, floor, indicator, scope).

    Raises:
        ValidationFailure: naming the option.
    """
    data: dict[str, Any] = {}
    for key in ("indicator", "scope", "method"):
        if form.get(key):
            data[key] = form[key]
    for key in ("points", "floor", "floor_fraction"):
        text = (form.get(key) or "").strip().replace(",", ".")
        if text:
            try:
                data[key] = float(text)
            except ValueError:
                data[key] = text  # refused by the options model, naming the field
    if (form.get("draws") or "").strip().isdigit():
        data["draws"] = int(form["draws"])
    return parse_compare_options(data)


def make_fiche(
    profile: UsageProfile,
    offers: Sequence[Offer],
    options: CompareOptions,
    records: RecordStore,
    weight: float | None = None,
) -> Fiche:
    """The procurement sheet of the comparison the page shows (the same call as
    ``ia-empreinte report --weight``): with the criterion's weight, page 1 shows each
    offer's weighted points and the materiality advice reads it."""
    return build_fiche(
        profile, offers, options, Consultation(weight_pct=weight), records=records,
        computed_on=datetime.date.today().isoformat(), command=WEB_COMMAND,
    )


@dataclass(frozen=True)
class JurySummary:
    """What the jury reads first: who wins, why, by how much, and how sure."""

    winner: str
    winner_vendor: str
    runner_up: str | None
    p_winner_lower: float | None
    ratio: float
    gap: float | None
    unit: str
    gap_equivalents: list[str]
    reasons: list[str]
    measured: list[str]
    modelled: list[str]


def jury_summary(fiche: Fiche, offers: Sequence[Offer], lang: Lang) -> JurySummary:
    """The jury's summary of a sheet: winner, reasons, gap as an equivalent, modelled or
    measured. The one call site of the comparison page for this summary."""
    c = fiche.comparison
    ranked = c.ranked()
    best = ranked[0]
    second = ranked[1] if len(ranked) > 1 else None
    gap = second.scored.p50 - best.scored.p50 if second is not None else None
    equivalents: list[str] = []
    if gap is not None and gap > 0 and c.indicator in ("gwp", "energy", "water"):
        value = gap / 1000 if c.indicator == "energy" and c.unit == "Wh" else gap
        for e in equivalents_of(c.indicator, value):
            unit = e.unit_fr if lang == "fr" else e.unit_en
            equivalents.append(f"{_number(e.count, lang)} {unit}")
    # the reasons of the sheet's page 1, worded by the same renderer
    reasons: list[str] = [reason_text(r, fiche, lang) for r in fiche.reasons]
    if not reasons and second is not None:
        pair = next((p for p in c.pairs if {p.a, p.b} == {best.offer_id, second.offer_id}),
                    None)
        for driver in (pair.drivers if pair is not None else [])[:3]:
            text = driver_label(driver.input, lang)
            if text not in reasons:
                reasons.append(text)
    measured = [o.id for o in offers if o.benchmarks]
    modelled = [o.id for o in offers if not o.benchmarks]
    ratio = (ranked[-1].scored.p50 / best.scored.p50) if best.scored.p50 > 0 else math.inf
    return JurySummary(
        winner=best.offer_id,
        winner_vendor=best.vendor,
        runner_up=second.offer_id if second is not None else None,
        p_winner_lower=c.pair(best.offer_id, second.offer_id) if second is not None else None,
        ratio=ratio,
        gap=gap,
        unit=c.unit,
        gap_equivalents=equivalents,
        reasons=reasons,
        measured=measured,
        modelled=modelled,
    )


def _number(value: float, lang: Lang) -> str:
    """A figure with three significant digits, French or English separators."""
    if value == 0 or not math.isfinite(value):
        return f"{value:g}"
    digits = max(0, 2 - math.floor(math.log10(abs(value))))
    text = f"{value:,.{digits}f}"
    if lang == "fr":
        text = text.replace(",", "\u202f").replace(".", ",")
    return text


@dataclass
class ComparePage:
    """Everything the comparison page shows."""

    fiche: Fiche
    summary: JurySummary
    simulation: list[Scores]
    weight: float | None
    weighted: dict[str, float] = field(default_factory=dict)


def compare_page(
    profile: UsageProfile,
    offers: Sequence[Offer],
    options: CompareOptions,
    records: RecordStore,
    weight: float | None,
    lang: Lang,
) -> ComparePage:
    """The comparison page: the sheet, its jury summary, and the scoring methods tried on
    the offers' medians (``score simulate``)."""
    fiche = make_fiche(profile, offers, options, records, weight)
    c = fiche.comparison
    medians = [o.scored.p50 for o in c.offers]
    simulation = simulate_scores(
        medians, n_max=options.points, floor=options.floor,
        floor_fraction=options.floor_fraction,
    )
    weighted = {}
    if weight is not None:
        weighted = {m.offer_id: m.mark / c.scores.points * weight for m in c.scores.marks}
    return ComparePage(fiche=fiche, summary=jury_summary(fiche, offers, lang),
                       simulation=simulation, weight=weight, weighted=weighted)


SHEET_FORMATS: dict[str, tuple[str, str]] = {
    "pdf": ("application/pdf", "pdf"),
    "html": ("text/html; charset=utf-8", "html"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "json": ("application/json", "json"),
}
"""The sheet formats offered for download: media type and file suffix."""


def sheet_bytes(fiche: Fiche, fmt: str, lang: Lang) -> bytes:
    """The sheet in one format, as ``ia-empreinte report -o fiche.FMT`` writes it."""
    return render_fiche(fiche, fmt, lang)


def consultation_kit(
    profile: UsageProfile, options: CompareOptions, weight: float
) -> bytes:
    """The consultation kit (``ia-empreinte dce``) as a ZIP archive: the RC article and
    the CCTP/CCAP clauses (Markdown and DOCX), the annexes (profile, reference data,
    measurement protocol, offer template), the index and ``SHA256SUMS``. The one call
    site of the kit download.

    The archive is deterministic (fixed dates, the kit's own order): the same inputs
    give the same bytes.
    """
    kit = build_dce_kit(
        profile,
        DceOptions(weight_pct=weight, method=options.method, points=options.points,
                   compare=options),
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in kit:
            info = zipfile.ZipInfo(f"kit-{profile.id}/{file.name}",
                                   date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, file.data)
    return buffer.getvalue()


def verify_sheet(upload: Upload) -> tuple[Fiche, list[Difference]]:
    """Check an uploaded sheet (JSON, PDF, HTML, XLSX or Markdown) as ``ia-empreinte
    verify`` does: the sheet must show the fiche it embeds, and the fiche is recomputed.

    Raises:
        InputFileError: the file is not a sheet, or shows other figures than it embeds.
        ValidationFailure: a field of the embedded fiche is invalid.
    """
    fiche = fiche_from_bytes(upload.data, upload.name)
    return fiche, verify_fiche(fiche)


