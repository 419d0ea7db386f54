"""The HTTP API of ia-empreinte (``ia-empreinte serve``).

FastAPI and uvicorn are imported only when an application is built, never by
``import ia_empreinte`` nor by this package's import.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

from ia_empreinte.server.settings import ServerSettings

if TYPE_CHECKING:
    from fastapi import FastAPI

__all__ = ["ServerSettings", "create_app", "running", "serve"]


def create_app(settings: ServerSettings | None = None) -> FastAPI:
    """Build the HTTP API application (see :func:`ia_empreinte.server.app.create_app`)."""
    from ia_empreinte.server.app import create_app as build

    return build(settings)


def serve(
    settings: ServerSettings, *, host: str = "127.0.0.1", port: int = 8000, workers: int = 1
) -> None:
    """Serve the HTTP API under uvicorn (see :func:`ia_empreinte.server.runner.serve`)."""
    from ia_empreinte.server.runner import serve as run

    run(settings, host=host, port=port, workers=workers)


def running(
    settings: ServerSettings | None = None, *, host: str = "127.0.0.1", port: int = 0
) -> AbstractContextManager[str]:
    """The HTTP API in a background thread (see :func:`ia_empreinte.server.runner.running`)."""
    from ia_empreinte.server.runner import running as run

    return run(settings, host=host, port=port)
