"""Speed of the estimation engine, side by side with EcoLogits, in one run.

Prints:

1. requests per second of this engine's usage-log audit on 100,000 requests (the
   vectorised chain on the read log, and end to end: pyarrow reading and checking the
   CSV, hashing it, the chain and the summary), and of
   EcoLogits 0.11.3 ``llm_impacts`` called once per request on the same requests, with
   the ratio (target >= 1,000x);
2. the time of a comparison-sized estimate: 10 offers x 100,000 Monte Carlo draws on one
   shared Sampler (target < 1 s on 2 cores);
3. for information (no target), the wall time of ``ia-empreinte estimate`` on an example
   vs ``python -c "import numpy, pydantic"``, next to the floor that any validated input
   pays (numpy, click, yaml and one pydantic model), and whether codecarbon, matplotlib,
   pandas, numpy.ma or pyarrow is imported on that path.

EcoLogits is the optional ``perf`` extra: ``pip install -e '.[perf]'`` (it pins
``ecologits==0.11.3``). Without it, step 1 prints the engine's figures only.

Usage: ``python benchmarks/perf/engine_perf.py [--requests 100000] [--draws 100000]``
"""

from __future__ import annotations

import argparse
import copy
import importlib.util
import json
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import cast

import numpy as np

from ia_empreinte import (
    USAGE_LOG_SCHEMA,
    audit,
    load_offer,
    load_profile,
    parse_offer,
    read_usage_log,
)
from ia_empreinte.engine import estimate_draws
from ia_empreinte.engine.log_audit import audit_log_draws
from ia_empreinte.uncertainty import Sampler

ROOT = Path(__file__).resolve().parents[2]
PROFILE = ROOT / "profiles" / "chatbot-web-metropole.yaml"
OFFER = ROOT / "tests" / "fixtures" / "engine" / "offer-llama8b-fr.yaml"
EXTRAS = ("codecarbon", "fastapi", "uvicorn", "dask", "pandas")
"""Modules of the optional extras (and pandas, which nothing needs): `estimate` must run
without them (a core-only install)."""


def write_log(path: Path, n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A synthetic log of ``n`` chat requests over 30 days; returns (inputs, outputs)."""
    rng = np.random.default_rng(seed)
    n_in = np.clip(rng.lognormal(np.log(1500), 0.6, n), 10, 32_000).round()
    n_out = np.clip(rng.lognormal(np.log(250), 0.5, n), 5, 4_000).round()
    start = datetime(2026, 1, 1, tzinfo=UTC).timestamp()
    stamps = np.sort(rng.uniform(0, 30 * 86_400, n)) + start
    lines = ["timestamp,input_tokens,output_tokens"]
    lines += [f"{datetime.fromtimestamp(t, UTC).strftime('%Y-%m-%dT%H:%M:%SZ')},{int(a)},{int(b)}"
              for t, a, b in zip(stamps, n_in, n_out, strict=True)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return n_in, n_out


def best_of(fn, repeat: int = 3) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


ECO_MODEL = ("huggingface_hub", "meta-llama/Meta-Llama-3.1-8B-Instruct")


def _worker_ours(log_path: Path) -> dict[str, float]:
    """This engine's audit of the log: the chain alone and end to end (best of 3 each)."""
    offer = load_offer(OFFER)
    log = read_usage_log(log_path, USAGE_LOG_SCHEMA)
    audit(offer, log, draws=1)  # warm-up: first-call costs are start-up's business
    return {
        "chain": best_of(lambda: audit_log_draws(offer, log, Sampler(42, 1))),
        "full": best_of(lambda: audit(offer, read_usage_log(log_path, USAGE_LOG_SCHEMA),
                                      draws=1)),
    }


def _worker_ecologits(log_path: Path, part: int, parts: int) -> dict[str, float]:
    """EcoLogits on every ``parts``-th request of the log (from ``part``), scaled to all."""
    from ecologits.tracers.utils import llm_impacts

    outs = [int(line.rsplit(",", 1)[1]) for line in
            log_path.read_text(encoding="utf-8").splitlines()[1:]]
    for _ in range(50):  # warm-up
        llm_impacts(*ECO_MODEL, 250, 5.0, "FRA")
    mine = outs[part::parts]
    t = time.perf_counter()
    for k in mine:
        # EcoLogits needs a latency; the engine's decode-time estimate is not available
        # to it, so use its fallback-like 20 ms per output token.
        llm_impacts(*ECO_MODEL, k, 0.02 * k, "FRA")
    return {"eco": (time.perf_counter() - t) * len(outs) / len(mine)}


def _in_worker(*args: str) -> dict[str, float]:
    out = subprocess.run([sys.executable, __file__, "--worker", *args], check=True,
                         capture_output=True, text=True)
    return cast(dict[str, float], json.loads(out.stdout.strip().splitlines()[-1]))


def bench_audit(n: int, rounds: int = 5) -> None:
    """Our audit and EcoLogits on the same requests, each in its own process, in turn.

    Each round times this engine's audit (best of 3, in a fresh process) and then
    EcoLogits on a fifth of the requests (in another fresh process), so that neither
    side runs on a heap or a cache the other left behind, and a slower machine during
    the run weighs on both alike. The ratio of each round is EcoLogits' time scaled to
    all the requests over ours; the median round is reported.
    """
    eco = importlib.util.find_spec("ecologits") is not None
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "log.csv"
        write_log(path, n)
        chain, full, t_eco = [], [], []
        for r in range(rounds):
            ours = _in_worker("ours", str(path))
            chain.append(ours["chain"])
            full.append(ours["full"])
            if eco:
                t_eco.append(_in_worker("ecologits", str(path), str(r), str(rounds))["eco"])
        offer = load_offer(OFFER)
        t_mc = best_of(lambda: audit(offer, read_usage_log(path, USAGE_LOG_SCHEMA),
                                     draws=100), repeat=1)
    t_chain, t_full = statistics.median(chain), statistics.median(full)
    print(f"(a) ia-empreinte audit, {n:,} requests (draws=1, central values), "
          f"median of {rounds} rounds:")
    print(f"    chain on the parsed log: {t_chain * 1000:8.1f} ms  -> {n / t_chain:12,.0f} req/s")
    print(f"    end to end (pyarrow CSV reading included): {t_full * 1000:8.1f} ms  -> "
          f"{n / t_full:12,.0f} req/s")
    print(f"    end to end with 100 Monte Carlo draws: {t_mc * 1000:8.1f} ms")
    if not eco:
        print("(b) EcoLogits not installed: pip install -e '.[perf]' for the side-by-side run")
        return
    total = statistics.median(t_eco)
    print(f"(b) EcoLogits 0.11.3 llm_impacts, one call per request, {n:,} requests "
          f"(median of {rounds} rounds of a fifth each, scaled):")
    print(f"    {total:8.2f} s  -> {n / total:12,.0f} req/s")
    by_round = [e / f for e, f in zip(t_eco, full, strict=True)]
    print("    ratio end to end, each round: "
          + ", ".join(f"{x:,.0f}x" for x in by_round))
    print(f"    ratio ia-empreinte / EcoLogits: chain "
          f"{statistics.median(e / c for e, c in zip(t_eco, chain, strict=True)):,.0f}x, "
          f"end to end {statistics.median(by_round):,.0f}x (target >= 1,000x)")


def bench_comparison(draws: int) -> None:
    profile = load_profile(PROFILE)
    base = load_offer(OFFER).model_dump(mode="json")
    offers = []
    for i in range(10):
        raw = copy.deepcopy(base)
        raw["id"] = f"offer-{i}"
        raw["deployment"]["batch_size"] = [1, 8, 16, 32, 64, 128, 256, 8, 16, 32][i]
        raw["deployment"]["zone"] = ["FR", "DE", "FR", "SE", "FR", "US", "FR", "FR", "IE", "FR"][i]
        raw["deployment"]["capacity"] = "dedicated" if i % 3 == 0 else "shared"
        offers.append(parse_offer(raw))

    def run() -> None:
        sampler = Sampler(42, draws)
        for offer in offers:
            estimate_draws(profile, offer, sampler)

    t = best_of(run)
    print(f"10 offers x {draws:,} draws on one shared Sampler: {t:.3f} s (target < 1 s)")


def _walls(*cmds: list[str], rounds: int = 11) -> list[float]:
    """Median wall time of each command, run in turn round after round (drift hits all)."""
    times: list[list[float]] = [[] for _ in cmds]
    for _ in range(rounds):
        for cmd, out in zip(cmds, times, strict=True):
            t = time.perf_counter()
            subprocess.run(cmd, check=True, capture_output=True)
            out.append(time.perf_counter() - t)
    return [statistics.median(t) for t in times]


def bench_cli() -> None:
    exe = Path(sys.executable)
    cli = [str(exe), "-m", "ia_empreinte_cli", "estimate", str(PROFILE), str(OFFER),
           "--format", "json"]
    base = [str(exe), "-c", "import numpy, pydantic"]
    # `import pydantic` alone defers its model machinery; any validated input needs it
    floor = [str(exe), "-c", "import numpy, click, yaml\nfrom pydantic import BaseModel\n"
             "class M(BaseModel):\n    x: int\nM(x=1)"]
    t_cli, t_base, t_floor = _walls(cli, base, floor)
    print(f"start-up, for information: `ia-empreinte estimate` (1000 draws, json): "
          f"{t_cli:.3f} s; `python -c \"import numpy, pydantic\"`: {t_base:.3f} s; "
          f"ratio {t_cli / t_base:.2f}x")
    print(f"    floor: numpy + click + yaml + one validated pydantic model: {t_floor:.3f} s "
          f"({t_floor / t_base:.2f}x the baseline); ia-empreinte's own share "
          f"{t_cli - t_floor:.3f} s")
    probe = (
        "import sys\nfrom ia_empreinte_cli.app import cli\n"
        f"sys.argv = ['ia-empreinte', 'estimate', {str(PROFILE)!r}, {str(OFFER)!r}, "
        "'--format', 'json']\n"
        "try:\n    cli(standalone_mode=False)\nexcept SystemExit:\n    pass\n"
        f"print(sorted(set(sys.modules) & {set(EXTRAS)!r}))\n"
    )
    out = subprocess.run([str(exe), "-c", probe], check=True, capture_output=True, text=True)
    heavy = out.stdout.strip().splitlines()[-1]
    print(f"modules of the extras imported by `ia-empreinte estimate`: {heavy} (expected [])")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="engine speed vs EcoLogits")
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--draws", type=int, default=100_000)
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:  # one side of the audit comparison, in its own process
        kind, *rest = args.worker
        result = (_worker_ours(Path(rest[0])) if kind == "ours"
                  else _worker_ecologits(Path(rest[0]), int(rest[1]), int(rest[2])))
        print(json.dumps(result))
        return 0
    import os

    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPU(s)")
    bench_audit(args.requests)
    bench_comparison(args.draws)
    bench_cli()
    return 0


if __name__ == "__main__":
    sys.exit(main())
