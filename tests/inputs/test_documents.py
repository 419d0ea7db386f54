"""One reader for YAML, TOML and JSON: the same document gives the same model."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import yaml

from ia_empreinte import load_profile
from ia_empreinte.inputs.documents import read_document
from tests.conftest import PROFILES

EXAMPLE = PROFILES / "chatbot-web-metropole.yaml"


def _toml_dump(data: dict[str, object]) -> str:
    # a tiny writer for this document's shapes (tables of scalars and inline tables)
    def value(v: object) -> str:
        if isinstance(v, dict):
            return "{" + ", ".join(f"{k} = {value(x)}" for k, x in v.items()) + "}"
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        return json.dumps(v, ensure_ascii=False)

    scalars = [f"{k} = {value(v)}" for k, v in data.items() if not isinstance(v, dict)]
    tables = [
        f"[{k}]\n" + "\n".join(f'"{kk}" = {value(vv)}' for kk, vv in v.items())
        for k, v in data.items()
        if isinstance(v, dict)
    ]
    return "\n".join(scalars) + "\n\n" + "\n\n".join(tables) + "\n"


def test_yaml_json_toml_give_the_same_profile(tmp_path: Path) -> None:
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    as_json = tmp_path / "p.json"
    as_json.write_text(json.dumps(data), encoding="utf-8")
    as_toml = tmp_path / "p.toml"
    as_toml.write_text(_toml_dump(data), encoding="utf-8")
    assert tomllib.loads(as_toml.read_text(encoding="utf-8")) == data
    reference = load_profile(EXAMPLE)
    assert load_profile(as_json) == reference
    assert load_profile(as_toml) == reference


def test_yaml_exponent_without_dot_is_a_number(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("a: 1e3\nb: 2.5E-2\nc: '1e3'\nd: 10\n", encoding="utf-8")
    assert read_document(path) == {"a": 1000.0, "b": 0.025, "c": "1e3", "d": 10}


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps({"title": "Mairie de Sèvres"}).encode())
    assert read_document(path) == {"title": "Mairie de Sèvres"}


def test_defaults_survive_a_json_round_trip(tmp_path: Path) -> None:
    """Defaults are parsed like given values, so a dumped document hashes the same."""
    from ia_empreinte import parse_profile
    from ia_empreinte.schemas import canonical_json

    path = tmp_path / "p.yaml"
    path.write_text(
        "id: tiny\ntask: embeddings\nrequest: {input_tokens: 30}\n"
        "volume: {requests_per_day: 10}\ncontract_years: 1\n",
        encoding="utf-8",
    )
    first = load_profile(path)
    assert first.volume.hours_per_day == 24.0
    assert isinstance(first.volume.hours_per_day, float)
    dumped = first.model_dump(mode="json")
    again = parse_profile(json.loads(json.dumps(dumped)))
    assert canonical_json(again.model_dump(mode="json")) == canonical_json(dumped)
