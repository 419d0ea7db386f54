"""Sealing benchmark records: canonical form, SHA-256 and Ed25519 signature.

Canonical form (``ia-empreinte-canonical-json/1``): the record without its
``integrity`` block, serialised with sorted keys, no spaces, UTF-8, floats rounded to
12 significant digits when the record is built and written as Python's shortest
round-trip ``repr``. The file on disk is the whole record (integrity included) with
sorted keys, one-space indentation and a final newline; a file that is not byte for
byte in that form is refused, so that any changed byte is detected.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from typing import Any

from ia_empreinte import _canonical
from ia_empreinte.records.schema import BenchmarkRecord, Integrity, Signature

__all__ = [
    "SIGNIFICANT_DIGITS",
    "canonical_bytes",
    "record_file_text",
    "record_sha256",
    "round_floats",
    "seal_record",
]

SIGNIFICANT_DIGITS = 12
"""Floats are rounded to this many significant digits before hashing."""


def round_floats(value: Any) -> Any:
    """Round every float inside ``value`` to :data:`SIGNIFICANT_DIGITS` significant digits."""
    if isinstance(value, float):
        if value == 0.0 or not math.isfinite(value):
            return value if value != 0.0 else 0.0
        return float(f"{value:.{SIGNIFICANT_DIGITS}g}")
    if isinstance(value, dict):
        return {k: round_floats(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [round_floats(v) for v in value]
    return value


def canonical_bytes(record: BenchmarkRecord | dict[str, Any]) -> bytes:
    """The canonical bytes hashed and signed: the record without ``integrity``.

    Sorted keys, no spaces, UTF-8, floats as Python's shortest round-trip repr.
    """
    data = record.payload() if isinstance(record, BenchmarkRecord) else dict(record)
    data.pop("integrity", None)
    return _canonical.canonical_bytes(data)


def record_sha256(record: BenchmarkRecord | dict[str, Any]) -> str:
    """SHA-256 (hex) of :func:`canonical_bytes`."""
    return hashlib.sha256(canonical_bytes(record)).hexdigest()


def record_file_text(record: BenchmarkRecord) -> str:
    """The exact text of a record file: sorted keys, one-space indent, final newline."""
    return record.file_text()


def seal_record(
    record: BenchmarkRecord, signer: Callable[[bytes], Signature] | None = None
) -> BenchmarkRecord:
    """The record with its integrity block: hash of the canonical form, optional signature.

    Args:
        record: the record (any integrity block is replaced).
        signer: signs the canonical bytes (see ``ia_empreinte.harness.signing.sign``).
    """
    message = canonical_bytes(record)
    integrity = Integrity(
        record_sha256=hashlib.sha256(message).hexdigest(),
        signature=signer(message) if signer is not None else None,
    )
    return record.model_copy(update={"integrity": integrity})
