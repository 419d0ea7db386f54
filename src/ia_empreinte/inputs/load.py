"""Reading the buyer's and vendors' documents from files: profiles, offers, fiches.

The models (:mod:`ia_empreinte.profiles`, :mod:`ia_empreinte.offers`,
:mod:`ia_empreinte.sheet`) validate values; this module is where their files are read.
"""

from __future__ import annotations

from pathlib import Path

from ia_empreinte._files import read_input_bytes
from ia_empreinte.errors import InputFileError
from ia_empreinte.inputs.documents import SUFFIXES, read_document
from ia_empreinte.offers import Offer, parse_offer
from ia_empreinte.profiles import UsageProfile, parse_profile
from ia_empreinte.render.embedded import EMBEDDED_NAME, extract_fiche_json, sheet_differences
from ia_empreinte.render.sheet import render_fiche
from ia_empreinte.sheet import Fiche, parse_fiche

__all__ = [
    "SHEET_SUFFIXES",
    "fiche_from_bytes",
    "load_fiche",
    "load_offer",
    "load_profile",
    "load_profile_bytes",
    "read_fiche_file",
]

SHEET_SUFFIXES = {".pdf": "pdf", ".html": "html", ".xlsx": "xlsx", ".md": "markdown"}
"""Sheets written by ``ia-empreinte report`` that carry their fiche, by suffix."""


def load_profile(path: str | Path) -> UsageProfile:
    """Read and validate a usage profile from a YAML, TOML or JSON file.

    Raises:
        InputFileError: the file cannot be read or parsed.
        ProfileError: a field is invalid.
    """
    return parse_profile(read_document(path), file=str(path))


def load_profile_bytes(path: str | Path) -> tuple[UsageProfile, bytes]:
    """:func:`load_profile`, with the file's bytes as read (annexed as they are to a
    consultation kit); the file is read once.

    Raises:
        InputFileError: the file cannot be read or parsed.
        ProfileError: a field is invalid.
    """
    raw = read_input_bytes(Path(path))
    return parse_profile(read_document(path, text=raw), file=str(path)), raw


def load_offer(path: str | Path) -> Offer:
    """Read and validate an offer from a YAML, TOML or JSON file.

    Raises:
        InputFileError: the file cannot be read or parsed.
        OfferError: a field is invalid.
    """
    return parse_offer(read_document(path), file=str(path))


def load_fiche(path: str | Path) -> Fiche:
    """Read and validate a fiche from its JSON file, or from a sheet that carries it.

    A ``.pdf``, ``.html``, ``.xlsx`` or ``.md`` sheet written by ``ia-empreinte report``
    embeds its fiche (:mod:`ia_empreinte.render.embedded`); the sheet must also show
    exactly that fiche, so a figure edited in the visible sheet is refused here, and
    one edited in the embedded fiche is found by recomputing it.

    Raises:
        InputFileError: the file cannot be read or parsed, holds no embedded fiche, or
            shows other figures than the fiche it embeds.
        ValidationFailure: a field is invalid.
    """
    fmt, data = read_fiche_file(path)
    return _fiche_of(fmt, data, str(path))


def fiche_from_bytes(data: bytes, name: str) -> Fiche:
    """:func:`load_fiche` for the bytes of an uploaded file named ``name`` (the web
    application's verification): the format comes from the name's suffix.

    Raises:
        InputFileError: an unknown suffix, bytes that are not a sheet, or a sheet that
            shows other figures than the fiche it embeds.
        ValidationFailure: a field is invalid.
    """
    suffix = Path(name).suffix.lower()
    fmt = SHEET_SUFFIXES.get(suffix) or ("json" if suffix in SUFFIXES else None)
    if fmt is None:
        raise InputFileError(
            f"unsupported file extension '{Path(name).suffix}'; expected a fiche (.json) "
            f"or a sheet written by ia-empreinte report ({', '.join(SHEET_SUFFIXES)})",
            file=name,
        )
    return _fiche_of(fmt, data, name)


def _fiche_of(fmt: str, data: bytes, name: str) -> Fiche:
    if fmt == "json":
        return parse_fiche(read_document(name, text=data), file=name)
    text = extract_fiche_json(data, fmt, name)
    try:
        document = read_document(EMBEDDED_NAME, text=text.encode("utf-8"))
    except InputFileError as exc:
        raise InputFileError(f"embedded fiche: {exc.message}", file=name) from None
    fiche = parse_fiche(document, file=name)
    diffs = sheet_differences(data, fmt, lambda lang: render_fiche(fiche, fmt, lang))
    if diffs:
        raise InputFileError(
            f"the sheet does not show the fiche embedded in it ({len(diffs)} place(s)); "
            f"first, {diffs[0].line()}",
            file=name,
        )
    return fiche


def read_fiche_file(path: str | Path) -> tuple[str, bytes]:
    """The format and bytes of a fiche file: ``json`` for a fiche document, else the
    sheet's format (``pdf``, ``html``, ``xlsx``, ``markdown``), which carries its fiche
    (:func:`ia_empreinte.render.embedded.read_sheet` reads both).

    Raises:
        InputFileError: missing, a directory, larger than 10 MiB, or an extension that
            is neither a fiche document's nor a sheet's.
    """
    p = Path(path)
    suffix = p.suffix.lower()
    fmt = SHEET_SUFFIXES.get(suffix) or ("json" if suffix in SUFFIXES else None)
    if fmt is None:
        raise InputFileError(
            f"unsupported file extension '{p.suffix}'; expected a fiche (.json) or a "
            f"sheet written by ia-empreinte report ({', '.join(SHEET_SUFFIXES)})",
            file=str(path),
        )
    return fmt, read_input_bytes(path)  # a FIFO or a device: refused, not waited on
