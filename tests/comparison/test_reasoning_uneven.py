"""A comparison warns the jury when some offers declare hidden reasoning tokens and
others are costed without any because they declared nothing."""

from __future__ import annotations

from typing import Any

from ia_empreinte import compare
from ia_empreinte.comparison import CompareOptions
from ia_empreinte.offers import Offer, parse_offer
from ia_empreinte.profiles import parse_profile
from ia_empreinte.render.i18n import caveat_line

PROFILE = parse_profile({
    "id": "chat", "task": "text-generation", "contract_years": 1,
    "request": {"input_tokens": 400, "output_tokens": 300},
    "volume": {"requests_per_day": 1000}}, file="chat.yaml")


def _offer(oid: str, **model: Any) -> Offer:
    return parse_offer({
        "id": oid, "model": {"total_params_b": 8, **model},
        "deployment": {"accelerator": "nvidia-h100-sxm-80gb", "zone": "FR", "pue": 1.2,
                       "batch_size": 16, "serving_stack": "optimised"}}, file=f"{oid}.yaml")


def _codes(*offers: Offer) -> list[str]:
    c = compare(PROFILE, list(offers), CompareOptions(draws=50, seed=1))
    return [cv.code for cv in c.caveats]


def test_one_declares_the_other_is_silent() -> None:
    c = compare(PROFILE, [_offer("reasons", reasoning_tokens=1500), _offer("silent")],
                CompareOptions(draws=50, seed=1))
    (cv,) = [cv for cv in c.caveats if cv.code == "reasoning-undeclared"]
    assert cv.message.startswith("silent: costed without hidden reasoning tokens")
    assert "while reasons declares some" in cv.message
    line = caveat_line(f"[{cv.code}] {cv.message}", "fr")
    assert line.startswith("silent : chiffrée sans jetons de raisonnement cachés")
    # the declaring offer is costed with its tokens: more energy than the silent one
    by_id = {o.offer_id: o for o in c.offers}
    assert by_id["reasons"].scored.p50 > by_id["silent"].scored.p50


def test_no_warning_when_all_declare_or_none_does() -> None:
    assert "reasoning-undeclared" not in _codes(_offer("a", reasoning_tokens=1500),
                                                 _offer("b", reasoning_tokens=0))
    assert "reasoning-undeclared" not in _codes(_offer("a"), _offer("b"))
    # declaring 0 is a declaration: nothing to ask
    assert "reasoning-undeclared" not in _codes(_offer("a", reasoning_tokens=0),
                                                 _offer("b"))
