"""Problem details (RFC 9457) for every error the HTTP API answers.

A library error becomes a problem document whose ``detail`` is the message the CLI
prints, whose ``pointer`` is the offending field as a JSON pointer (RFC 6901) into the
request body, and whose ``field`` is the same path as the CLI writes it. Nothing in a
problem document comes from a stack trace.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict

from ia_empreinte.errors import (
    CatalogError,
    IaEmpreinteError,
    InputFileError,
    OfferError,
    ProfileError,
    RecordError,
    ValidationFailure,
    VerificationError,
    format_location,
)

__all__ = [
    "MEDIA_TYPE",
    "Problem",
    "ProblemError",
    "json_pointer",
    "problem_for",
]

MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "https://ia-empreinte.invalid/problems/"
"""Base of the problem type URIs; each type is documented in the README's HTTP API section."""

# (type slug, title, HTTP status), most specific class first
_BY_CLASS: tuple[tuple[type[IaEmpreinteError], str, str, int], ...] = (
    (ProfileError, "invalid-profile", "Invalid usage profile", 422),
    (OfferError, "invalid-offer", "Invalid offer", 422),
    (RecordError, "invalid-record", "Invalid benchmark record", 422),
    (ValidationFailure, "invalid-input", "Invalid input", 422),
    (InputFileError, "unreadable-document", "Unreadable document", 400),
    (CatalogError, "unknown-catalog-id", "Unknown reference-data id", 422),
    (VerificationError, "verification-failed", "Verification failed", 422),
    (IaEmpreinteError, "bad-input", "Bad input", 400),
)


class Problem(BaseModel):
    """A problem details document (RFC 9457) with two extension members."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: str
    """URI of the problem type."""
    title: str
    """Short summary of the problem type; the same for every occurrence."""
    status: int
    """The HTTP status code."""
    detail: str
    """What went wrong and what is expected: the message the CLI prints."""
    instance: str | None = None
    """The request path."""
    pointer: str | None = None
    """JSON pointer (RFC 6901) to the offending member of the request body."""
    field: str | None = None
    """The same location as the CLI writes it, e.g. ``volume.requests_per_day``."""


class ProblemError(Exception):
    """Raised inside the server to answer with a given problem document."""

    def __init__(
        self,
        status: int,
        slug: str,
        title: str,
        detail: str,
        *,
        location: Sequence[str | int] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.slug = slug
        self.title = title
        self.detail = detail
        self.location = None if location is None else tuple(location)
        self.headers = headers or {}

    def problem(self, instance: str | None = None) -> Problem:
        """This error as a problem document."""
        return Problem(
            type=TYPE_BASE + self.slug,
            title=self.title,
            status=self.status,
            detail=self.detail,
            instance=instance,
            pointer=None if self.location is None else json_pointer(self.location),
            field=None if not self.location else format_location(self.location),
        )


def json_pointer(location: Sequence[str | int]) -> str:
    """A field location as a JSON pointer: ``("steps", 1, "task")`` -> ``/steps/1/task``."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in location)


def problem_for(
    exc: IaEmpreinteError, *, prefix: Sequence[str | int] = (), status: int | None = None
) -> ProblemError:
    """The problem that answers a library error.

    Args:
        exc: the error the library raised.
        prefix: where the document that failed sits in the request body, e.g.
            ``("offers", 2)``; prepended to the error's own location.
        status: overrides the status of the error's class (e.g. 404 for an unknown
            catalog named in the URL path).
    """
    slug, title, code = next((s, t, c) for cls, s, t, c in _BY_CLASS if isinstance(exc, cls))
    location = (*prefix, *exc.location)
    return ProblemError(
        status or code,
        slug,
        title,
        " ".join(exc.message.split()),
        location=location if location else None,
    )


def problem_content(problem: Problem) -> dict[str, Any]:
    """The JSON members of a problem document (None members are left out)."""
    return problem.model_dump(exclude_none=True)
