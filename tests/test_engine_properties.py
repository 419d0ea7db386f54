"""Properties of the chain: monotonicity, zero variance, determinism."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ia_empreinte import estimate
from ia_empreinte.offers import load_offer, parse_offer
from ia_empreinte.profiles import load_profile, parse_profile

ROOT = Path(__file__).parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "engine"


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
