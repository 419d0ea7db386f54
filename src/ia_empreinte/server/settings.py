"""Settings of the HTTP API: request limits, authentication and CORS.

Settings are an explicit value passed to :func:`ia_empreinte.server.create_app`; the
server reads no configuration file and no environment variable of its own (the
``serve`` command hands them to its worker processes, see :func:`to_environ`).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from ia_empreinte._files import read_input_bytes
from ia_empreinte.errors import InputFileError, ValidationFailure
from ia_empreinte.parsing import parse_model

__all__ = [
    "MIN_TOKEN_CHARS",
    "SETTINGS_ENV",
    "ServerSettings",
    "from_environ",
    "read_tokens",
    "to_environ",
]

MIN_TOKEN_CHARS = 16
"""Shortest bearer token accepted: anything shorter is guessable, not a secret."""

SETTINGS_ENV = "IA_EMPREINTE_SERVER_SETTINGS"
"""Internal: how ``ia-empreinte serve --workers N`` hands its settings to the workers."""

_MAX_TOKENS_FILE_BYTES = 1024 * 1024


class ServerSettings(BaseModel):
    """Limits and options of one HTTP API instance.

    Every limit answers a client that exceeds it with a problem document (RFC 9457):
    413 for a body over ``max_body_bytes``, 422 for more than ``max_draws`` draws or
    ``max_offers`` offers, 503 when a request runs past ``timeout_s``.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_body_bytes: Annotated[int, Field(ge=1024, le=64 * 1024 * 1024)] = 1024 * 1024
    """Largest request body accepted, in bytes (default 1 MiB)."""
    max_draws: Annotated[int, Field(ge=1, le=10_000_000)] = 100_000
    """Most Monte Carlo draws one request may ask for."""
    max_offers: Annotated[int, Field(ge=1, le=1000)] = 20
    """Most offers one comparison or report may hold."""
    timeout_s: Annotated[float, Field(gt=0, le=3600)] = 30.0
    """Time budget of one request, in seconds, from body parsing to the response."""
    tokens_file: Path | None = None
    """File of accepted bearer tokens, one per line; None disables authentication."""
    cors_origins: tuple[str, ...] = ()
    """Origins allowed by CORS; empty (the default) sends no CORS header at all."""
    registry_url: str | None = None
    """Database of the ``/v1/registry`` routes (SQLAlchemy URL, see
    :mod:`ia_empreinte.registry`); None (the default) serves no registry route."""
    compute: Literal["threads", "processes"] = "threads"
    """Where computations run: threads of the server process (the default, for an
    application embedded in another server), or one worker process per computing slot
    (``ia-empreinte serve``'s default: concurrent estimates then use every core)."""


def read_tokens(path: Path) -> tuple[str, ...]:
    """Read the bearer tokens of a tokens file.

    One token per line; blank lines and lines starting with ``#`` are ignored, and
    surrounding spaces are stripped.

    Raises:
        InputFileError: the file cannot be read, holds no token, or holds a token
            shorter than :data:`MIN_TOKEN_CHARS` characters, with inner spaces or
            with characters other than printable ASCII; a FIFO, a device or a file
            over 1 MiB is refused before reading.
    """
    name = str(path)
    # a FIFO or /dev/zero is refused before reading, not waited on or read without end
    content = read_input_bytes(path, limit=_MAX_TOKENS_FILE_BYTES)
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        raise InputFileError("not UTF-8 text; expected one token per line", file=name) from None
    tokens: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        token = raw.strip()
        if not token or token.startswith("#"):
            continue
        if len(token) < MIN_TOKEN_CHARS or any(c.isspace() for c in token):
            raise InputFileError(
                f"line {number}: a token must be at least {MIN_TOKEN_CHARS} characters "
                "without spaces",
                file=name,
            )
        if not all("!" <= c <= "~" for c in token):
            # an HTTP header carries ASCII only: such a token could never be sent
            raise InputFileError(
                f"line {number}: a token must be printable ASCII characters (letters, "
                "digits, punctuation); an HTTP header cannot carry others",
                file=name,
            )
        tokens.append(token)
    if not tokens:
        raise InputFileError(
            "no token in the file; expected one token per line", file=name
        )
    return tuple(tokens)


def to_environ(settings: ServerSettings) -> dict[str, str]:
    """The environment entry that hands ``settings`` to uvicorn's worker processes."""
    return {SETTINGS_ENV: settings.model_dump_json()}


def from_environ() -> ServerSettings:
    """The settings handed over by :func:`to_environ` (defaults when there are none)."""
    raw = os.environ.get(SETTINGS_ENV)
    if raw is None:
        return ServerSettings()
    return parse_model(ServerSettings, json.loads(raw), error=ValidationFailure)
