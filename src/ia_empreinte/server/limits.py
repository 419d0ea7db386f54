"""Request limits of the HTTP API: body size, bearer tokens and the time budget.

The body limit is a plain ASGI middleware so that an oversized body is refused before
any route or JSON parser sees it. The time budget runs each computation in a worker
thread and stops waiting for it when the budget is spent: Python cannot stop a thread,
so the budget bounds the response time, ``max_draws`` and ``max_offers`` bound the work
a request can start, and :class:`ComputeSlots` bounds how many computations run at
once (a slot is held until its work has really ended, answered or not).

Computations run either in threads of the server process or in worker processes
(:class:`ComputeSlots` with ``processes=True``, what ``ia-empreinte serve`` uses): one
process per slot, so that the estimates of concurrent requests do not wait for each
other's global interpreter lock nor for the event loop's.
"""

from __future__ import annotations

import asyncio
import functools
import hmac
import importlib
import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from ia_empreinte.errors import IaEmpreinteError
from ia_empreinte.server.problems import MEDIA_TYPE, ProblemError, problem_for

__all__ = ["BodyLimit", "ComputeSlots", "check_bearer", "check_count", "run_with_budget"]

T = TypeVar("T")

WORK_MODULE = "ia_empreinte.server.work"
"""What a computing process imports when it starts: the work of the computing routes."""

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Any]
Send = Callable[[Message], Any]


class BodyLimit:
    """ASGI middleware answering 413 to a request body larger than ``max_bytes``.

    The body is read here (at most ``max_bytes`` of it) and replayed to the app, so a
    chunked body without ``Content-Length`` is limited as well.
    """

    def __init__(self, app: Callable[[Scope, Receive, Send], Any], max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _header(scope, b"content-length")
        if declared is not None:
            if not declared.isdigit():
                await _send_problem(
                    scope, send, ProblemError(
                        400, "bad-content-length", "Bad Content-Length",
                        "the Content-Length header is not a whole number of bytes",
                    )
                )
                return
            if int(declared) > self.max_bytes:
                await _send_problem(scope, send, self._too_large(int(declared)))
                return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away while sending
            chunk: bytes = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await _send_problem(scope, send, self._too_large(None))
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            message: Message = await receive()
            return message

        await self.app(scope, replay, send)

    def _too_large(self, size: int | None) -> ProblemError:
        """``size`` is the declared length, None when the limit was passed while reading."""
        what = f"{size} bytes" if size is not None else f"more than {self.max_bytes} bytes"
        return ProblemError(
            413,
            "body-too-large",
            "Request body too large",
            f"the request body is {what}; this server accepts at most {self.max_bytes} "
            "bytes (ia-empreinte serve --max-body-bytes)",
        )


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return bytes(value).decode("latin-1").strip()
    return None


async def _send_problem(scope: Scope, send: Send, error: ProblemError) -> None:
    body = error.problem(instance=scope.get("path")).model_dump_json(exclude_none=True)
    data = body.encode("utf-8")
    headers = [
        (b"content-type", MEDIA_TYPE.encode()),
        (b"content-length", str(len(data)).encode()),
        (b"connection", b"close"),
    ]
    await send({"type": "http.response.start", "status": error.status, "headers": headers})
    await send({"type": "http.response.body", "body": data, "more_body": False})


def check_bearer(authorization: str | None, tokens: Sequence[str]) -> None:
    """Accept the request only if ``Authorization: Bearer TOKEN`` names a known token.

    Every known token is compared in constant time (:func:`hmac.compare_digest`), and
    all of them are compared whatever the outcome, so timing tells nothing.

    Raises:
        ProblemError: 401 with a ``WWW-Authenticate`` header (RFC 6750).
    """
    scheme, _, given = (authorization or "").partition(" ")
    given = given.strip()
    if scheme.lower() != "bearer" or not given:
        raise ProblemError(
            401,
            "unauthorized",
            "Authentication required",
            "this server requires a bearer token: send 'Authorization: Bearer TOKEN'",
            headers={"WWW-Authenticate": 'Bearer realm="ia-empreinte"'},
        )
    candidate = given.encode("utf-8")
    matched = False
    for token in tokens:
        matched |= hmac.compare_digest(candidate, token.encode("utf-8"))
    if not matched:
        raise ProblemError(
            401,
            "invalid-token",
            "Invalid token",
            "the bearer token is not one this server accepts",
            headers={"WWW-Authenticate": 'Bearer realm="ia-empreinte", error="invalid_token"'},
        )


def check_count(
    count: int, limit: int, what: str, location: Sequence[str | int], option: str
) -> None:
    """Refuse a request asking for more ``what`` than the server's ``limit``.

    Raises:
        ProblemError: 422, pointing at ``location`` in the request body.
    """
    if count > limit:
        raise ProblemError(
            422,
            f"too-many-{what}",
            f"Too many {what}",
            f"{count} {what} requested; this server accepts at most {limit} per request "
            f"(ia-empreinte serve {option})",
            location=location,
        )


async def run_with_budget(executor: Executor, timeout_s: float, work: Callable[[], T]) -> T:
    """Run ``work`` in a worker thread and wait for it at most ``timeout_s`` seconds.

    Raises:
        ProblemError: 503 with ``Retry-After`` when the budget is spent.
    """
    loop = asyncio.get_running_loop()
    future = loop.run_in_executor(executor, work)
    try:
        return await asyncio.wait_for(future, timeout_s)
    except TimeoutError:
        raise _budget_spent(timeout_s) from None


class ComputeSlots:
    """A fixed number of computing slots, and a short bounded wait for one of them.

    At most ``slots`` computations run at once, each in its own thread or, with
    ``processes=True``, its own worker process; a slot is freed when its work really
    ends, even when its request was answered 503 long before, so abandoned work cannot
    pile up (memory and CPU stay bounded). Up to ``waiting`` more requests wait for a
    slot, asynchronously (no thread), within their time budget; a request beyond that,
    or one whose budget runs out while waiting, is answered 503 with ``Retry-After``
    and its work never starts. Reading routes use another pool, so they keep answering
    while every slot is busy.

    In processes, the work is a module-level function and its arguments (both are
    pickled); a library error or a :class:`ProblemError` raised there becomes the same
    problem document as in a thread. The processes are started by :meth:`start` (the
    application's start-up), each importing the library once.
    """

    def __init__(
        self, slots: int, waiting: int, timeout_s: float, *, processes: bool = False
    ) -> None:
        self.slots = slots
        self.waiting = waiting
        self.timeout_s = timeout_s
        self.processes = processes
        self.executor: Executor = self._executor()
        self._free = asyncio.Semaphore(slots)
        self._admitted = 0

    def _executor(self) -> Executor:
        if self.processes:
            # spawn: a fork of a process running an event loop and threads is unsafe
            return ProcessPoolExecutor(
                max_workers=self.slots,
                mp_context=multiprocessing.get_context("spawn"),
                # load the library and its routes' work once per process (by name:
                # this module sits below the work it runs)
                initializer=functools.partial(importlib.import_module, WORK_MODULE),
            )
        return ThreadPoolExecutor(max_workers=self.slots, thread_name_prefix="ia-compute")

    async def start(self) -> None:
        """Start the worker processes and load the library in each (no-op in threads),
        so that the first requests do not pay for it."""
        if self.processes:
            await asyncio.gather(*(
                asyncio.wrap_future(self.executor.submit(_ready)) for _ in range(self.slots)
            ))

    def _busy(self) -> ProblemError:
        return ProblemError(
            503,
            "server-busy",
            "Server busy",
            f"all {self.slots} computing slots of this server are busy and {self.waiting} "
            "requests are already waiting; retry later",
            headers={"Retry-After": str(max(1, min(10, round(self.timeout_s))))},
        )

    async def run(self, work: Callable[..., T], *args: Any) -> T:
        """Run ``work(*args)`` in a computing slot, within the time budget.

        Raises:
            ProblemError: 503 when the slots and the wait are full, or when the budget
                is spent (waiting or computing); the problem the work raised.
        """
        if self._admitted >= self.slots + self.waiting:
            raise self._busy()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout_s
        self._admitted += 1
        acquired = False
        try:
            try:
                await asyncio.wait_for(self._free.acquire(), self.timeout_s)
            except TimeoutError:
                raise _budget_spent(self.timeout_s) from None
            acquired = True
            future: Future[Any] = (
                self.executor.submit(_in_process, work, args) if self.processes
                else self.executor.submit(work, *args)
            )
        except BrokenProcessPool:
            self._admitted -= 1
            self._free.release()
            raise self._restart() from None
        except BaseException:
            self._admitted -= 1
            if acquired:
                self._free.release()
            raise

        def release(_: object) -> None:
            # from the worker thread: the slot is free only once the work has ended
            loop.call_soon_threadsafe(self._release)

        future.add_done_callback(release)
        try:
            outcome = await asyncio.wait_for(
                asyncio.wrap_future(future), max(0.0, deadline - loop.time())
            )
        except TimeoutError:
            raise _budget_spent(self.timeout_s) from None
        except BrokenProcessPool:
            raise self._restart() from None
        if not self.processes:
            return outcome  # type: ignore[no-any-return]
        kind, value = outcome
        if kind == "problem":
            raise ProblemError(**value)
        return value  # type: ignore[no-any-return]

    def _restart(self) -> ProblemError:
        """A worker process died (killed, out of memory): a fresh pool for the next
        requests, and a 503 for this one."""
        broken = self.executor
        self.executor = self._executor()
        broken.shutdown(wait=False, cancel_futures=True)
        return ProblemError(
            503,
            "worker-restarted",
            "Computing worker restarted",
            "a computing process of this server stopped while handling the request; "
            "it has been replaced: retry",
            headers={"Retry-After": "1"},
        )

    def _release(self) -> None:
        self._admitted -= 1
        self._free.release()

    def shutdown(self) -> None:
        """Stop accepting work; running work ends in its own time (threads), or is
        waited for (processes: they are then ended and reaped, none left behind)."""
        self.executor.shutdown(wait=self.processes, cancel_futures=True)


def _ready() -> bool:
    return True


def _in_process(work: Callable[..., Any], args: tuple[Any, ...]) -> tuple[str, Any]:
    """Run ``work(*args)`` in a computing process; a problem travels back as its fields.

    Exceptions are not sent back as such: a library error's class may not pickle, and
    its answer is what the caller needs. Anything else is a fault, raised as it is.
    """
    try:
        return "ok", work(*args)
    except ProblemError as exc:
        return "problem", _fields(exc)
    except IaEmpreinteError as exc:
        return "problem", _fields(problem_for(exc))


def _fields(exc: ProblemError) -> dict[str, Any]:
    return {
        "status": exc.status, "slug": exc.slug, "title": exc.title, "detail": exc.detail,
        "location": exc.location, "headers": exc.headers,
    }


def _budget_spent(timeout_s: float) -> ProblemError:
    return ProblemError(
        503,
        "time-budget-exceeded",
        "Time budget exceeded",
        f"the request did not finish within this server's time budget of {timeout_s:g} s "
        "(ia-empreinte serve --timeout-s); ask for fewer draws or offers",
        headers={"Retry-After": str(max(1, round(timeout_s)))},
    )
