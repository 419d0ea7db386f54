"""The measurement protocol: pre-flight, idle baseline, warm-up, K windows, record.

Steps (adapted from the ML.ENERGY Benchmark, J.-W. Chung et al., 2025,
https://arxiv.org/abs/2505.06371, and the MLPerf Inference power rules, MLCommons,
https://github.com/mlcommons/inference_policies; energy read through CodeCarbon 3.3,
https://github.com/mlco2/codecarbon):

1. pre-flight: one request to the target, the meter's inventory (RAPL, NVML counter),
   load average;
2. idle baseline "pre" with the model loaded and no request;
3. warm-up on the pack's separate warm-up requests, at the target concurrency;
4. K measurement windows of at least T seconds at fixed concurrency (no request starts
   after T; those in flight finish inside the window);
5. idle baseline "post";
6. results: gross and idle-subtracted energy per request, per output token and per
   unit, Student-t 95 % intervals, the per-token fit; then hash and optional signature.

``smoke`` runs use short windows for tests and are marked not valid for procurement.
"""

from __future__ import annotations

import datetime as dt
import platform
import socket
import time
import urllib.parse
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from ia_empreinte.harness.meters import Meter, python_version
from ia_empreinte.harness.targets import RequestResult, TargetError, TargetRunner
from ia_empreinte.harness.workloads import Workload, requests_sha256
from ia_empreinte.records import (
    BenchmarkRecord,
    Check,
    ComponentEnergy,
    IdleWindow,
    MeasurementWindow,
    Signature,
    check_plausibility,
    round_floats,
    seal_record,
)
from ia_empreinte.records.stats import derive_results

__all__ = [
    "DEFAULTS",
    "SMOKE",
    "Declared",
    "Progress",
    "ProtocolSettings",
    "build_record",
    "run_benchmark",
    "summarise_window",
]

Phase = Literal["preflight", "idle-pre", "warmup", "window", "idle-post", "done"]


@dataclass(frozen=True)
class ProtocolSettings:
    """Protocol parameters (all kept in the record).

    Defaults follow the research: K = 5 windows of 60 s, 60 s idle before and after,
    60 s warm-up.
    """

    windows: int = 5
    window_s: float = 60.0
    warmup_s: float = 60.0
    idle_s: float = 60.0
    concurrency: int = 1
    smoke: bool = False

    def total_s(self) -> float:
        """Planned duration, seconds (excluding pre-flight and drain tails)."""
        return 2 * self.idle_s + self.warmup_s + self.windows * self.window_s


DEFAULTS = ProtocolSettings()
SMOKE = ProtocolSettings(windows=3, window_s=2.0, warmup_s=1.0, idle_s=1.5, smoke=True)
"""Short windows for tests and trials; the record is marked not valid for procurement."""


@dataclass(frozen=True)
class Declared:
    """What the vendor declares about the model and hardware (copied into the record)."""

    model_name: str
    model_revision: str = ""
    total_params_b: float | None = None
    active_params_b: float | None = None
    precision: str | None = None
    accelerator: str | None = None
    """Catalog id of the accelerators serving the model (``ia-empreinte catalog accelerators``)."""
    batch_size: int | None = None
    virtualization: str = "unknown"


@dataclass(frozen=True)
class Progress:
    """One update of the live display."""

    phase: Phase
    window: int | None
    windows: int
    elapsed_s: float
    remaining_s: float
    requests_done: int
    power_w: float | None


@dataclass
class _Clock:
    start: float
    planned_s: float
    requests: int = 0
    notes: list[str] = field(default_factory=list)

    def elapsed(self) -> float:
        return time.perf_counter() - self.start


def _utc_now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def run_benchmark(
    target: TargetRunner,
    workload: Workload,
    meter: Meter,
    declared: Declared,
    settings: ProtocolSettings = DEFAULTS,
    *,
    progress: Callable[[Progress], None] | None = None,
    signer: Callable[[bytes], Signature] | None = None,
    harness_version: str = "unknown",
) -> BenchmarkRecord:
    """Run the protocol on ``target`` and return the sealed record.

    Raises:
        TargetError: the target is unreachable or answers without ``usage``.
        MeterError: the meter returned no data or a silent zero.
    """
    clock = _Clock(start=time.perf_counter(), planned_s=settings.total_s())
    report = progress or (lambda _p: None)

    def after(phase: Phase, window: int | None) -> float:
        """Planned seconds of the phases after the current one."""
        rest = {"idle-pre": settings.warmup_s + settings.windows * settings.window_s
                + settings.idle_s,
                "warmup": settings.windows * settings.window_s + settings.idle_s,
                "window": (settings.windows - (window or 0)) * settings.window_s
                + settings.idle_s}
        return rest.get(phase, 0.0)

    def tick(phase: Phase, window: int | None, phase_end: float, power: float | None) -> None:
        remaining = max(0.0, phase_end - clock.elapsed()) + after(phase, window)
        report(Progress(phase=phase, window=window, windows=settings.windows,
                        elapsed_s=clock.elapsed(), remaining_s=remaining,
                        requests_done=clock.requests, power_w=power))

    # 1. pre-flight
    report(Progress("preflight", None, settings.windows, 0.0, settings.total_s(), 0, None))
    first = (workload.warmup or workload.requests)[0]
    target.check(first)

    def idle(phase: Literal["pre", "post"]) -> IdleWindow:
        started = _utc_now()
        phase_end = clock.elapsed() + settings.idle_s
        meter.start()
        name: Phase = "idle-pre" if phase == "pre" else "idle-post"
        deadline = time.perf_counter() + settings.idle_s
        while (left := deadline - time.perf_counter()) > 0:
            time.sleep(min(0.5, left))
            tick(name, None, phase_end, meter.power_w())
        reading = meter.stop()
        return IdleWindow(phase=phase, start_utc=started, duration_s=reading.duration_s,
                          energy=reading.energy)

    # 2. idle baseline, model loaded (the target answered the pre-flight request)
    idle_windows = [idle("pre")]

    # 3. warm-up on the separate warm-up subset
    def on_result(_r: RequestResult) -> None:
        clock.requests += 1

    if settings.warmup_s > 0 and workload.warmup:
        warm_end = clock.elapsed() + settings.warmup_s

        def warm_result(r: RequestResult) -> None:
            tick("warmup", None, warm_end, None)

        target.run(workload.warmup, concurrency=settings.concurrency,
                   duration_s=settings.warmup_s, start=0, on_result=warm_result)

    # 4. K measurement windows
    windows: list[MeasurementWindow] = []
    cursor = 0
    for k in range(settings.windows):
        started = _utc_now()
        w_end = clock.elapsed() + settings.window_s

        def counted(r: RequestResult, k: int = k, w_end: float = w_end) -> None:
            on_result(r)
            tick("window", k + 1, w_end, meter.power_w())

        meter.start()
        try:
            results = target.run(workload.requests, concurrency=settings.concurrency,
                                 duration_s=settings.window_s, start=cursor,
                                 on_result=counted)
        except BaseException:
            meter.stop()
            raise
        reading = meter.stop()
        cursor += len(results)
        windows.append(summarise_window(k, started, reading.duration_s, reading.energy,
                               reading.nvml_energy_j, results))

    # 5. idle baseline after the load
    idle_windows.append(idle("post"))
    report(Progress("done", None, settings.windows, clock.elapsed(), 0.0, clock.requests,
                    None))
    return build_record(
        target=target, workload=workload, meter=meter, declared=declared,
        settings=settings, idle=idle_windows, windows=windows, signer=signer,
        harness_version=harness_version,
    )


def summarise_window(
    index: int,
    started: str,
    duration_s: float,
    energy: ComponentEnergy,
    nvml_j: float | None,
    results: list[RequestResult],
) -> MeasurementWindow:
    ok = [r for r in results if r.ok]
    if not ok:
        errors = {r.error for r in results if r.error}
        raise TargetError(
            f"window {index + 1}: no request succeeded"
            + (f" ({'; '.join(sorted(errors))[:200]})" if errors else "")
        )
    x = np.array([[1.0, r.input_tokens, r.output_tokens] for r in ok])
    y = np.array([r.latency_s for r in ok])
    return MeasurementWindow(
        index=index,
        start_utc=started,
        duration_s=duration_s,
        requests=len(ok),
        failed_requests=len(results) - len(ok),
        input_tokens=sum(r.input_tokens for r in ok),
        output_tokens=sum(r.output_tokens for r in ok),
        units=float(sum(r.units for r in ok)),
        energy=energy,
        nvml_energy_j=nvml_j,
        busy_s=float(y.sum()),
        latency_xtx=(x.T @ x).tolist(),
        latency_xty=(x.T @ y).tolist(),
    )


def build_record(
    *,
    target: TargetRunner,
    workload: Workload,
    meter: Meter,
    declared: Declared,
    settings: ProtocolSettings,
    idle: list[IdleWindow],
    windows: list[MeasurementWindow],
    signer: Callable[[bytes], Signature] | None = None,
    harness_version: str = "unknown",
    created_utc: str | None = None,
    record_id: str | None = None,
) -> BenchmarkRecord:
    """Assemble, check and seal a record from measured windows.

    Floats are rounded to 12 significant digits first, and the results are derived
    from the rounded windows so that ``bench verify`` recomputes them exactly.
    """
    info = meter.info()
    idle = [IdleWindow.model_validate(round_floats(i.model_dump())) for i in idle]
    windows = [MeasurementWindow.model_validate(round_floats(w.model_dump())) for w in windows]
    results = derive_results(windows, idle)
    failed_share = sum(w.failed_requests for w in windows) / max(
        1, sum(w.requests + w.failed_requests for w in windows)
    )
    data: dict[str, Any] = {
        "schema": "ia-empreinte/benchmark-record/1",
        "record_id": record_id or str(uuid.uuid4()),
        "created_utc": created_utc or _utc_now(),
        "valid_for_procurement": False,
        "task": workload.task,
        "target": target.describe().model_dump(),
        "model": {
            "name": declared.model_name,
            "revision": declared.model_revision,
            "total_params_b": declared.total_params_b,
            "active_params_b": declared.active_params_b,
            "precision": declared.precision,
        },
        "workload": {
            "pack_id": workload.pack_id,
            "pack_version": workload.pack_version,
            "sha256": workload.file_sha256,
            "requests_sha256": requests_sha256(workload.requests),
            "warmup_sha256": requests_sha256(workload.warmup),
            "n_requests": len(workload.requests),
            "n_warmup": len(workload.warmup),
            "seed": workload.seed,
            "licence": workload.licence,
            "max_output_tokens": workload.max_output_tokens,
        },
        "operating_point": {
            "concurrency": settings.concurrency,
            "batch_size": declared.batch_size,
            "precision": declared.precision,
        },
        "hardware": {
            "cpu_model": info.cpu_model,
            "cpu_count": info.cpu_count,
            "ram_total_gb": info.ram_total_gb,
            "accelerator": declared.accelerator,
            "accelerator_count": len(info.gpu_models),
            "gpu_models": info.gpu_models,
            "virtualization": declared.virtualization,
        },
        "software": {
            "harness": harness_version,
            "python": python_version(),
            "platform": platform.platform(),
            "codecarbon": info.codecarbon_version,
            "nvidia_driver": info.nvidia_driver,
            "pynvml": info.pynvml_version,
        },
        "measurement": {
            "meter": info.meter,
            "methods": info.methods,
            "method_details": info.method_details,
            "settings": info.settings,
            "scope": "server",
        },
        "protocol": {
            "smoke": settings.smoke,
            "windows": settings.windows,
            "window_s": settings.window_s,
            "warmup_s": settings.warmup_s,
            "idle_s": settings.idle_s,
            "concurrency": settings.concurrency,
        },
        "preflight": info.preflight.model_dump(),
        "idle": [i.model_dump() for i in idle],
        "windows": [w.model_dump() for w in windows],
        "results": results.model_dump(),
    }
    record = BenchmarkRecord.model_validate(round_floats(data))
    checks = check_plausibility(record)
    if failed_share > 0.01:
        checks.append(Check(rule="failed-requests", status="fail",
                            detail=f"{failed_share * 100:.1f} % of requests failed (> 1 %)"))
    url = record.target.url
    if url is not None:
        host = urllib.parse.urlsplit(url).hostname or ""
        local = host in ("127.0.0.1", "::1", "localhost") or host == socket.gethostname()
        checks.append(Check(
            rule="serving-host", status="pass" if local else "warn",
            detail=f"endpoint host {host}" + ("" if local else
                   ": energy is measured on THIS machine, which must be the server"),
        ))
    if record.measurement.quality == "estimate":
        checks.append(Check(
            rule="measured-components", status="warn",
            detail="no component measured by a counter (no RAPL, no GPU): an estimate, "
            "not valid for procurement",
        ))
    valid = (not settings.smoke and all(c.status != "fail" for c in checks)
             and record.measurement.quality != "estimate")
    record = record.model_copy(update={"checks": checks, "valid_for_procurement": valid})
    # re-validate so that the stored form is exactly what a reader will parse
    record = BenchmarkRecord.model_validate(record.model_dump(mode="json", by_alias=True))
    return seal_record(record, signer)
