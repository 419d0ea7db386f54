"""ia-empreinte: the environmental footprint of AI services for public procurement.

The public API: load and validate inputs, estimate, compare and render. Everything
else is internal and may change.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ia_empreinte._version import __version__

if TYPE_CHECKING:
    from ia_empreinte.catalog import table_rows as catalog_table
    from ia_empreinte.comparison import (
        CompareOptions,
        Comparison,
        compare,
        parse_compare_options,
    )
    from ia_empreinte.engine import estimate
    from ia_empreinte.engine.audit import USAGE_LOG_SCHEMA, audit
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
    from ia_empreinte.harness.protocol import Progress as BenchProgress
    from ia_empreinte.harness.runner import bench_export, bench_keygen, bench_run
    from ia_empreinte.inputs.usage_logs import UsageLog, read_usage_log
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
    from ia_empreinte.kit.clause import rc_clause
    from ia_empreinte.offers import Offer, load_offer, parse_offer
    from ia_empreinte.profiles import TASKS, UsageProfile, load_profile, parse_profile
    from ia_empreinte.records import BenchmarkRecord, load_record, verify_record
    from ia_empreinte.render.sheet import render_comparison, render_fiche
    from ia_empreinte.results import Caveat, Estimate, Provenance, Summary
    from ia_empreinte.schemas import json_schema, schema_names, validate_file
    from ia_empreinte.scoring import score
    from ia_empreinte.scoring import simulate as simulate_scores
    from ia_empreinte.server import ServerSettings, serve
    from ia_empreinte.sheet import Consultation, Fiche, build_fiche, load_fiche, verify_fiche

_EXPORTS: dict[str, tuple[str, str]] = {
    "BenchProgress": ("ia_empreinte.harness.protocol", "Progress"),
    "BenchmarkRecord": ("ia_empreinte.records", "BenchmarkRecord"),
    "CatalogError": ("ia_empreinte.errors", "CatalogError"),
    "Caveat": ("ia_empreinte.results", "Caveat"),
    "CompareOptions": ("ia_empreinte.comparison", "CompareOptions"),
    "Comparison": ("ia_empreinte.comparison", "Comparison"),
    "Consultation": ("ia_empreinte.sheet", "Consultation"),
    "Estimate": ("ia_empreinte.results", "Estimate"),
    "Fiche": ("ia_empreinte.sheet", "Fiche"),
    "IaEmpreinteError": ("ia_empreinte.errors", "IaEmpreinteError"),
    "InputFileError": ("ia_empreinte.errors", "InputFileError"),
    "Offer": ("ia_empreinte.offers", "Offer"),
    "OfferError": ("ia_empreinte.errors", "OfferError"),
    "ProfileError": ("ia_empreinte.errors", "ProfileError"),
    "Provenance": ("ia_empreinte.results", "Provenance"),
    "RecordError": ("ia_empreinte.errors", "RecordError"),
    "ServerSettings": ("ia_empreinte.server", "ServerSettings"),
    "Summary": ("ia_empreinte.results", "Summary"),
    "TASKS": ("ia_empreinte.profiles", "TASKS"),
    "USAGE_LOG_SCHEMA": ("ia_empreinte.engine.audit", "USAGE_LOG_SCHEMA"),
    "UsageLog": ("ia_empreinte.inputs.usage_logs", "UsageLog"),
    "UsageProfile": ("ia_empreinte.profiles", "UsageProfile"),
    "ValidationFailure": ("ia_empreinte.errors", "ValidationFailure"),
    "VerificationError": ("ia_empreinte.errors", "VerificationError"),
    "audit": ("ia_empreinte.engine.audit", "audit"),
    "basis_coverage": ("ia_empreinte.kit", "basis_coverage"),
    "bench_export": ("ia_empreinte.harness.runner", "bench_export"),
    "bench_keygen": ("ia_empreinte.harness.runner", "bench_keygen"),
    "bench_run": ("ia_empreinte.harness.runner", "bench_run"),
    "build_fiche": ("ia_empreinte.sheet", "build_fiche"),
    "build_profile": ("ia_empreinte.kit", "build_profile"),
    "catalog_table": ("ia_empreinte.catalog", "table_rows"),
    "compare": ("ia_empreinte.comparison", "compare"),
    "estimate": ("ia_empreinte.engine", "estimate"),
    "json_schema": ("ia_empreinte.schemas", "json_schema"),
    "load_fiche": ("ia_empreinte.sheet", "load_fiche"),
    "load_offer": ("ia_empreinte.offers", "load_offer"),
    "load_profile": ("ia_empreinte.profiles", "load_profile"),
    "load_record": ("ia_empreinte.records", "load_record"),
    "offer_template": ("ia_empreinte.kit", "offer_template"),
    "parse_compare_options": ("ia_empreinte.comparison", "parse_compare_options"),
    "parse_offer": ("ia_empreinte.offers", "parse_offer"),
    "parse_profile": ("ia_empreinte.profiles", "parse_profile"),
    "parse_profile_answer": ("ia_empreinte.kit", "parse_profile_answer"),
    "profile_questions": ("ia_empreinte.kit", "profile_questions"),
    "profile_to_yaml": ("ia_empreinte.kit", "profile_to_yaml"),
    "rc_clause": ("ia_empreinte.kit.clause", "rc_clause"),
    "read_usage_log": ("ia_empreinte.inputs.usage_logs", "read_usage_log"),
    "render_comparison": ("ia_empreinte.render.sheet", "render_comparison"),
    "render_fiche": ("ia_empreinte.render.sheet", "render_fiche"),
    "schema_names": ("ia_empreinte.schemas", "schema_names"),
    "score": ("ia_empreinte.scoring", "score"),
    "serve": ("ia_empreinte.server", "serve"),
    "shipped_profile": ("ia_empreinte.kit", "shipped_profile"),
    "shipped_profile_ids": ("ia_empreinte.kit", "shipped_profile_ids"),
    "shipped_profile_text": ("ia_empreinte.kit", "shipped_profile_text"),
    "shipped_profiles_table": ("ia_empreinte.kit", "shipped_profiles_table"),
    "simulate_scores": ("ia_empreinte.scoring", "simulate"),
    "validate_file": ("ia_empreinte.schemas", "validate_file"),
    "verify_fiche": ("ia_empreinte.sheet", "verify_fiche"),
    "verify_record": ("ia_empreinte.records", "verify_record"),
}
"""Public name -> (module, attribute). Imported on first use (PEP 562), so that
``import ia_empreinte`` and ``ia-empreinte estimate`` load only what they use."""


def __getattr__(name: str) -> Any:
    try:
        module, attr = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'ia_empreinte' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module), attr)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))



__all__ = [  # noqa: RUF022 - plain sorted(), as tests/project/test_package.py checks
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
    "ServerSettings",
    "Summary",
    "TASKS",
    "USAGE_LOG_SCHEMA",
    "UsageLog",
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
    "parse_compare_options",
    "parse_offer",
    "parse_profile",
    "parse_profile_answer",
    "profile_questions",
    "profile_to_yaml",
    "rc_clause",
    "read_usage_log",
    "render_comparison",
    "render_fiche",
    "schema_names",
    "score",
    "serve",
    "shipped_profile",
    "shipped_profile_ids",
    "shipped_profile_text",
    "shipped_profiles_table",
    "simulate_scores",
    "validate_file",
    "verify_fiche",
    "verify_record",
]
