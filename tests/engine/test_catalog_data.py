"""The packaged reference data: it loads, cites its sources, is physically sane and ships."""

from __future__ import annotations

import hashlib
import importlib.util
import subprocess
import sys
import tomllib
import zipfile
from importlib import resources
from pathlib import Path

import pytest

from ia_empreinte import catalog
from ia_empreinte.errors import CatalogError
from ia_empreinte.uncertainty import Triangular, central

REPO = Path(__file__).resolve().parents[2]
DATA_FILES = [
    "zones.toml",
    "accelerators.toml",
    "servers.toml",
    "datacenters.toml",
    "models.toml",
    "SOURCES.md",
]
LISTERS = {
    "zones": catalog.zones,
    "accelerators": catalog.accelerators,
    "servers": catalog.servers,
    "datacenters": catalog.datacenters,
    "models": catalog.models,
}
EXPECTED_COUNTS = {"zones": 44, "accelerators": 12, "servers": 7, "datacenters": 7, "models": 67}

EU27 = [
    "AT",
    "BE",
    "BG",
    "HR",
    "CY",
    "CZ",
    "DK",
    "EE",
    "FI",
    "FR",
    "DE",
    "GR",
    "HU",
    "IE",
    "IT",
    "LV",
    "LT",
    "LU",
    "MT",
    "NL",
    "PL",
    "PT",
    "RO",
    "SK",
    "SI",
    "ES",
    "SE",
]
REQUIRED = {
    "zones": [
        *EU27,
        "EU27",
        "GB",
        "CH",
        "NO",
        "US",
        "US-VA",
        "US-OR",
        "US-OH",
        "US-CA",
        "US-TX",
        "US-IA",
        "CA",
        "JP",
        "IN",
        "CN",
        "SG",
        "WORLD",
    ],
    "accelerators": [
        "nvidia-h100-sxm-80gb",
        "nvidia-h100-pcie-80gb",
        "nvidia-h200",
        "nvidia-b200",
        "nvidia-a100-sxm-80gb",
        "nvidia-a100-pcie-40gb",
        "nvidia-l40s",
        "nvidia-l4",
        "nvidia-t4",
        "nvidia-v100",
        "amd-mi300x",
        "cpu-server",
    ],
    "servers": [
        "gpu-server-8x",
        "gpu-server-4x",
        "gpu-server-2x",
        "gpu-server-1x",
        "cpu-server-2s",
    ],
    "datacenters": [
        "hyperscaler",
        "colocation-fr",
        "on-premise",
        "unknown",
        "aws",
        "google",
        "microsoft",
    ],
    "models": [
        "llama-3.1-8b",
        "llama-3.1-70b",
        "llama-3.1-405b",
        "llama-3.2-1b",
        "llama-3.2-3b",
        "llama-3.3-70b",
        "llama-4-scout",
        "llama-4-maverick",
        "mistral-7b",
        "mistral-small-3",
        "mistral-large-2",
        "mixtral-8x7b",
        "mixtral-8x22b",
        "qwen2.5-7b",
        "qwen2.5-72b",
        "qwen3-8b",
        "qwen3-30b-a3b",
        "qwen3-235b-a22b",
        "gemma-2-9b",
        "gemma-3-27b",
        "deepseek-v3",
        "deepseek-r1",
        "gpt-oss-20b",
        "gpt-oss-120b",
        "phi-3-mini",
        "phi-4",
        "gpt-4o",
        "gpt-4o-mini",
        "claude-sonnet-4.5",
        "gemini-2.5-flash",
        "mistral-medium-3",
        "whisper-large-v3",
        "whisper-small",
        "all-minilm-l6-v2",
        "bge-m3",
        "bert-base-classifier",
        "resnet-50",
        "yolov8m",
        "stable-diffusion-xl",
        "flux.1-dev",
    ],
}


# --- every entry loads and cites a source -------------------------------------------


@pytest.mark.parametrize("table", sorted(LISTERS))
def test_every_entry_loads_with_source_and_year(table: str) -> None:
    entries = LISTERS[table]()
    assert len(entries) == EXPECTED_COUNTS[table]
    for e in entries:
        # a zone is cited factor by factor; its default GWP factor stands for the entry
        cited = e.gwp_kgco2e_per_kwh if table == "zones" else e  # type: ignore[attr-defined]
        assert cited.source.strip(), e.id  # type: ignore[attr-defined]
        assert 1990 <= cited.year <= 2026, e.id  # type: ignore[attr-defined]


@pytest.mark.parametrize("table", sorted(LISTERS))
def test_raw_file_has_no_entry_dropped(table: str) -> None:
    filename, key, _ = catalog.TABLES[table]
    raw = tomllib.loads(
        resources.files("ia_empreinte").joinpath("data", filename).read_text("utf-8")
    )
    assert [e["id"] for e in raw[key]] == [e.id for e in LISTERS[table]()]  # type: ignore[attr-defined]


def test_every_zone_factor_has_its_own_source_and_year() -> None:
    for z in catalog.zones():
        factors = [
            z.gwp_kgco2e_per_kwh,
            z.water_l_per_kwh,
            z.pe_mj_per_kwh,
            z.adpe_kgsbeq_per_kwh,
            *z.alternatives,
        ]
        for f in factors:
            if f is None:
                continue
            assert f.source.strip(), z.id
            assert 1990 <= f.year <= 2026, z.id


def test_accelerators_with_embodied_figures_name_their_source() -> None:
    for a in catalog.accelerators():
        if a.embodied_gwp_kgco2e is not None:
            assert a.embodied_source and len(a.embodied_source) > 20, a.id


@pytest.mark.parametrize("table", sorted(REQUIRED))
def test_required_ids_exist(table: str) -> None:
    ids = {e.id for e in LISTERS[table]()}  # type: ignore[attr-defined]
    missing = [i for i in REQUIRED[table] if i not in ids]
    assert missing == []


def test_ids_are_lowercase_kebab_except_zones() -> None:
    for table in ("accelerators", "servers", "datacenters", "models"):
        for e in LISTERS[table]():
            ident = e.id  # type: ignore[attr-defined]
            assert ident == ident.lower() and " " not in ident and "_" not in ident, ident
    for z in catalog.zones():
        assert z.id == z.id.upper()
        assert z.iso3 is None or (len(z.iso3) == 3 and z.iso3.isupper())


# --- exact facts ---------------------------------------------------------------------


def test_france_defaults_and_alternatives() -> None:
    fr = catalog.zone("FR")
    assert fr.iso3 == "FRA"
    # the consumption mix a collectivité uses in its own Bilan GES (ADEME Base Empreinte)
    assert fr.gwp_kgco2e_per_kwh.value == 0.0519
    assert fr.gwp_kgco2e_per_kwh.year == 2024
    assert fr.gwp_kgco2e_per_kwh.scope == "life-cycle"
    assert "Base Empreinte" in fr.gwp_kgco2e_per_kwh.dataset
    assert "mix moyen" in fr.gwp_kgco2e_per_kwh.identifier
    alts = {a.label: (a.value, a.year) for a in fr.alternatives}
    assert alts == {
        "OWID/Ember lifecycle 2024": (0.04418, 2024),
        "OWID/Ember lifecycle 2023": (0.05528, 2023),
        "RTE direct 2024": (0.0217, 2024),
        "RTE direct 2023": (0.032, 2023),
    }
    assert fr.water_l_per_kwh is not None and fr.water_l_per_kwh.value == 3.6737
    assert fr.pe_mj_per_kwh is not None and fr.pe_mj_per_kwh.value == 9.3135
    assert fr.adpe_kgsbeq_per_kwh is not None and fr.adpe_kgsbeq_per_kwh.value == 4.858e-08


@pytest.mark.parametrize(
    ("code", "gwp", "water"),
    [
        ("DE", 0.34414, 1.947),
        ("IE", 0.2797, 1.4769),
        ("NL", 0.25331, 3.433),
        ("SE", 0.03582, 6.0315),
        ("PL", 0.61498, 2.5135),
        ("US", 0.38355, 3.1321),
        ("WORLD", 0.47301, 3.908),
    ],
)
def test_grid_and_offsite_water_match_research_values(code: str, gwp: float, water: float) -> None:
    z = catalog.zone(code)
    assert z.gwp_kgco2e_per_kwh.value == gwp
    assert z.water_l_per_kwh is not None and z.water_l_per_kwh.value == water


def test_uncertain_zones_are_distributions_with_the_stated_centre() -> None:
    eu = catalog.zone("EU27").gwp_kgco2e_per_kwh
    assert isinstance(eu.value, Triangular) and eu.year == 2023
    assert central(eu.value) == 0.2375
    # US regions: the national life-cycle factors (one scope); the former state
    # combustion-only rates are a 'direct' alternative, never used by default
    va = catalog.zone("us-va")
    assert va.gwp_kgco2e_per_kwh.value == catalog.zone("US").gwp_kgco2e_per_kwh.value
    assert va.gwp_kgco2e_per_kwh.scope == "life-cycle"
    direct = va.alternatives[0]
    assert isinstance(direct.value, Triangular) and direct.scope == "direct"
    assert (direct.value.low, direct.value.mode, direct.value.high) == (0.24, 0.30, 0.42)
    assert va.water_l_per_kwh is not None and va.water_l_per_kwh.value == 3.1321
    # regions without a sourced water/PE/ADPe factor omit it (the engine falls back to WORLD)
    assert catalog.zone("SG").water_l_per_kwh is None
    assert catalog.zone("HR").water_l_per_kwh is None


def test_h100_matches_the_calibration_data() -> None:
    h = catalog.accelerator("nvidia-h100-sxm-80gb")
    assert h.max_power_w == 700
    assert (h.memory_gb, h.memory_bandwidth_gb_s) == (80, 3350)
    assert (h.peak_tflops_bf16, h.peak_tflops_fp8) == (989.4, 1978.9)
    assert central(h.idle_power_w) == 70
    assert central(h.embodied_gwp_kgco2e) == 273  # type: ignore[arg-type]
    assert central(h.embodied_adpe_kgsbeq) == 0.00895  # type: ignore[arg-type]
    assert central(h.embodied_pe_mj) == 3721  # type: ignore[arg-type]


def test_selected_accelerator_datasheet_values() -> None:
    got = {
        a.id: (central(a.max_power_w), a.memory_gb, a.peak_tflops_bf16, a.peak_tflops_fp8)
        for a in catalog.accelerators()
    }
    assert got["nvidia-a100-sxm-80gb"] == (400, 80, 312, 624)
    assert got["nvidia-l4"] == (72, 24, 121, 242.5)
    assert got["nvidia-b200"] == (1000, 180, 2250, 4500)
    assert got["amd-mi300x"] == (750, 192, 1307.4, 2614.9)
    assert got["nvidia-v100"] == (300, 32, 125, None)
    cpu = catalog.accelerator("cpu-server")
    assert cpu.kind == "cpu" and cpu.memory_gb == 512
    assert all(a.kind == "gpu" for a in catalog.accelerators() if a.id != "cpu-server")


def test_datacenter_defaults() -> None:
    centres = {d.id: (central(d.pue), central(d.wue_l_per_kwh)) for d in catalog.datacenters()}
    assert centres["unknown"] == (1.56, 1.8)
    assert centres["colocation-fr"] == (1.5, 1.8)
    assert centres["on-premise"] == (1.63, 1.8)
    assert centres["hyperscaler"] == (1.2, 0.5)
    assert centres["aws"] == (1.15, 0.25)
    assert centres["google"] == (1.09, 0.999)
    assert centres["microsoft"] == (1.18, 0.30)


def test_server_defaults() -> None:
    s8 = catalog.server("gpu-server-8x")
    assert s8.accelerator_slots == 8
    assert central(s8.host_max_power_w) == 1200
    assert central(s8.embodied_gwp_kgco2e) == 5700
    for s in catalog.servers():
        life = s.lifetime_years
        assert isinstance(life, Triangular)
        assert (life.low, life.mode, life.high) == (4, 5, 6), s.id


def test_model_sizes() -> None:
    sizes = {
        m.id: (central(m.total_params_b), central(m.active_params_b)) for m in catalog.models()
    }
    assert sizes["deepseek-v3"] == (671, 37)
    assert sizes["qwen3-30b-a3b"] == (30.5, 3.3)
    assert sizes["qwen3-235b-a22b"] == (235, 22)
    assert sizes["llama-4-maverick"] == (400, 17)
    assert sizes["mixtral-8x7b"] == (46.7, 12.9)
    assert sizes["gpt-oss-120b"] == (116.8, 5.1)
    assert sizes["llama-3.1-8b"] == (8.03, 8.03)
    assert sizes["whisper-large-v3"] == (1.55, 1.55)
    assert sizes["all-minilm-l6-v2"] == (0.0227, 0.0227)
    assert sizes["flux.1-dev"] == (12, 12)


def test_proprietary_models_are_estimated_with_a_basis_and_a_spread() -> None:
    for ident in (
        "gpt-4o",
        "gpt-4o-mini",
        "claude-sonnet-4.5",
        "gemini-2.5-flash",
        "mistral-medium-3",
    ):
        m = catalog.model(ident)
        assert m.status == "estimated" and not m.open_weights
        assert "EcoLogits" in m.basis
        assert not isinstance(m.total_params_b, float)  # a distribution
    assert {m.status for m in catalog.models() if m.open_weights} == {"sourced"}


# --- physical sanity -----------------------------------------------------------------


def _support(q: object) -> tuple[float, float]:
    if isinstance(q, float):
        return (q, q)
    return q.support()  # type: ignore[attr-defined]


def test_accelerators_are_physically_sane() -> None:
    for a in catalog.accelerators():
        assert _support(a.idle_power_w)[1] < _support(a.max_power_w)[0], a.id
        if a.peak_tflops_fp8 is not None:
            assert a.peak_tflops_fp8 >= a.peak_tflops_bf16, a.id
        # a memory-bound decode step cannot beat bandwidth / bytes: sanity of magnitudes
        assert 100 <= a.memory_bandwidth_gb_s <= 10_000, a.id


def test_servers_are_physically_sane() -> None:
    for s in catalog.servers():
        assert _support(s.host_idle_power_w)[1] < _support(s.host_max_power_w)[1], s.id
        assert central(s.host_idle_power_w) < central(s.host_max_power_w), s.id
        assert s.accelerator_slots >= 1


def test_datacenters_are_physically_sane() -> None:
    for d in catalog.datacenters():
        low, high = _support(d.pue)
        assert 1 <= low <= central(d.pue) <= high <= 2.5, d.id
        assert _support(d.wue_l_per_kwh)[0] >= 0, d.id


def test_models_active_never_exceeds_total() -> None:
    for m in catalog.models():
        assert _support(m.active_params_b)[1] <= _support(m.total_params_b)[1], m.id
        assert central(m.active_params_b) <= central(m.total_params_b), m.id


def test_zone_factors_are_in_plausible_ranges() -> None:
    for z in catalog.zones():
        assert 0.01 <= central(z.gwp_kgco2e_per_kwh.value) <= 1.2, z.id
        if z.water_l_per_kwh is not None:
            assert 0.5 <= central(z.water_l_per_kwh.value) <= 20, z.id


# --- lookup ----------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["FR", "fr", "FRA", "fra", " Fr "])
def test_zone_lookup_by_alpha2_alpha3_case_insensitive(code: str) -> None:
    assert catalog.zone(code).id == "FR"


def test_zone_lookup_of_regions_and_aggregates() -> None:
    assert catalog.zone("us-va").id == "US-VA"
    assert catalog.zone("world").name == "World"
    assert catalog.zone("GBR").id == "GB"
    assert catalog.zone("eu27").id == "EU27"


def test_unknown_zone_raises_with_a_hint() -> None:
    with pytest.raises(CatalogError, match="did you mean 'US-VA'"):
        catalog.zone("US-VAA")


@pytest.mark.parametrize(
    ("lookup", "wrong", "hint"),
    [
        (catalog.accelerator, "nvidia-h100-sxm", "nvidia-h100-sxm-80gb"),
        (catalog.server, "gpu-server-8", "gpu-server-8x"),
        (catalog.datacenter, "hyperscalers", "hyperscaler"),
        (catalog.model, "llama-3.1-8", "llama-3.1-8b"),
    ],
)
def test_unknown_ids_raise_catalog_error_with_hint(lookup, wrong: str, hint: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CatalogError, match=f"did you mean '{hint}'") as info:
        lookup(wrong)
    assert isinstance(info.value, LookupError)


# --- packaging -------------------------------------------------------------------------


def test_data_file_hashes_cover_every_data_file() -> None:
    folder = resources.files("ia_empreinte").joinpath("data")
    on_disk = sorted(f.name for f in folder.iterdir() if f.name.endswith((".toml", ".csv")))
    hashes = catalog.data_file_hashes()
    assert sorted(hashes) == on_disk
    assert {n for n in DATA_FILES if n.endswith(".toml")} <= set(hashes)
    for name, digest in hashes.items():
        expected = hashlib.sha256(folder.joinpath(name).read_bytes()).hexdigest()
        assert digest == expected


def test_sources_md_cites_every_source_family() -> None:
    text = resources.files("ia_empreinte").joinpath("data", "SOURCES.md").read_text("utf-8")
    for needle in (
        "Our World in Data",
        "RTE",
        "World Resources Institute",
        "ADEME",
        "EcoLogits 0.9.1",
        "EcoLogits 0.11.3",
        "Uptime Institute",
        "IDC",
        "arXiv:2412.19437",
        "BLOOM",
        "datasheet",
    ):
        assert needle in text, needle


@pytest.mark.slow
def test_data_files_ship_in_the_wheel(tmp_path: Path) -> None:
    # build offline with the installed hatchling when there is one, else let pip fetch it
    isolation = [] if importlib.util.find_spec("hatchling") is None else ["--no-build-isolation"]
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            *isolation,
            "-q",
            "-w",
            str(tmp_path),
            str(REPO),
        ],
        check=True,
        capture_output=True,
    )
    wheels = list(tmp_path.glob("ia_empreinte-*.whl"))
    assert len(wheels) == 1
    names = set(zipfile.ZipFile(wheels[0]).namelist())
    for filename in DATA_FILES:
        assert f"ia_empreinte/data/{filename}" in names
