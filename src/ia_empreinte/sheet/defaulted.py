"""The sheet's "defaulted fields" section: per offer, each field the vendor did not
declare, the value used and the published default rule (``data/undeclared.toml``).

Equal treatment: undeclared fields take conservative defaults, and the buyer sees
which, offer by offer, so a bidder can declare the real value in a revised offer.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict

from ia_empreinte.engine.defaults import offer_defaults
from ia_empreinte.offers import Offer

__all__ = ["DefaultedRow", "defaulted_rows"]


class DefaultedRow(BaseModel):
    """One undeclared field of one offer and the default that replaced it."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    offer_id: str
    field: str
    value: str
    rule: str
    """Stable code of the rule (``pue-class-high``...)."""
    rule_en: str
    rule_fr: str
    source: str


def defaulted_rows(offers: Sequence[Offer]) -> list[DefaultedRow]:
    """Every defaulted field of every offer, offers in order."""
    return [
        DefaultedRow(offer_id=o.id, **d.model_dump())
        for o in offers
        for d in offer_defaults(o)
    ]
