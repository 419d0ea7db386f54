"""Registry throughput on SQLite and PostgreSQL, side by side in one run.

Publishes ``--projects`` projects (default 10,000) into a fresh registry on each
database, then runs ``--searches`` searches (default 1,000) with mixed filters (task,
population band, vendor, hosting zone), and prints publishes/s and searches/s for
both, with their ratio. PostgreSQL is a real server started here in a temporary folder
(Unix socket, default durability: fsync and synchronous commits on), like the SQLite
file (WAL, ``synchronous=FULL``, SQLite's default).

Every project carries the same procurement sheet (1,000 draws, three offers) under a
different collectivité: the sheet is recomputed once per process and the verdict
memoised by its SHA-256 (same bytes, same verdict), and, sheets being content-addressed,
stored once. The figures therefore measure the database path of a publish (serialising
and hashing the sheet, looking it up, the project, its tasks and offers, in one
transaction), not the estimation engine (benchmarks/perf/engine_perf.py measures it)
nor the insertion of 10,000 distinct 30 kB sheets.

Usage::

    python benchmarks/perf/registry_perf.py [--projects 10000] [--searches 1000]

Where it stood (2026-11-30, 2 cores shared with other jobs, load average about 9):
SQLite 22.8 publishes/s and 50.3 searches/s, PostgreSQL 15 34.5 and 61.0. With the
sheet in the projects table, SQLite searched at 4.5/s: SQLite stores a row's columns in
order, so every filter on a column after the 30 kB sheet read its overflow pages; the
sheets now live in their own content-addressed table.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.registry.postgres import postgres_server  # noqa: E402

from ia_empreinte import load_fiche  # noqa: E402
from ia_empreinte.registry import BANDS, ProjectInfo, SearchQuery  # noqa: E402
from ia_empreinte.registry.service import Registry  # noqa: E402
from ia_empreinte_cli.app import cli  # noqa: E402

OFFERS = ("open-mid-cloud-fr", "small-onprem-dedicated", "frontier-api-us")


def _sheet(folder: Path) -> Path:
    from click.testing import CliRunner

    target = folder / "fiche.json"
    args = ["report", str(ROOT / "profiles" / "chatbot-web-metropole.yaml"),
            *[str(ROOT / "examples" / "offers" / f"{o}.yaml") for o in OFFERS],
            "-o", str(target)]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return target


def _measure(url: str, sheet: Path, projects: int, searches: int) -> dict[str, float]:
    fiche = load_fiche(sheet)
    rng = random.Random(7)
    with Registry(url) as reg:
        reg.init()
        _, token = reg.add_organisation("Benchmark")
        reg.publish_project(token, fiche, ProjectInfo(  # recomputes the sheet once
            collectivite="Warm-up", insee_code="44109", population=1000,
            chosen_offer=OFFERS[0]))
        start = time.perf_counter()
        for i in range(projects - 1):
            reg.publish_project(token, fiche, ProjectInfo(
                collectivite=f"Commune {i}", insee_code=f"{10000 + i % 89999:05d}",
                population=rng.choice((800, 9_000, 45_000, 230_000, 900_000)) + i % 97,
                chosen_offer=OFFERS[i % len(OFFERS)]))
        publish_s = time.perf_counter() - start
        queries = [SearchQuery(
            task=rng.choice((None, "text-generation", "speech-to-text")),
            population_band=rng.choice((None, *BANDS)),
            vendor=rng.choice((None, "Fournisseur", "Intégrateur", "nobody")),
            zone=rng.choice((None, "FR", "US")), limit=20) for _ in range(searches)]
        found = 0
        start = time.perf_counter()
        for query in queries:
            found += len(reg.search(query))
        search_s = time.perf_counter() - start
        stored = reg.counts()["projects"]
    assert stored == projects, (stored, projects)
    return {"publishes_per_s": (projects - 1) / publish_s,
            "searches_per_s": searches / search_s, "found": found, "stored": stored}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--searches", type=int, default=1_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        sheet = _sheet(folder)
        results = {"sqlite": _measure(f"sqlite:///{folder / 'registry.sqlite'}", sheet,
                                      args.projects, args.searches)}
        with postgres_server(durable=True) as url:
            results["postgresql"] = _measure(url, sheet, args.projects, args.searches)
    print(f"registry: {args.projects} projects published, then {args.searches} searches "
          "(20 results at most), one process")
    print(f"{'database':<12} {'publishes/s':>12} {'searches/s':>11} {'stored':>7} "
          f"{'results':>8}")
    for name, r in results.items():
        print(f"{name:<12} {r['publishes_per_s']:>12.1f} {r['searches_per_s']:>11.1f} "
              f"{r['stored']:>7.0f} {r['found']:>8.0f}")
    sq, pg = results["sqlite"], results["postgresql"]
    print(f"postgresql / sqlite: publishes x{pg['publishes_per_s'] / sq['publishes_per_s']:.2f}, "
          f"searches x{pg['searches_per_s'] / sq['searches_per_s']:.2f}")


if __name__ == "__main__":
    main()
