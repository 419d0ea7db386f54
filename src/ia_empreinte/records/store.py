"""The benchmark records an estimate may use: a content-addressed store of checked values.

Offers pin their records by the SHA-256 of the canonical form
(``offer.benchmarks[].sha256``); the store maps that hash to the validated record. It is
filled at the edge (:mod:`ia_empreinte.inputs.records`: from the files an offer names for
the CLI, from the request body for the HTTP API) and passed to the engine as a value
(``records=``): nothing below the input layer reads a file.

Every record put in the store is checked as ``ia-empreinte bench verify`` checks it
(integrity hash, signature, plausibility rules): a record that fails a rule is refused
with that rule, so that it never feeds an estimate silently. Whether a record is valid
for procurement is derived from those checks, never taken from the record's own
``valid_for_procurement`` claim.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from ia_empreinte.errors import RecordError
from ia_empreinte.records.schema import BenchmarkRecord, Check
from ia_empreinte.records.verify import check_integrity, check_plausibility, derived_validity

__all__ = ["EMPTY", "RecordStore", "StoredRecord", "check_pin"]


def check_pin(record: BenchmarkRecord, expected_sha256: str, name: str) -> None:
    """Refuse a record whose hash is not the one an offer pins.

    Raises:
        RecordError: ``record hash ... does not match the expected ...``, naming ``name``.
    """
    actual = record.sha256()
    if actual != expected_sha256:
        raise RecordError(
            f"record hash {actual} does not match the expected "
            f"{expected_sha256}: the offer pins another version of this record",
            file=name,
        )


@dataclass(frozen=True)
class StoredRecord:
    """A record in the store with the checks run when it was put there."""

    record: BenchmarkRecord
    checks: tuple[Check, ...]
    valid_for_procurement: bool
    """Derived from the checks (see :func:`~ia_empreinte.records.verify.derived_validity`)."""
    name: str
    """Where the record came from (a file, a key of a request body), for messages."""


class RecordStore(Mapping[str, BenchmarkRecord]):
    """An immutable mapping SHA-256 -> checked :class:`BenchmarkRecord`.

    Build it with :meth:`of` (or :meth:`with_record`); every record is checked on the way
    in (integrity, signature, plausibility). Look records up for an offer with
    :meth:`pinned`.
    """

    __slots__ = ("_entries",)

    def __init__(self, entries: Iterable[StoredRecord] = ()) -> None:
        table = {e.record.sha256(): e for e in entries}
        self._entries: Mapping[str, StoredRecord] = MappingProxyType(table)

    @classmethod
    def of(cls, records: Iterable[tuple[BenchmarkRecord, str]]) -> RecordStore:
        """A store of ``(record, name)`` pairs, each checked (see :func:`checked`).

        Raises:
            RecordError: a record is not sealed, was altered, has a bad signature or
                fails a plausibility rule (the rule is named, with ``name``).
        """
        return cls(checked(record, name) for record, name in records)

    def with_record(self, record: BenchmarkRecord, name: str) -> RecordStore:
        """This store plus ``record`` (checked)."""
        return RecordStore([*self._entries.values(), checked(record, name)])

    def __getitem__(self, sha256: str) -> BenchmarkRecord:
        return self._entries[sha256].record

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._entries))

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"RecordStore({sorted(self._entries)!r})"

    def entry(self, sha256: str) -> StoredRecord | None:
        """The stored record with its checks, or None."""
        return self._entries.get(sha256)

    def pinned(self, offer_id: str, path: str, sha256: str) -> StoredRecord:
        """The record an offer pins under ``sha256`` (its ``benchmarks[]`` entry).

        Raises:
            RecordError: the store does not hold that record.
        """
        entry = self._entries.get(sha256)
        if entry is None:
            raise RecordError(
                f"offer {offer_id}: the benchmark record '{path}' (sha256 {sha256}) was "
                "not given; pass it in records=",
            )
        return entry


def checked(record: BenchmarkRecord, name: str) -> StoredRecord:
    """Check a record as ``bench verify`` does and keep the checks with it.

    Raises:
        RecordError: no integrity block, altered content, bad signature, or a failed
            plausibility rule (``rule '<name>': <detail>``).
    """
    check_integrity(record, name)
    checks = check_plausibility(record)
    failed = [c for c in checks if c.status == "fail"]
    if failed:
        raise RecordError(f"rule '{failed[0].rule}': {failed[0].detail}", file=name)
    return StoredRecord(record, tuple(checks), derived_validity(record, checks), name)


EMPTY = RecordStore()
"""The store of an offer set that pins no record."""
