"""The ``serve`` command: the HTTP API for tender platforms."""

from __future__ import annotations

import socket
from pathlib import Path

import click
from pydantic import ValidationError

from ia_empreinte.server import ServerSettings
from ia_empreinte.server import serve as run_server
from ia_empreinte.server.settings import read_tokens
from ia_empreinte_cli.errors import CliError, needs_extra

__all__ = ["serve"]

_DEFAULTS = ServerSettings()


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
    help="TCP port (0: any free port).",
)
@click.option(
    "--workers", type=click.IntRange(1, 256), default=1, show_default=True,
    help="Worker processes.",
)
@click.option(
    "--tokens-file", type=click.Path(path_type=Path), default=None,
    help="Require 'Authorization: Bearer TOKEN' with a token from this file (one per line).",
)
@click.option(
    "--max-body-bytes", type=int, default=_DEFAULTS.max_body_bytes, show_default=True,
    help="Largest request body (larger: 413).",
)
@click.option(
    "--max-draws", type=int, default=_DEFAULTS.max_draws, show_default=True,
    help="Most Monte Carlo draws per request (more: 422).",
)
@click.option(
    "--max-offers", type=int, default=_DEFAULTS.max_offers, show_default=True,
    help="Most offers per comparison or report (more: 422).",
)
@click.option(
    "--timeout-s", type=float, default=_DEFAULTS.timeout_s, show_default=True,
    help="Time budget of one request in seconds (past it: 503).",
)
@click.option(
    "--cors-origin", "cors_origins", multiple=True,
    help="Allow this origin by CORS (repeatable); no CORS header is sent without one.",
)
@click.option(
    "--registry-url", metavar="URL",
    help="Serve the registry routes (/v1/registry) on this database (see `registry init`).",
)
@click.option(
    "--compute", type=click.Choice(["processes", "threads"]), default="processes",
    show_default=True,
    help="Run computations in one process per CPU core (concurrent requests use every "
    "core), or in threads of each worker.",
)
def serve(
    host: str,
    port: int,
    workers: int,
    tokens_file: Path | None,
    max_body_bytes: int,
    max_draws: int,
    max_offers: int,
    timeout_s: float,
    cors_origins: tuple[str, ...],
    registry_url: str | None,
    compute: str,
) -> None:
    """Serve the HTTP API (OpenAPI document at /openapi.json) until interrupted.

    Every route gives the same figures and messages as the CLI; errors are
    application/problem+json documents (RFC 9457).
    """
    needs_extra("serve", "server", "fastapi", "uvicorn")
    settings = {
        "max_body_bytes": max_body_bytes,
        "max_draws": max_draws,
        "max_offers": max_offers,
        "timeout_s": timeout_s,
        "tokens_file": tokens_file,
        "cors_origins": cors_origins,
        "registry_url": registry_url,
        "compute": compute,
    }
    try:
        ServerSettings.model_validate(settings)
    except ValidationError:
        pass  # run_server names the setting in one line, before listening
    else:  # a bad tokens file is named before a busy port, as before
        if tokens_file is not None:
            read_tokens(tokens_file)
        _check_listen(host, port)
    run_server(settings, host=host, port=port, workers=workers)


def _check_listen(host: str, port: int) -> None:
    """Bind ``host:port`` once before starting uvicorn, so that a bad address or a busy
    port is one line and exit code 2, not uvicorn's log and exit code 3.

    Raises:
        CliError: the address does not resolve, is not one of this machine's, or the
            port is taken or not allowed.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                   flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError) as exc:
        reason = exc.strerror if isinstance(exc, socket.gaierror) else str(exc)
        raise CliError(f"--host {host}: not a usable address ({reason})") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
        try:
            probe.bind(address)
        except OSError as exc:
            raise CliError(
                f"--host {host} --port {port}: cannot listen there ({exc.strerror})"
            ) from None
