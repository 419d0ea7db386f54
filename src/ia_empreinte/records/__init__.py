"""Benchmark records: what the harness measured, their integrity, and their use in estimates.

Modules: :mod:`~ia_empreinte.records.schema` (the record model and its energy model),
:mod:`~ia_empreinte.records.sealing` (canonical form, hash, signature),
:mod:`~ia_empreinte.records.stats` (intervals, idle subtraction, per-token fit),
:mod:`~ia_empreinte.records.verify` (integrity, signature, plausibility) and
:mod:`~ia_empreinte.records.store` (the checked records an estimate uses, by hash).
Pure values: reading record files is the input layer's work (:mod:`ia_empreinte.inputs`).
"""

from __future__ import annotations

from ia_empreinte.records.schema import (
    CANONICALIZATION,
    RECORD_SCHEMA,
    BenchmarkRecord,
    Check,
    ComponentEnergy,
    IdleWindow,
    Integrity,
    MeasuredEnergyModel,
    MeasurementMethod,
    MeasurementWindow,
    MeteredPart,
    PerTokenFit,
    Preflight,
    Signature,
    Stat,
    Target,
)
from ia_empreinte.records.sealing import (
    canonical_bytes,
    record_file_text,
    record_sha256,
    round_floats,
    seal_record,
)
from ia_empreinte.records.store import EMPTY, RecordStore, StoredRecord
from ia_empreinte.records.verify import (
    check_integrity,
    check_plausibility,
    derived_validity,
    verify_signature,
)

__all__ = [
    "CANONICALIZATION",
    "EMPTY",
    "RECORD_SCHEMA",
    "BenchmarkRecord",
    "Check",
    "ComponentEnergy",
    "IdleWindow",
    "Integrity",
    "MeasuredEnergyModel",
    "MeasurementMethod",
    "MeasurementWindow",
    "MeteredPart",
    "PerTokenFit",
    "Preflight",
    "RecordStore",
    "Signature",
    "Stat",
    "StoredRecord",
    "Target",
    "canonical_bytes",
    "check_integrity",
    "check_plausibility",
    "derived_validity",
    "record_file_text",
    "record_sha256",
    "round_floats",
    "seal_record",
    "verify_signature",
]
