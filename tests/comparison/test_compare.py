"""Comparison on shared draws: hand-computed probabilities, ranks, drivers and marks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ia_empreinte import CompareOptions, compare, load_offer, load_profile
from ia_empreinte.comparison import compare_draws, drivers, spearman
from ia_empreinte.errors import ValidationFailure
from ia_empreinte.results import EstimateDraws
from tests.conftest import EXAMPLE_OFFERS, PROFILES
from tests.support.compare import fixed_comparison


def _draws(acc_wh: list[float], grid: list[float], requests_per_year: float = 1000.0,
           years: float = 3.0, extras: dict[str, list[float]] | None = None) -> EstimateDraws:
    """Energy = accelerators only; GHG = energy x grid; water etc. proportional."""
    acc = np.array(acc_wh)
    g = np.array(grid)
    n = len(acc)
    zero = np.zeros(n)
    req = np.full(n, requests_per_year)
    return EstimateDraws(
        per_request_energy_wh={"accelerators": acc, "host": zero, "idle": zero,
                               "facility_overhead": zero},
        per_request_gwp_kgco2e={"use": acc / 1000 * g, "embodied": zero},
        per_request_water_l=acc / 1000,
        per_request_adpe_kgsbeq=zero,
        per_request_pe_mj=acc / 1000 * 3.6,
        per_year_energy_kwh={"accelerators": acc * req / 1000, "host": zero, "idle": zero,
                             "facility_overhead": zero},
        per_year_gwp_kgco2e={"use": acc / 1000 * g * req, "embodied": zero},
        per_year_water_l=acc / 1000 * req,
        per_year_adpe_kgsbeq=zero,
        per_year_pe_mj=acc / 1000 * 3.6 * req,
        requests_per_year=req,
        contract_years=np.full(n, years),
        extras={k: np.array(v) for k, v in (extras or {}).items()},
    )


def test_single_draw_figures_by_hand() -> None:
    # A: 2 Wh x 0.05 kg/kWh = 1e-4 kg per request; x 1000 requests x 3 years = 0.3 kg
    # B: 4 Wh x 0.05 = 2e-4 kg per request -> 0.6 kg per contract
    c = compare_draws("p", [{"id": "A"}, {"id": "B"}],
                      [_draws([2.0], [0.05]), _draws([4.0], [0.05])],
                      CompareOptions(draws=1, floor_fraction=None))
    a, b = c.offers
    assert a.per_request["energy_wh"].p50 == 2.0
    assert a.per_request["gwp_kgco2e"].p50 == pytest.approx(1e-4)
    assert a.per_year["energy_kwh"].p50 == 2.0
    assert a.contract["gwp_kgco2e"].p50 == pytest.approx(0.3)
    assert b.contract["gwp_kgco2e"].p50 == pytest.approx(0.6)
    assert a.contract["requests"].p50 == 3000.0
    assert (a.rank, b.rank) == (1, 2)
    assert (a.p_best, b.p_best) == (1.0, 0.0)
    assert c.pair("A", "B") == 1.0
    assert c.pair("B", "A") == 0.0
    # proportional: 10 x 0.3/0.3 and 10 x 0.3/0.6
    assert [m.mark for m in c.scores.marks] == pytest.approx([10.0, 5.0])
    assert c.unit == "kgCO2e"
    assert a.gwp_by_phase["use"].p50 == pytest.approx(0.3)


def test_probability_counts_ties_as_half() -> None:
    # A vs B per draw: 1<2 yes, 2=2 tie, 3>2, 4>2 -> (1 + 0.5) / 4 = 0.375
    c = compare_draws("p", [{"id": "A"}, {"id": "B"}],
                      [_draws([1, 2, 3, 4], [1, 1, 1, 1]), _draws([2, 2, 2, 2], [1, 1, 1, 1])],
                      CompareOptions(floor_fraction=None))
    assert c.pairs[0].p_a_lower == 0.375
    # lowest per draw: A, tie (half each), B, B -> A: 1.5/4, B: 2.5/4
    assert [o.p_best for o in c.offers] == [0.375, 0.625]
    # gap A - B per draw: -1, 0, 1, 2 -> median 0.5 x (1000 x 3 / 1000 kWh x 1 kg/kWh)
    assert c.pairs[0].gap.p50 == pytest.approx(1.5)


def test_equal_medians_share_a_rank() -> None:
    c = compare_draws("p", [{"id": "A"}, {"id": "B"}, {"id": "C"}],
                      [_draws([2.0], [1.0]), _draws([2.0], [1.0]), _draws([3.0], [1.0])],
                      CompareOptions(draws=1, floor_fraction=None))
    assert [o.rank for o in c.offers] == [1, 1, 3]
    assert [o.offer_id for o in c.ranked()] == ["A", "B", "C"]


def test_spearman_by_hand() -> None:
    # ranks x = 1 2 3 4, y = 1 3 2 4: rho = 1 - 6 x (0+1+1+0) / (4 x 15) = 0.8
    assert spearman(np.array([1.0, 2, 3, 4]), np.array([10.0, 30, 20, 40])) == pytest.approx(0.8)
    # ties take their average rank: x = 1, 1, 2 -> ranks 1.5 1.5 3; y increasing
    assert spearman(np.array([1.0, 1, 2]), np.array([1.0, 2, 3])) == pytest.approx(
        0.8660254037844387
    )
    assert spearman(np.array([1.0, 1, 1]), np.array([1.0, 2, 3])) == 0.0


def test_drivers_rank_inputs_and_read_swings_from_the_draws() -> None:
    x = np.arange(100, dtype=np.float64)
    odd = np.tile([0.0, 1.0], 50)
    y = 2 * x + odd  # strictly increasing in x
    out = drivers({"x": x, "odd": odd, "flat": np.ones(100)}, y)
    assert [d.input for d in out] == ["x", "odd"]  # the flat input has no spread
    assert out[0].spearman == 1.0
    # odd vs index: cov 0.25, sd 0.5 and sqrt((100**2 - 1) / 12) -> 0.5 / sqrt(833.25)
    assert out[1].spearman == pytest.approx(0.5 / 833.25**0.5, abs=1e-12)
    # x <= p05 (4.95): x = 0..4 -> y = 0, 3, 4, 7, 8 -> median 4
    assert out[0].low == 4.0
    # x >= p95 (94.05): x = 95..99 -> y = 191, 192, 195, 196, 199 -> median 195
    assert out[0].high == 195.0


def test_gap_drivers_merge_shared_inputs_and_name_offer_specific_ones() -> None:
    shared = [1.0, 2.0, 3.0, 4.0]
    c = compare_draws(
        "p", [{"id": "A"}, {"id": "B"}],
        [_draws([1, 2, 3, 4], shared, extras={"zone.FR.gwp": shared, "pue": [1, 2, 3, 4]}),
         _draws([4, 3, 2, 1], shared, extras={"zone.FR.gwp": shared, "pue": [4, 3, 2, 1]})],
        CompareOptions(floor_fraction=None),
    )
    names = {d.input for d in c.pairs[0].drivers}
    assert names == {"zone.FR.gwp", "A: pue", "B: pue"}


def test_bad_comparisons_are_refused() -> None:
    with pytest.raises(ValidationFailure, match="distinct"):
        compare_draws("p", [{"id": "A"}, {"id": "A"}], [_draws([1.0], [1.0])] * 2)
    with pytest.raises(ValidationFailure, match="at least one"):
        compare_draws("p", [], [])


def test_fixed_comparison_is_reproducible() -> None:
    assert fixed_comparison() == fixed_comparison()


@pytest.fixture(scope="module")
def real() -> tuple[object, list[object]]:
    profile = load_profile(PROFILES / "chatbot-web-metropole.yaml")
    offers = [load_offer(EXAMPLE_OFFERS / f"{n}.yaml")
              for n in ("frontier-api-us", "open-mid-cloud-fr", "small-onprem-dedicated")]
    return profile, offers


def test_real_engine_comparison_is_consistent(real: tuple) -> None:
    profile, offers = real
    c = compare(profile, offers, CompareOptions(draws=300, seed=3))
    assert [o.offer_id for o in c.offers] == [o.id for o in offers]
    assert sum(o.p_best for o in c.offers) == pytest.approx(1.0)
    assert c.draws == 300
    best = min(o.scored.p50 for o in c.offers)
    for o, m in zip(c.offers, c.scores.marks, strict=True):
        assert o.scored == o.contract["gwp_kgco2e"]
        assert m.mark == pytest.approx(10 * best / max(m.value, c.scores.floor.value))
        assert o.methods["accelerators"] == "modelled"
    # The engine's shared inputs are recorded once and drive the figures.
    assert any(d.input.startswith("profile.") for d in c.offers[1].drivers)


def test_shared_draws_make_the_gap_less_noisy_than_independent_runs(real: tuple) -> None:
    profile, offers = real
    same = offers[1]
    twin = same.model_copy(update={"id": "twin"})
    c = compare(profile, [same, twin], CompareOptions(draws=200, seed=5))
    # Same offer under another id: the profile and zone draws are shared, only the
    # offer-keyed inputs differ, so the gap has a median near 0 and P is near 1/2.
    assert 0.3 < c.pairs[0].p_a_lower < 0.7


def test_same_seed_gives_identical_comparisons(real: tuple) -> None:
    profile, offers = real
    opts = CompareOptions(draws=100, seed=11)
    assert compare(profile, offers, opts) == compare(profile, offers, opts)
    other = compare(profile, offers, CompareOptions(draws=100, seed=12))
    assert other != compare(profile, offers, opts)


def test_requests_without_work_are_flagged_not_silently_scored(tmp_path: Path) -> None:
    """Zero tokens at 1e10 requests a day gave exactly 0 and every offer 10/10, silently."""
    text = (PROFILES / "chatbot-web-metropole.yaml").read_text(encoding="utf-8")
    text = text.replace("input_tokens: {dist: triangular, low: 1500, mode: 2500, high: 4000}",
                        "input_tokens: 0")
    text = text.replace("output_tokens: {dist: triangular, low: 150, mode: 250, high: 400}",
                        "output_tokens: 0")
    text = text.replace("requests_per_day: {dist: triangular, low: 2500, mode: 4500, high: 7500}",
                        "requests_per_day: 1e10")
    path = tmp_path / "zero.yaml"
    path.write_text(text, encoding="utf-8")
    offers = [load_offer(EXAMPLE_OFFERS / f"{o}.yaml")
              for o in ("open-mid-cloud-fr", "frontier-api-us")]
    c = compare(load_profile(path), offers, CompareOptions(draws=50))
    assert [m.mark for m in c.scores.marks] == [10.0, 10.0]
    assert [(n.code, n.message) for n in c.caveats] == [(
        "score-all-zero",
        "every offer's scored figure is 0: the marks do not tell the offers apart; check "
        "the usage profile")]
    for o in c.offers:
        assert o.caveats[0].code == "zero-footprint"
        assert o.caveats[0].message == (
            f"offer {o.offer_id}: every figure is 0: the profile's requests carry no work on "
            "this shared service (check the request sizes)")
