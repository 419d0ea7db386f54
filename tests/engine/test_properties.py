"""Properties of the chain: monotonicity, zero variance, determinism."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ia_empreinte import estimate
from ia_empreinte.engine.chain import _constants
from ia_empreinte.engine.llm import AcceleratorSpec, llm_request
from ia_empreinte.engine.reference import llm_calibration
from ia_empreinte.inputs.load import load_offer, load_profile
from ia_empreinte.offers import parse_offer
from ia_empreinte.profiles import parse_profile

ROOT = Path(__file__).parents[2]
FIXTURES = Path(__file__).parents[1] / "fixtures" / "engine"


def _profile(**request: Any) -> Any:
    raw = load_profile(ROOT / "profiles" / "chatbot-web-metropole.yaml").model_dump(mode="json")
    raw["request"].update(request)
    return parse_profile(raw)


def _offer(**deployment: Any) -> Any:
    raw = load_offer(FIXTURES / "offer-llama8b-fr.yaml").model_dump(mode="json")
    model = deployment.pop("model", {})
    raw["deployment"].update(deployment)
    raw["model"].update(model)
    return parse_offer(raw)


@pytest.mark.parametrize("capacity", ["shared", "dedicated"])
def test_more_requests_more_energy(capacity: str) -> None:
    raw = _profile().model_dump(mode="json")
    offer = _offer(capacity=capacity)
    values = []
    for rpd in (100, 1000, 10_000):
        raw["volume"]["requests_per_day"] = rpd
        values.append(estimate(parse_profile(raw), offer, draws=1).per_year.energy_kwh.p50)
    assert values[0] < values[1] < values[2]


def test_bigger_batch_less_energy_per_request() -> None:
    profile = _profile()
    values = [estimate(profile, _offer(batch_size=b), draws=1)
              .per_request.energy_wh_by_component["accelerators"].p50 for b in (1, 8, 64, 256)]
    assert values == sorted(values, reverse=True)
    assert values[1] / values[3] > 2  # several-fold from batch 8 to large batches


def test_more_active_params_more_energy() -> None:
    profile = _profile()
    values = [estimate(profile, _offer(model={"total_params_b": 70, "active_params_b": a},
                                       accelerator_count=2), draws=1)
              .per_request.energy_wh.p50 for a in (7, 20, 70)]
    assert values[0] < values[1] < values[2]


def test_more_output_tokens_more_energy() -> None:
    offer = _offer()
    values = [estimate(_profile(output_tokens=n), offer, draws=1).per_request.energy_wh.p50
              for n in (100, 200, 400)]
    assert values[0] < values[1] < values[2]


def test_fp8_less_energy_than_bf16_at_small_batch() -> None:
    profile = _profile()
    bf16 = estimate(profile, _offer(batch_size=4), draws=1).per_request.energy_wh.p50
    fp8 = estimate(profile, _offer(batch_size=4, model={"precision": "fp8"}), draws=1)
    assert fp8.per_request.energy_wh.p50 < bf16


def test_zero_variance_inputs_give_a_point() -> None:
    """Plain numbers everywhere but catalog data: draws=1 gives p05 = p50 = p95 = mean,
    and with many draws only the reference data's spread remains."""
    est = estimate(_profile(input_tokens=1000, output_tokens=200), _offer(), draws=1)
    s = est.contract.gwp_kgco2e
    assert s.p05 == s.p50 == s.p95 == s.mean


def test_same_seed_identical_different_seed_different() -> None:
    profile, offer = _profile(), _offer()
    a = estimate(profile, offer, draws=300, seed=1).model_dump_json()
    b = estimate(profile, offer, draws=300, seed=1).model_dump_json()
    c = estimate(profile, offer, draws=300, seed=2).model_dump_json()
    assert a == b
    assert a != c


def test_model_too_big_for_the_replica_is_flagged() -> None:
    """70 B in bf16 = 140 GB of weights on one 80 GB H100."""
    est = estimate(_profile(), _offer(model={"total_params_b": 70, "active_params_b": 70}),
                   draws=1)
    assert [c.message for c in est.caveats if c.code == "model-exceeds-memory"] == [
        "offer.llama8b-fr: 140 GB of weights do not fit in the 80 GB of 1 x "
        "nvidia-h100-sxm-80gb; the offer's accelerator count is probably too low"]


H100 = AcceleratorSpec(count=1, memory_bandwidth_gb_s=3350, peak_tflops=989.4, memory_gb=80,
                max_power_w=700.0, idle_power_w=70.0)


@settings(max_examples=60, deadline=None)
@given(
    active=st.floats(0.5, 30), share=st.floats(0.05, 1.0), batch=st.floats(1, 500),
    n_in=st.floats(0, 8000), n_out=st.floats(1, 2000), factor=st.floats(1.05, 4),
)
def test_llm_energy_monotonic(active: float, share: float, batch: float, n_in: float,
                              n_out: float, factor: float) -> None:
    """More active params or more tokens never cost less; a bigger batch never costs more
    per request (same hardware, everything else fixed)."""
    c = _constants()
    total = active / share

    def e(a: float = active, b: float = batch, i: float = n_in, o: float = n_out) -> float:
        return float(llm_request(H100, max(total, a), a, 2.0, b, i, o, c).energy_wh)

    base = e()
    assert e(a=min(active * factor, total)) >= base * (1 - 1e-12)
    assert e(i=n_in * factor + 1) >= base * (1 - 1e-12)
    assert e(o=n_out * factor) >= base * (1 - 1e-12)
    assert e(b=batch * factor) <= base * (1 + 1e-12)
    assert llm_calibration().params_range_b[0] > 0
