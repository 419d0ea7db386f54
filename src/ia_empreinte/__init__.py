"""ia-empreinte: the environmental footprint of AI services for public procurement.

The public API: load and validate inputs, estimate, compare and render. Everything
else is internal and may change. The optional parts have their own packages and
extras: the benchmark harness (:mod:`ia_empreinte.harness`, extra ``harness``) and the
HTTP API (:mod:`ia_empreinte.server`, extra ``server``). The execution-phase audit of
partitioned logs, with its metered reconciliation, is :mod:`ia_empreinte.execution`
(its Dask engine needs the extra ``scale``).
"""

from __future__ import annotations

from ia_empreinte._version import __version__
from ia_empreinte.catalog import table_rows as catalog_table
from ia_empreinte.comparison import CompareOptions, Comparison, compare, parse_compare_options
from ia_empreinte.engine import USAGE_LOG_SCHEMA, audit, estimate
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
from ia_empreinte.inputs.load import load_fiche, load_offer, load_profile, load_profile_bytes
from ia_empreinte.inputs.records import load_record, load_records, verify_record
from ia_empreinte.inputs.usage_logs import read_usage_log
from ia_empreinte.inputs.validation import validate_file
from ia_empreinte.kit import (
    basis_coverage,
    build_profile,
    explain_answer,
    offer_template,
    parse_profile_answer,
    profile_questions,
    profile_to_yaml,
    shipped_profile,
    shipped_profile_ids,
    shipped_profile_text,
    shipped_profiles_table,
)
from ia_empreinte.kit.clause import rc_clause
from ia_empreinte.kit.dce import DceOptions, KitFile, build_dce_kit
from ia_empreinte.kit.floor import absolute_floor
from ia_empreinte.offers import Offer, check_offer_serves_profile, parse_offer
from ia_empreinte.profiles import TASKS, UsageProfile, parse_profile
from ia_empreinte.records import BenchmarkRecord, RecordStore
from ia_empreinte.records.verdict import RULE_LABELS_FR, Verdict, record_verdict
from ia_empreinte.render.sheet import render_comparison, render_fiche
from ia_empreinte.results import Caveat, Estimate, Provenance, Summary
from ia_empreinte.schemas import json_schema, schema_names
from ia_empreinte.scoring import (
    MethodAdvice,
    floor_effect,
    method_warning,
    recommend_method,
    relative_floor_caveat,
    score,
)
from ia_empreinte.scoring import simulate as simulate_scores
from ia_empreinte.sheet import Consultation, Fiche, build_fiche, verify_fiche
from ia_empreinte.usage_log import UsageLog

__all__ = [  # noqa: RUF022 - plain sorted(), as tests/project/test_package.py checks
    "BenchmarkRecord",
    "CatalogError",
    "Caveat",
    "CompareOptions",
    "Comparison",
    "Consultation",
    "DceOptions",
    "Estimate",
    "Fiche",
    "IaEmpreinteError",
    "InputFileError",
    "KitFile",
    "MethodAdvice",
    "Offer",
    "OfferError",
    "ProfileError",
    "Provenance",
    "RULE_LABELS_FR",
    "RecordError",
    "RecordStore",
    "Summary",
    "TASKS",
    "USAGE_LOG_SCHEMA",
    "UsageLog",
    "UsageProfile",
    "ValidationFailure",
    "Verdict",
    "VerificationError",
    "__version__",
    "absolute_floor",
    "audit",
    "basis_coverage",
    "build_dce_kit",
    "build_fiche",
    "build_profile",
    "catalog_table",
    "check_offer_serves_profile",
    "compare",
    "estimate",
    "explain_answer",
    "floor_effect",
    "json_schema",
    "load_fiche",
    "load_offer",
    "load_profile",
    "load_profile_bytes",
    "load_record",
    "load_records",
    "method_warning",
    "offer_template",
    "parse_compare_options",
    "parse_offer",
    "parse_profile",
    "parse_profile_answer",
    "profile_questions",
    "profile_to_yaml",
    "rc_clause",
    "read_usage_log",
    "recommend_method",
    "record_verdict",
    "relative_floor_caveat",
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
