"""The registry over HTTP: public reads, token-guarded writes, problem documents."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ia_empreinte.registry.service import Registry
from ia_empreinte.server import ServerSettings, running
from tests.registry.conftest import PUBLIC_KEY, RECORD, fiche_data

PROJECT = {"collectivite": "Nantes Métropole", "insee_code": "244400404",
           "population": 683000, "chosen_offer": "open-mid-cloud-fr",
           "description": "Agent conversationnel"}
PROBLEM = "application/problem+json"


@pytest.fixture
def http(db_url: str) -> Iterator[tuple[httpx.Client, str, str]]:
    """A real server (uvicorn in a thread) on a registry with two organisations."""
    with Registry(db_url) as reg:
        reg.init()
        _, token = reg.add_organisation("Nantes Métropole")
        _, other = reg.add_organisation("Candidat B")
    settings = ServerSettings(registry_url=db_url, max_body_bytes=4 * 1024 * 1024)
    with running(settings) as base, httpx.Client(base_url=base, timeout=120) as client:
        yield client, token, other


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_publish_search_and_read(http: tuple[httpx.Client, str, str],
                                 sheets: dict[str, Path]) -> None:
    client, token, other = http
    body = {"project": PROJECT, "sheet": fiche_data(sheets["chatbot"])}
    anonymous = client.post("/v1/registry/projects", json=body)
    assert anonymous.status_code == 401
    assert anonymous.headers["content-type"] == PROBLEM
    created = client.post("/v1/registry/projects", json=body, headers=_auth(token))
    assert created.status_code == 201, created.text
    assert created.json() == {"id": 1, "state": "published"}
    found = client.get("/v1/registry/projects", params={"task": "text-generation",
                                                        "zone": "FR"})
    assert [p["collectivite"] for p in found.json()] == ["Nantes Métropole"]
    assert client.get("/v1/registry/projects", params={"vendor": "nobody"}).json() == []
    band = client.get("/v1/registry/projects", params={"population_band": "huge"})
    assert band.status_code == 422 and band.headers["content-type"] == PROBLEM
    assert client.get("/v1/registry/projects/1").json()["vendor"] == "Fournisseur B (illustratif)"
    assert client.get("/v1/registry/projects/1/sheet").json() == fiche_data(sheets["chatbot"])
    profile = client.get("/v1/registry/projects/1/profile")
    assert profile.headers["content-type"].startswith("application/yaml")
    assert "id: chatbot-web-metropole" in profile.text
    assert client.get("/v1/registry/projects/2").status_code == 404
    forbidden = client.post("/v1/registry/projects/1/state", json={"state": "withdrawn"},
                            headers=_auth(other))
    assert forbidden.status_code == 403
    done = client.post("/v1/registry/projects/1/state", json={"state": "withdrawn"},
                       headers=_auth(token))
    assert done.status_code == 200
    assert client.get("/v1/registry/projects/1").status_code == 404


def test_bad_bodies_are_4xx_and_write_nothing(http: tuple[httpx.Client, str, str],
                                              sheets: dict[str, Path]) -> None:
    client, token, _ = http
    sheet = fiche_data(sheets["chatbot"])
    tampered = json.loads(json.dumps(sheet))
    tampered["headlines"]["best_p50"] *= 2
    for body, status in (
        ({"project": PROJECT, "sheet": tampered}, 422),
        ({"project": {**PROJECT, "insee_code": "x"}, "sheet": sheet}, 422),
        ({"project": PROJECT}, 422),
        ({"project": PROJECT, "sheet": {"schema": "nope"}}, 422),
    ):
        answer = client.post("/v1/registry/projects", json=body, headers=_auth(token))
        assert answer.status_code == status, answer.text
        assert answer.headers["content-type"] == PROBLEM
    bad = client.post("/v1/registry/projects", content=b"{", headers={
        **_auth(token), "Content-Type": "application/json"})
    assert bad.status_code == 400
    assert client.get("/v1/registry/projects").json() == []


def test_records_keys_and_exports(http: tuple[httpx.Client, str, str]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    client, _, other = http
    record = json.loads(RECORD.read_text())
    fingerprint = record["integrity"]["signature"]["key_fingerprint"]
    unknown = client.get(f"/v1/registry/keys/{fingerprint}").json()
    assert unknown["registered"] is False and unknown["statement"].startswith("clé inconnue")
    key = client.post("/v1/registry/keys", json={"public_key": PUBLIC_KEY.read_text().strip()},
                      headers=_auth(other))
    assert key.status_code == 201 and key.json()["organisation"] == "Candidat B"
    known = client.get(f"/v1/registry/keys/{fingerprint}", params={"lang": "en"}).json()
    assert known["statement"].startswith("signed by a key registered to Candidat B on ")
    posted = client.post("/v1/registry/records", content=RECORD.read_bytes(),
                         headers={**_auth(other), "Content-Type": "application/json"})
    assert posted.status_code == 201, posted.text
    sha = posted.json()["sha256"]
    assert client.get(f"/v1/registry/records/{sha}").text == RECORD.read_text()
    record["results"]["avg_power_w"] *= 2
    altered = client.post("/v1/registry/records", json=record, headers=_auth(other))
    assert altered.status_code == 422 and "altered" in altered.json()["detail"]
    parquet = client.get("/v1/registry/export/records", params={"format": "parquet"})
    assert pq.read_table(pa.BufferReader(parquet.content)).column("sha256").to_pylist() == [sha]
    csv_text = client.get("/v1/registry/export/records", params={"format": "csv"}).text
    assert sha in csv_text
    assert client.get("/v1/registry/export/nothing").status_code in (404, 422)
    assert io.BytesIO(parquet.content).read(4) == b"PAR1"


def test_hostile_requests_are_problem_documents(http: tuple[httpx.Client, str, str]) -> None:
    client, token, _ = http
    for method, path, kwargs, status in (
        ("POST", "/v1/registry/projects", {"content": b"x" * (5 * 1024 * 1024),
                                           "headers": {**_auth(token),
                                                       "Content-Type": "application/json"}}, 413),
        ("POST", "/v1/registry/projects", {"content": b"<a/>", "headers": {
            **_auth(token), "Content-Type": "application/xml"}}, 415),
        ("POST", "/v1/registry/keys", {"json": {"public_key": "zz"},
                                       "headers": _auth(token)}, 422),
        ("POST", "/v1/registry/keys", {"json": {"public_key": "a" * 64, "extra": 1},
                                       "headers": _auth(token)}, 422),
        ("GET", "/v1/registry/projects/abc", {}, 404),
        ("GET", "/v1/registry/projects", {"params": {"limit": "0"}}, 422),
        ("GET", "/v1/registry/keys/abc", {"params": {"deadline": "2026-13-45"}}, 422),
        ("GET", "/v1/registry/records/" + "0" * 64, {}, 404),
        ("POST", "/v1/registry/records", {"json": {"schema": "nope"},
                                          "headers": _auth(token)}, 422),
    ):
        answer = client.request(method, path, **kwargs)
        assert answer.status_code == status, (path, answer.text)
        assert answer.headers["content-type"] == PROBLEM, path


def test_publishing_in_a_computing_process(tmp_path: Path, sheets: dict[str, Path]) -> None:
    """As ``ia-empreinte serve`` runs it: the sheet is recomputed in a worker process,
    which opens the registry itself."""
    url = f"sqlite:///{tmp_path / 'r.sqlite'}"
    with Registry(url) as reg:
        reg.init()
        _, token = reg.add_organisation("Nantes Métropole")
    settings = ServerSettings(registry_url=url, max_body_bytes=4 * 1024 * 1024,
                              compute="processes")
    with running(settings, compute_slots=1) as base, \
            httpx.Client(base_url=base, timeout=120) as client:
        sheet = fiche_data(sheets["chatbot"])
        created = client.post("/v1/registry/projects", headers=_auth(token),
                              json={"project": PROJECT, "sheet": sheet})
        assert (created.status_code, created.json()) == (201, {"id": 1, "state": "published"})
        sheet["headlines"]["best_p50"] *= 2  # type: ignore[index]
        refused = client.post("/v1/registry/projects", headers=_auth(token),
                              json={"project": PROJECT, "sheet": sheet})
        assert refused.status_code == 422 and "does not verify" in refused.json()["detail"]
        anonymous = client.post("/v1/registry/records", content=RECORD.read_bytes(),
                                headers={"Content-Type": "application/json"})
        assert anonymous.status_code == 401
