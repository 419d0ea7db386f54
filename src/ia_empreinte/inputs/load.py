"""Reading the buyer's and vendors' documents from files: profiles, offers, fiches.

The models (:mod:`ia_empreinte.profiles`, :mod:`ia_empreinte.offers`,
:mod:`ia_empreinte.sheet`) validate values; this module is where their files are read.
"""

from __future__ import annotations

from pathlib import Path

from ia_empreinte.inputs.documents import read_document
from ia_empreinte.offers import Offer, parse_offer
from ia_empreinte.profiles import UsageProfile, parse_profile
from ia_empreinte.sheet import Fiche, parse_fiche

__all__ = ["load_fiche", "load_offer", "load_profile"]


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
    return parse_fiche(read_document(path), file=str(path))
