"""README "For vendors": its commands use real options, its excerpt is the real record."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any

import click
import pytest

from ia_empreinte import verify_record
from ia_empreinte_cli.app import cli
from tests.conftest import ROOT
from tests.support.doc_console import section_text

DOC_SECTION = "For vendors: measure your model"
RECORDS = sorted((ROOT / "benchmarks" / "records").glob("*.json"))


def _blocks(lang: str) -> list[str]:
    text, _ = section_text(ROOT / "README.md", DOC_SECTION)
    return re.findall(rf"```{lang}\n(.*?)```", text, flags=re.S)


def _commands() -> list[list[str]]:
    out = []
    for block in _blocks("sh"):
        joined = block.replace("\\\n", " ")
        for line in joined.splitlines():
            line = line.split("#")[0].strip()
            words = shlex.split(line)
            for i, w in enumerate(words):
                if w.endswith("ia-empreinte") and words[i + 1:i + 2] == ["bench"]:
                    out.append(words[i + 1:])
    return out


def _sub(expected: Any, actual: Any, where: str = "") -> None:
    if isinstance(expected, dict):
        for k, v in expected.items():
            assert k in actual, f"{where}.{k} not in the record"
            _sub(v, actual[k], f"{where}.{k}")
    else:
        assert expected == actual, f"{where}: doc says {expected}, record has {actual}"


def test_doc_commands_use_real_options() -> None:
    commands = _commands()
    assert len(commands) >= 6
    for words in commands:
        ctx = click.Context(cli)
        group = cli.get_command(ctx, "bench")
        assert isinstance(group, click.Group)
        command = group.get_command(ctx, words[1])
        assert command is not None, words
        known = {o for p in command.params for o in getattr(p, "opts", [])}
        for w in words[2:]:
            if w == "--":
                break
            if w.startswith("-"):
                assert w in known, f"{' '.join(words[:2])}: unknown option {w}"


def test_doc_excerpt_is_the_shipped_record() -> None:
    (excerpt,) = _blocks("json")
    data = json.loads(excerpt)
    record = json.loads((ROOT / "benchmarks" / "records" / "tinylm-fr-rag-cpu.json").read_text())
    _sub(data, record)


@pytest.mark.parametrize("path", RECORDS, ids=[p.name for p in RECORDS])
def test_shipped_records_verify_with_the_shipped_key(path: Path) -> None:
    record, checks = verify_record(path, public_key=str(path.parent / "demo-vendor.pub"))
    assert not record.protocol.smoke
    assert record.protocol.windows >= 5 and record.protocol.window_s >= 60
    assert all(c.status != "fail" for c in checks)


def test_doc_verify_output_is_real(monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    monkeypatch.chdir(ROOT)
    (shown,) = _blocks("text")
    # as the README runs it: with the vendor's public key (without it, the line says
    # that the signing key is not verified against a known key)
    result = CliRunner().invoke(cli, ["bench", "verify",
                                      "benchmarks/records/tinylm-fr-rag-cpu.json",
                                      "--public-key", "benchmarks/records/demo-vendor.pub"],
                                catch_exceptions=False)
    assert result.output == shown


@pytest.mark.parametrize("path", RECORDS, ids=[p.name for p in RECORDS])
def test_shipped_records_match_the_json_schema(path: Path) -> None:
    import jsonschema

    from ia_empreinte import json_schema

    jsonschema.validate(json.loads(path.read_text(encoding="utf-8")), json_schema("record"))
