"""Benchmark records: what the harness measured, their integrity, and their use in estimates.

A :class:`BenchmarkRecord` is the JSON document ``ia-empreinte bench run`` writes
(schema ``ia-empreinte/benchmark-record/1``, see the README's section for vendors). It keeps
every protocol parameter, the hardware and software inventory, the idle baseline, the
raw per-window values with the method of each energy component (``measured`` by a
hardware counter, ``modelled`` by CodeCarbon's TDP x load or RAM model), the derived
per-request and per-token energies with Student-t 95 % intervals, and an integrity
block: the SHA-256 of the canonical form and an optional Ed25519 signature.

Canonical form (``ia-empreinte-canonical-json/1``): the record without its
``integrity`` block, serialised with sorted keys, no spaces, UTF-8, floats rounded to
12 significant digits when the record is built and written as Python's shortest
round-trip ``repr``. The file on disk is the whole record (integrity included) with
sorted keys, one-space indentation and a final newline; a file that is not byte for
byte in that form is refused, so that any changed byte is detected.

Modules: :mod:`~ia_empreinte.measurements.record` (the model, canonical form, energy
model), :mod:`~ia_empreinte.measurements.stats` (intervals, idle subtraction, per-token
fit), :mod:`~ia_empreinte.measurements.verify` (loading, integrity, signature,
plausibility).
"""

from __future__ import annotations

from ia_empreinte.measurements.record import (
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
from ia_empreinte.measurements.verify import (
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
