"""A ``bench run --callable`` function that misbehaves: one line naming the callable and
what went wrong, exit code 2, no record; SIGTERM during a run removes the meter's
temporary folder."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from ia_empreinte_cli.app import cli
from tests.conftest import ROOT

WORKLOAD = str(ROOT / "benchmarks" / "workloads" / "chat-fr.json")

CALLABLES = '''\
import sys

def raises(request):
    raise ValueError("no model loaded")

def exits(request):
    sys.exit(0)

def interrupted(request):
    raise SystemExit("stop")

def no_argument():
    return {}

def two_arguments(request, other):
    return {}

def negative(request):
    return {"usage": {"prompt_tokens": -5, "completion_tokens": 3}}

def fractional(request):
    return {"usage": {"prompt_tokens": 5.5, "completion_tokens": 3}}

def boolean(request):
    return {"usage": {"prompt_tokens": True, "completion_tokens": 3}}

def huge(request):
    return {"usage": {"prompt_tokens": 10**30, "completion_tokens": 3}}

def ok(request):
    return {"usage": {"prompt_tokens": 5, "completion_tokens": 3}}
'''


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "target.py").write_text(CALLABLES)
    (tmp_path / "syntax.py").write_text("def f(request:\n    pass\n")
    (tmp_path / "exits_on_import.py").write_text("raise SystemExit(0)\n")
    (tmp_path / "fails_on_import.py").write_text("import json\njson.loads('{')\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _run(spec: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["bench", "run", "--callable", spec, "--workload",
                                      WORKLOAD, "--smoke", "-q", "-o", "record.json"])
    return result.exit_code, result.output


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("target.py:raises", "the callable 'target.py:raises' failed on request chat-000: "
         "ValueError: no model loaded"),
        ("target.py:exits", "the callable 'target.py:exits' failed on request chat-000: "
         "it called sys.exit(0)"),
        ("target.py:interrupted", "the callable 'target.py:interrupted' failed on request "
         "chat-000: it called sys.exit('stop')"),
        ("target.py:no_argument", "the callable 'target.py:no_argument' must take one "
         "argument, the request (a dict); its signature is no_argument()"),
        ("target.py:two_arguments", "the callable 'target.py:two_arguments' must take one "
         "argument, the request (a dict); its signature is two_arguments(request, other)"),
        ("target.py:negative", "the callable 'target.py:negative': request chat-000: usage "
         "token count -5 is out of range; expected 0 to 100,000,000"),
        ("target.py:huge", "the callable 'target.py:huge': request chat-000: usage token "
         f"count {10**30} is out of range; expected 0 to 100,000,000"),
        ("target.py:fractional", "the callable 'target.py:fractional': request chat-000: "
         "usage token counts are not integers"),
        ("target.py:boolean", "the callable 'target.py:boolean': request chat-000: usage "
         "token counts are not integers"),
        ("syntax.py:f", "the callable 'syntax.py:f': cannot import 'syntax.py': syntax "
         "error, line 1: '(' was never closed"),
        ("exits_on_import.py:f", "the callable 'exits_on_import.py:f': cannot import "
         "'exits_on_import.py': it called sys.exit(0)"),
        ("fails_on_import.py:f", "the callable 'fails_on_import.py:f': cannot import "
         "'fails_on_import.py': JSONDecodeError: Expecting property name enclosed in double "
         "quotes: line 1 column 2 (char 1)"),
    ],
    ids=["raises", "sys-exit-0", "system-exit-text", "no-argument", "two-arguments",
         "negative-count", "huge-count", "fractional-count", "boolean-count", "syntax-error",
         "exit-on-import", "fails-on-import"],
)
def test_a_failing_callable_is_one_line_and_no_record(
    folder: Path, spec: str, message: str
) -> None:
    assert _run(spec) == (2, f"Error: {message}\n")
    assert not (folder / "record.json").exists()


def test_a_fixed_file_is_imported_afresh(folder: Path) -> None:
    assert _run("syntax.py:f")[0] == 2
    (folder / "syntax.py").write_text(CALLABLES)
    code, output = _run("syntax.py:no_argument")
    assert (code, output.split(" must ")[0]) == (2, "Error: the callable 'syntax.py:no_argument'")


def test_sigterm_removes_the_meter_folder(folder: Path) -> None:
    temp = folder / "tmp"
    temp.mkdir()
    proc = subprocess.Popen(
        [sys.executable, "-m", "ia_empreinte_cli", "bench", "run", "--callable",
         "target.py:ok", "--workload", WORKLOAD, "--smoke", "-q", "--idle-seconds", "60",
         "-o", "record.json"],
        env={**os.environ, "TMPDIR": str(temp)}, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not any(p.name.startswith("ia-empreinte-cc-") for p in temp.iterdir()):
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the meter never made its folder"
            time.sleep(0.1)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 128 + signal.SIGTERM, err
    assert "Traceback" not in err
    assert [p.name for p in temp.iterdir() if p.name.startswith("ia-empreinte-cc-")] == []
    assert not (folder / "record.json").exists()
