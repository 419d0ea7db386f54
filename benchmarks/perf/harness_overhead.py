"""Harness overhead: the same workload with and without the harness, side by side.

Workload: the in-process ``tinylm`` chat model on the ``rag-fr`` pack, one request at
a time (concurrency 1), for a fixed wall time per repetition. Baseline: a plain loop
calling the model. Harness: the same requests through ``CallableTarget.run`` inside a
real CodeCarbon window (``CodeCarbonMeter``, machine mode, 1 s interval) with a
progress callback that formats a status line, i.e. everything ``bench run`` adds
around the model. Repetitions alternate A, B, A, B... so that drift hits both.

Prints the time per request of each, and the ratio harness / baseline (target <= 1.02).

    python benchmarks/perf/harness_overhead.py [--reps 16] [--seconds 2]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks" / "servers"))

import tinylm  # noqa: E402

from ia_empreinte.harness.meters import CodeCarbonMeter  # noqa: E402
from ia_empreinte.harness.targets import CallableTarget, RequestResult  # noqa: E402
from ia_empreinte.harness.workloads import load_workload  # noqa: E402


def baseline(payloads: list[dict[str, object]], seconds: float) -> tuple[float, float]:
    """Wall and process-CPU seconds per request of a plain loop."""
    n = 0
    t0, c0 = time.perf_counter(), time.process_time()
    deadline = t0 + seconds
    while time.perf_counter() < deadline:
        tinylm.chat(payloads[n % len(payloads)])
        n += 1
    return (time.perf_counter() - t0) / n, (time.process_time() - c0) / n


def harness(target: CallableTarget, meter: CodeCarbonMeter, pack: object,
            seconds: float) -> tuple[float, float]:
    """Wall and process-CPU seconds per request through the harness, in a CodeCarbon window.

    The process CPU time includes CodeCarbon's monitor and scheduler threads.
    """
    lines: list[str] = []

    def progress(r: RequestResult) -> None:
        lines.append(f"window 1/1 requests {len(lines):6d} power {meter.power_w() or 0:7.1f} W")

    t0, c0 = time.perf_counter(), time.process_time()
    meter.start()
    results = target.run(pack.requests, concurrency=1, duration_s=seconds,  # type: ignore[attr-defined]
                         start=0, on_result=progress)
    meter.stop()
    n = len(results)
    return (time.perf_counter() - t0) / n, (time.process_time() - c0) / n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=2.0)
    args = parser.parse_args()
    pack = load_workload(ROOT / "benchmarks" / "workloads" / "rag-fr.json")
    payloads = [r.model_dump(include={"id", "text", "system", "max_output_tokens"})
                for r in pack.requests]
    tinylm.model()
    target = CallableTarget(f"{ROOT / 'benchmarks' / 'servers' / 'tinylm.py'}:chat")
    with CodeCarbonMeter(tracking_mode="machine", measure_power_secs=1.0) as meter:
        meter.start()  # CodeCarbon's one-off hardware detection, outside the comparison
        meter.stop()
        target.check(pack.requests[0])  # the callable's module (and model) load once
        baseline(payloads, 1.0)
        base, wrapped = [], []
        for _ in range(args.reps):
            base.append(baseline(payloads, args.seconds))
            wrapped.append(harness(target, meter, pack, args.seconds))
    print(f"workload: tinylm chat on rag-fr, concurrency 1, {args.reps} x {args.seconds:g} s "
          "each, interleaved")
    for i, what in enumerate(("wall", "process CPU")):
        b = statistics.median(x[i] for x in base)
        h = statistics.median(x[i] for x in wrapped)
        print(f"{what:>11}: baseline {b * 1000:7.3f} ms/request, harness {h * 1000:7.3f} "
              f"ms/request, ratio harness/baseline {h / b:.3f} (target <= 1.02)")
        print(f"{'':>11}  reps baseline {', '.join(f'{x[i] * 1000:.2f}' for x in base)}")
        print(f"{'':>11}  reps harness  {', '.join(f'{x[i] * 1000:.2f}' for x in wrapped)}")


if __name__ == "__main__":
    main()
