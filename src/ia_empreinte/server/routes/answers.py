"""What every route shares: JSON answers, the models of the reading routes, helpers.

A route module builds its :class:`~fastapi.APIRouter` from a :class:`Context`: the
server's settings and the two ways to run work off the event loop (cheap reads on a
small pool, computations in the bounded computing slots).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from fastapi import Path, Response
from pydantic import BaseModel, ConfigDict

from ia_empreinte.kinds import INPUT_KINDS
from ia_empreinte.server.bodies import JSON
from ia_empreinte.server.settings import ServerSettings
from ia_empreinte.server.work import Reply

__all__ = [
    "Context",
    "Health",
    "Table",
    "Validation",
    "json_response",
    "other_media",
    "path_param",
    "reply_response",
    "validate_kinds",
]

T = TypeVar("T")


@dataclass(frozen=True)
class Context:
    """What the routes of one application are bound to."""

    settings: ServerSettings
    read: Callable[[Callable[[], Any]], Awaitable[Any]]
    """Runs cheap work (reference data, schemas) on the reading pool under the budget."""
    compute: Callable[..., Awaitable[Any]]
    """``compute(work, *args)`` runs ``work(*args)`` in a computing slot (503 at once
    when all slots are taken). ``work`` is a module-level function and the arguments
    plain values: the slot may be another process."""


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


def reply_response(reply: Reply) -> Response:
    """The response of a computing route's :class:`~ia_empreinte.server.work.Reply`."""
    return Response(reply.content, media_type=reply.media_type, headers=reply.headers)


def other_media(media: dict[str, str], binary: Sequence[str] = ()) -> dict[int | str, Any]:
    """OpenAPI ``responses`` entry for the non-JSON media types of a 200 answer."""
    content = {
        m: {"schema": {"type": "string", **({"format": "binary"} if f in binary else {})}}
        for f, m in media.items()
        if m != JSON
    }
    return {200: {"content": content}}


def path_param(description: str, enum: list[str]) -> Any:
    """A path parameter documented with its allowed values."""
    return Path(description=description, json_schema_extra={"enum": enum})
