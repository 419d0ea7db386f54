"""Distributions, bounds and the per-key Sampler."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import numpy as np
import pytest
from pydantic import BaseModel, ValidationError

from ia_empreinte.uncertainty import (
    Lognormal,
    Normal,
    Quantity,
    Sampler,
    Triangular,
    Uniform,
    bounded,
    central,
    is_certain,
)
from tests.conftest import ROOT


class Holder(BaseModel):
    x: Annotated[Quantity, bounded(0, 100)]


def test_plain_number_and_distributions_parse() -> None:
    assert Holder(x=3).x == 3.0
    assert Holder(x={"dist": "triangular", "low": 1, "mode": 2, "high": 4}).x == Triangular(
        dist="triangular", low=1, mode=2, high=4
    )


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        (5.0, 5.0),
        (Uniform(dist="uniform", low=2, high=6), 4.0),
        (Triangular(dist="triangular", low=1, mode=2, high=9), 2.0),
        (Lognormal(dist="lognormal", p50=3, gsd=2), 3.0),
        (Normal(dist="normal", mean=7, sd=1), 7.0),
    ],
)
def test_central_values(q: float | Uniform, expected: float) -> None:
    assert central(q) == expected


def test_certainty() -> None:
    assert is_certain(4.0)
    assert is_certain(Triangular(dist="triangular", low=2, mode=2, high=2))
    assert not is_certain(Uniform(dist="uniform", low=1, high=2))


def test_bounds_checked_on_distribution_parameters() -> None:
    with pytest.raises(ValidationError, match="high must be a number >= 0 and <= 100, got 200"):
        Holder(x={"dist": "uniform", "low": 1, "high": 200})


def test_same_key_same_draws_and_keys_are_independent() -> None:
    q = Uniform(dist="uniform", low=0, high=1)
    a = Sampler(seed=7, draws=1000).sample("profile.volume.requests_per_day", q)
    b = Sampler(seed=7, draws=1000).sample("profile.volume.requests_per_day", q)
    c = Sampler(seed=7, draws=1000).sample("zone.FR.gwp", q)
    d = Sampler(seed=8, draws=1000).sample("profile.volume.requests_per_day", q)
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)
    assert not np.array_equal(a, d)
    assert abs(float(np.corrcoef(a, c)[0, 1])) < 0.1


def test_sampler_caches_by_key() -> None:
    s = Sampler(seed=1, draws=10)
    q = Normal(dist="normal", mean=1, sd=1)
    assert s.sample("k", q) is s.sample("k", q)


def test_one_draw_is_the_central_value() -> None:
    s = Sampler(seed=1, draws=1)
    assert s.sample("k", Triangular(dist="triangular", low=1, mode=2, high=9)).tolist() == [2.0]


def test_truncation_keeps_draws_in_range() -> None:
    s = Sampler(seed=3, draws=20_000)
    x = s.sample("k", Normal(dist="normal", mean=0.5, sd=1), low=0.0)
    assert x.min() >= 0.0
    assert len(np.unique(x)) == len(x)  # redrawn, not clipped to a point mass


def test_draws_are_read_only() -> None:
    x = Sampler(seed=1, draws=3).sample("k", 2.0)
    with pytest.raises(ValueError):
        x[0] = 1.0


def test_lognormal_spread() -> None:
    x = Sampler(seed=11, draws=200_000).sample("k", Lognormal(dist="lognormal", p50=10, gsd=2))
    assert np.median(x) == pytest.approx(10, rel=0.01)
    assert np.percentile(x, 95) == pytest.approx(10 * 2**1.6448536, rel=0.02)


def test_absurd_draw_counts_are_refused_before_any_memory_is_taken() -> None:
    """``compare(..., draws=1e9)`` through the Python API used to exhaust the memory."""
    from ia_empreinte import CompareOptions, ValidationFailure, compare, load_offer, load_profile
    from ia_empreinte.uncertainty import MAX_DRAWS

    for draws in (0, MAX_DRAWS + 1):
        with pytest.raises(ValueError, match="draws must be between 1 and 10,000,000"):
            Sampler(seed=1, draws=draws)
    profile = load_profile(ROOT / "profiles" / "chatbot-web-metropole.yaml")
    offer = load_offer(ROOT / "examples" / "offers" / "open-mid-cloud-fr.yaml")
    with pytest.raises(ValidationFailure, match="got 1,000,000,000"):
        compare(profile, [offer], CompareOptions(draws=1_000_000_000))


def test_exact_rejection_sampling_raises_instead_of_clipping() -> None:
    """A distribution almost wholly outside the range used to be clipped onto the bound."""
    from ia_empreinte.errors import ValidationFailure

    s = Sampler(seed=1, draws=1000)
    with pytest.raises(ValidationFailure) as err:
        s.sample("offer.x.deployment.pue", Normal(dist="normal", mean=-100, sd=1), low=1.0)
    assert str(err.value) == (
        "offer.x.deployment.pue: the normal distribution {mean: -100.0, sd: 1.0} puts "
        "almost no draws in the admissible range [1, inf]; declare a distribution inside "
        "that range")


def test_truncated_draws_are_the_rejection_samplers_bit_for_bit() -> None:
    """Redrawn from the key's own stream: rejected draws replaced in order, round by round."""
    q = Normal(dist="normal", mean=0.5, sd=1)
    x = Sampler(seed=3, draws=50).sample("k", q, low=0.0)
    rng = Sampler(seed=3, draws=50).rng("k")
    expected = rng.normal(0.5, 1, 50)
    while (bad := expected < 0).any():
        expected[bad] = rng.normal(0.5, 1, int(bad.sum()))
    assert x.tobytes() == expected.tobytes()


@pytest.mark.parametrize(
    ("q", "message"),
    [
        ({"dist": "normal", "mean": 50, "sd": 1e9},
         "p05 (mean - 1.645 sd) must be a number >= 0 and <= 100, got -1.64485e+09 "
         "(more than 5 % of the draws would be cut off)"),
        ({"dist": "lognormal", "p50": 50, "gsd": 3},
         "p95 (p50 x gsd^1.645) must be a number >= 0 and <= 100, got 304.624 "
         "(more than 5 % of the draws would be cut off)"),
        ({"dist": "normal", "mean": 150, "sd": 1},
         "mean must be a number >= 0 and <= 100, got 150"),
    ],
)
def test_distributions_mostly_outside_the_bounds_are_refused(
    q: dict[str, object], message: str
) -> None:
    with pytest.raises(ValidationError) as err:
        Holder(x=q)
    assert err.value.errors()[0]["msg"] == f"Value error, {message}"


def test_distributions_mostly_inside_the_bounds_are_kept() -> None:
    assert Holder(x={"dist": "normal", "mean": 50, "sd": 20}).x == Normal(
        dist="normal", mean=50, sd=20)  # p05 17.1, p95 82.9
    assert Holder(x={"dist": "lognormal", "p50": 20, "gsd": 2}).x == Lognormal(
        dist="lognormal", p50=20, gsd=2)  # p95 62.6


def test_absurd_profile_distribution_exits_2_naming_file_and_field(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from ia_empreinte_cli.app import cli

    text = (ROOT / "profiles" / "chatbot-web-metropole.yaml").read_text(encoding="utf-8")
    text = text.replace("requests_per_day: {dist: triangular, low: 2500, mode: 4500, high: 7500}",
                        "requests_per_day: {dist: normal, mean: 4500, sd: 1e9}")
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    offer = ROOT / "examples" / "offers" / "open-mid-cloud-fr.yaml"
    result = CliRunner().invoke(cli, ["estimate", str(path), str(offer)],
                                catch_exceptions=False)
    assert result.exit_code == 2
    assert result.output == (
        f"Error: {path}: volume.requests_per_day: p05 (mean - 1.645 sd) must be a number > 0 "
        "and <= 1e+10 requests/day, got -1.64485e+09 (more than 5 % of the draws would be cut "
        "off)\n")


def test_sampler_records_draws_only_when_asked() -> None:
    q = Uniform(dist="uniform", low=0, high=1)
    for record, expected in ((False, []), (True, ["a"])):
        s = Sampler(seed=1, draws=10, record=record)
        with s.recording() as sampled:
            s.sample("a", q)
            s.sample("constant", 3.0)
        s.sample("outside", q)
        assert list(sampled) == expected


def test_quantity_schema_is_pydantics_and_validates_the_shipped_offers() -> None:
    import json

    import jsonschema
    import yaml
    from click.testing import CliRunner

    from ia_empreinte_cli.app import cli

    schema = Holder.model_json_schema()
    assert schema["properties"]["x"]["anyOf"][0] == {"type": "number"}
    assert {r["$ref"] for r in schema["properties"]["x"]["anyOf"][1]["oneOf"]} == {
        "#/$defs/Uniform", "#/$defs/Triangular", "#/$defs/Lognormal", "#/$defs/Normal"}
    assert schema["$defs"]["Lognormal"]["properties"]["gsd"] == {
        "maximum": 20, "minimum": 1, "title": "Gsd", "type": "number"}
    offer_schema = json.loads(CliRunner().invoke(cli, ["schema", "offer"],
                                                 catch_exceptions=False).output)
    jsonschema.Draft202012Validator.check_schema(offer_schema)
    offers = sorted((ROOT / "examples" / "offers").glob("*.yaml"))
    assert len(offers) >= 10
    for path in offers:
        jsonschema.validate(yaml.safe_load(path.read_text(encoding="utf-8")), offer_schema)
    bad = yaml.safe_load(offers[0].read_text(encoding="utf-8"))
    bad["deployment"]["pue"] = {"dist": "normal", "mean": 1.2}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, offer_schema)
