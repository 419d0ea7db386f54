"""The procurement sheet (fiche): canonical inputs, every figure, and an integrity hash.

A fiche is what a buyer attaches to the procurement file: a functional unit and
reference flow as in ISO 14040:2006 / ISO 14044:2006, and a method fixed in advance as
Directive 2014/24/EU art. 67(4) and CE 15 Feb 2013 n° 363921 *Derichebourg* require. It
embeds its canonical inputs (the usage profile, the offers, the comparison options
with seed and draws, the consultation), the SHA-256 of their canonical JSON, and all
the figures computed from them. :func:`verify_fiche` recomputes everything from the
embedded inputs and lists every figure that differs, so a jury or a judge can check
that a sheet was not edited by hand.

Modules: :mod:`~ia_empreinte.sheet.model` (the data), :mod:`~ia_empreinte.sheet.build`
(computing it), :mod:`~ia_empreinte.sheet.verify` (checking it),
:mod:`~ia_empreinte.sheet.tables` (parameters, evidence, training).
"""

from __future__ import annotations

from ia_empreinte.sheet.build import build_fiche, fiche_from_inputs, inputs_sha256
from ia_empreinte.sheet.model import (
    BOUNDARY_EXCLUDED,
    BOUNDARY_INCLUDED,
    BOUNDARY_STAGES,
    FICHE_SCHEMA,
    LIMITATIONS,
    Consultation,
    Difference,
    Fiche,
    FicheInputs,
    Headlines,
    canonical_json,
    parse_fiche,
)
from ia_empreinte.sheet.tables import Parameter
from ia_empreinte.sheet.verify import verify_fiche

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
    "Parameter",
    "build_fiche",
    "canonical_json",
    "fiche_from_inputs",
    "inputs_sha256",
    "parse_fiche",
    "verify_fiche",
]
