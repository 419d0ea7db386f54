"""Reading benchmark records at the edge: files and request bodies into a RecordStore.

The CLI reads the records an offer names from files (their paths are relative to the
offer file's folder); the HTTP API takes them from the request body, in memory. Either
way they end in a :class:`~ia_empreinte.records.RecordStore` keyed by the SHA-256 the
offers pin, which the engine receives as a value.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path, PurePath
from typing import Any

from ia_empreinte._files import MAX_FILE_BYTES, note_read
from ia_empreinte.errors import InputFileError, RecordError
from ia_empreinte.offers import Offer
from ia_empreinte.records.schema import BenchmarkRecord, Check
from ia_empreinte.records.store import RecordStore, StoredRecord, check_pin, checked
from ia_empreinte.records.verify import (
    check_integrity,
    check_plausibility,
    check_signer,
    failed_check,
    parse_record,
)

__all__ = [
    "load_record",
    "load_records",
    "read_public_key",
    "record_from_bytes",
    "records_for_offer",
    "verify_record",
    "verify_record_bytes",
]


def _read_bytes(path: str | Path) -> bytes:
    p = Path(path)
    name = str(path)
    if not p.is_file():
        raise InputFileError("file not found" if not p.exists() else "not a file", file=name)
    try:
        size = p.stat().st_size
    except OSError as exc:
        raise InputFileError(f"cannot read the record ({exc.strerror or exc})",
                             file=name) from None
    if size > MAX_FILE_BYTES:  # a 100-window record is well under 1 MiB
        raise InputFileError(
            f"file is {size / 1024 / 1024:.1f} MiB; the limit for a benchmark record is "
            f"{MAX_FILE_BYTES // 1024 // 1024} MiB", file=name)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise InputFileError(f"cannot read the record ({exc.strerror or exc})",
                             file=name) from None
    note_read(p)  # no output of this command may overwrite it (``report -o`` on the record)
    return raw


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a valid JSON number")


def record_from_bytes(raw: bytes, name: str) -> BenchmarkRecord:
    """A record from the exact bytes of its file, integrity checked (not plausibility).

    Args:
        raw: the file's bytes (or a request body holding one record).
        name: the file name, for messages; a name not ending in ``.json`` is taken as
            another kind of document when the JSON is invalid.

    Raises:
        RecordError: not UTF-8, invalid JSON, not a record, an invalid field, or
            altered content (hash, canonical form, signature).
    """
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise RecordError("not UTF-8 text: the record was altered", file=name) from None
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except RecursionError:
        raise RecordError("invalid JSON (nested too deeply); expected a benchmark record",
                          file=name) from None
    except (json.JSONDecodeError, ValueError) as exc:
        if PurePath(name).suffix.lower() != ".json" or not text.strip():
            # a YAML profile or offer, an empty file: not a record that was altered
            raise RecordError(
                f"invalid JSON ({exc}); expected a benchmark record (the JSON file "
                "`ia-empreinte bench run` writes)", file=name) from None
        raise RecordError(f"invalid JSON ({exc}): the record was altered", file=name) from None
    if not isinstance(data, dict):
        raise RecordError("top level is not a JSON object", file=name)
    record = parse_record(data, name)
    check_integrity(record, name, text=text)
    return record


def load_record(path: str | Path, *, expected_sha256: str | None = None) -> BenchmarkRecord:
    """Read a record file and check its integrity hash (and signature, when present).

    Args:
        path: the JSON record written by ``ia-empreinte bench run``.
        expected_sha256: the record hash an offer pins (``benchmarks[].sha256``).

    Raises:
        InputFileError: the file is missing.
        RecordError: invalid schema, altered content (hash, signature or canonical
            form mismatch), or a hash different from ``expected_sha256``.
    """
    name = str(path)
    record = record_from_bytes(_read_bytes(path), name)
    if expected_sha256 is not None:
        check_pin(record, expected_sha256, name)
    return record


def verify_record_bytes(
    raw: bytes, name: str, *, public_key_hex: str | None = None
) -> tuple[BenchmarkRecord, list[Check]]:
    """:func:`verify_record` on the bytes of a record file (a request body)."""
    record = record_from_bytes(raw, name)
    if public_key_hex is not None:
        check_signer(record, public_key_hex, name)
    checks = check_plausibility(record)
    failed = failed_check(checks)
    if failed is not None:
        raise RecordError(f"rule '{failed.rule}': {failed.detail}", file=name)
    return record, checks


def verify_record(
    path: str | Path, *, public_key: str | None = None
) -> tuple[BenchmarkRecord, list[Check]]:
    """Check a record file: schema, hash, canonical form, signature and plausibility.

    Args:
        path: the record file.
        public_key: the vendor's Ed25519 public key, as 64 hex characters or a file
            holding them; when given, the record must be signed with it.

    Returns:
        The record and the plausibility checks (``pass`` or ``warn``).

    Raises:
        RecordError: the first failed rule, named in the message.
    """
    raw = _read_bytes(path)
    key = read_public_key(public_key) if public_key is not None else None
    return verify_record_bytes(raw, str(path), public_key_hex=key)


def read_public_key(path_or_hex: str) -> str:
    """A public key given as 64 hex characters or as a file holding them, as hex.

    Raises:
        InputFileError: the file does not exist.
        RecordError: the text is not a 32-byte key in hex.
    """
    candidate = path_or_hex.strip().lower()
    if len(candidate) != 64 or any(c not in "0123456789abcdef" for c in candidate):
        p = Path(path_or_hex)
        if not p.is_file():
            if not path_or_hex.strip():
                problem = "empty"
            else:
                problem = "is a directory" if p.is_dir() else "file not found"
            raise InputFileError(
                f"{problem}; expected a public key file (from `ia-empreinte bench keygen`) "
                "or 64 hexadecimal characters", file=path_or_hex or "--public-key")
        candidate = p.read_text(encoding="utf-8", errors="replace").strip().lower()
    try:
        raw = bytes.fromhex(candidate)
    except ValueError:
        raw = b""
    if len(raw) != 32:
        raise RecordError("expected an Ed25519 public key as 64 hexadecimal characters",
                          file=path_or_hex)
    return raw.hex()


def load_records(offers: Iterable[tuple[Offer, str | Path | None]]) -> RecordStore:
    """The store of the records the offers name, read from their files.

    Args:
        offers: each offer with the folder its record paths are relative to (the offer
            file's folder; None: the working directory). Absolute paths stay as written.

    Raises:
        InputFileError: a record file is missing or unreadable.
        RecordError: a record is invalid, altered, not the version the offer pins, or
            fails a plausibility rule.
    """
    entries: dict[str, StoredRecord] = {}
    for offer, folder in offers:
        for ref in offer.benchmarks:
            path = Path(ref.path)
            if not path.is_absolute():
                path = Path(folder or Path.cwd()) / path
            record = load_record(path, expected_sha256=ref.sha256)
            entries[ref.sha256] = checked(record, str(path))
    return RecordStore(entries.values())


def records_for_offer(offer: Offer, folder: str | Path | None) -> RecordStore:
    """:func:`load_records` for one offer."""
    return load_records([(offer, folder)])

