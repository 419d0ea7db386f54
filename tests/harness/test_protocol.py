"""The protocol with a scripted meter: phases, progress, windows, labels, smoke marking."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ia_empreinte.harness import bench_run
from ia_empreinte.harness.meters import FakeMeter
from ia_empreinte.harness.protocol import Progress, ProtocolSettings
from ia_empreinte.harness.runner import settings_for
from ia_empreinte.harness.targets import TargetError
from tests.conftest import ROOT

WORKLOADS = ROOT / "benchmarks" / "workloads"


def _callable(tmp_path: Path) -> str:
    module = tmp_path / "model_under_test.py"
    module.write_text(
        "def chat(request):\n"
        "    n = len(request['text'].split())\n"
        "    return {'usage': {'prompt_tokens': n, 'completion_tokens': 2 * n + 1}}\n"
        "def no_usage(request):\n"
        "    return {'choices': []}\n",
        encoding="utf-8",
    )
    return f"{module}:chat"


def _idle_then_busy(index: int) -> tuple[float | None, float, float]:
    # meter windows: 0 = idle pre, 1..K = measurement windows, K+1 = idle post
    return (None, 1.0, 10.0) if index in (0, 4) else (None, 6.0, 10.0)


def test_protocol_runs_every_phase_in_order(tmp_path: Path) -> None:
    seen: list[Progress] = []
    meter = FakeMeter(_idle_then_busy)
    record = bench_run(callable_spec=_callable(tmp_path), workload=WORKLOADS / "chat-fr.json",
                       smoke=True, windows=3, window_s=0.2, warmup_s=0.1, idle_s=0.2,
                       concurrency=2, meter=meter, progress=seen.append)
    phases = [p.phase for p in seen]
    order = [ph for i, ph in enumerate(phases) if i == 0 or phases[i - 1] != ph]
    assert order == ["preflight", "idle-pre", "warmup", "window", "idle-post", "done"]
    assert [p.window for p in seen if p.phase == "window"][-1] == 3
    assert seen[-1].remaining_s == 0.0
    assert meter.windows == 5
    assert [i.phase for i in record.idle] == ["pre", "post"]
    assert len(record.windows) == 3
    assert record.results.idle_power_w == pytest.approx(11.0, rel=1e-9)
    assert record.results.avg_power_w == pytest.approx(16.0, rel=1e-9)
    for w in record.windows:
        assert w.output_tokens == 2 * w.input_tokens + w.requests
        assert w.energy.total_j == pytest.approx(16.0 * w.duration_s, rel=1e-9)
    assert record.protocol.smoke and not record.valid_for_procurement
    assert record.operating_point.concurrency == 2
    assert record.measurement.methods == {"cpu": "modelled", "ram": "modelled"}
    assert record.workload.pack_id == "chat-fr"
    assert record.workload.n_requests == 22


def test_default_settings_follow_the_research() -> None:
    full = settings_for(smoke=False, concurrency=8, windows=None, window_s=None,
                        warmup_s=None, idle_s=None)
    assert full == ProtocolSettings(windows=5, window_s=60.0, warmup_s=60.0, idle_s=60.0,
                                    concurrency=8, smoke=False)
    assert full.total_s() == 480.0


def test_exactly_one_target(tmp_path: Path) -> None:
    with pytest.raises(TargetError, match="exactly one target"):
        bench_run(workload=WORKLOADS / "chat-fr.json", smoke=True)
    with pytest.raises(TargetError, match="exactly one target"):
        bench_run(endpoint="http://127.0.0.1:1", callable_spec="x:y", smoke=True)


def test_a_target_without_usage_is_refused(tmp_path: Path) -> None:
    spec = _callable(tmp_path).replace(":chat", ":no_usage")
    with pytest.raises(TargetError, match="no 'usage' object"):
        bench_run(callable_spec=spec, workload=WORKLOADS / "chat-fr.json", smoke=True,
                  meter=FakeMeter(_idle_then_busy))


def test_shipped_packs_hashes_and_licence() -> None:
    sums = (WORKLOADS / "SHA256SUMS").read_text().splitlines()
    import hashlib

    for line in sums:
        digest, name = line.split()
        assert hashlib.sha256((WORKLOADS / name).read_bytes()).hexdigest() == digest
        pack = json.loads((WORKLOADS / name).read_text())
        assert pack["licence"].startswith("CC0-1.0")
        assert pack["seed"] == 20261125
        assert pack["warmup"] and pack["requests"]
    assert len(sums) == 4
