"""Bounded load on the HTTP API, side by side with the same estimate in process.

Starts ``ia-empreinte serve`` on a free port of 127.0.0.1 (loopback only), sends a fixed
number of ``POST /v1/estimate`` requests (default 2,000) from a fixed number of
concurrent clients (default 16), stops the server and prints:

- throughput (requests/s), p50 and p99 latency, and the error count (any answer other
  than 200 with the CLI's JSON document is an error; the script exits 1 on any error);
- the baseline: the same work through the Python API in this process, one call after
  the other (parse the profile and the offer, estimate, render the JSON), and the ratio
  HTTP / in-process throughput.

It stops by itself: a fixed request count, a per-request timeout and an overall
deadline. Usage::

    python benchmarks/perf/api_load.py [--requests 2000] [--concurrency 16]
        [--draws 1000] [--workers 1] [--baseline-calls 300]
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import socket
import statistics
import subprocess
import sys
import threading
import time

import httpx

from ia_empreinte import estimate, parse_offer, parse_profile
from ia_empreinte.render.estimate import render_estimate
from ia_empreinte.server.bodies import EXAMPLE_OFFER, EXAMPLE_PROFILE

DEADLINE_S = 540.0
"""Overall bound of the load phase, whatever the request count."""
REQUEST_TIMEOUT_S = 60.0


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start_server(workers: int, max_draws: int) -> tuple[subprocess.Popen[str], str]:
    """``ia-empreinte serve`` on 127.0.0.1 and a free port; (process, base URL)."""
    cmd = [
        sys.executable, "-m", "ia_empreinte_cli", "serve", "--host", "127.0.0.1",
        "--port", str(free_port()), "--workers", str(workers), "--max-draws", str(max_draws),
    ]
    proc = subprocess.Popen(
        cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    assert proc.stderr is not None
    for line in proc.stderr:
        if "Uvicorn running on " in line:
            base = line.split("Uvicorn running on ")[1].split()[0]
            # keep draining the log so the server never blocks on a full pipe
            threading.Thread(target=proc.stderr.read, daemon=True).start()
            break
    else:
        raise SystemExit("the server did not start")
    if not base.startswith("http://127.0.0.1:"):
        raise SystemExit(f"refusing a non-loopback address: {base}")
    with httpx.Client(base_url=base) as client:  # worker processes come up after the log line
        deadline = time.monotonic() + 30
        while True:
            try:
                if client.get("/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("the server is not healthy")
            time.sleep(0.1)
    return proc, base


async def load(
    base: str, body: dict[str, object], expected: bytes, requests: int, concurrency: int
) -> tuple[list[float], int, float]:
    """Send ``requests`` estimates from ``concurrency`` clients; (latencies s, errors, wall s)."""
    latencies: list[float] = []
    errors = 0
    remaining = requests
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    start = time.perf_counter()

    async def client_loop(client: httpx.AsyncClient) -> None:
        nonlocal remaining, errors
        while remaining > 0 and time.perf_counter() - start < DEADLINE_S:
            remaining -= 1
            t0 = time.perf_counter()
            try:
                r = await client.post("/v1/estimate", json=body)
                ok = r.status_code == 200 and r.content == expected
            except httpx.HTTPError:
                ok = False
            latencies.append(time.perf_counter() - t0)
            errors += not ok

    async with httpx.AsyncClient(
        base_url=base, limits=limits, timeout=REQUEST_TIMEOUT_S
    ) as client:
        await asyncio.gather(*(client_loop(client) for _ in range(concurrency)))
    wall = time.perf_counter() - start
    errors += remaining  # requests never sent before the deadline count as errors
    return latencies, errors, wall


def in_process(draws: int, calls: int) -> tuple[float, bytes]:
    """Seconds per call of the same work through the Python API, and its JSON output."""
    out = b""
    start = time.perf_counter()
    for _ in range(calls):
        result = estimate(
            parse_profile(EXAMPLE_PROFILE), parse_offer(EXAMPLE_OFFER), draws=draws, seed=42
        )
        out = render_estimate(result, "json").encode("utf-8")
    return (time.perf_counter() - start) / calls, out


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0-1) by linear interpolation."""
    return statistics.quantiles(values, n=1000, method="inclusive")[round(q * 1000) - 1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--baseline-calls", type=int, default=300)
    args = parser.parse_args()

    per_call_s, expected = in_process(args.draws, args.baseline_calls)
    body = {"profile": EXAMPLE_PROFILE, "offer": EXAMPLE_OFFER, "draws": args.draws, "seed": 42}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc, base = start_server(args.workers, max(args.draws, 100_000))
    try:
        latencies, errors, wall = asyncio.run(
            load(base, body, expected, args.requests, args.concurrency)
        )
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    # CPU of the server process and its workers (they are waited for), start-up included
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    server_cpu_s = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)

    http_rps = len(latencies) / wall
    base_rps = 1 / per_call_s
    print(f"HTTP API: {args.requests} estimates ({args.draws} draws each), "
          f"concurrency {args.concurrency}, {args.workers} worker(s), server on {base}")
    print(f"  throughput   {http_rps:8.1f} requests/s  ({wall:.2f} s wall)")
    print(f"  latency p50  {percentile(latencies, 0.50) * 1000:8.1f} ms")
    print(f"  latency p99  {percentile(latencies, 0.99) * 1000:8.1f} ms")
    print(f"  errors       {errors:8d}")
    print(f"  server CPU   {server_cpu_s / args.requests * 1000:8.2f} ms per request "
          "(start-up included)")
    print(f"Python API in one process ({args.baseline_calls} calls, one after the other):")
    print(f"  throughput   {base_rps:8.1f} requests/s  ({per_call_s * 1000:.2f} ms per call)")
    print(f"ratio HTTP / in-process throughput: {http_rps / base_rps:.2f}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
