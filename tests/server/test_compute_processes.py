"""Computations in worker processes (``ia-empreinte serve``'s default) answer exactly as
in threads: the same bytes, the same problem documents; a dead worker is replaced."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from collections.abc import Iterator

import httpx
import pytest

from ia_empreinte.server import ServerSettings, running
from ia_empreinte.server.bodies import EXAMPLE_OFFER, EXAMPLE_PROFILE

ESTIMATE = {"profile": EXAMPLE_PROFILE, "offer": EXAMPLE_OFFER, "draws": 300, "seed": 7}
COMPARE = {"profile": EXAMPLE_PROFILE, "offers": [EXAMPLE_OFFER], "options": {"draws": 200}}
BAD_OFFER = {"profile": EXAMPLE_PROFILE, "offer": {**EXAMPLE_OFFER, "id": 5}, "draws": 10}

# (method, path, JSON body, expected status)
CASES = [
    ("/v1/estimate", ESTIMATE, 200),
    ("/v1/compare?format=markdown", COMPARE, 200),
    ("/v1/report?format=json", COMPARE, 200),
    ("/v1/validate/offer", EXAMPLE_OFFER, 200),
    ("/v1/validate/nothing", EXAMPLE_OFFER, 404),
    ("/v1/estimate", BAD_OFFER, 422),
    ("/v1/estimate", {**ESTIMATE, "draws": 501}, 422),
]


@pytest.fixture(scope="module")
def clients() -> Iterator[tuple[httpx.Client, httpx.Client]]:
    with (
        running(ServerSettings(max_draws=500), compute_slots=2) as threads,
        running(ServerSettings(max_draws=500, compute="processes"), compute_slots=2) as procs,
        httpx.Client(base_url=threads, timeout=60) as t,
        httpx.Client(base_url=procs, timeout=60) as p,
    ):
        yield t, p


@pytest.mark.parametrize(("path", "body", "status"), CASES)
def test_processes_answer_as_threads(
    clients: tuple[httpx.Client, httpx.Client], path: str, body: object, status: int
) -> None:
    threads, processes = clients
    a = threads.post(path, json=body)
    b = processes.post(path, json=body)
    assert a.status_code == status, a.text
    assert (b.status_code, b.headers["content-type"]) == (status, a.headers["content-type"])
    if path.startswith("/v1/report"):  # the sheet is dated: compare all but the date
        fa, fb = a.json(), b.json()
        assert fb["inputs_sha256"] == fa["inputs_sha256"]
        assert {k: v for k, v in fb.items() if k != "provenance"} == {
            k: v for k, v in fa.items() if k != "provenance"
        }
    else:
        assert b.content == a.content


def test_a_dead_worker_is_replaced(clients: tuple[httpx.Client, httpx.Client]) -> None:
    _, processes = clients
    assert processes.post("/v1/estimate", json=ESTIMATE).status_code == 200
    workers = multiprocessing.active_children()
    assert workers, "the computing processes are children of the server process"
    os.kill(workers[0].pid, signal.SIGKILL)  # type: ignore[arg-type]
    time.sleep(1.0)  # the pool notices a dead worker at once; give it a moment
    statuses = []
    for _ in range(3):
        r = processes.post("/v1/estimate", json=ESTIMATE)
        statuses.append(r.status_code)
        if r.status_code == 503:
            assert r.json()["type"].endswith("/worker-restarted")
            assert r.headers["retry-after"] == "1"
    # at most the request that met the broken pool is refused, and it says retry
    assert statuses[-1] == 200 and statuses.count(503) <= 1, statuses
