"""Several processes publishing and updating at once lose nothing (both databases)."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from ia_empreinte import load_fiche
from ia_empreinte.registry import ProjectInfo
from ia_empreinte.registry.service import Registry

WORKERS = 4
PUBLISHES = 8
UPDATES = 8


def _work(url: str, token: str, sheet: str, shared: int, worker: int) -> None:
    fiche = load_fiche(sheet)
    with Registry(url) as reg:
        for i in range(PUBLISHES):
            reg.publish_project(token, fiche, ProjectInfo(
                collectivite=f"Commune {worker}-{i}", insee_code=f"{10000 + worker * 100 + i}",
                population=1000 * (i + 1), chosen_offer="open-mid-cloud-fr"))
            reg.update_description(token, shared, f"worker {worker} update {i}")
        for i in range(UPDATES - PUBLISHES):
            reg.update_description(token, shared, f"worker {worker} extra {i}")


def test_concurrent_publishes_and_updates_lose_nothing(
    registry: Registry, sheets: dict[str, Path]
) -> None:
    _, token = registry.add_organisation("Région")
    fiche = load_fiche(sheets["chatbot"])
    shared = registry.publish_project(token, fiche, ProjectInfo(
        collectivite="Partagé", insee_code="44109", population=5000,
        chosen_offer="open-mid-cloud-fr"))
    context = multiprocessing.get_context("fork")
    processes = [context.Process(target=_work, args=(registry.url, token,
                                                     str(sheets["chatbot"]), shared, w))
                 for w in range(WORKERS)]
    for p in processes:
        p.start()
    for p in processes:
        p.join(timeout=300)
    assert [p.exitcode for p in processes] == [0] * WORKERS
    counts = registry.counts()
    expected_projects = 1 + WORKERS * PUBLISHES
    expected_revision = 1 + WORKERS * UPDATES
    shared_revision = registry.project(shared).revision
    print(f"\n[{registry.engine.dialect.name}] {WORKERS} processes: projects "
          f"{counts['projects']}/{expected_projects}, updates of the shared project "
          f"{shared_revision - 1}/{WORKERS * UPDATES}")
    assert counts["projects"] == expected_projects
    assert shared_revision == expected_revision
    assert len({p.insee_code for p in registry.search()}) == expected_projects
