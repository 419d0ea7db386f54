"""The routes of the HTTP API, grouped by area, each a thin layer over one library function.

- :mod:`~ia_empreinte.server.routes.catalog`: health, reference data, schemas, profiles;
- :mod:`~ia_empreinte.server.routes.compute`: estimate, compare, report;
- :mod:`~ia_empreinte.server.routes.documents`: validate and verify documents.

Reading routes answer from the reference data, the schemas and the shipped profiles on
a small reading pool; computing routes hand the raw body to
:mod:`ia_empreinte.server.work`, which decodes it like a CLI input file, validates it
with the library and renders with the CLI's renderers, in one of the server's bounded
computing slots (:class:`~ia_empreinte.server.limits.ComputeSlots`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from typing import Any, TypeVar

from fastapi import APIRouter, Depends, Request
from fastapi.security import HTTPBearer

from ia_empreinte.registry import open_registry
from ia_empreinte.server.limits import ComputeSlots, check_bearer, run_with_budget
from ia_empreinte.server.routes.answers import Context, json_response, validate_kinds
from ia_empreinte.server.routes.catalog import health_router, reading_router
from ia_empreinte.server.routes.compute import compute_router
from ia_empreinte.server.routes.documents import documents_router
from ia_empreinte.server.routes.registry import registry_router
from ia_empreinte.server.settings import ServerSettings

__all__ = ["build_router", "json_response", "validate_kinds"]

T = TypeVar("T")


def build_router(
    settings: ServerSettings,
    tokens: Sequence[str],
    executor: Executor,
    slots: ComputeSlots,
) -> APIRouter:
    """The routes of one application, bound to its settings, tokens, reading pool and
    computing slots."""
    dependencies: list[Any] = []
    if tokens:
        bearer = HTTPBearer(auto_error=False, description="A token from the server's tokens file")

        def require_token(request: Request) -> None:
            check_bearer(request.headers.get("authorization"), tokens)

        # the scheme documents the security in OpenAPI; the check is ours (constant time)
        dependencies += [Depends(bearer), Depends(require_token)]

    async def read(work: Callable[[], T]) -> T:
        return await run_with_budget(executor, settings.timeout_s, work)

    ctx = Context(settings=settings, read=read, compute=slots.run)
    router = APIRouter()
    router.include_router(health_router())
    v1 = APIRouter(prefix="/v1", dependencies=dependencies)
    v1.include_router(reading_router(ctx))
    v1.include_router(documents_router(ctx))
    v1.include_router(compute_router(ctx))
    router.include_router(v1)
    if settings.registry_url is not None:
        # public reads; writes carry an organisation's token, checked by the registry
        router.include_router(registry_router(ctx, open_registry(settings.registry_url)))
    return router
