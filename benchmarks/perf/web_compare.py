"""The web application's comparison page, timed against the same comparison in process.

Starts ``ia-empreinte serve`` on a free port of 127.0.0.1 (loopback only), posts the
comparison page's form (the profile and three example offers, carried as the browser
carries them, 1,000 draws) a fixed number of times, one after the other, and times each
answer; then, in the same run and on the same machine, times the same work through the
Python API:

- **fiche in process**: ``build_fiche`` on the same profile, offers and options (the
  comparison and the sheet's data, which the page shows);
- **compare in process**: ``compare`` alone (the shared-draw comparison).

It prints p50 and p99 of each, and the ratios page / fiche in process (what HTTP, the
form, the input layer, the jury summary, the scoring simulation and the template cost)
and page / compare. It stops by itself (fixed counts, a timeout per request). Usage::

    python benchmarks/perf/web_compare.py [--requests 30] [--draws 1000]
"""

from __future__ import annotations

import argparse
import base64
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

from ia_empreinte import CompareOptions, build_fiche, compare, load_offer, load_profile
from ia_empreinte.kit import profile_to_yaml
from ia_empreinte.server.app import default_compute_slots

ROOT = Path(__file__).resolve().parents[2]
PROFILE = ROOT / "profiles" / "chatbot-web-metropole.yaml"
OFFERS = [ROOT / "examples" / "offers" / n for n in (
    "frontier-api-us.yaml", "open-mid-cloud-fr.yaml", "small-onprem-dedicated.yaml")]
TIMEOUT_S = 120.0


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start_server() -> tuple[subprocess.Popen[str], str]:
    """``ia-empreinte serve`` on 127.0.0.1 and a free port; (process, base URL)."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "ia_empreinte_cli", "serve", "--host", "127.0.0.1",
         "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the server did not start: " + (proc.stderr.read() if proc.stderr else ""))


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0-1) of ``values``, by linear interpolation."""
    ordered = sorted(values)
    pos = q * (len(ordered) - 1)
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def timed(calls: int, work: object, warm_up: int = 1) -> list[float]:
    """Wall times in milliseconds of ``calls`` calls of ``work`` (after ``warm_up``)."""
    assert callable(work)
    for _ in range(warm_up):
        work()
    out = []
    for _ in range(calls):
        start = time.perf_counter()
        work()
        out.append(1000 * (time.perf_counter() - start))
    return out


def line(name: str, ms: list[float]) -> str:
    return (f"{name:<22} n={len(ms):<4} p50 {percentile(ms, 0.5):8.1f} ms   "
            f"p99 {percentile(ms, 0.99):8.1f} ms   mean {statistics.fmean(ms):8.1f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--draws", type=int, default=1000)
    args = parser.parse_args()

    profile = load_profile(PROFILE)
    offers = [load_offer(p) for p in OFFERS]
    options = CompareOptions(draws=args.draws)
    form = [("profil", base64.b64encode(profile_to_yaml(profile).encode()).decode()),
            ("draws", str(args.draws))]
    form += [("offre", f"{base64.b64encode(p.read_bytes()).decode()}:{p.name}")
             for p in OFFERS]
    files = {"_": ("", b"")}  # a multipart body, as the browser sends it

    proc, url = start_server()
    try:
        with httpx.Client(base_url=url, timeout=TIMEOUT_S) as client:
            def page() -> None:
                answer = client.post("/comparer", data=_grouped(form), files=files)
                if answer.status_code != 200 or "Synthèse pour le jury" not in answer.text:
                    raise SystemExit(f"unexpected answer {answer.status_code}: "
                                     f"{answer.text[:300]}")

            # serve computes in one process per core: each warms up once
            served = timed(args.requests, page, warm_up=2 * default_compute_slots())
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    fiche = timed(args.requests, lambda: build_fiche(profile, offers, options))
    alone = timed(args.requests, lambda: compare(profile, offers, options))

    print(f"compare page, 3 offers, {args.draws} draws, {args.requests} requests "
          f"one after the other (profile {profile.id})")
    print(line("web page (HTTP)", served))
    print(line("fiche in process", fiche))
    print(line("compare in process", alone))
    for name, base in (("fiche", fiche), ("compare", alone)):
        print(f"ratio page / {name:<8} p50 {percentile(served, .5) / percentile(base, .5):5.2f}"
              f"   p99 {percentile(served, .99) / percentile(base, .99):5.2f}")
    return 0


def _grouped(form: list[tuple[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, value in form:
        out.setdefault(key, []).append(value)
    return out


if __name__ == "__main__":
    sys.exit(main())
