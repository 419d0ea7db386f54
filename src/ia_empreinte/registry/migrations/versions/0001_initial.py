"""Initial registry: organisations, vendor keys, benchmark records, sheets, projects.

Revision ID: 0001
Revises:
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "organisations",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("token_sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", _WHEN, nullable=False),
    )
    op.create_table(
        "vendor_keys",
        sa.Column("fingerprint", sa.String(64), primary_key=True),
        sa.Column("public_key", sa.String(64), nullable=False),
        sa.Column("organisation_id", sa.Integer, sa.ForeignKey("organisations.id"),
                  nullable=False),
        sa.Column("registered_on", sa.Date, nullable=False),
        sa.Column("revoked_on", sa.Date, nullable=True),
    )
    op.create_table(
        "benchmark_records",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("organisation_id", sa.Integer, sa.ForeignKey("organisations.id"),
                  nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("model_name", sa.String(200), nullable=False),
        sa.Column("task", sa.String(40), nullable=False),
        sa.Column("accelerator", sa.String(80), nullable=True),
        sa.Column("key_fingerprint", sa.String(64), nullable=True),
        sa.Column("published_at", _WHEN, nullable=False),
    )
    op.create_table(
        "sheets",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("body", sa.Text, nullable=False),
    )
    op.create_table(
        "projects",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("organisation_id", sa.Integer, sa.ForeignKey("organisations.id"),
                  nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("collectivite", sa.String(200), nullable=False),
        sa.Column("insee_code", sa.String(9), nullable=False),
        sa.Column("population", sa.Integer, nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("profile_id", sa.String(80), nullable=False),
        sa.Column("sheet_sha256", sa.String(64), sa.ForeignKey("sheets.sha256"),
                  nullable=False),
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
    op.create_index("ix_projects_state", "projects", ["state"])
    op.create_index("ix_projects_vendor", "projects", ["vendor"])
    op.create_index("ix_projects_zone", "projects", ["zone"])
    op.create_table(
        "project_tasks",
        sa.Column("project_id", sa.Integer, sa.ForeignKey("projects.id"), primary_key=True),
        sa.Column("task", sa.String(40), primary_key=True),
    )
    op.create_index("ix_project_tasks_task", "project_tasks", ["task"])
    op.create_table(
        "project_offers",
        sa.Column("project_id", sa.Integer, sa.ForeignKey("projects.id"), primary_key=True),
        sa.Column("offer_id", sa.String(80), primary_key=True),
        sa.Column("vendor", sa.String(200), nullable=False),
        sa.Column("zone", sa.String(40), nullable=False),
        sa.Column("chosen", sa.Boolean, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("project_offers")
    op.drop_index("ix_project_tasks_task", table_name="project_tasks")
    op.drop_table("project_tasks")
    op.drop_index("ix_projects_zone", table_name="projects")
    op.drop_index("ix_projects_vendor", table_name="projects")
    op.drop_index("ix_projects_state", table_name="projects")
    op.drop_table("projects")
    op.drop_table("sheets")
    op.drop_table("benchmark_records")
    op.drop_table("vendor_keys")
    op.drop_table("organisations")
