"""Package-level contracts: public API, import cost, layering, schemas, CLI basics."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

import ia_empreinte
from ia_empreinte_cli.app import cli
from tests.conftest import PROFILES, ROOT

SRC = ROOT / "src" / "ia_empreinte"
CLI_SRC = ROOT / "cli" / "ia_empreinte_cli"


def test_all_is_sorted_and_complete() -> None:
    assert ia_empreinte.__all__ == sorted(ia_empreinte.__all__)
    exports = ia_empreinte._EXPORTS  # the lazy table behind __getattr__
    assert set(exports) == set(ia_empreinte.__all__) - {"__version__"}
    for name in ia_empreinte.__all__:
        assert getattr(ia_empreinte, name) is not None
    # the TYPE_CHECKING imports name the same objects as the lazy table
    tree = ast.parse((SRC / "__init__.py").read_text(encoding="utf-8"))
    static = {
        (a.asname or a.name): (node.module, a.name)
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module and node.module != "__future__"
        for a in node.names
        if node.module.startswith("ia_empreinte")
    }
    static.pop("__version__", None)
    assert static == exports


def test_no_public_name_is_shadowed_by_a_submodule() -> None:
    import pkgutil

    submodules = {m.name for m in pkgutil.iter_modules(ia_empreinte.__path__)}
    assert submodules & set(ia_empreinte.__all__) == set()


def test_version_matches_pyproject() -> None:
    from importlib.metadata import version

    assert version("ia-empreinte") == ia_empreinte.__version__
    result = CliRunner().invoke(cli, ["--version"], catch_exceptions=False)
    assert result.output == f"ia-empreinte, version {ia_empreinte.__version__}\n"


HEAVY = ("codecarbon", "matplotlib", "click", "fpdf", "openpyxl", "fastapi", "uvicorn", "pandas")


def test_import_is_light() -> None:
    code = (
        "import sys, ia_empreinte; "
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


# Layer table: a module may import modules of its own layer or lower ones only.
LAYERS: dict[str, int] = {
    "_version": 0,
    "_canonical": 0,
    "types": 0,
    "errors": 0,
    "units": 0,
    "uncertainty": 1,
    "inputs.documents": 2,
    "catalog": 3,
    "profiles": 4,
    "offers": 5,
    "records": 5,
    "results": 5,
    "engine": 6,
    "audit": 6,
    "scoring": 7,
    "equivalents": 7,
    "comparison": 8,
    "kit": 9,
    "sheet": 9,
    "render": 10,
    "schemas": 11,
    "inputs": 11,  # the edge: reads files and request bodies into the values below
    "harness": 11,  # the measuring side, also at the edge: reads workloads, writes records
    "server": 12,
}


def _layer_of(module: str) -> str:
    parts = module.split(".")
    if parts[:3] == ["ia_empreinte", "inputs", "documents"]:
        return "inputs.documents"  # the parsing floor the models use; inputs/ is the edge
    return parts[1] if len(parts) > 1 and parts[0] == "ia_empreinte" else ""


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            if node.module == "ia_empreinte":
                found.update(f"ia_empreinte.{a.name}" for a in node.names)
    return found


LIB_FILES = sorted(p for p in SRC.rglob("*.py") if p.name != "__init__.py" or p.parent != SRC)


@pytest.mark.parametrize("path", LIB_FILES, ids=[str(p.relative_to(SRC)) for p in LIB_FILES])
def test_data_flows_one_way(path: Path) -> None:
    rel = path.relative_to(SRC)
    own = rel.parts[0].removesuffix(".py")
    if rel.as_posix() == "inputs/documents.py":
        own = "inputs.documents"
    assert own in LAYERS, f"declare {own} in the LAYERS table"
    for imported in _imports(path):
        assert not imported.startswith(("click", "ia_empreinte_cli")), (
            f"{rel} imports {imported}: the library never imports the CLI"
        )
        other = _layer_of(imported)
        if other and other in LAYERS:
            assert LAYERS[other] <= LAYERS[own], f"{rel} imports {imported} from a higher layer"


def test_cli_imports_only_the_public_api() -> None:
    for path in sorted(CLI_SRC.rglob("*.py")):
        for imported in _imports(path):
            if imported.startswith("ia_empreinte.") and not imported.startswith(
                ("ia_empreinte.render", "ia_empreinte.errors")
            ):
                name = imported.split(".")[1]
                assert name in ia_empreinte.__all__, (
                    f"{path.name} imports {imported}: import it from ia_empreinte"
                )


SHIPPED_PROFILES = sorted(PROFILES.glob("*.yaml"))


@pytest.mark.parametrize("path", SHIPPED_PROFILES, ids=[p.name for p in SHIPPED_PROFILES])
def test_schema_validates_shipped_profiles(path: Path) -> None:
    result = CliRunner().invoke(cli, ["schema", "profile"], catch_exceptions=False)
    schema = json.loads(result.output)
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(yaml.safe_load(path.read_text(encoding="utf-8")), schema)


def test_schema_rejects_what_the_models_reject() -> None:
    schema = ia_empreinte.json_schema("profile")
    doc = yaml.safe_load(SHIPPED_PROFILES[0].read_text(encoding="utf-8"))
    doc["colour"] = "blue"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, schema)


@pytest.mark.parametrize("name", ia_empreinte.schema_names())
def test_every_schema_is_valid_json_schema(name: str) -> None:
    jsonschema.Draft202012Validator.check_schema(ia_empreinte.json_schema(name))


def test_validate_prints_one_line_per_file() -> None:
    result = CliRunner().invoke(
        cli, ["validate", *map(str, SHIPPED_PROFILES)], catch_exceptions=False
    )
    assert result.output == "".join(f"{p}: valid profile\n" for p in SHIPPED_PROFILES)


def test_python_m_entry_point() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "ia_empreinte_cli", "--help"],
        capture_output=True, text=True, check=True,
    )
    assert proc.stdout.startswith("Usage: ia-empreinte [OPTIONS] COMMAND [ARGS]...")


@pytest.mark.parametrize("table", ["zones", "accelerators", "servers", "datacenters", "models"])
def test_catalog_command_every_format(table: str) -> None:
    runner = CliRunner()
    as_json = json.loads(
        runner.invoke(cli, ["catalog", table, "--format", "json"], catch_exceptions=False).output
    )
    columns, rows = ia_empreinte.catalog_table(table)
    assert as_json == json.loads(json.dumps(rows))
    csv_out = runner.invoke(cli, ["catalog", table, "--format", "csv"], catch_exceptions=False)
    assert csv_out.output.splitlines()[0] == ",".join(columns)
    assert len(csv_out.output.splitlines()) >= len(rows) + 1
    text = runner.invoke(cli, ["catalog", table, "--format", "table"], catch_exceptions=False)
    lines = text.output.splitlines()
    assert lines[0].startswith("id ")
    assert len(lines) == len(rows) + 2
    assert all(r["source"] and r["year"] for r in rows if "source" in r)


def test_catalog_zone_row_for_france() -> None:
    _, rows = ia_empreinte.catalog_table("zones")
    fr = next(r for r in rows if r["id"] == "FR")
    assert fr["iso3"] == "FRA"
    assert fr["gwp_kgco2e_per_kwh"] == 0.04418
