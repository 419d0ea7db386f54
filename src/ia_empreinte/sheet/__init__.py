"""The procurement sheet (fiche): canonical inputs, every figure, and an integrity hash.

A fiche is what a buyer attaches to the procurement file: a functional unit and
reference flow as in ISO 14040:2006 / ISO 14044:2006, and a method fixed in advance as
Directive 2014/24/EU art. 67(4) and CE 15 Feb 2013 n° 363921 *Derichebourg* require. It
embeds its canonical inputs (the usage profile, the offers, the comparison options
with seed and draws, the consultation), the SHA-256 of their canonical JSON, and all
the figures computed from them. :func:`verify_fiche` recomputes everything from the
embedded inputs and lists every figure that differs, so a jury or a judge can check
that a sheet was not edited by hand.

Texts (boundary items, limitations, comparability statement) are stored as stable
codes; renderers translate them (:mod:`ia_empreinte.render.i18n`).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ia_empreinte import _canonical
from ia_empreinte._version import __version__
from ia_empreinte.comparison import CompareOptions, Comparison, compare
from ia_empreinte.equivalents import Equivalent, equivalents_of
from ia_empreinte.errors import ValidationFailure
from ia_empreinte.inputs.documents import parse_model
from ia_empreinte.offers import Offer
from ia_empreinte.profiles import UsageProfile
from ia_empreinte.records.store import EMPTY, RecordStore
from ia_empreinte.sheet import tables
from ia_empreinte.sheet.tables import Dataset, Evidence, Parameter, TrainingInfo

__all__ = [
    "BOUNDARY_EXCLUDED",
    "BOUNDARY_INCLUDED",
    "FICHE_SCHEMA",
    "LIMITATIONS",
    "Consultation",
    "Difference",
    "Fiche",
    "FicheInputs",
    "Headlines",
    "Parameter",
    "build_fiche",
    "canonical_json",
    "fiche_from_inputs",
    "inputs_sha256",
    "parse_fiche",
    "verify_fiche",
]

FICHE_SCHEMA = "ia-empreinte/fiche@1"

BOUNDARY_INCLUDED = (
    "inference_compute",
    "idle_capacity",
    "facility_overhead",
    "embodied_hardware",
)
"""Codes of what the figures include (research section 5.3)."""
BOUNDARY_EXCLUDED = ("end_user_terminals", "wan_network", "vendor_offices", "training_in_scores")
LIMITATIONS = (
    "model_estimate",
    "declared_values",
    "grid_average",
    "embodied_allocation",
    "ai_lca_maturing",
    "equivalents_illustrative",
)

_OUT = ConfigDict(extra="forbid", frozen=True)


class Consultation(BaseModel):
    """The tender the fiche belongs to."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    reference: str = ""
    lot: str = ""
    buyer: str = ""


class FicheInputs(BaseModel):
    """Everything the figures are computed from; hashed to ``inputs_sha256``."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    profile: UsageProfile
    offers: list[Offer]
    options: CompareOptions
    consultation: Consultation = Consultation()


class ProfileRef(BaseModel):
    """The reference flow: which profile, pinned by the hash of its canonical JSON."""

    model_config = _OUT
    id: str
    version: int
    sha256: str
    title: str
    title_fr: str
    functional_unit: str
    reference_flow: str


class Headlines(BaseModel):
    """The three numbers on the jury's one-page summary."""

    model_config = _OUT
    best_offer: str
    best_p50: float
    best_p05: float
    best_p95: float
    worst_offer: str
    worst_to_best_ratio: float
    """Median of the worst-ranked offer / median of the best-ranked one."""
    runner_up: str | None
    p_best_beats_runner_up: float | None
    equivalents: list[Equivalent]
    """The best offer's scored figure as everyday equivalents."""


class Difference(BaseModel):
    """A figure whose stored value differs from the recomputed one."""

    model_config = _OUT
    path: str
    stored: str
    recomputed: str

    def line(self) -> str:
        """``path: stored X, recomputed Y``."""
        return f"{self.path}: stored {self.stored}, recomputed {self.recomputed}"


class Fiche(BaseModel):
    """The procurement sheet: canonical inputs, figures and integrity hash."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    schema_: Literal["ia-empreinte/fiche@1"] = Field("ia-empreinte/fiche@1", alias="schema")
    computed_on: str = ""
    """Date of computation (ISO 8601); not covered by :func:`verify_fiche`."""
    command: str = ""
    """The command that produced the fiche from files; not covered by :func:`verify_fiche`."""
    tool: str = "ia-empreinte"
    tool_version: str
    datasets: list[Dataset]
    inputs: FicheInputs
    inputs_sha256: str
    profile: ProfileRef
    boundary_included: list[str]
    boundary_excluded: list[str]
    comparison: Comparison
    parameters: list[Parameter]
    evidence: list[Evidence]
    training: list[TrainingInfo]
    equivalents: dict[str, list[Equivalent]]
    """Offer id -> its contract figures (GHG, energy, water medians) as equivalents."""
    headlines: Headlines
    limitations: list[str]
    caveats: list[str]
    """The profile's warnings and the engine's caveats, one line each."""


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
        command=command,
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
        command: the command line that produced it, shown on the sheet, not hashed.
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


def parse_fiche(data: object, *, file: str | None = None) -> Fiche:
    """Validate a decoded fiche document.

    Raises:
        ValidationFailure: naming the field.
    """
    return parse_model(Fiche, data, file=file, error=ValidationFailure, kind="fiche")



def canonical_json(data: Any) -> str:
    """Canonical JSON text (:mod:`ia_empreinte._canonical`)."""
    return _canonical.canonical_json(data)


def _flatten(value: Any, prefix: str, out: dict[str, Any]) -> None:
    if isinstance(value, dict):
        for k in sorted(value):
            _flatten(value[k], f"{prefix}.{k}" if prefix else str(k), out)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _flatten(v, f"{prefix}[{i}]", out)
        if not value:
            out[prefix] = []
    else:
        out[prefix] = value


def _dump(fiche: Fiche) -> dict[str, Any]:
    data: dict[str, Any] = fiche.model_dump(mode="json", by_alias=True)
    data.pop("computed_on", None)
    data.pop("command", None)
    return data


def verify_fiche(
    fiche: Fiche, *, records: RecordStore = EMPTY
) -> list[Difference]:
    """Recompute a fiche from its embedded inputs and list every figure that differs.

    The inputs hash is checked first (``inputs_sha256``), then every stored field is
    compared with the recomputed one, exactly (same inputs and seed give bit-identical
    figures). An empty list means the fiche is intact.
    """
    diffs: list[Difference] = []
    recomputed = fiche_from_inputs(fiche.inputs, records=records)
    stored_flat: dict[str, Any] = {}
    new_flat: dict[str, Any] = {}
    _flatten(_dump(fiche), "", stored_flat)
    _flatten(_dump(recomputed), "", new_flat)
    for path in sorted(set(stored_flat) | set(new_flat)):
        a, b = stored_flat.get(path, "(absent)"), new_flat.get(path, "(absent)")
        if a != b:
            diffs.append(Difference(path=path, stored=str(a), recomputed=str(b)))
    diffs.sort(key=lambda d: _priority(d.path))
    return diffs


def _priority(path: str) -> int:
    """Order of the differences: the hash, then the marks and scored figures first."""
    if path == "inputs_sha256":
        return 0  # says the inputs were edited, whatever else changed
    if path.startswith("comparison.scores.") or ".scored." in path:
        return 1
    if path.startswith("headlines."):
        return 2
    return 4 if path.startswith("inputs.") else 3
