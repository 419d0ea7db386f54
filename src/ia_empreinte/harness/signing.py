"""Ed25519 keys and signatures for benchmark records (via ``cryptography``).

A vendor makes a key pair once (``ia-empreinte bench keygen``), signs its records
(``bench run --sign KEY``) and publishes the public key in its tender answer; the buyer
checks the record with ``bench verify --public-key``. Keys are stored as hex text: the
private key file holds the 32-byte raw seed, the public key file the 32-byte raw key.
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from ia_empreinte.errors import InputFileError, RecordError
from ia_empreinte.records import Signature, verify_signature

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

__all__ = ["generate_keypair", "load_private_key", "sign", "verify_signature"]


def generate_keypair() -> tuple[str, str]:
    """A new Ed25519 key pair as (private seed hex, public key hex)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import (
        Encoding,
        NoEncryption,
        PrivateFormat,
        PublicFormat,
    )

    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption()).hex()
    public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex()
    return private, public


def _read_hex(path: str | Path, what: str) -> bytes:
    p = Path(path)
    if not p.is_file():
        raise InputFileError(f"{what} file not found", file=str(path))
    text = p.read_text(encoding="utf-8", errors="replace").strip()
    try:
        raw = bytes.fromhex(text)
    except ValueError:
        raw = b""
    if len(raw) != 32:
        raise RecordError(f"expected a {what} as 64 hexadecimal characters", file=str(path))
    return raw


def load_private_key(path: str | Path) -> Ed25519PrivateKey:
    """Read a private key file written by :func:`generate_keypair` (hex seed)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return Ed25519PrivateKey.from_private_bytes(_read_hex(path, "private key"))


def sign(private_key: Ed25519PrivateKey, message: bytes) -> Signature:
    """Sign ``message`` (the record's canonical bytes)."""
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    public = private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return Signature(
        public_key=public.hex(),
        key_fingerprint=hashlib.sha256(public).hexdigest(),
        value=base64.b64encode(private_key.sign(message)).decode("ascii"),
    )
