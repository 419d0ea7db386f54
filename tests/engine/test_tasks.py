"""Non-LLM tasks and multi-step use cases."""

from __future__ import annotations

from typing import Any

import pytest

from ia_empreinte import estimate
from ia_empreinte.engine.reference import task_reference
from ia_empreinte.offers import parse_offer
from ia_empreinte.profiles import parse_profile
from ia_empreinte.uncertainty import central

SIZES: dict[str, tuple[str, float]] = {
    "embeddings": ("input_tokens", 500.0),
    "text-classification": ("input_tokens", 200.0),
    "speech-to-text": ("audio_seconds", 60.0),
    "text-to-speech": ("audio_seconds", 30.0),
    "image-classification": ("images", 3.0),
    "object-detection": ("images", 2.0),
    "tabular-prediction": ("rows", 10_000.0),
}


def _offer(params_b: float, accelerator: str, **extra: Any) -> Any:
    return parse_offer({"id": "t", "model": {"total_params_b": params_b},
                        "deployment": {"accelerator": accelerator, "zone": "FR", "pue": 1.2},
                        **extra})


def _profile(task: str, request: dict[str, float]) -> Any:
    return parse_profile({"id": "t", "task": task, "request": request,
                          "volume": {"requests_per_day": 100}, "contract_years": 1})


@pytest.mark.parametrize("task", sorted(SIZES))
def test_task_at_its_reference_point_is_reference_energy_times_units(task: str) -> None:
    """Same model size and accelerator as the reference: no scaling, E = E_ref x units."""
    ref = task_reference(task)
    field, units = SIZES[task]
    est = estimate(_profile(task, {field: units}),
                   _offer(ref.reference_params_b, ref.reference_accelerator), draws=1)
    acc = est.per_request.energy_wh_by_component["accelerators"].p50
    assert acc == pytest.approx(central(ref.reference_wh_per_unit) * units, rel=1e-12)


def test_image_generation_scales_with_steps_params_and_pixels() -> None:
    """12 B model, 2 images of 1024 x 768, 30 steps: 0.004 x 2 x 30 x 12 x 0.786432 Wh."""
    est = estimate(
        _profile("image-generation", {"images": 2, "image_width": 1024, "image_height": 768,
                                      "denoising_steps": 30}),
        _offer(12.0, "nvidia-h100-sxm-80gb"), draws=1)
    acc = est.per_request.energy_wh_by_component["accelerators"].p50
    assert acc == pytest.approx(0.004 * 2 * 30 * 12 * 0.786432, rel=1e-12)


def test_bigger_model_costs_more_for_speech_to_text() -> None:
    profile = _profile("speech-to-text", {"audio_seconds": 60})
    small = estimate(profile, _offer(0.2, "nvidia-h100-sxm-80gb"), draws=1)
    large = estimate(profile, _offer(1.55, "nvidia-h100-sxm-80gb"), draws=1)
    ratio = (large.per_request.energy_wh_by_component["accelerators"].p50
             / small.per_request.energy_wh_by_component["accelerators"].p50)
    assert ratio == pytest.approx((1.55 / 0.2) ** 0.51, rel=1e-12)


def test_multi_step_is_the_count_weighted_sum_of_its_steps() -> None:
    """Shared capacity is linear: a call = 1 transcription + 4 LLM turns + 1 synthesis on
    two deployments equals the sum of the single-step estimates weighted by the counts."""
    steps = [
        {"name": "stt", "task": "speech-to-text", "request": {"audio_seconds": 45}},
        {"name": "llm", "task": "text-generation", "count": 4,
         "request": {"input_tokens": 1500, "output_tokens": 120}},
        {"name": "tts", "task": "text-to-speech", "request": {"audio_seconds": 20}},
    ]
    offer = _offer(8.0, "nvidia-h100-sxm-80gb", components=[
        {"task": "speech-to-text", "model": {"total_params_b": 1.55},
         "deployment": {"accelerator": "nvidia-l4", "zone": "FR", "pue": 1.4}}])
    multi = estimate(parse_profile({"id": "call", "steps": steps,
                                    "volume": {"requests_per_day": 100},
                                    "contract_years": 1}), offer, draws=1)
    total = 0.0
    for step in steps:
        single = estimate(_profile(str(step["task"]), step["request"]), offer,  # type: ignore[arg-type]
                          draws=1)
        total += float(step.get("count", 1)) * single.per_request.energy_wh.p50  # type: ignore[arg-type]
    assert multi.per_request.energy_wh.p50 == pytest.approx(total, rel=1e-12)
    codes = {c.code for c in multi.caveats}
    assert "accelerator-outside-calibration" not in codes  # the LLM runs on H100
    assert "batch-not-modelled" not in codes
