"""The registry's tables at the head revision, as SQLAlchemy Core ``Table`` objects.

The migrations under ``migrations/versions`` create them; this module describes what
the code reads and writes, and ``tests/registry`` checks that the two agree.
"""

from __future__ import annotations

import sqlalchemy as sa

__all__ = [
    "METADATA",
    "benchmark_records",
    "footprints",
    "organisations",
    "project_offers",
    "project_tasks",
    "projects",
    "sheets",
    "vendor_keys",
]

METADATA = sa.MetaData()
_WHEN = sa.DateTime(timezone=True)

organisations = sa.Table(
    "organisations", METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(200), nullable=False, unique=True),
    sa.Column("token_sha256", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", _WHEN, nullable=False),
)

vendor_keys = sa.Table(
    "vendor_keys", METADATA,
    sa.Column("fingerprint", sa.String(64), primary_key=True),
    sa.Column("public_key", sa.String(64), nullable=False),
    sa.Column("organisation_id", sa.Integer, sa.ForeignKey("organisations.id"), nullable=False),
    sa.Column("registered_on", sa.Date, nullable=False),
    sa.Column("revoked_on", sa.Date, nullable=True),
)

benchmark_records = sa.Table(
    "benchmark_records", METADATA,
    sa.Column("sha256", sa.String(64), primary_key=True),
    sa.Column("organisation_id", sa.Integer, sa.ForeignKey("organisations.id"), nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("model_name", sa.String(200), nullable=False),
    sa.Column("task", sa.String(40), nullable=False),
    sa.Column("accelerator", sa.String(80), nullable=True),
    sa.Column("key_fingerprint", sa.String(64), nullable=True),
    sa.Column("published_at", _WHEN, nullable=False),
)

sheets = sa.Table(
    "sheets", METADATA,
    sa.Column("sha256", sa.String(64), primary_key=True),
    sa.Column("body", sa.Text, nullable=False),
)
"""Procurement sheets, content-addressed: their canonical JSON under its SHA-256 (kept
apart from the projects so that a search never reads them)."""

projects = sa.Table(
    "projects", METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("organisation_id", sa.Integer, sa.ForeignKey("organisations.id"), nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("collectivite", sa.String(200), nullable=False),
    sa.Column("insee_code", sa.String(9), nullable=False),
    sa.Column("population", sa.Integer, nullable=False),
    sa.Column("population_band", sa.String(16), nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("profile_id", sa.String(80), nullable=False),
    sa.Column("sheet_sha256", sa.String(64), sa.ForeignKey("sheets.sha256"), nullable=False),
    sa.Column("inputs_sha256", sa.String(64), nullable=False),
    sa.Column("chosen_offer", sa.String(80), nullable=False),
    sa.Column("vendor", sa.String(200), nullable=False),
    sa.Column("zone", sa.String(40), nullable=False),
    sa.Column("energy_kwh_per_year_p50", sa.Float, nullable=False),
    sa.Column("gwp_kgco2e_per_year_p50", sa.Float, nullable=False),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("created_at", _WHEN, nullable=False),
    sa.Column("updated_at", _WHEN, nullable=False),
)

project_tasks = sa.Table(
    "project_tasks", METADATA,
    sa.Column("project_id", sa.Integer, sa.ForeignKey("projects.id"), primary_key=True),
    sa.Column("task", sa.String(40), primary_key=True),
)

project_offers = sa.Table(
    "project_offers", METADATA,
    sa.Column("project_id", sa.Integer, sa.ForeignKey("projects.id"), primary_key=True),
    sa.Column("offer_id", sa.String(80), primary_key=True),
    sa.Column("vendor", sa.String(200), nullable=False),
    sa.Column("zone", sa.String(40), nullable=False),
    sa.Column("chosen", sa.Boolean, nullable=False),
)

footprints = sa.Table(
    "footprints", METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("project_id", sa.Integer, sa.ForeignKey("projects.id"), nullable=False),
    sa.Column("period", sa.String(40), nullable=False),
    sa.Column("requests", sa.Integer, nullable=False),
    sa.Column("energy_kwh_p50", sa.Float, nullable=False),
    sa.Column("gwp_kgco2e_p50", sa.Float, nullable=False),
    sa.Column("metered_energy_kwh", sa.Float, nullable=True),
    sa.Column("recorded_at", _WHEN, nullable=False),
    sa.UniqueConstraint("project_id", "period", name="uq_footprints_project_period"),
)
