"""Errors of the registry: bad input, unknown entries, missing rights, changed bytes."""

from __future__ import annotations

from ia_empreinte.errors import IaEmpreinteError, ValidationFailure

__all__ = [
    "RegistryAuthError",
    "RegistryError",
    "RegistryForbidden",
    "RegistryIntegrityError",
    "RegistryNotFound",
]


class RegistryError(ValidationFailure):
    """A registry input is refused (a field, a sheet that does not verify, a record)."""


class RegistryNotFound(IaEmpreinteError, LookupError):
    """No such published project, record or key (or not visible to this organisation)."""


class RegistryAuthError(IaEmpreinteError, PermissionError):
    """A write without an organisation token, with an unknown one, or on another
    organisation's entry."""


class RegistryIntegrityError(IaEmpreinteError, ValueError):
    """Stored bytes no longer match their hash: the database was edited outside the
    registry."""


class RegistryForbidden(RegistryAuthError):
    """A known organisation acting on another organisation's entry."""
