"""Computing routes: estimate, compare and the procurement sheet, in computing slots."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request, Response

from ia_empreinte import Comparison, Estimate, Fiche
from ia_empreinte.render.i18n import Lang
from ia_empreinte.server.bodies import (
    EXAMPLE_OFFER,
    EXAMPLE_PROFILE,
    CompareRequest,
    EstimateRequest,
    ReportRequest,
    request_schema,
)
from ia_empreinte.server.routes.answers import Context, other_media, reply_response
from ia_empreinte.server.work import (
    COMPARISON_MEDIA,
    REPORT_MEDIA,
    ComparisonFormat,
    ReportFormat,
    compare_reply,
    estimate_reply,
    report_format,
    report_reply,
)

__all__ = ["compute_router"]

# query parameters (module-level: FastAPI reads them as the parameters' defaults)
_COMPARISON_FORMAT = Query("json", description="Output format, as compare --format")
_REPORT_FORMAT = Query(None, description="Fiche format; wins over the Accept header")
_LANG = Query("fr", description="Language of the sheet or the markdown output")


def compute_router(ctx: Context) -> APIRouter:
    """``POST /v1/estimate``, ``/v1/compare`` and ``/v1/report``."""
    router = APIRouter()
    settings = ctx.settings
    example = {"profile": EXAMPLE_PROFILE, "offers": [EXAMPLE_OFFER], "options": {"draws": 200}}

    @router.post(
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
        return reply_response(
            await ctx.compute(estimate_reply, body, content_type, settings)
        )

    @router.post(
        "/compare",
        response_model=Comparison,
        tags=["estimation"],
        responses=other_media(COMPARISON_MEDIA),
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
        return reply_response(
            await ctx.compute(compare_reply, body, content_type, settings, format, lang)
        )

    @router.post(
        "/report",
        response_model=Fiche,
        tags=["estimation"],
        responses={
            **other_media(REPORT_MEDIA, binary=("pdf", "xlsx")),
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
        return reply_response(
            await ctx.compute(report_reply, body, content_type, settings, fmt, lang)
        )

    return router
