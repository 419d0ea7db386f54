"""One call per ``ia-empreinte bench`` command: run, keygen, export.

The CLI parses its options and calls these functions; they build the target, the
meter and the signer, run the protocol and return the record or text to write.
"""

from __future__ import annotations

import contextlib
import functools
import json
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Literal

from ia_empreinte._version import __version__
from ia_empreinte.errors import InputFileError, ValidationFailure
from ia_empreinte.harness.boamps import to_boamps
from ia_empreinte.harness.meters import CodeCarbonMeter, Meter
from ia_empreinte.harness.protocol import (
    DEFAULTS,
    SMOKE,
    Declared,
    Progress,
    ProtocolSettings,
    run_benchmark,
)
from ia_empreinte.harness.signing import generate_keypair, load_private_key, sign
from ia_empreinte.harness.targets import (
    CallableTarget,
    CommandTarget,
    EndpointTarget,
    TargetError,
    TargetRunner,
)
from ia_empreinte.harness.workloads import Api, Workload, WorkloadRequest, load_workload
from ia_empreinte.inputs.records import load_record
from ia_empreinte.parsing import parse_model
from ia_empreinte.records import BenchmarkRecord, Signature
from ia_empreinte.records.schema import ModelInfo

__all__ = ["bench_export", "bench_keygen", "bench_run", "settings_for"]


def settings_for(
    *,
    smoke: bool,
    concurrency: int,
    windows: int | None,
    window_s: float | None,
    warmup_s: float | None,
    idle_s: float | None,
) -> ProtocolSettings:
    """Protocol settings: the defaults (or the smoke ones) with the given overrides."""
    base = SMOKE if smoke else DEFAULTS
    return ProtocolSettings(
        windows=windows if windows is not None else base.windows,
        window_s=window_s if window_s is not None else base.window_s,
        warmup_s=warmup_s if warmup_s is not None else base.warmup_s,
        idle_s=idle_s if idle_s is not None else base.idle_s,
        concurrency=concurrency,
        smoke=smoke,
    )


def _command_workload() -> Workload:
    req = WorkloadRequest(id="command-run", text="")
    return Workload(
        pack_id="command", pack_version="0", task="text-generation", api="chat",
        description="the command's own work", licence="n/a", seed=0,
        warmup=[], requests=[req], file_sha256="0" * 64,
    )


def bench_run(
    *,
    endpoint: str | None = None,
    api: Api | None = None,
    callable_spec: str | None = None,
    command: Sequence[str] = (),
    workload: str | Path | None = None,
    model_name: str = "unnamed-model",
    model_revision: str = "",
    total_params_b: float | None = None,
    active_params_b: float | None = None,
    precision: str | None = None,
    accelerator: str | None = None,
    batch_size: int | None = None,
    concurrency: int = 1,
    windows: int | None = None,
    window_s: float | None = None,
    warmup_s: float | None = None,
    idle_s: float | None = None,
    smoke: bool = False,
    sign_key: str | Path | None = None,
    tracking_mode: Literal["machine", "process"] = "machine",
    measure_power_secs: float | None = None,
    meter: Meter | None = None,
    progress: Callable[[Progress], None] | None = None,
) -> BenchmarkRecord:
    """Run the benchmark protocol on one target and return the sealed record.

    Exactly one target: ``endpoint`` (an OpenAI-compatible server on this machine, with
    ``api``; the workload pack's API by default), ``callable_spec``
    (``module:function`` or ``file.py:function``) or ``command``. Protocol values left
    None take the defaults (K = 5 windows of 60 s, 60 s warm-up, 60 s idle before and
    after) or, with ``smoke``, short test values (the record is then marked not valid
    for procurement). ``measure_power_secs`` defaults to 1 s, and to 10 s in smoke
    mode: CodeCarbon 3.3.2 can count an integration interval twice when a scheduled
    measurement runs while ``stop()`` takes its final one (seen here as up to +33 % of
    RAM energy on 1.5 s windows at 0.5 s intervals); an interval longer than the window
    leaves only the start and stop measurements. Counters (RAPL, NVML) are deltas, and
    the CPU-load model is time-weighted from CodeCarbon's own 1 s monitor samples, so a
    long interval loses nothing.

    Raises:
        TargetError: no target, several targets, or an unusable target.
        MeterError, InputFileError, ValidationFailure, RecordError: see the modules.
    """
    chosen = sum((endpoint is not None, callable_spec is not None, bool(command)))
    if chosen != 1:
        raise TargetError("give exactly one target: --endpoint, --callable or -- COMMAND")
    target: TargetRunner
    if command:
        target = CommandTarget(command)
        pack = load_workload(workload) if workload else _command_workload()
    else:
        if workload is None:
            raise TargetError("give the workload pack with --workload")
        pack = load_workload(workload)
        if endpoint is not None:
            target = EndpointTarget(endpoint, api or pack.api, model=model_name,
                                    seed=pack.seed, pack_dir=Path(workload).parent)
        else:
            assert callable_spec is not None
            target = CallableTarget(callable_spec, api or pack.api)
    signer: Callable[[bytes], Signature] | None = None
    if sign_key is not None:
        signer = functools.partial(sign, load_private_key(sign_key))
    declared = Declared(
        model_name=model_name, model_revision=model_revision, total_params_b=total_params_b,
        active_params_b=active_params_b, precision=precision, accelerator=accelerator,
        batch_size=batch_size,
    )
    _check_declared(declared)
    settings = settings_for(smoke=smoke, concurrency=concurrency, windows=windows,
                            window_s=window_s, warmup_s=warmup_s, idle_s=idle_s)
    own_meter = meter is None
    interval_s = measure_power_secs or (10.0 if smoke else 1.0)
    active: Meter = meter or CodeCarbonMeter(
        tracking_mode=tracking_mode, measure_power_secs=interval_s
    )
    try:
        with _terminated_as_exit():
            return run_benchmark(target, pack, active, declared, settings,
                                 progress=progress, signer=signer,
                                 harness_version=f"ia-empreinte {__version__}")
    finally:
        if own_meter:
            active.close()


@contextlib.contextmanager
def _terminated_as_exit() -> Iterator[None]:
    """Turn SIGTERM into ``SystemExit(143)`` while measuring, so that the meter's
    temporary folder is removed (the default action kills the process on the spot).

    Only the main thread can install a handler; elsewhere nothing changes.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _check_declared(declared: Declared) -> None:
    """Validate the declared model as the record will, before minutes of measurement.

    Raises:
        ValidationFailure: e.g. ``model.total_params_b: expected a finite number``.
    """
    try:
        parse_model(ModelInfo, {
            "name": declared.model_name, "revision": declared.model_revision,
            "total_params_b": declared.total_params_b,
            "active_params_b": declared.active_params_b, "precision": declared.precision,
        }, error=ValidationFailure)
    except ValidationFailure as exc:
        raise ValidationFailure(exc.message, location=("model", *exc.location)) from None


def bench_keygen(prefix: str | Path) -> tuple[Path, Path, str]:
    """Create ``PREFIX.key`` (private, mode 0600) and ``PREFIX.pub``.

    Returns:
        The two paths and the public key's SHA-256 fingerprint.

    Raises:
        TargetError: one of the files exists (keys are never overwritten).
        InputFileError: an empty prefix, or a folder that cannot be written (neither
            file is left behind).
    """
    import hashlib
    import os


    if not Path(prefix).name or str(prefix).endswith(("/", os.sep)):
        raise InputFileError("expected a file name prefix such as 'vendor' "
                             "(writes vendor.key and vendor.pub)", file=str(prefix))
    private_path = Path(f"{prefix}.key")
    public_path = Path(f"{prefix}.pub")
    for p in (private_path, public_path):
        if p.exists():
            raise TargetError(f"{p} exists; keys are never overwritten")
    private, public = generate_keypair()
    written: list[Path] = []
    current = private_path
    try:
        for current, text, mode in ((private_path, private, 0o600), (public_path, public, 0o666)):
            fd = os.open(current, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
            written.append(current)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text + "\n")
    except OSError as exc:
        for p in written:
            p.unlink(missing_ok=True)
        raise InputFileError(f"cannot write the key ({exc.strerror or exc})",
                             file=str(current)) from None
    return private_path, public_path, hashlib.sha256(bytes.fromhex(public)).hexdigest()


def bench_export(path: str | Path, fmt: Literal["boamps"] = "boamps") -> str:
    """The record at ``path`` (integrity checked) in another format, as JSON text."""

    record = load_record(path)
    return json.dumps(to_boamps(record), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
