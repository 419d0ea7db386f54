"""Registry routes: the national library of territorial AI projects over HTTP.

Reads of published entries are public; writes need an organisation's token
(``Authorization: Bearer TOKEN``, the token ``ia-empreinte registry organisation``
wrote). Bodies go through the same reader and limits as every other route; errors are
problem documents: 401 (no or unknown token), 403 (another organisation's entry), 404,
409 (stored bytes changed since publication), 422 (invalid input, a sheet that does
not verify).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any, Literal

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, ConfigDict

from ia_empreinte.errors import IaEmpreinteError, ValidationFailure
from ia_empreinte.parsing import parse_model
from ia_empreinte.records.verify import parse_record
from ia_empreinte.registry import (
    RegistryAuthError,
    RegistryForbidden,
    RegistryIntegrityError,
    RegistryNotFound,
    SearchQuery,
    open_registry,
    parse_project_info,
)
from ia_empreinte.registry.service import Registry
from ia_empreinte.server.bodies import JSON, decode_body, parse_part
from ia_empreinte.server.limits import check_count
from ia_empreinte.server.problems import ProblemError, problem_for
from ia_empreinte.server.routes.answers import Context, json_response
from ia_empreinte.sheet import parse_fiche

__all__ = ["publish_record_work", "publish_work", "registry_router"]

_DEADLINE = Query(None, description="Tender deadline (YYYY-MM-DD)")
_FORMAT = Query("json", description="csv, json or parquet")
_MEDIA = {"csv": "text/csv; charset=utf-8", "json": JSON,
          "parquet": "application/vnd.apache.parquet"}


class PublishRequest(BaseModel):
    """Body of ``POST /v1/registry/projects``."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)
    project: dict[str, Any]
    """collectivite, insee_code, population, description, chosen_offer, state."""
    sheet: dict[str, Any]
    """The fiche (JSON from ``ia-empreinte report -o fiche.json`` or ``POST /v1/report``)."""


class StateRequest(BaseModel):
    """Body of ``POST /v1/registry/projects/{id}/state``."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)
    state: Literal["draft", "published", "withdrawn"]


class KeyRequest(BaseModel):
    """Body of ``POST /v1/registry/keys``."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)
    public_key: str
    """Ed25519 public key, 64 hexadecimal characters (the ``.pub`` of ``bench keygen``)."""


def _problem(exc: IaEmpreinteError) -> ProblemError:
    if isinstance(exc, RegistryForbidden):
        return ProblemError(403, "forbidden", "Forbidden", exc.one_line())
    if isinstance(exc, RegistryAuthError):
        return ProblemError(401, "unauthorized", "Authentication required", exc.one_line(),
                            headers={"WWW-Authenticate": 'Bearer realm="ia-empreinte registry"'})
    if isinstance(exc, RegistryNotFound):
        return ProblemError(404, "not-found", "Not found", exc.one_line())
    if isinstance(exc, RegistryIntegrityError):
        return ProblemError(409, "stored-bytes-changed", "Stored entry altered", exc.one_line())
    return problem_for(exc)


def _token(request: Request) -> str | None:
    scheme, _, given = (request.headers.get("authorization") or "").partition(" ")
    return given.strip() if scheme.lower() == "bearer" and given.strip() else None


def _envelope(model: type[BaseModel], data: dict[str, Any]) -> Any:
    return parse_model(model, data, error=ValidationFailure)


def _json(data: Any) -> bytes:
    return bytes(json_response(data).body)


def publish_work(url: str, token: str | None, body: bytes, content_type: str | None,
                 max_offers: int, max_draws: int) -> tuple[bytes, int]:
    """``POST /v1/registry/projects`` in a computing slot (a thread or another process:
    a module-level function of plain values, opening its own connection)."""
    with open_registry(url) as registry:
        try:
            registry.organisation(token)  # 401 before any recomputation
            envelope = _envelope(PublishRequest, decode_body(body, content_type))
            info = parse_part(parse_project_info, envelope.project, ("project",))
            fiche = parse_part(parse_fiche, envelope.sheet, ("sheet",))
            check_count(len(fiche.inputs.offers), max_offers, "offers",
                        ("sheet", "inputs", "offers"), "--max-offers")
            check_count(fiche.inputs.options.draws, max_draws, "draws",
                        ("sheet", "inputs", "options", "draws"), "--max-draws")
            project_id = registry.publish_project(token, fiche, info, name="sheet")
        except IaEmpreinteError as exc:
            raise _problem(exc) from None
    return _json({"id": project_id, "state": info.state}), 201


def publish_record_work(url: str, token: str | None, body: bytes,
                        content_type: str | None) -> tuple[bytes, int]:
    """``POST /v1/registry/records`` in a computing slot (see :func:`publish_work`)."""
    with open_registry(url) as registry:
        try:
            registry.organisation(token)
            record = parse_record(decode_body(body, content_type), "record")
            sha = registry.publish_record(token, record)
        except IaEmpreinteError as exc:
            raise _problem(exc) from None
    return _json({"sha256": sha}), 201


def registry_router(ctx: Context, registry: Registry) -> APIRouter:
    """The ``/v1/registry`` routes, bound to one registry database."""
    router = APIRouter(prefix="/v1/registry", tags=["registry"])

    async def run(work: Callable[[], Response]) -> Response:
        """Database reads and small writes, on the reading pool."""
        def guarded() -> Response:
            try:
                return work()
            except IaEmpreinteError as exc:
                raise _problem(exc) from None

        response: Response = await ctx.read(guarded)
        return response

    @router.get("/projects")
    async def search(
        task: str | None = Query(None, description="Task id, e.g. text-generation"),
        population_band: str | None = Query(None, description="lt-3500, 3500-20000, "
                                            "20000-100000, 100000-500000 or gte-500000"),
        vendor: str | None = Query(None, description="Vendor of the chosen offer (part of)"),
        zone: str | None = Query(None, description="Hosting zone of the chosen offer"),
        limit: int = Query(100, ge=1, le=10_000),
    ) -> Response:
        """Search published projects."""
        def work() -> Response:
            query = parse_part(lambda d: _envelope(SearchQuery, d), {
                "task": task, "population_band": population_band, "vendor": vendor,
                "zone": zone, "limit": limit}, ())
            return json_response([p.row() for p in registry.search(query)])
        return await run(work)

    @router.get("/projects/{project_id}")
    async def show(project_id: int) -> Response:
        """A published project with its footprint by period."""
        def work() -> Response:
            project = registry.project(project_id)
            row = project.row()
            row["footprints"] = [vars(f) for f in project.footprints]
            return json_response(row)
        return await run(work)

    @router.get("/projects/{project_id}/sheet")
    async def sheet(project_id: int) -> Response:
        """A published project's sheet (fiche JSON), its stored bytes checked."""
        def work() -> Response:
            fiche = registry.sheet(project_id)
            return json_response(fiche.model_dump(mode="json", by_alias=True))
        return await run(work)

    @router.get("/projects/{project_id}/profile",
                responses={200: {"content": {"application/yaml": {"schema": {"type": "string"}}}}})
    async def reuse(project_id: int) -> Response:
        """"Reuse this profile": the project's usage profile as YAML, ready to adjust."""
        def work() -> Response:
            text = registry.reuse_profile(project_id)
            return Response(text.encode("utf-8"), media_type="application/yaml",
                            headers={"Content-Disposition":
                                     f'attachment; filename="projet-{project_id}-profil.yaml"'})
        return await run(work)

    @router.post("/projects", status_code=201, openapi_extra={"security": [{"HTTPBearer": []}]})
    async def publish(request: Request) -> Response:
        """Publish a project with its sheet; the sheet is recomputed and must match."""
        body = await request.body()
        content, status = await ctx.compute(
            publish_work, registry.url, _token(request), body,
            request.headers.get("content-type"), ctx.settings.max_offers,
            ctx.settings.max_draws)
        return Response(content, status_code=status, media_type=JSON)

    @router.post("/projects/{project_id}/state")
    async def set_state(project_id: int, request: Request) -> Response:
        """Move one of your projects to draft, published or withdrawn."""
        body = await request.body()
        content_type = request.headers.get("content-type")
        token = _token(request)

        def work() -> Response:
            registry.organisation(token)
            envelope = _envelope(StateRequest, decode_body(body, content_type))
            registry.set_state(token, project_id, envelope.state)
            return json_response({"id": project_id, "state": envelope.state})
        return await run(work)

    @router.post("/records", status_code=201)
    async def publish_record(request: Request) -> Response:
        """Publish a sealed benchmark record (checked as ``bench verify``)."""
        body = await request.body()
        content, status = await ctx.compute(
            publish_record_work, registry.url, _token(request), body,
            request.headers.get("content-type"))
        return Response(content, status_code=status, media_type=JSON)

    @router.get("/records/{sha256}")
    async def get_record(sha256: str) -> Response:
        """A published record by its SHA-256, re-verified from its stored bytes."""
        def work() -> Response:
            return Response(registry.record(sha256).file_text().encode("utf-8"),
                            media_type=JSON)
        return await run(work)

    @router.post("/keys", status_code=201)
    async def register_key(request: Request) -> Response:
        """Register an Ed25519 public key to your organisation, dated today."""
        body = await request.body()
        content_type = request.headers.get("content-type")
        token = _token(request)

        def work() -> Response:
            registry.organisation(token)
            envelope = _envelope(KeyRequest, decode_body(body, content_type))
            key = registry.register_key(token, envelope.public_key)
            response = json_response({"fingerprint": key.fingerprint,
                                      "organisation": key.organisation,
                                      "registered_on": key.registered_on.isoformat()})
            response.status_code = 201
            return response
        return await run(work)

    @router.get("/keys/{fingerprint}")
    async def key(
        fingerprint: str,
        deadline: datetime.date | None = _DEADLINE,
        lang: Literal["fr", "en"] = Query("fr"),
    ) -> Response:
        """Who a key is registered to, since when, and whether before a deadline."""
        def work() -> Response:
            verdict = registry.key_verdict(fingerprint, deadline)
            k = verdict.key
            return json_response({
                "fingerprint": verdict.fingerprint, "registered": k is not None,
                "organisation": None if k is None else k.organisation,
                "registered_on": None if k is None else k.registered_on.isoformat(),
                "revoked_on": None if k is None or k.revoked_on is None
                else k.revoked_on.isoformat(),
                "registered_before_deadline": verdict.registered_before_deadline,
                "statement": verdict.sentence(lang)})
        return await run(work)

    @router.get("/export/{table}",
                responses={200: {"content": {m: {"schema": {"type": "string"}}
                                             for m in _MEDIA.values() if m != JSON}}})
    async def export(table: Literal["projects", "records", "footprints"],
                     format: Literal["csv", "json", "parquet"] = _FORMAT) -> Response:
        """Open data: published entries as CSV, JSON or Parquet (Licence Ouverte 2.0)."""
        def work() -> Response:
            data = registry.export(table, format)
            return Response(data, media_type=_MEDIA[format], headers={
                "Content-Disposition": f'attachment; filename="{table}.{format}"'})
        return await run(work)

    return router
