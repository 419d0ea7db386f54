"""Scoring formulas: marks computed by hand for each method, ties and a near-zero offer."""

from __future__ import annotations

import pytest

from ia_empreinte.errors import ValidationFailure
from ia_empreinte.scoring import formula_text, points, score, simulate


def test_proportional_marks_by_hand() -> None:
    # 10 x 100/100, 10 x 100/200, 10 x 100/400
    assert points([100, 200, 400], "proportional", 10) == [10.0, 5.0, 2.5]


def test_linear_marks_by_hand() -> None:
    # 10 x (400 - v) / (400 - 100)
    assert points([100, 200, 400], "linear", 10) == pytest.approx([10.0, 20 / 3, 0.0], abs=1e-12)


def test_mean_marks_by_hand() -> None:
    # mean = 700/3; mark = 5 x (2 - v/mean)
    assert points([100, 200, 400], "mean", 10) == pytest.approx(
        [5 * (2 - 300 / 700), 5 * (2 - 600 / 700), 5 * (2 - 1200 / 700)], abs=1e-12
    )
    assert points([100, 200, 400], "mean", 10) == pytest.approx(
        [7.857142857142857, 5.714285714285714, 1.4285714285714284], abs=1e-12
    )


def test_mean_marks_are_clipped_to_zero_and_n_max() -> None:
    # mean = 100: 5 x (2 - 350/100) = -7.5 -> 0
    assert points([0, 0, 350, 50], "mean", 10) == [10.0, 10.0, 0.0, 7.5]


def test_ties_share_marks_and_ranks() -> None:
    s = score({"a": 100, "b": 100, "c": 200}, method="proportional", floor_fraction=None)
    assert [(m.mark, m.rank) for m in s.marks] == [(10.0, 1), (10.0, 1), (5.0, 3)]
    lin = score({"a": 100, "b": 100, "c": 200}, method="linear", floor_fraction=None)
    assert [(m.mark, m.rank) for m in lin.marks] == [(10.0, 1), (10.0, 1), (0.0, 3)]
    mean = score({"a": 100, "b": 100, "c": 200}, method="mean", floor_fraction=None)
    assert [m.mark for m in mean.marks] == pytest.approx([6.25, 6.25, 2.5])


def test_all_equal_offers() -> None:
    assert points([7, 7], "proportional", 20) == [20.0, 20.0]
    assert points([7, 7], "linear", 20) == [20.0, 20.0]
    # relative to the mean, an offer at the mean gets half the points
    assert points([7, 7], "mean", 20) == [10.0, 10.0]


def test_near_zero_offer_crushes_proportional_without_a_floor() -> None:
    s = score({"a": 0.001, "b": 100, "c": 200}, floor_fraction=None)
    assert [m.mark for m in s.marks] == pytest.approx([10.0, 0.0001, 0.00005])
    assert s.floor.basis == "none"


def test_default_floor_is_a_twentieth_of_the_median_and_is_stated() -> None:
    s = score({"a": 0.001, "b": 100, "c": 200})
    # floor = 0.05 x median(0.001, 100, 200) = 5; scored as 5, 100, 200
    assert s.floor.value == 5.0
    assert s.floor.basis == "median_fraction"
    assert s.floor.floored == ["a"]
    assert [m.scored_value for m in s.marks] == [5.0, 100.0, 200.0]
    assert [m.mark for m in s.marks] == [10.0, 0.5, 0.25]
    assert s.marks[0].value == 0.001


def test_absolute_floor_wins_over_the_fraction() -> None:
    s = score({"a": 10, "b": 100}, floor=50, floor_fraction=0.5)
    assert s.floor.basis == "absolute"
    assert [m.mark for m in s.marks] == [10.0, 5.0]


def test_zero_value_without_floor_is_refused_with_advice() -> None:
    with pytest.raises(ValidationFailure, match="set a floor"):
        points([0, 10], "proportional", 10)


@pytest.mark.parametrize("bad", [-1.0, float("nan"), float("inf")])
def test_bad_values_are_refused(bad: float) -> None:
    with pytest.raises(ValidationFailure, match="finite and >= 0"):
        points([1.0, bad], "linear", 10)


def test_simulate_names_offers_by_letter_and_tries_every_method() -> None:
    out = simulate([120, 150, 300], n_max=20, floor_fraction=None)
    assert [s.method for s in out] == ["proportional", "linear", "mean"]
    assert [m.offer_id for m in out[0].marks] == ["A", "B", "C"]
    assert [m.mark for m in out[0].marks] == [20.0, 16.0, 8.0]
    assert [m.mark for m in out[1].marks] == pytest.approx([20.0, 20 * 150 / 180, 0.0])


def test_formula_text_in_both_languages() -> None:
    assert formula_text("proportional", 10) == "Note = 10 × V_min / V_offre"
    expected = "Mark = 20 × (V_worst − V_offer) / (V_worst − V_best)"
    assert formula_text("linear", 20, "en") == expected


def test_huge_values_are_refused_in_one_line_not_overflowed() -> None:
    """``score simulate 1e308 1e308 1`` raised OverflowError (the mean method's fsum)."""
    from click.testing import CliRunner

    from ia_empreinte_cli.app import cli

    result = CliRunner().invoke(cli, ["score", "simulate", "1e308", "1e308", "1"],
                                catch_exceptions=False)
    assert result.exit_code == 2
    assert result.output == "Error: values to score must be <= 1e+300, got 1e+308\n"
    with pytest.raises(ValidationFailure, match=r"must be <= 1e\+300, got 1e\+308"):
        score({"A": 1e308, "B": 1.0})
    # the largest accepted values still give finite marks under every method
    for s in simulate([1e300, 1e300, 1.0]):
        assert all(0 <= m.mark <= 10 for m in s.marks)


def test_default_floor_uses_the_numpy_median_of_an_even_count() -> None:
    # median(1, 100, 200, 300, 1000, 2000) = (200 + 300) / 2 = 250; floor = 12.5
    s = score({"A": 100.0, "B": 200.0, "C": 300.0, "D": 1000.0, "E": 1.0, "F": 2000.0})
    assert s.floor.value == 0.05 * 250.0
    assert s.floor.floored == ["E"]
