"""Every shipped profile and example offer validates, states its basis, and estimates."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from click.testing import CliRunner

import ia_empreinte
from ia_empreinte import basis_coverage, load_offer, load_profile
from ia_empreinte.inputs.records import records_for_offer
from ia_empreinte_cli.app import cli
from tests.conftest import EXAMPLE_OFFERS, PROFILES

PROFILE_FILES = sorted(PROFILES.glob("*.yaml"))
OFFER_FILES = sorted(EXAMPLE_OFFERS.glob("*.yaml"))
EXAMPLES = EXAMPLE_OFFERS.parent
RECORD_FILES = sorted((EXAMPLES / "records").glob("*.json"))
LOG_FILES = sorted((EXAMPLES / "usage-logs").glob("*.csv"))
PARTITIONED_LOG = EXAMPLES / "usage-logs" / "journal-partitionne"
PARTITIONED_FILES = sorted(PARTITIONED_LOG.rglob("*.csv"))
METERED_FILES = sorted((EXAMPLES / "metered").glob("*.csv"))

# Which example offers can serve which profile: every task of the profile is served by
# the offer's main model or one of its components.
PAIRS: dict[str, list[str]] = {
    "analyse-images-aeriennes": ["vision-cloud-fr"],
    "assistant-redaction-agents": [
        "frontier-api-us", "open-mid-cloud-fr", "small-onprem-dedicated", "essai-releve-tinylm"
    ],
    "callbot-mairie-30k": ["callbot-fr"],
    "chatbot-web-metropole": ["frontier-api-us", "open-mid-cloud-fr", "small-onprem-dedicated"],
    "detection-fuites-eau": ["cpu-tabular-fr"],
    "prevision-cantines": ["cpu-tabular-fr"],
    "prevision-crues": ["cpu-tabular-fr", "cpu-crues-onprem-redundant"],
    "rag-actes-deliberations": ["open-mid-cloud-fr"],
    "traduction-accueil": ["callbot-fr"],
    "transcription-seances": ["transcription-fr"],
    "tri-courrier-entrant": ["open-mid-cloud-fr"],
    "videoprotection-algorithmique": ["video-edge-onprem"],
}
PAIR_LIST = [(p, o) for p, offers in PAIRS.items() for o in offers]


def test_at_least_twelve_profiles_and_five_offers() -> None:
    assert len(PROFILE_FILES) >= 12
    assert len(OFFER_FILES) >= 5


def test_every_file_is_paired() -> None:
    assert sorted(PAIRS) == sorted(p.stem for p in PROFILE_FILES)
    assert sorted({o for _, o in PAIR_LIST}) == sorted(p.stem for p in OFFER_FILES)


@pytest.mark.parametrize("path", PROFILE_FILES + OFFER_FILES, ids=lambda p: p.name)
def test_validates(runner: CliRunner, path: Path) -> None:
    kind = "profile" if path.parent == PROFILES else "offer"
    result = runner.invoke(cli, ["validate", str(path)], catch_exceptions=False)
    assert result.output == f"{path}: valid {kind}\n"


def test_every_example_file_is_checked() -> None:
    checked = set(OFFER_FILES + RECORD_FILES + LOG_FILES + PARTITIONED_FILES + METERED_FILES)
    others = {p for p in EXAMPLES.rglob("*") if p.is_file() and p.suffix != ".pub"}
    assert others == checked


@pytest.mark.parametrize("path", RECORD_FILES, ids=lambda p: p.name)
def test_example_record_validates_and_verifies(runner: CliRunner, path: Path) -> None:
    result = runner.invoke(cli, ["validate", str(path)], catch_exceptions=False)
    assert result.output == f"{path}: valid record\n"
    key = path.parent / "candidat-b.pub"
    result = runner.invoke(cli, ["bench", "verify", str(path), "--public-key", str(key)],
                           catch_exceptions=False)
    assert result.output.splitlines()[-3] == (
        f"{path} : SHA-256 "
        "7e11ddd5cc6979a7b4190a9014429d53f5e9bcf36a359576225680f156925a26"
    )
    assert result.output.splitlines()[-1].startswith("Verdict : NON valable pour le marché")


@pytest.mark.parametrize("path", LOG_FILES, ids=lambda p: p.name)
def test_example_usage_log_audits(runner: CliRunner, path: Path) -> None:
    offer = EXAMPLE_OFFERS / "open-mid-cloud-fr.yaml"
    result = runner.invoke(cli, ["audit", str(offer), str(path), "--format", "csv",
                                 "--draws", "1"], catch_exceptions=False)
    rows = result.output.splitlines()
    lines = len(path.read_text(encoding="utf-8").splitlines()) - 1
    assert f"contract,requests,total,requests,{lines:.1f},{lines:.1f},{lines:.1f},{lines:.1f}" in (
        rows
    )


@pytest.mark.parametrize("path", PROFILE_FILES, ids=lambda p: p.name)
def test_profile_states_its_sources_and_assumptions(path: Path) -> None:
    profile = load_profile(path)
    assert profile.id == path.stem
    assert profile.title_fr and profile.functional_unit and profile.description
    assert profile.sources and profile.reference_cases
    coverage = basis_coverage(profile)
    assert coverage.missing == [], "numbers without a sourced/assumed basis"
    assert coverage.unknown == [], "basis entries that name no number"


@pytest.mark.parametrize("path", PROFILE_FILES, ids=lambda p: p.name)
def test_profile_has_uncertainty_where_it_matters(path: Path) -> None:
    """The daily volume or a request size is a distribution unless it is fixed by design."""
    profile = load_profile(path)
    fixed_by_design = {"prevision-crues": "288 radar updates a day",
                       "videoprotection-algorithmique": "30 cameras at 5 fps"}
    numbers = [profile.volume.model_dump()["requests_per_day"]]
    for step in profile.effective_steps():
        numbers.extend(v for v in step.request.model_dump().values() if v is not None)
    has_spread = any(isinstance(n, dict) for n in numbers)
    assert has_spread or path.stem in fixed_by_design


def test_multi_step_profiles() -> None:
    steps = {
        p.stem: [s.task for s in load_profile(p).effective_steps()] for p in PROFILE_FILES
    }
    assert steps["callbot-mairie-30k"] == ["speech-to-text", "text-generation", "text-to-speech"]
    assert steps["rag-actes-deliberations"] == ["embeddings", "text-generation", "embeddings"]
    assert steps["transcription-seances"] == ["speech-to-text", "text-generation"]
    assert steps["traduction-accueil"] == [
        "speech-to-text", "text-generation", "text-to-speech"
    ]


def test_sensitive_use_case_carries_a_warning() -> None:
    profile = load_profile(PROFILES / "videoprotection-algorithmique.yaml")
    assert len(profile.warnings) == 1
    assert "juridiquement sensible" in profile.warnings[0]
    assert "loi n° 2023-380" in profile.warnings[0]


@pytest.mark.parametrize("path", OFFER_FILES, ids=lambda p: p.name)
def test_offer_is_marked_illustrative(path: Path) -> None:
    offer = load_offer(path)
    assert offer.id == path.stem
    assert offer.illustrative is True
    assert "(illustratif)" in offer.vendor
    assert path.read_text(encoding="utf-8").startswith("# ILLUSTRATIVE: not a real vendor")


def test_offers_contrast() -> None:
    offers = {p.stem: load_offer(p) for p in OFFER_FILES}
    frontier = offers["frontier-api-us"]
    assert frontier.deployment.zone == "US-VA" and frontier.deployment.datacenter == "hyperscaler"
    assert frontier.model.id == "gpt-4o"
    mid = offers["open-mid-cloud-fr"]
    assert (mid.deployment.zone, mid.deployment.datacenter) == ("FR", "colocation-fr")
    assert offers["small-onprem-dedicated"].deployment.capacity == "dedicated"
    assert offers["cpu-tabular-fr"].deployment.accelerator == "cpu-server"
    assert offers["transcription-fr"].model.id == "whisper-large-v3"


@pytest.mark.parametrize(("profile_id", "offer_id"), PAIR_LIST,
                         ids=[f"{p}+{o}" for p, o in PAIR_LIST])
def test_pair_estimates(profile_id: str, offer_id: str) -> None:
    profile = load_profile(PROFILES / f"{profile_id}.yaml")
    offer = load_offer(EXAMPLE_OFFERS / f"{offer_id}.yaml")
    served = {c.task for c in offer.components}
    main_tasks = {s.task for s in profile.effective_steps()} - served
    assert len(main_tasks) <= 1, f"{offer_id} would serve {main_tasks} with one model"
    estimate = getattr(ia_empreinte, "estimate", None)
    if estimate is None:
        pytest.xfail("pending: ia_empreinte.estimate is not on this branch yet (issue #3)")
    records = records_for_offer(offer, EXAMPLE_OFFERS)
    first = estimate(profile, offer, draws=200, seed=1, records=records).model_dump()
    # exact figures are the engine's tests; here: ordered, finite, reproducible, warned
    for section, key in (("per_request", "energy_wh"), ("per_year", "energy_kwh"),
                         ("contract", "gwp_kgco2e")):
        s = first[section][key]
        assert math.isfinite(s["p95"]) and 0 <= s["p05"] <= s["p50"] <= s["p95"], (section, s)
    again = estimate(profile, offer, draws=200, seed=1, records=records)
    assert again.model_dump() == first
    codes = [c["code"] for c in first["caveats"]]
    assert codes.count("profile-warning") == len(profile.warnings)
    assert "capacity-exceeded" not in codes


@pytest.mark.parametrize("metered", METERED_FILES, ids=lambda p: p.name)
def test_example_partitioned_log_audits_with_its_metered_energy(runner: CliRunner,
                                                               metered: Path) -> None:
    offer = EXAMPLE_OFFERS / "open-mid-cloud-fr.yaml"
    result = runner.invoke(cli, ["audit", str(offer), str(PARTITIONED_LOG), "--metered",
                                 str(metered), "--draws", "1", "--format", "document"],
                           catch_exceptions=False)
    doc = json.loads(result.output)
    lines = sum(len(p.read_text(encoding="utf-8").splitlines()) - 1 for p in PARTITIONED_FILES)
    assert doc["national"]["rows"] == lines == 448
    assert [r["month"] for r in doc["reconciliation"]] == ["2027-01", "2027-02"]
