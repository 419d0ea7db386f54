"""The HTTP API of ia-empreinte (``ia-empreinte serve``).

FastAPI and uvicorn are imported only when an application is built, never by
``import ia_empreinte`` nor by this package's import.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from ia_empreinte.errors import ValidationFailure
from ia_empreinte.parsing import parse_model
from ia_empreinte.server.settings import ServerSettings

if TYPE_CHECKING:
    from fastapi import FastAPI

__all__ = ["ServerSettings", "create_app", "running", "serve"]


def create_app(settings: ServerSettings | None = None) -> FastAPI:
    """Build the HTTP API application (see :func:`ia_empreinte.server.app.create_app`)."""
    from ia_empreinte.server.app import create_app as build

    return build(settings)


def serve(
    settings: ServerSettings | Mapping[str, Any],
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = 1,
) -> None:
    """Serve the HTTP API under uvicorn until interrupted.

    Args:
        settings: the limits, tokens file and CORS origins, or a mapping of them (as
            ``ia-empreinte serve`` collects its options), validated here.
        host: address to listen on; loopback by default.
        port: TCP port; 0 picks a free one.
        workers: worker processes.

    Raises:
        ValidationFailure: a setting is out of range.
        InputFileError: the tokens file cannot be read or holds no valid token.
    """
    from ia_empreinte.server.runner import serve as run

    if not isinstance(settings, ServerSettings):
        settings = parse_model(ServerSettings, dict(settings), error=ValidationFailure)
    run(settings, host=host, port=port, workers=workers)


def running(
    settings: ServerSettings | None = None,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    compute_slots: int | None = None,
    waiting: int | None = None,
) -> AbstractContextManager[str]:
    """The HTTP API in a background thread (see :func:`ia_empreinte.server.runner.running`)."""
    from ia_empreinte.server.runner import running as run

    return run(settings, host=host, port=port, compute_slots=compute_slots, waiting=waiting)
