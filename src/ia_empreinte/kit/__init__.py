"""The buyer's kit: shipped territorial profiles, the questionnaire, the offer template
and the consultation clause."""

from ia_empreinte.kit.territorial import (
    QUESTIONNAIRE_SOURCE,
    BasisCoverage,
    ProfileQuestion,
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
    slugify,
)

__all__ = [
    "QUESTIONNAIRE_SOURCE",
    "BasisCoverage",
    "ProfileQuestion",
    "basis_coverage",
    "build_profile",
    "offer_template",
    "parse_profile_answer",
    "profile_questions",
    "profile_to_yaml",
    "shipped_profile",
    "shipped_profile_ids",
    "shipped_profile_text",
    "shipped_profiles_table",
    "slugify",
]
