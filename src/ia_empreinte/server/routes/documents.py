"""Document routes: validate an input document, verify a fiche or a benchmark record."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request, Response

from ia_empreinte.server.bodies import EXAMPLE_OFFER, JSON
from ia_empreinte.server.routes.answers import (
    Context,
    Validation,
    path_param,
    reply_response,
    validate_kinds,
)
from ia_empreinte.server.work import (
    FicheVerification,
    RecordVerification,
    VerifyKind,
    validate_reply,
    verify_reply,
)

__all__ = ["documents_router"]

_VERIFY_KIND = Query(None, description="Document kind; detected from 'schema' when absent")
_PUBLIC_KEY = Query(
    None, description="Vendor's Ed25519 public key (64 hex characters) a record must be signed with"
)


def documents_router(ctx: Context) -> APIRouter:
    """``POST /v1/validate/{kind}`` and ``POST /v1/verify``, in computing slots (a
    fiche is recomputed; a large document takes time to parse)."""
    router = APIRouter()

    @router.post(
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
        request: Request, kind: str = path_param("Document kind", validate_kinds())
    ) -> Response:
        """Validate a profile, an offer or a benchmark record, as ``ia-empreinte validate``."""
        body = await request.body()
        content_type = request.headers.get("content-type")
        return reply_response(await ctx.compute(validate_reply, body, content_type, kind))

    @router.post(
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
        answers a 422 problem naming the rule, as the CLI does. A fiche asking for more
        draws or offers than this server accepts is refused before any recomputation.
        """
        body = await request.body()
        content_type = request.headers.get("content-type")
        settings = ctx.settings
        return reply_response(
            await ctx.compute(verify_reply, body, content_type, kind, public_key, settings)
        )

    return router
