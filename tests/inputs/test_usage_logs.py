"""Usage-log audit: reading CSV/JSONL, clear errors, and agreement with estimate."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ia_empreinte import InputFileError, audit, estimate
from ia_empreinte.engine.usage_log import read_log
from ia_empreinte.inputs.load import load_offer
from ia_empreinte.profiles import parse_profile

FIXTURES = Path(__file__).parents[1] / "fixtures" / "engine"


def _offer() -> object:
    return load_offer(FIXTURES / "offer-llama8b-fr.yaml")


def _csv(tmp_path: Path, rows: list[str], header: str = "timestamp,input_tokens,output_tokens"
         ) -> Path:
    path = tmp_path / "log.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_read_csv_and_jsonl_alike(tmp_path: Path) -> None:
    csv_path = _csv(tmp_path, ["2026-01-01T00:00:00Z,100,20", "2026-01-01T00:01:00Z,300,40"])
    jsonl = tmp_path / "log.jsonl"
    jsonl.write_text(
        json.dumps({"timestamp": "2026-01-01T00:00:00Z", "input_tokens": 100,
                    "output_tokens": 20}) + "\n"
        + json.dumps({"timestamp": "2026-01-01T00:01:00+00:00", "input_tokens": 300,
                      "output_tokens": 40}) + "\n", encoding="utf-8")
    a, b = read_log(csv_path), read_log(jsonl)
    assert a.rows == b.rows == 2
    assert a.span_s == b.span_s == 60.0
    assert list(a.columns["input_tokens"]) == list(b.columns["input_tokens"]) == [100.0, 300.0]
    assert list(a.tasks) == ["text-generation", "text-generation"]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (["2026-01-01T00:00:00Z,100,twenty"],
         "line 2: column 'output_tokens': expected a number >= 0, got 'twenty'"),
        (["2026-01-01T00:00:00Z,100,20", "2026-01-01T00:00:01Z,-5,20"],
         "line 3: column 'input_tokens': expected a number >= 0, got '-5'"),
        (["yesterday,100,20"],
         "line 2: column 'timestamp': expected an ISO 8601 date-time, got 'yesterday'"),
        (["2026-01-01T00:00:00Z,100"], "line 2: expected 3 columns, got 2"),
    ],
)
def test_bad_rows_name_file_line_and_column(tmp_path: Path, rows: list[str], message: str
                                            ) -> None:
    path = _csv(tmp_path, rows)
    with pytest.raises(InputFileError) as err:
        read_log(path)
    assert str(err.value) == f"{path}: {message}"


def test_unknown_column_and_empty_log(tmp_path: Path) -> None:
    path = _csv(tmp_path, ["2026-01-01T00:00:00Z,1"], header="timestamp,tokens")
    with pytest.raises(InputFileError, match="unknown column 'tokens'"):
        read_log(path)
    with pytest.raises(InputFileError, match="no request rows"):
        read_log(_csv(tmp_path, []))


def test_audit_of_identical_rows_matches_estimate_per_request(tmp_path: Path) -> None:
    """1,000 identical requests, shared capacity: the audited footprint per request is the
    estimate's for a profile of that request size (draws=1, central values)."""
    rows = [f"2026-01-01T{h:02d}:{m:02d}:00Z,2000,300" for h in range(20) for m in range(50)]
    result = audit(_offer(), _csv(tmp_path, rows), draws=1)  # type: ignore[arg-type]
    profile = parse_profile({
        "id": "same", "task": "text-generation",
        "request": {"input_tokens": 2000, "output_tokens": 300},
        "volume": {"requests_per_day": 1000}, "contract_years": 1})
    expected = estimate(profile, _offer(), draws=1)  # type: ignore[arg-type]
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
    path = _csv(tmp_path, rows)
    a = audit(_offer(), path, draws=200, seed=3)  # type: ignore[arg-type]
    b = audit(_offer(), path, draws=200, seed=3)  # type: ignore[arg-type]
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
    result = audit(_offer(), path, draws=1)  # type: ignore[arg-type]
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
    from ia_empreinte.offers import parse_offer

    raw = load_offer(FIXTURES / "offer-llama8b-fr.yaml").model_dump(mode="json")
    raw["deployment"]["capacity"] = "dedicated"
    offer = parse_offer(raw)
    path = _csv(tmp_path, ["2026-01-01T00:00:00Z,500,100", "2026-01-01T01:00:00Z,500,100"])
    dedicated = audit(offer, path, draws=1)
    shared = audit(_offer(), path, draws=1)  # type: ignore[arg-type]
    idle_kwh = dedicated.contract.energy_kwh_by_component["idle"].p50
    # replica idle power: 70 W (H100) + 100 W (1-GPU host) = 170 W over 2 h, less busy time
    assert 0.3399 < idle_kwh < 0.34
    assert shared.contract.energy_kwh_by_component["idle"].p50 < 0.001


def test_single_row_log_on_dedicated_capacity(tmp_path: Path) -> None:
    """One row spans no time: no dedicated idle is counted, and a caveat says so."""
    from ia_empreinte.offers import parse_offer

    raw = load_offer(FIXTURES / "offer-llama8b-fr.yaml").model_dump(mode="json")
    raw["deployment"]["capacity"] = "dedicated"
    result = audit(parse_offer(raw), _csv(tmp_path, ["2026-01-01T00:00:00Z,500,100"]), draws=1)
    assert result.contract.energy_kwh_by_component["idle"].p50 == 0.0
    assert [c.code for c in result.caveats] == ["audit-period-unknown"]


def _both_readers(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[object, object]:
    """(the fast reader's log, the row-by-row reader's log) of one CSV file."""
    from ia_empreinte.engine import usage_log

    fast = usage_log._read_csv_fast(path.read_bytes())
    with monkeypatch.context() as m:
        m.setattr(usage_log, "_read_csv_fast", lambda data, sha256=None: None)
        careful = read_log(path)
    return fast, careful


def _same_log(a: object, b: object) -> None:
    assert a is not None and b is not None
    assert a.columns.keys() == b.columns.keys()  # type: ignore[attr-defined]
    for name, values in a.columns.items():  # type: ignore[attr-defined]
        assert values.tolist() == b.columns[name].tolist(), name  # type: ignore[attr-defined]
    assert (a.span_s, a.rows, a.sha256, a.groups.keys()) == (  # type: ignore[attr-defined]
        b.span_s, b.rows, b.sha256, b.groups.keys())  # type: ignore[attr-defined]


@pytest.mark.parametrize("text", [
    # the common shape, and the variants the fast reader takes too
    "timestamp,input_tokens,output_tokens\n2026-01-01T00:00:00Z,1500,250\n"
    "2026-01-01T08:30:15Z,7,3\n2026-01-02T00:00:00Z,17,0\n",
    "\ufefftimestamp , output_tokens,input_tokens\r\n2026-03-01 10:00:00+01:00,0.30000000000001,.5"
    "\r\n2026-02-28 23:00:00+01:00,12.,1234567.12345678\r\n",
    "timestamp,audio_seconds\n2026-01-01T00:00:00.250Z,12.5\n2026-01-01T00:00:01.125Z,0.04",
    "timestamp,rows\n2024-02-29T00:00:00,1000\n2025-01-01T00:00:00,000012\n",
])
def test_fast_and_row_by_row_readers_agree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    """The numpy reader takes clean logs and reads exactly what the row-by-row one reads."""
    path = tmp_path / "log.csv"
    path.write_bytes(text.encode("utf-8"))
    fast, careful = _both_readers(path, monkeypatch)
    assert fast is not None, "expected the fast reader to take this log"
    _same_log(fast, careful)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31)).map(
        lambda t: t.replace(microsecond=0)),
    st.from_regex(r"[0-9]{1,9}(\.[0-9]{0,6})?|\.[0-9]{1,6}", fullmatch=True),
    st.from_regex(r"[0-9]{1,15}", fullmatch=True),
), min_size=1, max_size=40))
def test_fast_reader_reads_numbers_as_float_does(
    rows: list[tuple[datetime, str, str]]
) -> None:
    """Any plain decimal of up to 15 digits: the numpy reader gives float(text), bit for bit."""
    from ia_empreinte.engine import usage_log

    lines = [f"{t.isoformat()}Z,{a},{b}" for t, a, b in rows]
    data = ("timestamp,input_tokens,output_tokens\n" + "\n".join(lines) + "\n").encode()
    fast = usage_log._read_csv_fast(data)
    assert fast is not None
    assert fast.columns["input_tokens"].tolist() == [float(a) for _, a, _ in rows]
    assert fast.columns["output_tokens"].tolist() == [float(b) for _, _, b in rows]
    stamps = [t.replace(tzinfo=UTC).timestamp() for t, _, _ in rows]
    assert fast.span_s == max(stamps) - min(stamps)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.from_regex(r"[0-9]{1,15}", fullmatch=True),
                          st.from_regex(r"[0-9]{1,9}", fullmatch=True)), min_size=1, max_size=40))
def test_fast_reader_reads_integer_logs_as_float_does(rows: list[tuple[str, str]]) -> None:
    """A log with no dot at all takes the integers-only reader: still float(text)."""
    from ia_empreinte.engine import usage_log

    data = ("timestamp,input_tokens,output_tokens\n"
            + "".join(f"2026-01-01T00:00:00Z,{a},{b}\n" for a, b in rows)).encode()
    fast = usage_log._read_csv_fast(data)
    assert fast is not None
    assert fast.columns["input_tokens"].tolist() == [float(a) for a, _ in rows]
    assert fast.columns["output_tokens"].tolist() == [float(b) for _, b in rows]


def test_unusual_logs_are_read_row_by_row_with_the_same_numbers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Exponents, 17-digit decimals, quoted cells: the fast reader steps aside."""
    path = tmp_path / "log.csv"
    path.write_text(
        "timestamp,input_tokens,output_tokens\n"
        "2026-01-01T00:00:00Z,0.1,1e-7\n"
        '2026-01-01T08:30:15.250000Z,"1234567.123456789",3\n'
        "2026-01-02T00:00:00Z,17,0.30000000000000004\n", encoding="utf-8")
    fast, careful = _both_readers(path, monkeypatch)
    assert fast is None
    assert careful.columns["output_tokens"].tolist() == [1e-7, 3.0,  # type: ignore[attr-defined]
                                                          0.30000000000000004]
    assert careful.span_s == 86_400.0  # type: ignore[attr-defined]


def test_fast_path_steps_aside_for_bad_cells(tmp_path: Path) -> None:
    from ia_empreinte.engine import usage_log

    for body in ("2026-01-01T00:00:00Z,-1,3\n", "2026-01-01T00:00:00Z,abc,3\n",
                 "2026-01-01T00:00:00Z,,3\n", "not-a-date,1,3\n", "2026-01-01,1,3,4\n",
                 "2026-01-01T00:00:00Z,1,3\n\n2026-01-01T00:00:01Z,1,3\n",
                 "2026-02-30T00:00:00Z,1,3\n", "2026-01-01T00:00:00Z,1.2.3,3\n",
                 "2026-01-01T00:00:00Z,1234567890123456,3\n", "2026-01-01T00:00:00Z,+1,3\n",
                 "2026-01-01T00:00:00Z,1,3\n2026-01-01T00:00:01+01:00,1,3\n",
                 "0000-01-01T00:00:00Z,1,3\n", "2026-01-01T00:00:00Z,1,3\r\n"
                 "2026-01-01T00:00:01Z,1,3\r5\n", "2026-01-01T00:00:00Z,1,.\n",
                 "2026-13-01T00:00:00Z,1,3\n", "2026-00-01T00:00:00Z,1,3\n",
                 "2026-01-32T00:00:00Z,1,3\n", "2026-01-00T00:00:00Z,1,3\n",
                 "2026-01-01T24:00:00Z,1,3\n", "2026-01-01T00:60:00Z,1,3\n",
                 "2026-01-01T00:00:60Z,1,3\n", "2025-02-29T00:00:00Z,1,3\n",
                 "2026-04-31T00:00:00Z,1,3\n"):
        data = ("timestamp,input_tokens,output_tokens\n" + body).encode()
        assert usage_log._read_csv_fast(data) is None, body


def test_impossible_date_among_same_shaped_stamps_is_named(tmp_path: Path) -> None:
    """30 February between two good stamps of the same shape: refused with its line."""
    path = _csv(tmp_path, ["2026-01-01T00:00:00Z,1,2", "2026-02-30T00:00:00Z,1,2",
                           "2026-03-01T00:00:00Z,1,2"])
    with pytest.raises(InputFileError, match="line 3: column 'timestamp'"):
        read_log(path)


def test_mixed_offsets_are_read_row_by_row(tmp_path: Path) -> None:
    from ia_empreinte.engine import usage_log

    path = tmp_path / "log.csv"
    path.write_text(
        "timestamp,input_tokens,output_tokens\n"
        "2026-01-01T01:00:00+01:00,1,2\n"
        "2026-01-01T12:00:00Z,1,2\n"
        "2026-01-02T00:00:00,1,2\n",
        encoding="utf-8",
    )
    assert usage_log._read_csv_fast(path.read_bytes()) is None
    assert read_log(path).span_s == 86_400.0


@settings(max_examples=300, deadline=None)
@given(st.lists(st.from_regex(r"[0-9]{4}-[0-3][0-9]-[0-3][0-9]T[0-2][0-9]:[0-6][0-9]:[0-6][0-9]",
                              fullmatch=True), min_size=1, max_size=5))
def test_fast_reader_accepts_exactly_the_real_date_times(stamps: list[str]) -> None:
    """Digit soup in the shape of a stamp: taken iff Python's datetime takes every one."""
    from ia_empreinte.engine import usage_log

    data = ("timestamp,input_tokens,output_tokens\n"
            + "".join(f"{s}Z,1,2\n" for s in stamps)).encode()
    try:
        times = [datetime.fromisoformat(s).replace(tzinfo=UTC).timestamp() for s in stamps]
    except ValueError:
        times = None
    fast = usage_log._read_csv_fast(data)
    if times is None:
        assert fast is None
    else:
        assert fast is not None and fast.span_s == max(times) - min(times)


@pytest.mark.parametrize("careful", [False, True])
def test_large_log_is_hashed_alongside_the_reading(tmp_path: Path, careful: bool) -> None:
    """Above 1 MiB the SHA-256 is computed on another thread: still the file's own."""
    import hashlib

    rows = [f"2026-01-{1 + i % 28:02d}T{i % 24:02d}:00:00Z,{100 + i % 900},{1 + i % 300}"
            for i in range(60_000)]
    if careful:
        rows[-1] = "2026-01-01T00:00:00Z, 5,7"  # a space: the row-by-row reader
    path = _csv(tmp_path, rows)
    assert path.stat().st_size > 1 << 20
    log = read_log(path)
    assert log.rows == 60_000
    assert log.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_audit_path_does_not_import_pandas(tmp_path: Path) -> None:
    """The CSV reader is numpy only: an audit pays no pandas import (about 0.3 s)."""
    import subprocess
    import sys

    log = _csv(tmp_path, ["2026-01-01T00:00:00Z,100,20", "2026-01-01T00:01:00Z,300,40"])
    code = (
        "import sys\n"
        "from ia_empreinte import audit, load_offer\n"
        f"audit(load_offer({str(FIXTURES / 'offer-llama8b-fr.yaml')!r}), {str(log)!r})\n"
        "print(sorted(m for m in ('pandas',) if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"
