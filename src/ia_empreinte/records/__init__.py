"""Benchmark records: what the harness measured, their integrity, and their use in estimates.

The record format and its canonical form are described in
:mod:`~ia_empreinte.records.record`. Modules: :mod:`~ia_empreinte.records.record`
(the model, canonical form, energy model), :mod:`~ia_empreinte.records.stats`
(intervals, idle subtraction, per-token fit), :mod:`~ia_empreinte.records.verify`
(loading, integrity, signature, plausibility).
"""

from __future__ import annotations

from ia_empreinte.records.record import (
    CANONICALIZATION,
    RECORD_SCHEMA,
    BenchmarkRecord,
    Check,
    ComponentEnergy,
    IdleWindow,
    Integrity,
    MeasuredEnergyModel,
    MeasurementWindow,
    Method,
    PerTokenFit,
    Preflight,
    Signature,
    Stat,
    Target,
    canonical_bytes,
    record_file_text,
    record_sha256,
    round_floats,
    seal_record,
)
from ia_empreinte.records.verify import (
    check_plausibility,
    load_record,
    verify_record,
    verify_signature,
)

__all__ = [
    "CANONICALIZATION",
    "RECORD_SCHEMA",
    "BenchmarkRecord",
    "Check",
    "ComponentEnergy",
    "IdleWindow",
    "Integrity",
    "MeasuredEnergyModel",
    "MeasurementWindow",
    "Method",
    "PerTokenFit",
    "Preflight",
    "Signature",
    "Stat",
    "Target",
    "canonical_bytes",
    "check_plausibility",
    "load_record",
    "record_file_text",
    "record_sha256",
    "round_floats",
    "seal_record",
    "verify_record",
    "verify_signature",
]
