"""ia-empreinte: the environmental footprint of AI services for public procurement.

The public API: load and validate inputs, estimate, compare and render. Everything
else is internal and may change.
"""

from __future__ import annotations

from ia_empreinte.catalog import table_rows as catalog_table
from ia_empreinte.engine import audit, estimate
from ia_empreinte.errors import (
    CatalogError,
    IaEmpreinteError,
    InputFileError,
    OfferError,
    ProfileError,
    RecordError,
    ValidationFailure,
    VerificationError,
)
from ia_empreinte.offers import Offer, load_offer, parse_offer
from ia_empreinte.profiles import UsageProfile, load_profile, parse_profile
from ia_empreinte.results import Caveat, Estimate, Provenance, Summary
from ia_empreinte.schemas import json_schema, schema_names, validate_file

__version__ = "0.1.0"

__all__ = [
    "CatalogError",
    "Caveat",
    "Estimate",
    "IaEmpreinteError",
    "InputFileError",
    "Offer",
    "OfferError",
    "ProfileError",
    "Provenance",
    "RecordError",
    "Summary",
    "UsageProfile",
    "ValidationFailure",
    "VerificationError",
    "__version__",
    "audit",
    "catalog_table",
    "estimate",
    "json_schema",
    "load_offer",
    "load_profile",
    "parse_offer",
    "parse_profile",
    "schema_names",
    "validate_file",
]
