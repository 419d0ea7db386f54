"""Bounded load on the HTTP API, side by side with the same estimate in process.

Starts ``ia-empreinte serve`` on a free port of 127.0.0.1 (loopback only), sends a fixed
number of ``POST /v1/estimate`` requests (default 2,000) from a fixed number of
concurrent clients (default 16), stops the server and prints:

- throughput (requests/s), p50 and p99 latency, and the error count (any answer other
  than 200 with the CLI's JSON document is an error; the script exits 1 on any error);
- the baselines, measured in the same run on the same machine: the same work through
  the Python API (parse the profile and the offer, estimate, render the JSON)

  * **sequential**: one call after the other in one thread, the baseline the issue
    measured (HTTP at 0.30-0.49 of it then; target: at least 0.8);
  * **matched**: the server's parallelism without HTTP, fed by ``--concurrency``
    callers: with ``--compute processes`` (``ia-empreinte serve``'s default) as many
    single-threaded processes as the server has computing processes (``--workers`` x
    its CPU cores); with ``--compute threads``, ``--workers`` processes of as many
    threads. HTTP / matched is what HTTP parsing, the event loop and the hand-offs
    cost on cores that the baseline has to itself (stricter; printed beside).

It stops by itself: a fixed request count, a per-request timeout and an overall
deadline. Usage::

    python benchmarks/perf/api_load.py [--requests 2000] [--concurrency 16]
        [--draws 1000] [--workers 1] [--baseline-calls 300]

With ``--compute processes`` every estimate runs in a process of its own, so the event
loop (HTTP parsing, about 2 ms of CPU per request here) and the computations no longer
share one global interpreter lock.

Where the server lost time before (2 shared cores, 1,000 draws, 1 worker): requests answered
503 at concurrency 16 once computing slots bounded the work (up to 64 requests now wait
for a slot, holding only their bodies); one access-log line per request (off in
``ia-empreinte serve``); the per-request temporary folder for records (gone: records
are values); and, inside one process, the event loop competing for the GIL with the
computing threads: the server spends ~8 ms of CPU per estimate (start-up included)
where the Python API spends ~5 ms. httptools and uvloop (picked by uvicorn when
installed) made no measurable difference on this machine. Several worker processes
(``--workers``) are the way past one GIL; the matched baseline then uses as many
processes.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import resource
import socket
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx

from ia_empreinte import estimate, parse_offer, parse_profile
from ia_empreinte.render.estimate import render_estimate
from ia_empreinte.server.app import default_compute_slots
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


def start_server(
    workers: int, max_draws: int, compute: str
) -> tuple[subprocess.Popen[str], str]:
    """``ia-empreinte serve`` on 127.0.0.1 and a free port; (process, base URL)."""
    cmd = [
        sys.executable, "-m", "ia_empreinte_cli", "serve", "--host", "127.0.0.1",
        "--port", str(free_port()), "--workers", str(workers), "--max-draws", str(max_draws),
        "--compute", compute,
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


def load(
    base: str, body: dict[str, object], expected: bytes, requests: int, concurrency: int
) -> tuple[list[float], int, float]:
    """Send ``requests`` estimates from ``concurrency`` clients; (latencies s, errors, wall s).

    Each client is a thread with one keep-alive connection (the standard library's
    ``http.client``): a load generator light enough not to take the server's cores
    (httpx's asyncio client spent ~2.5 ms of CPU per request on this machine, half of
    an estimate, on the same two cores as the server).
    """
    host, port = base.removeprefix("http://").split(":")
    payload = json.dumps(body).encode("utf-8")
    headers = {"Content-Type": "application/json", "Connection": "keep-alive"}
    latencies: list[float] = []
    errors = 0
    remaining = requests
    lock = threading.Lock()
    start = time.perf_counter()

    def client_loop() -> None:
        nonlocal remaining, errors
        conn = http.client.HTTPConnection(host, int(port), timeout=REQUEST_TIMEOUT_S)
        try:
            while time.perf_counter() - start < DEADLINE_S:
                with lock:
                    if remaining <= 0:
                        return
                    remaining -= 1
                t0 = time.perf_counter()
                try:
                    conn.request("POST", "/v1/estimate", body=payload, headers=headers)
                    r = conn.getresponse()
                    ok = r.status == 200 and r.read() == expected
                except (OSError, http.client.HTTPException):
                    conn.close()
                    conn = http.client.HTTPConnection(host, int(port),
                                                      timeout=REQUEST_TIMEOUT_S)
                    ok = False
                with lock:
                    latencies.append(time.perf_counter() - t0)
                    errors += not ok
        finally:
            conn.close()

    threads = [threading.Thread(target=client_loop) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    errors += remaining  # requests never sent before the deadline count as errors
    return latencies, errors, wall


def one_call(draws: int) -> bytes:
    """The work of one ``POST /v1/estimate`` through the Python API."""
    result = estimate(
        parse_profile(EXAMPLE_PROFILE), parse_offer(EXAMPLE_OFFER), draws=draws, seed=42
    )
    return render_estimate(result, "json").encode("utf-8")


def in_process(draws: int, calls: int) -> tuple[float, float, bytes]:
    """Wall and CPU seconds per call of the same work, one call after the other, and
    its output."""
    out = b""
    start, cpu = time.perf_counter(), time.process_time()
    for _ in range(calls):
        out = one_call(draws)
    return (
        (time.perf_counter() - start) / calls, (time.process_time() - cpu) / calls, out
    )


def _threaded(args: tuple[int, int, int, int]) -> tuple[int, float]:
    """``calls`` calls on ``threads`` threads fed by ``callers`` callers; (count, seconds).

    Timed inside the process, after its imports, as the server is measured warm."""
    draws, calls, threads, callers = args
    one_call(draws)  # warm-up, like the server's first requests
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        # callers submit one call at a time each, like HTTP clients waiting for answers
        remaining = calls

        def caller() -> int:
            nonlocal remaining
            done = 0
            while remaining > 0:
                remaining -= 1
                pool.submit(one_call, draws).result()
                done += 1
            return done

        with ThreadPoolExecutor(max_workers=callers) as feeders:
            count = sum(f.result() for f in [feeders.submit(caller) for _ in range(callers)])
    return count, time.perf_counter() - start


def in_process_matched(
    draws: int, calls: int, workers: int, threads: int, concurrency: int
) -> float:
    """Calls per second with the server's parallelism: ``workers`` processes of
    ``threads`` computing threads, ``concurrency`` callers shared among them."""
    per = [(draws, calls // workers, threads, max(1, concurrency // workers))] * workers
    if workers == 1:
        results = [_threaded(per[0])]
    else:
        with multiprocessing.get_context("spawn").Pool(workers) as pool:
            results = pool.map(_threaded, per)
    return sum(done for done, _ in results) / max(seconds for _, seconds in results)


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
    parser.add_argument("--compute", choices=("processes", "threads"), default="processes",
                        help="where the server computes (ia-empreinte serve --compute)")
    args = parser.parse_args()

    per_call_s, cpu_per_call_s, expected = in_process(args.draws, args.baseline_calls)
    slots = default_compute_slots()
    # the server's parallelism: processes x threads per process
    procs, threads = ((args.workers * slots, 1) if args.compute == "processes"
                      else (args.workers, slots))
    matched_calls = max(args.baseline_calls, 20 * args.concurrency)
    before_rps = in_process_matched(args.draws, matched_calls, procs, threads, args.concurrency)
    body = {"profile": EXAMPLE_PROFILE, "offer": EXAMPLE_OFFER, "draws": args.draws, "seed": 42}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    client_before = resource.getrusage(resource.RUSAGE_SELF)
    proc, base = start_server(args.workers, max(args.draws, 100_000), args.compute)
    try:
        latencies, errors, wall = (
            load(base, body, expected, args.requests, args.concurrency)
        )
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    # CPU of the server process and its workers (they are waited for), start-up included
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    server_cpu_s = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    client_after = resource.getrusage(resource.RUSAGE_SELF)
    client_cpu_s = (client_after.ru_utime - client_before.ru_utime) + (
        client_after.ru_stime - client_before.ru_stime
    )
    # measured again after the load, so a machine busier at one moment shows in both
    after_rps = in_process_matched(args.draws, matched_calls, procs, threads, args.concurrency)
    matched_rps = (before_rps + after_rps) / 2

    http_rps = len(latencies) / wall
    base_rps = 1 / per_call_s
    print(f"HTTP API: {args.requests} estimates ({args.draws} draws each), "
          f"concurrency {args.concurrency}, {args.workers} worker(s) of {slots} computing "
          f"slot(s) in {args.compute}, server on {base}")
    print(f"  throughput   {http_rps:8.1f} requests/s  ({wall:.2f} s wall)")
    print(f"  latency p50  {percentile(latencies, 0.50) * 1000:8.1f} ms")
    print(f"  latency p99  {percentile(latencies, 0.99) * 1000:8.1f} ms")
    print(f"  errors       {errors:8d}")
    print(f"  server CPU   {server_cpu_s / args.requests * 1000:8.2f} ms per request "
          "(start-up included)")
    print(f"  client CPU   {client_cpu_s / args.requests * 1000:8.2f} ms per request "
          "(this script's http.client threads, on the same cores as the server)")
    print(f"Python API, matched ({procs} process(es) x {threads} thread(s), "
          f"{args.concurrency} callers, {matched_calls} calls, before and after the load):")
    print(f"  throughput   {matched_rps:8.1f} calls/s  (before {before_rps:.1f}, "
          f"after {after_rps:.1f})")
    print(f"Python API, sequential ({args.baseline_calls} calls in one thread):")
    print(f"  throughput   {base_rps:8.1f} calls/s  ({per_call_s * 1000:.2f} ms per call)")
    print(f"ratio HTTP / in-process throughput, sequential: {http_rps / base_rps:.2f} "
          "(target >= 0.80)")
    print(f"ratio HTTP / in-process throughput, matched parallelism: "
          f"{http_rps / matched_rps:.2f}")
    # independent of what else the machine runs: CPU per estimate, in process and in the
    # server (HTTP parsing, event loop, hand-offs and start-up included)
    print(f"ratio in-process CPU per call / server CPU per request: "
          f"{cpu_per_call_s / (server_cpu_s / args.requests):.2f} "
          f"({cpu_per_call_s * 1000:.2f} ms / {server_cpu_s / args.requests * 1000:.2f} ms)")
    print("note: the load clients run in this process, on the same cores as the server; "
          "on a machine shared with other work the throughput ratios vary from run to run")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
