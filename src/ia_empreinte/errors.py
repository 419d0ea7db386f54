"""The error hierarchy of ia-empreinte.

Every error a user can cause derives from :class:`IaEmpreinteError` and also from the
matching builtin, so callers may catch either. Errors carry the file and the field
location so that the CLI and the HTTP API can print one clear line.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "CatalogError",
    "IaEmpreinteError",
    "InputFileError",
    "OfferError",
    "ProfileError",
    "RecordError",
    "TaskNotServedError",
    "ValidationFailure",
    "VerificationError",
    "WordedValueError",
]

Location = tuple[str | int, ...]


class IaEmpreinteError(Exception):
    """Base class of every error a user of ia-empreinte can cause.

    Args:
        message: what is wrong and what is expected, without the file name.
        file: the file the problem was found in, when there is one.
        location: the path of the offending field inside the document.
    """

    def __init__(
        self, message: str, *, file: str | None = None, location: Sequence[str | int] = (),
        message_fr: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.message_fr = message_fr
        """The message in French, where it is known (the common validation problems), for
        the web application's French pages; the CLI and the HTTP API print ``message``."""
        self.file = file
        self.location: Location = tuple(location)

    @property
    def field(self) -> str:
        """The dotted field path, e.g. ``volume.requests_per_day`` or ``steps[1].task``."""
        return format_location(self.location)

    def one_line(self, lang: str = "en") -> str:
        """The message as the CLI prints it: ``FILE: FIELD: message`` on one line; in
        French (``FILE : FIELD : message``) where ``lang`` is ``fr`` and a French
        message is known, else the English line."""
        parts = [p for p in (self.file, self.field) if p]
        if lang == "fr" and self.message_fr:
            return " : ".join([*parts, " ".join(self.message_fr.split())])
        text = " ".join(self.message.split())
        return ": ".join([*parts, text])

    def __str__(self) -> str:
        return self.one_line()


class InputFileError(IaEmpreinteError, OSError):
    """A file cannot be read or parsed (missing, a directory, binary, too large, bad syntax)."""


class ValidationFailure(IaEmpreinteError, ValueError):
    """A document was read but one of its fields is invalid."""


class ProfileError(ValidationFailure):
    """A usage profile is invalid."""


class OfferError(ValidationFailure):
    """An offer is invalid."""


class TaskNotServedError(OfferError):
    """An offer does not serve a task of the profile (its parts, for translated messages).

    Args:
        offer_id: the offer.
        profile_id: the profile.
        missing: the profile's tasks the offer does not serve.
        served: the tasks the offer serves.
    """

    def __init__(self, message: str, *, offer_id: str, profile_id: str,
                 missing: Sequence[str], served: Sequence[str], file: str | None = None,
                 location: Sequence[str | int] = ()) -> None:
        super().__init__(message, file=file, location=location)
        self.offer_id = offer_id
        self.profile_id = profile_id
        self.missing = tuple(missing)
        self.served = tuple(served)


class RecordError(ValidationFailure):
    """A benchmark record is invalid, or its integrity hash or signature does not match."""


class CatalogError(IaEmpreinteError, LookupError):
    """An id is not in the reference catalog (zone, accelerator, server, data centre, model)."""


class VerificationError(IaEmpreinteError, ValueError):
    """A recomputation does not match the figures stored in a fiche or a record."""


class WordedValueError(ValueError):
    """A validator's refusal with its French wording (``message_fr``), which
    :func:`~ia_empreinte.parsing.parse_model` carries to the error it raises."""

    def __init__(self, message: str, message_fr: str) -> None:
        super().__init__(message)
        self.message_fr = message_fr


def format_location(location: Sequence[str | int]) -> str:
    """Format a pydantic-style location as ``a.b[2].c``."""
    out = ""
    for part in location:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out
