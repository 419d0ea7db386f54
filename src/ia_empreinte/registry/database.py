"""Opening the registry database and migrating it (SQLAlchemy 2, Alembic).

The database is named by a SQLAlchemy URL: the ``--database-url`` option, else the
:data:`URL_ENV` environment variable, else an SQLite file :data:`DEFAULT_FILE` in the
current folder. PostgreSQL is reached with ``postgresql+psycopg://USER@HOST/DB``.
Migrations ship inside the package and run programmatically: no ``alembic.ini``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from ia_empreinte.registry.errors import RegistryError
from ia_empreinte.registry.location import DEFAULT_FILE, HEAD, URL_ENV, resolve_url

__all__ = [
    "DEFAULT_FILE",
    "HEAD",
    "URL_ENV",
    "check_exists",
    "current_revision",
    "downgrade",
    "make_engine",
    "resolve_url",
    "upgrade",
]

_SCHEMES = ("sqlite", "postgresql")


def make_engine(url: str | None = None) -> Engine:
    """An engine on the registry database.

    SQLite files are opened in WAL mode with a 30 s busy timeout, and every transaction
    starts with ``BEGIN IMMEDIATE``: concurrent writers from several processes wait
    for each other instead of failing.

    Raises:
        RegistryError: not a SQLAlchemy URL, or a database other than SQLite or PostgreSQL.
    """
    text = resolve_url(url)
    try:
        parsed = sa.engine.make_url(text)
    except sa.exc.ArgumentError:
        raise RegistryError(
            f"database URL '{text}' is not a URL; expected sqlite:///FILE or "
            "postgresql+psycopg://USER@HOST/DATABASE", location=("database_url",)) from None
    if parsed.get_backend_name() not in _SCHEMES:
        raise RegistryError(
            f"database '{parsed.get_backend_name()}' is not supported; expected sqlite:///FILE "
            "or postgresql+psycopg://USER@HOST/DATABASE", location=("database_url",))
    if parsed.get_backend_name() == "sqlite":
        engine = sa.create_engine(parsed, connect_args={"timeout": 30})
        _sqlite_immediate(engine)
        return engine
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    try:
        return sa.create_engine(parsed, pool_pre_ping=True)
    except ImportError:
        raise RegistryError(
            "PostgreSQL needs the psycopg driver: pip install 'ia-empreinte[registry]'",
            location=("database_url",)) from None


def _sqlite_immediate(engine: Engine) -> None:
    """WAL journal, foreign keys, and ``BEGIN IMMEDIATE`` (SQLAlchemy's documented
    recipe for pysqlite: the driver's own transaction handling is turned off)."""

    @sa.event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def on_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def check_exists(engine: Engine) -> None:
    """Refuse an SQLite file that does not exist (connecting would create it empty).

    Raises:
        RegistryError: no such file; ``registry init`` creates it.
    """
    url = engine.url
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return
    if not os.path.isfile(url.database):
        raise RegistryError(
            f"no registry database at {url.database}; create it with "
            "'ia-empreinte registry init'", location=("database_url",))


def _alembic_config(connection: Connection) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "ia_empreinte.registry:migrations")
    config.attributes["connection"] = connection
    return config


@contextmanager
def _migrating(engine: Engine) -> Iterator[Any]:
    with engine.connect() as connection:
        yield _alembic_config(connection)
        if connection.in_transaction():
            connection.commit()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the database up to ``revision`` (creating the tables on an empty one)."""
    from alembic import command

    with _migrating(engine) as config:
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Migrate the database down to ``revision`` (``base``: no table left)."""
    from alembic import command

    with _migrating(engine) as config:
        command.downgrade(config, revision)


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at; None for an empty database."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
