"""Canonical JSON and its SHA-256: the one rule every hash of the project follows.

Sorted keys, no spaces, UTF-8 (no ASCII escapes), numbers as Python's shortest
round-trip ``repr``, no NaN or infinity. Benchmark records, sheets, estimates' inputs,
workload packs and clauses are hashed over this text, so it must never change.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

__all__ = ["canonical_bytes", "canonical_json", "sha256_hex"]


def canonical_json(data: Any) -> str:
    """Canonical JSON text of ``data`` (sorted keys, compact separators, UTF-8)."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False)


def canonical_bytes(data: Any) -> bytes:
    """:func:`canonical_json` encoded as UTF-8."""
    return canonical_json(data).encode("utf-8")


def sha256_hex(data: bytes | str) -> str:
    """SHA-256 (hex) of bytes, or of a text encoded as UTF-8."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return hashlib.sha256(raw).hexdigest()
