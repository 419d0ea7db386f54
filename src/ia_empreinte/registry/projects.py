"""Projects of the registry: a collectivité's use case, its procurement sheet, the offer
chosen and the footprint measured over the contract.

A sheet is re-verified on upload (:func:`ia_empreinte.verify_fiche`: every figure
recomputed from its embedded inputs; a mismatch is refused) and stored as its
canonical JSON under its SHA-256, which is checked again on every read.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ia_empreinte._canonical import canonical_json
from ia_empreinte.errors import IaEmpreinteError
from ia_empreinte.inputs.documents import read_document
from ia_empreinte.kit import profile_to_yaml
from ia_empreinte.registry.bands import band_of
from ia_empreinte.registry.errors import (
    RegistryError,
    RegistryForbidden,
    RegistryIntegrityError,
    RegistryNotFound,
)
from ia_empreinte.registry.models import (
    STATES,
    Footprint,
    Organisation,
    Project,
    ProjectInfo,
    SearchQuery,
)
from ia_empreinte.registry.records import record_store
from ia_empreinte.registry.tables import (
    footprints,
    organisations,
    project_offers,
    project_tasks,
    projects,
    sheets,
)
from ia_empreinte.results import Estimate
from ia_empreinte.sheet import Fiche, parse_fiche, verify_fiche

__all__ = [
    "add_footprint",
    "get_project",
    "project_sheet",
    "publish_project",
    "reuse_profile",
    "search_projects",
    "set_state",
    "update_description",
]


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def sheet_text(fiche: Fiche) -> str:
    """The canonical JSON stored for a sheet."""
    return canonical_json(fiche.model_dump(mode="json", by_alias=True))


def _tasks(fiche: Fiche) -> list[str]:
    profile = fiche.inputs.profile
    if profile.task is not None:
        return [profile.task]
    return sorted({step.task for step in profile.steps or ()})


def verify_sheet(conn: Connection, fiche: Fiche, name: str) -> None:
    """Recompute the sheet from its inputs, with the registry's published records.

    Raises:
        RegistryError: a figure differs (the first difference is named), or a record
            the offers pin is not published in the registry.
    """
    pinned = [b.sha256 for offer in fiche.inputs.offers for b in offer.benchmarks]
    store = record_store(conn, pinned)
    missing = sorted(set(pinned) - set(store))
    if missing:
        raise RegistryError(
            f"the sheet's offers pin benchmark record {missing[0]} which is not published "
            "in the registry; publish it first (ia-empreinte registry record publish)",
            file=name)
    diffs = verify_fiche(fiche, records=store)
    if diffs:
        raise RegistryError(
            f"the sheet does not verify: {len(diffs)} figure(s) differ from those "
            f"recomputed from its inputs; first, {diffs[0].line()}", file=name)


def publish_project(
    conn: Connection,
    org: Organisation,
    fiche: Fiche,
    info: ProjectInfo,
    *,
    name: str = "sheet",
    verified: set[str] | None = None,
) -> int:
    """Store a project with its sheet, re-verified; returns the project id.

    Args:
        conn: an open transaction.
        org: the organisation publishing (from its token).
        fiche: the procurement sheet.
        info: the collectivité, the use case and the offer chosen.
        name: the sheet's file name, for messages.
        verified: SHA-256 of sheets this process already recomputed and found intact;
            the same bytes give the same verdict, so they are not recomputed again.

    Raises:
        RegistryError: the chosen offer is not in the sheet, or the sheet does not verify.
    """
    offers = {o.id: o for o in fiche.inputs.offers}
    if info.chosen_offer not in offers:
        raise RegistryError(
            f"offer '{info.chosen_offer}' is not one of the sheet's offers; expected one "
            f"of: {', '.join(offers)}", location=("chosen_offer",))
    text = sheet_text(fiche)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if verified is None or digest not in verified:
        verify_sheet(conn, fiche, name)
        if verified is not None:
            verified.add(digest)
    if conn.execute(sa.select(sheets.c.sha256).where(sheets.c.sha256 == digest)).first() is None:
        conn.execute(sheets.insert().values(sha256=digest, body=text))
    chosen = offers[info.chosen_offer]
    figures = {o.offer_id: o for o in fiche.comparison.offers}[info.chosen_offer]
    now = _now()
    result = conn.execute(projects.insert().values(
        organisation_id=org.id, state=info.state, collectivite=info.collectivite,
        insee_code=info.insee_code, population=info.population,
        population_band=band_of(info.population), description=info.description,
        profile_id=fiche.inputs.profile.id, sheet_sha256=digest,
        inputs_sha256=fiche.inputs_sha256, chosen_offer=chosen.id, vendor=chosen.vendor,
        zone=chosen.deployment.zone or "",
        energy_kwh_per_year_p50=figures.per_year["energy_kwh"].p50,
        gwp_kgco2e_per_year_p50=figures.per_year["gwp_kgco2e"].p50,
        revision=1, created_at=now, updated_at=now))
    key = result.inserted_primary_key
    assert key is not None
    project_id = int(key[0])
    conn.execute(project_tasks.insert(), [{"project_id": project_id, "task": t}
                                          for t in _tasks(fiche)])
    conn.execute(project_offers.insert(), [
        {"project_id": project_id, "offer_id": o.id, "vendor": o.vendor,
         "zone": o.deployment.zone or "", "chosen": o.id == chosen.id}
        for o in fiche.inputs.offers])
    return project_id


def _owned(conn: Connection, org: Organisation, project_id: int) -> None:
    row = conn.execute(sa.select(projects.c.organisation_id)
                       .where(projects.c.id == project_id)).first()
    if row is None:
        raise RegistryNotFound(f"no project has id {project_id}")
    if row.organisation_id != org.id:
        raise RegistryForbidden(f"project {project_id} belongs to another organisation")


def _touch(conn: Connection, project_id: int, **values: Any) -> None:
    """Update a project and count the change: ``revision = revision + 1`` in the same
    statement, so concurrent updates are all counted."""
    conn.execute(projects.update().where(projects.c.id == project_id).values(
        revision=projects.c.revision + 1, updated_at=_now(), **values))


def set_state(conn: Connection, org: Organisation, project_id: int, state: str) -> None:
    """Move a project to ``draft``, ``published`` or ``withdrawn``.

    Raises:
        RegistryError: an unknown state. RegistryNotFound, RegistryAuthError.
    """
    if state not in STATES:
        raise RegistryError(f"unknown state '{state}'; expected one of: {', '.join(STATES)}",
                            location=("state",))
    _owned(conn, org, project_id)
    _touch(conn, project_id, state=state)


def update_description(conn: Connection, org: Organisation, project_id: int,
                       description: str) -> None:
    """Replace a project's description."""
    if len(description) > 4000:
        raise RegistryError("expected a description of at most 4000 characters",
                            location=("description",))
    _owned(conn, org, project_id)
    _touch(conn, project_id, description=description)


def add_footprint(
    conn: Connection, org: Organisation, project_id: int, period: str, estimate: Estimate,
    metered_energy_kwh: float | None = None,
) -> Footprint:
    """Record the footprint of one period, re-estimated from its usage log
    (:func:`ia_empreinte.audit` of the chosen offer), and the metered energy if given.

    Raises:
        RegistryError: an empty period name, a negative metered energy, or a period
            already recorded.
    """
    period = period.strip()
    if not period or len(period) > 40:
        raise RegistryError("expected a period name of 1 to 40 characters (e.g. 2027-T1)",
                            location=("period",))
    if metered_energy_kwh is not None and not metered_energy_kwh >= 0:
        raise RegistryError("expected a metered energy >= 0 kWh",
                            location=("metered_energy_kwh",))
    _owned(conn, org, project_id)
    taken = conn.execute(sa.select(footprints.c.id).where(
        footprints.c.project_id == project_id, footprints.c.period == period)).first()
    if taken is not None:
        raise RegistryError(f"project {project_id} already has a footprint for period "
                            f"'{period}'", location=("period",))
    fp = Footprint(period, round(estimate.contract.requests.p50),
                   estimate.contract.energy_kwh.p50, estimate.contract.gwp_kgco2e.p50,
                   metered_energy_kwh)
    conn.execute(footprints.insert().values(
        project_id=project_id, period=fp.period, requests=fp.requests,
        energy_kwh_p50=fp.energy_kwh_p50, gwp_kgco2e_p50=fp.gwp_kgco2e_p50,
        metered_energy_kwh=fp.metered_energy_kwh, recorded_at=_now()))
    _touch(conn, project_id)
    return fp


def _select() -> sa.Select[Any]:
    return sa.select(projects, organisations.c.name.label("organisation")).join(
        organisations, organisations.c.id == projects.c.organisation_id)


def _projects(conn: Connection, rows: Iterable[Any], with_footprints: bool = False
              ) -> list[Project]:
    rows = list(rows)
    ids = [r.id for r in rows]
    tasks: dict[int, list[str]] = {i: [] for i in ids}
    offers: dict[int, list[tuple[str, str, str]]] = {i: [] for i in ids}
    fps: dict[int, list[Footprint]] = {i: [] for i in ids}
    for chunk in range(0, len(ids), 500):
        part = ids[chunk:chunk + 500]
        for t in conn.execute(sa.select(project_tasks).where(project_tasks.c.project_id.in_(part))
                              .order_by(project_tasks.c.task)):
            tasks[t.project_id].append(t.task)
        for o in conn.execute(sa.select(project_offers)
                              .where(project_offers.c.project_id.in_(part))
                              .order_by(project_offers.c.offer_id)):
            offers[o.project_id].append((o.offer_id, o.vendor, o.zone))
        if with_footprints:
            for f in conn.execute(sa.select(footprints).where(footprints.c.project_id.in_(part))
                                  .order_by(footprints.c.period)):
                fps[f.project_id].append(Footprint(f.period, f.requests, f.energy_kwh_p50,
                                                   f.gwp_kgco2e_p50, f.metered_energy_kwh))
    return [Project(
        id=r.id, organisation=r.organisation, state=r.state, collectivite=r.collectivite,
        insee_code=r.insee_code, population=r.population, population_band=r.population_band,
        description=r.description, tasks=tuple(tasks[r.id]), profile_id=r.profile_id,
        offers=tuple(offers[r.id]), chosen_offer=r.chosen_offer, vendor=r.vendor, zone=r.zone,
        energy_kwh_per_year_p50=r.energy_kwh_per_year_p50,
        gwp_kgco2e_per_year_p50=r.gwp_kgco2e_per_year_p50, sheet_sha256=r.sheet_sha256,
        inputs_sha256=r.inputs_sha256, revision=r.revision, created_at=r.created_at,
        updated_at=r.updated_at, footprints=tuple(fps[r.id])) for r in rows]


def get_project(conn: Connection, project_id: int, org: Organisation | None = None) -> Project:
    """A project: any published one, or one of ``org``'s in any state.

    Raises:
        RegistryNotFound: no such project visible to the caller.
    """
    row = conn.execute(_select().where(projects.c.id == project_id)).first()
    if row is None or (row.state != "published" and (org is None or
                                                     row.organisation_id != org.id)):
        raise RegistryNotFound(f"no published project has id {project_id}")
    return _projects(conn, [row], with_footprints=True)[0]


def project_sheet(conn: Connection, project_id: int, org: Organisation | None = None) -> Fiche:
    """The project's sheet, its stored bytes checked against their SHA-256.

    Raises:
        RegistryNotFound: no such project. RegistryIntegrityError: the stored bytes changed.
    """
    get_project(conn, project_id, org)
    row = conn.execute(sa.select(sheets.c.body.label("sheet"), projects.c.sheet_sha256)
                       .join(sheets, sheets.c.sha256 == projects.c.sheet_sha256)
                       .where(projects.c.id == project_id)).one()
    actual = hashlib.sha256(row.sheet.encode("utf-8")).hexdigest()
    name = f"registry project {project_id} sheet"
    if actual != row.sheet_sha256:
        raise RegistryIntegrityError(
            f"{name}: the stored bytes changed since publication (sha256 {actual}, "
            f"published {row.sheet_sha256})")
    try:
        return parse_fiche(read_document("sheet.json", text=row.sheet.encode("utf-8")),
                           file=name)
    except IaEmpreinteError as exc:  # pragma: no cover - the hash matched
        raise RegistryIntegrityError(f"{name}: {exc.message}") from None


def reuse_profile(conn: Connection, project_id: int) -> str:
    """The project's usage profile as YAML, ready to adjust ("reuse this profile")."""
    return profile_to_yaml(project_sheet(conn, project_id).inputs.profile)


def search_projects(conn: Connection, query: SearchQuery) -> list[Project]:
    """Published projects matching every filter of ``query``, by id."""
    stmt = _select().where(projects.c.state == "published")
    if query.task is not None:
        stmt = stmt.where(projects.c.id.in_(
            sa.select(project_tasks.c.project_id).where(project_tasks.c.task == query.task)))
    if query.population_band is not None:
        stmt = stmt.where(projects.c.population_band == query.population_band)
    if query.vendor is not None:
        pattern = "%" + query.vendor.lower().replace("\\", "\\\\").replace("%", "\\%") \
            .replace("_", "\\_") + "%"
        stmt = stmt.where(sa.func.lower(projects.c.vendor).like(pattern, escape="\\"))
    if query.zone is not None:
        stmt = stmt.where(projects.c.zone == query.zone.upper())
    stmt = stmt.order_by(projects.c.id).limit(query.limit)
    return _projects(conn, conn.execute(stmt))


def published_projects(conn: Connection) -> list[Project]:
    """Every published project, by id (the open-data export)."""
    stmt = _select().where(projects.c.state == "published").order_by(projects.c.id)
    return _projects(conn, conn.execute(stmt), with_footprints=True)
