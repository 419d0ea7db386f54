"""Targets against the real local OpenAI-compatible server: the four APIs, usage counts."""

from __future__ import annotations

import io
import sys
import wave
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from ia_empreinte.harness.targets import (
    CommandTarget,
    EndpointTarget,
    RequestResult,
    TargetError,
    resolve_callable,
)
from ia_empreinte.harness.workloads import WorkloadRequest, load_workload
from tests.conftest import ROOT
from tests.support.bench import import_tinylm, run_tiny_server

SERVERS = ROOT / "benchmarks" / "servers"


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    yield from run_tiny_server()


@pytest.fixture(scope="module")
def tinylm() -> object:
    return import_tinylm().model()


def test_chat_and_completions_read_usage(server: str, tinylm: object) -> None:
    req = WorkloadRequest(id="a", system="Soyez bref.", text="Quels sont les horaires ?",
                          max_output_tokens=6)
    ids = tinylm.ids("Soyez bref.\nQuels sont les horaires ?")  # type: ignore[attr-defined]
    chat = EndpointTarget(server + "/v1", "chat").check(req)
    assert chat == RequestResult(ok=True, input_tokens=len(ids), output_tokens=6,
                                 latency_s=chat.latency_s)
    comp = EndpointTarget(server, "completions").check(req)
    ids2 = tinylm.ids("Soyez bref.\n\nQuels sont les horaires ?")  # type: ignore[attr-defined]
    assert (comp.input_tokens, comp.output_tokens) == (len(ids2), 6)


def test_embeddings(server: str, tinylm: object) -> None:
    req = WorkloadRequest(id="e", text="La médiathèque ouvre le mardi.")
    result = EndpointTarget(server, "embeddings").check(req)
    ids = tinylm.ids(req.text)  # type: ignore[attr-defined]
    assert (result.input_tokens, result.output_tokens) == (len(ids), 0)


def test_transcriptions_count_audio_seconds(server: str, tmp_path: Path) -> None:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(16000)
        t = np.arange(16000 * 2) / 16000
        wav.writeframes((8000 * np.sin(2 * np.pi * 220 * t)).astype(np.int16).tobytes())
    (tmp_path / "a.wav").write_bytes(buf.getvalue())
    req = WorkloadRequest(id="t", audio_file="a.wav", audio_seconds=2.0)
    result = EndpointTarget(server, "transcriptions", pack_dir=tmp_path).check(req)
    assert result.ok and result.units == 2.0


def test_fixed_concurrency_run_for_a_duration(server: str) -> None:
    pack = load_workload(ROOT / "benchmarks" / "workloads" / "embeddings-fr.json")
    done: list[RequestResult] = []
    results = EndpointTarget(server, "embeddings").run(
        pack.requests, concurrency=3, duration_s=0.5, start=0, on_result=done.append
    )
    assert results and len(done) == len(results)
    assert all(r.ok and r.input_tokens > 0 for r in results)


def test_unreachable_endpoint_fails_preflight() -> None:
    with pytest.raises(TargetError, match="pre-flight"):
        EndpointTarget("http://127.0.0.1:9", "chat", timeout_s=2).check(
            WorkloadRequest(id="x", text="bonjour"))
    with pytest.raises(TargetError, match="http://"):
        EndpointTarget("127.0.0.1:8000", "chat")


def test_resolve_callable_errors(tmp_path: Path) -> None:
    with pytest.raises(TargetError, match="module:function"):
        resolve_callable("nocolon")
    with pytest.raises(TargetError, match="cannot import"):
        resolve_callable("no_such_module_xyz:f")
    with pytest.raises(TargetError, match="not a function"):
        resolve_callable("json:nothing_here")
    assert resolve_callable("json:dumps")({"a": 1}) == '{"a": 1}'


def test_command_target_counts_one_run() -> None:
    target = CommandTarget([sys.executable, "-c", "pass"])
    results = target.run([], concurrency=1, duration_s=0, start=0, on_result=lambda r: None)
    assert [r.ok for r in results] == [True]
    assert target.describe().command == [sys.executable, "-c", "pass"]
    failing = CommandTarget([sys.executable, "-c", "raise SystemExit(3)"])
    assert failing.run([], concurrency=1, duration_s=0, start=0,
                       on_result=lambda r: None)[0].error == "exit code 3"
