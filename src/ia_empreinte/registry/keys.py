"""Organisations, their write tokens, and the Ed25519 public keys vendors register.

A token is shown once, when the organisation is created; the database keeps only its
SHA-256, so a copy of the database gives no right to write. A vendor key is known by
the SHA-256 of its 32 raw bytes (the ``key_fingerprint`` a signed record carries).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import re
import secrets

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ia_empreinte.registry.errors import (
    RegistryAuthError,
    RegistryError,
    RegistryForbidden,
    RegistryNotFound,
)
from ia_empreinte.registry.models import KeyVerdict, Organisation, VendorKey
from ia_empreinte.registry.tables import organisations, vendor_keys

__all__ = [
    "add_organisation",
    "find_key",
    "key_verdict",
    "organisation_for",
    "register_key",
    "revoke_key",
]

_HEX64 = re.compile(r"^[0-9a-f]{64}$")


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def token_sha256(token: str) -> str:
    """The SHA-256 of a token, as stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def add_organisation(conn: Connection, name: str) -> tuple[Organisation, str]:
    """Create an organisation; returns it with its token (64 hex characters, shown once).

    Raises:
        RegistryError: an empty name, or a name already taken.
    """
    name = " ".join(name.split())
    if not name or len(name) > 200:
        raise RegistryError("expected an organisation name of 1 to 200 characters",
                            location=("organisation",))
    taken = conn.execute(sa.select(organisations.c.id).where(organisations.c.name == name))
    if taken.first() is not None:
        raise RegistryError(f"organisation '{name}' already exists", location=("organisation",))
    token = secrets.token_hex(32)
    new_id = conn.execute(organisations.insert().values(
        name=name, token_sha256=token_sha256(token), created_at=_now())).inserted_primary_key
    assert new_id is not None
    return Organisation(int(new_id[0]), name), token


def organisation_for(conn: Connection, token: str | None) -> Organisation:
    """The organisation a token belongs to.

    Raises:
        RegistryAuthError: no token, or one the registry does not know.
    """
    if not token:
        raise RegistryAuthError("writing to the registry needs an organisation token")
    digest = token_sha256(token.strip())
    row = conn.execute(
        sa.select(organisations.c.id, organisations.c.name, organisations.c.token_sha256)
        .where(organisations.c.token_sha256 == digest)).first()
    if row is None or not hmac.compare_digest(row.token_sha256, digest):
        raise RegistryAuthError("the organisation token is not one this registry knows")
    return Organisation(row.id, row.name)


def public_key_fingerprint(public_key_hex: str) -> str:
    """SHA-256 (hex) of the key's 32 raw bytes, as in a signed record."""
    return hashlib.sha256(bytes.fromhex(public_key_hex)).hexdigest()


def register_key(
    conn: Connection, org: Organisation, public_key_hex: str,
    today: datetime.date | None = None,
) -> VendorKey:
    """Register an Ed25519 public key (64 hex characters) to ``org``.

    Raises:
        RegistryError: not 64 hexadecimal characters, not an Ed25519 key, or a key
            already registered.
    """
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    key = public_key_hex.strip().lower()
    if not _HEX64.match(key):
        raise RegistryError("expected an Ed25519 public key of 64 hexadecimal characters",
                            location=("public_key",))
    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(key))
    except ValueError:
        raise RegistryError("not a valid Ed25519 public key", location=("public_key",)) from None
    fingerprint = public_key_fingerprint(key)
    existing = conn.execute(sa.select(vendor_keys.c.fingerprint)
                            .where(vendor_keys.c.fingerprint == fingerprint)).first()
    if existing is not None:
        raise RegistryError(f"key {fingerprint[:16]}... is already registered",
                            location=("public_key",))
    day = today or _now().date()
    conn.execute(vendor_keys.insert().values(
        fingerprint=fingerprint, public_key=key, organisation_id=org.id,
        registered_on=day, revoked_on=None))
    return VendorKey(fingerprint, key, org.name, day, None)


def revoke_key(
    conn: Connection, org: Organisation, fingerprint: str, today: datetime.date | None = None
) -> VendorKey:
    """Revoke one of ``org``'s keys (it stays known, with its revocation date).

    Raises:
        RegistryNotFound: no such key.
        RegistryAuthError: the key belongs to another organisation.
    """
    key = find_key(conn, fingerprint)
    if key is None:
        raise RegistryNotFound(f"no registered key has fingerprint '{fingerprint}'")
    if key.organisation != org.name:
        raise RegistryForbidden("this key is registered to another organisation")
    if key.revoked_on is not None:
        return key
    day = today or _now().date()
    conn.execute(vendor_keys.update().where(vendor_keys.c.fingerprint == key.fingerprint)
                 .values(revoked_on=day))
    return VendorKey(key.fingerprint, key.public_key, key.organisation, key.registered_on, day)


def find_key(conn: Connection, fingerprint: str) -> VendorKey | None:
    """The key of that fingerprint (64 hex characters), or None."""
    fingerprint = fingerprint.strip().lower()
    row = conn.execute(
        sa.select(vendor_keys, organisations.c.name)
        .join(organisations, organisations.c.id == vendor_keys.c.organisation_id)
        .where(vendor_keys.c.fingerprint == fingerprint)).first()
    if row is None:
        return None
    return VendorKey(row.fingerprint, row.public_key, row.name, row.registered_on, row.revoked_on)


def key_verdict(
    conn: Connection, fingerprint: str, deadline: datetime.date | None = None
) -> KeyVerdict:
    """What the registry says of the key that made a signature."""
    return KeyVerdict(fingerprint, find_key(conn, fingerprint), deadline)
