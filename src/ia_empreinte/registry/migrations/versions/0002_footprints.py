"""Footprint by period over the contract, and the population band of each project.

The band (``populations`` bands of :mod:`ia_empreinte.registry.bands`) is filled for the
projects already stored, so that a registry at 0001 keeps every project searchable.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# the bands as they were when this revision was written (a migration never imports
# code that may change later)
_BANDS = (
    ("lt-3500", 0, 3_500),
    ("3500-20000", 3_500, 20_000),
    ("20000-100000", 20_000, 100_000),
    ("100000-500000", 100_000, 500_000),
    ("gte-500000", 500_000, None),
)


def upgrade() -> None:
    with op.batch_alter_table("projects") as batch:
        batch.add_column(sa.Column("population_band", sa.String(16), nullable=True))
    projects = sa.table("projects", sa.column("population", sa.Integer),
                        sa.column("population_band", sa.String))
    for band, low, high in _BANDS:
        condition = projects.c.population >= low
        if high is not None:
            condition = sa.and_(condition, projects.c.population < high)
        op.execute(projects.update().where(condition).values(population_band=band))
    with op.batch_alter_table("projects") as batch:
        batch.alter_column("population_band", existing_type=sa.String(16), nullable=False)
        batch.create_index("ix_projects_population_band", ["population_band"])
    op.create_table(
        "footprints",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("project_id", sa.Integer, sa.ForeignKey("projects.id"), nullable=False),
        sa.Column("period", sa.String(40), nullable=False),
        sa.Column("requests", sa.Integer, nullable=False),
        sa.Column("energy_kwh_p50", sa.Float, nullable=False),
        sa.Column("gwp_kgco2e_p50", sa.Float, nullable=False),
        sa.Column("metered_energy_kwh", sa.Float, nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("project_id", "period", name="uq_footprints_project_period"),
    )


def downgrade() -> None:
    op.drop_table("footprints")
    with op.batch_alter_table("projects") as batch:
        batch.drop_index("ix_projects_population_band")
        batch.drop_column("population_band")
