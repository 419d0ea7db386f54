"""ia-empreinte: the environmental footprint of AI services for public procurement.

The public API: load and validate inputs, estimate, compare and render. Everything
else is internal and may change.
"""

from __future__ import annotations

from ia_empreinte.bench.protocol import Progress as BenchProgress
from ia_empreinte.bench.runner import bench_export, bench_keygen, bench_run
from ia_empreinte.catalog import table_rows as catalog_table
from ia_empreinte.clause import rc_clause
from ia_empreinte.compare import CompareOptions, Comparison, compare
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
from ia_empreinte.fiche import Consultation, Fiche, build_fiche, load_fiche, verify_fiche
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
from ia_empreinte.measurements import BenchmarkRecord, load_record, verify_record
from ia_empreinte.offers import Offer, load_offer, parse_offer
from ia_empreinte.profiles import TASKS, UsageProfile, load_profile, parse_profile
from ia_empreinte.report.sheet import render_comparison, render_fiche
from ia_empreinte.results import Caveat, Estimate, Provenance, Summary
from ia_empreinte.schemas import json_schema, schema_names, validate_file
from ia_empreinte.scoring import score
from ia_empreinte.scoring import simulate as simulate_scores

__version__ = "0.1.0"

__all__ = [  # noqa: RUF022 - plain sorted(), as tests/test_package.py checks
    "BenchProgress",
    "BenchmarkRecord",
    "CatalogError",
    "Caveat",
    "CompareOptions",
    "Comparison",
    "Consultation",
    "Estimate",
    "Fiche",
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
    "bench_export",
    "bench_keygen",
    "bench_run",
    "build_fiche",
    "build_profile",
    "catalog_table",
    "compare",
    "estimate",
    "json_schema",
    "load_fiche",
    "load_offer",
    "load_profile",
    "load_record",
    "offer_template",
    "parse_offer",
    "parse_profile",
    "parse_profile_answer",
    "profile_questions",
    "profile_to_yaml",
    "rc_clause",
    "render_comparison",
    "render_fiche",
    "schema_names",
    "score",
    "shipped_profile",
    "shipped_profile_ids",
    "shipped_profile_text",
    "shipped_profiles_table",
    "simulate_scores",
    "validate_file",
    "verify_fiche",
    "verify_record",
]
