"""Hand-computed cases of the estimation chain, component by component.

Every expected value below is derived on paper from the inputs named in the docstring
(central values of the catalog, since ``draws=1`` uses central values).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from ia_empreinte import catalog, estimate
from ia_empreinte.engine import estimate_draws, inputs_sha256
from ia_empreinte.engine.embodied import dedicated_embodied_per_year, shared_embodied
from ia_empreinte.engine.facility import facility_overhead_wh, per_kwh_impact, water_l
from ia_empreinte.engine.host import dedicated_idle_wh, host_energy_wh, shared_idle_wh
from ia_empreinte.engine.llm import (
    AcceleratorSpec,
    LlmConstants,
    effective_accelerators,
    llm_request,
    weights_read_bytes,
)
from ia_empreinte.engine.tasks import hardware_factor, image_generation_units
from ia_empreinte.inputs.load import load_offer, load_profile
from ia_empreinte.offers import parse_offer
from ia_empreinte.uncertainty import Sampler, central

FIXTURES = Path(__file__).parents[1] / "fixtures" / "engine"

ROUND = LlmConstants(
    bandwidth_efficiency=0.5, compute_efficiency=0.5, power_fraction_memory_bound=0.5,
    power_fraction_compute_bound=1.0, communication_overhead=0.0,
    kv_bytes_per_token_coef=1e5, kv_bytes_per_token_exponent=0.0, memory_usable_fraction=1.0,
)
TOY = AcceleratorSpec(count=1, memory_bandwidth_gb_s=1000, peak_tflops=100, memory_gb=100,
               max_power_w=500.0, idle_power_w=100.0)


def test_llm_request_by_hand() -> None:
    """Dense 10 B model, bf16, batch 10, 100 tokens in, 200 out, on a toy accelerator.

    Weights 10e9 x 2 = 20e9 B; mean context 100 + 200/2 = 200; KV 10 x 200 x 1e5 = 2e8 B.
    t_mem = 20.2e9 / (1000e9 x 0.5) = 0.0404 s; t_comp = 2 x 10e9 x 10 / (100e12 x 0.5)
    = 0.004 s; step = 0.0404 s. Load = 0.5 x 1 + 1.0 x 0.004/0.0404; power = 100 + 400 x
    load = 339.60396 W. Decode: 200 x 0.0404 / 10 = 0.808 s x 339.60396 W = 274.4 J.
    Prefill: 2 x 10e9 x 100 / 50e12 = 0.04 s at 500 W = 20 J. Total 294.4 J = 0.081777 Wh.
    """
    res = llm_request(TOY, 10.0, 10.0, 2.0, 10.0, 100.0, 200.0, ROUND)
    assert float(res.energy_wh) == pytest.approx(294.4 / 3600, rel=1e-12)
    assert float(res.busy_s) == pytest.approx(0.848, rel=1e-12)


def test_attention_flops_by_hand() -> None:
    """Same case with L d = 1000 x 10 = 1e4 (coef 1000, exponent 1): decode attention
    4 x 1e4 x 10 x 200 = 8e7 FLOPs, so t_comp = (2e11 + 8e7) / 5e13 = 0.0040016 s (still
    memory-bound at 0.0404 s); prefill 2e12 + 2 x 1e4 x 100^2 = 2.0002e12 FLOPs ->
    0.040004 s at 500 W."""
    import dataclasses

    c = dataclasses.replace(ROUND, width_depth_coef=1000.0, width_depth_exponent=1.0)
    res = llm_request(TOY, 10.0, 10.0, 2.0, 10.0, 100.0, 200.0, c)
    power = 100 + 400 * (0.5 + 0.0040016 / 0.0404)
    expected_j = 200 * 0.0404 / 10 * power + 0.040004 * 500
    assert float(res.energy_wh) == pytest.approx(expected_j / 3600, rel=1e-12)
    assert float(res.busy_s) == pytest.approx(0.808 + 0.040004, rel=1e-12)


def test_kv_cache_is_capped_by_memory() -> None:
    """Batch 1000 x context 200 x 1e5 B = 2e10 B > 100e9 - 20e9? No: 2e10 < 8e10, but
    batch 10,000 gives 2e11 B, capped at 8e10 B: t_mem = (2e10 + 8e10) / 5e11 = 0.2 s."""
    res = llm_request(TOY, 10.0, 10.0, 2.0, 10_000.0, 100.0, 200.0, ROUND)
    t_comp = 2 * 10e9 * 10_000 / 50e12  # 4 s: compute-bound
    assert t_comp > 0.2
    power = 100 + 400 * min(1.0, 0.5 * 0.2 / t_comp + 1.0)
    expected = (200 * t_comp / 10_000 * power + 0.04 * 500) / 3600
    assert float(res.energy_wh) == pytest.approx(expected, rel=1e-12)


def test_moe_weights_read_grow_with_batch() -> None:
    """100 B total, 10 B active, 1 B/param: batch 1 reads 10e9 B; batch 2 reads
    100e9 x (1 - 0.9^2) = 19e9 B; a dense model always reads all its weights."""
    assert float(weights_read_bytes(100.0, 10.0, 1.0, 1.0)) == pytest.approx(10e9)
    assert float(weights_read_bytes(100.0, 10.0, 2.0, 1.0)) == pytest.approx(19e9)
    assert float(weights_read_bytes(100.0, 100.0, 7.0, 1.0)) == pytest.approx(100e9)


def test_effective_accelerators() -> None:
    """g / (1 + c (g - 1)): 8 / (1 + 0.1 x 7) = 4.70588..."""
    assert effective_accelerators(8, 0.1) == pytest.approx(8 / 1.7)
    assert effective_accelerators(1, 0.5) == 1.0


def test_small_functions_by_hand() -> None:
    assert float(host_energy_wh(360.0, 10.0)) == pytest.approx(1.0)
    # 360 W x 10 s x (1 - 0.5) / 0.5 / 3600 = 1 Wh
    assert float(shared_idle_wh(360.0, 10.0, 0.5)) == pytest.approx(1.0)
    # 100 W x (8766 h x 3600 - 3600 s) / 3600 = 876,500 Wh
    assert float(dedicated_idle_wh(100.0, 1, 3600.0)) == pytest.approx(876_500.0)
    assert float(facility_overhead_wh(10.0, 1.25)) == pytest.approx(2.5)
    assert float(per_kwh_impact(2.0, 0.05)) == pytest.approx(0.1)
    # 2 kWh x (0.5 + 1.2 x 3) = 8.2 L
    assert float(water_l(2.0, 1.2, 0.5, 3.0)) == pytest.approx(8.2)
    # 1000 kg over 5 years x 0.5 busy: 1 s of busy time carries 1000 / (0.5 x 5 x 8766 x 3600)
    assert float(shared_embodied(1000.0, 1.0, 5.0, 0.5)) == pytest.approx(
        1000 / (0.5 * 5 * 8766 * 3600))
    assert float(dedicated_embodied_per_year(1000.0, 2, 4.0)) == pytest.approx(500.0)
    # Same accelerator: factor 1; half the power, 4x the peak: 0.5 x sqrt(1/4) = 0.25
    assert float(hardware_factor(700.0, 989.4, 700.0, 989.4)) == pytest.approx(1.0)
    assert float(hardware_factor(350.0, 400.0, 700.0, 100.0)) == pytest.approx(0.25)
    # 2 images x 28 steps x 12 B x (1024 x 1024 / 1e6 MP)
    assert float(image_generation_units(2.0, 1024.0, 1024.0, 28.0, 12.0)) == pytest.approx(
        2 * 28 * 12 * 1.048576)


def _central(q: object) -> float:
    return central(q)  # type: ignore[arg-type]


def test_tabular_chain_by_hand() -> None:
    """Tabular prediction, 1000 rows per request, on one CPU server in France.

    Inputs (central values): reference 4e-7 Wh/row on ``cpu-server`` (same hardware,
    params ratio 1 so no size or hardware scaling); CPU compute max 780 W, idle 210 W;
    task power fraction 0.5 -> busy power 210 + 0.5 x 570 = 495 W; host ``cpu-server-2s``
    idle 60 W, max 150 W, load fraction 0.4 -> 96 W; shared busy share U = 0.55;
    PUE 1.5, WUE 1.0 L/kWh (offer); FR grid 0.04418 kgCO2e, 3.6737 L, 9.3135 MJ,
    4.858e-8 kgSbeq per kWh; embodied: CPU compute (proxy) 917.5 kgCO2e, 0.00895 kgSbeq,
    12113 MJ plus the chassis without CPUs and RAM 582.5 kgCO2e, 0.08355 kgSbeq, 6307 MJ
    (whole server 1500 kgCO2e minus the CPU + RAM proxy: no double count); lifetime 4 y.

    accelerators = 4e-7 x 1000 = 4e-4 Wh; busy = 4e-4 x 3600 / 495 s;
    host = 96 x busy / 3600; idle = (210 + 60) x busy x 0.45 / 0.55 / 3600;
    overhead = 0.5 x IT; GWP use = 1.5 IT / 1000 x 0.04418;
    embodied GWP = (917.5 + 582.5) x busy / (0.55 x 4 x 8766 x 3600).
    """
    acc = catalog.accelerator("cpu-server")
    srv = catalog.server("cpu-server-2s")
    fr = catalog.zone("FR")
    assert (_central(acc.max_power_w), _central(acc.idle_power_w)) == (780, 210)
    assert (_central(srv.host_idle_power_w), _central(srv.host_max_power_w)) == (60, 150)
    assert _central(srv.embodied_gwp_kgco2e) == 582.5
    assert _central(acc.embodied_gwp_kgco2e) == 917.5
    assert _central(fr.gwp_kgco2e_per_kwh.value) == 0.0519

    profile = load_profile(FIXTURES / "profile-tabular.yaml")
    offer = load_offer(FIXTURES / "offer-tabular-fr.yaml")
    est = estimate(profile, offer, draws=1)
    acc_wh = 4e-7 * 1000
    busy = acc_wh * 3600 / 495
    host = 96 * busy / 3600
    idle = 270 * busy * 0.45 / 0.55 / 3600
    it = acc_wh + host + idle
    pr = est.per_request
    comp = pr.energy_wh_by_component
    assert comp["accelerators"].p50 == pytest.approx(acc_wh, rel=1e-12)
    assert comp["host"].p50 == pytest.approx(host, rel=1e-12)
    assert comp["idle"].p50 == pytest.approx(idle, rel=1e-12)
    assert comp["facility_overhead"].p50 == pytest.approx(0.5 * it, rel=1e-12)
    assert pr.energy_wh.p50 == pytest.approx(1.5 * it, rel=1e-12)
    assert pr.gwp_kgco2e_by_phase["use"].p50 == pytest.approx(1.5 * it / 1000 * 0.0519,
                                                              rel=1e-12)
    lifetime_s = 4 * 8766 * 3600
    emb = (917.5 + 582.5) * busy / (0.55 * lifetime_s)
    assert pr.gwp_kgco2e_by_phase["embodied"].p50 == pytest.approx(emb, rel=1e-12)
    assert pr.water_l.p50 == pytest.approx(it / 1000 * (1.0 + 1.5 * 3.6737), rel=1e-12)
    assert pr.pe_mj.p50 == pytest.approx(
        1.5 * it / 1000 * 9.3135 + (12113 + 6307) * busy / (0.55 * lifetime_s), rel=1e-12)
    assert pr.adpe_kgsbeq.p50 == pytest.approx(
        1.5 * it / 1000 * 4.858e-8 + (0.00895 + 0.08355) * busy / (0.55 * lifetime_s),
        rel=1e-12)
    # Per year = per request x 100 x 365; contract = x 2 years.
    assert est.per_year.energy_kwh.p50 == pytest.approx(1.5 * it * 36_500 / 1000, rel=1e-12)
    assert est.contract.energy_kwh.p50 == pytest.approx(1.5 * it * 73_000 / 1000, rel=1e-12)
    assert est.per_year.requests.p50 == 36_500
    assert est.provenance.methods == {
        "accelerators": "modelled", "embodied": "modelled", "facility_overhead": "modelled",
        "host": "modelled", "idle": "modelled"}
    assert est.caveats == []


def test_dedicated_capacity_draws_idle_all_year() -> None:
    """Same tabular case, dedicated: idle = 270 W x (8766 h x 3600 - busy/year) / 3600 Wh
    a year; embodied = (917.5 + 582.5) kg / 4 y = 375 kgCO2e a year, whatever the volume."""
    profile = load_profile(FIXTURES / "profile-tabular.yaml")
    raw = load_offer(FIXTURES / "offer-tabular-fr.yaml").model_dump(mode="json")
    raw["deployment"]["capacity"] = "dedicated"
    offer = parse_offer(raw)
    est = estimate(profile, offer, draws=1)
    busy_year = 4e-7 * 1000 * 3600 / 495 * 36_500
    idle_kwh = 270 * (8766 * 3600 - busy_year) / 3600 / 1000
    assert est.per_year.energy_kwh_by_component["idle"].p50 == pytest.approx(idle_kwh,
                                                                            rel=1e-12)
    assert est.per_year.gwp_kgco2e_by_phase["embodied"].p50 == pytest.approx(375.0, rel=1e-12)
    assert est.per_request.energy_wh_by_component["idle"].p50 == pytest.approx(
        idle_kwh * 1000 / 36_500, rel=1e-12)


def test_declared_figure_replaces_the_component_it_covers() -> None:
    raw = load_offer(FIXTURES / "offer-tabular-fr.yaml").model_dump(mode="json")
    raw["declared"] = [{"energy_wh_per_request": 0.002, "scope": "server", "source": "vendor"}]
    est = estimate(load_profile(FIXTURES / "profile-tabular.yaml"), parse_offer(raw), draws=1)
    comp = est.per_request.energy_wh_by_component
    assert comp["accelerators"].p50 == 0.002
    assert comp["host"].p50 == 0.0
    assert est.provenance.methods["accelerators"] == "declared"
    assert est.provenance.methods["host"] == "declared"
    assert [c.code for c in est.caveats] == ["declared-figure-used"]


def test_zone_and_pue_default_with_caveats() -> None:
    raw = load_offer(FIXTURES / "offer-tabular-fr.yaml").model_dump(mode="json")
    del raw["deployment"]["zone"]
    del raw["deployment"]["pue"]
    est = estimate(load_profile(FIXTURES / "profile-tabular.yaml"), parse_offer(raw), draws=1)
    assert {c.code for c in est.caveats} == {"zone-defaulted", "pue-defaulted"}
    # published conservative defaults: the highest grid factor of the catalog and the
    # high end of the data-centre class's PUE range (data/undeclared.toml)
    worst = max(_central(z.gwp_kgco2e_per_kwh.value) for z in catalog.zones())
    pue = 2.0  # the high end of the unknown-hosting class
    total_kwh = est.per_request.energy_wh.p50 / 1000
    assert est.per_request.gwp_kgco2e_by_phase["use"].p50 == pytest.approx(total_kwh * worst)
    assert {d.field for d in est.defaulted_fields} >= {"deployment.zone", "deployment.pue"}
    it = total_kwh * 1000 - est.per_request.energy_wh_by_component["facility_overhead"].p50
    assert est.per_request.energy_wh.p50 / it == pytest.approx(pue)


def test_training_is_amortised_and_reported_apart() -> None:
    """1e6 kWh and 4e5 kgCO2e over 1e9 requests: 1 Wh and 4e-4 kg a request."""
    raw = load_offer(FIXTURES / "offer-tabular-fr.yaml").model_dump(mode="json")
    raw["training"] = {"energy_kwh": 1e6, "gwp_kgco2e": 4e5, "amortisation_requests": 1e9,
                       "source": "model card"}
    est = estimate(load_profile(FIXTURES / "profile-tabular.yaml"), parse_offer(raw), draws=1)
    assert est.training is not None
    assert est.training.per_request_energy_wh is not None
    assert est.training.per_request_energy_wh.p50 == pytest.approx(1.0)
    assert est.training.contract_gwp_kgco2e is not None
    assert est.training.contract_gwp_kgco2e.p50 == pytest.approx(4e-4 * 73_000)


def test_inputs_hash_is_the_canonical_json_of_profile_and_offer() -> None:
    import hashlib
    import json

    profile = load_profile(FIXTURES / "profile-tabular.yaml")
    offer = load_offer(FIXTURES / "offer-tabular-fr.yaml")
    doc = {"profile": profile.model_dump(mode="json"), "offer": offer.model_dump(mode="json")}
    text = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    expected = hashlib.sha256(text.encode()).hexdigest()
    assert inputs_sha256(profile.model_dump(mode="json"), offer, []) == expected
    assert estimate(profile, offer, draws=1).provenance.inputs_sha256 == expected


def test_estimate_draws_shares_draws_of_shared_inputs() -> None:
    """Two offers in the same zone on one Sampler see the same grid-factor draws."""
    profile = load_profile(FIXTURES / "profile-tabular.yaml")
    a = load_offer(FIXTURES / "offer-tabular-fr.yaml")
    raw = a.model_dump(mode="json")
    raw["id"] = "other"
    raw["deployment"]["pue"] = 1.2
    sampler = Sampler(7, 200)
    ra = estimate_draws(profile, a, sampler)
    rb = estimate_draws(profile, parse_offer(raw), sampler)
    draws_a = ra.draws
    ratio = (draws_a.per_request_gwp_kgco2e["use"] / draws_a.per_request_energy_wh["total"])
    ratio_b = (rb.draws.per_request_gwp_kgco2e["use"] / rb.draws.per_request_energy_wh["total"])
    np.testing.assert_allclose(ratio, ratio_b, rtol=1e-12)  # same zone factor per draw
    assert np.ptp(ratio) > 0


def test_llm_offer_on_the_shipped_profile() -> None:
    """A real text-generation case: every component present and summing to the total."""
    profile = load_profile(Path(__file__).parents[2] / "profiles" / "chatbot-web-metropole.yaml")
    offer = load_offer(FIXTURES / "offer-llama8b-fr.yaml")
    est = estimate(profile, offer, draws=1)
    comp = est.per_request.energy_wh_by_component
    assert math.fsum(c.p50 for c in comp.values()) == pytest.approx(est.per_request.energy_wh.p50)
    assert comp["facility_overhead"].p50 == pytest.approx(
        0.2 * (comp["accelerators"].p50 + comp["host"].p50 + comp["idle"].p50))
    assert 0.005 < comp["accelerators"].p50 < 0.1  # ML.ENERGY range for 8 B at batch 64


def test_capacity_exceeded_accounts_for_the_peak() -> None:
    """Busy 4e-4 x 3600 / 495 = 0.002909 s per request; 1e7 requests a day over 8 h with
    a peak factor of 3 need 0.002909 x 1e7 x 3 x 24 / 8 = 261,818 s of busy time per
    86,400 s day (x 365 / 365.25 days): about 3x one dedicated replica."""
    raw_p = load_profile(FIXTURES / "profile-tabular.yaml").model_dump(mode="json")
    raw_p["volume"].update({"requests_per_day": 10_000_000, "peak_factor": 3,
                            "hours_per_day": 8})
    from ia_empreinte.profiles import parse_profile

    raw = load_offer(FIXTURES / "offer-tabular-fr.yaml").model_dump(mode="json")
    raw["deployment"]["capacity"] = "dedicated"
    est = estimate(parse_profile(raw_p), parse_offer(raw), draws=1)
    need = 4e-4 * 3600 / 495 * 10_000_000 * 3 * 24 / 8 / 86_400 * 365 / 365.25
    assert [c.message for c in est.caveats if c.code == "capacity-exceeded"] == [
        f"offer.tabular-fr: at peak load the volume needs {need:.1f}x the busy time of the "
        "1 dedicated replica(s) declared"]


def test_draws_come_with_one_trace_and_do_not_unpack() -> None:
    profile = load_profile(FIXTURES / "profile-tabular.yaml")
    offer = load_offer(FIXTURES / "offer-tabular-fr.yaml")
    result = estimate_draws(profile, offer, Sampler(7, 20))
    with pytest.raises(TypeError):
        iter(result)  # type: ignore[call-overload]
    assert result.trace.sampled == {}  # the sampler was not asked to record
    assert set(result.trace.methods) == {"accelerators", "host", "idle", "facility_overhead",
                                         "embodied"}
    est = estimate(profile, offer, draws=20, seed=7)
    assert est.caveats == list(result.trace.caveats)
    recorded = estimate_draws(profile, offer, Sampler(7, 20, record=True))
    assert "accelerator.cpu-server.idle_power_w" in recorded.trace.sampled
    assert all(np.ptp(v) > 0 for v in recorded.trace.sampled.values())


def test_declared_figure_below_the_model_p05_is_flagged() -> None:
    raw = load_offer(FIXTURES / "offer-tabular-fr.yaml").model_dump(mode="json")
    profile = load_profile(FIXTURES / "profile-tabular.yaml")
    modelled = estimate(profile, parse_offer(raw), draws=200, seed=3)
    server_wh = (modelled.per_request.energy_wh_by_component["accelerators"].p05
                 + modelled.per_request.energy_wh_by_component["host"].p05)
    raw["declared"] = [{"energy_wh_per_request": server_wh / 100, "scope": "server"}]
    low = estimate(profile, parse_offer(raw), draws=200, seed=3)
    codes = [c.code for c in low.caveats]
    assert codes == ["declared-figure-used", "declared-below-model-p05"]
    assert "to be verified" in low.caveats[1].message
    raw["declared"] = [{"energy_wh_per_request": server_wh * 100, "scope": "server"}]
    high = estimate(profile, parse_offer(raw), draws=200, seed=3)
    assert [c.code for c in high.caveats] == ["declared-figure-used"]
