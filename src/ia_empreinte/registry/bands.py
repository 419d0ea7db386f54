"""Population bands of the collectivités, for searching projects of a similar size.

Bands of our choice, a coarse split from villages to metropolises; not an official
classification (a search by band only groups projects of similar scale).
"""

from __future__ import annotations

__all__ = ["BANDS", "band_of"]

BANDS: dict[str, tuple[int, int | None]] = {
    "lt-3500": (0, 3_500),
    "3500-20000": (3_500, 20_000),
    "20000-100000": (20_000, 100_000),
    "100000-500000": (100_000, 500_000),
    "gte-500000": (500_000, None),
}
"""Band id -> (lowest population included, first population excluded or None)."""


def band_of(population: int) -> str:
    """The band id of a population (inhabitants)."""
    for band, (low, high) in BANDS.items():
        if population >= low and (high is None or population < high):
            return band
    raise ValueError(f"population {population} is negative")
