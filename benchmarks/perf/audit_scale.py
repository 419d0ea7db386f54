"""Speed and memory of the partitioned audit at national scale, side by side in one run.

    python benchmarks/perf/audit_scale.py [--sizes 10000000 100000000] [--draws 1000]

For each size, a synthetic national log (``benchmarks/synthetic_logs.py``: 100
collectivités x 12 months, one Parquet file per partition) is generated once in a
temporary folder (kept between runs: ``--data``), then audited in a fresh child process
by each engine in turn:

- the local engine (this process reads file after file);
- Dask: a ``LocalCluster`` of 2 worker processes (1 thread each) started by the run.

Printed per run: rows per second of the whole audit (reading, checking, binning, the
chain over every group, the summaries), and peak resident memory: the largest total RSS
of the child's process tree (the Dask workers included), sampled every 0.1 s with psutil,
and the child's own peak from ``wait4`` (``ru_maxrss``). The Dask run gives its ratio to
the local run. Last, EcoLogits 0.11.3 ``llm_impacts`` called once per request on a
100,000-row sample of the log's text-generation requests, for scale (extra ``perf``).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OFFER = ROOT / "examples" / "offers" / "open-mid-cloud-fr.yaml"
sys.path.insert(0, str(ROOT / "benchmarks"))
ECO_MODEL = ("huggingface_hub", "meta-llama/Meta-Llama-3.1-8B-Instruct")
GIB = 1 << 30


def dataset(root: Path, rows: int) -> Path:
    """The log of ``rows`` requests under ``root`` (generated once, then reused)."""
    import synthetic_logs

    folder = root / f"national-{rows}"
    done = folder / "_COMPLETE"
    if not done.exists():
        t = time.perf_counter()
        n = sum(p.rows for p in synthetic_logs.generate(folder, rows))
        done.write_text(str(n))
        print(f"  generated {n:,} rows in {time.perf_counter() - t:.0f} s under {folder}",
              flush=True)
    return folder


def _worker(engine: str, folder: str, draws: int) -> None:
    from ia_empreinte import load_offer
    from ia_empreinte.execution import audit_log_dataset

    offer = load_offer(OFFER)
    t = time.perf_counter()
    a = audit_log_dataset(offer, folder, draws=draws, engine=engine)  # type: ignore[arg-type]
    seconds = time.perf_counter() - t
    print(json.dumps({"rows": a.national.rows, "seconds": seconds, "groups": len(a.groups),
                      "energy_kwh_p50": a.national.estimate.contract.energy_kwh.p50}))


def run_child(engine: str, folder: Path, draws: int) -> dict[str, float]:
    """As :func:`run_child`, reaping the child with ``os.wait4`` for its own ``ru_maxrss``."""
    import psutil

    proc = subprocess.Popen([sys.executable, __file__, "--worker", engine, str(folder),
                             str(draws)], stdout=subprocess.PIPE, text=True)
    parent = psutil.Process(proc.pid)
    peak_tree = 0
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(proc.stdout or []), daemon=True)
    reader.start()
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        try:
            total = sum(p.memory_info().rss for p in [parent, *parent.children(recursive=True)])
            peak_tree = max(peak_tree, total)
        except psutil.Error:
            pass
        time.sleep(0.1)
    reader.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{engine} audit failed ({proc.returncode})")
    doc = json.loads(lines[-1])
    doc["peak_tree_bytes"] = peak_tree
    doc["peak_own_bytes"] = usage.ru_maxrss * 1024
    return doc


def ecologits_rate(folder: Path, n: int = 100_000) -> float | None:
    """EcoLogits requests per second, one ``llm_impacts`` call per request."""
    if importlib.util.find_spec("ecologits") is None:
        return None
    import pyarrow.compute as pc
    import pyarrow.dataset as pds
    from ecologits.tracers.utils import llm_impacts

    ds = pds.dataset(folder, format="parquet", partitioning="hive")
    outs: list[int] = []
    for batch in ds.to_batches(columns=["output_tokens"],
                               filter=pc.field("task") == "text-generation"):
        outs += batch.column(0).to_pylist()
        if len(outs) >= n:
            break
    outs = outs[:n]
    for _ in range(50):  # warm-up
        llm_impacts(*ECO_MODEL, 250, 5.0, "FRA")
    t = time.perf_counter()
    for k in outs:
        llm_impacts(*ECO_MODEL, k, 0.02 * k, "FRA")  # its fallback-like 20 ms per token
    return len(outs) / (time.perf_counter() - t)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["--worker"]:
        _worker(args[1], args[2], int(args[3]))
        return 0
    ap = argparse.ArgumentParser(description="audit speed and memory at national scale")
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000_000, 100_000_000])
    ap.add_argument("--draws", type=int, default=1000)
    ap.add_argument("--data", type=Path,
                    default=Path(tempfile.gettempdir()) / "ia-empreinte-audit-scale")
    ap.add_argument("--engines", nargs="+", default=["local", "dask"])
    a = ap.parse_args(args)
    print(f"audit of a synthetic national log (100 collectivités x 12 months, Parquet "
          f"partitions), {a.draws} draws, on {os.cpu_count()} cores", flush=True)
    results: dict[tuple[int, str], dict[str, float]] = {}
    for rows in a.sizes:
        folder = dataset(a.data, rows)
        for engine in a.engines:
            r = run_child(engine, folder, a.draws)
            results[rows, engine] = r
            local = results.get((rows, "local"))
            ratio = (f"  x{r['seconds'] / local['seconds']:.2f} the local time"
                     if engine != "local" and local else "")
            print(f"  {rows:>13,} rows  {engine:<5}  {r['rows'] / r['seconds']:>12,.0f} rows/s"
                  f"  {r['seconds']:8.1f} s  peak RSS {r['peak_tree_bytes'] / GIB:5.2f} GiB "
                  f"(tree), {r['peak_own_bytes'] / GIB:5.2f} GiB (own){ratio}", flush=True)
    for rows in a.sizes:
        local = results.get((rows, "local"))
        if local is not None and local["peak_tree_bytes"] > GIB:
            print(f"  NOTE: local peak {local['peak_tree_bytes'] / GIB:.2f} GiB > 1 GiB at "
                  f"{rows:,} rows")
    rate = ecologits_rate(dataset(a.data, a.sizes[0]))
    if rate is None:
        print("  EcoLogits not installed: pip install -e '.[perf]' for the side-by-side figure")
    else:
        print(f"  EcoLogits 0.11.3 llm_impacts, one call per request, 100,000 requests: "
              f"{rate:,.0f} requests/s (no uncertainty draws, one model per call)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
