"""Benchmark records replace the parametric accelerator (and host) energy."""

from __future__ import annotations

from pathlib import Path

import pytest

from ia_empreinte import RecordError, estimate, load_offer
from ia_empreinte.inputs.records import records_for_offer
from ia_empreinte.offers import parse_offer
from ia_empreinte.profiles import parse_profile
from ia_empreinte.records import record_file_text, record_sha256
from tests.support.bench import make_record

FIXTURES = Path(__file__).parents[1] / "fixtures" / "engine"


def _setup(tmp_path: Path, sha: str | None = None) -> tuple[object, object, str]:
    record = make_record()
    (tmp_path / "record.json").write_text(record_file_text(record), encoding="utf-8")
    raw = load_offer(FIXTURES / "offer-llama8b-fr.yaml").model_dump(mode="json")
    raw["benchmarks"] = [{"path": "record.json", "sha256": sha or record_sha256(record)}]
    profile = parse_profile({
        "id": "measured", "task": "text-generation",
        "request": {"input_tokens": 1000, "output_tokens": 100},
        "volume": {"requests_per_day": 1000}, "contract_years": 1})
    return profile, parse_offer(raw), record_sha256(record)


def test_record_replaces_accelerators_and_host(tmp_path: Path) -> None:
    """The record's model at 1000 in / 100 out tokens (tests.support.bench: 2.1 x its per-unit
    scale) is the server energy; the host component is then part of it."""
    profile, offer, sha = _setup(tmp_path)
    records = records_for_offer(offer, tmp_path)  # type: ignore[arg-type]
    est = estimate(profile, offer, draws=1, records=records)  # type: ignore[arg-type]
    model = make_record().energy_model()
    comp = est.per_request.energy_wh_by_component
    assert comp["accelerators"].p50 == pytest.approx(model.energy_wh(1000, 100), rel=1e-12)
    assert comp["host"].p50 == 0.0
    assert est.provenance.methods["accelerators"] == "measured"
    assert est.provenance.methods["host"] == "measured"
    assert est.provenance.benchmark_records == [sha]
    assert [c.code for c in est.caveats] == ["measured-record-used"]


def test_record_hash_mismatch_is_refused(tmp_path: Path) -> None:
    _, offer, _ = _setup(tmp_path, sha="0" * 64)
    with pytest.raises(RecordError, match="does not match the expected"):
        records_for_offer(offer, tmp_path)  # type: ignore[arg-type]


def test_a_pinned_record_not_given_is_refused_by_the_engine(tmp_path: Path) -> None:
    """The engine reads no file: a record the offer pins must be in ``records=``."""
    profile, offer, sha = _setup(tmp_path)
    with pytest.raises(RecordError) as info:
        estimate(profile, offer, draws=1)  # type: ignore[arg-type]
    assert info.value.one_line() == (
        f"offer llama8b-fr: the benchmark record 'record.json' (sha256 {sha}) was not "
        "given; pass it in records="
    )


def test_record_uncertainty_spreads_the_draws(tmp_path: Path) -> None:
    profile, offer, _ = _setup(tmp_path)
    records = records_for_offer(offer, tmp_path)  # type: ignore[arg-type]
    est = estimate(profile, offer, draws=500, records=records)  # type: ignore[arg-type]
    acc = est.per_request.energy_wh_by_component["accelerators"]
    assert acc.p05 < acc.p50 < acc.p95


def test_shipped_example_offer_is_changed_by_its_shipped_record() -> None:
    """Issue #4: a record measured here with `bench run`, referenced by an example offer,
    changes that offer's estimate, and the provenance says `measured`."""
    root = Path(__file__).resolve().parents[2]
    path = root / "examples" / "offers" / "essai-releve-tinylm.yaml"
    profile = parse_profile({
        "id": "tiny-chat", "task": "text-generation",
        "request": {"input_tokens": 300, "output_tokens": 60},
        "volume": {"requests_per_day": 500}, "contract_years": 1})
    offer = load_offer(path)
    with_record = estimate(profile, offer, draws=1,
                           records=records_for_offer(offer, path.parent))
    raw = load_offer(path).model_dump(mode="json")
    raw["benchmarks"] = []
    without = estimate(profile, parse_offer(raw), draws=1)
    assert with_record.provenance.methods["accelerators"] == "measured"
    assert without.provenance.methods["accelerators"] == "modelled"
    assert with_record.provenance.benchmark_records == [
        "7e11ddd5cc6979a7b4190a9014429d53f5e9bcf36a359576225680f156925a26"
    ]
    measured = with_record.per_request.energy_wh_by_component["accelerators"].p50
    modelled = without.per_request.energy_wh_by_component["accelerators"].p50
    assert measured != modelled
    assert with_record.per_request.energy_wh.p50 != without.per_request.energy_wh.p50


def test_measured_does_not_import_the_chain() -> None:
    """No import circle between engine/chain.py and engine/measured.py, even for types."""
    import ast

    import ia_empreinte.engine.measured as measured

    tree = ast.parse(Path(measured.__file__).read_text(encoding="utf-8"))
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert "ia_empreinte.engine.chain" not in imported
