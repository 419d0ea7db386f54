"""What the harness drives: an OpenAI-compatible endpoint, a Python callable, a command.

Each target runs requests of a workload at a fixed concurrency for a given duration
(no request starts after the duration; the ones in flight finish inside the window)
and reports, per request, the token counts the server itself reported (``usage``).
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import json
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from ia_empreinte._files import note_read
from ia_empreinte.errors import IaEmpreinteError
from ia_empreinte.harness.workloads import Api, WorkloadRequest
from ia_empreinte.records import Target

__all__ = [
    "CallableTarget",
    "CommandTarget",
    "EndpointTarget",
    "RequestResult",
    "TargetError",
    "TargetRunner",
    "resolve_callable",
]

ENDPOINTS: dict[str, str] = {
    "chat": "/v1/chat/completions",
    "completions": "/v1/completions",
    "embeddings": "/v1/embeddings",
    "transcriptions": "/v1/audio/transcriptions",
}


class TargetError(IaEmpreinteError, RuntimeError):
    """The target cannot be reached or answers without the expected fields."""


@dataclass(frozen=True)
class RequestResult:
    """One completed (or failed) request."""

    ok: bool
    input_tokens: int = 0
    output_tokens: int = 0
    units: float = 0.0
    latency_s: float = 0.0
    error: str = ""


class TargetRunner(Protocol):
    """Something the protocol can drive."""

    def describe(self) -> Target:
        """The record's description of the target."""

    def check(self, request: WorkloadRequest) -> RequestResult:
        """Send one request (pre-flight); raise :class:`TargetError` when unusable."""

    def run(
        self,
        requests: Sequence[WorkloadRequest],
        *,
        concurrency: int,
        duration_s: float,
        start: int,
        on_result: Callable[[RequestResult], None],
    ) -> list[RequestResult]:
        """Send requests (cycling from index ``start``) until ``duration_s`` has passed."""


class _ConcurrentRunner:
    """Closed-loop load at fixed concurrency: each worker sends its next request on return."""

    def _one(self, request: WorkloadRequest) -> RequestResult:  # pragma: no cover
        raise NotImplementedError

    def check(self, request: WorkloadRequest) -> RequestResult:
        result = self._one(request)
        if not result.ok:
            raise TargetError(f"the target failed a pre-flight request: {result.error}")
        return result

    def run(
        self,
        requests: Sequence[WorkloadRequest],
        *,
        concurrency: int,
        duration_s: float,
        start: int,
        on_result: Callable[[RequestResult], None],
    ) -> list[RequestResult]:
        lock = threading.Lock()
        results: list[RequestResult] = []
        counter = [start]
        deadline = time.perf_counter() + duration_s
        errors: list[BaseException] = []

        def worker() -> None:
            while time.perf_counter() < deadline and not errors:
                with lock:
                    request = requests[counter[0] % len(requests)]
                    counter[0] += 1
                try:
                    result = self._one(request)
                except BaseException as exc:  # re-raised in the caller's thread
                    errors.append(exc)
                    return
                with lock:
                    results.append(result)
                on_result(result)

        threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if errors:
            raise errors[0]
        return results


class EndpointTarget(_ConcurrentRunner):
    """An OpenAI-compatible HTTP server running on this machine.

    Args:
        url: base URL, e.g. ``http://127.0.0.1:8000`` (a trailing ``/v1`` is accepted).
        api: which endpoint to call.
        model: the ``model`` field sent with each request.
        timeout_s: per-request timeout.
        seed: sent as ``seed`` (with ``temperature: 0``) so that outputs repeat.
    """

    def __init__(
        self, url: str, api: Api, *, model: str = "default", timeout_s: float = 300.0,
        seed: int = 0, pack_dir: Path | None = None,
    ) -> None:
        base = url.rstrip("/")
        if base.endswith("/v1"):
            base = base[: -len("/v1")]
        if not base.startswith(("http://", "https://")):
            raise TargetError(f"endpoint URL must start with http:// or https://: {url}")
        self.base = base
        self.api = api
        self.model = model
        self.timeout_s = timeout_s
        self.seed = seed
        self.pack_dir = pack_dir or Path(".")

    def describe(self) -> Target:
        return Target(kind="endpoint", api=self.api, url=self.base + ENDPOINTS[self.api])

    def payload(self, request: WorkloadRequest) -> dict[str, Any]:
        """The JSON body sent for ``request`` (not used for transcriptions)."""
        if self.api == "chat":
            messages = []
            if request.system:
                messages.append({"role": "system", "content": request.system})
            messages.append({"role": "user", "content": request.text})
            body: dict[str, Any] = {"model": self.model, "messages": messages}
        elif self.api == "completions":
            prompt = f"{request.system}\n\n{request.text}" if request.system else request.text
            body = {"model": self.model, "prompt": prompt}
        else:
            text = f"{request.system}\n\n{request.text}" if request.system else request.text
            return {"model": self.model, "input": text}
        if request.max_output_tokens is not None:
            body["max_tokens"] = request.max_output_tokens
        body.update(temperature=0, seed=self.seed)
        return body

    def _post(self, request: WorkloadRequest) -> dict[str, Any]:
        url = self.base + ENDPOINTS[self.api]
        if self.api == "transcriptions":
            data, ctype = self._multipart(request)
        else:
            data = json.dumps(self.payload(request)).encode("utf-8")
            ctype = "application/json"
        req = urllib.request.Request(url, data=data, method="POST",
                                     headers={"Content-Type": ctype})
        with urllib.request.urlopen(req, timeout=self.timeout_s) as resp:
            decoded: dict[str, Any] = json.loads(resp.read().decode("utf-8"))
        return decoded

    def _multipart(self, request: WorkloadRequest) -> tuple[bytes, str]:
        if request.audio_file is None:
            raise TargetError(f"request {request.id}: transcriptions need an audio_file")
        audio_path = self.pack_dir / request.audio_file
        audio = audio_path.read_bytes()
        note_read(audio_path)  # no output of this run may overwrite it
        boundary = uuid.uuid4().hex
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="model"\r\n\r\n'
            f"{self.model}\r\n".encode(),
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="{Path(request.audio_file).name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n".encode(),
            audio,
            f"\r\n--{boundary}--\r\n".encode(),
        ]
        return b"".join(parts), f"multipart/form-data; boundary={boundary}"

    def _one(self, request: WorkloadRequest) -> RequestResult:
        t0 = time.perf_counter()
        try:
            body = self._post(request)
        except (urllib.error.URLError, OSError, ValueError) as exc:
            return RequestResult(ok=False, latency_s=time.perf_counter() - t0, error=str(exc))
        latency = time.perf_counter() - t0
        return _from_usage(body.get("usage"), request, latency, self.api)


_MAX_TOKENS = 100_000_000
"""Most tokens one request may report (no model has a context a hundredth as long)."""


def _from_usage(
    usage: Any, request: WorkloadRequest, latency: float, api: str
) -> RequestResult:
    if not isinstance(usage, Mapping):
        raise TargetError(
            f"the response to request {request.id} has no 'usage' object: the harness "
            "needs the server's own token counts"
        )
    prompt = usage.get("prompt_tokens", usage.get("input_tokens", 0))
    completion = usage.get("completion_tokens", usage.get("output_tokens", 0))
    for count in (prompt, completion):
        if not isinstance(count, int) or isinstance(count, bool):
            raise TargetError(f"request {request.id}: usage token counts are not integers")
        if not 0 <= count <= _MAX_TOKENS:
            raise TargetError(f"request {request.id}: usage token count {count} is out of "
                              f"range; expected 0 to {_MAX_TOKENS:,}")
    units = request.audio_seconds
    if api == "transcriptions" and isinstance(usage.get("seconds"), int | float):
        units = float(usage["seconds"])
    return RequestResult(ok=True, input_tokens=prompt, output_tokens=completion,
                         units=units, latency_s=latency)


def resolve_callable(spec: str) -> Callable[[dict[str, Any]], Any]:
    """Import ``module:function`` or ``path/to/file.py:function``.

    Raises:
        TargetError: the module or the function cannot be found.
    """
    module_name, sep, attr = spec.rpartition(":")
    if not sep or not module_name or not attr:
        raise TargetError(f"expected 'module:function' or 'file.py:function', got '{spec}'")
    try:
        if module_name.endswith(".py"):
            path = Path(module_name)
            if not path.is_file():
                raise TargetError(f"callable file not found: {module_name}")
            name = f"ia_empreinte_target_{path.stem}"
            loaded = sys.modules.get(name)
            if loaded is None:
                note_read(path)  # ``-o`` onto the callable's own file is refused
                spec_obj = importlib.util.spec_from_file_location(name, path)
                if spec_obj is None or spec_obj.loader is None:
                    raise TargetError(f"cannot import {module_name}")
                loaded = importlib.util.module_from_spec(spec_obj)
                sys.modules[name] = loaded
                try:
                    spec_obj.loader.exec_module(loaded)
                except BaseException:
                    del sys.modules[name]  # a fixed file is imported afresh next time
                    raise
            module = loaded
        else:
            module = importlib.import_module(module_name)
    except TargetError:
        raise
    except SyntaxError as exc:
        raise TargetError(f"the callable '{spec}': cannot import '{module_name}': syntax "
                          f"error, line {exc.lineno}: {exc.msg}") from None
    except ImportError as exc:
        raise TargetError(f"cannot import '{module_name}': {exc}") from None
    except (Exception, SystemExit) as exc:  # the module's own code failed
        raise TargetError(f"the callable '{spec}': cannot import '{module_name}': "
                          f"{_raised(exc)}") from None
    func = getattr(module, attr, None)
    if not callable(func):
        raise TargetError(f"'{attr}' is not a function of '{module_name}'")
    try:
        inspect.signature(func).bind({})
    except TypeError:
        raise TargetError(f"the callable '{spec}' must take one argument, the request (a "
                          f"dict); its signature is {attr}{inspect.signature(func)}") from None
    except ValueError:  # no signature to inspect (some builtins): calls will tell
        pass
    return func  # type: ignore[no-any-return]


def _raised(exc: BaseException) -> str:
    """``ValueError: the message`` (``SystemExit(0)`` included), on one line."""
    text = " ".join(str(exc).split())
    if isinstance(exc, SystemExit):
        return f"it called sys.exit({exc.code!r})"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class CallableTarget(_ConcurrentRunner):
    """A Python function in this process, called as ``func(request_dict)``.

    The function receives ``{"id", "text", "system", "max_output_tokens"}`` and returns
    a mapping with an OpenAI-style ``usage`` (``prompt_tokens``,
    ``completion_tokens``). Concurrency is by threads.
    """

    def __init__(self, spec: str, api: Api = "chat") -> None:
        self.spec = spec
        self.api = api
        self.func = resolve_callable(spec)

    def describe(self) -> Target:
        return Target(kind="callable", api=self.api, callable=self.spec)

    def _one(self, request: WorkloadRequest) -> RequestResult:
        t0 = time.perf_counter()
        try:
            body = self.func(request.model_dump(include={"id", "text", "system",
                                                         "max_output_tokens"}))
        except (Exception, SystemExit) as exc:  # stops the run: no record is written
            raise TargetError(f"the callable '{self.spec}' failed on request {request.id}: "
                              f"{_raised(exc)}") from None
        latency = time.perf_counter() - t0
        usage = body.get("usage") if isinstance(body, Mapping) else None
        try:
            return _from_usage(usage, request, latency, self.api)
        except TargetError as exc:
            raise TargetError(f"the callable '{self.spec}': {exc.message}") from None


class CommandTarget:
    """A command measured for its whole run (like ``codecarbon monitor``): one run per window.

    The command's own work defines the window, so ``duration_s`` and the workload are
    not used; each run counts as one request with one unit.
    """

    def __init__(self, command: Sequence[str]) -> None:
        if not command:
            raise TargetError("give the command after '--'")
        self.command = list(command)

    def describe(self) -> Target:
        return Target(kind="command", command=self.command)

    def _run_once(self) -> RequestResult:
        t0 = time.perf_counter()
        try:
            proc = subprocess.run(self.command, check=False, capture_output=True)
        except OSError as exc:
            raise TargetError(f"cannot run {self.command[0]}: {exc.strerror}") from None
        latency = time.perf_counter() - t0
        if proc.returncode != 0:
            return RequestResult(ok=False, latency_s=latency,
                                 error=f"exit code {proc.returncode}")
        return RequestResult(ok=True, units=1.0, latency_s=latency)

    def check(self, request: WorkloadRequest) -> RequestResult:
        return RequestResult(ok=True)

    def run(
        self,
        requests: Sequence[WorkloadRequest],
        *,
        concurrency: int,
        duration_s: float,
        start: int,
        on_result: Callable[[RequestResult], None],
    ) -> list[RequestResult]:
        result = self._run_once()
        on_result(result)
        return [result]
