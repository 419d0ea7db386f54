"""The RecordStore: checked records by hash; validity derived from the checks.

Issue 17 items 4, 7 and 11: a record that fails a plausibility rule never feeds an
estimate (refused, one line, exit 2 / 422); a record's own ``valid_for_procurement``
claim is never trusted; ``validate`` does not call an altered or absurd record valid;
``bench verify`` without a key says that the signing key is not verified.
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
import yaml
from click.testing import CliRunner

from ia_empreinte import RecordError, RecordStore, load_records
from ia_empreinte.harness.signing import generate_keypair, load_private_key, sign
from ia_empreinte.records import BenchmarkRecord, record_file_text, seal_record
from ia_empreinte.records.store import EMPTY, checked
from ia_empreinte.server import ServerSettings, running
from ia_empreinte.server.bodies import EXAMPLE_OFFER, EXAMPLE_PROFILE
from ia_empreinte_cli.app import cli
from tests.server.test_server import assert_problem
from tests.support.bench import make_record

RULE = ("rule 'results-recomputed': stored results differ from those recomputed from the "
        "windows")


def _reseal(record: BenchmarkRecord, **update: object) -> BenchmarkRecord:
    """The record with ``update`` applied, sealed again (a valid hash: only the rules see)."""
    data = record.model_copy(update=update).model_dump(mode="json", by_alias=True)
    return seal_record(BenchmarkRecord.model_validate(data))


def _implausible() -> BenchmarkRecord:
    """Stored results that do not follow from the windows, claiming to be valid."""
    record = make_record()
    results = record.results.model_copy(update={"avg_power_w": 3000.0})
    return _reseal(record, results=results, valid_for_procurement=True)


def _files(tmp_path: Path, record: BenchmarkRecord) -> tuple[Path, Path, Path]:
    (tmp_path / "r.json").write_text(record_file_text(record), encoding="utf-8")
    offer = {**EXAMPLE_OFFER, "id": "measured-fr",
             "benchmarks": [{"path": "r.json", "sha256": record.sha256()}]}
    (tmp_path / "offer.yaml").write_text(yaml.safe_dump(offer), encoding="utf-8")
    (tmp_path / "profile.yaml").write_text(yaml.safe_dump(EXAMPLE_PROFILE), encoding="utf-8")
    return tmp_path / "profile.yaml", tmp_path / "offer.yaml", tmp_path / "r.json"


# --- the store -------------------------------------------------------------------


def test_store_is_an_immutable_mapping_by_hash() -> None:
    record = make_record()
    store = RecordStore.of([(record, "r.json")])
    assert list(store) == [record.sha256()]
    assert store[record.sha256()] is record
    assert len(EMPTY) == 0
    with pytest.raises(TypeError):
        store[record.sha256()] = record  # type: ignore[index]
    bigger = EMPTY.with_record(record, "r.json")
    assert dict(bigger) == dict(store) and len(EMPTY) == 0


def test_missing_record_names_the_offer_and_the_record() -> None:
    with pytest.raises(RecordError) as info:
        EMPTY.pinned("vendor-a", "runs/r.json", "ab" * 32)
    assert info.value.one_line() == (
        f"offer vendor-a: the benchmark record 'runs/r.json' (sha256 {'ab' * 32}) was not "
        "given; pass it in records="
    )


def test_unsealed_and_altered_records_are_refused() -> None:
    record = make_record()
    with pytest.raises(RecordError, match="no integrity block"):
        checked(record.model_copy(update={"integrity": None}), "r.json")
    altered = record.model_copy(update={"record_id": "edited"})
    with pytest.raises(RecordError, match=r"rule 'hash': content hash "):
        checked(altered, "r.json")


def test_a_record_that_fails_a_rule_is_refused_on_the_way_in() -> None:
    with pytest.raises(RecordError) as info:
        RecordStore.of([(_implausible(), "r.json")])
    assert info.value.one_line() == f"r.json: {RULE}"


def test_validity_is_derived_from_the_checks_never_from_the_claim() -> None:
    record = make_record()  # CodeCarbon models every component: an estimate
    claims_valid = _reseal(record, valid_for_procurement=True)
    assert checked(claims_valid, "a").valid_for_procurement is False
    methods = {**record.measurement.methods, "cpu": "measured"}  # as by RAPL
    measured = record.measurement.model_copy(update={"methods": methods})
    modest = _reseal(record, measurement=measured, valid_for_procurement=False)
    assert checked(modest, "b").valid_for_procurement is True
    smoke = _reseal(record, measurement=measured,
                    protocol=record.protocol.model_copy(update={"smoke": True}))
    assert checked(smoke, "c").valid_for_procurement is False


# --- the CLI ---------------------------------------------------------------------


def test_cli_estimate_refuses_a_record_that_fails_a_rule(tmp_path: Path) -> None:
    profile, offer, path = _files(tmp_path, _implausible())
    for args in (["estimate", str(profile), str(offer)],
                 ["compare", str(profile), str(offer), "--draws", "20"],
                 ["report", str(profile), str(offer), "--draws", "20", "-o",
                  str(tmp_path / "f.json")]):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 2, args
        assert result.output == f"Error: {path}: {RULE}\n"
    assert not (tmp_path / "f.json").exists()


def test_sheet_validity_comes_from_the_checks(tmp_path: Path) -> None:
    claims_valid = _reseal(make_record(), valid_for_procurement=True)
    profile, offer, _ = _files(tmp_path, claims_valid)
    out = tmp_path / "f.json"
    result = CliRunner().invoke(cli, ["report", str(profile), str(offer), "--draws", "20",
                                      "-o", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    (evidence,) = json.loads(out.read_text(encoding="utf-8"))["evidence"]
    assert evidence["valid_for_procurement"] is False
    verified = CliRunner().invoke(cli, ["verify", str(out)], catch_exceptions=False)
    assert verified.exit_code == 0, verified.output


def test_load_records_reads_paths_relative_to_each_offer(tmp_path: Path) -> None:
    from ia_empreinte import load_offer

    record = make_record()
    _, offer, _ = _files(tmp_path, record)
    store = load_records([(load_offer(offer), offer.parent)])
    assert list(store) == [record.sha256()]
    with pytest.raises(OSError, match="file not found"):
        load_records([(load_offer(offer), tmp_path / "elsewhere")])


def test_validate_refuses_altered_and_absurd_records(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_text(record_file_text(_implausible()), encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert (result.exit_code, result.output) == (2, f"Error: {path}: {RULE}\n")
    text = record_file_text(make_record()).replace('"idle_power_w": 21.0',
                                                   '"idle_power_w": 20.0')
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 2
    assert result.output.startswith(f"Error: {path}: rule 'hash': content hash ")


def _signed(tmp_path: Path) -> tuple[Path, str, str]:
    private, public = generate_keypair()
    (tmp_path / "k.key").write_text(private + "\n", encoding="utf-8")
    key = load_private_key(tmp_path / "k.key")
    record = make_record(signer=lambda message: sign(key, message))
    path = tmp_path / "signed.json"
    path.write_text(record_file_text(record), encoding="utf-8")
    assert record.integrity is not None and record.integrity.signature is not None
    return path, public, record.integrity.signature.key_fingerprint


def test_bench_verify_without_a_key_says_the_key_is_not_verified(tmp_path: Path) -> None:
    path, public, fingerprint = _signed(tmp_path)
    sha = json.loads(path.read_text(encoding="utf-8"))["integrity"]["record_sha256"]
    result = CliRunner().invoke(cli, ["bench", "verify", str(path), "--lang", "en"],
                                catch_exceptions=False)
    lines = result.output.splitlines()
    assert lines[-3] == f"{path}: sha256 {sha}"
    assert lines[-2].startswith(f"Valid signature (key fingerprint {fingerprint}): it proves")
    assert "not who measured" in lines[-2]
    assert lines[-1].endswith(
        "signature not checked against the public key filed with the offer (give --public-key)")
    result = CliRunner().invoke(cli, ["bench", "verify", str(path), "--public-key", public,
                                      "--lang", "en"], catch_exceptions=False)
    assert result.output.splitlines()[-3] == f"{path}: sha256 {sha}"
    assert "give --public-key" not in result.output.splitlines()[-1]


# --- the HTTP API ----------------------------------------------------------------


def test_api_refuses_absurd_records_and_says_whether_the_key_is_verified(
    tmp_path: Path,
) -> None:
    path, public, fingerprint = _signed(tmp_path)
    absurd = json.loads(record_file_text(_implausible()))
    altered = json.loads(record_file_text(make_record()))
    altered["results"]["idle_power_w"] = 20.0
    headers = {"content-type": "application/json"}
    with running(ServerSettings()) as base, httpx.Client(base_url=base, timeout=60) as c:
        doc = assert_problem(c.post("/v1/validate/record", json=absurd), 422,
                             "invalid-record")
        assert doc["detail"] == RULE
        doc = assert_problem(c.post("/v1/validate/record", json=altered), 422,
                             "invalid-record")
        assert str(doc["detail"]).startswith("rule 'hash': content hash ")
        ok = c.post("/v1/validate/record", json=json.loads(record_file_text(make_record())))
        assert ok.json() == {"kind": "record", "valid": True}
        body = path.read_bytes()
        answer = c.post("/v1/verify", content=body, headers=headers).json()
        assert (answer["signed"], answer["key_fingerprint"], answer["key_verified"]) == (
            True, fingerprint, False)
        answer = c.post(f"/v1/verify?public_key={public}", content=body,
                        headers=headers).json()
        assert (answer["signed"], answer["key_verified"]) == (True, True)
        offer = {**EXAMPLE_OFFER, "benchmarks": [{"path": "r.json",
                                                  "sha256": _implausible().sha256()}]}
        doc = assert_problem(c.post("/v1/estimate", json={
            "profile": EXAMPLE_PROFILE, "offer": offer, "records": {"r.json": absurd}}),
            422, "invalid-record")
        assert doc["detail"] == RULE
