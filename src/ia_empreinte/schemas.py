"""The JSON Schema registry: document kind -> pydantic model -> JSON Schema.

Every input and output file has a kind (:mod:`ia_empreinte.kinds`) with a pydantic
model; ``ia-empreinte schema NAME`` prints its JSON Schema. Reading and validating a
file is the input layer's job (:func:`ia_empreinte.inputs.validation.validate_file`).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from ia_empreinte import _canonical
from ia_empreinte.comparison import Comparison
from ia_empreinte.errors import ValidationFailure
from ia_empreinte.offers import Offer
from ia_empreinte.profiles import UsageProfile
from ia_empreinte.records import BenchmarkRecord
from ia_empreinte.results import Estimate
from ia_empreinte.sheet import Fiche

__all__ = [
    "MODELS",
    "canonical_json",
    "json_schema",
    "model_for",
    "schema_names",
]

MODELS: dict[str, type[BaseModel]] = {
    "profile": UsageProfile,
    "offer": Offer,
    "estimate": Estimate,
    "comparison": Comparison,
    "fiche": Fiche,
    "record": BenchmarkRecord,
}
"""Document kind -> its pydantic model (one per kind of :data:`ia_empreinte.kinds.KINDS`)."""


def schema_names() -> list[str]:
    """Every document kind with a JSON Schema, sorted."""
    return sorted(MODELS)


def model_for(name: str) -> type[BaseModel]:
    """The pydantic model of document kind ``name``."""
    try:
        return MODELS[name]
    except KeyError:
        raise ValidationFailure(
            f"unknown document kind '{name}'; expected one of: {', '.join(schema_names())}"
        ) from None


def json_schema(name: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of document kind ``name``."""
    schema = model_for(name).model_json_schema(mode="validation")
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}
    schema.setdefault("$id", f"https://ia-empreinte.invalid/schemas/{name}.json")
    return schema


def canonical_json(data: Any) -> str:
    """Canonical JSON text (:mod:`ia_empreinte._canonical`)."""
    return _canonical.canonical_json(data)
