"""Embodied impacts of accelerators and servers, allocated by time share over lifetime."""

from __future__ import annotations

import numpy as np

from ia_empreinte.types import Array
from ia_empreinte.units import H_PER_YEAR, S_PER_H

__all__ = ["dedicated_embodied_per_year", "replica_embodied", "shared_embodied"]

ArrayLike = Array | float


def replica_embodied(
    accelerator_count: int, accelerator_embodied: ArrayLike, server_share: float,
    server_embodied: ArrayLike,
) -> Array:
    """``I_replica = g x I_accelerator + s x I_server`` (manufacturing, any indicator)."""
    return np.asarray(
        accelerator_count * np.asarray(accelerator_embodied)
        + server_share * np.asarray(server_embodied),
        dtype=np.float64,
    )


def shared_embodied(
    replica_embodied_value: ArrayLike, busy_s: ArrayLike, lifetime_years: ArrayLike,
    utilisation: ArrayLike,
) -> Array:
    """``I_request = I_replica x t_busy / (U x lifetime)`` (time share of a shared fleet)."""
    lifetime_s = np.asarray(lifetime_years) * H_PER_YEAR * S_PER_H
    return np.asarray(
        np.asarray(replica_embodied_value) * np.asarray(busy_s)
        / (np.asarray(utilisation) * lifetime_s),
        dtype=np.float64,
    )


def dedicated_embodied_per_year(
    replica_embodied_value: ArrayLike, replicas: int, lifetime_years: ArrayLike
) -> Array:
    """``I_year = replicas x I_replica / lifetime`` (reserved all year)."""
    return np.asarray(
        replicas * np.asarray(replica_embodied_value) / np.asarray(lifetime_years),
        dtype=np.float64,
    )
