"""Materiality and SCI on real comparisons: small stakes get the advice, large ones not;
the SCI adds up to the per-request GHG."""

from __future__ import annotations

import pytest

from ia_empreinte import CompareOptions, Consultation, build_fiche, load_offer, load_profile
from ia_empreinte.render.sheet import render_fiche
from ia_empreinte.sheet.jury import MATERIALITY_THRESHOLD_KGCO2E
from tests.conftest import ROOT

OPTS = CompareOptions(draws=80, seed=4)


def _fiche(profile: str, *offers: str, weight: float | None = 15) -> object:
    return build_fiche(
        load_profile(ROOT / "profiles" / f"{profile}.yaml"),
        [load_offer(ROOT / "examples" / "offers" / f"{o}.yaml") for o in offers],
        OPTS, Consultation(weight_pct=weight), computed_on="2026-11-30",
    )


def test_small_stakes_advise_a_low_weight_or_qualitative_sub_criteria() -> None:
    fiche = _fiche("rag-actes-deliberations", "open-mid-cloud-fr", "frontier-api-us")
    m = fiche.materiality  # type: ignore[attr-defined]
    assert m is not None and m.below_threshold
    assert 0 < m.gap_kgco2e < MATERIALITY_THRESHOLD_KGCO2E
    assert m.weight_pct == 15
    text = " ".join(render_fiche(fiche, "x.md", "fr").decode().split())  # type: ignore[arg-type]
    assert "inférieur au seuil de 1 t CO2e" in text
    assert "pondération faible (5 % au plus)" in text
    assert "AFNOR SPEC 2314" in text and "RGESN 2024" in text and "8.5" in text
    assert "Pondération du critère retenue : 15 %" in text


def test_large_stakes_say_the_weight_is_proportionate() -> None:
    fiche = _fiche("chatbot-web-metropole", "open-mid-cloud-fr", "frontier-api-us", weight=None)
    m = fiche.materiality  # type: ignore[attr-defined]
    assert m is not None and not m.below_threshold and m.weight_pct is None
    text = " ".join(render_fiche(fiche, "x.md", "fr").decode().split())  # type: ignore[arg-type]
    assert "dépasse le seuil de 1 t CO2e" in text
    assert "pondération faible" not in text


def test_sci_is_energy_times_intensity_plus_embodied() -> None:
    fiche = _fiche("chatbot-web-metropole", "open-mid-cloud-fr", "frontier-api-us")
    by_id = {o.offer_id: o for o in fiche.comparison.offers}  # type: ignore[attr-defined]
    for s in fiche.sci:  # type: ignore[attr-defined]
        e_i = s.energy_kwh * s.intensity_gco2e_per_kwh
        assert e_i + s.embodied_gco2e == pytest.approx(s.sci_gco2e, rel=1e-9)
        assert s.sci_gco2e == pytest.approx(
            1000 * by_id[s.offer_id].per_request["gwp_kgco2e"].p50, rel=1e-12)
        assert 0 < s.embodied_gco2e < s.sci_gco2e
    # the US grid emits more per kWh than the French one
    intensity = {s.offer_id: s.intensity_gco2e_per_kwh for s in fiche.sci}  # type: ignore[attr-defined]
    assert intensity["frontier-api-us"] > 3 * intensity["open-mid-cloud-fr"]
