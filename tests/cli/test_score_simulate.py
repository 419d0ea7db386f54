"""score simulate: the recommended method and why, the mean-method warning, the floor."""

from __future__ import annotations

from click.testing import CliRunner

from ia_empreinte import recommend_method, score
from ia_empreinte.scoring import floor_effect, method_warning
from ia_empreinte_cli.app import cli


def test_readme_offers_recommend_linear_and_say_why() -> None:
    # the README's three offers: 104, 970 and 2720 kgCO2e over the contract
    res = CliRunner().invoke(cli, ["score", "simulate", "104", "970", "2720"],
                             catch_exceptions=False)
    lines = res.output.splitlines()
    assert lines[0].split() == ["méthode", "offre", "valeur", "valeur", "notée", "note", "rang"]
    assert ("Méthode recommandée : linéaire. Offres dispersées (la plus élevée vaut 26,2 fois "
            "la plus basse, plus de 2)") in res.output
    assert lines[-1].startswith("Attention : la méthode relative à la moyenne tasse les écarts")
    assert "n° 373362" in lines[-1]


def test_english_on_request() -> None:
    res = CliRunner().invoke(cli, ["score", "simulate", "104", "970", "2720", "--lang", "en"],
                             catch_exceptions=False)
    assert "Recommended method: linear. Dispersed offers" in res.output
    assert "Warning: the method relative to the mean compresses" in res.output


def test_homogeneous_and_two_offers_recommend_proportional() -> None:
    assert recommend_method([100, 120, 180]).method == "proportional"
    assert recommend_method([100, 3000]).method == "proportional"
    assert recommend_method([100, 201, 150]).method == "linear"
    assert method_warning("linear") is None


def test_two_offers_under_the_floor_share_the_mark_and_it_is_said() -> None:
    s = score({"a": 1, "b": 2, "c": 100, "d": 200}, method="linear", floor=10)
    assert [m.mark for m in s.marks][:2] == [10.0, 10.0]
    effect = floor_effect(s)
    assert effect is not None
    assert effect.startswith("Sous le plancher (10) : a, b.")
    assert "Les 2 offres sous le plancher reçoivent la même note" in effect


def test_profile_gives_the_absolute_floor_the_kit_publishes() -> None:
    from ia_empreinte import absolute_floor, load_profile
    from tests.conftest import PROFILES

    path = PROFILES / "chatbot-web-metropole.yaml"
    floor = absolute_floor(load_profile(path))
    res = CliRunner().invoke(cli, ["score", "simulate", "104", "970", "2720", "0.01",
                                   "--profile", str(path)], catch_exceptions=False)
    shown = f"{floor:g}".replace(".", ",")
    assert f"plancher : {shown} (absolu, fixé à partir du profil) ; valeurs relevées : D" in (
        res.output)
    assert f"Sous le plancher ({shown}) : D." in res.output
