"""The registry service: one database, every operation in its own transaction.

Open it with :func:`ia_empreinte.registry.open_registry` (or build
:class:`Registry` directly); this module loads SQLAlchemy.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from ia_empreinte.records import BenchmarkRecord, RecordStore
from ia_empreinte.registry import database, export, keys, projects, records, tables
from ia_empreinte.registry.errors import RegistryError
from ia_empreinte.registry.export import FORMATS, TABLES
from ia_empreinte.registry.location import HEAD, resolve_url
from ia_empreinte.registry.models import (
    Footprint,
    KeyVerdict,
    Organisation,
    Project,
    ProjectInfo,
    SearchQuery,
    VendorKey,
)
from ia_empreinte.results import Estimate
from ia_empreinte.sheet import Fiche

__all__ = ["Registry"]


class Registry:
    """One registry database. Every method runs in its own transaction.

    Args:
        url: SQLAlchemy URL (``sqlite:///FILE``, ``postgresql+psycopg://...``); None:
            ``$IA_EMPREINTE_REGISTRY_URL``, else :data:`DEFAULT_FILE` in the current folder.
    """

    def __init__(self, url: str | None = None) -> None:
        self.url = resolve_url(url)
        self.engine: Engine = database.make_engine(self.url)
        self._verified: set[str] = set()
        self._at_head = False

    def close(self) -> None:
        """Close the database connections."""
        self.engine.dispose()

    def __enter__(self) -> Registry:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _tx(self) -> Iterator[Connection]:
        with self._database_errors(), self.engine.begin() as conn:
            yield conn

    @contextmanager
    def _database_errors(self) -> Iterator[None]:
        """A database that cannot be reached or read, or a write that conflicts with a
        concurrent one, is one line naming the database (a bug keeps its traceback)."""
        try:
            yield
        except (sa.exc.OperationalError, sa.exc.InterfaceError, sa.exc.IntegrityError) as exc:
            raise RegistryError(
                f"registry database {self._shown_url()}: {_reason(exc)}",
                location=("database_url",)) from None
        except sa.exc.DatabaseError as exc:
            if type(exc) is not sa.exc.DatabaseError:  # ProgrammingError...: a bug
                raise
            raise RegistryError(
                f"cannot open the registry database {self._shown_url()}: {_reason(exc)}",
                location=("database_url",)) from None

    @contextmanager
    def _ready(self) -> Iterator[Connection]:
        """A transaction on a database migrated to :data:`HEAD` (checked once)."""
        if not self._at_head:
            self._check_head()
            self._at_head = True
        with self._tx() as conn:
            yield conn

    def _check_head(self) -> None:
        database.check_exists(self.engine)  # never create an empty file but in init()
        revision = self.revision()
        if revision != HEAD:
            where = "empty" if revision is None else f"at revision {revision}"
            raise RegistryError(
                f"the registry database {self._shown_url()} is {where}; run "
                "'ia-empreinte registry init' (creates it, or migrates it to revision "
                f"{HEAD})", location=("database_url",))

    def _shown_url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    # -- schema ---------------------------------------------------------------------

    def init(self) -> str:
        """Create the tables, or migrate an older database; returns the revision."""
        with self._database_errors():
            database.upgrade(self.engine, "head")
        self._at_head = True
        return HEAD

    def revision(self) -> str | None:
        """The database's migration revision (None: empty)."""
        with self._database_errors():
            return database.current_revision(self.engine)

    # -- organisations and keys -----------------------------------------------------

    def add_organisation(self, name: str) -> tuple[Organisation, str]:
        """Create an organisation; returns it and its write token (shown once)."""
        with self._ready() as conn:
            return keys.add_organisation(conn, name)

    def organisation(self, token: str | None) -> Organisation:
        """The organisation of a token (RegistryAuthError if unknown)."""
        with self._ready() as conn:
            return keys.organisation_for(conn, token)

    def register_key(self, token: str | None, public_key_hex: str,
                     today: datetime.date | None = None) -> VendorKey:
        """Register an Ed25519 public key to the token's organisation."""
        with self._ready() as conn:
            return keys.register_key(conn, keys.organisation_for(conn, token),
                                     public_key_hex, today)

    def revoke_key(self, token: str | None, fingerprint: str,
                   today: datetime.date | None = None) -> VendorKey:
        """Revoke one of the token's organisation's keys."""
        with self._ready() as conn:
            return keys.revoke_key(conn, keys.organisation_for(conn, token), fingerprint, today)

    def key_verdict(self, fingerprint: str,
                    deadline: datetime.date | None = None) -> KeyVerdict:
        """Who the key of that fingerprint is registered to, and since when."""
        with self._ready() as conn:
            return keys.key_verdict(conn, fingerprint, deadline)

    # -- records --------------------------------------------------------------------

    def publish_record(self, token: str | None, record: BenchmarkRecord,
                       name: str = "record") -> str:
        """Publish a benchmark record (checked as ``bench verify``); returns its SHA-256."""
        with self._ready() as conn:
            return records.publish_record(conn, keys.organisation_for(conn, token), record, name)

    def record(self, sha256: str) -> BenchmarkRecord:
        """A published record, re-verified from its stored bytes."""
        with self._ready() as conn:
            return records.get_record(conn, sha256)

    # -- projects -------------------------------------------------------------------

    def publish_project(self, token: str | None, fiche: Fiche, info: ProjectInfo,
                        name: str = "sheet") -> int:
        """Store a project and its sheet (re-verified); returns the project id."""
        with self._ready() as conn:
            org = keys.organisation_for(conn, token)
            return projects.publish_project(conn, org, fiche, info, name=name,
                                            verified=self._verified)

    def set_state(self, token: str | None, project_id: int, state: str) -> None:
        """Move one of the organisation's projects to draft, published or withdrawn."""
        with self._ready() as conn:
            projects.set_state(conn, keys.organisation_for(conn, token), project_id, state)

    def update_description(self, token: str | None, project_id: int, description: str) -> None:
        """Replace the description of one of the organisation's projects."""
        with self._ready() as conn:
            projects.update_description(conn, keys.organisation_for(conn, token), project_id,
                                        description)

    def add_footprint(self, token: str | None, project_id: int, period: str,
                      estimate: Estimate, metered_energy_kwh: float | None = None) -> Footprint:
        """Record the footprint of one period of the contract."""
        with self._ready() as conn:
            return projects.add_footprint(conn, keys.organisation_for(conn, token), project_id,
                                          period, estimate, metered_energy_kwh)

    def project(self, project_id: int, token: str | None = None) -> Project:
        """A published project (or one of the token's organisation's, in any state)."""
        with self._ready() as conn:
            org = keys.organisation_for(conn, token) if token else None
            return projects.get_project(conn, project_id, org)

    def sheet(self, project_id: int, token: str | None = None) -> Fiche:
        """A project's sheet, its stored bytes checked against their SHA-256."""
        with self._ready() as conn:
            org = keys.organisation_for(conn, token) if token else None
            return projects.project_sheet(conn, project_id, org)

    def record_store_for(self, fiche: Fiche) -> RecordStore:
        """The published records a sheet's offers pin, re-verified."""
        with self._ready() as conn:
            return records.record_store(
                conn, [b.sha256 for o in fiche.inputs.offers for b in o.benchmarks])

    def reuse_profile(self, project_id: int) -> str:
        """A published project's usage profile as YAML, ready to adjust."""
        with self._ready() as conn:
            return projects.reuse_profile(conn, project_id)

    def search(self, query: SearchQuery | None = None) -> list[Project]:
        """Published projects matching the query."""
        with self._ready() as conn:
            return projects.search_projects(conn, query or SearchQuery())

    def counts(self) -> dict[str, int]:
        """How many organisations, keys, records, projects (by state) and footprints."""
        with self._ready() as conn:
            out = {name: conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
                   for name, table in (("organisations", tables.organisations),
                                       ("keys", tables.vendor_keys),
                                       ("records", tables.benchmark_records),
                                       ("projects", tables.projects),
                                       ("footprints", tables.footprints))}
            for state, n in conn.execute(sa.select(tables.projects.c.state, sa.func.count())
                                         .group_by(tables.projects.c.state)):
                out[f"projects_{state}"] = n
            out["project_revisions"] = conn.execute(
                sa.select(sa.func.coalesce(sa.func.sum(tables.projects.c.revision), 0))
            ).scalar_one()
            return out

    # -- open data ------------------------------------------------------------------

    def export(self, table: str, fmt: str) -> bytes:
        """One table of published entries as CSV, JSON or Parquet (Licence Ouverte 2.0)."""
        if table not in TABLES:
            raise RegistryError(f"unknown table '{table}'; expected one of: {', '.join(TABLES)}",
                                location=("table",))
        if fmt not in FORMATS:
            raise RegistryError(f"unknown format '{fmt}'; expected one of: {', '.join(FORMATS)}",
                                location=("format",))
        with self._ready() as conn:
            return export.export_table(conn, table, fmt)  # type: ignore[arg-type]


def _reason(exc: sa.exc.DBAPIError | sa.exc.SQLAlchemyError) -> str:
    """The driver's message, on one line."""
    return " ".join(str(getattr(exc, "orig", None) or exc).split())
