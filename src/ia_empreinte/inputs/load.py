"""Reading the buyer's and vendors' documents from files: profiles, offers, fiches.

The models (:mod:`ia_empreinte.profiles`, :mod:`ia_empreinte.offers`,
:mod:`ia_empreinte.sheet`) validate values; this module is where their files are read.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel

from ia_empreinte.errors import InputFileError
from ia_empreinte.inputs.documents import parse_model, read_document
from ia_empreinte.offers import Offer, parse_offer
from ia_empreinte.profiles import UsageProfile, parse_profile

if TYPE_CHECKING:
    from ia_empreinte.sheet import Fiche

__all__ = ["load_fiche", "load_offer", "load_profile", "validate_file"]


def load_profile(path: str | Path) -> UsageProfile:
    """Read and validate a usage profile from a YAML, TOML or JSON file.

    Raises:
        InputFileError: the file cannot be read or parsed.
        ProfileError: a field is invalid.
    """
    return parse_profile(read_document(path), file=str(path))


def load_offer(path: str | Path) -> Offer:
    """Read and validate an offer from a YAML, TOML or JSON file.

    Raises:
        InputFileError: the file cannot be read or parsed.
        OfferError: a field is invalid.
    """
    return parse_offer(read_document(path), file=str(path))


def load_fiche(path: str | Path) -> Fiche:
    """Read and validate a fiche from its JSON file.

    Raises:
        InputFileError: the file cannot be read or parsed.
        ValidationFailure: a field is invalid.
    """
    from ia_empreinte.sheet import parse_fiche  # the sheet loads the comparison: only here

    return parse_fiche(read_document(path), file=str(path))


def validate_file(path: str | Path, kind: str | None = None) -> tuple[str, BaseModel]:
    """Read ``path`` and validate it as ``kind`` (detected when None).

    A benchmark record is valid only when its integrity (hash, canonical form,
    signature) and plausibility rules hold, as ``ia-empreinte bench verify`` checks it.

    Returns:
        The kind and the validated model.

    Raises:
        InputFileError: unreadable file or undetectable kind.
        ValidationFailure: a field is invalid (the kind's own subclass); for a record,
            a ``RecordError`` naming the failed rule.
    """
    from ia_empreinte.inputs.records import verify_record
    from ia_empreinte.schemas import INPUT_KINDS, KINDS, detect_kind, model_for

    data = read_document(path)
    if kind is None:
        kind = detect_kind(data)
        if kind is None:
            raise InputFileError(
                "cannot tell what kind of document this is; give --kind "
                f"({', '.join(INPUT_KINDS)})",
                file=str(path),
            )
    model = model_for(kind)
    _, _, error = KINDS[kind]
    validated = parse_model(model, data, file=str(path), error=error, kind=kind)
    if kind == "record":
        validated, _ = verify_record(path)
    return kind, validated
