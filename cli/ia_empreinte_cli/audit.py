"""The audit command: a usage log (a file or a partitioned folder) re-estimated under an
offer, optionally reconciled with the operator's metered energy."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TextIO

import click

from ia_empreinte import load_offer, load_records
from ia_empreinte.execution import ENGINES, AuditProgress, audit_log_dataset
from ia_empreinte.execution.report import render_audit, render_audit_parquet
from ia_empreinte.render.estimate import FORMATS
from ia_empreinte.render.files import check_writable, write_output

__all__ = ["audit"]


class _ProgressLine:
    """Rows read, rate and time left on one line of stderr, at most 4 times a second."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.last = 0.0
        self.shown = False

    def __call__(self, p: AuditProgress) -> None:
        now = time.monotonic()
        if now - self.last < 0.25 and p.files_done < p.files:
            return
        self.last = now
        eta = "" if p.eta_s is None else f", about {_duration(p.eta_s)} left"
        self.stream.write(f"\r{p.rows:,} rows read ({p.rows_per_s:,.0f}/s), "
                          f"{p.files_done}/{p.files} files{eta}\033[K")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()


def _duration(seconds: float) -> str:
    s = int(seconds + 0.5)
    return f"{s // 3600}h{s % 3600 // 60:02d}m" if s >= 3600 else (
        f"{s // 60}m{s % 60:02d}s" if s >= 60 else f"{s}s")


@click.command()
@click.argument("offer", type=click.Path(dir_okay=False))
@click.argument("log", type=click.Path())
@click.option("--metered", type=click.Path(dir_okay=False),
              help="The operator's metered energy: month, deployment and energy_kwh (or "
                   "gpu_hours and accelerator) per row (CSV, JSONL or Parquet).")
@click.option("--parquet", "parquet_out", type=click.Path(dir_okay=False),
              help="Also write one row per group (national, per partition field value, per "
                   "partition) as Parquet.")
@click.option("--engine", type=click.Choice(ENGINES), default="local", show_default=True,
              help="Who reads the files: this process, or Dask (extra 'scale').")
@click.option("--scheduler", metavar="ADDRESS",
              help="A running Dask scheduler (tcp://host:8786); without it --engine dask "
                   "starts a local cluster.")
@click.option("--workers", type=click.IntRange(1, 256), default=2, show_default=True,
              help="Worker processes of the local Dask cluster.")
@click.option("--progress/--no-progress", default=None,
              help="Rows read, rate and time left on stderr (default: when stderr is a "
                   "terminal).")
@click.option("--format", "fmt", type=click.Choice((*FORMATS, "document")), default="table",
              show_default=True,
              help="Output: json is the national estimate (the estimate's JSON contract); "
                   "document the whole audit (every group, the reconciliation).")
@click.option("--draws", type=click.IntRange(1, 1_000_000), default=1000, show_default=True,
              help="Monte Carlo draws (1: central values only).")
@click.option("--seed", type=int, default=42, show_default=True,
              help="Random seed; the same seed gives identical figures.")
@click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True,
              help="Language of the tables (French by default).")
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Write to this file (atomically) instead of stdout.")
def audit(offer: str, log: str, metered: str | None, parquet_out: str | None, engine: str,
          scheduler: str | None, workers: int, progress: bool | None, fmt: str, draws: int,
          seed: int, lang: str, output: str | None) -> None:
    """Re-estimate the footprint of the requests in LOG under OFFER (ré-estimation à
    partir des volumes journalisés).

    LOG is a CSV, JSONL or Parquet file, or a folder partitioned hive style
    (collectivite=.../month=.../*.parquet), read in record batches in constant memory.
    Each row has a timestamp and the request sizes (input_tokens, output_tokens,
    audio_seconds, images, rows), plus task for a multi-task offer. Figures are given
    for the whole log and, for a folder, per partition, per value of each partition
    field (per collectivité, per month). ``contract`` is each group's logged period;
    ``per_year`` annualises it. This re-estimates from the logged volumes with the
    engine's models: it is not a measurement.
    """
    inputs = tuple(p for p in (offer, log, metered) if p is not None)
    for out in (output, parquet_out):
        if out is not None:
            check_writable(out, inputs=inputs)
    off = load_offer(offer)
    records = load_records([(off, Path(offer).parent)])
    show = sys.stderr.isatty() if progress is None else progress
    line = _ProgressLine(sys.stderr) if show else None
    try:
        result = audit_log_dataset(off, log, draws=draws, seed=seed, records=records,
                                   metered=metered, engine=engine,  # type: ignore[arg-type]
                                   scheduler=scheduler, workers=workers, progress=line)
    finally:
        if line is not None:
            line.close()
    text = render_audit(result, fmt, lang)
    data = render_audit_parquet(result) if parquet_out is not None else None
    if data is not None and parquet_out is not None:
        write_output(parquet_out, data, inputs=inputs)
    if output is None:
        click.echo(text, nl=False)
    else:
        write_output(output, text, inputs=inputs)
