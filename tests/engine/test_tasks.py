"""Non-LLM tasks and multi-step use cases."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from ia_empreinte import estimate
from ia_empreinte.engine.chain import estimate_draws
from ia_empreinte.engine.reference import task_model_error, task_reference
from ia_empreinte.errors import OfferError
from ia_empreinte.offers import parse_offer
from ia_empreinte.profiles import parse_profile
from ia_empreinte.uncertainty import Sampler, central

SIZES: dict[str, tuple[str, float]] = {
    "embeddings": ("input_tokens", 500.0),
    "text-classification": ("input_tokens", 200.0),
    "speech-to-text": ("audio_seconds", 60.0),
    "text-to-speech": ("audio_seconds", 30.0),
    "image-classification": ("images", 3.0),
    "object-detection": ("images", 2.0),
    "tabular-prediction": ("rows", 10_000.0),
}


def _offer(params_b: float, accelerator: str, **model: Any) -> Any:
    extra = {"components": model.pop("components")} if "components" in model else {}
    return parse_offer({"id": "t", "model": {"total_params_b": params_b, **model},
                        "deployment": {"accelerator": accelerator, "zone": "FR", "pue": 1.2},
                        **extra})


def _profile(task: str, request: dict[str, float]) -> Any:
    return parse_profile({"id": "t", "task": task, "request": request,
                          "volume": {"requests_per_day": 100}, "contract_years": 1})


def _acc(est: Any, q: str = "p50") -> float:
    return float(getattr(est.per_request.energy_wh_by_component["accelerators"], q))


@pytest.mark.parametrize("task", sorted(SIZES))
def test_task_at_its_reference_point_is_reference_energy_times_units(task: str) -> None:
    """Same model size, precision and accelerator as the reference class: no scaling,
    E = E_ref x (units + fixed units); with draws=1 every error term is at its centre."""
    ref = task_reference(task)
    cls = ref.classes[0]
    field, units = SIZES[task]
    precision = "fp32" if cls.reference_precision == "32-bit" else "bf16"
    arch = cls.architectures[0] if len(ref.classes) > 1 else None
    model_extra = {"precision": precision, **({"architecture": arch} if arch else {})}
    est = estimate(_profile(task, {field: units}),
                   _offer(cls.reference_params_b, ref.reference_accelerator, **model_extra),
                   draws=1)
    expected = central(cls.reference_wh_per_unit) * (units + cls.fixed_units)
    assert _acc(est) == pytest.approx(expected, rel=1e-12)


def test_image_generation_scales_with_steps_params_pixels_and_precision() -> None:
    """12 B model, 2 images of 1024 x 768, 30 steps: E_ref x 2 x 30 x 12 x 0.786432 Wh at
    16 bits; 32-bit weights cost the fitted fp32 factor more."""
    ref = task_reference("image-generation")
    e_ref = central(ref.classes[0].reference_wh_per_unit)
    profile = _profile("image-generation", {"images": 2, "image_width": 1024,
                                            "image_height": 768, "denoising_steps": 30})
    bf16 = estimate(profile, _offer(12.0, "nvidia-h100-sxm-80gb", precision="bf16"), draws=1)
    fp32 = estimate(profile, _offer(12.0, "nvidia-h100-sxm-80gb", precision="fp32"), draws=1)
    assert ref.classes[0].reference_precision == "16-bit"
    assert _acc(bf16) == pytest.approx(e_ref * 2 * 30 * 12 * 0.786432, rel=1e-12)
    assert _acc(fp32) / _acc(bf16) == pytest.approx(task_model_error().fp32_factor, rel=1e-12)
    assert ref.classes[0].fp32_factor == task_model_error().fp32_factor


def test_undeclared_steps_default_to_the_highest_pipeline_default() -> None:
    """No denoising_steps: 50 (Diffusers SD/SDXL default), never cheaper than declaring."""
    offer = _offer(2.6, "nvidia-h100-sxm-80gb", precision="bf16")
    undeclared = estimate(_profile("image-generation", {"images": 1}), offer, draws=1)
    declared = estimate(_profile("image-generation", {"images": 1, "denoising_steps": 50}),
                        offer, draws=1)
    assert _acc(undeclared) == _acc(declared)


def test_bigger_model_costs_more_for_speech_to_text() -> None:
    cls = task_reference("speech-to-text").classes[0]
    profile = _profile("speech-to-text", {"audio_seconds": 60})
    small = estimate(profile, _offer(0.2, "nvidia-h100-sxm-80gb", architecture="encoder-decoder"),
                     draws=1)
    large = estimate(profile, _offer(1.55, "nvidia-h100-sxm-80gb",
                                     architecture="encoder-decoder"), draws=1)
    assert _acc(large) / _acc(small) == pytest.approx((1.55 / 0.2) ** cls.params_exponent,
                                                      rel=1e-12)


def test_ctc_speech_is_far_cheaper_than_encoder_decoder() -> None:
    """A wav2vec 2.0-class model (one encoder pass) against a Whisper-class one of the same
    size: the CTC class costs a small fraction (no autoregressive decoder)."""
    profile = _profile("speech-to-text", {"audio_seconds": 7.4})
    ctc = estimate(profile, _offer(0.095, "nvidia-h100-sxm-80gb", precision="fp32",
                                   architecture="ctc"), draws=1)
    encdec = estimate(profile, _offer(0.095, "nvidia-h100-sxm-80gb", precision="fp32",
                                      architecture="encoder-decoder"), draws=1)
    assert _acc(ctc) < _acc(encdec) / 5


def test_undeclared_architecture_spans_every_class_median_at_the_costliest() -> None:
    """Undeclared: the median sits at the costliest class (declaring never costs) and the
    band reaches down to the cheapest; a declared class has a narrower band."""
    profile = _profile("speech-to-text", {"audio_seconds": 7.4})
    ests = {arch: estimate(profile, _offer(0.095, "nvidia-h100-sxm-80gb", precision="fp32",
                                           **({"architecture": arch} if arch else {})),
                           draws=4000, seed=3)
            for arch in ("ctc", "encoder-decoder", None)}
    width = {a: _acc(e, "p95") / _acc(e, "p05") for a, e in ests.items()}
    assert width[None] > 3 * max(width["ctc"], width["encoder-decoder"])
    assert _acc(ests[None], "p05") < _acc(ests["ctc"], "p50")
    assert _acc(ests[None]) == pytest.approx(_acc(ests["encoder-decoder"]), rel=0.25)
    assert _acc(ests[None]) >= _acc(ests["encoder-decoder"]) * 0.75
    one = estimate(profile, _offer(0.095, "nvidia-h100-sxm-80gb", precision="fp32"), draws=1)
    det = estimate(profile, _offer(0.095, "nvidia-h100-sxm-80gb", precision="fp32",
                                   architecture="encoder-decoder"), draws=1)
    assert _acc(one) == pytest.approx(_acc(det), rel=1e-12)  # central: the costliest class
    assert "architecture-undeclared" in {c.code for c in ests[None].caveats}


def test_architecture_of_another_task_is_refused() -> None:
    with pytest.raises(OfferError, match=r"model\.architecture: 'unet' is not an architecture"):
        estimate(_profile("speech-to-text", {"audio_seconds": 7.4}),
                 _offer(0.1, "nvidia-h100-sxm-80gb", architecture="unet"), draws=1)


def test_model_error_keys_are_per_calibration() -> None:
    """Two offers on different classes draw their model errors independently; two on the
    same class share it; another accelerator adds an independent term of its own."""
    profile = _profile("speech-to-text", {"audio_seconds": 7.4})

    def ratio(a: Any, b: Any) -> Any:
        sa = Sampler(seed=11, draws=2000)
        da = estimate_draws(profile, a, sa).draws.per_request_energy_wh["accelerators"]
        db = estimate_draws(profile, b, sa).draws.per_request_energy_wh["accelerators"]
        return np.corrcoef(np.log(da), np.log(db))[0, 1]

    h100 = "nvidia-h100-sxm-80gb"
    same = ratio(_offer(0.2, h100, architecture="encoder-decoder"),
                 _offer(1.0, h100, architecture="encoder-decoder"))
    other = ratio(_offer(0.2, h100, architecture="encoder-decoder"),
                  _offer(0.2, h100, architecture="ctc"))
    hw = ratio(_offer(0.2, h100, architecture="encoder-decoder"),
               _offer(0.2, "nvidia-l4", architecture="encoder-decoder"))
    assert same > 0.99
    assert abs(other) < 0.1
    assert 0.3 < hw < 0.99


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
    assert not [c for c in multi.caveats  # the LLM runs on H100: only the L4 step caveats
                if c.code == "accelerator-outside-calibration" and "components" not in c.message]
    assert "batch-not-modelled" not in codes


def test_undeclared_precision_is_never_cheaper_than_declaring() -> None:
    """No model.precision on a non-LLM task: fp32, the costliest measured, with a caveat."""
    profile = _profile("embeddings", {"input_tokens": 500})
    h100 = "nvidia-h100-sxm-80gb"
    undeclared = estimate(profile, _offer(0.3, h100), draws=1)
    fp32 = estimate(profile, _offer(0.3, h100, precision="fp32"), draws=1)
    bf16 = estimate(profile, _offer(0.3, h100, precision="bf16"), draws=1)
    assert _acc(undeclared) == _acc(fp32)
    cls = task_reference("embeddings").classes[0]
    assert cls.fp32_factor == 2.0  # the weight-bytes ratio: one precision measured
    assert _acc(fp32) == pytest.approx(_acc(bf16) * cls.fp32_factor, rel=1e-12)
    assert "precision-defaulted" in {c.code for c in undeclared.caveats}
    assert "precision-defaulted" not in {c.code for c in fp32.caveats}


def test_catalog_model_carries_its_published_architecture() -> None:
    """whisper-small is an encoder-decoder in the catalog: no undeclared band; a catalog
    class that is not one of the task's (resnet-50 'cnn' for object detection) is ignored."""
    profile = _profile("speech-to-text", {"audio_seconds": 7.4})
    card = parse_offer({"id": "t", "model": {"id": "whisper-small"},
                        "deployment": {"accelerator": "nvidia-h100-sxm-80gb", "zone": "FR"}})
    declared = _offer(0.244, "nvidia-h100-sxm-80gb", precision="fp32",
                      architecture="encoder-decoder")
    a = estimate(profile, card, draws=200, seed=1)
    b = estimate(profile, declared, draws=200, seed=1)
    assert _acc(a) == pytest.approx(_acc(b), rel=1e-12)
    assert "architecture-undeclared" not in {c.code for c in a.caveats}
    det = parse_offer({"id": "t", "model": {"id": "resnet-50"},
                       "deployment": {"accelerator": "nvidia-h100-sxm-80gb", "zone": "FR"}})
    assert _acc(estimate(_profile("object-detection", {"images": 1}), det, draws=1)) > 0
