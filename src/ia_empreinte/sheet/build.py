"""Computing a fiche from its canonical inputs (the engine runs here)."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence

from ia_empreinte._version import __version__
from ia_empreinte.comparison import CompareOptions, Comparison, compare
from ia_empreinte.equivalents import Equivalent, equivalents_of
from ia_empreinte.offers import Offer
from ia_empreinte.profiles import UsageProfile
from ia_empreinte.records.store import EMPTY, RecordStore
from ia_empreinte.sheet import jury, tables
from ia_empreinte.sheet.command import report_command
from ia_empreinte.sheet.defaulted import defaulted_rows
from ia_empreinte.sheet.model import (
    BOUNDARY_EXCLUDED,
    BOUNDARY_INCLUDED,
    LIMITATIONS,
    Consultation,
    Fiche,
    FicheInputs,
    Headlines,
    ProfileRef,
    canonical_json,
)

__all__ = ["build_fiche", "fiche_from_inputs", "inputs_sha256"]


def _sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def inputs_sha256(inputs: FicheInputs) -> str:
    """SHA-256 of the canonical JSON (sorted keys, no spaces, UTF-8) of the inputs."""
    return _sha256_text(canonical_json(inputs.model_dump(mode="json")))


def _headlines(comparison: Comparison) -> Headlines:
    ranked = comparison.ranked()
    best, worst = ranked[0], ranked[-1]
    runner = ranked[1] if len(ranked) > 1 else None
    ratio = worst.scored.p50 / best.scored.p50 if best.scored.p50 > 0 else math.inf
    value = best.scored.p50
    if comparison.indicator == "energy" and comparison.scope == "per_request":
        value /= 1000
    return Headlines(
        best_offer=best.offer_id,
        best_p50=best.scored.p50,
        best_p05=best.scored.p05,
        best_p95=best.scored.p95,
        worst_offer=worst.offer_id,
        worst_to_best_ratio=ratio,
        runner_up=runner.offer_id if runner else None,
        p_best_beats_runner_up=(
            comparison.pair(best.offer_id, runner.offer_id) if runner else None
        ),
        equivalents=equivalents_of(comparison.indicator, value),
    )


def fiche_from_inputs(
    inputs: FicheInputs,
    *,
    records: RecordStore = EMPTY,
    computed_on: str = "",
    command: str = "",
) -> Fiche:
    """Compute a fiche from its canonical inputs (the engine runs here)."""
    comparison = compare(inputs.profile, inputs.offers, inputs.options, records=records)
    profile = inputs.profile
    equivalents: dict[str, list[Equivalent]] = {}
    for o in comparison.offers:
        equivalents[o.offer_id] = [
            *equivalents_of("gwp", o.contract["gwp_kgco2e"].p50),
            *equivalents_of("energy", o.contract["energy_kwh"].p50),
            *equivalents_of("water", o.contract["water_l"].p50),
        ]
    caveats = [*profile.warnings]
    for o in comparison.offers:
        caveats.extend(f"{o.offer_id}: [{c.code}] {c.message}" for c in o.caveats)
    caveats.extend(f"[{c.code}] {c.message}" for c in comparison.caveats)
    return Fiche(
        computed_on=computed_on,
        command=report_command(inputs, command),
        tool_version=__version__,
        datasets=tables.datasets(),
        inputs=inputs,
        inputs_sha256=inputs_sha256(inputs),
        profile=ProfileRef(
            id=profile.id,
            version=profile.version,
            sha256=_sha256_text(canonical_json(profile.model_dump(mode="json"))),
            title=profile.title or profile.title_fr,
            title_fr=profile.title_fr or profile.title,
            functional_unit=profile.functional_unit,
            reference_flow=profile.reference_flow,
        ),
        boundary_included=list(BOUNDARY_INCLUDED),
        boundary_excluded=list(BOUNDARY_EXCLUDED),
        comparison=comparison,
        parameters=tables.parameters(profile, inputs.offers),
        evidence=tables.evidence(inputs.offers, records),
        training=tables.training(comparison, inputs.offers),
        equivalents=equivalents,
        headlines=_headlines(comparison),
        limitations=list(LIMITATIONS),
        caveats=caveats,
        defaulted_fields=defaulted_rows(
            inputs.offers, [s.task for s in inputs.profile.effective_steps()]),
        reasons=jury.reasons(comparison, inputs.offers),
        materiality=jury.materiality(comparison, inputs.consultation.weight_pct),
        sci=jury.sci_scores(comparison),
    )


def build_fiche(
    profile: UsageProfile,
    offers: Sequence[Offer],
    options: CompareOptions | None = None,
    consultation: Consultation | None = None,
    *,
    records: RecordStore = EMPTY,
    computed_on: str = "",
    command: str = "",
) -> Fiche:
    """Compare ``offers`` on ``profile`` and assemble the procurement sheet.

    Args:
        profile: the buyer's usage profile.
        offers: the offers, in the order they are shown.
        options: indicator, scope, scoring method and points, floor, seed and draws.
        consultation: tender reference, lot and buyer.
        records: the benchmark records the offers pin, by SHA-256 (read by the input
            layer).
        computed_on: the date shown on the sheet (ISO 8601), not hashed.
        command: the command line that produced it; stored as rebuilt from the inputs
            with bare file names (:func:`~ia_empreinte.sheet.command.report_command`).
    """
    inputs = FicheInputs(
        profile=profile,
        offers=list(offers),
        options=options or CompareOptions(),
        consultation=consultation or Consultation(),
    )
    return fiche_from_inputs(
        inputs, records=records, computed_on=computed_on, command=command
    )


