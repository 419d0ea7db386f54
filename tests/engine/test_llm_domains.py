"""Serving stack, fp4, reasoning tokens, and model-error draws keyed by calibration domain."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from scipy.stats import norm

from ia_empreinte import catalog
from ia_empreinte.comparison.probabilities import p_lower
from ia_empreinte.engine.chain import estimate_draws, llm_domain, llm_peak_tflops
from ia_empreinte.engine.reference import llm_calibration
from ia_empreinte.errors import OfferError
from ia_empreinte.offers import Offer, parse_offer
from ia_empreinte.profiles import UsageProfile
from ia_empreinte.uncertainty import Sampler
from ia_empreinte.units import BYTES_PER_PARAM

H100, L40S = "nvidia-h100-sxm-80gb", "nvidia-l40s"


def _profile(n_in: float = 400, n_out: float = 300) -> UsageProfile:
    return UsageProfile.model_validate({
        "id": "p", "task": "text-generation",
        "request": {"input_tokens": n_in, "output_tokens": n_out},
        "volume": {"requests_per_day": 1000, "days_per_year": 365}, "contract_years": 1})


def _offer(oid: str = "a", *, model: dict[str, Any] | None = None, **dep: Any) -> Offer:
    deployment = {"accelerator": H100, "accelerator_count": 1, "batch_size": 64, "zone": "FR",
                  **dep}
    return Offer.model_validate({"id": oid, "model": model or {"total_params_b": 8},
                                 "deployment": deployment})


def _acc(offer: Offer, sampler: Sampler, profile: UsageProfile | None = None) -> np.ndarray:
    draws = estimate_draws(profile or _profile(), offer, sampler).draws
    return np.asarray(draws.per_request_energy_wh["accelerators"])


def test_fp4_aliases_bytes_and_peak_path() -> None:
    for alias in ("fp4", "mxfp4", "NVFP4"):
        assert _offer(model={"total_params_b": 20, "precision": alias}).model.precision == "fp4"
    assert BYTES_PER_PARAM["fp4"] == 0.5625  # 4 bits + an 8-bit scale per 16 values
    h100 = catalog.accelerator(H100)
    assert h100.peak_tflops_fp4 is None
    assert llm_peak_tflops(h100, "fp4") == h100.peak_tflops_fp8  # no fp4 path: fp8 path
    with_fp4 = h100.model_copy(update={"peak_tflops_fp4": 4000.0})
    assert llm_peak_tflops(with_fp4, "fp4") == 4000.0
    assert llm_peak_tflops(with_fp4, "bf16") == h100.peak_tflops_bf16
    s = Sampler(1, 1)
    e = {p: float(_acc(_offer(p, model={"total_params_b": 20, "precision": p}), s)[0])
         for p in ("bf16", "fp8", "fp4")}
    assert e["fp4"] < e["fp8"] < e["bf16"]  # fewer weight bytes per decode step
    with pytest.raises(OfferError):
        parse_offer({"id": "x", "model": {"total_params_b": 8, "precision": "fp3"},
                     "deployment": {"accelerator": H100}}, file="offer.yaml")


def test_new_fields_absent_dump_as_before() -> None:
    """Offers written before these fields existed keep their canonical inputs and hash."""
    dumped = _offer().model_dump(mode="json")
    assert "reasoning_tokens" not in dumped["model"]
    assert "serving_stack" not in dumped["deployment"]
    given = _offer(model={"total_params_b": 8, "reasoning_tokens": 100},
                   serving_stack="optimised").model_dump(mode="json")
    assert given["model"]["reasoning_tokens"] == 100
    assert given["deployment"]["serving_stack"] == "optimised"


def test_serving_stack_generate_loop_costs_more_at_batch_one() -> None:
    s = Sampler(1, 1)
    opt = _acc(_offer("o", batch_size=1, serving_stack="optimised"), s)[0]
    gen = _acc(_offer("g", batch_size=1, serving_stack="generate-loop"), s)[0]
    unk = _acc(_offer("u", batch_size=1), s)[0]
    assert gen > 1.2 * opt
    # Undeclared: central at the costlier generate loop (declaring never raises it).
    assert unk == pytest.approx(gen, rel=1e-12)


def test_undeclared_stack_band_covers_both_and_vanishes_at_batch_eight() -> None:
    s = Sampler(3, 4000)
    opt = _acc(_offer("o", batch_size=1, serving_stack="optimised"), s)
    gen = _acc(_offer("g", batch_size=1, serving_stack="generate-loop"), s)
    unk = _acc(_offer("u", batch_size=1), s)
    assert np.percentile(unk, 5) < np.median(opt) * 1.5
    assert np.percentile(unk, 95) > np.median(gen) * 0.9
    cal = llm_calibration()
    assert llm_domain(H100, "bf16", None, 8.0, cal).id == f"{H100}/optimised"
    assert llm_domain(H100, "bf16", None, 1.0, cal).id == f"{H100}/unknown"
    s1 = Sampler(1, 1)
    assert _acc(_offer("x", batch_size=8), s1)[0] == _acc(
        _offer("y", batch_size=8, serving_stack="optimised"), s1)[0]


def test_undeclared_stack_request_without_work_is_zero() -> None:
    acc = _acc(_offer("z", batch_size=1), Sampler(2, 200), _profile(0, 0))
    assert np.all(acc == 0.0)


def test_model_error_widens_with_distance_from_the_calibration() -> None:
    cal = llm_calibration()
    inside = llm_domain(H100, "bf16", "optimised", 64, cal)
    assert inside.sigma == pytest.approx(cal.sigma_base) and inside.reasons == ()
    assert [c for c, _ in llm_domain(H100, "bf16", None, 1, cal).reasons] == [
        "serving-stack-undeclared"]
    l40s = llm_domain(L40S, "bf16", "optimised", 64, cal)
    assert l40s.sigma == pytest.approx(math.sqrt(
        cal.sigma_base ** 2 + cal.sigma_accelerator ** 2 + cal.sigma_precision ** 2))
    far = llm_domain(H100, "bf16", "optimised", 30_000, cal)
    _, hi = cal.calibrated_batch_range["optimised"]
    assert far.sigma == pytest.approx(math.sqrt(
        cal.sigma_base ** 2 + (cal.sigma_batch_per_decade * math.log10(30_000 / hi)) ** 2))
    assert llm_domain(H100, "bf16", "generate-loop", 1, cal).sigma > inside.sigma


def test_reasoning_tokens_declared_or_by_model_class() -> None:
    s = Sampler(1, 1)
    plain = _acc(_offer("p", model={"total_params_b": 8}), s)[0]
    declared = _acc(_offer("d", model={"total_params_b": 8, "reasoning_tokens": 600}), s)[0]
    # 300 visible + 600 hidden tokens: decode energy about 3x (the prefill is shared).
    assert 2.3 * plain < declared < 3.1 * plain
    card = catalog.model("gpt-oss-20b")
    assert card.precision == "fp4" and card.reasoning_tokens is not None
    spec = _offer(model={"id": "gpt-oss-20b"}).model
    assert spec.resolved_reasoning_tokens() == (card.reasoning_tokens, "catalog")
    assert _offer(model={"id": "llama-3.1-8b"}).model.resolved_reasoning_tokens() == (0.0, "none")
    by_class = _acc(_offer("c", model={"id": "gpt-oss-20b"}), s)[0]
    terse = _acc(_offer("t", model={"id": "gpt-oss-20b", "reasoning_tokens": 0}), s)[0]
    assert by_class > 5 * terse


def _error_draws(sampler: Sampler, domain: str) -> np.ndarray:
    return sampler.sample(f"engine.llm.model_error[{domain}]", 0.0)  # the cached draws


def test_compare_on_different_calibrations_draws_independent_model_errors() -> None:
    """Hand derivation. Offer A on H100 (calibrated, optimised declared) and offer B on
    L40S (no calibration row), otherwise identical. Their model errors are
    eps_A = exp(s_A z_A), eps_B = exp(s_B z_B) with z_A, z_B independent N(0, 1) under two
    sampler keys. (1) corr(ln eps_A, ln eps_B) = 0; over n draws the sample correlation has
    sd 1/sqrt(n), so |r| < 4/sqrt(n). (2) With the physical energies E_A, E_B fixed (the
    central case), P(E_A eps_A < E_B eps_B) = P(s_A z_A - s_B z_B < ln(E_B/E_A))
    = Phi(ln(E_B/E_A) / sqrt(s_A^2 + s_B^2)); the share of draws has binomial sd
    sqrt(p(1-p)/n): within 4 sd. (3) On the full draws, the other inputs (idle power of
    each accelerator, varying by a few % of the replica power) add little: within 0.03.
    A shared draw (the old behaviour) would give P = 1 whenever E_A < E_B."""
    n = 20_000
    a = _offer("a", serving_stack="optimised")
    b = _offer("b", accelerator=L40S, serving_stack="optimised")
    s = Sampler(11, n)
    acc_a, acc_b = _acc(a, s), _acc(b, s)
    z_a = _error_draws(s, f"{H100}/optimised")
    z_b = _error_draws(s, f"{L40S}/optimised")
    cal = llm_calibration()
    s_a = llm_domain(H100, "bf16", "optimised", 64, cal).sigma
    s_b = llm_domain(L40S, "bf16", "optimised", 64, cal).sigma
    assert abs(np.corrcoef(s_a * z_a, s_b * z_b)[0, 1]) < 4 / math.sqrt(n)
    c1 = Sampler(11, 1)
    e_a, e_b = _acc(a, c1)[0], _acc(b, c1)[0]
    expected = float(norm.cdf(math.log(e_b / e_a) / math.sqrt(s_a ** 2 + s_b ** 2)))
    assert 0.02 < expected < 0.98  # the comparison is genuinely uncertain
    observed = p_lower(e_a * np.exp(s_a * z_a), e_b * np.exp(s_b * z_b))
    assert abs(observed - expected) < 4 * math.sqrt(expected * (1 - expected) / n)
    assert abs(p_lower(acc_a, acc_b) - expected) < 0.03
    # The whole chain: host, idle and embodied ride on the busy time, which carries the
    # same error, so the comparison of totals is not certain either (it was 1.000).
    tot_a = estimate_draws(_profile(), a, s).draws.per_request_gwp_kgco2e["total"]
    tot_b = estimate_draws(_profile(), b, s).draws.per_request_gwp_kgco2e["total"]
    assert 0.5 < p_lower(tot_a, tot_b) < 0.95


def test_offers_on_the_same_calibration_share_their_model_error() -> None:
    s = Sampler(5, 2000)
    a = _offer("a", serving_stack="optimised", batch_size=16)
    b = _offer("b", serving_stack="optimised", batch_size=256, accelerator_count=2)
    ra = estimate_draws(_profile(), a, Sampler(5, 2000, record=True))
    rb = estimate_draws(_profile(), b, Sampler(5, 2000, record=True))
    key = f"engine.llm.model_error[{H100}/optimised]"
    assert key in ra.trace.sampled and key in rb.trace.sampled
    assert np.array_equal(ra.trace.sampled[key], rb.trace.sampled[key])
    _acc(a, s), _acc(b, s)
    assert [k for k in s._cache if k.startswith("engine.llm.model_error")] == [key]
