"""``ia-empreinte bench keygen|verify|export`` and lazy imports of the harness."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from ia_empreinte_cli.app import cli
from tests.conftest import ROOT
from tests.support.bench import make_record


def _signed(tmp_path: Path) -> tuple[Path, Path]:
    runner = CliRunner()
    result = runner.invoke(cli, ["bench", "keygen", str(tmp_path / "vendor")],
                           catch_exceptions=False)
    lines = result.output.splitlines()
    assert lines[0] == f"private key {tmp_path / 'vendor.key'} (keep secret)"
    assert (tmp_path / "vendor.key").stat().st_mode & 0o777 == 0o600
    import functools

    from ia_empreinte.harness.signing import load_private_key, sign

    signer = functools.partial(sign, load_private_key(tmp_path / "vendor.key"))
    record = make_record(signer=signer)
    path = tmp_path / "record.json"
    path.write_text(record.file_text(), encoding="utf-8")
    return path, tmp_path / "vendor.pub"


def test_keygen_refuses_to_overwrite(tmp_path: Path) -> None:
    runner = CliRunner()
    runner.invoke(cli, ["bench", "keygen", str(tmp_path / "k")], catch_exceptions=False)
    again = runner.invoke(cli, ["bench", "keygen", str(tmp_path / "k")])
    assert again.exit_code == 2
    assert "never overwritten" in again.output


def test_verify_with_public_key(tmp_path: Path) -> None:
    path, pub = _signed(tmp_path)
    result = CliRunner().invoke(cli, ["bench", "verify", str(path), "--public-key", str(pub),
                                      "--lang", "en"], catch_exceptions=False)
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "pass  window-length        shortest window 60.0 s"
    assert lines[-2].startswith("Valid signature (key fingerprint ")
    assert lines[-1].startswith("Verdict: ")


def test_verify_speaks_french_by_default(tmp_path: Path) -> None:
    """The buyer's table: French labels and French details with decimal commas; the
    record keeps its English details (what is stored and hashed does not change)."""
    path, pub = _signed(tmp_path)
    result = CliRunner().invoke(cli, ["bench", "verify", str(path), "--public-key", str(pub)],
                                catch_exceptions=False)
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "ok         durée des fenêtres         fenêtre la plus courte 60,0 s"
    table = "\n".join(lines[:-2])
    for english in ("shortest window", "windows", "average", "idle power", "CI half-width",
                    "load average", "modelled by", "results match"):
        assert english not in table, english
    assert lines[-1].startswith("Verdict : ")

    from ia_empreinte.records.verify import check_plausibility

    record = make_record()
    checks = check_plausibility(record)
    assert checks[0].detail == "shortest window 60.0 s"
    assert checks[0].text("fr") == "fenêtre la plus courte 60,0 s"
    assert "_detail_fr" not in json.dumps([c.model_dump() for c in checks])


def test_verify_names_the_failed_rule_and_exits_2(tmp_path: Path) -> None:
    path, _ = _signed(tmp_path)
    other = tmp_path / "other"
    CliRunner().invoke(cli, ["bench", "keygen", str(other)], catch_exceptions=False)
    result = CliRunner().invoke(cli, ["bench", "verify", str(path), "--public-key",
                                      str(tmp_path / "other.pub")])
    assert result.exit_code == 2
    assert "rule 'signature'" in result.output
    raw = path.read_text().replace('"requests": 100', '"requests": 101', 1)
    path.write_text(raw)
    result = CliRunner().invoke(cli, ["bench", "verify", str(path)])
    assert result.exit_code == 2
    assert result.output.startswith(f"Error: {path}: rule 'hash'")


def test_export_boamps(tmp_path: Path) -> None:
    path, _ = _signed(tmp_path)
    out = tmp_path / "boamps.json"
    CliRunner().invoke(cli, ["bench", "export", str(path), "--format", "boamps", "-o",
                             str(out)], catch_exceptions=False)
    report = json.loads(out.read_text())
    record = make_record()
    assert report["header"]["formatVersion"] == "0.1"
    assert report["header"]["reportId"] == record.sha256()
    assert report["task"]["taskStage"] == "inference"
    assert report["task"]["nbRequest"] == 300
    assert [m["powerConsumption"] for m in report["measures"]] == [
        1800 / 3_600_000, 1860 / 3_600_000, 1740 / 3_600_000]
    assert report["measures"][0]["powerCalibrationMeasurement"] == 210 / 3_600_000
    assert report["measures"][0]["durationCalibrationMeasurement"] == 10.0


def test_harness_is_not_imported_by_estimate_paths() -> None:
    code = (
        "import sys, ia_empreinte, ia_empreinte_cli.app; "
        "print(sorted(m for m in ('codecarbon', 'cryptography', 'pynvml') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT).stdout
    assert out.strip() == "[]"


def test_bench_errors_are_one_line_and_write_nothing(tmp_path: Path) -> None:
    out = tmp_path / "x.json"
    result = CliRunner().invoke(cli, ["bench", "run", "--endpoint", "http://127.0.0.1:9",
                                      "--workload", str(ROOT / "benchmarks" / "workloads"
                                                        / "chat-fr.json"),
                                      "--smoke", "-q", "-o", str(out)])
    assert result.exit_code == 2
    assert result.output.startswith("Error: the target failed a pre-flight request")
    assert not out.exists()
    pack = ROOT / "benchmarks" / "workloads" / "chat-fr.json"
    result = CliRunner().invoke(cli, ["bench", "verify", str(pack)])
    assert result.exit_code == 2
    assert result.output == (f'Error: {pack}: schema: not a benchmark record: expected '
                             '"schema": "ia-empreinte/benchmark-record/1"\n')
