"""Bad input to every command that reads files or options: one line, exit 2, nothing written.

``test_bad_inputs`` covers the document reader through ``validate``; this module runs
each of the other commands on a wrong kind of document, a bad cell, a non-finite
option, an unwritable output and the like, in a folder holding only good inputs, and
asserts the exact message (``Error: FILE: FIELD: what is expected``), exit code 2,
an empty stdout and that no file (not even a temporary one) was left behind. A few
cases run in a real process to prove stderr holds no traceback.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

from ia_empreinte_cli.app import cli
from tests.conftest import ROOT

RECORD_SHA = "7e11ddd5cc6979a7b4190a9014429d53f5e9bcf36a359576225680f156925a26"
WORKLOAD = str(ROOT / "benchmarks" / "workloads" / "chat-fr.json")
TINYLM = f"{ROOT / 'benchmarks' / 'servers' / 'tinylm.py'}:chat"
LOG_HEAD = "timestamp,input_tokens,output_tokens\n"
STAMP = "2027-01-01T08:20:00+01:00"


def _inputs(folder: Path) -> None:
    """Good inputs: a profile, an offer, an offer pinning a record, the record, a log."""
    shutil.copy(ROOT / "profiles" / "chatbot-web-metropole.yaml", folder / "p.yaml")
    shutil.copy(ROOT / "examples" / "offers" / "open-mid-cloud-fr.yaml", folder / "o.yaml")
    (folder / "offers").mkdir()
    (folder / "records").mkdir()
    shutil.copy(ROOT / "examples" / "offers" / "essai-releve-tinylm.yaml", folder / "offers")
    shutil.copy(ROOT / "examples" / "records" / "releve-candidat-b.json", folder / "records")
    shutil.copy(ROOT / "examples" / "usage-logs" / "chatbot-extrait-janvier.csv",
                folder / "log.csv")
    (folder / "empty.yaml").write_text("")
    (folder / "d").mkdir()


@pytest.fixture(scope="module")
def fiche_text(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A canonical fiche made by ``report`` (20 draws keeps verify fast)."""
    folder = tmp_path_factory.mktemp("fiche")
    _inputs(folder)
    out = folder / "f.json"
    result = CliRunner().invoke(cli, ["report", str(folder / "p.yaml"), str(folder / "o.yaml"),
                                      "--draws", "20", "-o", str(out)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out.read_text(encoding="utf-8")


def _fiche_with(fiche_text: str, path: tuple[str, ...], value: object) -> str:
    data = json.loads(fiche_text)
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return json.dumps(data)


@dataclass
class Case:
    id: str
    args: list[str]
    message: str
    files: dict[str, str] = field(default_factory=dict)
    """Extra files to write first (relative path -> text)."""
    usage: bool = False
    """A click usage error: usage lines, then the one ``Error:`` line."""


def _offer_pinning(sha: str) -> str:
    text = (ROOT / "examples" / "offers" / "essai-releve-tinylm.yaml").read_text()
    assert RECORD_SHA in text
    return text.replace(RECORD_SHA, sha)


def _altered_record() -> str:
    data = json.loads((ROOT / "examples" / "records" / "releve-candidat-b.json").read_text())
    data["results"]["per_request_wh"]["mean"] *= 0.5
    return json.dumps(data, indent=1, sort_keys=True) + "\n"


EST = ["--draws", "5"]
CASES = [
    # --- wrong kind of document --------------------------------------------------
    Case("estimate-offer-as-profile", ["estimate", "o.yaml", "o.yaml", *EST],
         "o.yaml: this is an offer; expected a usage profile"),
    Case("estimate-profile-as-offer", ["estimate", "p.yaml", "p.yaml", *EST],
         "p.yaml: this is a usage profile; expected an offer"),
    Case("estimate-record-as-offer",
         ["estimate", "p.yaml", "records/releve-candidat-b.json", *EST],
         "records/releve-candidat-b.json: this is a benchmark record; expected an offer"),
    Case("audit-profile-as-offer", ["audit", "p.yaml", "log.csv", *EST],
         "p.yaml: this is a usage profile; expected an offer"),
    Case("clause-offer-as-profile", ["clause", "o.yaml"],
         "o.yaml: this is an offer; expected a usage profile"),
    Case("compare-profile-as-offer", ["compare", "p.yaml", "o.yaml", "p.yaml", *EST],
         "p.yaml: this is a usage profile; expected an offer"),
    Case("verify-profile-as-fiche", ["verify", "p.yaml"],
         "p.yaml: this is a usage profile; expected a fiche"),
    Case("verify-record-as-fiche", ["verify", "records/releve-candidat-b.json"],
         "records/releve-candidat-b.json: this is a benchmark record; expected a fiche"),
    Case("validate-profile-as-offer", ["validate", "--kind", "offer", "p.yaml"],
         "p.yaml: this is a usage profile; expected an offer"),
    Case("bench-verify-yaml-profile", ["bench", "verify", "p.yaml"],
         "p.yaml: invalid JSON (Expecting value: line 1 column 1 (char 0)); expected a "
         "benchmark record (the JSON file `ia-empreinte bench run` writes)"),
    Case("bench-verify-offer-json", ["bench", "verify", "o.json"],
         "o.json: this is an offer; expected a benchmark record",
         files={"o.json": json.dumps({"id": "x", "deployment": {}})}),
    Case("bench-verify-key-is-directory",
         ["bench", "verify", "records/releve-candidat-b.json", "--public-key", "records"],
         "records: is a directory; expected a public key file (from `ia-empreinte bench "
         "keygen`) or 64 hexadecimal characters"),
    Case("bench-verify-key-missing",
         ["bench", "verify", "records/releve-candidat-b.json", "--public-key", "vendor.pub"],
         "vendor.pub: file not found; expected a public key file (from `ia-empreinte bench "
         "keygen`) or 64 hexadecimal characters"),
    # --- missing, empty, directory -------------------------------------------------
    Case("estimate-missing-profile", ["estimate", "missing.yaml", "o.yaml", *EST],
         "missing.yaml: file not found"),
    Case("estimate-empty-offer", ["estimate", "p.yaml", "empty.yaml", *EST],
         "empty.yaml: file is empty; expected a document"),
    Case("audit-missing-log", ["audit", "o.yaml", "missing.csv", *EST],
         "missing.csv: cannot read the usage log (No such file or directory)"),
    Case("estimate-output-is-directory", ["estimate", "p.yaml", "o.yaml", "-o", "d", *EST],
         "Invalid value for '-o' / '--output': File 'd' is a directory.", usage=True),
    # --- bad cells in a usage log -----------------------------------------------------
    Case("audit-text-cell", ["audit", "o.yaml", "bad.csv", *EST],
         "bad.csv: line 2: column 'input_tokens': expected a number >= 0, got 'abc'",
         files={"bad.csv": f"{LOG_HEAD}{STAMP},abc,322\n"}),
    Case("audit-absurd-tokens", ["audit", "o.yaml", "bad.csv", *EST],
         "bad.csv: line 3: column 'input_tokens': expected a number >= 0 and <= 1e+07 "
         "tokens, got 1e+30",
         files={"bad.csv": f"{LOG_HEAD}{STAMP},5,322\n{STAMP},1e30,322\n"}),
    Case("audit-duplicate-column", ["audit", "o.yaml", "bad.csv", *EST],
         "bad.csv: column 'input_tokens' appears twice; expected each column once",
         files={"bad.csv": f"timestamp,input_tokens,input_tokens\n{STAMP},5,6\n"}),
    Case("audit-unknown-task", ["audit", "o.yaml", "bad.csv", *EST],
         "bad.csv: line 2: column 'task': unknown task 'chat'; expected one of "
         "text-generation, embeddings, text-classification, speech-to-text, "
         "text-to-speech, image-classification, object-detection, image-generation, "
         "tabular-prediction",
         files={"bad.csv": f"timestamp,input_tokens,output_tokens,task\n{STAMP},5,6,chat\n"}),
    Case("audit-json-boolean", ["audit", "o.yaml", "bad.jsonl", *EST],
         "bad.jsonl: line 1: column 'input_tokens': expected a number >= 0, got True",
         files={"bad.jsonl": json.dumps({"timestamp": STAMP, "input_tokens": True,
                                         "output_tokens": 3}) + "\n"}),
    Case("audit-json-nested-too-deeply", ["audit", "o.yaml", "deep.jsonl", *EST],
         "deep.jsonl: line 1: invalid JSON (nested too deeply)",
         files={"deep.jsonl": '{"timestamp": ' + "[" * 100_000 + "]" * 100_000 + "}\n"}),
    Case("bench-verify-nested-too-deeply", ["bench", "verify", "deep.json"],
         "deep.json: invalid JSON (nested too deeply); expected a benchmark record",
         files={"deep.json": '{"a": ' + "[" * 100_000 + "]" * 100_000 + "}\n"}),
    Case("bench-verify-huge-file", ["bench", "verify", "big.json"],
         "big.json: file is 11.0 MiB; the limit for a benchmark record is 10 MiB",
         files={"big.json": '{"a": "' + "x" * (11 * 1024 * 1024 - 10) + '"}\n'}),
    # --- non-finite or out-of-range options -------------------------------------------
    Case("compare-points-inf", ["compare", "p.yaml", "o.yaml", "--points", "inf", *EST],
         "--points: expected a finite number, got inf"),
    Case("compare-floor-nan", ["compare", "p.yaml", "o.yaml", "--floor", "nan", *EST],
         "--floor: expected a finite number, got nan"),
    Case("report-points-overflow",
         ["report", "p.yaml", "o.yaml", "-o", "f.json", "--points", "1e400", *EST],
         "--points: expected a finite number, got inf"),
    Case("clause-weight-nan", ["clause", "p.yaml", "--weight", "nan"],
         "weight: expected a number from 0 to 100, got nan"),
    Case("score-simulate-text", ["score", "simulate", "1", "2", "abc"],
         "Invalid value for 'VALUES...': 'abc' is not a valid float range.", usage=True),
    Case("score-simulate-nan", ["score", "simulate", "nan", "1"],
         "values to score must be finite and >= 0, got nan"),
    Case("bench-run-params-nan",
         ["bench", "run", "--callable", TINYLM, "--workload", WORKLOAD, "--smoke", "-q",
          "--params-b", "nan", "-o", "r.json"],
         "model.total_params_b: expected a finite number, got nan"),
    Case("bench-run-offer-as-workload",
         ["bench", "run", "--callable", TINYLM, "--workload", "o.json", "--smoke", "-q",
          "-o", "r.json"],
         "o.json: this is an offer; expected a workload pack",
         files={"o.json": json.dumps({"id": "x", "deployment": {}})}),
    # --- output files -------------------------------------------------------------------
    Case("estimate-output-missing-folder",
         ["estimate", "p.yaml", "o.yaml", "-o", "nodir/x.json", *EST],
         "nodir/x.json: cannot write the output (No such file or directory)"),
    Case("report-docx", ["report", "p.yaml", "o.yaml", "-o", "x.docx", *EST],
         "x.docx: cannot tell the report format from the extension '.docx'; expected a "
         "file ending in .pdf, .html, .md, .xlsx, .json"),
    Case("report-no-extension", ["report", "p.yaml", "o.yaml", "-o", "fiche", *EST],
         "fiche: cannot tell the report format from a name without extension; expected a "
         "file ending in .pdf, .html, .md, .xlsx, .json"),
    Case("report-missing-folder", ["report", "p.yaml", "o.yaml", "-o", "nodir/f.xlsx", *EST],
         "nodir/f.xlsx: cannot write the output (No such file or directory)"),
    Case("bench-export-missing-folder",
         ["bench", "export", "records/releve-candidat-b.json", "-o", "nodir/x.json"],
         "nodir/x.json: cannot write the output (No such file or directory)"),
    Case("bench-run-missing-folder",
         ["bench", "run", "--callable", TINYLM, "--workload", WORKLOAD, "--smoke", "-q",
          "-o", "nodir/r.json"],
         "nodir/r.json: cannot write the output (No such file or directory)"),
    Case("bench-keygen-missing-folder", ["bench", "keygen", "nodir/vendor"],
         "nodir/vendor.key: cannot write the key (No such file or directory)"),
    Case("bench-keygen-empty-prefix", ["bench", "keygen", ""],
         "expected a file name prefix such as 'vendor' (writes vendor.key and vendor.pub)"),
    Case("profile-new-missing-folder",
         ["profile", "new", "--no-input", "--title", "T", "--id", "t", "--task",
          "embeddings", "--input-tokens", "5", "--requests-per-day", "9", "-o", "nodir/t.yaml"],
         "nodir/t.yaml: cannot write the output (No such file or directory)"),
    Case("profile-new-not-yaml",
         ["profile", "new", "--no-input", "--title", "T", "-o", "t.txt"],
         "t.txt: expected a file name ending in .yaml or .yml"),
    Case("offer-template-missing-folder", ["offer", "template", "-o", "nodir/t.yaml"],
         "nodir/t.yaml: cannot write the output (No such file or directory)"),
    Case("estimate-output-over-profile",
         ["estimate", "p.yaml", "o.yaml", "--format", "json", "-o", "./p.yaml", *EST],
         "./p.yaml: is also an input of this command; expected another output file"),
    Case("audit-output-over-log", ["audit", "o.yaml", "log.csv", "-o", "log.csv", *EST],
         "log.csv: is also an input of this command; expected another output file"),
    Case("report-output-over-offer", ["report", "p.yaml", "o.json", "-o", "o.json", *EST],
         "o.json: is also an input of this command; expected another output file",
         files={"o.json": json.dumps({"id": "x", "deployment": {}})}),
    Case("bench-export-over-record",
         ["bench", "export", "records/releve-candidat-b.json", "-o",
          "records/releve-candidat-b.json"],
         "records/releve-candidat-b.json: is also an input of this command; expected "
         "another output file"),
    # --- records referenced by an offer ----------------------------------------------------
    Case("offer-pins-another-record", ["estimate", "p.yaml", "offers/pin.yaml", *EST],
         f"offers/../records/releve-candidat-b.json: record hash {RECORD_SHA} does not "
         f"match the expected {'ab' * 32}: the offer pins another version of this record",
         files={"offers/pin.yaml": _offer_pinning("ab" * 32)}),
    Case("offer-record-altered",
         ["estimate", "p.yaml", "offers/essai-releve-tinylm.yaml", *EST],
         "offers/../records/releve-candidat-b.json: rule 'hash': content hash "
         "1c9195022f4eb227d08affd1a50bdbfe98168c06bef0e05441034d437460d72b differs from "
         f"integrity.record_sha256 {RECORD_SHA}: the record was altered",
         files={"records/releve-candidat-b.json": _altered_record()}),
]


def _tree(folder: Path) -> list[tuple[str, str]]:
    """Every path under ``folder`` (dotfiles included) with its content's hash."""
    return sorted(
        (str(p.relative_to(folder)),
         "dir" if p.is_dir() else hashlib.sha256(p.read_bytes()).hexdigest())
        for p in folder.rglob("*")
    )


def _prepare(case: Case, folder: Path) -> None:
    _inputs(folder)
    for name, text in case.files.items():
        (folder / name).write_text(text, encoding="utf-8")


def test_enough_cases() -> None:
    assert len(CASES) >= 20
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_gives_one_line_exit_2_and_writes_nothing(
    case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _prepare(case, tmp_path)
    monkeypatch.chdir(tmp_path)
    before = _tree(tmp_path)
    result = CliRunner().invoke(cli, case.args)
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.stdout == ""
    if case.usage:
        assert [x for x in result.stderr.splitlines() if x.startswith("Error:")] == [
            f"Error: {case.message}"
        ]
        assert result.stderr.endswith(f"Error: {case.message}\n")
    else:
        assert result.stderr == f"Error: {case.message}\n"
    assert _tree(tmp_path) == before


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("inputs", "profile", "volume", "requests_per_day"), "lots",
         "inputs.profile.volume.requests_per_day: expected a number or a distribution such "
         "as {dist: triangular, low, mode, high}, got 'lots'"),
        (("schema",), "ia-empreinte/fiche@9", "schema: input should be 'ia-empreinte/fiche@1'"),
    ],
    ids=["invalid-embedded-input", "unknown-schema"],
)
def test_verify_an_invalid_fiche_is_one_line_exit_2(
    fiche_text: str, tmp_path: Path, path: tuple[str, ...], value: object, message: str
) -> None:
    fiche = tmp_path / "f.json"
    fiche.write_text(_fiche_with(fiche_text, path, value))
    result = CliRunner().invoke(cli, ["verify", str(fiche)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"Error: {fiche}: {message}\n"


def test_verify_a_tampered_figure_lists_it_and_exits_1(fiche_text: str, tmp_path: Path) -> None:
    data = json.loads(fiche_text)
    scored = data["comparison"]["offers"][0]["scored"]
    stored = scored["p50"]
    scored["p50"] = stored * 2
    fiche = tmp_path / "f.json"
    fiche.write_text(json.dumps(data))
    result = CliRunner().invoke(cli, ["verify", str(fiche)])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{fiche}: ")
    assert lines[0].endswith("difference(s) with the recomputation:")
    assert any(line.strip().startswith("comparison.offers[0].scored.p50: stored")
               for line in lines[1:])
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "case_id", ["compare-points-inf", "bench-export-missing-folder", "audit-absurd-tokens",
                "bench-keygen-missing-folder"],
)
def test_no_traceback_in_a_real_process(case_id: str, tmp_path: Path) -> None:
    case = next(c for c in CASES if c.id == case_id)
    _prepare(case, tmp_path)
    before = _tree(tmp_path)
    proc = subprocess.run(
        [sys.executable, "-m", "ia_empreinte_cli", *case.args],
        capture_output=True, text=True, check=False, cwd=tmp_path,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr == f"Error: {case.message}\n"
    assert _tree(tmp_path) == before


def test_a_stray_field_of_another_kind_keeps_the_field_message(tmp_path: Path) -> None:
    """An offer with a stray ``volume`` is still an offer: the field is named, not the kind."""
    offer = tmp_path / "o.yaml"
    text = (ROOT / "examples" / "offers" / "open-mid-cloud-fr.yaml").read_text()
    offer.write_text(text + "volume: 3\n")
    result = CliRunner().invoke(cli, ["validate", "--kind", "offer", str(offer)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {offer}: volume: unknown field (expected one of: benchmarks, components, "
        "declared, deployment, id, illustrative, model, notes, service, task, training, vendor)\n"
    )


def test_write_output_and_check_writable_leave_nothing(tmp_path: Path) -> None:
    from ia_empreinte.errors import InputFileError
    from ia_empreinte.render.files import check_writable, write_output

    target = tmp_path / "nope" / "a.json"
    for call in (lambda: write_output(target, "x"), lambda: check_writable(target)):
        with pytest.raises(InputFileError) as caught:
            call()
        assert str(caught.value) == (
            f"{target}: cannot write the output (No such file or directory)"
        )
    with pytest.raises(InputFileError) as caught:
        check_writable(tmp_path)
    assert str(caught.value) == (
        f"{tmp_path}: cannot write the output (it is a directory; expected a file name)"
    )
    check_writable(tmp_path / "ok.json")
    assert list(tmp_path.iterdir()) == []
