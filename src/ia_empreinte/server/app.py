"""The FastAPI application: limits, problem documents and the OpenAPI contract.

:func:`create_app` builds one stateless application from :class:`ServerSettings`.
Routes live in :mod:`ia_empreinte.server.routes`; every one is a thin layer over the
library functions the CLI calls, so the HTTP API gives the CLI's figures and messages.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.staticfiles import StaticFiles

from ia_empreinte._version import __version__
from ia_empreinte.errors import IaEmpreinteError
from ia_empreinte.server.bodies import document_components
from ia_empreinte.server.http import HeadAsGet, ProblemCORS
from ia_empreinte.server.limits import BodyLimit, ComputeSlots
from ia_empreinte.server.problems import MEDIA_TYPE, Problem, ProblemError, problem_for
from ia_empreinte.server.routes import build_router
from ia_empreinte.server.settings import ServerSettings, from_environ, read_tokens
from ia_empreinte.server.web import static_files_root, web_router

__all__ = ["create_app", "create_app_from_environ", "default_compute_slots"]

logger = logging.getLogger(__name__)

DESCRIPTION = """\
Estimate, compare and document the environmental footprint of AI services for public
procurement: the HTTP face of the `ia-empreinte` library and CLI, with the same
figures and the same messages.

Errors are problem documents (RFC 9457, `application/problem+json`): `detail` is the
message the CLI prints, `pointer` the offending member of the request body (RFC 6901).
"""

DEFAULT_WAITING = 64
"""Requests that may wait for a computing slot (each holds at most its body)."""

_PROBLEM_STATUSES = {
    "400": "Unreadable request (malformed JSON, bad header)",
    "404": "Unknown resource named in the path",
    "413": "Request body larger than the server's limit",
    "415": "Request body is not JSON",
    "422": "Invalid input: the problem document names the field",
    "500": "Server fault (never caused by input)",
    "503": "Time budget exceeded, or every computing slot busy (see Retry-After)",
}


def create_app(
    settings: ServerSettings | None = None,
    *,
    compute_slots: int | None = None,
    waiting: int | None = None,
) -> FastAPI:
    """Build the HTTP API application.

    Args:
        settings: limits, tokens file and CORS origins; defaults when None.
        compute_slots: computations run at once (default: the usable CPU cores).
        waiting: requests that may wait for a computing slot beyond those (default
            64: a waiting request holds only its body); more are answered 503 at once.

    Raises:
        InputFileError: the tokens file cannot be read or holds no valid token.
    """
    settings = settings or ServerSettings()
    tokens = read_tokens(settings.tokens_file) if settings.tokens_file is not None else ()
    # owned by this app; nothing runs on the event loop. Reading routes get a small
    # pool of their own, so they answer while every computing slot is busy.
    executor = ThreadPoolExecutor(max_workers=4, thread_name_prefix="ia-read")
    count = compute_slots or default_compute_slots()
    slots = ComputeSlots(count, DEFAULT_WAITING if waiting is None else waiting,
                         settings.timeout_s, processes=settings.compute == "processes")

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await slots.start()
        yield
        executor.shutdown(wait=False, cancel_futures=True)
        slots.shutdown()

    app = FastAPI(
        title="ia-empreinte",
        version=__version__,
        description=DESCRIPTION,
        docs_url=None,  # Swagger UI would load scripts from a CDN; the contract is the JSON
        redoc_url=None,
        openapi_url="/openapi.json",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.include_router(build_router(settings, tokens, executor, slots))
    # the buyer's web application: pages at /, assets at /static (same limits, tokens)
    app.include_router(web_router(settings, tokens, slots.run))
    app.mount("/static", StaticFiles(directory=static_files_root()), name="static")
    _install_error_handlers(app)
    # an oversized body is refused before any route or parser reads it
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    # HEAD is GET without the body (RFC 9110 section 9.3.2), on every GET route
    app.add_middleware(HeadAsGet)
    if settings.cors_origins:
        # outermost, so that every answer (a 413 included) carries the CORS headers
        app.add_middleware(
            ProblemCORS,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "HEAD", "POST"],
            allow_headers=["Authorization", "Content-Type", "Accept"],
        )

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _openapi(app, protected=bool(tokens))
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


def default_compute_slots() -> int:
    """Computing slots of one server process: the CPU cores this process may use."""
    import os

    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def create_app_from_environ() -> FastAPI:
    """Factory for uvicorn worker processes started by ``ia-empreinte serve --workers N``."""
    return create_app(from_environ())


def _problem_response(error: ProblemError, request: Request) -> JSONResponse:
    problem = error.problem(instance=request.url.path)
    return JSONResponse(
        problem.model_dump(exclude_none=True),
        status_code=error.status,
        media_type=MEDIA_TYPE,
        headers=error.headers,
    )


def _install_error_handlers(app: FastAPI) -> None:
    async def on_problem(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ProblemError)
        return _problem_response(exc, request)

    async def on_library_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, IaEmpreinteError)
        return _problem_response(problem_for(exc), request)

    async def on_validation(request: Request, exc: Exception) -> JSONResponse:
        # only path and query parameters reach here: bodies are parsed by the library
        assert isinstance(exc, RequestValidationError)
        first = exc.errors()[0]
        loc = [p for p in first.get("loc", ()) if p not in ("path", "query", "header")]
        return _problem_response(
            ProblemError(
                404 if first.get("loc", ("",))[0] == "path" else 422,
                "invalid-parameter",
                "Invalid parameter",
                f"{'.'.join(str(p) for p in loc)}: {first.get('msg', 'invalid value')}",
            ),
            request,
        )

    async def on_http(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        return _problem_response(
            ProblemError(
                exc.status_code,
                "http-" + str(exc.status_code),
                _reason(exc.status_code),
                str(exc.detail),
                headers=dict(exc.headers or {}),
            ),
            request,
        )

    async def on_fault(request: Request, exc: Exception) -> JSONResponse:
        logger.exception("fault while serving %s %s", request.method, request.url.path)
        return _problem_response(
            ProblemError(
                500,
                "internal-error",
                "Internal server error",
                "the server failed while handling this request; this is a bug in "
                "ia-empreinte, not a problem with the input",
                # the fault is re-raised to the server, which then drops the connection:
                # say so, so that a client does not send its next request on it
                headers={"Connection": "close"},
            ),
            request,
        )

    app.add_exception_handler(ProblemError, on_problem)
    app.add_exception_handler(IaEmpreinteError, on_library_error)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(Exception, on_fault)


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def _openapi(app: FastAPI, *, protected: bool) -> dict[str, Any]:
    """The OpenAPI document, with every error answered as a problem document."""
    schema = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=app.routes,
    )
    components = schema.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    schemas["Problem"] = Problem.model_json_schema()
    for name, component in document_components().items():
        if schemas.setdefault(name, component) != component:
            raise RuntimeError(f"two OpenAPI components are named {name!r}")
    ref = {"$ref": "#/components/schemas/Problem"}
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            statuses = dict(_PROBLEM_STATUSES)
            if protected and operation.get("security"):
                statuses["401"] = "Missing or unknown bearer token"
            for code, description in statuses.items():
                content = {MEDIA_TYPE: {"schema": ref}}
                responses[code] = {"description": description, "content": content}
    if not protected:
        components.pop("securitySchemes", None)
    return schema
