"""The sheet's "defaulted fields" section: per offer, each field the vendor did not
declare, the value used and the published default rule (``data/undeclared.toml``).

Equal treatment: undeclared fields take conservative defaults, and the buyer sees
which, offer by offer, so a bidder can declare the real value in a revised offer.
"""

from __future__ import annotations

from collections.abc import Sequence

from ia_empreinte.engine.defaults import offer_defaults
from ia_empreinte.offers import Offer
from ia_empreinte.results import DefaultedField

__all__ = ["DefaultedRow", "defaulted_rows"]


class DefaultedRow(DefaultedField):
    """One undeclared field of one offer and the default that replaced it."""

    offer_id: str


def defaulted_rows(
    offers: Sequence[Offer], tasks: Sequence[str] | None = None
) -> list[DefaultedRow]:
    """Every defaulted field of every offer, offers in order; with ``tasks`` (the
    profile's), only what serves them."""
    return [
        DefaultedRow(offer_id=o.id, **d.model_dump())
        for o in offers
        for d in offer_defaults(o, tasks)
    ]
