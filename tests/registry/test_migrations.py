"""Alembic migrations on both databases: from empty, from the previous revision, down."""

from __future__ import annotations

import datetime

import sqlalchemy as sa

from ia_empreinte.registry import HEAD
from ia_empreinte.registry import database as db
from ia_empreinte.registry.service import Registry
from ia_empreinte.registry.tables import METADATA

NOW = datetime.datetime(2026, 11, 30, tzinfo=datetime.UTC)


def _columns(engine: sa.Engine) -> dict[str, set[str]]:
    inspector = sa.inspect(engine)
    return {t: {c["name"] for c in inspector.get_columns(t)}
            for t in inspector.get_table_names() if t != "alembic_version"}


def test_upgrade_from_empty_gives_the_declared_tables(db_url: str) -> None:
    with Registry(db_url) as reg:
        assert reg.revision() is None
        assert reg.init() == HEAD
        assert reg.revision() == HEAD
        assert _columns(reg.engine) == {t.name: {c.name for c in t.columns}
                                        for t in METADATA.sorted_tables}
        assert reg.init() == HEAD  # idempotent


def test_upgrade_from_previous_revision_keeps_and_fills_data(db_url: str) -> None:
    with Registry(db_url) as reg:
        db.upgrade(reg.engine, "0001")
        assert reg.revision() == "0001"
        assert "footprints" not in _columns(reg.engine)
        with reg.engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO organisations (name, token_sha256, created_at) "
                "VALUES ('Ville', :t, :now)"), {"t": "a" * 64, "now": NOW})
            conn.execute(sa.text("INSERT INTO sheets (sha256, body) VALUES (:h, '{}')"),
                         {"h": "b" * 64})
            for pid, population in ((1, 1_200), (2, 45_000), (3, 900_000)):
                conn.execute(sa.text(
                    "INSERT INTO projects (id, organisation_id, state, collectivite, insee_code,"
                    " population, description, profile_id, sheet_sha256, inputs_sha256,"
                    " chosen_offer, vendor, zone, energy_kwh_per_year_p50,"
                    " gwp_kgco2e_per_year_p50, revision, created_at, updated_at) VALUES "
                    "(:id, 1, 'published', 'C', '44109', :pop, '', 'p', :h, :h, 'o', 'v',"
                    " 'FR', 1.0, 2.0, 1, :now, :now)"),
                    {"id": pid, "pop": population, "h": "b" * 64, "now": NOW})
        reg.init()
        assert reg.revision() == HEAD
        with reg.engine.connect() as conn:
            bands = conn.execute(sa.text(
                "SELECT id, population_band FROM projects ORDER BY id")).all()
        assert [tuple(b) for b in bands] == [(1, "lt-3500"), (2, "20000-100000"),
                                             (3, "gte-500000")]
        assert "footprints" in _columns(reg.engine)


def test_downgrade_to_previous_then_to_empty(db_url: str) -> None:
    with Registry(db_url) as reg:
        reg.init()
        with reg.engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO organisations (name, token_sha256, created_at) "
                "VALUES ('Ville', :t, :now)"), {"t": "a" * 64, "now": NOW})
        db.downgrade(reg.engine, "0001")
        assert reg.revision() == "0001"
        columns = _columns(reg.engine)
        assert "footprints" not in columns and "population_band" not in columns["projects"]
        with reg.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT name FROM organisations")).scalar_one() == "Ville"
        db.downgrade(reg.engine, "base")
        assert reg.revision() is None
        assert _columns(reg.engine) == {}
        reg.init()  # and up again
        assert reg.revision() == HEAD
