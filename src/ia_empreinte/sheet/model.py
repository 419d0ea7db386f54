"""The procurement sheet's data: its inputs, headlines, figures and integrity fields.

Texts (boundary items, limitations, comparability statement) are stored as stable
codes; renderers translate them (:mod:`ia_empreinte.render.i18n`).
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ia_empreinte import _canonical
from ia_empreinte.comparison import CompareOptions, Comparison
from ia_empreinte.equivalents import Equivalent
from ia_empreinte.errors import ValidationFailure
from ia_empreinte.offers import Offer
from ia_empreinte.parsing import parse_model
from ia_empreinte.profiles import UsageProfile
from ia_empreinte.sheet.defaulted import DefaultedRow
from ia_empreinte.sheet.jury import Materiality, Reason, SciScore
from ia_empreinte.sheet.tables import Dataset, Evidence, Parameter, TrainingInfo

__all__ = [
    "BOUNDARY_EXCLUDED",
    "BOUNDARY_INCLUDED",
    "BOUNDARY_STAGES",
    "FICHE_SCHEMA",
    "LIMITATIONS",
    "Consultation",
    "Difference",
    "Fiche",
    "FicheInputs",
    "Headlines",
    "ProfileRef",
    "canonical_json",
    "parse_fiche",
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
BOUNDARY_STAGES = (
    # (life-cycle stage, element, covered: yes / no / apart, how)
    ("manufacture", "servers", "yes", "servers_how"),
    ("manufacture", "dc_building", "no", "none"),
    ("use", "accelerators", "yes", "accelerators_how"),
    ("use", "host", "yes", "host_how"),
    ("use", "idle", "yes", "idle_how"),
    ("use", "cooling", "yes", "cooling_how"),
    ("end_of_life", "end_of_life", "no", "none"),
    ("upstream", "training", "apart", "training_how"),
    ("outside", "network", "no", "none"),
    ("outside", "offices", "no", "none"),
)
"""The boundary by life-cycle stage, as in AFNOR SPEC 2314 (2024) and the ADEME product
category rules for data-centre hosting and cloud services (2023): codes, worded by
the renderers (labels ``st_*``, ``el_*``, ``cov_*``)."""
LIMITATIONS = (
    "model_estimate",
    "declared_values",
    "grid_average",
    "embodied_allocation",
    "ai_lca_maturing",
    "equivalents_illustrative",
)

_OUT = ConfigDict(extra="forbid", frozen=True)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class Consultation(BaseModel):
    """The tender the fiche belongs to."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    reference: str = ""
    lot: str = ""
    buyer: str = ""
    weight_pct: float | None = Field(None, ge=0, le=100, allow_inf_nan=False)
    """Weight of the environmental criterion in the award, in percent (``report
    --weight``): page 1 shows each offer's weighted points, and the materiality advice
    reads it."""


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
        """``path: stored X, recomputed Y`` on one line: control characters of an
        edited value (newline, CR, escape) are written as ``\\xNN`` escapes, so an
        edited sheet cannot overprint or break the terminal output."""
        return _printable(f"{self.path}: stored {self.stored}, recomputed {self.recomputed}")


def _printable(text: str) -> str:
    return "".join(
        f"\\x{ord(c):02x}" if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c
        for c in text
    )


class Fiche(BaseModel):
    """The procurement sheet: canonical inputs, figures and integrity hash."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    schema_: Literal["ia-empreinte/fiche@1"] = Field("ia-empreinte/fiche@1", alias="schema")
    computed_on: str = ""
    """Date of computation (ISO 8601 ``YYYY-MM-DD``) or empty; nothing else is accepted,
    so the field cannot carry text; not recomputable, hence not compared."""
    command: str = ""
    """The ``ia-empreinte report`` line that recomputes the fiche, with bare file names;
    :func:`verify_fiche` reports it when it is not the one rebuilt from the inputs
    (:func:`~ia_empreinte.sheet.command.report_command`)."""

    @field_validator("computed_on")
    @classmethod
    def computed_on_is_a_date(cls, value: str) -> str:
        """The date is a calendar date written ``YYYY-MM-DD``, or empty."""
        if value and not _DATE.match(value):
            raise ValueError("expected a date written YYYY-MM-DD, or nothing")
        if value:
            try:
                datetime.date.fromisoformat(value)
            except ValueError:
                raise ValueError(f"'{value}' is not a calendar date") from None
        return value
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
    defaulted_fields: list[DefaultedRow] = []
    """Per offer, each field not declared and the published default rule used."""
    reasons: list[Reason] = []
    """Two or three reasons for the gap between the best and the worst offer."""
    materiality: Materiality | None = None
    """The contract's absolute GHG stakes and the advice on the weight."""
    sci: list[SciScore] = []
    """SCI per request (ISO/IEC 21031:2024) for each offer."""


def parse_fiche(data: object, *, file: str | None = None) -> Fiche:
    """Validate a decoded fiche document.

    Raises:
        ValidationFailure: naming the field.
    """
    return parse_model(Fiche, data, file=file, error=ValidationFailure, kind="fiche")


def canonical_json(data: Any) -> str:
    """Canonical JSON text (:mod:`ia_empreinte._canonical`)."""
    return _canonical.canonical_json(data)


