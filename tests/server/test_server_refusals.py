"""The HTTP API refuses an offer that does not serve the profile's task, or whose model
sizes contradict the catalog, with a 422 problem naming the offer (never a 500)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from ia_empreinte.server import ServerSettings, running
from ia_empreinte.server.bodies import EXAMPLE_OFFER, EXAMPLE_PROFILE
from tests.server.test_server import assert_problem

TABULAR_OFFER: dict[str, Any] = {**EXAMPLE_OFFER, "id": "tabular", "task": "tabular-prediction"}
DETAIL = ("offer tabular does not serve task text-generation of profile chatbot-example "
          "(it serves: tabular-prediction)")
OPTIONS = {"draws": 50, "seed": 3}


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    with running(ServerSettings(max_offers=3, max_draws=5000)) as base, \
            httpx.Client(base_url=base, timeout=60) as c:
        yield c


def test_estimate_is_422(client: httpx.Client) -> None:
    body = {"profile": EXAMPLE_PROFILE, "offer": TABULAR_OFFER, **OPTIONS}
    doc = assert_problem(client.post("/v1/estimate", json=body), 422, "invalid-offer")
    assert doc["detail"] == DETAIL
    assert doc["pointer"] == "/offer/task"


@pytest.mark.parametrize("route", ["/v1/compare", "/v1/report"])
def test_compare_and_report_point_at_the_offer(client: httpx.Client, route: str) -> None:
    body = {"profile": EXAMPLE_PROFILE, "offers": [EXAMPLE_OFFER, TABULAR_OFFER],
            "options": OPTIONS}
    doc = assert_problem(client.post(route, json=body), 422, "invalid-offer")
    assert doc["detail"] == DETAIL
    assert doc["pointer"] == "/offers/1/task"


def test_conflicting_sizes_are_422(client: httpx.Client) -> None:
    offer = {**EXAMPLE_OFFER, "model": {"id": "llama-3.1-8b", "total_params_b": 8}}
    body = {"profile": EXAMPLE_PROFILE, "offer": offer, **OPTIONS}
    doc = assert_problem(client.post("/v1/estimate", json=body), 422, "invalid-offer")
    assert doc["detail"] == (
        "total_params_b 8 conflicts with catalog model llama-3.1-8b (total_params_b 8.03, "
        "published by the developer); expected the catalog's total_params_b or no 'id'")
    assert doc["pointer"] == "/offer/model"
