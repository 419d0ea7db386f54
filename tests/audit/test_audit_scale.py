"""The partitioned audit: formats, partitions and engines give the same bits; bad rows
are named; the metered reconciliation; the bins against the row-by-row audit."""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from ia_empreinte import USAGE_LOG_SCHEMA, InputFileError, load_offer, read_usage_log
from ia_empreinte import audit as audit_rows
from ia_empreinte.engine.log_groups import GroupBuilder
from ia_empreinte.execution import audit_log_dataset
from ia_empreinte.inputs.usage_logs import read_log_bins
from ia_empreinte.usage_log import bin_rows, merge_bins
from ia_empreinte_cli.app import cli

ROOT = Path(__file__).parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
import synthetic_logs  # noqa: E402

OFFER = str(ROOT / "examples" / "offers" / "open-mid-cloud-fr.yaml")
ROWS = 3_000
KW: dict[str, Any] = {"collectivites": 3, "months": 2, "start": "2026-07"}


def _figures(est: Any) -> dict[str, Any]:
    doc = est.model_dump(mode="json")
    return {k: doc[k] for k in ("per_request", "per_year", "contract")}


@pytest.fixture(scope="module")
def logs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The same requests as Parquet, CSV, JSONL and a partitioned folder."""
    d = tmp_path_factory.mktemp("logs")
    table = synthetic_logs.table(ROWS, **KW).drop_columns(["collectivite", "month"])
    pq.write_table(table, d / "log.parquet")
    pa_csv.write_csv(table, d / "log.csv")
    with (d / "log.jsonl").open("w") as f:
        for row in table.to_pylist():
            row["timestamp"] = row["timestamp"].isoformat()
            f.write(json.dumps({k: v for k, v in row.items() if v is not None}) + "\n")
    list(synthetic_logs.generate(d / "folder", ROWS, **KW))
    return {"parquet": d / "log.parquet", "csv": d / "log.csv", "jsonl": d / "log.jsonl",
            "folder": d / "folder"}


def test_formats_and_partitions_give_identical_figures(logs: dict[str, Path]) -> None:
    offer = load_offer(OFFER)
    results = {k: audit_log_dataset(offer, p, draws=200, seed=3) for k, p in logs.items()}
    national = {k: _figures(a.national.estimate) for k, a in results.items()}
    assert national["csv"] == national["parquet"] == national["jsonl"] == national["folder"]
    folder = results["folder"]
    levels = [g.level for g in folder.groups]
    assert levels == ["national"] + ["collectivite"] * 3 + ["month"] * 2 + ["partition"] * 6
    assert folder.national.rows == ROWS
    assert sum(g.rows for g in folder.groups if g.level == "month") == ROWS
    assert [dict(g.key)["month"] for g in folder.groups if g.level == "month"] == [
        "2026-07", "2026-08"]
    # a partition is audited as its own log (its period, its requests), at the national
    # bins' mean sizes: its file alone (its own bins' means) differs by far less than 1e-3
    part = folder.groups[-1]
    path = logs["folder"] / "collectivite=C00002" / "month=2026-08" / "part-0.parquet"
    alone = audit_log_dataset(offer, path, draws=200, seed=3).national.estimate
    assert part.estimate.contract.requests == alone.contract.requests
    for name in ("energy_kwh", "gwp_kgco2e", "water_l"):
        a, b = getattr(alone.contract, name), getattr(part.estimate.contract, name)
        assert b.p50 == pytest.approx(a.p50, rel=1e-3)


def test_bins_match_the_row_by_row_audit(logs: dict[str, Path]) -> None:
    """Bins at their mean sizes: linear terms exact, the rest within 1e-4 here."""
    offer = load_offer(OFFER)
    rows = audit_rows(offer, read_usage_log(logs["parquet"], USAGE_LOG_SCHEMA), draws=50)
    binned = audit_log_dataset(offer, logs["parquet"], draws=50).national.estimate
    for name in ("energy_kwh", "gwp_kgco2e", "water_l", "pe_mj"):
        a, b = getattr(rows.contract, name), getattr(binned.contract, name)
        assert b.mean == pytest.approx(a.mean, rel=1e-4)
        assert b.mean != a.mean or name == "requests"  # binned: not the same sum
    assert binned.contract.requests.p50 == ROWS


def test_bins_are_exact_integers_in_any_order() -> None:
    codes = np.array([0, 0, 0, 1], np.uint8)
    slots = np.full((4, 4), np.nan)
    slots[:, 0] = [10, 10, 1000, 7.25]
    slots[:3, 1] = [5, 5, 1001]
    bins = bin_rows(codes, slots)
    assert bins.counts.tolist() == [2, 1, 1]
    means = bins.means()
    assert means[0, :2].tolist() == [10.0, 5.0]  # below 64: one bin per integer
    assert means[1, :2].tolist() == [1000.0, 1001.0]
    assert means[2, 0] == 7.25 and np.isnan(means[2, 1])
    parts = [bin_rows(codes[i:i + 1], slots[i:i + 1]) for i in range(4)]
    for _ in range(5):
        random.Random(_).shuffle(parts)
        again = merge_bins(parts)
        assert again.keys.tolist() == bins.keys.tolist()
        assert again.sums_milli.tolist() == bins.sums_milli.tolist()


def test_arrival_order_does_not_change_groups(logs: dict[str, Path]) -> None:
    files = sorted((logs["folder"]).rglob("*.parquet"))
    parts = [read_log_bins(f, USAGE_LOG_SCHEMA, key=(("collectivite", f.parts[-3][13:]),
                                                     ("month", f.parts[-2][6:])))
             for f in files]
    one, two = GroupBuilder(), GroupBuilder()
    for p in parts:
        one.add(p)
    for p in reversed(parts):
        two.add(p)
    a, b = one.finish(), two.finish()
    assert a.keys == b.keys
    assert a.entry_count.tolist() == b.entry_count.tolist()
    assert a.bins.sums_milli.tolist() == b.bins.sums_milli.tolist()


def test_dask_local_cluster_gives_the_same_bits(logs: dict[str, Path], tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    offer = load_offer(OFFER)
    local = audit_log_dataset(offer, logs["folder"], draws=100, seed=9)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster:
        dask = audit_log_dataset(offer, logs["folder"], draws=100, seed=9, engine="dask",
                                 scheduler=cluster.scheduler_address)
        bad = tmp_path / "bad"
        (bad / "month=2026-01").mkdir(parents=True)
        (bad / "month=2026-01" / "a.jsonl").write_text(
            '{"timestamp": "2026-01-05T09:00:00Z", "input_tokens": 5, "output_tokens": -1}\n')
        with pytest.raises(InputFileError) as err:
            audit_log_dataset(offer, bad, draws=10, engine="dask",
                              scheduler=cluster.scheduler_address)
    assert err.value.one_line() == (f"{bad / 'month=2026-01' / 'a.jsonl'}: line 1: column "
                                    "'output_tokens': expected a number >= 0, got -1")
    assert [g.key for g in dask.groups] == [g.key for g in local.groups]
    for a, b in zip(local.groups, dask.groups, strict=True):
        assert a.estimate.model_dump(mode="json") == b.estimate.model_dump(mode="json")
        for scope in a.energy_kwh_draws:
            assert a.energy_kwh_draws[scope].tobytes() == b.energy_kwh_draws[scope].tobytes()


# --- the command -----------------------------------------------------------------------


def test_bad_row_in_a_partition_is_named_and_nothing_written(logs: dict[str, Path],
                                                             tmp_path: Path) -> None:
    folder = tmp_path / "folder"
    bad = folder / "collectivite=C1" / "month=2026-01"
    bad.mkdir(parents=True)
    (folder / "collectivite=C0" / "month=2026-01").mkdir(parents=True)
    (folder / "collectivite=C0" / "month=2026-01" / "a.csv").write_text(
        "timestamp,input_tokens,output_tokens\n2026-01-05T09:00:00Z,100,20\n")
    (bad / "a.csv").write_text("timestamp,input_tokens,output_tokens\n"
                               "2026-01-05T09:00:00Z,100,20\n2026-01-05T09:01:00Z,12,lots\n")
    out, parquet = tmp_path / "out.json", tmp_path / "out.parquet"
    result = CliRunner().invoke(cli, ["audit", OFFER, str(folder), "--draws", "10", "-o",
                                      str(out), "--parquet", str(parquet)])
    assert result.exit_code == 2
    assert result.stderr == (f"Error: {bad / 'a.csv'}: line 3: column 'output_tokens': "
                             "expected a number >= 0, got 'lots'\n")
    assert not out.exists() and not parquet.exists()


def test_metered_reconciliation(logs: dict[str, Path], tmp_path: Path) -> None:
    offer = load_offer(OFFER)
    base = audit_log_dataset(offer, logs["folder"], draws=200, seed=1)
    months = {dict(g.key)["month"]: g for g in base.groups if g.level == "month"}
    july = np.percentile(months["2026-07"].energy_kwh_draws["facility"], [5, 50, 95])
    metered = tmp_path / "metered.csv"
    metered.write_text(
        "month,deployment,energy_kwh,gpu_hours,accelerator\n"
        f"2026-07,chat,{float(july[1]) / 2!r},,\n2026-07,search,{float(july[1]) / 2!r},,\n"
        "2026-08,chat,,100,nvidia-h100-sxm-80gb\n")
    a = audit_log_dataset(offer, logs["folder"], draws=200, seed=1, metered=metered)
    jul, aug = a.reconciliation
    assert (jul.month, jul.scope, jul.deployments) == ("2026-07", "facility", ("chat", "search"))
    assert jul.metered_kwh == pytest.approx(july[1], rel=1e-12)
    jul_draws = months["2026-07"].energy_kwh_draws["facility"]
    assert jul.ratio_p50 == float(np.percentile(jul.metered_kwh / jul_draws, 50))
    assert jul.ratio_p05 < 1.0 < jul.ratio_p95
    assert jul.status == "within"
    # 100 GPU-hours x 700 W max power = 70 kWh: far above the re-estimated accelerators
    assert aug.metered_kwh == pytest.approx(70.0)
    assert (aug.scope, aug.status) == ("accelerators", "above")
    draws = months["2026-08"].energy_kwh_draws["accelerators"]
    assert aug.ratio_p50 == pytest.approx(float(np.percentile(70.0 / draws, 50)))


def test_metered_month_outside_the_log_is_named(logs: dict[str, Path], tmp_path: Path) -> None:
    metered = tmp_path / "m.csv"
    metered.write_text("month,energy_kwh\n2026-07,1\n2025-01,2\n")
    result = CliRunner().invoke(cli, ["audit", OFFER, str(logs["folder"]), "--draws", "10",
                                      "--metered", str(metered)])
    assert result.exit_code == 2
    assert result.stderr == (f"Error: {metered}: row 2: column 'month': 2025-01 is not a "
                             "month of the audited log; expected one of 2026-07, 2026-08\n")


def test_command_outputs(logs: dict[str, Path], tmp_path: Path) -> None:
    parquet, doc = tmp_path / "groups.parquet", tmp_path / "audit.json"
    result = CliRunner().invoke(cli, [
        "audit", OFFER, str(logs["folder"]), "--draws", "50", "--format", "document",
        "-o", str(doc), "--parquet", str(parquet), "--progress"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert f"{ROWS:,} rows read" in result.stderr and "6/6 files" in result.stderr
    data = json.loads(doc.read_text())
    assert data["national"]["rows"] == ROWS
    assert data["partition_fields"] == ["collectivite", "month"]
    assert len(data["groups"]) == 11
    table = pq.read_table(parquet)
    assert table.num_rows == 12
    assert table.column("level").to_pylist()[0] == "national"
    assert table.column("energy_kwh_p50")[0].as_py() == (
        data["national"]["estimate"]["contract"]["energy_kwh"]["p50"])
    assert table.schema.field("month").type == pa.string()
    quiet = CliRunner().invoke(cli, ["audit", OFFER, str(logs["csv"]), "--draws", "20",
                                     "--format", "json"], catch_exceptions=False)
    assert quiet.exit_code == 0 and quiet.stderr == ""
    assert json.loads(quiet.stdout)["contract"]["requests"]["p50"] == ROWS

