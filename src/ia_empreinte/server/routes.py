"""The routes of the HTTP API, each a thin layer over one library function.

Request bodies are JSON. A route decodes the body with the same reader as the CLI's
files, validates the envelope (draws, seed, options) and hands the profile and offer
objects to :func:`ia_empreinte.parse_profile` and :func:`ia_empreinte.parse_offer`,
so a bad field gets the CLI's message; the location is prefixed with where the
document sits in the body (``/profile/volume/requests_per_day``). All work runs in a
worker thread under the server's time budget.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from typing import Any, TypeVar

from fastapi import APIRouter, Depends, Path, Request, Response
from fastapi.security import HTTPBearer
from pydantic import BaseModel, ConfigDict

import ia_empreinte
from ia_empreinte import catalog_table, estimate, json_schema, schema_names
from ia_empreinte.catalog import TABLES
from ia_empreinte.documents import parse_model
from ia_empreinte.errors import IaEmpreinteError
from ia_empreinte.report.estimate import render_estimate
from ia_empreinte.results import Estimate
from ia_empreinte.schemas import INPUT_KINDS, KINDS, model_for
from ia_empreinte.server.bodies import (
    EXAMPLE_OFFER,
    EXAMPLE_PROFILE,
    JSON,
    EstimateRequest,
    decode_body,
    parse_estimate_request,
    request_schema,
)
from ia_empreinte.server.limits import check_bearer, run_with_budget
from ia_empreinte.server.problems import ProblemError, problem_for
from ia_empreinte.server.settings import ServerSettings

__all__ = ["build_router"]

T = TypeVar("T")


class Health(BaseModel):
    """Answer of ``GET /healthz``."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    status: str
    version: str


class CatalogTable(BaseModel):
    """A reference-data table as ``ia-empreinte catalog TABLE --format json`` lists it."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    table: str
    columns: list[str]
    rows: list[dict[str, Any]]


class Validation(BaseModel):
    """Answer of ``POST /v1/validate/{kind}`` for a valid document."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: str
    valid: bool


def validate_kinds() -> list[str]:
    """Kinds ``POST /v1/validate/{kind}`` accepts (those ``ia-empreinte validate`` does)."""
    return [k for k in (*INPUT_KINDS, "record") if k in KINDS]


def json_response(data: Any) -> Response:
    """A compact JSON response; refuses NaN and infinities like the CLI's JSON output."""
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return Response(content=text.encode("utf-8"), media_type=JSON)


def build_router(
    settings: ServerSettings, tokens: Sequence[str], executor: Executor
) -> APIRouter:
    """The routes of one application, bound to its settings, tokens and worker threads."""
    dependencies: list[Any] = []
    if tokens:
        bearer = HTTPBearer(auto_error=False, description="A token from the server's tokens file")

        def require_token(request: Request) -> None:
            check_bearer(request.headers.get("authorization"), tokens)

        # the scheme documents the security in OpenAPI; the check is ours (constant time)
        dependencies += [Depends(bearer), Depends(require_token)]

    async def run(work: Callable[[], T]) -> T:
        return await run_with_budget(executor, settings.timeout_s, work)

    router = APIRouter()
    v1 = APIRouter(prefix="/v1", dependencies=dependencies)

    @router.get("/healthz", response_model=Health, tags=["service"])
    async def healthz() -> Response:
        """Liveness probe: answers without authentication and without computing."""
        return json_response({"status": "ok", "version": ia_empreinte.__version__})

    @v1.get("/catalog/{table}", response_model=CatalogTable, tags=["reference data"])
    async def catalog(
        table: str = Path(
            description="Reference-data table", json_schema_extra={"enum": list(TABLES)}
        ),
    ) -> Response:
        """A reference-data table, with the source and year of every entry."""

        def work() -> Response:
            try:
                columns, rows = catalog_table(table)
            except IaEmpreinteError as exc:
                raise problem_for(exc, status=404) from None
            return json_response({"table": table, "columns": columns, "rows": rows})

        return await run(work)

    @v1.get(
        "/schemas/{name}",
        response_model=dict[str, Any],
        tags=["schemas"],
    )
    async def schema(
        name: str = Path(description="Document kind", json_schema_extra={"enum": schema_names()}),
    ) -> Response:
        """The JSON Schema (draft 2020-12) of a document kind, as ``ia-empreinte schema``."""

        def work() -> Response:
            try:
                return json_response(json_schema(name))
            except IaEmpreinteError as exc:
                raise problem_for(exc, status=404) from None

        return await run(work)

    @v1.post(
        "/validate/{kind}",
        response_model=Validation,
        tags=["validation"],
        openapi_extra=_body_doc({"type": "object"}, "The document to validate"),
    )
    async def validate(
        request: Request,
        kind: str = Path(description="Document kind", json_schema_extra={"enum": validate_kinds()}),
    ) -> Response:
        """Validate a profile, an offer or a benchmark record, as ``ia-empreinte validate``."""
        body = await request.body()
        content_type = request.headers.get("content-type")

        def work() -> Response:
            if kind not in validate_kinds():
                raise ProblemError(
                    404,
                    "unknown-kind",
                    "Unknown document kind",
                    f"unknown document kind '{kind}'; expected one of: "
                    f"{', '.join(validate_kinds())}",
                )
            data = decode_body(body, content_type)
            _, _, error = KINDS[kind]
            parse_model(model_for(kind), data, error=error)
            return json_response({"kind": kind, "valid": True})

        return await run(work)

    @v1.post(
        "/estimate",
        response_model=Estimate,
        tags=["estimation"],
        openapi_extra=request_schema(
            EstimateRequest,
            settings,
            {"profile": EXAMPLE_PROFILE, "offer": EXAMPLE_OFFER, "draws": 1000, "seed": 42},
        ),
    )
    async def estimate_route(request: Request) -> Response:
        """The footprint of an offer under a usage profile, as ``ia-empreinte estimate``.

        The answer is the document ``ia-empreinte estimate --format json`` prints, byte
        for byte, for the same profile, offer, draws and seed.
        """
        body = await request.body()
        content_type = request.headers.get("content-type")

        def work() -> Response:
            req, profile, offer = parse_estimate_request(body, content_type, settings)
            result = estimate(profile, offer, draws=req.draws, seed=req.seed)
            return Response(render_estimate(result, "json").encode("utf-8"), media_type=JSON)

        return await run(work)

    router.include_router(v1)
    return router


def _body_doc(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "description": description,
            "content": {JSON: {"schema": schema}},
        }
    }
