"""End to end with the REAL CodeCarbon: a real model behind a real local HTTP server, and
the same model as an in-process callable, in smoke mode.

Offline and isolated: temporary HOME and working directory, no CODECARBON_* variable,
and a socket guard that refuses every connection outside the loopback interface.
CodeCarbon's ``tracking_mode="process"`` is used so that other jobs on a shared CI
machine do not leak into the figures (the server is a child of the test process).
"""

from __future__ import annotations

import os
import socket
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from ia_empreinte import BenchmarkRecord, RecordError, verify_record
from ia_empreinte.harness import bench_run
from ia_empreinte.harness.meters import rapl_readable
from ia_empreinte.harness.workloads import load_workload
from ia_empreinte_cli.app import cli
from tests.conftest import ROOT
from tests.support.bench import import_tinylm, run_tiny_server

pytestmark = pytest.mark.slow

SERVERS = ROOT / "benchmarks" / "servers"
WORKLOADS = ROOT / "benchmarks" / "workloads"
SMOKE: dict[str, Any] = {"smoke": True, "windows": 3, "window_s": 1.5, "warmup_s": 0.5,
                         "idle_s": 1.5, "concurrency": 2, "tracking_mode": "process"}


@pytest.fixture
def offline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """Temporary HOME and cwd, no CodeCarbon variables, loopback-only sockets."""
    home = tmp_path / "home"
    work = tmp_path / "work"
    home.mkdir()
    work.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(work)
    for key in list(os.environ):
        if key.startswith("CODECARBON_"):
            monkeypatch.delenv(key)
    attempts: list[Any] = []
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: Any) -> Any:
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and host not in ("127.0.0.1", "::1", "localhost"):
            attempts.append(address)
            raise OSError(f"network access refused in tests: {address}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)
    yield attempts
    assert attempts == []
    assert os.listdir(work) == []  # CodeCarbon wrote nothing (the tests remove their records)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    yield from run_tiny_server()


@pytest.fixture(scope="module")
def tinylm() -> Any:
    return import_tinylm()


def _expected_tokens(record: BenchmarkRecord, tinylm: Any, pack: str) -> list[tuple[int, int]]:
    """Tokens the model itself produces for the requests each window sent, in order."""
    requests = load_workload(WORKLOADS / pack).requests
    out, cursor = [], 0
    for w in record.windows:
        sent = w.requests + w.failed_requests
        n_in = n_out = 0
        for i in range(cursor, cursor + sent):
            r = requests[i % len(requests)]
            usage = tinylm.chat(r.model_dump(include={"id", "text", "system",
                                                      "max_output_tokens"}))["usage"]
            n_in += usage["prompt_tokens"]
            n_out += usage["completion_tokens"]
        cursor += sent
        out.append((n_in, n_out))
    return out


def _check_record(record: BenchmarkRecord, tmp_path: Path) -> None:
    res = record.results
    assert res.per_request_wh.mean > res.net_per_request_wh.mean > 0
    for w in record.windows:
        assert w.energy.total_j > res.idle_power_w * w.duration_s  # each window above idle
        assert w.failed_requests == 0
    assert record.measurement.meter == "codecarbon"
    assert record.software.codecarbon is not None
    assert record.measurement.settings["pue"] == 1.0
    assert record.measurement.settings["tracking_mode"] == "process"
    if not rapl_readable():
        assert record.measurement.methods == {"cpu": "modelled", "ram": "modelled"}
        assert record.preflight.rapl_readable is False
    assert record.protocol.smoke and not record.valid_for_procurement
    path = tmp_path / "work" / "record.json"
    path.write_text(record.file_text(), encoding="utf-8")
    checked, checks = verify_record(path)
    assert checked == record
    assert {c.rule for c in checks if c.status == "fail"} == set()
    raw = bytearray(path.read_bytes())
    raw[len(raw) // 2] ^= 0x01
    path.write_bytes(bytes(raw))
    with pytest.raises(RecordError):
        verify_record(path)
    path.unlink()


def test_real_codecarbon_on_a_real_http_server(
    offline: list[Any], server: str, tinylm: Any, tmp_path: Path
) -> None:
    record = bench_run(endpoint=server, api="chat", workload=WORKLOADS / "rag-fr.json",
                       model_name="tinylm-fr", **SMOKE)
    assert record.target.kind == "endpoint"
    assert record.target.url == f"{server}/v1/chat/completions"
    expected = _expected_tokens(record, tinylm, "rag-fr.json")
    assert [(w.input_tokens, w.output_tokens) for w in record.windows] == expected
    assert record.results.fit is not None  # RAG lengths vary: per-token model fitted
    _check_record(record, tmp_path)


def test_real_codecarbon_on_an_in_process_callable(
    offline: list[Any], tinylm: Any, tmp_path: Path
) -> None:
    spec = f"{SERVERS / 'tinylm.py'}:chat"
    record = bench_run(callable_spec=spec, workload=WORKLOADS / "summarisation-fr.json",
                       model_name="tinylm-fr", **SMOKE)
    assert record.target.kind == "callable"
    expected = _expected_tokens(record, tinylm, "summarisation-fr.json")
    assert [(w.input_tokens, w.output_tokens) for w in record.windows] == expected
    _check_record(record, tmp_path)


def test_cli_command_target_with_live_progress(offline: list[Any], tmp_path: Path) -> None:
    out = tmp_path / "work" / "cmd.json"
    code = "import numpy as np; a = np.ones((300, 300)); [a @ a for _ in range(60)]"
    result = CliRunner().invoke(cli, [
        "bench", "run", "--smoke", "--windows", "2", "--idle-seconds", "1",
        "--warmup-seconds", "0", "--tracking-mode", "process", "-o", str(out),
        "--", sys.executable, "-c", code,
    ], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("pre-flight ")
    assert any(line.startswith("window 2/2 ") and " requests " in line and " power " in line
               for line in lines)
    assert any("energy per request" in line for line in lines)
    verified = CliRunner().invoke(cli, ["bench", "verify", str(out)], catch_exceptions=False)
    assert verified.exit_code == 0
    assert verified.output.splitlines()[-3].startswith(f"{out} : SHA-256 ")
    assert verified.output.splitlines()[-1].startswith("Verdict : NON valable pour le marché")
    quiet = tmp_path / "work" / "quiet.json"
    result = CliRunner().invoke(cli, [
        "bench", "run", "--smoke", "--windows", "1", "--idle-seconds", "0.5",
        "--warmup-seconds", "0", "--tracking-mode", "process", "-q", "-o", str(quiet),
        "--", sys.executable, "-c", "pass",
    ], catch_exceptions=False)
    assert result.output == ""
    out.unlink()
    quiet.unlink()
