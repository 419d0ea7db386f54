"""Fixtures of the registry tests: the same tests on an SQLite file and on a real
PostgreSQL server started for the session (see :mod:`tests.registry.postgres`)."""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from ia_empreinte_cli.app import cli
from tests.conftest import EXAMPLE_OFFERS, PROFILES, ROOT
from tests.registry.postgres import postgres_server

BACKENDS = ["sqlite", "postgresql"]
_NUMBERS = itertools.count(1)


@pytest.fixture(scope="session")
def pg_base_url() -> Iterator[str]:
    """A real PostgreSQL server for the whole session."""
    try:
        with postgres_server() as url:
            yield url
    except RuntimeError as exc:  # the binaries are part of the test environment
        pytest.fail(f"PostgreSQL could not be started: {exc}")


def _fresh_pg_database(base_url: str) -> tuple[str, str]:
    import sqlalchemy as sa

    name = f"registry_{os.getpid()}_{next(_NUMBERS)}"
    engine = sa.create_engine(base_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return name, base_url.replace("/postgres?", f"/{name}?")


def _drop_pg_database(base_url: str, name: str) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(base_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty registry database, on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'registry.sqlite'}"
        return
    base = request.getfixturevalue("pg_base_url")
    name, url = _fresh_pg_database(base)
    try:
        yield url
    finally:
        _drop_pg_database(base, name)


@pytest.fixture
def registry(db_url: str) -> Iterator[object]:
    """An initialised registry on each backend."""
    from ia_empreinte.registry.service import Registry

    with Registry(db_url) as reg:
        reg.init()
        yield reg


@pytest.fixture(scope="session")
def sheets(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Fiches written by ``ia-empreinte report`` (200 draws, to stay quick), once."""
    folder = tmp_path_factory.mktemp("sheets")
    runner = CliRunner()
    out = {}
    for name, profile, offers in (
        ("chatbot", "chatbot-web-metropole", ["open-mid-cloud-fr", "small-onprem-dedicated"]),
        ("pinned", "chatbot-web-metropole", ["essai-releve-tinylm", "open-mid-cloud-fr"]),
    ):
        target = folder / f"{name}.json"
        args = ["report", str(PROFILES / f"{profile}.yaml"),
                *[str(EXAMPLE_OFFERS / f"{o}.yaml") for o in offers],
                "--draws", "200", "-o", str(target)]
        result = runner.invoke(cli, args, catch_exceptions=False)
        assert result.exit_code == 0, result.output
        out[name] = target
    return out


RECORD = ROOT / "examples" / "records" / "releve-candidat-b.json"
PUBLIC_KEY = ROOT / "examples" / "records" / "candidat-b.pub"


def fiche_data(path: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
    return data
