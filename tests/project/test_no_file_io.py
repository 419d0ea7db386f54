"""No file is read or written below the input layer: the engine works on values.

Every module of ``ia_empreinte`` is parsed with :mod:`ast` and searched for file
access: ``open(``, ``io.open``, ``os.open``, the ``Path`` methods that read, write or
probe a file (``read_text``, ``read_bytes``, ``open``, ``write_text``, ``write_bytes``,
``is_file``, ``exists``, ``is_dir``, ``stat``, ``mkdir``) and any use of ``tempfile``.
Reading packaged reference data through ``importlib.resources`` is not file access a
user controls, so a call on ``resources.files(...)`` is allowed. Every other exception
is listed below with its reason.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "ia_empreinte"

ALLOWED_MODULES: dict[str, str] = {
    "inputs/": "the input layer: reads profiles, offers, fiches, usage logs and records",
    "harness/": "the measuring side: reads workloads and keys, writes benchmark records",
    "server/runner.py": "starts the HTTP server (binds, reads its start-up settings)",
    "render/files.py": "the output writer: atomic writes of the files the CLI produces",
    "registry/": "the registry: opens its database (an SQLite file, or a PostgreSQL server)",
    "_files.py": "the file primitives under the input layer and the writer: bounded reads "
    "of regular files only, the record of what a command read, the output writer",
}
"""Modules (or packages, ending in '/') that may access files, and why."""

ALLOWED_FUNCTIONS: dict[tuple[str, str], str] = {
    ("catalog.py", "data_file_hashes"): "hashes the packaged data files "
    "(importlib.resources)",
    ("kit/territorial.py", "shipped_profile_text"): "reads a shipped profile "
    "(importlib.resources, through _profiles_root)",
    ("sheet/tables.py", "datasets"): "hashes the packaged data files (importlib.resources)",
    ("kit/dce.py", "_reference_data"): "copies the packaged data files into annexe B of the "
    "consultation kit (importlib.resources)",
    ("server/settings.py", "read_tokens"): "reads the bearer tokens file named by "
    "--tokens-file once, at start-up: server configuration, not a request's input",
}
"""(module, function) pairs that may access files, and why."""

READERS = {"read_document", "load_profile", "load_offer", "load_fiche", "load_record",
           "load_records", "verify_record", "read_public_key", "validate_file"}
"""The input layer's file readers: calling one is file access (``read_document`` with
``text=`` parses bytes already read, and is allowed)."""

PATH_METHODS = {"read_text", "read_bytes", "open", "write_text", "write_bytes", "is_file",
                "exists", "is_dir", "stat", "mkdir"}


def _is_resources(node: ast.expr) -> bool:
    """True when ``node`` is a chain that starts with ``resources.files(...)``."""
    while True:
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr == "files":
                base = func.value
                if (isinstance(base, ast.Name) and base.id == "resources") or (
                    isinstance(base, ast.Attribute) and base.attr == "resources"
                ):
                    return True
            node = func
        elif isinstance(node, ast.Attribute):
            node = node.value
        else:
            return False


def _findings(source: str, rel: str) -> list[str]:
    tree = ast.parse(source)
    out: list[str] = []

    def visit(node: ast.AST, function: str) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            function = node.name
        allowed = (rel, function) in ALLOWED_FUNCTIONS
        where = f"{rel}:{getattr(node, 'lineno', 0)} ({function or 'module'})"
        if isinstance(node, ast.Import | ast.ImportFrom) and not allowed:
            names = [a.name for a in node.names]
            module = node.module if isinstance(node, ast.ImportFrom) else None
            if module == "tempfile" or "tempfile" in names:
                out.append(f"{where}: uses tempfile")
        if isinstance(node, ast.Call) and not allowed:
            func = node.func
            name = func.id if isinstance(func, ast.Name) else (
                func.attr if isinstance(func, ast.Attribute) else "")
            if isinstance(func, ast.Name) and func.id == "open":
                out.append(f"{where}: open(")
            elif name in READERS and not any(k.arg == "text" for k in node.keywords):
                out.append(f"{where}: {name}(")
            elif isinstance(func, ast.Attribute):
                value = func.value
                if func.attr == "open" and isinstance(value, ast.Name) and value.id in (
                    "io", "os"
                ):
                    out.append(f"{where}: {value.id}.open(")
                elif func.attr in PATH_METHODS and not _is_resources(value):
                    out.append(f"{where}: .{func.attr}()")
        for child in ast.iter_child_nodes(node):
            visit(child, function)

    visit(tree, "")
    return out


def _checked_files() -> list[Path]:
    files = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        if any(rel == m or (m.endswith("/") and rel.startswith(m)) for m in ALLOWED_MODULES):
            continue
        files.append(path)
    return files


FILES = _checked_files()


@pytest.mark.parametrize("path", FILES, ids=[p.relative_to(SRC).as_posix() for p in FILES])
def test_no_file_access_below_the_input_layer(path: Path) -> None:
    rel = path.relative_to(SRC).as_posix()
    assert _findings(path.read_text(encoding="utf-8"), rel) == []


def test_the_exceptions_still_exist() -> None:
    """An exception that names nothing any more is removed from the lists."""
    for module in ALLOWED_MODULES:
        assert (SRC / module).exists(), module
    for module, function in ALLOWED_FUNCTIONS:
        tree = ast.parse((SRC / module).read_text(encoding="utf-8"))
        names = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
        assert function in names, (module, function)


def test_the_scan_finds_file_access() -> None:
    """The scan itself works: it finds each kind of access in a made-up module."""
    source = (
        "import tempfile\n"
        "from pathlib import Path\n"
        "def f(p):\n"
        "    open(p)\n"
        "    Path(p).read_text()\n"
        "    Path(p).is_file()\n"
        "    io.open(p)\n"
        "    os.open(p, 0)\n"
        "    resources.files('x').joinpath('y').read_text()\n"
        "    read_document(p)\n"
        "    read_document('request.json', text=b'{}')\n"
    )
    found = [f.split(": ", 1)[1] for f in _findings(source, "engine/probe.py")]
    assert found == ["uses tempfile", "open(", ".read_text()", ".is_file()", "io.open(",
                     "os.open(", "read_document("]
    assert _findings(source.replace("def f", "def datasets"), "sheet/tables.py") == [
        "sheet/tables.py:1 (module): uses tempfile"
    ]
