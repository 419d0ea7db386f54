"""The national library of territorial AI projects (``ia-empreinte registry``).

Projects of collectivités with their usage profile, procurement sheet (re-verified on
upload), offer chosen and footprint by period; vendors' registered Ed25519 keys;
published benchmark records, content-addressed and re-verified on read; open-data
exports. Storage: SQLAlchemy 2 on an SQLite file (the default) or PostgreSQL, with the
Alembic migrations shipped in :mod:`ia_empreinte.registry.migrations`.

This package's import loads neither SQLAlchemy nor Alembic: :func:`open_registry` and
:func:`key_verdict` import the service (:mod:`ia_empreinte.registry.service`) when
called, so ``ia-empreinte estimate`` does not pay for the database layer.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path
from typing import TYPE_CHECKING

from ia_empreinte._files import read_input_bytes
from ia_empreinte.errors import InputFileError
from ia_empreinte.inputs.records import read_public_key
from ia_empreinte.registry.bands import BANDS, band_of
from ia_empreinte.registry.errors import (
    RegistryAuthError,
    RegistryError,
    RegistryForbidden,
    RegistryIntegrityError,
    RegistryNotFound,
)
from ia_empreinte.registry.location import DEFAULT_FILE, HEAD, URL_ENV, resolve_url
from ia_empreinte.registry.models import (
    STATES,
    Footprint,
    KeyVerdict,
    Organisation,
    Project,
    ProjectInfo,
    SearchQuery,
    VendorKey,
    parse_project_info,
)

if TYPE_CHECKING:
    from ia_empreinte.registry.service import Registry

__all__ = [
    "BANDS",
    "DEFAULT_FILE",
    "HEAD",
    "STATES",
    "URL_ENV",
    "Footprint",
    "KeyVerdict",
    "Organisation",
    "Project",
    "ProjectInfo",
    "RegistryAuthError",
    "RegistryError",
    "RegistryForbidden",
    "RegistryIntegrityError",
    "RegistryNotFound",
    "SearchQuery",
    "VendorKey",
    "band_of",
    "key_verdict",
    "open_registry",
    "parse_project_info",
    "public_key_hex",
    "read_token",
    "resolve_url",
]

_MAX_TOKEN_FILE_BYTES = 4096


def open_registry(url: str | None = None) -> Registry:
    """The registry at ``url`` (see :func:`resolve_url`); use it as a context manager.

    Raises:
        RegistryError: not a SQLite or PostgreSQL URL.
    """
    from ia_empreinte.registry.service import Registry

    return Registry(url)


def key_verdict(fingerprint: str, *, url: str | None = None,
                deadline: datetime.date | None = None) -> KeyVerdict | None:
    """What the registry says of a signing key, for ``bench verify``.

    Returns None when there is no registry to ask: no URL given, no
    ``$IA_EMPREINTE_REGISTRY_URL``, and no default file in the current folder.
    """
    if url is None and not os.environ.get(URL_ENV) and not os.path.isfile(DEFAULT_FILE):
        return None
    with open_registry(url) as registry:
        return registry.key_verdict(fingerprint, deadline)


def read_token(path: str | Path) -> str:
    """An organisation's token from its file (written by ``registry organisation``).

    Raises:
        InputFileError: missing, not a regular file, or not a token.
    """
    raw = read_input_bytes(path, limit=_MAX_TOKEN_FILE_BYTES)
    try:
        token = raw.decode("ascii").strip()
    except UnicodeDecodeError:
        token = ""
    if not token or any(c.isspace() for c in token):
        raise InputFileError("expected the organisation token (64 hexadecimal characters)",
                             file=str(path))
    return token


def public_key_hex(path_or_hex: str) -> str:
    """An Ed25519 public key given as 64 hex characters or as a ``.pub`` file, as hex."""
    return read_public_key(path_or_hex)
