"""The routes of the HTTP API, each a thin layer over one library function.

Reading routes answer from the reference data, the schemas and the shipped profiles;
computing routes hand the raw body to :mod:`ia_empreinte.server.work`, which decodes it
like a CLI input file, validates it with the library and renders with the CLI's
renderers. All work runs in a worker thread under the server's time budget.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from typing import Any, Literal, TypeVar

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.security import HTTPBearer
from pydantic import BaseModel, ConfigDict

from ia_empreinte import (
    Comparison,
    Estimate,
    Fiche,
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
from ia_empreinte.inputs.documents import parse_model
from ia_empreinte.kinds import ERRORS, INPUT_KINDS
from ia_empreinte.records import BenchmarkRecord
from ia_empreinte.records.store import checked
from ia_empreinte.render.i18n import Lang
from ia_empreinte.schemas import model_for
from ia_empreinte.server.bodies import (
    EXAMPLE_OFFER,
    EXAMPLE_PROFILE,
    JSON,
    CompareRequest,
    EstimateRequest,
    ReportRequest,
    decode_body,
    request_schema,
)
from ia_empreinte.server.limits import check_bearer, run_with_budget
from ia_empreinte.server.problems import ProblemError, problem_for
from ia_empreinte.server.settings import ServerSettings
from ia_empreinte.server.work import (
    COMPARISON_MEDIA,
    REPORT_MEDIA,
    ComparisonFormat,
    FicheVerification,
    RecordVerification,
    Reply,
    ReportFormat,
    VerifyKind,
    compare_reply,
    estimate_reply,
    report_format,
    report_reply,
    verify_reply,
)

__all__ = ["build_router"]

T = TypeVar("T")

# query parameters (module-level: FastAPI reads them as the parameters' defaults)
_COMPARISON_FORMAT = Query("json", description="Output format, as compare --format")
_REPORT_FORMAT = Query(None, description="Fiche format; wins over the Accept header")
_LANG = Query("fr", description="Language of the sheet or the markdown output")
_VERIFY_KIND = Query(None, description="Document kind; detected from 'schema' when absent")
_PUBLIC_KEY = Query(
    None, description="Vendor's Ed25519 public key (64 hex characters) a record must be signed with"
)


class Health(BaseModel):
    """Answer of ``GET /healthz``."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    status: Literal["ok"]
    version: str


class Table(BaseModel):
    """Rows as ``ia-empreinte catalog TABLE --format json`` or ``profiles list`` give them."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    table: str
    columns: list[str]
    rows: list[dict[str, Any]]


class Validation(BaseModel):
    """Answer of ``POST /v1/validate/{kind}`` for a valid document."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: str
    valid: Literal[True]


def validate_kinds() -> list[str]:
    """Kinds ``POST /v1/validate/{kind}`` accepts (those ``ia-empreinte validate`` does)."""
    return list(INPUT_KINDS)


def json_response(data: Any) -> Response:
    """A compact JSON response; refuses NaN and infinities like the CLI's JSON output."""
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return Response(content=text.encode("utf-8"), media_type=JSON)


def _response(reply: Reply) -> Response:
    return Response(reply.content, media_type=reply.media_type, headers=reply.headers)


def _other_media(media: dict[str, str], binary: Sequence[str] = ()) -> dict[int | str, Any]:
    """OpenAPI ``responses`` entry for the non-JSON media types of a 200 answer."""
    content = {
        m: {"schema": {"type": "string", **({"format": "binary"} if f in binary else {})}}
        for f, m in media.items()
        if m != JSON
    }
    return {200: {"content": content}}


def _path(description: str, enum: list[str]) -> Any:
    return Path(description=description, json_schema_extra={"enum": enum})


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
    example = {"profile": EXAMPLE_PROFILE, "offers": [EXAMPLE_OFFER], "options": {"draws": 200}}

    @router.get("/healthz", response_model=Health, tags=["service"])
    async def healthz() -> Response:
        """Liveness probe: answers without authentication and without computing."""
        return json_response({"status": "ok", "version": __version__})

    @v1.get("/catalog/{table}", response_model=Table, tags=["reference data"])
    async def catalog(table: str = _path("Reference-data table", list(TABLES))) -> Response:
        """A reference-data table, with the source and year of every entry."""

        def work() -> Response:
            try:
                columns, rows = catalog_table(table)
            except IaEmpreinteError as exc:
                raise problem_for(exc, status=404) from None
            return json_response({"table": table, "columns": columns, "rows": rows})

        return await run(work)

    @v1.get("/schemas/{name}", response_model=dict[str, Any], tags=["schemas"])
    async def schema(name: str = _path("Document kind", schema_names())) -> Response:
        """The JSON Schema (draft 2020-12) of a document kind, as ``ia-empreinte schema``."""

        def work() -> Response:
            try:
                return json_response(json_schema(name))
            except IaEmpreinteError as exc:
                raise problem_for(exc, status=404) from None

        return await run(work)

    @v1.get("/profiles", response_model=Table, tags=["profiles"])
    async def profiles() -> Response:
        """The usage profiles shipped with the package, as ``ia-empreinte profiles list``."""

        def work() -> Response:
            columns, rows = shipped_profiles_table()
            return json_response({"table": "profiles", "columns": columns, "rows": rows})

        return await run(work)

    @v1.get("/profiles/{ident}", response_model=UsageProfile, tags=["profiles"])
    async def profile(
        ident: str = _path("Shipped profile id", shipped_profile_ids()),
    ) -> Response:
        """One shipped usage profile, validated, ready to post to ``/v1/estimate``."""

        def work() -> Response:
            try:
                found = shipped_profile(ident)
            except IaEmpreinteError as exc:
                raise problem_for(exc, status=404) from None
            return json_response(found.model_dump(mode="json"))

        return await run(work)

    @v1.post(
        "/validate/{kind}",
        response_model=Validation,
        tags=["validation"],
        openapi_extra={
            "requestBody": {
                "required": True,
                "description": "The document to validate, as in a file of this kind",
                "content": {JSON: {"schema": {"type": "object"}, "example": EXAMPLE_OFFER}},
            }
        },
    )
    async def validate(
        request: Request, kind: str = _path("Document kind", validate_kinds())
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
            model = parse_model(model_for(kind), data, error=ERRORS[kind])
            if isinstance(model, BenchmarkRecord):
                # sealed and plausible, as the records an estimate accepts
                checked(model, "record")
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
    async def estimate(request: Request) -> Response:
        """The footprint of an offer under a usage profile, as ``ia-empreinte estimate``.

        The answer is the document ``ia-empreinte estimate --format json`` prints, byte
        for byte, for the same profile, offer, draws and seed.
        """
        body = await request.body()
        content_type = request.headers.get("content-type")
        return _response(await run(lambda: estimate_reply(body, content_type, settings)))

    @v1.post(
        "/compare",
        response_model=Comparison,
        tags=["estimation"],
        responses=_other_media(COMPARISON_MEDIA),
        openapi_extra=request_schema(CompareRequest, settings, example),
    )
    async def compare(
        request: Request,
        format: ComparisonFormat = _COMPARISON_FORMAT,
        lang: Lang = _LANG,
    ) -> Response:
        """Compare offers on one profile on shared draws, as ``ia-empreinte compare``.

        Ranking, P(A < B), drivers and marks; the JSON is ``compare --format json``.
        """
        body = await request.body()
        content_type = request.headers.get("content-type")
        return _response(
            await run(lambda: compare_reply(body, content_type, settings, format, lang))
        )

    @v1.post(
        "/report",
        response_model=Fiche,
        tags=["estimation"],
        responses={
            **_other_media(REPORT_MEDIA, binary=("pdf", "xlsx")),
            406: {"description": "Accept names no fiche format"},
        },
        openapi_extra=request_schema(ReportRequest, settings, example),
    )
    async def report(
        request: Request,
        format: ReportFormat | None = _REPORT_FORMAT,
        lang: Lang = _LANG,
    ) -> Response:
        """The procurement sheet (fiche) comparing offers, as ``ia-empreinte report``.

        The format comes from ``format`` or else from ``Accept``: JSON (the canonical
        fiche that ``/v1/verify`` checks), PDF, XLSX, HTML or Markdown.
        """
        fmt = report_format(request.headers.get("accept"), format)
        body = await request.body()
        content_type = request.headers.get("content-type")
        return _response(
            await run(lambda: report_reply(body, content_type, settings, fmt, lang))
        )

    @v1.post(
        "/verify",
        response_model=FicheVerification | RecordVerification,
        tags=["verification"],
        openapi_extra={
            "requestBody": {
                "required": True,
                "description": "A fiche (JSON from /v1/report) or a benchmark record file",
                "content": {JSON: {"schema": {"type": "object"}}},
            }
        },
    )
    async def verify(
        request: Request,
        kind: VerifyKind | None = _VERIFY_KIND,
        public_key: str | None = _PUBLIC_KEY,
    ) -> Response:
        """Recompute a fiche (``ia-empreinte verify``) or check a record (``bench verify``).

        A fiche answers ``ok`` and the figures that differ; a record that breaks a rule
        answers a 422 problem naming the rule, as the CLI does.
        """
        body = await request.body()
        content_type = request.headers.get("content-type")
        return _response(await run(lambda: verify_reply(body, content_type, kind, public_key)))

    router.include_router(v1)
    return router
