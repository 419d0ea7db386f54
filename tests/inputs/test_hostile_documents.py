"""Hostile input documents: each is refused in one line naming the file (and field).

FIFOs and devices are refused before anything is read (no command waits or reads
without end), symbolic link loops are named as such, UTF-16 is named, JSON duplicate
keys are refused like YAML and TOML ones (files and HTTP bodies), integers beyond the
float range are refused with their field, YAML complex keys, merge keys and the YAML 1.1
numbers people misread (``0365`` is octal 245, ``1:00`` is 60) are refused.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from ia_empreinte.errors import InputFileError
from ia_empreinte.inputs.documents import read_document
from ia_empreinte.server import ServerSettings, running
from ia_empreinte.server.settings import read_tokens
from ia_empreinte_cli.app import cli
from tests.conftest import ROOT
from tests.support.documents import PROFILE_YAML

PROFILE = {"id": "tiny", "task": "text-generation",
           "request": {"input_tokens": 100, "output_tokens": 50},
           "volume": {"requests_per_day": 10, "days_per_year": 200}, "contract_years": 2}


def _validate(path: Path) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["validate", str(path)])
    return result.exit_code, result.output


# --- item 12: FIFOs and devices, checked before reading (in a real process: no hang) ----


@pytest.fixture
def inputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copy(ROOT / "profiles" / "chatbot-web-metropole.yaml", tmp_path / "p.yaml")
    shutil.copy(ROOT / "examples" / "offers" / "open-mid-cloud-fr.yaml", tmp_path / "o.yaml")
    os.mkfifo(tmp_path / "fifo.yaml")
    os.mkfifo(tmp_path / "fifo.csv")
    os.mkfifo(tmp_path / "fifo.json")
    (tmp_path / "zero.yaml").symlink_to("/dev/zero")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["validate", "fifo.yaml"], "fifo.yaml: is a FIFO (named pipe); expected a regular file"),
        (["validate", "zero.yaml"], "zero.yaml: is a character device; expected a regular file"),
        (["estimate", "fifo.yaml", "o.yaml"],
         "fifo.yaml: is a FIFO (named pipe); expected a regular file"),
        (["estimate", "p.yaml", "zero.yaml"],
         "zero.yaml: is a character device; expected a regular file"),
        (["audit", "o.yaml", "fifo.csv"],
         "fifo.csv: is a FIFO (named pipe); expected a regular file"),
        (["verify", "fifo.json"], "fifo.json: is a FIFO (named pipe); expected a regular file"),
        (["serve", "--tokens-file", "fifo.csv"],
         "fifo.csv: is a FIFO (named pipe); expected a regular file"),
    ],
    ids=["validate-fifo", "validate-zero", "estimate-fifo", "estimate-zero", "audit-fifo",
         "verify-fifo", "serve-tokens-fifo"],
)
def test_fifos_and_devices_are_refused_before_reading(
    inputs: Path, args: list[str], message: str
) -> None:
    run = subprocess.run([sys.executable, "-m", "ia_empreinte_cli", *args],
                         capture_output=True, text=True, timeout=60)
    assert (run.returncode, run.stdout, run.stderr) == (2, "", f"Error: {message}\n")


def test_tokens_file_from_dev_zero_is_refused(tmp_path: Path) -> None:
    link = tmp_path / "tokens.txt"
    link.symlink_to("/dev/zero")
    with pytest.raises(InputFileError) as caught:
        read_tokens(link)
    assert str(caught.value) == f"{link}: is a character device; expected a regular file"


def test_a_file_over_the_limit_is_refused_before_reading(tmp_path: Path) -> None:
    from ia_empreinte._files import read_input_bytes

    path = tmp_path / "big.yaml"
    with open(path, "wb") as fh:
        fh.truncate(11 * 1024 * 1024)
    with pytest.raises(InputFileError) as caught:
        read_document(path)
    assert str(caught.value) == f"{path}: file is 11.0 MiB; the limit is 10 MiB"
    with pytest.raises(InputFileError) as caught:
        read_input_bytes(path, limit=1024)
    assert str(caught.value) == f"{path}: file is 11.0 MiB; the limit is 1024 bytes"


def test_reads_are_recorded_by_inode(tmp_path: Path) -> None:
    from ia_empreinte._files import tracking_reads

    path = tmp_path / "p.yaml"
    path.write_text(PROFILE_YAML)
    with tracking_reads() as log:
        read_document(path)
    assert list(log.files.values()) == [str(path)]
    assert log.holds(os.stat(path))


# --- item 26: messages about the file itself --------------------------------------------


def test_a_symbolic_link_loop_is_named(tmp_path: Path) -> None:
    loop = tmp_path / "loop.yaml"
    loop.symlink_to(loop)
    assert _validate(loop) == (2, f"Error: {loop}: symbolic link loop; expected a file\n")


def test_a_dangling_symbolic_link_is_named(tmp_path: Path) -> None:
    link = tmp_path / "p.yaml"
    link.symlink_to(tmp_path / "gone.yaml")
    assert _validate(link) == (
        2, f"Error: {link}: symbolic link to a missing file ({tmp_path / 'gone.yaml'})\n")


@pytest.mark.parametrize(
    ("encoding", "label"),
    [("utf-16", "UTF-16"), ("utf-16-le", "UTF-16"), ("utf-16-be", "UTF-16"),
     ("utf-32", "UTF-32")],
)
def test_utf16_and_utf32_are_named(tmp_path: Path, encoding: str, label: str) -> None:
    path = tmp_path / "p.yaml"
    path.write_bytes(PROFILE_YAML.encode(encoding))
    assert _validate(path) == (
        2, f"Error: {path}: {label} text; expected a UTF-8 text document\n")


# --- item 13: duplicate keys in JSON, files and HTTP bodies -------------------------------


DUPLICATES = [
    ('{"id": "tiny", "contract_years": 1, "contract_years": 30}', "contract_years"),
    ('{"id": "tiny", "volume": {"days_per_year": 200, "days_per_year": 365}}',
     "days_per_year"),
    ('{"steps": [{"name": "a", "name": "b"}]}', "name"),
]


@pytest.mark.parametrize(("text", "key"), DUPLICATES)
def test_json_duplicate_keys_are_refused(tmp_path: Path, text: str, key: str) -> None:
    path = tmp_path / "p.json"
    path.write_text(text)
    assert _validate(path) == (2, f"Error: {path}: invalid JSON: duplicate key '{key}'\n")


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    with running(ServerSettings()) as base, httpx.Client(base_url=base) as c:
        yield c


@pytest.mark.parametrize(("text", "key"), DUPLICATES)
def test_json_duplicate_keys_in_a_body_are_400(
    client: httpx.Client, text: str, key: str
) -> None:
    r = client.post("/v1/validate/profile", content=text.encode(),
                    headers={"content-type": "application/json"})
    assert r.status_code == 400, r.text
    assert r.json()["detail"] == f"invalid JSON: duplicate key '{key}'"


# --- item 15: integers beyond the float range -----------------------------------------------


BIG = "1" + "0" * 400


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("p.yaml", PROFILE_YAML.replace("contract_years: 2", f"contract_years: {BIG}")),
        ("p.json", json.dumps(PROFILE).replace('"contract_years": 2',
                                               f'"contract_years": {BIG}')),
        ("p.toml", f'id = "tiny"\ntask = "text-generation"\ncontract_years = {BIG}\n'
                   "[request]\ninput_tokens = 100\noutput_tokens = 50\n"
                   "[volume]\nrequests_per_day = 10\ndays_per_year = 200\n"),
    ],
)
def test_integers_beyond_the_float_range_are_refused(
    tmp_path: Path, name: str, text: str
) -> None:
    path = tmp_path / name
    path.write_text(text)
    assert _validate(path) == (
        2, f"Error: {path}: contract_years: number too large; expected a finite number "
        "(at most about 1.8e308)\n")


def test_an_integer_beyond_the_float_range_in_a_body_is_4xx(client: httpx.Client) -> None:
    body = json.dumps({**PROFILE, "volume": {**PROFILE["volume"]}}).replace(
        '"requests_per_day": 10', f'"requests_per_day": {BIG}')  # type: ignore[dict-item]
    r = client.post("/v1/validate/profile", content=body.encode(),
                    headers={"content-type": "application/json"})
    assert r.status_code == 400, r.text
    doc = r.json()
    assert doc["detail"] == "number too large; expected a finite number (at most about 1.8e308)"
    assert (doc["field"], doc["pointer"]) == ("volume.requests_per_day", "/volume/requests_per_day")


def test_an_integer_beyond_the_float_range_in_estimate_is_one_line(tmp_path: Path) -> None:
    profile = tmp_path / "p.yaml"
    profile.write_text((ROOT / "profiles" / "callbot-mairie-30k.yaml").read_text()
                       .replace("contract_years: 3", f"contract_years: {BIG}"))
    result = CliRunner().invoke(cli, ["estimate", str(profile),
                                      str(ROOT / "examples" / "offers" / "callbot-fr.yaml")])
    assert result.exit_code == 2
    assert result.output == (f"Error: {profile}: contract_years: number too large; expected "
                             "a finite number (at most about 1.8e308)\n")


# --- items 16, 23, 26: YAML complex keys, merge keys, YAML 1.1 numbers ------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("? [a, b]\n: 1\n", "invalid YAML: line 1, column 3: complex keys (? [a, b] or "
         "? {a: b}) are not accepted; expected a field name"),
        ("id: x\n? {a: 1}\n: 2\n", "invalid YAML: line 2, column 3: complex keys (? [a, b] "
         "or ? {a: b}) are not accepted; expected a field name"),
        ("volume:\n  <<: {days_per_year: 200}\n", "invalid YAML: line 2, column 3: YAML "
         "merge keys (<<) are not accepted; write the fields out"),
        ("volume:\n  <<: 5\n", "invalid YAML: line 2, column 3: YAML merge keys (<<) are "
         "not accepted; write the fields out"),
        ("days_per_year: 0365\n", "invalid YAML: line 1, column 16: '0365' has a leading "
         "zero, which YAML 1.1 reads as octal (245); write 365 without it, or quote it if "
         "it is text"),
        ("days_per_year: -012\n", "invalid YAML: line 1, column 16: '-012' has a leading "
         "zero, which YAML 1.1 reads as octal (-10); write 12 without it, or quote it if "
         "it is text"),
        ("hours_per_day: 1:00\n", "invalid YAML: line 1, column 16: '1:00' is a base-60 "
         "number in YAML 1.1 (60); quote it if it is text, or write the number in base 10"),
        ("hours_per_day: 1:30.5\n", "invalid YAML: line 1, column 16: '1:30.5' is a base-60 "
         "number in YAML 1.1 (90.5); quote it if it is text, or write the number in base 10"),
        ("rows: 0b101\n", "invalid YAML: line 1, column 7: '0b101' is a binary number in "
         "YAML 1.1 only; write the number in base 10"),
    ],
    ids=["complex-list-key", "complex-map-key", "merge-key", "merge-key-scalar", "octal",
         "negative-octal", "sexagesimal-int", "sexagesimal-float", "binary"],
)
def test_yaml_forms_people_misread_are_refused(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(text)
    assert _validate(path) == (2, f"Error: {path}: {message}\n")


@pytest.mark.parametrize(
    ("text", "value"),
    [("n: 0\n", 0), ("n: -0\n", 0), ("n: 0.5\n", 0.5), ("n: 365\n", 365),
     ("n: 1_000\n", 1000), ("n: 0x1F\n", 31), ("n: '0365'\n", "0365"),
     ("n: '1:00'\n", "1:00"), ("n: 1e3\n", 1000.0), ("n: 00:30 UTC\n", "00:30 UTC")],
)
def test_plain_numbers_still_read(tmp_path: Path, text: str, value: object) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(text)
    assert read_document(path) == {"n": value}


# --- item 26: a token no HTTP header can carry is refused at start ------------------------


@pytest.mark.parametrize("token", ["jeton-secret-été-2027", "token-with-emoji-\U0001f642-0123",
                                   "токен-0123456789abcdef"])
def test_a_non_ascii_token_is_refused_at_start(tmp_path: Path, token: str) -> None:
    path = tmp_path / "tokens.txt"
    path.write_text(f"# tokens\nvalid-token-0123456789\n{token}\n", encoding="utf-8")
    with pytest.raises(InputFileError) as caught:
        read_tokens(path)
    assert str(caught.value) == (
        f"{path}: line 3: a token must be printable ASCII characters (letters, digits, "
        "punctuation); an HTTP header cannot carry others")


def test_an_unknown_validate_kind_lists_each_kind_once(client: httpx.Client) -> None:
    r = client.post("/v1/validate/fiche", json={})
    assert r.status_code == 404
    assert r.json()["detail"] == ("unknown document kind 'fiche'; expected one of: profile, "
                                  "offer, record")
    enum = client.get("/openapi.json").json()["paths"]["/v1/validate/{kind}"]["post"][
        "parameters"][0]["schema"]["enum"]
    assert enum == ["profile", "offer", "record"]


def test_an_integer_beyond_the_float_range_in_a_jsonl_log_is_one_line(tmp_path: Path) -> None:
    log = tmp_path / "log.jsonl"
    log.write_text('{"timestamp": "2027-01-05T10:00:00+01:00", "input_tokens": '
                   f'{BIG}, "output_tokens": 5}}\n')
    result = CliRunner().invoke(cli, ["audit", str(ROOT / "examples" / "offers"
                                                   / "open-mid-cloud-fr.yaml"), str(log)])
    assert result.exit_code == 2
    # the value is shown cut to its first characters and its length
    assert result.output == (f"Error: {log}: line 1: column 'input_tokens': expected a "
                             f"number >= 0, got {BIG[:60]}... ({len(BIG)} chars)\n")
