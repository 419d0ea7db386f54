"""Records sent in an HTTP request go straight into a RecordStore: no temporary folder.

The server used to lay the request's records out in a temporary folder so that the
engine could read them back; these tests make every temporary-file function raise
while the requests are served, and send record paths a file system would refuse.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from ia_empreinte.records import BenchmarkRecord, record_file_text, seal_record
from ia_empreinte.server import ServerSettings, running
from ia_empreinte.server.bodies import EXAMPLE_OFFER, EXAMPLE_PROFILE
from tests.server.test_server import assert_problem
from tests.support.bench import make_record

PATH = "records/run-1.json"


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    with running(ServerSettings(max_offers=3, max_draws=5000)) as base, httpx.Client(
        base_url=base, timeout=60
    ) as c:
        yield c


@pytest.fixture()
def no_temp_files(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a temporary file or folder was created to serve a request")

    for name in ("mkdtemp", "mkstemp", "TemporaryDirectory", "NamedTemporaryFile",
                 "TemporaryFile", "SpooledTemporaryFile"):
        monkeypatch.setattr(tempfile, name, refuse)


def _record() -> tuple[dict[str, Any], str]:
    record = make_record()
    return json.loads(record_file_text(record)), record.sha256()


def _offer(sha: str, path: str = PATH, ident: str = "measured-fr") -> dict[str, Any]:
    return {**EXAMPLE_OFFER, "id": ident, "benchmarks": [{"path": path, "sha256": sha}]}


def test_estimate_with_a_record_writes_no_file(client: httpx.Client, no_temp_files: None) -> None:
    record, sha = _record()
    r = client.post("/v1/estimate", json={"profile": EXAMPLE_PROFILE, "offer": _offer(sha),
                                          "records": {PATH: record}, "draws": 50})
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["provenance"]["benchmark_records"] == [sha]
    assert doc["provenance"]["methods"]["accelerators"] == "measured"


def test_compare_report_verify_with_a_record_write_no_file(
    client: httpx.Client, no_temp_files: None
) -> None:
    record, sha = _record()
    body = {"profile": EXAMPLE_PROFILE, "offers": [EXAMPLE_OFFER, _offer(sha)],
            "options": {"draws": 50}, "records": {PATH: record}}
    r = client.post("/v1/compare", json=body)
    assert r.status_code == 200, r.text
    methods = [o["methods"]["accelerators"] for o in r.json()["offers"]]
    assert methods == ["modelled", "measured"]
    r = client.post("/v1/report?format=json", json=body)
    assert r.status_code == 200, r.text
    fiche = r.json()
    (evidence,) = fiche["evidence"]
    assert evidence["sha256"] == sha
    assert evidence["valid_for_procurement"] is False  # make_record: CodeCarbon-modelled
    # the record itself, checked from the body's bytes
    r = client.post("/v1/verify", content=record_file_text(make_record()).encode(),
                    headers={"content-type": "application/json"})
    assert r.status_code == 200, r.text
    assert r.json()["sha256"] == sha
    # a fiche without its records: refused, as before, without a folder either
    doc = assert_problem(client.post("/v1/verify", json=fiche), 422, "record-missing")
    assert doc["pointer"] == "/inputs/offers/1/benchmarks/0/path"


@pytest.mark.parametrize(
    ("path", "what"),
    [("records/a\0b.json", "NUL"), ("records/" + "x" * 256 + ".json", "long part")],
)
def test_record_paths_a_file_system_refuses_are_422(
    client: httpx.Client, no_temp_files: None, path: str, what: str
) -> None:
    record, sha = _record()
    body = {"profile": EXAMPLE_PROFILE, "offer": _offer(sha, path), "records": {path: record}}
    doc = assert_problem(client.post("/v1/estimate", json=body), 422, "record-path-refused")
    assert doc["pointer"] == "/offer/benchmarks/0/path", what


def test_a_path_and_a_file_under_it_are_422(client: httpx.Client, no_temp_files: None) -> None:
    record, sha = _record()
    body = {"profile": EXAMPLE_PROFILE,
            "offers": [_offer(sha, "a", "one"), _offer(sha, "a/b.json", "two")],
            "options": {"draws": 20}, "records": {"a": record, "a/b.json": record}}
    doc = assert_problem(client.post("/v1/compare", json=body), 422, "record-path-refused")
    assert doc["detail"] == (
        "the record paths 'a' and 'a/b.json' cannot both be files: one is a folder of the other"
    )
    assert doc["pointer"] == "/offers/1/benchmarks/0/path"


def test_a_record_pinned_under_another_hash_is_422(
    client: httpx.Client, no_temp_files: None
) -> None:
    record, sha = _record()
    body = {"profile": EXAMPLE_PROFILE, "offer": _offer("ab" * 32), "records": {PATH: record}}
    doc = assert_problem(client.post("/v1/estimate", json=body), 422, "invalid-record")
    assert doc["detail"] == (
        f"record hash {sha} does not match the expected {'ab' * 32}: the offer pins another "
        "version of this record"
    )
    assert doc["pointer"] == "/records/records~1run-1.json"


def _implausible() -> BenchmarkRecord:
    """A sealed record whose stored results do not follow from its windows, claiming to be
    valid for procurement."""
    record = make_record()
    results = record.results.model_copy(update={"avg_power_w": 3000.0})
    altered = record.model_copy(update={"results": results, "valid_for_procurement": True})
    return seal_record(BenchmarkRecord.model_validate(altered.model_dump(by_alias=True)))


def test_a_record_that_fails_a_rule_is_422(client: httpx.Client, no_temp_files: None) -> None:
    record = _implausible()
    body = {"profile": EXAMPLE_PROFILE, "offer": _offer(record.sha256()),
            "records": {PATH: json.loads(record_file_text(record))}}
    doc = assert_problem(client.post("/v1/estimate", json=body), 422, "invalid-record")
    assert doc["detail"] == (
        "rule 'results-recomputed': stored results differ from those recomputed from the "
        "windows"
    )
    assert doc["pointer"] == "/records/records~1run-1.json"
