"""Benchmark records: derived figures, canonical form, hash, signature, plausibility."""

from __future__ import annotations

import functools
import json
import math
from pathlib import Path

import pytest

from ia_empreinte import RecordError, load_record, validate_file, verify_record
from ia_empreinte.harness.signing import generate_keypair, load_private_key, sign
from ia_empreinte.records import (
    BenchmarkRecord,
    canonical_bytes,
    check_plausibility,
    record_file_text,
    record_sha256,
)
from ia_empreinte.records.stats import stat, t_quantile_975
from tests.support.bench import make_record

T2 = 4.302652729749462  # t(0.975, 2), scipy.stats.t.ppf (tables: 4.302652730)
BUSY_S = 3 * 287.65
NET_J = 540.0 + 600.0 + 480.0


def _write(tmp_path: Path, record: BenchmarkRecord, name: str = "r.json") -> Path:
    path = tmp_path / name
    path.write_text(record_file_text(record), encoding="utf-8")
    return path


def test_results_by_hand() -> None:
    res = make_record().results
    assert res.idle_power_w == pytest.approx(21.0, rel=1e-11)
    assert res.avg_power_w == pytest.approx(30.0, rel=1e-11)
    assert res.per_request_wh.mean == pytest.approx(0.005, rel=1e-11)
    assert res.per_request_wh.sd == pytest.approx(1 / 6000, rel=1e-9)
    half = T2 * (1 / 6000) / 3**0.5
    assert res.per_request_wh.ci95_high == pytest.approx(0.005 + half, rel=1e-9)
    assert res.net_per_request_wh.mean == pytest.approx(0.0015, rel=1e-11)
    assert res.net_per_request_wh.ci95_low == pytest.approx(0.0015 - half, rel=1e-9)
    assert res.per_output_token_wh is not None
    assert res.per_output_token_wh.mean == pytest.approx(1800 / 5450 / 3600, rel=1e-11)
    assert res.throughput_requests_per_s == pytest.approx(300 / 180, rel=1e-11)
    assert res.throughput_output_tokens_per_s == pytest.approx(16350 / 180, rel=1e-11)
    assert res.mean_input_tokens == pytest.approx(2231.5, rel=1e-11)
    assert res.mean_output_tokens == pytest.approx(54.5, rel=1e-11)


def test_per_token_fit_recovers_the_latency_model_scaled_by_net_energy() -> None:
    fit = make_record().results.fit
    assert fit is not None
    scale_wh = NET_J / BUSY_S / 3600
    assert fit.e0_wh == pytest.approx(0.1 * scale_wh, rel=1e-6)
    assert fit.e_in_wh_per_token == pytest.approx(0.001 * scale_wh, rel=1e-6)
    assert fit.e_out_wh_per_token == pytest.approx(0.01 * scale_wh, rel=1e-6)
    assert fit.n_points == 300


def test_energy_model_for_the_engine() -> None:
    record = make_record()
    model = record.energy_model()
    scale_wh = NET_J / BUSY_S / 3600
    assert model.scope == "server"
    assert model.task == "text-generation"
    assert model.methods == {"cpu": "modelled", "ram": "modelled"}
    assert model.record_sha256 == record_sha256(record)
    assert model.e_unit_wh is None
    # the fitted model gives back the measured net energy per request at the mean sizes
    assert model.energy_wh(2231.5, 54.5) == pytest.approx(0.0015, rel=1e-6)
    assert model.energy_wh(1000, 100) == pytest.approx((0.1 + 1 + 1) * scale_wh, rel=1e-6)
    assert model.rel_ci95 == pytest.approx(T2 * (1 / 6000) / 3**0.5 / 0.0015, rel=1e-9)
    with pytest.raises(RecordError, match="no accelerator energy"):
        record.energy_model("accelerators")


def test_student_t() -> None:
    assert t_quantile_975(4) == pytest.approx(2.776445105, abs=1e-9)
    assert t_quantile_975(60) == pytest.approx(2.000297822, abs=1e-9)
    s = stat([1.0, 2.0, 3.0])
    assert (s.mean, s.sd, s.n) == (2.0, 1.0, 3)
    assert s.ci95_high == pytest.approx(2 + T2 / 3**0.5, rel=1e-11)


def test_file_round_trip_and_expected_hash(tmp_path: Path) -> None:
    record = make_record()
    path = _write(tmp_path, record)
    loaded = load_record(path, expected_sha256=record_sha256(record))
    assert loaded == record
    assert record.integrity is not None
    assert record.integrity.record_sha256 == record_sha256(record)
    with pytest.raises(RecordError, match="does not match the expected"):
        load_record(path, expected_sha256="0" * 64)


def test_canonical_form_is_sorted_compact_and_excludes_integrity() -> None:
    record = make_record()
    text = canonical_bytes(record).decode()
    data = json.loads(text)
    assert "integrity" not in data
    assert text == json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def test_schema_kind_is_registered(tmp_path: Path) -> None:
    path = _write(tmp_path, make_record())
    kind, model = validate_file(path)
    assert kind == "record"
    assert isinstance(model, BenchmarkRecord)


@pytest.mark.parametrize("position", [0.1, 0.3, 0.5, 0.7, 0.9, 0.999])
def test_any_flipped_byte_is_detected(tmp_path: Path, position: float) -> None:
    path = _write(tmp_path, make_record())
    raw = bytearray(path.read_bytes())
    i = int(len(raw) * position)
    raw[i] ^= 0x01
    path.write_bytes(bytes(raw))
    with pytest.raises(RecordError):
        verify_record(path)


def test_changed_figure_with_reformatting_is_still_detected(tmp_path: Path) -> None:
    path = _write(tmp_path, make_record())
    data = json.loads(path.read_text())
    data["results"]["net_per_request_wh"]["mean"] = 0.001
    path.write_text(json.dumps(data, sort_keys=True, indent=1) + "\n")
    with pytest.raises(RecordError, match="rule 'hash'"):
        verify_record(path)


def test_signature(tmp_path: Path) -> None:
    private, public = generate_keypair()
    key_file = tmp_path / "k.key"
    key_file.write_text(private)
    signer = functools.partial(sign, load_private_key(key_file))
    path = _write(tmp_path, make_record(signer=signer))
    record, _ = verify_record(path, public_key=public)
    assert record.integrity is not None and record.integrity.signature is not None
    _, other = generate_keypair()
    with pytest.raises(RecordError, match="signed with another key"):
        verify_record(path, public_key=other)
    unsigned = _write(tmp_path, make_record(), "u.json")
    with pytest.raises(RecordError, match="not signed"):
        verify_record(unsigned, public_key=public)


def test_plausibility_passes_on_a_consistent_record() -> None:
    checks = {c.rule: c.status for c in check_plausibility(make_record())}
    assert checks == {
        "window-length": "pass", "window-count": "pass", "results-recomputed": "pass",
        "power-range": "pass", "energy-identity": "pass", "idle-drift": "pass",
        "ci-width": "warn", "modelled-components": "warn",
    }


def test_short_windows_fail_outside_smoke(tmp_path: Path) -> None:
    record = make_record(window_s=30.0, windows_j=(900.0, 930.0, 870.0))
    path = _write(tmp_path, record)
    with pytest.raises(RecordError, match=r"rule 'window-length': shortest window 30\.0 s < 60 s"):
        verify_record(path)
    assert not record.valid_for_procurement
    smoke = make_record(window_s=30.0, windows_j=(900.0, 930.0, 870.0), smoke=True)
    verify_record(_write(tmp_path, smoke, "s.json"))


def test_power_above_the_declared_hardware_fails() -> None:
    record = make_record(accelerator_w=500.0,
                         windows_j=(31800.0, 31860.0, 31740.0))
    checks = {c.rule: c for c in check_plausibility(record, max_accelerator_power_w=400.0)}
    assert checks["power-range"].status == "fail"
    ok = {c.rule: c for c in check_plausibility(record, max_accelerator_power_w=700.0)}
    assert ok["power-range"].status == "pass"


def test_power_below_idle_fails() -> None:
    record = make_record(windows_j=(600.0, 610.0, 590.0))  # 10 W < 21 W idle
    checks = {c.rule: c for c in check_plausibility(record)}
    assert checks["power-range"].status == "fail"


def test_tampered_results_fail_recomputation() -> None:
    record = make_record()
    res = record.results.model_copy(update={"avg_power_w": 40.0})
    bad = record.model_copy(update={"results": res})
    checks = {c.rule: c for c in check_plausibility(bad)}
    assert checks["results-recomputed"].status == "fail"
    assert checks["energy-identity"].status == "fail"


def test_reference_curve_warning() -> None:
    # 500 W accelerator, 60 s windows, 5,450 output tokens per window, 1 B params, batch 4
    record = make_record(accelerator_w=500.0, windows_j=(31800.0, 31860.0, 31740.0))
    reference_wh = 1.17e-6 * math.exp(-1.12e-2 * 4) * 1.0 + 4.05e-5
    measured_wh = 30000 / 5450 / 3600
    checks = {c.rule: c for c in check_plausibility(record, max_accelerator_power_w=700.0)}
    assert checks["reference-curve"].status == "warn"
    assert f"x{measured_wh / reference_wh:.2f}" in checks["reference-curve"].detail
    assert "reference-curve" not in {c.rule for c in check_plausibility(make_record())}
