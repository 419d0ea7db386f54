"""Bad input never gives a traceback: one line naming file, field and expectation, exit 2.

Each case writes one input file into an empty temporary folder, runs
``ia-empreinte validate`` on it and asserts the exact message, the exit code, that
nothing else was written, and (for a sample, in a real subprocess) that stderr holds
no traceback.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from ia_empreinte_cli.app import cli
from tests.support.documents import PROFILE_YAML

OFFER_YAML = """\
id: offer-a
vendor: Example
model:
  total_params_b: 8
deployment:
  accelerator: nvidia-h100-sxm-80gb
  accelerator_count: 1
  batch_size: 8
  zone: FR
  pue: 1.2
"""


def profile(old: str, new: str) -> str:
    assert old in PROFILE_YAML, old
    return PROFILE_YAML.replace(old, new)


def offer(old: str, new: str) -> str:
    assert old in OFFER_YAML, old
    return OFFER_YAML.replace(old, new)


def alias_bomb() -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(ord("b"), ord("j")):
        prev = chr(i - 1)
        lines.append(f"{chr(i)}: &{chr(i)} [{', '.join(['*' + prev] * 9)}]")
    return "\n".join(lines) + "\n"


@dataclass
class Case:
    id: str
    name: str
    content: str | bytes | Callable[[Path], None]
    message: str
    kind: str | None = None


CASES = [
    # --- wrong types -----------------------------------------------------------
    Case("string-number", "p.yaml", profile("requests_per_day: 10", "requests_per_day: lots"),
         "volume.requests_per_day: expected a number or a distribution such as "
         "{dist: triangular, low, mode, high}, got 'lots'"),
    Case("boolean-number", "p.yaml", profile("input_tokens: 100", "input_tokens: true"),
         "request.input_tokens: expected a number or a distribution, got a boolean"),
    Case("list-for-section", "p.yaml",
         profile("volume:\n  requests_per_day: 10\n  days_per_year: 200", "volume: [1, 2]"),
         "volume: input should be a valid dictionary or instance of Volume, got a list"),
    Case("top-level-list", "p.yaml", "- 1\n- 2\n",
         "top level is a list; expected a mapping of fields"),
    Case("unknown-task", "p.yaml", profile("task: text-generation", "task: text-gen"),
         "task: input should be 'text-generation', 'embeddings', 'text-classification', "
         "'speech-to-text', 'text-to-speech', 'image-classification', 'object-detection', "
         "'image-generation' or 'tabular-prediction'"),
    # --- negative, zero, NaN, inf, absurd ----------------------------------------
    Case("negative-volume", "p.yaml", profile("requests_per_day: 10", "requests_per_day: -5"),
         "volume.requests_per_day: expected a number > 0 and <= 1e+10 requests/day, got -5"),
    Case("zero-volume", "p.yaml", profile("requests_per_day: 10", "requests_per_day: 0"),
         "volume.requests_per_day: expected a number > 0 and <= 1e+10 requests/day, got 0"),
    Case("zero-years", "p.yaml", profile("contract_years: 2", "contract_years: 0"),
         "contract_years: expected a number > 0 and <= 30 years, got 0"),
    Case("nan-yaml", "p.yaml", profile("input_tokens: 100", "input_tokens: .nan"),
         "request.input_tokens: expected a finite number, got nan"),
    Case("inf-yaml", "p.yaml", profile("output_tokens: 50", "output_tokens: .inf"),
         "request.output_tokens: expected a finite number, got inf"),
    Case("nan-json", "p.json",
         '{"id": "tiny", "task": "text-generation", "request": {"input_tokens": NaN, '
         '"output_tokens": 1}, "volume": {"requests_per_day": 1}, "contract_years": 1}',
         "invalid JSON: NaN is not a valid JSON number"),
    Case("absurd-volume", "p.yaml", profile("requests_per_day: 10", "requests_per_day: 1e15"),
         "volume.requests_per_day: expected a number > 0 and <= 1e+10 requests/day, got 1e+15"),
    Case("absurd-days", "p.yaml", profile("days_per_year: 200", "days_per_year: 400"),
         "volume.days_per_year: expected a number > 0 and <= 366 days, got 400"),
    Case("absurd-tokens", "p.yaml", profile("input_tokens: 100", "input_tokens: 1e9"),
         "request.input_tokens: expected a number >= 0 and <= 1e+07 tokens, got 1e+09"),
    # --- unknown and misspelled keys -----------------------------------------
    Case("unknown-key", "p.yaml", PROFILE_YAML + "colour: blue\n",
         "colour: unknown field (expected one of: basis, contract_years, description, "
         "functional_unit, id, reference_cases, reference_flow, request, sources, steps, "
         "task, title, title_fr, version, volume, warnings)"),
    Case("misspelled-key", "p.yaml", profile("requests_per_day: 10", "request_per_day: 10"),
         "volume.request_per_day: unknown field; did you mean 'requests_per_day'? (expected "
         "one of: days_per_year, hours_per_day, peak_factor, requests_per_day) "
         "(and 1 more problem)"),
    Case("missing-field", "p.yaml", profile("contract_years: 2\n", ""),
         "contract_years: required field is missing"),
    # --- distributions ---------------------------------------------------------
    Case("inverted-triangular", "p.yaml",
         profile("input_tokens: 100",
                 "input_tokens: {dist: triangular, low: 300, mode: 200, high: 100}"),
         "request.input_tokens: triangular distribution: expected low <= mode <= high, "
         "got low=300, mode=200, high=100"),
    Case("inverted-uniform", "p.yaml",
         profile("requests_per_day: 10", "requests_per_day: {dist: uniform, low: 20, high: 10}"),
         "volume.requests_per_day: uniform distribution: low (20) must not exceed high (10)"),
    Case("lognormal-gsd", "p.yaml",
         profile("requests_per_day: 10", "requests_per_day: {dist: lognormal, p50: 10, gsd: 0.5}"),
         "volume.requests_per_day: lognormal distribution: gsd: input should be greater "
         "than or equal to 1"),
    Case("unknown-dist", "p.yaml",
         profile("requests_per_day: 10", "requests_per_day: {dist: beta, a: 1, b: 2}"),
         "volume.requests_per_day: expected 'dist' to be one of uniform, triangular, "
         "lognormal, normal, got 'beta'"),
    Case("negative-bound", "p.yaml",
         profile("output_tokens: 50", "output_tokens: {dist: uniform, low: -10, high: 10}"),
         "request.output_tokens: low must be a number >= 0 and <= 1e+07 tokens, got -10"),
    # --- cross-field rules -----------------------------------------------------
    Case("task-needs-field", "p.yaml", profile("  output_tokens: 50\n", ""),
         "task 'text-generation' needs request.output_tokens"),
    Case("task-and-steps", "p.yaml",
         PROFILE_YAML + "steps:\n  - {name: a, task: embeddings, request: {input_tokens: 5}}\n",
         "give either 'task' and 'request', or 'steps', not both"),
    # --- offers and catalog ids ------------------------------------------------
    Case("unknown-accelerator", "o.yaml",
         offer("nvidia-h100-sxm-80gb", "nvidia-h100-sxm"),
         "deployment: unknown accelerator 'nvidia-h100-sxm'; did you mean "
         "'nvidia-h100-sxm-80gb'? (see `ia-empreinte catalog accelerators`)"),
    Case("unknown-zone", "o.yaml", offer("zone: FR", "zone: XX"),
         "deployment: unknown zone 'XX' (see `ia-empreinte catalog zones`)"),
    Case("zero-accelerators", "o.yaml", offer("accelerator_count: 1", "accelerator_count: 0"),
         "deployment.accelerator_count: input should be greater than or equal to 1"),
    Case("pue-below-one", "o.yaml", offer("pue: 1.2", "pue: 0.9"),
         "deployment.pue: expected a number >= 1 and <= 4, got 0.9"),
    Case("fractional-batch", "o.yaml", offer("batch_size: 8", "batch_size: 0.5"),
         "deployment.batch_size: expected a number >= 1 and <= 100000 concurrent requests, "
         "got 0.5"),
    Case("model-without-size", "o.yaml", offer("  total_params_b: 8\n", "  name: secret\n"),
         "model: give 'total_params_b' or a catalog model 'id'"),
    Case("absurd-params", "o.yaml", offer("total_params_b: 8", "total_params_b: 1e7"),
         "model.total_params_b: expected a number > 0 and <= 100000 billion parameters, "
         "got 1e+07"),
    # --- files -------------------------------------------------------------------
    Case("empty-file", "p.yaml", "", "file is empty; expected a document"),
    Case("blank-file", "p.yaml", "\n\n   \n", "file is empty; expected a document"),
    Case("binary-file", "p.yaml", bytes(range(256)) * 4,
         "binary content; expected a UTF-8 text document"),
    Case("latin1-file", "p.yaml", "title: caf\xe9\n".encode("latin-1"),
         "not UTF-8 text; expected a UTF-8 text document"),
    Case("directory", "p.yaml", lambda p: p.mkdir(), "is a directory; expected a file"),
    Case("missing-file", "p.yaml", lambda p: None, "file not found"),
    Case("bad-extension", "p.txt", PROFILE_YAML,
         "unsupported file extension '.txt'; expected .yaml, .yml, .toml or .json"),
    Case("duplicate-keys", "p.yaml", PROFILE_YAML + "contract_years: 3\n",
         "invalid YAML: line 10, column 1: duplicate key 'contract_years'"),
    Case("alias-bomb", "p.yaml", alias_bomb(),
         "invalid YAML: line 1, column 4: YAML anchors (&name) are not accepted; "
         "write the value out"),
    Case("alias", "p.yaml", "x: &v 3\ny: *v\n",
         "invalid YAML: line 1, column 4: YAML anchors (&name) are not accepted; "
         "write the value out"),
    Case("yaml-syntax", "p.yaml", "id: [unclosed\n",
         "invalid YAML: line 2, column 1: expected ',' or ']', but got '<stream end>'"),
    Case("json-syntax", "p.json", '{"id": "tiny",}',
         "invalid JSON: line 1, column 15: Expecting property name enclosed in double quotes"),
    Case("toml-syntax", "p.toml", "id = \n",
         "invalid TOML: Invalid value (at line 1, column 6)"),
    Case("lone-surrogate", "p.json", '{"id": "tiny", "title": "\\ud800"}',
         "text holds an unpaired surrogate escape (such as \\ud800); expected valid Unicode"),
    Case("huge-file", "p.yaml",
         lambda p: p.write_bytes(b"# padding\n" * (5 * 1024 * 1024)),
         "file is 50.0 MiB; the limit is 10 MiB"),
    Case("undetectable-kind", "p.yaml", "title: something\n",
         "cannot tell what kind of document this is; give --kind (profile, offer, record)"),
]


def materialise(case: Case, folder: Path) -> Path:
    path = folder / case.name
    if callable(case.content):
        case.content(path)
    elif isinstance(case.content, bytes):
        path.write_bytes(case.content)
    else:
        path.write_text(case.content, encoding="utf-8")
    return path


def test_at_least_thirty_cases() -> None:
    assert len(CASES) >= 30
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_gives_one_line_and_exit_2(case: Case, tmp_path: Path) -> None:
    path = materialise(case, tmp_path)
    before = sorted(tmp_path.rglob("*"))
    args = ["validate", str(path)] + (["--kind", case.kind] if case.kind else [])
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.stdout == ""
    assert result.stderr == f"Error: {path}: {case.message}\n"
    assert sorted(tmp_path.rglob("*")) == before


@pytest.mark.parametrize("case_id", ["misspelled-key", "binary-file", "alias-bomb", "directory"])
def test_no_traceback_in_a_real_process(case_id: str, tmp_path: Path) -> None:
    case = next(c for c in CASES if c.id == case_id)
    path = materialise(case, tmp_path)
    proc = subprocess.run(
        [sys.executable, "-m", "ia_empreinte_cli", "validate", str(path)],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr == f"Error: {path}: {case.message}\n"
    assert "Traceback" not in proc.stderr
