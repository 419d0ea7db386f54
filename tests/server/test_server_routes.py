"""The computing and listing routes of the HTTP API against the CLI and the library.

compare, report, verify (fiche and benchmark record) and the shipped profiles, on a
real server on 127.0.0.1: the same bytes as the CLI where the CLI prints a document,
the library's answers elsewhere, and a problem document for every refusal.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml
from click.testing import CliRunner
from openpyxl import load_workbook

from ia_empreinte import shipped_profile, shipped_profile_ids, shipped_profiles_table
from ia_empreinte.records import record_file_text
from ia_empreinte.server import ServerSettings, running
from ia_empreinte.server.bodies import EXAMPLE_OFFER, EXAMPLE_PROFILE
from ia_empreinte_cli.app import cli
from tests.server.test_server import PROBLEMS, assert_problem
from tests.support.bench import make_record

OFFER_DE = {
    **EXAMPLE_OFFER,
    "id": "llama8b-de",
    "deployment": {**EXAMPLE_OFFER["deployment"], "zone": "DE", "pue": 1.4},
}
OPTIONS = {"draws": 200, "seed": 3}


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    settings = ServerSettings(max_offers=3, max_draws=5000)
    with running(settings) as base, httpx.Client(base_url=base, timeout=60) as c:
        yield c


def compare_body(**extra: object) -> dict[str, object]:
    return {"profile": EXAMPLE_PROFILE, "offers": [EXAMPLE_OFFER, OFFER_DE],
            "options": OPTIONS, **extra}


# --- shipped profiles ------------------------------------------------------------


def test_profiles_list_is_the_library_table(client: httpx.Client) -> None:
    columns, rows = shipped_profiles_table()
    r = client.get("/v1/profiles")
    assert r.status_code == 200
    assert r.json() == {"table": "profiles", "columns": columns, "rows": rows}
    assert [row["id"] for row in rows] == shipped_profile_ids()


def test_profile_is_the_shipped_profile(client: httpx.Client) -> None:
    ident = shipped_profile_ids()[0]
    r = client.get(f"/v1/profiles/{ident}")
    assert r.status_code == 200
    assert r.json() == shipped_profile(ident).model_dump(mode="json")
    # and it can be posted as it is
    est = client.post("/v1/estimate", json={"profile": r.json(), "offer": EXAMPLE_OFFER})
    assert est.status_code in (200, 422)  # 422 only if the offer does not serve its task


def test_unknown_profile_is_404(client: httpx.Client) -> None:
    doc = assert_problem(client.get("/v1/profiles/nope"), 404, "unknown-catalog-id")
    assert str(doc["detail"]).startswith("unknown profile 'nope'")


# --- compare ---------------------------------------------------------------------


@pytest.fixture()
def offer_files(tmp_path: Path) -> list[str]:
    paths = []
    for name, doc in (("profile", EXAMPLE_PROFILE), ("a", EXAMPLE_OFFER), ("b", OFFER_DE)):
        path = tmp_path / f"{name}.yaml"
        path.write_text(yaml.safe_dump(doc), encoding="utf-8")
        paths.append(str(path))
    return paths


@pytest.mark.parametrize(
    ("fmt", "media"),
    [("json", "application/json"), ("csv", "text/csv; charset=utf-8"),
     ("markdown", "text/markdown; charset=utf-8"), ("table", "text/plain; charset=utf-8")],
)
def test_compare_is_the_cli_output(
    client: httpx.Client, offer_files: list[str], fmt: str, media: str
) -> None:
    result = CliRunner().invoke(
        cli,
        ["compare", *offer_files, "--format", fmt, "--draws", "200", "--seed", "3"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0
    r = client.post(f"/v1/compare?format={fmt}", json=compare_body())
    assert r.status_code == 200
    assert r.headers["content-type"] == media
    assert r.text == result.output


def test_too_many_offers_is_422(client: httpx.Client) -> None:
    body = compare_body(offers=[EXAMPLE_OFFER] * 4)
    doc = assert_problem(client.post("/v1/compare", json=body), 422, "too-many-offers")
    assert doc["detail"] == (
        "4 offers requested; this server accepts at most 3 per request "
        "(ia-empreinte serve --max-offers)"
    )
    assert doc["pointer"] == "/offers"


def test_too_many_draws_in_options_is_422(client: httpx.Client) -> None:
    body = compare_body(options={"draws": 5001})
    doc = assert_problem(client.post("/v1/compare", json=body), 422, "too-many-draws")
    assert doc["pointer"] == "/options/draws"


def test_second_offer_error_points_at_it(client: httpx.Client) -> None:
    bad = {**OFFER_DE, "model": {"total_params_b": "big"}}
    body = compare_body(offers=[EXAMPLE_OFFER, bad])
    doc = assert_problem(client.post("/v1/compare", json=body), 422, "invalid-offer")
    assert doc["pointer"] == "/offers/1/model/total_params_b"


def test_bad_option_points_at_it(client: httpx.Client) -> None:
    body = compare_body(options={"indicator": "co2"})
    doc = assert_problem(client.post("/v1/compare", json=body), 422, "invalid-input")
    assert doc["pointer"] == "/options/indicator"


# --- report and verify -----------------------------------------------------------


@pytest.fixture(scope="module")
def fiche(client: httpx.Client) -> dict[str, object]:
    r = client.post("/v1/report?format=json", json=compare_body())
    assert r.status_code == 200
    assert r.headers["content-disposition"] == (
        'attachment; filename="fiche-chatbot-example.json"'
    )
    doc: dict[str, object] = r.json()
    return doc


@pytest.mark.parametrize(
    ("accept", "fmt", "media"),
    [
        ("application/pdf", "pdf", "application/pdf"),
        ("text/html", "html", "text/html; charset=utf-8"),
        ("text/markdown, application/json;q=0.5", "markdown", "text/markdown; charset=utf-8"),
        ("application/json;q=0.1, application/pdf;q=0.9", "pdf", "application/pdf"),
        ("*/*", "json", "application/json"),
    ],
)
def test_report_format_by_accept(
    client: httpx.Client, accept: str, fmt: str, media: str
) -> None:
    r = client.post("/v1/report", json=compare_body(), headers={"accept": accept})
    assert r.status_code == 200
    assert r.headers["content-type"] == media
    assert r.headers["content-disposition"].endswith(f'.{ {"markdown": "md"}.get(fmt, fmt)}"')
    if fmt == "pdf":
        assert r.content.startswith(b"%PDF-")
    if fmt == "html":
        assert "llama8b-de" in r.text


def test_report_xlsx_by_parameter_wins_over_accept(client: httpx.Client) -> None:
    r = client.post(
        "/v1/report?format=xlsx&lang=en", json=compare_body(), headers={"accept": "text/html"}
    )
    assert r.status_code == 200
    assert r.headers["content-type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    book = load_workbook(io.BytesIO(r.content))
    cells = {str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row}
    assert {"llama8b-fr", "llama8b-de"} <= cells


def test_report_unacceptable_is_406(client: httpx.Client) -> None:
    r = client.post("/v1/report", json=compare_body(), headers={"accept": "image/png"})
    doc = assert_problem(r, 406, "not-acceptable")
    assert str(doc["detail"]).startswith("no fiche format matches 'Accept: image/png'")


def test_fresh_fiche_verifies(client: httpx.Client, fiche: dict[str, object]) -> None:
    r = client.post("/v1/verify", json=fiche)
    assert r.status_code == 200
    assert r.json() == {
        "kind": "fiche", "ok": True, "inputs_sha256": fiche["inputs_sha256"], "differences": []
    }


def test_edited_fiche_names_the_figure(
    client: httpx.Client, fiche: dict[str, object], tmp_path: Path
) -> None:
    edited = json.loads(json.dumps(fiche))
    edited["comparison"]["offers"][0]["contract"]["gwp_kgco2e"]["p50"] *= 0.5
    r = client.post("/v1/verify?kind=fiche", json=edited)
    assert r.status_code == 200
    answer = r.json()
    assert answer["ok"] is False
    paths = [d["path"] for d in answer["differences"]]
    assert "comparison.offers[0].contract.gwp_kgco2e.p50" in paths
    # the CLI lists the same differences
    path = tmp_path / "fiche.json"
    path.write_text(json.dumps(edited), encoding="utf-8")
    result = CliRunner().invoke(cli, ["verify", str(path)])
    assert result.exit_code == 1
    for d in answer["differences"][:20]:
        line = f"  {d['path']}: stored {d['stored']}, recomputed {d['recomputed']}"
        assert line in result.output.splitlines()


@pytest.fixture(scope="module")
def record_text() -> str:
    return record_file_text(make_record())


def test_record_verifies_like_bench_verify(
    client: httpx.Client, record_text: str, tmp_path: Path
) -> None:
    r = client.post(
        "/v1/verify", content=record_text.encode(), headers={"content-type": "application/json"}
    )
    assert r.status_code == 200
    answer = r.json()
    path = tmp_path / "record.json"
    path.write_text(record_text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["bench", "verify", str(path), "--lang", "en"],
                                catch_exceptions=False)
    assert result.exit_code == 0
    assert result.output.splitlines()[-3] == f"{path}: sha256 {answer['sha256']}"
    assert result.output.splitlines()[-1].startswith("Verdict: NOT valid for the tender: ")
    assert answer["kind"] == "record" and answer["ok"] is True and answer["signed"] is False
    assert answer["verdict"]["valid"] is False
    assert "unsigned record" in answer["verdict"]["reasons_en"]
    shown = [f"{c['status']:<4}  {c['rule']:<20} {c['detail']}" for c in answer["checks"]]
    assert shown == result.output.splitlines()[:-3]


def test_altered_record_is_the_cli_error(
    client: httpx.Client, record_text: str, tmp_path: Path
) -> None:
    altered = record_text.replace('"idle_power_w": 21.0', '"idle_power_w": 20.0')
    assert altered != record_text
    r = client.post(
        "/v1/verify", content=altered.encode(), headers={"content-type": "application/json"}
    )
    doc = assert_problem(r, 422, "invalid-record")
    path = tmp_path / "record.json"
    path.write_text(altered, encoding="utf-8")
    result = CliRunner().invoke(cli, ["bench", "verify", str(path)])
    assert result.exit_code == 2
    assert result.output == f"Error: {path}: {doc['detail']}\n"


def test_record_public_key_is_never_a_path(client: httpx.Client, record_text: str) -> None:
    r = client.post(
        "/v1/verify?public_key=/etc/hostname",
        content=record_text.encode(),
        headers={"content-type": "application/json"},
    )
    assert assert_problem(r, 422, "invalid-public-key")["detail"] == (
        "expected an Ed25519 public key as 64 hexadecimal characters"
    )


def test_unsigned_record_with_a_key_is_refused(client: httpx.Client, record_text: str) -> None:
    r = client.post(
        "/v1/verify?public_key=" + "ab" * 32,
        content=record_text.encode(),
        headers={"content-type": "application/json"},
    )
    doc = assert_problem(r, 422, "invalid-record")
    assert doc["detail"] == "rule 'signature': the record is not signed"


def test_unknown_document_to_verify(client: httpx.Client) -> None:
    doc = assert_problem(client.post("/v1/verify", json={"a": 1}), 422, "unknown-kind")
    assert doc["type"] == PROBLEMS + "unknown-kind"
    assert doc["pointer"] == "/schema"


def test_new_routes_need_the_token(tmp_path: Path) -> None:
    tokens = tmp_path / "tokens"
    tokens.write_text("a-platform-token-0123456789\n")
    with running(ServerSettings(tokens_file=tokens)) as base, httpx.Client(base_url=base) as c:
        for method, path in [("POST", "/v1/compare"), ("POST", "/v1/report"),
                             ("POST", "/v1/verify"), ("GET", "/v1/profiles")]:
            assert_problem(c.request(method, path, json={}), 401, "unauthorized")


# --- benchmark records sent inline -----------------------------------------------


def measured_offer(record_sha256: str) -> dict[str, object]:
    return {**EXAMPLE_OFFER, "id": "measured-fr",
            "benchmarks": [{"path": "records/run-1.json", "sha256": record_sha256}]}


def test_estimate_with_an_inline_record_is_the_cli_output(
    client: httpx.Client, record_text: str, tmp_path: Path
) -> None:
    record = json.loads(record_text)
    sha = record["integrity"]["record_sha256"]
    offer = measured_offer(sha)
    # the CLI reads the record next to the offer file
    (tmp_path / "records").mkdir()
    (tmp_path / "records" / "run-1.json").write_text(record_text, encoding="utf-8")
    (tmp_path / "offer.yaml").write_text(yaml.safe_dump(offer), encoding="utf-8")
    (tmp_path / "profile.yaml").write_text(yaml.safe_dump(EXAMPLE_PROFILE), encoding="utf-8")
    result = CliRunner().invoke(
        cli,
        ["estimate", str(tmp_path / "profile.yaml"), str(tmp_path / "offer.yaml"),
         "--format", "json"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0
    r = client.post("/v1/estimate", json={"profile": EXAMPLE_PROFILE, "offer": offer,
                                          "records": {"records/run-1.json": record}})
    assert r.status_code == 200
    assert r.text == result.output
    assert r.json()["provenance"]["benchmark_records"] == [sha]


def test_compare_with_an_inline_record_is_the_cli_output(
    client: httpx.Client, record_text: str, tmp_path: Path
) -> None:
    record = json.loads(record_text)
    offer = measured_offer(record["integrity"]["record_sha256"])
    (tmp_path / "records").mkdir()
    (tmp_path / "records" / "run-1.json").write_text(record_text, encoding="utf-8")
    files = []
    for name, doc in (("profile", EXAMPLE_PROFILE), ("a", EXAMPLE_OFFER), ("b", offer)):
        (tmp_path / f"{name}.yaml").write_text(yaml.safe_dump(doc), encoding="utf-8")
        files.append(str(tmp_path / f"{name}.yaml"))
    result = CliRunner().invoke(
        cli, ["compare", *files, "--format", "json", "--draws", "200"], catch_exceptions=False
    )
    r = client.post("/v1/compare", json={
        "profile": EXAMPLE_PROFILE, "offers": [EXAMPLE_OFFER, offer], "options": {"draws": 200},
        "records": {"records/run-1.json": record},
    })
    assert r.status_code == 200
    assert r.text == result.output


def test_missing_record_is_422(client: httpx.Client) -> None:
    body = {"profile": EXAMPLE_PROFILE, "offer": measured_offer("0" * 64)}
    doc = assert_problem(client.post("/v1/estimate", json=body), 422, "record-missing")
    assert doc["pointer"] == "/offer/benchmarks/0/path"
    assert doc["detail"] == (
        "the offer names the benchmark record 'records/run-1.json'; send its content in "
        "the request's 'records' object under the key 'records/run-1.json'"
    )


def test_unused_record_is_422(client: httpx.Client, record_text: str) -> None:
    body = {"profile": EXAMPLE_PROFILE, "offer": EXAMPLE_OFFER,
            "records": {"records/run-1.json": json.loads(record_text)}}
    doc = assert_problem(client.post("/v1/estimate", json=body), 422, "record-unused")
    assert doc["pointer"] == "/records/records~1run-1.json"


def test_altered_inline_record_is_refused(client: httpx.Client, record_text: str) -> None:
    record = json.loads(record_text)
    sha = record["integrity"]["record_sha256"]
    record["results"]["idle_power_w"] = 20.0
    body = {"profile": EXAMPLE_PROFILE, "offer": measured_offer(sha),
            "records": {"records/run-1.json": record}}
    doc = assert_problem(client.post("/v1/estimate", json=body), 422, "invalid-record")
    assert str(doc["detail"]).startswith("rule 'hash': content hash ")


@pytest.mark.parametrize("path", ["/etc/hostname", "../offer.yaml", "a/./b.json", "a\\b"])
def test_record_paths_never_leave_the_request(client: httpx.Client, path: str) -> None:
    offer = {**EXAMPLE_OFFER, "benchmarks": [{"path": path, "sha256": "0" * 64}]}
    body = {"profile": EXAMPLE_PROFILE, "offer": offer, "records": {path: {}}}
    doc = assert_problem(client.post("/v1/estimate", json=body), 422, "record-path-refused")
    assert doc["pointer"] == "/offer/benchmarks/0/path"
