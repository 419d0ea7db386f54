"""The audit of a partitioned usage log: every partition and its roll-ups in one pass.

The input layer reads each partition (a collectivité and a month, or one file) into
size bins (:class:`~ia_empreinte.usage_log.PartitionBins`); :class:`GroupBuilder` gathers
them, in any order, into the national bins and the count of every bin in every group:
each partition, each value of each partition field (per collectivité, per month) and
the whole (national). :func:`audit_groups` then runs the engine's chain once over the
national bins, at their mean sizes, and sums each bin's figures x its count into every
group in a fixed order (bins in key order, groups in name order), so that the same
requests give the same bits whatever the engine, the order of arrival or the format.
Each group is audited as its own log: its period is the span of its timestamps, its
requests its rows; its bins run at the national bins' mean sizes (a partition audited
alone, at its own bins' means, differs by far less than 0.1 %).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import cast

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from ia_empreinte._canonical import canonical_json, sha256_hex
from ia_empreinte.engine.chain import DrawsResult, StepInput, run_chain, to_draws
from ia_empreinte.engine.summary import inputs_sha256, summarise
from ia_empreinte.offers import Offer
from ia_empreinte.profiles import Task
from ia_empreinte.records.store import EMPTY, RecordStore
from ia_empreinte.results import Caveat, Estimate, Summary
from ia_empreinte.types import Array
from ia_empreinte.uncertainty import Sampler
from ia_empreinte.units import H_PER_YEAR, S_PER_H
from ia_empreinte.usage_log import SLOTS, LogBins, LogSchema, PartitionBins, merge_bins

__all__ = ["GroupBuilder", "GroupEstimate", "LogGroups", "audit_groups"]

_CELLS_PER_CHUNK = 1_000_000
"""Draws x bins evaluated at once (8 MB of float64 per figure)."""
_MERGE_EVERY = 64

GroupKey = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class LogGroups:
    """The national bins and the count of each bin in each group."""

    bins: LogBins
    keys: tuple[GroupKey, ...]
    """Each group's fields and values: ``()`` is the whole log (national)."""
    levels: tuple[str, ...]
    """Each group's level: ``national``, ``partition`` or a partition field's name."""
    entry_bin: NDArray[np.int32]
    entry_group: NDArray[np.int32]
    entry_count: NDArray[np.int64]
    """(bin, group, count) of every bin present in a group, sorted by bin then group."""
    rows: NDArray[np.int64]
    first_us: NDArray[np.int64]
    last_us: NDArray[np.int64]
    duplicate_rows: NDArray[np.int64]
    sha256: tuple[str, ...]
    """Of each group's files' SHA-256s, in partition order."""


@dataclass
class GroupBuilder:
    """Gathers partitions as they are read (any order) into :class:`LogGroups`.

    Keeps the national bins (merged every 64 partitions) and, per partition, its bin
    keys and counts only: memory grows with the bins each partition holds, not rows.
    """

    _pending: list[LogBins] = field(default_factory=list)
    _parts: list[tuple[GroupKey, NDArray[np.uint64], NDArray[np.int64], int, int, int, str]] \
        = field(default_factory=list)

    def add(self, part: PartitionBins) -> None:
        self._pending.append(part.bins)
        if len(self._pending) >= _MERGE_EVERY:
            self._pending = [merge_bins(self._pending)]
        self._parts.append((part.key, part.bins.keys, part.bins.counts, part.first_us,
                            part.last_us, part.duplicate_rows, part.sha256))

    def finish(self) -> LogGroups:
        national = merge_bins(self._pending)
        parts = sorted(self._parts, key=lambda p: p[0])
        seen = [p[0] for p in parts]
        if len(set(seen)) != len(seen):
            # two files of one partition: gathered as one partition
            merged: dict[GroupKey, list[tuple[NDArray[np.uint64], NDArray[np.int64], int, int,
                                              int, str]]] = {}
            for p in parts:
                merged.setdefault(p[0], []).append(p[1:])
            parts = []
            for key, items in merged.items():
                keys = np.concatenate([i[0] for i in items])
                counts = np.concatenate([i[1] for i in items])
                merged_bins = merge_bins(
                    [LogBins(keys, counts, np.zeros((len(keys), SLOTS), np.int64))])
                parts.append((key, merged_bins.keys, merged_bins.counts, min(i[2] for i in items),
                              max(i[3] for i in items), sum(i[4] for i in items),
                              _hash_of([i[5] for i in items])))
        fields = sorted({f for p in parts for f, _ in p[0]})
        groups: dict[GroupKey, list[int]] = {}
        levels: dict[GroupKey, str] = {}
        if len(parts) > 1 or parts[0][0]:
            for i, p in enumerate(parts):
                groups[p[0]] = [i]
                levels[p[0]] = "partition"
        for f in fields:
            for i, p in enumerate(parts):
                value = dict(p[0]).get(f)
                if value is not None and len(p[0]) > 1:
                    groups.setdefault(((f, value),), []).append(i)
                    levels[((f, value),)] = f
        groups[()] = list(range(len(parts)))
        levels[()] = "national"
        order = sorted(groups, key=lambda k: (_LEVEL_RANK.get(levels[k], 1), levels[k], k))
        e_bin: list[NDArray[np.int32]] = []
        e_group: list[NDArray[np.int32]] = []
        e_count: list[NDArray[np.int64]] = []
        part_bins = [np.searchsorted(national.keys, p[1]).astype(np.int32) for p in parts]
        for g, key in enumerate(order):
            members = groups[key]
            if len(members) == 1:
                b, c = part_bins[members[0]], parts[members[0]][2]
            else:
                b = np.concatenate([part_bins[i] for i in members])
                c = np.concatenate([parts[i][2] for i in members])
                b, c = _sum_by(b, c)
            e_bin.append(b)
            e_group.append(np.full(len(b), g, np.int32))
            e_count.append(c)
        bins_all = np.concatenate(e_bin)
        group_all = np.concatenate(e_group)
        order_e = np.lexsort((group_all, bins_all))
        return LogGroups(
            bins=national, keys=tuple(order), levels=tuple(levels[k] for k in order),
            entry_bin=bins_all[order_e], entry_group=group_all[order_e],
            entry_count=np.concatenate(e_count)[order_e],
            rows=np.array([sum(int(parts[i][2].sum()) for i in groups[k]) for k in order],
                          np.int64),
            first_us=np.array([min(parts[i][3] for i in groups[k]) for k in order], np.int64),
            last_us=np.array([max(parts[i][4] for i in groups[k]) for k in order], np.int64),
            duplicate_rows=np.array([sum(parts[i][5] for i in groups[k]) for k in order],
                                    np.int64),
            sha256=tuple(_hash_of([parts[i][6] for i in groups[k]]) for k in order),
        )


_LEVEL_RANK = {"national": 0, "partition": 2}


def _hash_of(shas: Sequence[str]) -> str:
    return shas[0] if len(shas) == 1 else sha256_hex(canonical_json(list(shas)))


def _sum_by(index: NDArray[np.int32], counts: NDArray[np.int64]
            ) -> tuple[NDArray[np.int32], NDArray[np.int64]]:
    order = np.argsort(index, kind="stable")
    index = index[order]
    starts = np.flatnonzero(np.r_[True, index[1:] != index[:-1]])
    return index[starts], np.add.reduceat(counts[order], starts)


@dataclass(frozen=True)
class GroupEstimate:
    """The audit of one group: its level, fields and values, and its estimate."""

    level: str
    key: GroupKey
    rows: int
    first_us: int
    last_us: int
    estimate: Estimate
    energy_kwh_draws: dict[str, Array]
    """The draws of the group's energy over its period (kWh) by metered scope
    (``facility``: all; ``it``: without the facility overhead; ``accelerators``:
    accelerators and idle), for reconciliation."""


def _steps(groups: LogGroups, schema: LogSchema, draws: int, sampler: Sampler
           ) -> list[StepInput]:
    """One step per chunk of bins of one task and blank pattern, each with a reduction
    that sums the bins' figures x counts into every group (entries in bin order)."""
    bins = groups.bins
    means = bins.means()
    blank = bins.blank()
    codes = bins.task_codes
    pattern = blank @ (1 << np.arange(SLOTS))
    per_bin = np.bincount(groups.entry_bin, minlength=len(bins.keys))
    entry_start = np.r_[0, np.cumsum(per_bin)]
    n_groups = len(groups.keys)
    steps: list[StepInput] = []
    cache: dict[str, object] = {}
    kind = codes.astype(np.int64) * (1 << SLOTS) + pattern
    for k in np.unique(kind):
        idx = np.flatnonzero(kind == k)
        task = schema.tasks[int(k) >> SLOTS]
        names = schema.slots[task]
        cols = [j for j in range(min(len(names), SLOTS)) if not blank[idx[0], j]]
        chunk = max(1, _CELLS_PER_CHUNK // draws)  # bins only: the same for any groups
        for start in range(0, len(idx), chunk):
            part = idx[start:start + chunk]
            sizes = {names[j]: np.ascontiguousarray(means[part, j])[None, :] for j in cols}
            steps.append(StepInput(task=cast(Task, task), sizes=sizes,
                                   count=sampler.constant(1.0),
                                   reduce=_reducer(groups, part, entry_start, n_groups, cache)))
    return steps


def _reducer(groups: LogGroups, part: NDArray[np.intp], entry_start: NDArray[np.int64],
             n_groups: int, cache: dict[str, object]) -> Callable[[Array], Array]:
    """Sums ``x`` (draws x bins of ``part``) x counts into every group: a sparse (groups x
    bins) matrix of the counts times ``x``; each group's sum runs over its bins in key
    order (scipy's CSR product), whatever the other groups. The matrix is built on the
    step's first call and kept for its next two only."""

    def matrix() -> sparse.csr_array:
        lengths = np.diff(entry_start)[part]
        total = int(lengths.sum())
        ent = np.repeat(entry_start[:-1][part] - (np.cumsum(lengths) - lengths), lengths)
        ent += np.arange(total)
        local = np.repeat(np.arange(len(part)), lengths)
        grp = groups.entry_group[ent]
        order = np.lexsort((local, grp))
        indptr = np.searchsorted(grp[order], np.arange(n_groups + 1))
        return sparse.csr_array(
            (groups.entry_count[ent][order].astype(np.float64), local[order], indptr),
            shape=(n_groups, len(part)))

    def reduce(x: Array) -> Array:
        if cache.get("part") is not part:
            cache["part"], cache["matrix"] = part, matrix()
        m = cast(sparse.csr_array, cache["matrix"])
        x2 = np.atleast_2d(x)
        return np.asarray(m @ np.ascontiguousarray(x2.T), dtype=np.float64)

    return reduce


def audit_groups(
    offer: Offer, groups: LogGroups, schema: LogSchema, *, draws: int = 1000, seed: int = 42,
    records: RecordStore = EMPTY,
) -> list[GroupEstimate]:
    """The audit of every group of ``groups`` under ``offer``, in the groups' order.

    Each group is audited as a log of its own: ``contract`` is its logged period
    (``span x n / (n - 1)``), ``per_year`` that period annualised, the request count
    its row count exactly.

    Args:
        offer: the candidate service.
        groups: the binned log (:class:`GroupBuilder`).
        schema: what the log holds (``USAGE_LOG_SCHEMA``): each task's slots.
        draws: Monte Carlo draws (1 gives the deterministic central case).
        seed: the recorded seed; the same seed gives bit-identical figures.
        records: the benchmark records the offer pins.
    """
    sampler = Sampler(seed, draws)
    rows = groups.rows.astype(np.float64)
    span_s = groups.last_us / 10**6 - groups.first_us / 10**6
    with np.errstate(divide="ignore", invalid="ignore"):
        period_s = np.where(rows > 1, span_s * rows / (rows - 1), 0.0)
    known = period_s > 0
    period_years = np.where(known, period_s / (H_PER_YEAR * S_PER_H), 1.0)[:, None]
    idle_years = np.where(known, period_years[:, 0], 0.0)[:, None]
    steps = _steps(groups, schema, draws, sampler)
    totals, trace = run_chain(offer, steps, sampler, _no_reduce, records=records,
                              period_years=idle_years)
    records_used = list(trace.records)
    out: list[GroupEstimate] = []
    for g, key in enumerate(groups.keys):
        caveats: list[Caveat] = []
        if groups.duplicate_rows[g]:
            caveats.append(Caveat(code="audit-duplicate-rows", message=(
                f"{int(groups.duplicate_rows[g])} row(s) of the log repeat an earlier row "
                "exactly (same timestamp, task and sizes); they are counted as requests: "
                "check that the log was not exported twice")))
        if not known[g]:
            caveats.append(Caveat(code="audit-period-unknown", message=(
                "the log's timestamps span no time: per-year figures equal the logged totals "
                "and dedicated idle time is not counted")))
        # one group at a time: memory holds the totals of every group, not all figures
        mine = {k: np.ascontiguousarray(v[g] if np.ndim(v) == 2 else v, dtype=np.float64)
                for k, v in totals.items()}
        years = float(period_years[g, 0])
        draws_g = to_draws(mine, sampler.constant(float(rows[g])), sampler.constant(years),
                           period_scale=years)
        result = DrawsResult(draws_g, trace.noting(caveats))
        sha = inputs_sha256({"usage_log_sha256": groups.sha256[g]}, offer, records_used)
        est = summarise(result, profile_id=f"usage-log-{groups.sha256[g][:12]}",
                        offer_id=offer.id, seed=seed, draws=draws, inputs_sha256=sha)
        n = float(groups.rows[g])
        exact = Summary(p05=n, p50=n, p95=n, mean=n)
        est = est.model_copy(update={"contract": est.contract.model_copy(
            update={"requests": exact})})
        d = result.draws
        by = {c: d.per_year_energy_kwh[c] * d.contract_years
              for c in ("total", "facility_overhead", "accelerators", "idle")}
        energy = {"facility": by["total"], "it": by["total"] - by["facility_overhead"],
                  "accelerators": by["accelerators"] + by["idle"]}
        out.append(GroupEstimate(level=groups.levels[g], key=key, rows=int(groups.rows[g]),
                                 first_us=int(groups.first_us[g]),
                                 last_us=int(groups.last_us[g]), estimate=est,
                                 energy_kwh_draws=energy))
    return out


def _no_reduce(x: Array) -> Array:
    raise AssertionError("every step of a binned audit has its own reduction")
