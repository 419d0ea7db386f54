"""Published benchmark records: content-addressed by SHA-256, re-verified on every read.

A record is stored as its exact file text (sorted keys, one-space indent) under the
SHA-256 of its canonical form. On upload it is checked as ``bench verify`` checks it
(hash, canonical form, signature, plausibility rules); on read the stored text is
parsed and checked again, so a byte changed in the database is detected.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ia_empreinte.errors import IaEmpreinteError
from ia_empreinte.inputs.documents import read_document
from ia_empreinte.records import BenchmarkRecord, RecordStore
from ia_empreinte.records.store import checked
from ia_empreinte.records.verify import check_integrity, parse_record
from ia_empreinte.registry.errors import (
    RegistryForbidden,
    RegistryIntegrityError,
    RegistryNotFound,
)
from ia_empreinte.registry.keys import find_key
from ia_empreinte.registry.models import Organisation
from ia_empreinte.registry.tables import benchmark_records

__all__ = ["get_record", "publish_record", "record_store"]


def publish_record(conn: Connection, org: Organisation, record: BenchmarkRecord,
                   name: str = "record") -> str:
    """Publish a record; returns its SHA-256 (publishing the same record twice is a no-op).

    Raises:
        RecordError: not sealed, altered, a bad signature or a failed plausibility rule.
        RegistryAuthError: signed with a key registered to another organisation.
    """
    checked(record, name)
    sig = record.integrity.signature if record.integrity else None
    if sig is not None:
        key = find_key(conn, sig.key_fingerprint)
        if key is not None and key.organisation != org.name:
            raise RegistryForbidden(
                f"{name}: signed with a key registered to {key.organisation}, not to "
                f"{org.name}")
    sha = record.sha256()
    exists = conn.execute(sa.select(benchmark_records.c.sha256)
                          .where(benchmark_records.c.sha256 == sha)).first()
    if exists is None:
        conn.execute(benchmark_records.insert().values(
            sha256=sha, organisation_id=org.id, body=record.file_text(),
            model_name=record.model.name, task=record.task,
            accelerator=record.hardware.accelerator,
            key_fingerprint=None if sig is None else sig.key_fingerprint,
            published_at=datetime.datetime.now(datetime.UTC)))
    return sha


def _from_stored(sha256: str, body: str) -> BenchmarkRecord:
    """The stored text as a record, checked again: hash, canonical form, signature."""
    name = f"registry record {sha256[:16]}"
    try:
        record = parse_record(read_document("record.json", text=body.encode("utf-8")), name)
        check_integrity(record, name, text=body)
    except IaEmpreinteError as exc:
        raise RegistryIntegrityError(
            f"{name}: the stored bytes changed since publication ({exc.message})") from None
    if record.sha256() != sha256:
        raise RegistryIntegrityError(
            f"{name}: the stored bytes changed since publication (their hash is "
            f"{record.sha256()})")
    return record


def get_record(conn: Connection, sha256: str) -> BenchmarkRecord:
    """A published record, re-verified.

    Raises:
        RegistryNotFound: no record has that hash.
        RegistryIntegrityError: the stored bytes changed.
    """
    row = conn.execute(sa.select(benchmark_records.c.body)
                       .where(benchmark_records.c.sha256 == sha256.strip().lower())).first()
    if row is None:
        raise RegistryNotFound(f"no published record has sha256 '{sha256}'")
    return _from_stored(sha256.strip().lower(), row.body)


def record_store(conn: Connection, hashes: Iterable[str]) -> RecordStore:
    """The published records among ``hashes``, re-verified, as a store for estimates."""
    wanted = sorted(set(hashes))
    if not wanted:
        return RecordStore()
    rows = conn.execute(sa.select(benchmark_records.c.sha256, benchmark_records.c.body)
                        .where(benchmark_records.c.sha256.in_(wanted))).all()
    return RecordStore.of((_from_stored(r.sha256, r.body), f"registry record {r.sha256[:16]}")
                          for r in rows)
