"""The document kinds ia-empreinte reads and writes, their JSON Schemas and validation.

Every input and output file has a kind with a pydantic model; ``ia-empreinte schema
NAME`` prints its JSON Schema and ``ia-empreinte validate FILE`` validates a file of
any input kind, detected from its fields when not given.
"""

from __future__ import annotations

import importlib
from typing import Any

from pydantic import BaseModel

from ia_empreinte import _canonical
from ia_empreinte.errors import (
    IaEmpreinteError,
    OfferError,
    ProfileError,
    RecordError,
    ValidationFailure,
)
from ia_empreinte.inputs.documents import KIND_MARKERS

__all__ = [
    "INPUT_KINDS",
    "KINDS",
    "canonical_json",
    "detect_kind",
    "json_schema",
    "model_for",
    "schema_names",
]

KINDS: dict[str, tuple[str, str, type[IaEmpreinteError]]] = {
    "profile": ("ia_empreinte.profiles", "UsageProfile", ProfileError),
    "offer": ("ia_empreinte.offers", "Offer", OfferError),
    "estimate": ("ia_empreinte.results", "Estimate", ValidationFailure),
    "comparison": ("ia_empreinte.comparison", "Comparison", ValidationFailure),
    "fiche": ("ia_empreinte.sheet", "Fiche", ValidationFailure),
    "record": ("ia_empreinte.records.schema", "BenchmarkRecord", RecordError),
}
"""Kind name -> (module, model class, error raised on invalid input).

Modules are imported on demand so that naming a kind costs nothing until used. The
modules that own a document kind add it here."""

INPUT_KINDS = ("profile", "offer", "record")
"""Kinds a user writes by hand (``validate`` detects among these)."""


def schema_names() -> list[str]:
    """Every document kind with a JSON Schema, sorted."""
    return sorted(KINDS)


def model_for(name: str) -> type[BaseModel]:
    """The pydantic model of document kind ``name``."""
    if name not in KINDS:
        raise ValidationFailure(
            f"unknown document kind '{name}'; expected one of: {', '.join(sorted(KINDS))}"
        )
    module, attr, _ = KINDS[name]
    model: type[BaseModel] = getattr(importlib.import_module(module), attr)
    return model


def json_schema(name: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of document kind ``name``."""
    schema = model_for(name).model_json_schema(mode="validation")
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}
    schema.setdefault("$id", f"https://ia-empreinte.invalid/schemas/{name}.json")
    return schema


def detect_kind(data: dict[str, Any]) -> str | None:
    """Guess the kind of a decoded document from its top-level fields."""
    tag = data.get("schema")
    if isinstance(tag, str) and tag.startswith("ia-empreinte/"):
        kind = tag.split("/")[1]
        aliases = {"benchmark-record": "record"}
        kind = aliases.get(kind, kind)
        if kind in KINDS:
            return kind
    for kind, keys in KIND_MARKERS.items():
        if any(k in data for k in keys):
            return kind
    return None


def canonical_json(data: Any) -> str:
    """Canonical JSON text (:mod:`ia_empreinte._canonical`)."""
    return _canonical.canonical_json(data)
