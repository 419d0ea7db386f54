"""Usage logs: reading CSV/JSONL/Parquet with pyarrow, clear errors, agreement with estimate."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ia_empreinte import USAGE_LOG_SCHEMA, InputFileError, UsageLog, audit, estimate, load_offer
from ia_empreinte import read_usage_log as _read
from ia_empreinte.offers import Offer, parse_offer
from ia_empreinte.profiles import parse_profile

FIXTURES = Path(__file__).parents[1] / "fixtures" / "engine"


def read_log(path: Path) -> UsageLog:
    return _read(path, USAGE_LOG_SCHEMA)


def _offer() -> Offer:
    return load_offer(FIXTURES / "offer-llama8b-fr.yaml")


def _csv(tmp_path: Path, rows: list[str], header: str = "timestamp,input_tokens,output_tokens"
         ) -> Path:
    path = tmp_path / "log.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_read_csv_jsonl_and_parquet_alike(tmp_path: Path) -> None:
    csv_path = _csv(tmp_path, ["2026-01-01T00:00:00Z,100,20", "2026-01-01T00:01:00Z,300,40"])
    jsonl = tmp_path / "log.jsonl"
    jsonl.write_text(
        json.dumps({"timestamp": "2026-01-01T00:00:00Z", "input_tokens": 100,
                    "output_tokens": 20}) + "\n\n"
        + json.dumps({"timestamp": "2026-01-01T00:01:00+00:00", "input_tokens": 300,
                      "output_tokens": 40}) + "\n", encoding="utf-8")
    parquet = tmp_path / "log.parquet"
    pq.write_table(pa.table({
        "timestamp": pa.array([datetime(2026, 1, 1, tzinfo=UTC),
                               datetime(2026, 1, 1, 0, 1, tzinfo=UTC)], pa.timestamp("ms", "UTC")),
        "input_tokens": pa.array([100, 300], pa.int32()),
        "output_tokens": [20.0, 40.0]}), parquet)
    logs = [read_log(p) for p in (csv_path, jsonl, parquet)]
    for log in logs:
        assert log.rows == 2
        assert log.span_s == 60.0
        assert log.columns["input_tokens"].tolist() == [100.0, 300.0]
        assert log.columns["output_tokens"].tolist() == [20.0, 40.0]
        assert list(log.tasks) == ["text-generation", "text-generation"]
        assert log.duplicate_rows == 0
    assert logs[0].sha256 == hashlib.sha256(csv_path.read_bytes()).hexdigest()
    figures = [audit(_offer(), log, draws=1).per_request.gwp_kgco2e for log in logs]
    assert figures[0] == figures[1] == figures[2]


def test_parquet_bad_value_names_its_row(tmp_path: Path) -> None:
    path = tmp_path / "log.parquet"
    pq.write_table(pa.table({"timestamp": ["2026-01-01T00:00:00Z"] * 2,
                             "input_tokens": [5.0, -1.0], "output_tokens": [1, 2]}), path)
    with pytest.raises(InputFileError) as err:
        read_log(path)
    assert str(err.value) == f"{path}: row 2: column 'input_tokens': expected a number >= 0"


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (["2026-01-01T00:00:00Z,100,twenty"],
         "line 2: column 'output_tokens': expected a number >= 0, got 'twenty'"),
        (["2026-01-01T00:00:00Z,100,20", "2026-01-01T00:00:01Z,-5,20"],
         "line 3: column 'input_tokens': expected a number >= 0, got '-5'"),
        (["2026-01-01T00:00:00Z,100,20", "", "2026-01-01T00:00:01Z,nan,20"],
         "line 4: column 'input_tokens': expected a number >= 0, got 'nan'"),
        (["2026-01-01T00:00:00Z,100,20", "2026-01-01T00:00:01Z,inf,20"],
         "line 3: column 'input_tokens': expected a number >= 0, got 'inf'"),
        (["2026-01-01T00:00:00Z,,20"],
         "line 2: column 'input_tokens': expected a number >= 0, got ''"),
        (["yesterday,100,20"],
         "line 2: column 'timestamp': expected an ISO 8601 date-time, got 'yesterday'"),
        (["2026-01-01T00:00:00Z,1,2", "2026-02-30T00:00:00Z,1,2", "2026-03-01T00:00:00Z,1,2"],
         "line 3: column 'timestamp': expected an ISO 8601 date-time, "
         "got '2026-02-30T00:00:00Z'"),
        (["2026-01-01T00:00:00Z,100"], "line 2: expected 3 columns, got 2"),
        (["2026-01-01T00:00:00Z,1,2", "2026-01-01T00:00:01Z,1,2,3"],
         "line 3: expected 3 columns, got 4"),
    ],
)
def test_bad_rows_name_file_line_and_column(tmp_path: Path, rows: list[str], message: str
                                            ) -> None:
    path = _csv(tmp_path, rows)
    with pytest.raises(InputFileError) as err:
        read_log(path)
    assert str(err.value) == f"{path}: {message}"


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (['{"timestamp": "2026-01-01T00:00:00Z", "input_tokens": "5", "output_tokens": 1}'],
         "line 1: column 'input_tokens': expected a number >= 0, got '5'"),
        (['{"timestamp": "2026-01-01T00:00:00Z", "input_tokens": 5, "output_tokens": 1}', "",
          '{"timestamp": "2026-01-01T00:00:00Z", "input_tokens": 5, "output_tokens": -1}'],
         "line 3: column 'output_tokens': expected a number >= 0, got -1"),
        (['{"timestamp": "2026-01-01T00:00:00Z", "input_tokens": 5, "colour": 1}'],
         "line 1: unknown column 'colour'; expected timestamp, task and request fields "
         "(input_tokens, output_tokens, audio_seconds, images, image_width, image_height, "
         "denoising_steps, rows)"),
        (["[1, 2]"], "line 1: expected a JSON object per line"),
        (['{"timestamp": "2026-01-01T00:00:00Z", "input_tokens": 5'],
         "line 1: invalid JSON (Expecting ',' delimiter)"),
    ],
)
def test_bad_jsonl_lines_are_named(tmp_path: Path, lines: list[str], message: str) -> None:
    path = tmp_path / "log.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputFileError) as err:
        read_log(path)
    assert str(err.value) == f"{path}: {message}"


def test_unknown_column_and_empty_log(tmp_path: Path) -> None:
    path = _csv(tmp_path, ["2026-01-01T00:00:00Z,1"], header="timestamp,tokens")
    with pytest.raises(InputFileError, match="unknown column 'tokens'"):
        read_log(path)
    with pytest.raises(InputFileError, match="no request rows"):
        read_log(_csv(tmp_path, []))
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(InputFileError, match="the usage log is empty"):
        read_log(empty)


def test_audit_of_identical_rows_matches_estimate_per_request(tmp_path: Path) -> None:
    """1,000 identical requests, shared capacity: the audited footprint per request is the
    estimate's for a profile of that request size (draws=1, central values)."""
    rows = [f"2026-01-01T{h:02d}:{m:02d}:00Z,2000,300" for h in range(20) for m in range(50)]
    result = audit(_offer(), read_log(_csv(tmp_path, rows)), draws=1)
    profile = parse_profile({
        "id": "same", "task": "text-generation",
        "request": {"input_tokens": 2000, "output_tokens": 300},
        "volume": {"requests_per_day": 1000}, "contract_years": 1})
    expected = estimate(profile, _offer(), draws=1)
    for name in ("accelerators", "host", "idle", "facility_overhead"):
        assert result.per_request.energy_wh_by_component[name].p50 == pytest.approx(
            expected.per_request.energy_wh_by_component[name].p50, rel=1e-9)
    assert result.contract.requests.p50 == 1000
    assert result.per_request.gwp_kgco2e.p50 == pytest.approx(
        expected.per_request.gwp_kgco2e.p50, rel=1e-9)
    # The log spans 19 h 49 min, annualised over 1000/999 of that span.
    period_s = (19 * 3600 + 49 * 60) * 1000 / 999
    assert result.per_year.requests.p50 == pytest.approx(1000 * 8766 * 3600 / period_s)


def test_audit_with_draws_is_deterministic(tmp_path: Path) -> None:
    rows = [f"2026-01-01T00:00:{s:02d}Z,{100 + s},{10 + s}" for s in range(60)]
    log = read_log(_csv(tmp_path, rows))
    a = audit(_offer(), log, draws=200, seed=3)
    b = audit(_offer(), log, draws=200, seed=3)
    assert a.model_dump_json() == b.model_dump_json()
    assert a.per_request.energy_wh.p05 < a.per_request.energy_wh.p95


def test_multi_task_log_with_blank_cells(tmp_path: Path) -> None:
    """A task column routes each row; cells a task does not need may be blank."""
    path = _csv(tmp_path, [
        "2026-01-01T00:00:00Z,text-generation,500,100,",
        "2026-01-01T00:01:00Z,speech-to-text,,,30",
        "2026-01-01T00:02:00Z,text-generation,700,50,",
    ], header="timestamp,task,input_tokens,output_tokens,audio_seconds")
    log = read_log(path)
    assert list(log.tasks) == ["text-generation", "speech-to-text", "text-generation"]
    result = audit(_offer(), log, draws=1)
    assert result.contract.requests.p50 == 3
    bad = _csv(tmp_path, ["2026-01-01T00:00:00Z,speech-to-text,500,100,"],
               header="timestamp,task,input_tokens,output_tokens,audio_seconds")
    with pytest.raises(InputFileError) as err:
        read_log(bad)
    assert str(err.value) == (f"{bad}: line 2: column 'audio_seconds': task speech-to-text "
                              "needs a number here")


def test_dedicated_idle_counts_over_the_logged_period(tmp_path: Path) -> None:
    """Two requests 1 h apart: the period is 2 h (span x n / (n - 1)); a dedicated replica
    idles for 2 h minus its busy time."""
    raw = _offer().model_dump(mode="json")
    raw["deployment"]["capacity"] = "dedicated"
    log = read_log(_csv(tmp_path, ["2026-01-01T00:00:00Z,500,100",
                                   "2026-01-01T01:00:00Z,500,100"]))
    dedicated = audit(parse_offer(raw), log, draws=1)
    shared = audit(_offer(), log, draws=1)
    idle_kwh = dedicated.contract.energy_kwh_by_component["idle"].p50
    # replica idle power: 70 W (H100) + 500 W / 8 (its share of the 8-GPU host) = 132.5 W
    # over 2 h, less busy time
    assert 0.2649 < idle_kwh < 0.265
    assert shared.contract.energy_kwh_by_component["idle"].p50 < 0.001


def test_single_row_log_on_dedicated_capacity(tmp_path: Path) -> None:
    """One row spans no time: no dedicated idle is counted, and a caveat says so."""
    raw = _offer().model_dump(mode="json")
    raw["deployment"]["capacity"] = "dedicated"
    log = read_log(_csv(tmp_path, ["2026-01-01T00:00:00Z,500,100"]))
    result = audit(parse_offer(raw), log, draws=1)
    assert result.contract.energy_kwh_by_component["idle"].p50 == 0.0
    assert [c.code for c in result.caveats] == ["audit-period-unknown"]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31)),
    st.one_of(st.from_regex(r"[0-9]{1,20}(\.[0-9]{0,20})?|\.[0-9]{1,20}", fullmatch=True),
              st.floats(min_value=0, max_value=1e300).map(repr),
              st.from_regex(r"[0-9]{1,5}(\.[0-9]{1,5})?[eE][+-]?[0-9]{1,2}", fullmatch=True)),
), min_size=1, max_size=30))
def test_numbers_and_times_read_as_python_reads_them(
    tmp_path_factory: pytest.TempPathFactory, rows: list[tuple[datetime, str]]
) -> None:
    """pyarrow reads every number as ``float(text)`` and every stamp as ``datetime``."""
    path = tmp_path_factory.mktemp("log") / "log.csv"
    path.write_text("timestamp,rows\n" + "".join(f"{t.isoformat()},{v}\n" for t, v in rows),
                    encoding="utf-8")
    try:
        log = read_log(path)
    except InputFileError as exc:  # a number beyond the bounds of `rows` (1e9)
        assert "expected a number >= 0 and <= 1e+09 rows" in str(exc)
        assert max(float(v) for _, v in rows) > 1e9
        return
    assert log.columns["rows"].tolist() == [float(v) for _, v in rows]
    stamps = [t.replace(tzinfo=UTC).timestamp() for t, _ in rows]
    assert log.span_s == max(stamps) - min(stamps)


def test_mixed_offsets_and_naive_stamps(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_text(
        "\ufefftimestamp , input_tokens,output_tokens\r\n"
        "2026-01-01T01:00:00+01:00,1,2\r\n"
        "2026-01-01 12:00:00Z,1,2\r\n"
        "2026-01-02,1,2\r\n", encoding="utf-8")
    assert read_log(path).span_s == 86_400.0


def test_large_log_is_hashed_alongside_the_reading(tmp_path: Path) -> None:
    rows = [f"2026-01-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:{i // 60 % 60:02d}Z,"
            f"{100 + i % 900},{1 + i % 300}" for i in range(60_000)]
    path = _csv(tmp_path, rows)
    assert path.stat().st_size > 1 << 20
    log = read_log(path)
    assert log.rows == 60_000
    assert log.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_audit_path_does_not_import_pandas(tmp_path: Path) -> None:
    """An audit pays no pandas import (pyarrow does not need it)."""
    import subprocess
    import sys

    log = _csv(tmp_path, ["2026-01-01T00:00:00Z,100,20", "2026-01-01T00:01:00Z,300,40"])
    code = (
        "import sys\n"
        "from ia_empreinte import USAGE_LOG_SCHEMA, audit, load_offer, read_usage_log\n"
        f"audit(load_offer({str(FIXTURES / 'offer-llama8b-fr.yaml')!r}), "
        f"read_usage_log({str(log)!r}, USAGE_LOG_SCHEMA))\n"
        "print(sorted(m for m in ('pandas',) if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


def test_parquet_copy_of_the_example_audits_as_its_csv(tmp_path: Path) -> None:
    """The example log written as Parquet (zoned timestamps, int32 sizes): every figure is
    the same, only the log's hash (and so the profile id) differ."""
    import pyarrow.csv as pa_csv

    folder = Path(__file__).parents[2] / "examples" / "usage-logs"
    csv_path = folder / "chatbot-extrait-janvier.csv"
    table = pa_csv.read_csv(csv_path, convert_options=pa_csv.ConvertOptions(column_types={
        "timestamp": pa.timestamp("s", "Europe/Paris"), "input_tokens": pa.int32(),
        "output_tokens": pa.int32()}))
    pq.write_table(table, tmp_path / "log.parquet")
    offer = load_offer(folder.parent / "offers" / "open-mid-cloud-fr.yaml")
    a, b = (audit(offer, read_log(path), draws=50)
            for path in (csv_path, tmp_path / "log.parquet"))
    assert a.profile_id == "usage-log-bea571a641d6"
    assert a.per_request == b.per_request
    assert a.per_year == b.per_year
    assert a.contract == b.contract
    assert a.contract.requests.p50 == 42
