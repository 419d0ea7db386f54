"""Hostile usage logs: every one refused in one line (exit 2) or read in bounded memory.

Run through the command line, in a real process where it matters (a FIFO, a device,
the peak resident memory), so that each test says what a buyer running
``ia-empreinte audit`` sees.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from ia_empreinte_cli.app import cli

ROOT = Path(__file__).parents[2]
OFFER = str(ROOT / "tests" / "fixtures" / "engine" / "offer-llama8b-fr.yaml")
HEAD = "timestamp,input_tokens,output_tokens\n"
STAMP = "2026-01-01T00:00:00Z"

# Runs a command and prints its peak resident memory (KiB) on the last line of stderr.
_MEASURED = (
    "import resource, subprocess, sys\n"
    "p = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
    "sys.stdout.write(p.stdout); sys.stderr.write(p.stderr)\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n"
    "sys.exit(p.returncode)\n"
)


def _audit(log: Path, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["audit", OFFER, str(log), "--draws", "1", *extra])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def _process(log: str, *extra: str, timeout: float = 60) -> tuple[int, str, str, int]:
    """(exit code, stdout, stderr, peak resident KiB) of ``ia-empreinte audit`` in a
    process of its own."""
    proc = subprocess.run(
        [sys.executable, "-c", _MEASURED, sys.executable, "-m", "ia_empreinte_cli", "audit",
         OFFER, log, "--draws", "1", *extra],
        capture_output=True, text=True, timeout=timeout, check=False)
    *err, peak = proc.stderr.splitlines()
    return proc.returncode, proc.stdout, "\n".join(err), int(peak)


@pytest.mark.parametrize("cell", ["５", "٥٠", "1_000", "１２"])
def test_non_ascii_digits_and_underscores_are_not_numbers(tmp_path: Path, cell: str) -> None:
    """float() reads '５' as 5 and '1_000' as 1000; a usage log does not."""
    log = tmp_path / "log.csv"
    log.write_text(f"{HEAD}{STAMP},{cell},3\n", encoding="utf-8")
    code, out = _audit(log)
    assert code == 2
    assert out == (f"Error: {log}: line 2: column 'input_tokens': expected a number >= 0, "
                   f"got {cell!r}\n")


def test_json_strings_are_not_numbers(tmp_path: Path) -> None:
    log = tmp_path / "log.jsonl"
    log.write_text(json.dumps({"timestamp": STAMP, "input_tokens": "５",
                               "output_tokens": 3}) + "\n", encoding="utf-8")
    code, out = _audit(log)
    assert code == 2
    assert out == f"Error: {log}: line 1: column 'input_tokens': expected a number >= 0, got '５'\n"


def test_duplicate_rows_are_warned(tmp_path: Path) -> None:
    log = tmp_path / "log.csv"
    rows = [f"2026-01-01T00:00:0{i}Z,100,20\n" for i in range(5)]
    log.write_text(HEAD + "".join(rows + rows[1:3]), encoding="utf-8")
    code, out = _audit(log, "--format", "json")
    assert code == 0
    caveats = {c["code"]: c["message"] for c in json.loads(out)["caveats"]}
    assert caveats["audit-duplicate-rows"].startswith("2 row(s) of the log repeat an earlier")
    assert json.loads(out)["contract"]["requests"]["p50"] == 7


def test_rows_differing_by_one_value_are_not_duplicates(tmp_path: Path) -> None:
    log = tmp_path / "log.csv"
    log.write_text(f"{HEAD}{STAMP},100,20\n{STAMP},100,21\n{STAMP},101,20\n", encoding="utf-8")
    code, out = _audit(log, "--format", "json")
    assert code == 0
    assert "audit-duplicate-rows" not in out


def test_contract_request_count_is_the_row_count_exactly(tmp_path: Path) -> None:
    """Two rows 13 s apart: rows / period x period gave 1.9999999999999998."""
    log = tmp_path / "log.csv"
    log.write_text(f"{HEAD}2026-01-01T00:00:00Z,100,20\n2026-01-01T00:00:13Z,100,21\n",
                   encoding="utf-8")
    code, out = _audit(log, "--format", "json")
    assert code == 0
    assert json.loads(out)["contract"]["requests"] == {"p05": 2.0, "p50": 2.0, "p95": 2.0,
                                                       "mean": 2.0}


@pytest.mark.parametrize("column", ["task", "input_tokens"])
def test_cell_over_128_kib_is_one_line(tmp_path: Path, column: str) -> None:
    """Python's csv module raised `_csv.Error: field larger than field limit`."""
    log = tmp_path / "log.csv"
    big = "x" * 200_000
    task = big if column == "task" else "text-generation"
    tokens = big if column == "input_tokens" else "5"
    log.write_text(f"timestamp,task,input_tokens,output_tokens\n{STAMP},text-generation,5,3\n"
                   f"{STAMP},{task},{tokens},3\n", encoding="utf-8")
    code, out = _audit(log)
    assert code == 2
    assert out == f"Error: {log}: line 3: a cell is longer than 128 KiB; expected a short value\n"


def test_jsonl_with_many_distinct_keys_is_refused_at_the_first(tmp_path: Path) -> None:
    """Each line adds new keys: the old reader kept rows x keys cells (quadratic memory)."""
    log = tmp_path / "log.jsonl"
    with log.open("w", encoding="utf-8") as f:
        for i in range(2_000):
            f.write(json.dumps({"timestamp": STAMP, "input_tokens": 1, "output_tokens": 1,
                                **{f"k{i}_{j}": j for j in range(10)}}) + "\n")
    code, _, err, _ = _process(str(log))
    assert code == 2
    assert err == (f"Error: {log}: line 1: unknown column 'k0_0'; expected timestamp, task "
                   "and request fields (input_tokens, output_tokens, audio_seconds, images, "
                   "image_width, image_height, denoising_steps, rows)")


def test_fifo_is_refused_without_waiting(tmp_path: Path) -> None:
    fifo = tmp_path / "log.csv"
    os.mkfifo(fifo)
    code, _, err, _ = _process(str(fifo), timeout=30)
    assert code == 2
    assert err == f"Error: {fifo}: is a FIFO (named pipe); expected a regular file"


def test_dev_zero_is_refused() -> None:
    code, _, err, peak = _process("/dev/zero", timeout=30)
    assert code == 2
    assert err == "Error: /dev/zero: is a character device; expected a regular file"
    assert peak < 300_000


def test_size_is_checked_before_reading(tmp_path: Path) -> None:
    """A (sparse) 2.1 GB log is refused from its size: nothing read, little memory."""
    log = tmp_path / "big.csv"
    with log.open("wb") as f:
        f.truncate(2_100_000_000)
    code, _, err, peak = _process(str(log), timeout=60)
    assert code == 2
    assert err == f"Error: {log}: the usage log is larger than 2 GB"
    assert peak < 300_000  # KiB; reading it whole took 2.1 GB


@pytest.mark.slow
def test_million_row_multi_task_log_in_bounded_memory(tmp_path: Path) -> None:
    """1,000,000 rows with a task column (45 MB): audited under 500 MB peak resident (the
    row-by-row reader took 1,341 MiB)."""
    n = 1_000_000
    rng = np.random.default_rng(0)
    seconds = np.sort(rng.integers(0, 30 * 86_400, n))
    stamps = (np.datetime64("2026-01-01T00:00:00") + seconds.astype("timedelta64[s]")).astype(str)
    speech = rng.random(n) < 0.2
    inputs = rng.integers(10, 4_000, n).astype(str)
    outputs = rng.integers(5, 800, n).astype(str)
    audio = rng.integers(1, 600, n).astype(str)
    log = tmp_path / "log.csv"
    with log.open("w", encoding="utf-8") as f:
        f.write("timestamp,task,input_tokens,output_tokens,audio_seconds\n")
        for i in range(0, n, 100_000):
            part = slice(i, i + 100_000)
            f.writelines(
                f"{t}Z,speech-to-text,,,{a}\n" if s else f"{t}Z,text-generation,{x},{y},\n"
                for t, s, x, y, a in zip(stamps[part], speech[part], inputs[part],
                                         outputs[part], audio[part], strict=True))
    code, out, err, peak = _process(str(log), "--format", "json", timeout=300)
    assert code == 0, err
    assert json.loads(out)["contract"]["requests"]["p50"] == n
    print(f"peak resident {peak / 1024:.0f} MiB")
    assert peak < 500_000, f"peak resident {peak / 1024:.0f} MiB"


def test_parquet_row_count_is_checked_before_reading(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A Parquet file compresses: its row count, from its footer, bounds the memory."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from ia_empreinte.inputs import usage_logs as _arrow_logs

    log = tmp_path / "log.parquet"
    pq.write_table(pa.table({"timestamp": [STAMP] * 11, "input_tokens": [1] * 11,
                             "output_tokens": [1] * 11}), log)
    monkeypatch.setattr(_arrow_logs, "MAX_ROWS", 10)
    code, out = _audit(log)
    assert code == 2
    assert out == (f"Error: {log}: the usage log has more than 10 rows; expected at most "
                   "that many (split it by period)\n")


def test_too_many_csv_rows_are_refused_once_read(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from ia_empreinte.inputs import usage_logs as _arrow_logs

    log = tmp_path / "log.csv"
    log.write_text(HEAD + "".join(f"2026-01-01T00:00:{i:02d}Z,1,1\n" for i in range(11)),
                   encoding="utf-8")
    monkeypatch.setattr(_arrow_logs, "MAX_ROWS", 10)
    code, out = _audit(log)
    assert code == 2
    assert out == (f"Error: {log}: the usage log has more than 10 rows; expected at most "
                   "that many (split it by period)\n")


@pytest.mark.parametrize(("rows", "repeats"), [
    (["00,1,1", "01,1,1", "01,1,1", "01,2,1", "02,1,1", "01,1,1"], 2),  # out of order
    (["00,1,1", "01,1,1", "01,2,1", "01,1,1", "02,1,1"], 1),  # in order, tie not adjacent
    (["00,1,1", "01,1,1", "02,1,1"], 0),
])
def test_duplicate_count(tmp_path: Path, rows: list[str], repeats: int) -> None:
    from ia_empreinte import USAGE_LOG_SCHEMA, read_usage_log

    log = tmp_path / "log.csv"
    log.write_text(HEAD + "".join(f"2026-01-01T00:00:{r}\n" for r in rows), encoding="utf-8")
    log.write_text(log.read_text(encoding="utf-8").replace(",1,1\n", "Z,1,1\n")
                   .replace(",2,1\n", "Z,2,1\n"), encoding="utf-8")
    assert read_usage_log(log, USAGE_LOG_SCHEMA).duplicate_rows == repeats
