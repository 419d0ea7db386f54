"""Host (CPU, RAM, server board) energy and idle capacity.

Shared capacity: the request pays its busy time, plus the idle time of the fleet
allocated by time share (busy share ``U``). Dedicated capacity: the reserved replicas
draw idle power every hour of the year they are not busy, whatever the volume.
"""

from __future__ import annotations

import numpy as np

from ia_empreinte.types import Array
from ia_empreinte.units import H_PER_YEAR, J_PER_WH, S_PER_H

__all__ = [
    "dedicated_idle_wh",
    "host_busy_power_w",
    "host_energy_wh",
    "shared_idle_wh",
]

ArrayLike = Array | float


def host_busy_power_w(
    host_idle_power_w: ArrayLike, host_max_power_w: ArrayLike, load_fraction: ArrayLike,
    server_share: float,
) -> Array:
    """``P_host = s (P_idle + f (P_max - P_idle))``, ``s`` the replica's share of servers.

    Source: host idle/max power of data/servers.toml; load fraction from Google (2025),
    see data/engine_defaults.toml.
    """
    idle = np.asarray(host_idle_power_w, dtype=np.float64)
    return np.asarray(
        server_share * (idle + np.asarray(load_fraction) * (np.asarray(host_max_power_w) - idle)),
        dtype=np.float64,
    )


def host_energy_wh(host_power_w: ArrayLike, busy_s: ArrayLike) -> Array:
    """``E_host = P_host x t_busy / 3600`` (Wh)."""
    return np.asarray(np.asarray(host_power_w) * np.asarray(busy_s) / J_PER_WH, dtype=np.float64)


def shared_idle_wh(idle_power_w: ArrayLike, busy_s: ArrayLike, utilisation: ArrayLike) -> Array:
    """``E_idle = P_idle,replica x t_busy x (1 - U) / U / 3600`` (Wh per request).

    The fleet is busy a share ``U`` of the time; the idle rest is allocated to the
    requests in proportion to their busy time.
    """
    u = np.asarray(utilisation, dtype=np.float64)
    return np.asarray(
        np.asarray(idle_power_w) * np.asarray(busy_s) * (1.0 - u) / u / J_PER_WH,
        dtype=np.float64,
    )


def dedicated_idle_wh(
    idle_power_w: ArrayLike, replicas: int, busy_s: ArrayLike,
    period_years: ArrayLike = 1.0,
) -> Array:
    """``E_idle = P_idle,replica x max(replicas x T x 8766 h x 3600 - t_busy, 0) / 3600``.

    Reserved hardware draws idle power whenever it does not serve (busy power already
    includes the idle baseline). Wh over a period of ``T`` years (8766 h a year).
    """
    reserved_s = replicas * np.asarray(period_years) * H_PER_YEAR * S_PER_H
    idle_s = np.maximum(reserved_s - np.asarray(busy_s, dtype=np.float64), 0.0)
    return np.asarray(np.asarray(idle_power_w) * idle_s / J_PER_WH, dtype=np.float64)
