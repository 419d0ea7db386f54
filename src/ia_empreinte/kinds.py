"""Document kinds: their names, ``schema`` tags, aliases, markers and error classes.

The one place that says what kinds of document ia-empreinte reads and writes and how
a decoded document's kind is recognised: by its ``schema`` tag
(``ia-empreinte/fiche@1``, ``ia-empreinte/benchmark-record/1``) or, for the documents
a buyer or a vendor writes by hand, by top-level fields only that kind has. The
reader (:mod:`ia_empreinte.inputs`), the schema registry (:mod:`ia_empreinte.schemas`)
and the HTTP API all ask here. Ground floor: imports nothing but the errors.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ia_empreinte.errors import (
    IaEmpreinteError,
    OfferError,
    ProfileError,
    RecordError,
    ValidationFailure,
)

__all__ = [
    "ALIASES",
    "ERRORS",
    "INPUT_KINDS",
    "KINDS",
    "LABELS",
    "MARKERS",
    "TAGS",
    "detect_kind",
    "kind_mismatch",
    "tagged_kind",
]

KINDS = ("profile", "offer", "estimate", "comparison", "fiche", "record")
"""Every document kind with a pydantic model and a JSON Schema."""

INPUT_KINDS = ("profile", "offer", "record")
"""Kinds a user writes (or a bench writes) and ``ia-empreinte validate`` reads."""

TAGS: dict[str, str] = {
    "fiche": "ia-empreinte/fiche@1",
    "record": "ia-empreinte/benchmark-record/1",
}
"""The ``schema`` tag a document of that kind carries (current version)."""

ALIASES: dict[str, str] = {"benchmark-record": "record"}
"""Name in a ``schema`` tag -> kind, where they differ."""

MARKERS: dict[str, tuple[str, ...]] = {"profile": ("volume", "steps"), "offer": ("deployment",)}
"""Top-level fields only a document of that kind has (for untagged documents)."""

LABELS: dict[str, str] = {
    "profile": "a usage profile",
    "offer": "an offer",
    "record": "a benchmark record",
    "fiche": "a fiche",
    "estimate": "an estimate",
    "comparison": "a comparison",
    "workload": "a workload pack",
}
"""How messages name a document of that kind."""

ERRORS: dict[str, type[IaEmpreinteError]] = {
    "profile": ProfileError,
    "offer": OfferError,
    "estimate": ValidationFailure,
    "comparison": ValidationFailure,
    "fiche": ValidationFailure,
    "record": RecordError,
}
"""The error raised when a document of that kind is invalid."""


def tagged_kind(data: Mapping[str, Any]) -> str | None:
    """The kind a ``schema`` tag names (``ia-empreinte/fiche@1`` -> ``fiche``,
    ``ia-empreinte/benchmark-record/1`` -> ``record``), if any.

    A workload pack's own tag (``ia-empreinte/workload/1``) is left to the pack's reader.
    """
    tag = data.get("schema")
    if isinstance(tag, str) and tag.startswith("ia-empreinte/"):
        name = tag.split("/")[1].split("@")[0]
        kind = ALIASES.get(name, name)
        if kind in KINDS:
            return kind
    return None


def detect_kind(data: Mapping[str, Any], among: Iterable[str] = KINDS) -> str | None:
    """The kind of a decoded document, from its ``schema`` tag or its own fields.

    Args:
        data: the decoded document.
        among: the kinds the caller accepts; None is returned for any other.
    """
    accepted = tuple(among)
    tagged = tagged_kind(data)
    if tagged is not None:
        return tagged if tagged in accepted else None
    for kind, keys in MARKERS.items():
        if kind in accepted and any(k in data for k in keys):
            return kind
    return None


def kind_mismatch(data: Any, expected: str) -> str | None:
    """What to say when ``data`` is plainly a document of another kind than ``expected``.

    Returns None unless exactly one other kind is recognised (by its ``schema`` tag or
    its own top-level fields) and nothing marks ``expected``: a document of the
    expected kind with a stray field still gets the usual field-level message.
    """
    if not isinstance(data, dict):
        return None
    found = {k for k, keys in MARKERS.items() if any(key in data for key in keys)}
    tagged = tagged_kind(data)
    if tagged is not None:
        found.add(tagged)
    if expected in found or len(found) != 1:
        return None
    (kind,) = found
    return f"this is {LABELS[kind]}; expected {LABELS.get(expected, expected)}"
