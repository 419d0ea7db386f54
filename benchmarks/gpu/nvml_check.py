"""Check the harness's NVML path on a real NVIDIA GPU (run it on a GPU machine).

1. NVML as the harness opens it: GPU model, driver, total-energy counter, and the idle
   power (20 readings over 5 s) against the catalog entry the GPU maps to.
2. A smoke benchmark of a stand-in decode loop on the GPU (``torch_decode.py:chat``)
   through ``bench_run`` with the REAL CodeCarbon in machine mode: per window,
   CodeCarbon's GPU energy against the harness's direct NVML counter reading, the
   average GPU power against idle and the catalog's maximum, and ``verify_record``.
3. The same through the CLI: ``ia-empreinte bench run --callable ...`` with its live
   display, then ``ia-empreinte bench verify``.

Writes both records and ``summary.json`` to ``--out``. Exit 0 when every check holds, 1
when one fails; 0 with a message when NVML sees no GPU (nothing to check here).

Usage: ``PYTHONPATH=src:cli python benchmarks/gpu/nvml_check.py --out OUT``

On 25 Nov 2026 it ran on a lent NVIDIA H200 whose image has torch, numpy, click, PyYAML,
pandas and nvidia-ml-py but not pydantic or CodeCarbon: their cp312 wheels (pydantic,
pydantic-core, annotated-types, typing-inspection, typing-extensions, codecarbon and its
missing requirements: arrow, authlib, joserfc, cryptography, cffi, pycparser, pycountry,
questionary, prompt-toolkit, wcwidth, rapidfuzz, tzdata; the versions of this project's
venv) were carried in ``.whl/`` and installed with ``pip install --no-index --no-deps
--target /tmp/site .whl/*.whl``, then ``PYTHONPATH=/tmp/site:src:cli``. Its record and
summary are in ``benchmarks/gpu/records/``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CALLABLE = f"{Path(__file__).with_name('torch_decode.py')}:chat"
WORKLOAD = ROOT / "benchmarks" / "workloads" / "chat-fr.json"
CATALOG_IDS = (("H200", "nvidia-h200"), ("H100 PCIe", "nvidia-h100-pcie-80gb"),
               ("H100", "nvidia-h100-sxm-80gb"), ("A100", "nvidia-a100-sxm-80gb"),
               ("L40S", "nvidia-l40s"), ("L4", "nvidia-l4"))
NVML_GAP = 0.05  # CodeCarbon and the direct read use the same counter: within 5 %


def _support(q: Any) -> tuple[float, float]:
    """(lowest, highest) value of a catalog quantity (a number or a distribution)."""
    return (float(q), float(q)) if isinstance(q, int | float) else q.support()


def idle_power_w(seconds: float = 5.0, readings: int = 20) -> list[float]:
    """GPU 0's power draw as NVML reports it, W, while nothing runs on it."""
    import pynvml

    pynvml.nvmlInit()
    handle = pynvml.nvmlDeviceGetHandleByIndex(0)
    out = []
    for _ in range(readings):
        out.append(pynvml.nvmlDeviceGetPowerUsage(handle) / 1000.0)
        time.sleep(seconds / readings)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--window-seconds", type=float, default=8.0)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)

    from ia_empreinte import catalog, verify_record
    from ia_empreinte.harness import bench_run
    from ia_empreinte.harness.meters import NvmlCounters

    failures: list[str] = []

    def check(ok: bool, what: str) -> None:
        print(f"  [{'ok' if ok else 'FAIL'}] {what}", flush=True)
        if not ok:
            failures.append(what)

    nvml = NvmlCounters.try_open()
    if nvml is None:
        print("no NVIDIA GPU seen through NVML: nothing to check on this machine")
        return 0
    models = nvml.models()
    acc_id = next((cid for key, cid in CATALOG_IDS if key in models[0]), None)
    print(f"1. NVML: {nvml.count} GPU(s) {models}, driver {nvml.driver()}, "
          f"catalog id {acc_id}", flush=True)
    check(nvml.has_counter, "the GPU has a total-energy counter (Volta or newer)")
    idle = idle_power_w()
    idle_w = sorted(idle)[len(idle) // 2]
    summary: dict[str, Any] = {"gpus": models, "driver": nvml.driver(), "catalog_id": acc_id,
                               "idle_power_w_readings": idle, "idle_power_w_median": idle_w}
    max_w = None
    if acc_id is not None:
        entry = catalog.accelerator(acc_id)
        low, high = _support(entry.idle_power_w)
        max_w = _support(entry.max_power_w)[1]
        summary["catalog_idle_power_w"] = [low, high]
        summary["catalog_max_power_w"] = max_w
        print(f"  idle power: median {idle_w:.1f} W of {len(idle)} readings "
              f"(catalog {acc_id}: {low:g}-{high:g} W, max {max_w:g} W)", flush=True)
        summary["idle_inside_catalog_range"] = bool(low <= idle_w <= high)

    print("2. bench_run, real CodeCarbon, machine mode, in-process GPU callable", flush=True)

    live: dict[int, float] = {}  # window -> last live power shown
    shown = {"at": -1.0}

    def show(p: Any) -> None:
        if p.window is not None and p.power_w is not None:
            live[p.window] = p.power_w
        if p.elapsed_s - shown["at"] >= 2.0 or p.phase == "done":
            shown["at"] = p.elapsed_s
            power = f", live power {p.power_w:.0f} W" if p.power_w is not None else ""
            print(f"  {p.phase} {p.window or ''}/{p.windows} {p.elapsed_s:.1f}s "
                  f"{p.requests_done} requests{power}", flush=True)

    record = bench_run(callable_spec=CALLABLE, workload=WORKLOAD, model_name="torch-decode-standin",
                       accelerator=acc_id, smoke=True, windows=3,
                       window_s=args.window_seconds, warmup_s=3.0, idle_s=5.0,
                       tracking_mode="machine", progress=show)
    path = args.out / "gpu-record.json"
    path.write_text(record.file_text(), encoding="utf-8")
    check(record.measurement.methods.get("accelerators") == "measured",
          f"accelerators measured ({record.measurement.method_details.get('accelerators')})")
    windows = []
    for w in record.windows:
        cc = w.energy.accelerators_j or 0.0
        direct = w.nvml_energy_j or 0.0
        gap = abs(cc - direct) / direct if direct else float("inf")
        power = cc / w.duration_s
        windows.append({"duration_s": w.duration_s, "requests": w.requests,
                        "output_tokens": w.output_tokens, "codecarbon_gpu_j": cc,
                        "nvml_direct_j": direct, "gap": gap, "gpu_power_w": power})
        print(f"  window {w.index + 1}: {w.requests} requests, {w.output_tokens} output "
              f"tokens, GPU {cc:.1f} J (CodeCarbon) vs {direct:.1f} J (NVML direct), gap "
              f"{gap:.2%}, {power:.0f} W", flush=True)
        measured_w = w.energy.total_j / w.duration_s
        shown_w = live.get(w.index + 1)
        print(f"    live display showed {shown_w or 0:.0f} W at the window's end; measured "
              f"{measured_w:.0f} W (GPU, CPU and RAM)", flush=True)
        check(shown_w is not None and abs(shown_w - measured_w) <= 0.25 * measured_w,
              "live display's power within 25 % of the window's measured power")
        check(cc > 0 and direct > 0, "GPU energy above zero in both readings")
        check(gap <= NVML_GAP, f"CodeCarbon within {NVML_GAP:.0%} of the direct NVML read")
        check(power > idle_w, "GPU power under load above idle")
        if max_w is not None:
            check(power <= 1.1 * max_w, "GPU power under 1.1 x the catalog maximum")
    summary["windows"] = windows
    summary["results"] = json.loads(record.results.model_dump_json())
    checked, checks = verify_record(path)
    for c in checks:
        print(f"  verify {c.status}: {c.rule}: {c.detail}", flush=True)
    summary["verify"] = [c.model_dump() for c in checks]
    summary["record_sha256"] = checked.sha256()

    print("3. the CLI: bench run --callable, then bench verify", flush=True)
    cli_record = args.out / "cli-record.json"
    run = subprocess.run(
        [sys.executable, "-m", "ia_empreinte_cli", "bench", "run", "--smoke", "--windows", "2",
         "--window-seconds", "5", "--warmup-seconds", "2", "--idle-seconds", "3",
         "--callable", CALLABLE, "--workload", str(WORKLOAD), "--model-name",
         "torch-decode-standin", *(["--accelerator", acc_id] if acc_id else []),
         "-o", str(cli_record)], capture_output=True, text=True)
    print(run.stdout[-3000:], run.stderr[-2000:], flush=True)
    check(run.returncode == 0, "ia-empreinte bench run exits 0")
    verify = subprocess.run([sys.executable, "-m", "ia_empreinte_cli", "bench", "verify",
                             str(cli_record)], capture_output=True, text=True)
    print(verify.stdout[-2000:], verify.stderr[-1000:], flush=True)
    check(verify.returncode == 0, "ia-empreinte bench verify exits 0")

    summary["failures"] = failures
    (args.out / "summary.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
    print(f"{len(failures)} failed check(s)" if failures else "every check holds", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
