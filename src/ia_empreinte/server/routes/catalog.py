"""Reading routes: health, reference data, schemas and shipped profiles (no computation)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from ia_empreinte import (
    UsageProfile,
    catalog_table,
    json_schema,
    schema_names,
    shipped_profile,
    shipped_profile_ids,
    shipped_profiles_table,
)
from ia_empreinte._version import __version__
from ia_empreinte.catalog import TABLES
from ia_empreinte.errors import IaEmpreinteError
from ia_empreinte.server.problems import problem_for
from ia_empreinte.server.routes.answers import (
    Context,
    Health,
    Table,
    json_response,
    path_param,
)

__all__ = ["health_router", "reading_router"]


def health_router() -> APIRouter:
    """``GET /healthz``, outside ``/v1`` and its authentication."""
    router = APIRouter()

    @router.get("/healthz", response_model=Health, tags=["service"])
    async def healthz() -> Response:
        """Liveness probe: answers without authentication and without computing."""
        return json_response({"status": "ok", "version": __version__})

    return router


def reading_router(ctx: Context) -> APIRouter:
    """Reference data, schemas and profiles; run on the reading pool, never queued
    behind computations."""
    router = APIRouter()

    @router.get("/catalog/{table}", response_model=Table, tags=["reference data"])
    async def catalog(
        table: str = path_param("Reference-data table", list(TABLES)),
    ) -> Response:
        """A reference-data table, with the source and year of every entry."""

        def work() -> Response:
            try:
                columns, rows = catalog_table(table)
            except IaEmpreinteError as exc:
                raise problem_for(exc, status=404) from None
            return json_response({"table": table, "columns": columns, "rows": rows})

        response: Response = await ctx.read(work)
        return response

    @router.get("/schemas/{name}", response_model=dict[str, Any], tags=["schemas"])
    async def schema(name: str = path_param("Document kind", schema_names())) -> Response:
        """The JSON Schema (draft 2020-12) of a document kind, as ``ia-empreinte schema``."""

        def work() -> Response:
            try:
                return json_response(json_schema(name))
            except IaEmpreinteError as exc:
                raise problem_for(exc, status=404) from None

        response: Response = await ctx.read(work)
        return response

    @router.get("/profiles", response_model=Table, tags=["profiles"])
    async def profiles() -> Response:
        """The usage profiles shipped with the package, as ``ia-empreinte profiles list``."""

        def work() -> Response:
            columns, rows = shipped_profiles_table()
            return json_response({"table": "profiles", "columns": columns, "rows": rows})

        response: Response = await ctx.read(work)
        return response

    @router.get("/profiles/{ident}", response_model=UsageProfile, tags=["profiles"])
    async def profile(
        ident: str = path_param("Shipped profile id", shipped_profile_ids()),
    ) -> Response:
        """One shipped usage profile, validated, ready to post to ``/v1/estimate``."""

        def work() -> Response:
            try:
                found = shipped_profile(ident)
            except IaEmpreinteError as exc:
                raise problem_for(exc, status=404) from None
            return json_response(found.model_dump(mode="json"))

        response: Response = await ctx.read(work)
        return response

    return router
