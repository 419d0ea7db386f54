"""Usage-log audit: reading CSV/JSONL, clear errors, and agreement with estimate."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from ia_empreinte import InputFileError, audit, estimate
from ia_empreinte.engine.usage_log import read_log
from ia_empreinte.offers import load_offer
from ia_empreinte.profiles import parse_profile

FIXTURES = Path(__file__).parent / "fixtures" / "engine"


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


def test_fast_and_row_by_row_readers_agree(tmp_path: Path) -> None:
    """The pandas fast path and the row-by-row path read the same numbers and span."""
    from ia_empreinte.engine import usage_log

    text = (
        "timestamp,input_tokens,output_tokens\n"
        "2026-01-01T00:00:00Z,0.1,1e-7\n"
        "2026-01-01T08:30:15.250000Z,123456789.123456789,3\n"
        "2026-01-02T00:00:00Z,17,0.30000000000000004\n"
    )
    path = tmp_path / "log.csv"
    path.write_text(text, encoding="utf-8")
    fast = usage_log._read_csv_fast(path.read_bytes())
    assert fast is not None
    _header, rows = usage_log._records(path, text)
    slow_in = np.array([float(r[1]) for r in rows])
    slow_out = np.array([float(r[2]) for r in rows])
    assert fast.columns["input_tokens"].tolist() == slow_in.tolist()
    assert fast.columns["output_tokens"].tolist() == slow_out.tolist()
    slow_span = usage_log._span_s(path, [r[0] for r in rows], [r[-1] for r in rows])
    assert fast.span_s == slow_span == 86_400.0
    assert fast.rows == 3


def test_fast_path_steps_aside_for_bad_cells(tmp_path: Path) -> None:
    from ia_empreinte.engine import usage_log

    for body in ("2026-01-01T00:00:00Z,-1,3\n", "2026-01-01T00:00:00Z,abc,3\n",
                 "2026-01-01T00:00:00Z,,3\n", "not-a-date,1,3\n", "2026-01-01,1,3,4\n"):
        data = ("timestamp,input_tokens,output_tokens\n" + body).encode()
        assert usage_log._read_csv_fast(data) is None, body


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
