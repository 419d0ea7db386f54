"""HTTP details every route shares: HEAD on GET routes, and CORS answers as problems.

Both are plain ASGI middlewares around the application (:func:`create_app` installs
them): ``HEAD`` is answered as ``GET`` without the body (RFC 9110 section 9.3.2), and
a refused CORS preflight is a problem document (RFC 9457) like every other error.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response

from ia_empreinte.server.problems import MEDIA_TYPE, ProblemError

__all__ = ["HeadAsGet", "ProblemCORS"]

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Any]
Send = Callable[[Message], Any]


class HeadAsGet:
    """ASGI middleware answering ``HEAD`` like ``GET``: same status and headers
    (``Content-Length`` included), no body. A route without ``GET`` still answers 405."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Any]) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, without_body)


class ProblemCORS(CORSMiddleware):
    """Starlette's CORS middleware, whose refused preflight is a problem document."""

    def preflight_response(self, request_headers: Headers) -> Response:
        """The preflight answer; a refusal is ``application/problem+json``."""
        response = super().preflight_response(request_headers)
        if response.status_code < 400:
            return response
        refused = bytes(response.body).decode("utf-8").removeprefix("Disallowed CORS ")
        error = ProblemError(
            response.status_code,
            "cors-refused",
            "CORS preflight refused",
            f"this server's CORS policy does not allow the requested {refused}; allowed "
            f"origins are those given to ia-empreinte serve --cors-origin",
        )
        headers = {
            k: v for k, v in response.headers.items()
            if k.lower() not in ("content-type", "content-length")
        }
        return Response(
            error.problem().model_dump_json(exclude_none=True),
            status_code=error.status,
            media_type=MEDIA_TYPE,
            headers=headers,
        )
