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
from ia_empreinte.kit import (
    basis_coverage,
    build_profile,
    offer_template,
    parse_profile_answer,
    profile_questions,
    profile_to_yaml,
    shipped_profile,
    shipped_profile_ids,
    shipped_profile_text,
    shipped_profiles_table,
)
from ia_empreinte.offers import Offer, load_offer, parse_offer
from ia_empreinte.profiles import TASKS, UsageProfile, load_profile, parse_profile
from ia_empreinte.results import Caveat, Estimate, Provenance, Summary
from ia_empreinte.schemas import json_schema, schema_names, validate_file

__version__ = "0.1.0"

__all__ = [  # noqa: RUF022 - plain sorted(), as tests/test_package.py checks
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
    "TASKS",
    "UsageProfile",
    "ValidationFailure",
    "VerificationError",
    "__version__",
    "audit",
    "basis_coverage",
    "build_profile",
    "catalog_table",
    "estimate",
    "json_schema",
    "load_offer",
    "load_profile",
    "offer_template",
    "parse_offer",
    "parse_profile",
    "parse_profile_answer",
    "profile_questions",
    "profile_to_yaml",
    "schema_names",
    "shipped_profile",
    "shipped_profile_ids",
    "shipped_profile_text",
    "shipped_profiles_table",
    "validate_file",
]
