"""Running the HTTP API under uvicorn (what ``ia-empreinte serve`` calls)."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn

from ia_empreinte.errors import ValidationFailure
from ia_empreinte.server.app import create_app
from ia_empreinte.server.settings import ServerSettings, read_tokens, to_environ

__all__ = ["running", "serve"]


def serve(
    settings: ServerSettings, *, host: str = "127.0.0.1", port: int = 8000, workers: int = 1
) -> None:
    """Serve the HTTP API until interrupted.

    uvicorn's access log (one line per request, a measurable share of a small
    request's time) is off; start-up, shutdown and faults are still logged.

    Args:
        settings: limits, tokens file and CORS origins.
        host: address to listen on; the loopback address by default, so a server is
            only reachable from elsewhere when asked for.
        port: TCP port; 0 picks a free one (uvicorn logs which).
        workers: worker processes; each builds its own application from ``settings``.

    Raises:
        InputFileError: the tokens file cannot be read or holds no valid token
            (checked before listening, so a bad file never starts a server).
        ValidationFailure: port 0 with several workers.
    """
    if workers > 1 and port == 0:
        # uvicorn would report port 0: the workers share a socket it binds itself
        raise ValidationFailure("port 0 (any free port) needs a single worker; give a port")
    if settings.tokens_file is not None:
        read_tokens(settings.tokens_file)
    if workers == 1:
        uvicorn.run(create_app(settings), host=host, port=port, log_level="info",
                    access_log=False)
        return
    # worker processes import the factory by name and read the settings it is handed
    os.environ.update(to_environ(settings))
    uvicorn.run(
        "ia_empreinte.server.app:create_app_from_environ",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        access_log=False,
    )


@contextmanager
def running(
    settings: ServerSettings | None = None,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    compute_slots: int | None = None,
    waiting: int | None = None,
) -> Iterator[str]:
    """Run the HTTP API in a background thread for the duration of a ``with`` block.

    For tests and for embedding next to another Python service. Yields the base URL,
    e.g. ``http://127.0.0.1:51234``; the server stops when the block exits.
    ``compute_slots`` and ``waiting`` are those of :func:`~ia_empreinte.server.app.create_app`.

    Raises:
        InputFileError: the tokens file cannot be read or holds no valid token.
        RuntimeError: the server did not start within 10 seconds.
    """

    app = create_app(settings, compute_slots=compute_slots, waiting=waiting)
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="ia-empreinte-api", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError(f"the HTTP API did not start on {host}:{port}")
        time.sleep(0.01)
    bound = server.servers[0].sockets[0].getsockname()
    try:
        yield f"http://{host}:{bound[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
