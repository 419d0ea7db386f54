"""Package-level contracts: public API, layering, packaging and extras, schemas, CLI basics."""

from __future__ import annotations

import ast
import functools
import json
import re
import subprocess
import sys
import tomllib
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


def _imported_names(path: Path) -> dict[str, str]:
    """Public name -> module, for the ``from ia_empreinte... import`` lines of ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        (a.asname or a.name): node.module
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and node.module and node.module != "__future__"
        for a in node.names
    }


def test_all_is_sorted_and_complete() -> None:
    assert ia_empreinte.__all__ == sorted(ia_empreinte.__all__)
    # plain imports, each public name once: no lazy table, no module __getattr__
    assert set(_imported_names(SRC / "__init__.py")) == set(ia_empreinte.__all__)
    assert "__getattr__" not in vars(ia_empreinte)
    for name in ia_empreinte.__all__:
        assert getattr(ia_empreinte, name) is not None


def test_optional_parts_have_their_own_packages() -> None:
    # the harness and the HTTP API are extras: not re-exported from the root
    from ia_empreinte.harness import bench_export, bench_keygen, bench_run
    from ia_empreinte.server import ServerSettings, create_app, running, serve

    assert {"bench_run", "serve", "ServerSettings"} & set(ia_empreinte.__all__) == set()
    assert all((bench_export, bench_keygen, bench_run, ServerSettings, create_app, running,
                serve))


def test_no_public_name_is_shadowed_by_a_submodule() -> None:
    import pkgutil

    submodules = {m.name for m in pkgutil.iter_modules(ia_empreinte.__path__)}
    assert submodules & set(ia_empreinte.__all__) == set()


def test_version_matches_pyproject() -> None:
    from importlib.metadata import version

    assert version("ia-empreinte") == ia_empreinte.__version__
    result = CliRunner().invoke(cli, ["--version"], catch_exceptions=False)
    assert result.output == f"ia-empreinte, version {ia_empreinte.__version__}\n"


# --- the layers, checked by import-linter ([tool.importlinter] in pyproject.toml) -------

def test_import_contracts_are_kept() -> None:
    lint = Path(sys.executable).parent / "lint-imports"
    proc = subprocess.run(
        [str(lint), "--no-cache"], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Contracts: 2 kept, 0 broken." in proc.stdout


def test_the_library_never_imports_click() -> None:
    code = "import sys, ia_empreinte; print(sorted(m for m in ('click', 'ia_empreinte_cli') " \
        "if m in sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def _function_level_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {
        id(n)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        for n in ast.walk(node)
    }
    found = []
    for fn in ast.walk(tree):
        if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
            for node in ast.walk(fn):
                if id(node) in typing_only:
                    continue
                names = (
                    [node.module or ""] if isinstance(node, ast.ImportFrom)
                    else [a.name for a in node.names] if isinstance(node, ast.Import)
                    else []
                )
                found += [f"{path.name}:{node.lineno} {n}" for n in names
                          if n.split(".")[0] in {"ia_empreinte", "ia_empreinte_cli"}]
    return found


# The places that import their own modules inside functions: the server package stays
# importable without the server extra (``ia-empreinte serve`` then names the extra), and
# the registry package loads SQLAlchemy only when a registry is opened.
EXTRA_BOUNDARY = {SRC / "server" / "__init__.py", SRC / "registry" / "__init__.py"}
ALL_FILES = sorted([*SRC.rglob("*.py"), *CLI_SRC.rglob("*.py")])


@pytest.mark.parametrize("path", ALL_FILES, ids=[str(p.relative_to(ROOT)) for p in ALL_FILES])
def test_imports_are_at_module_top(path: Path) -> None:
    if path not in EXTRA_BOUNDARY:
        assert _function_level_imports(path) == []


# --- packaging: what the core install gives, what the extras add -----------------------

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _dist(requirement: str) -> str:
    return re.split(r"[<>=!~ \[;]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _extra_modules(path: Path) -> set[str]:
    """Third-party modules a file may import that only an extra installs."""
    if path.is_relative_to(SRC / "harness"):
        return {"codecarbon", "pynvml"}
    if path.is_relative_to(SRC / "server"):
        return {"fastapi", "jinja2", "starlette", "uvicorn"}
    if path == SRC / "execution" / "engines.py":  # the Dask engine, imported when asked
        return {"distributed"}
    return set()


def _third_party(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {
        id(n)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        for n in ast.walk(node)
    }
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            found.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    own = {"ia_empreinte", "ia_empreinte_cli", "__future__"}
    return {m for m in found if m not in sys.stdlib_module_names and m not in own}


@functools.cache
def _distributions() -> dict[str, list[str]]:
    from importlib.metadata import packages_distributions

    return dict(packages_distributions())


@pytest.mark.parametrize("path", ALL_FILES, ids=[str(p.relative_to(ROOT)) for p in ALL_FILES])
def test_core_dependencies_cover_the_core(path: Path) -> None:
    core = {_dist(r) for r in PYPROJECT["dependencies"]}
    dists = _distributions()
    for module in sorted(_third_party(path) - _extra_modules(path)):
        owners = {d.lower() for d in dists.get(module, [module])}
        assert owners & core, f"{path.name} imports {module}: not a core dependency"


def test_extras() -> None:
    extras = {k: {_dist(r) for r in v} for k, v in PYPROJECT["optional-dependencies"].items()}
    assert extras["harness"] == {"codecarbon", "nvidia-ml-py"}
    assert extras["server"] == {"fastapi", "uvicorn", "jinja2", "python-multipart"}
    assert extras["scale"] == {"dask"}
    assert "ia-empreinte[harness,server,scale]" in PYPROJECT["optional-dependencies"]["test"]
    assert extras["registry"] == {"psycopg"}
    assert "ia-empreinte[registry]" in PYPROJECT["optional-dependencies"]["test"]
    assert "import-linter" in extras["test"]
    core = {_dist(r) for r in PYPROJECT["dependencies"]}
    assert core & {"codecarbon", "fastapi", "uvicorn", "dask"} == set()


MISSING_HARNESS = (
    "Error: 'ia-empreinte bench run' needs the harness extra: "
    "pip install 'ia-empreinte[harness]'\n"
)
MISSING_SERVER = (
    "Error: 'ia-empreinte serve' needs the server extra: pip install 'ia-empreinte[server]'\n"
)


def test_bench_run_without_the_harness_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "codecarbon", None)  # import codecarbon fails
    out = tmp_path / "r.json"
    workload = ROOT / "benchmarks" / "workloads" / "chat-fr.json"
    result = CliRunner().invoke(
        cli, ["bench", "run", "--endpoint", "http://127.0.0.1:9", "--workload", str(workload),
              "--smoke", "-o", str(out)],
    )
    assert (result.exit_code, result.output) == (2, MISSING_HARNESS)
    assert not out.exists()


@pytest.mark.parametrize("module", ["fastapi", "uvicorn"])
def test_serve_without_the_server_extra(module: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, module, None)
    result = CliRunner().invoke(cli, ["serve", "--port", "0"])
    assert (result.exit_code, result.output) == (2, MISSING_SERVER)


# A core-only install, simulated: the extras' modules cannot be imported.
_CORE_ONLY = """
import sys
for name in ("codecarbon", "fastapi", "starlette", "uvicorn", "dask"):
    sys.modules[name] = None
from ia_empreinte_cli.app import main
sys.argv = ["ia-empreinte", *sys.argv[1:]]
main()
"""


@pytest.mark.parametrize(
    ("args", "code", "output"),
    [
        (["bench", "run", "--callable", "x:y", "-o", "r.json"], 2, MISSING_HARNESS),
        (["serve"], 2, MISSING_SERVER),
        (["bench", "keygen", "acme"], 0, None),
        (["schema", "offer"], 0, None),
    ],
    ids=["bench-run", "serve", "bench-keygen", "schema"],
)
def test_core_only_commands(tmp_path: Path, args: list[str], code: int, output: str | None) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", _CORE_ONLY, *args],
        capture_output=True, text=True, cwd=tmp_path, check=False,
    )
    assert proc.returncode == code, proc.stderr
    if output is not None:
        assert (proc.stdout, proc.stderr) == ("", output)
    assert "Traceback" not in proc.stderr


def test_cli_imports_only_the_public_api() -> None:
    public_packages = ("ia_empreinte.render", "ia_empreinte.errors", "ia_empreinte.harness",
                       "ia_empreinte.server", "ia_empreinte.registry",
                       "ia_empreinte.execution")
    for path in sorted(CLI_SRC.rglob("*.py")):
        for imported in _imports(path):
            if imported.startswith("ia_empreinte.") and not imported.startswith(
                public_packages
            ):
                name = imported.split(".")[1]
                assert name in ia_empreinte.__all__, (
                    f"{path.name} imports {imported}: import it from ia_empreinte"
                )


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
    assert fr["gwp_kgco2e_per_kwh"] == 0.0519  # ADEME Base Empreinte consumption mix
