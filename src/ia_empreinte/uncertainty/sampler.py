"""The seeded :class:`Sampler`: every named quantity from its own random stream.

Every named quantity gets its own random stream, derived from the recorded seed and a
stable hash of the quantity's key. Two consequences, both wanted: the same seed gives
the same figures bit for bit, and offers compared on one profile share the draws of
every shared input (same key, same stream) without any bookkeeping. Adding a new input
does not shift the draws of the others. (Compare brightway2-calc's ``seed_override``.)
"""

from __future__ import annotations

import contextlib
import hashlib
import math
from collections.abc import Iterator

import numpy as np

from ia_empreinte.errors import ValidationFailure
from ia_empreinte.uncertainty.distributions import Array, _Dist, central

__all__ = ["MAX_DRAWS", "MAX_REDRAW_ROUNDS", "Sampler"]

MAX_DRAWS = 10_000_000
"""Most Monte Carlo draws a :class:`Sampler` takes: 80 MB per sampled quantity, already
several GB for a comparison; beyond, a typo (``draws=1e9``) would exhaust the memory."""

MAX_REDRAW_ROUNDS = 100
"""Rounds of redrawing the draws that fall outside the admissible range before giving up.

Declared distributions keep at least 90 % of their mass inside their range (see
:func:`~ia_empreinte.uncertainty.bounded`), so one round in 10**100 would fail."""


def _stream_seed(key: str) -> int:
    return int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "little")


class Sampler:
    """Draws every named quantity from its own seeded stream.

    Args:
        seed: the recorded seed of the run.
        draws: number of Monte Carlo draws (1 gives the deterministic case, using
            central values).
        record: keep the draws of every uncertain input handed out inside a
            :meth:`recording` block (the inputs of a sensitivity analysis).

    The stream of a quantity depends only on ``(seed, key)``, so the same key gives the
    same draws in every offer of a comparison. Use keys that name the real shared
    thing: ``"profile.volume.requests_per_day"``, ``"zone.FR.gwp"``.
    """

    def __init__(self, seed: int, draws: int, *, record: bool = False) -> None:
        if not 1 <= draws <= MAX_DRAWS:
            raise ValueError(
                f"draws must be between 1 and {MAX_DRAWS:,}, got {draws:,} (each sampled "
                "quantity holds 8 bytes per draw; the CLI allows 1,000,000)")
        self.seed = int(seed)
        self.draws = int(draws)
        self.record = record
        self._cache: dict[str, Array] = {}
        self._recorded: dict[str, Array] | None = None

    def rng(self, key: str) -> np.random.Generator:
        """A fresh generator for ``key`` (independent of every other key)."""
        return np.random.default_rng([self.seed & 0xFFFFFFFFFFFFFFFF, _stream_seed(key)])

    @contextlib.contextmanager
    def recording(self) -> Iterator[dict[str, Array]]:
        """A mapping filled, inside the block, with the draws of every uncertain input.

        Each key handed out by :meth:`sample` whose draws have a spread is kept, cached
        draws included (so each offer of a comparison sees its shared inputs). The
        mapping stays empty unless the sampler was built with ``record=True``.
        """
        recorded: dict[str, Array] = {}
        outer = self._recorded
        self._recorded = recorded if self.record else None
        try:
            yield recorded
        finally:
            self._recorded = outer

    def sample(
        self,
        key: str,
        q: float | _Dist,
        *,
        low: float = -math.inf,
        high: float = math.inf,
    ) -> Array:
        """Draw ``self.draws`` values of ``q`` under ``key``.

        Draws outside ``[low, high]`` are redrawn from the same stream (exact rejection
        sampling of the distribution truncated to the range), deterministically.
        A plain number, or ``draws == 1``, gives the central value repeated.

        Raises:
            ValidationFailure: after :data:`MAX_REDRAW_ROUNDS` rounds some draws are
                still outside ``[low, high]`` (a distribution almost wholly outside it).
        """
        out = self._cache.get(key)
        if out is None:
            if isinstance(q, int | float) or self.draws == 1:
                out = np.full(self.draws, central(q), dtype=np.float64)
            else:
                out = _truncated(key, q, self.rng(key), self.draws, low, high)
            out.setflags(write=False)
            self._cache[key] = out
        if self._recorded is not None and len(out) > 1 and np.ptp(out) > 0:
            self._recorded[key] = out
        return out

    def constant(self, value: float) -> Array:
        """``value`` as an array of the run's length."""
        return np.full(self.draws, float(value), dtype=np.float64)


def _truncated(
    key: str, q: _Dist, rng: np.random.Generator, n: int, low: float, high: float
) -> Array:
    out = np.asarray(q.sample(rng, n), dtype=np.float64)
    bad = (out < low) | (out > high)
    for _ in range(MAX_REDRAW_ROUNDS):
        if not bad.any():
            return out
        out[bad] = q.sample(rng, int(bad.sum()))
        bad = (out < low) | (out > high)
    if not bad.any():
        return out
    raise ValidationFailure(
        f"{key}: the {q.model_dump(mode='json')['dist']} distribution "
        f"{_shown(q)} puts almost no draws in the admissible range [{low:g}, {high:g}]; "
        "declare a distribution inside that range"
    )


def _shown(q: _Dist) -> str:
    params = q.model_dump(mode="json")
    return "{" + ", ".join(f"{k}: {v}" for k, v in params.items() if k != "dist") + "}"
