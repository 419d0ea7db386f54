"""The registry on both databases: projects, states, search, keys, records, exports,
integrity of the stored bytes."""

from __future__ import annotations

import csv
import datetime
import io
import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from ia_empreinte import load_fiche, load_record
from ia_empreinte.errors import RecordError
from ia_empreinte.registry import (
    ProjectInfo,
    RegistryAuthError,
    RegistryError,
    RegistryIntegrityError,
    RegistryNotFound,
    SearchQuery,
)
from ia_empreinte.registry.export import COLUMNS
from ia_empreinte.registry.service import Registry
from ia_empreinte.sheet import parse_fiche
from tests.registry.conftest import PUBLIC_KEY, RECORD, fiche_data

INFO = ProjectInfo(collectivite="Nantes Métropole", insee_code="244400404",
                   population=683_000, description="Agent conversationnel du site web",
                   chosen_offer="open-mid-cloud-fr")


def _org(reg: Registry, name: str = "Nantes Métropole") -> str:
    return reg.add_organisation(name)[1]


def test_publish_search_show_and_reuse(registry: Registry, sheets: dict[str, Path]) -> None:
    token = _org(registry)
    fiche = load_fiche(sheets["chatbot"])
    pid = registry.publish_project(token, fiche, INFO)
    small = INFO.model_copy(update={"collectivite": "Vertou", "insee_code": "44215",
                                    "population": 25_000, "chosen_offer": "small-onprem-dedicated"})
    pid2 = registry.publish_project(token, fiche, small)
    assert (pid, pid2) == (1, 2)
    project = registry.project(pid)
    assert project.tasks == ("text-generation",)
    assert project.population_band == "gte-500000"
    assert project.vendor == "Fournisseur B (illustratif)" and project.zone == "FR"
    assert [o[0] for o in project.offers] == ["open-mid-cloud-fr", "small-onprem-dedicated"]
    chosen = {o.offer_id: o for o in fiche.comparison.offers}["open-mid-cloud-fr"]
    assert project.gwp_kgco2e_per_year_p50 == chosen.per_year["gwp_kgco2e"].p50
    assert registry.sheet(pid) == fiche

    def ids(**query: Any) -> list[int]:
        return [p.id for p in registry.search(SearchQuery(**query))]

    assert ids() == [1, 2]
    assert ids(task="text-generation") == [1, 2]
    assert ids(task="speech-to-text") == []
    assert ids(population_band="20000-100000") == [2]
    assert ids(vendor="fournisseur b") == [1]
    assert ids(vendor="%") == []  # a LIKE wildcard is a plain character
    assert ids(zone="fr", population_band="gte-500000") == [1]
    assert registry.reuse_profile(pid).splitlines()[2] == "id: chatbot-web-metropole"


def test_states_hide_drafts_and_withdrawn(registry: Registry, sheets: dict[str, Path]) -> None:
    token = _org(registry)
    other = _org(registry, "Ville de Lyon")
    fiche = load_fiche(sheets["chatbot"])
    pid = registry.publish_project(token, fiche, INFO.model_copy(update={"state": "draft"}))
    assert registry.search() == []
    with pytest.raises(RegistryNotFound):
        registry.project(pid)
    assert registry.project(pid, token).state == "draft"  # its owner sees it
    with pytest.raises(RegistryAuthError, match="another organisation"):
        registry.set_state(other, pid, "published")
    registry.set_state(token, pid, "published")
    assert [p.id for p in registry.search()] == [pid]
    registry.set_state(token, pid, "withdrawn")
    assert registry.search() == []
    assert registry.project(pid, token).revision == 3
    with pytest.raises(RegistryError, match="unknown state"):
        registry.set_state(token, pid, "archived")


def test_writes_need_a_known_token(registry: Registry, sheets: dict[str, Path]) -> None:
    fiche = load_fiche(sheets["chatbot"])
    for token in (None, "", "0" * 64):
        with pytest.raises(RegistryAuthError):
            registry.publish_project(token, fiche, INFO)
    assert registry.counts()["projects"] == 0


def test_tampered_sheet_refused_and_nothing_written(
    registry: Registry, sheets: dict[str, Path]
) -> None:
    token = _org(registry)
    data = fiche_data(sheets["chatbot"])
    headlines = data["headlines"]
    assert isinstance(headlines, dict)
    headlines["best_p50"] = headlines["best_p50"] * 0.5
    with pytest.raises(RegistryError, match=r"does not verify: .*headlines.best_p50"):
        registry.publish_project(token, parse_fiche(data), INFO)
    with pytest.raises(RegistryError, match="not one of the sheet's offers"):
        registry.publish_project(token, load_fiche(sheets["chatbot"]),
                                 INFO.model_copy(update={"chosen_offer": "nope"}))
    assert registry.counts()["projects"] == 0


def test_stored_sheet_bytes_changed_are_detected(
    registry: Registry, sheets: dict[str, Path]
) -> None:
    token = _org(registry)
    pid = registry.publish_project(token, load_fiche(sheets["chatbot"]), INFO)
    with registry.engine.begin() as conn:  # someone edits the database directly
        conn.execute(sa.text("UPDATE sheets SET body = replace(body, '\"best_p50\":', "
                             "'\"best_p50\": ')"))
    with pytest.raises(RegistryIntegrityError, match="stored bytes changed"):
        registry.sheet(pid)
    with pytest.raises(RegistryIntegrityError):
        registry.reuse_profile(pid)


def test_sheet_pinning_a_record_needs_it_published(
    registry: Registry, sheets: dict[str, Path]
) -> None:
    token = _org(registry, "Candidat B")
    fiche = load_fiche(sheets["pinned"])
    info = INFO.model_copy(update={"chosen_offer": "essai-releve-tinylm"})
    with pytest.raises(RegistryError, match="not published in the registry"):
        registry.publish_project(token, fiche, info)
    sha = registry.publish_record(token, load_record(RECORD))
    assert registry.publish_record(token, load_record(RECORD)) == sha  # idempotent
    assert registry.publish_project(token, fiche, info) == 1


def test_records_content_addressed_and_reverified(registry: Registry) -> None:
    token = _org(registry, "Candidat B")
    record = load_record(RECORD)
    sha = registry.publish_record(token, record)
    assert sha == record.sha256()
    assert registry.record(sha) == record
    with pytest.raises(RegistryNotFound):
        registry.record("0" * 64)
    tampered = record.model_copy(update={"task": "embeddings"})
    with pytest.raises(RecordError, match="altered"):
        registry.publish_record(token, tampered)
    with registry.engine.begin() as conn:
        conn.execute(sa.text("UPDATE benchmark_records SET body = replace(body, "
                             "'\"concurrency\": 1', '\"concurrency\": 2')"))
    with pytest.raises(RegistryIntegrityError, match="stored bytes changed"):
        registry.record(sha)
    with pytest.raises(RegistryIntegrityError):
        registry.export("records", "json")


def test_vendor_keys(registry: Registry) -> None:
    token = _org(registry, "Candidat B")
    other = _org(registry, "Autre fournisseur")
    public = PUBLIC_KEY.read_text().strip()
    record = load_record(RECORD)
    assert record.integrity is not None and record.integrity.signature is not None
    fingerprint = record.integrity.signature.key_fingerprint
    unknown = registry.key_verdict(fingerprint)
    assert unknown.key is None
    assert unknown.sentence("fr").startswith("clé inconnue")
    assert unknown.sentence("en").startswith("unknown key")
    key = registry.register_key(token, public, today=datetime.date(2026, 10, 1))
    assert key.fingerprint == fingerprint
    verdict = registry.key_verdict(fingerprint, datetime.date(2026, 11, 15))
    assert verdict.sentence("fr") == (
        "signée par une clé enregistrée au nom de Candidat B le 2026-10-01 (avant la date "
        "limite de remise des offres 2026-11-15)")
    late = registry.key_verdict(fingerprint, datetime.date(2026, 9, 1))
    assert late.registered_before_deadline is False
    assert "APRÈS" in late.sentence("fr")
    with pytest.raises(RegistryError, match="already registered"):
        registry.register_key(other, public)
    with pytest.raises(RegistryError, match="64 hexadecimal"):
        registry.register_key(token, "abc")
    # a record signed by Candidat B's key cannot be published by another organisation
    with pytest.raises(RegistryAuthError, match="registered to Candidat B"):
        registry.publish_record(other, record)
    with pytest.raises(RegistryAuthError):
        registry.revoke_key(other, fingerprint)
    revoked = registry.revoke_key(token, fingerprint, today=datetime.date(2026, 12, 1))
    assert revoked.revoked_on == datetime.date(2026, 12, 1)
    assert "révoquée le 2026-12-01" in registry.key_verdict(fingerprint).sentence("fr")


def test_footprint_by_period(registry: Registry, sheets: dict[str, Path]) -> None:
    from ia_empreinte import USAGE_LOG_SCHEMA, audit, read_usage_log
    from tests.conftest import ROOT

    token = _org(registry)
    fiche = load_fiche(sheets["chatbot"])
    pid = registry.publish_project(token, fiche, INFO)
    log = read_usage_log(ROOT / "examples" / "usage-logs" / "chatbot-extrait-janvier.csv",
                         USAGE_LOG_SCHEMA)
    offer = next(o for o in fiche.inputs.offers if o.id == "open-mid-cloud-fr")
    estimate = audit(offer, log, draws=50, seed=1)
    fp = registry.add_footprint(token, pid, "2027-01", estimate, metered_energy_kwh=1.5)
    assert fp.requests == log.rows
    assert fp.energy_kwh_p50 == estimate.contract.energy_kwh.p50
    with pytest.raises(RegistryError, match="already has a footprint"):
        registry.add_footprint(token, pid, "2027-01", estimate)
    assert registry.project(pid).footprints == (fp,)
    rows = json.loads(registry.export("footprints", "json"))["rows"]
    assert rows == [{"project_id": pid, "period": "2027-01", "requests": log.rows,
                     "energy_kwh_p50": fp.energy_kwh_p50, "gwp_kgco2e_p50": fp.gwp_kgco2e_p50,
                     "metered_energy_kwh": 1.5}]


def test_exports_follow_the_documented_schema(
    registry: Registry, sheets: dict[str, Path]
) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    token = _org(registry, "Candidat B")
    registry.publish_record(token, load_record(RECORD))
    fiche = load_fiche(sheets["chatbot"])
    registry.publish_project(token, fiche, INFO.model_copy(
        update={"collectivite": "=HYPERLINK(\"x\")"}))
    registry.publish_project(token, fiche, INFO.model_copy(update={"state": "draft"}))
    for table in ("projects", "records"):
        document = json.loads(registry.export(table, "json"))
        assert document["licence"] == "Licence Ouverte / Open Licence 2.0"
        assert document["columns"] == COLUMNS[table]
        assert len(document["rows"]) == 1  # the draft is not exported
        assert list(document["rows"][0]) == list(COLUMNS[table])
        rows = list(csv.DictReader(io.StringIO(registry.export(table, "csv").decode())))
        assert len(rows) == 1 and list(rows[0]) == list(COLUMNS[table])
        arrow = pq.read_table(pa.BufferReader(registry.export(table, "parquet")))
        assert arrow.schema.names == list(COLUMNS[table])
        assert arrow.schema.metadata[b"licence"] == b"Licence Ouverte / Open Licence 2.0"
        assert arrow.num_rows == 1
    registry.register_key(token, PUBLIC_KEY.read_text().strip(), datetime.date(2026, 10, 1))
    record_row = json.loads(registry.export("records", "json"))["rows"][0]
    assert (record_row["key_organisation"], record_row["key_registered_on"]) == (
        "Candidat B", "2026-10-01")
    rows = list(csv.DictReader(io.StringIO(registry.export("projects", "csv").decode())))
    assert rows[0]["collectivite"] == "'=HYPERLINK(\"x\")"  # never a live formula
    assert rows[0]["tasks"] == "text-generation"
    assert float(rows[0]["gwp_kgco2e_per_year_p50"]) > 0


def test_documented_schema_lists_every_column() -> None:
    from tests.conftest import ROOT

    text = (ROOT / "docs" / "registry.md").read_text(encoding="utf-8")
    for table, columns in COLUMNS.items():
        assert f"### `{table}`" in text
        for column, kind in columns.items():
            assert f"| `{column}` | {kind} |" in text, (table, column)
