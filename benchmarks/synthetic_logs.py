"""Seeded synthetic usage logs of French collectivités, for tests (small) and the
national-scale benchmark (large): ``python benchmarks/synthetic_logs.py OUT --rows N``.

The log is written hive style, one Parquet file per collectivité and month
(``collectivite=C00042/month=2026-03/part-0.parquet``), or returned as one pyarrow table.
Every partition is drawn from its own stream (seed, collectivité, month), so a partition
is the same whatever the others and the generation can stop and restart.

What is realistic here (assumptions, not measurements):

- collectivités by size: many communes, fewer intercommunalités, departments and
  regions (a Zipf-like law over the rank), requests a day growing with the size;
- tasks by size: every one chats with an assistant (text-generation); the larger ones
  also sort incoming mail (text-classification) and index documents for search
  (embeddings, run at night);
- days: working days busy, Saturday a quarter, Sunday a tenth, August at 60 %;
- hours: office hours with a lunch dip for the assistants and mail, a 1-5 h night
  batch for indexing;
- sizes: lognormal tokens (prompt ~ 900 tokens with RAG context, answer ~ 250), integers.
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

__all__ = ["Partition", "generate", "partition_table", "partitions"]

TASKS = ("text-generation", "text-classification", "embeddings")
_SIZES = ("commune", "intercommunalite", "departement", "region")
_SIZE_SHARE = (0.80, 0.13, 0.05, 0.02)
_SIZE_WEIGHT = (1.0, 6.0, 20.0, 40.0)
"""Relative requests a day by size."""
_TASK_MIX = {  # share of requests per task by size
    "commune": (1.0, 0.0, 0.0),
    "intercommunalite": (0.85, 0.15, 0.0),
    "departement": (0.70, 0.20, 0.10),
    "region": (0.60, 0.20, 0.20),
}
_WEEKDAY = np.array([1.0, 1.0, 1.0, 1.0, 0.9, 0.25, 0.1])
_OFFICE = np.array([0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.5, 2.0, 6.0, 9.0, 10.0, 9.0,
                    5.0, 6.0, 9.0, 9.0, 8.0, 6.0, 3.0, 2.0, 1.5, 1.0, 0.6, 0.3])
_NIGHT = np.array([1.0, 6.0, 8.0, 8.0, 6.0, 1.0] + [0.05] * 18)


@dataclass(frozen=True)
class Partition:
    collectivite: str
    size: str
    month: str
    rows: int
    index: int


def _months(start: str, count: int) -> list[str]:
    y, m = (int(x) for x in start.split("-"))
    out = []
    for _ in range(count):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def partitions(rows: int, *, collectivites: int = 100, months: int = 12,
               start: str = "2026-01", seed: int = 7) -> list[Partition]:
    """How many requests each collectivité logs each month (they sum to ``rows``)."""
    rng = np.random.default_rng([seed, 0])
    sizes = rng.choice(len(_SIZES), size=collectivites, p=_SIZE_SHARE)
    weight = np.array(_SIZE_WEIGHT)[sizes] / (1 + np.arange(collectivites)) ** 0.3
    month_ids = _months(start, months)
    season = np.array([0.6 if m.endswith("-08") else 1.0 for m in month_ids])
    share = (weight[:, None] * season[None, :]).ravel()
    counts = rng.multinomial(rows, share / share.sum())
    out = []
    for i, n in enumerate(counts):
        c, k = divmod(i, months)
        out.append(Partition(f"C{c:05d}", _SIZES[int(sizes[c])], month_ids[k], int(n), i))
    return out


def partition_table(p: Partition, *, seed: int = 7) -> pa.Table:
    """The requests of one partition, in time order."""
    rng = np.random.default_rng([seed, 1, p.index])
    mix = np.array(_TASK_MIX[p.size])
    task = rng.choice(len(TASKS), size=p.rows, p=mix).astype(np.int8)
    y, m = (int(x) for x in p.month.split("-"))
    ndays = calendar.monthrange(y, m)[1]
    day_w = np.array([_WEEKDAY[dt.date(y, m, d + 1).weekday()] for d in range(ndays)])
    day = rng.choice(ndays, size=p.rows, p=day_w / day_w.sum())
    hour = np.where(task == 2, rng.choice(24, size=p.rows, p=_NIGHT / _NIGHT.sum()),
                    rng.choice(24, size=p.rows, p=_OFFICE / _OFFICE.sum()))
    start_us = int(dt.datetime(y, m, 1, tzinfo=dt.UTC).timestamp()) * 10**6
    us = (start_us + day.astype(np.int64) * 86_400_000_000 + hour.astype(np.int64)
          * 3_600_000_000 + rng.integers(0, 3_600_000_000, size=p.rows))
    prompt = np.rint(rng.lognormal(np.log(900), 0.8, size=p.rows)).clip(1, 60_000)
    answer = np.rint(rng.lognormal(np.log(250), 0.6, size=p.rows)).clip(1, 8_000)
    doc = np.rint(rng.lognormal(np.log(400), 0.5, size=p.rows)).clip(1, 8_192)
    mail = np.rint(rng.lognormal(np.log(300), 0.7, size=p.rows)).clip(1, 8_192)
    input_tokens = np.where(task == 0, prompt, np.where(task == 1, mail, doc))
    order = np.argsort(us, kind="stable")
    out_mask = task[order] != 0
    return pa.table({
        "timestamp": pa.array(us[order], pa.timestamp("us", tz="UTC")),
        "task": pa.DictionaryArray.from_arrays(pa.array(task[order]), pa.array(TASKS)),
        "input_tokens": pa.array(input_tokens[order].astype(np.int32)),
        "output_tokens": pa.array(answer[order].astype(np.int32), mask=out_mask),
    })


def table(rows: int, **kwargs: object) -> pa.Table:
    """The whole log as one table (small sizes: tests)."""
    seed = int(kwargs.pop("seed", 7))  # type: ignore[call-overload]
    parts = partitions(rows, seed=seed, **kwargs)  # type: ignore[arg-type]
    tables = []
    for p in parts:
        t = partition_table(p, seed=seed)
        tables.append(t.append_column("collectivite", pa.array([p.collectivite] * t.num_rows,
                                                               pa.string()))
                      .append_column("month", pa.array([p.month] * t.num_rows, pa.string())))
    return pa.concat_tables(tables)


def generate(root: str | Path, rows: int, *, seed: int = 7, **kwargs: object
             ) -> Iterator[Partition]:
    """Write the log under ``root`` hive style, one partition at a time (yielded)."""
    for p in partitions(rows, seed=seed, **kwargs):  # type: ignore[arg-type]
        if p.rows == 0:
            continue
        folder = Path(root) / f"collectivite={p.collectivite}" / f"month={p.month}"
        folder.mkdir(parents=True, exist_ok=True)
        pq.write_table(partition_table(p, seed=seed), folder / "part-0.parquet",
                       row_group_size=65_536)
        yield p


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--collectivites", type=int, default=100)
    ap.add_argument("--months", type=int, default=12)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args(argv)
    n = sum(p.rows for p in generate(a.out, a.rows, seed=a.seed,
                                     collectivites=a.collectivites, months=a.months))
    print(f"{n:,} rows written under {a.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
