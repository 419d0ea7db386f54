"""Hand-computable benchmark records for the measurement and harness tests.

Idle: pre 10 s at 20 W (200 J), post 10 s at 22 W (220 J) -> P_idle = 21 W.
Windows: 3 x 60 s at 30, 31, 29 W (1800, 1860, 1740 J), the same 100 requests each
(223,150 input and 5,450 output tokens); no accelerator. Request i (0..99) has
in = 400 + 37 x ((7 i) mod 100), out = 5 + i tokens and a latency of
0.1 + 0.001 x in + 0.01 x out seconds (287.65 s summed per window).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

from ia_empreinte.harness.meters import FakeMeter
from ia_empreinte.harness.protocol import Declared, ProtocolSettings, build_record, summarise_window
from ia_empreinte.harness.targets import RequestResult
from ia_empreinte.harness.workloads import Workload, WorkloadRequest
from ia_empreinte.records import BenchmarkRecord, ComponentEnergy, IdleWindow, Target

WINDOW_J = (1800.0, 1860.0, 1740.0)


def requests() -> list[RequestResult]:
    out = []
    for i in range(100):
        n_in, n_out = 400 + 37 * ((7 * i) % 100), 5 + i
        out.append(RequestResult(ok=True, input_tokens=n_in, output_tokens=n_out,
                                 latency_s=0.1 + 0.001 * n_in + 0.01 * n_out))
    return out


class StaticTarget:
    def describe(self) -> Target:
        return Target(kind="callable", api="chat", callable="tests:static")

    def check(self, request: WorkloadRequest) -> RequestResult:
        return RequestResult(ok=True)

    def run(self, *args: Any, **kwargs: Any) -> list[RequestResult]:
        raise AssertionError("not used")


def workload() -> Workload:
    return Workload(
        pack_id="test-pack", pack_version="1", task="text-generation", api="chat",
        description="test", licence="CC0-1.0", seed=1,
        warmup=[WorkloadRequest(id="w0", text="bonjour")],
        requests=[WorkloadRequest(id=f"r{i}", text="mot " * (i + 1)) for i in range(5)],
        file_sha256="ab" * 32,
    )


def make_record(
    *,
    windows_j: tuple[float, ...] = WINDOW_J,
    window_s: float = 60.0,
    smoke: bool = False,
    signer: Any = None,
    accelerator_w: float | None = None,
) -> BenchmarkRecord:
    idle = [
        IdleWindow(phase="pre", start_utc="2026-11-25T10:00:00Z", duration_s=10.0,
                   energy=ComponentEnergy(cpu_j=50.0, ram_j=150.0)),
        IdleWindow(phase="post", start_utc="2026-11-25T10:05:00Z", duration_s=10.0,
                   energy=ComponentEnergy(cpu_j=70.0, ram_j=150.0)),
    ]
    windows = []
    for k, joules in enumerate(windows_j):
        acc = accelerator_w * window_s if accelerator_w is not None else None
        ram = (joules - (acc or 0.0)) / 4
        energy = ComponentEnergy(accelerators_j=acc, cpu_j=joules - ram - (acc or 0.0),
                                 ram_j=ram)
        windows.append(summarise_window(k, f"2026-11-25T10:0{k + 1}:00Z", window_s, energy,
                                        None, requests()))
    meter = FakeMeter(lambda _k: (accelerator_w, 15.0, 15.0))
    settings = ProtocolSettings(windows=len(windows_j), window_s=window_s, warmup_s=60.0,
                                idle_s=10.0, concurrency=4, smoke=smoke)
    return build_record(
        target=StaticTarget(), workload=workload(), meter=meter,
        declared=Declared(model_name="test-model", total_params_b=1.0, precision="bf16",
                          accelerator=None),
        settings=settings, idle=idle, windows=windows, signer=signer,
        harness_version="ia-empreinte test", created_utc="2026-11-25T10:10:00Z",
        record_id="00000000-0000-0000-0000-000000000001",
    )


SERVERS = Path(__file__).resolve().parents[2] / "benchmarks" / "servers"


def run_tiny_server() -> Iterator[str]:
    """Start the shipped OpenAI-compatible test server on a free loopback port; yield its URL."""
    proc = subprocess.Popen(
        [sys.executable, str(SERVERS / "tiny_openai_server.py"), "--port", "0"],
        stdout=subprocess.PIPE, text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    assert line.startswith("listening on http://127.0.0.1:"), line
    yield line.removeprefix("listening on ")
    proc.terminate()
    proc.wait(timeout=10)
    proc.stdout.close()


def import_tinylm() -> ModuleType:
    """The shipped numpy word model module (benchmarks/servers/tinylm.py)."""
    sys.path.insert(0, str(SERVERS))
    try:
        import tinylm as module
    finally:
        sys.path.remove(str(SERVERS))
    return module
