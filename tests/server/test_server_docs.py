"""README "For tender platforms": every console command runs against a real server.

Fenced blocks whose info string names a file (```json profile.json) are written to a
temporary folder first; then each ``$ command`` of the console blocks runs there with
bash, in order, and its standard output must equal the lines shown under it. A
``$ ia-empreinte serve ... &`` line starts that server on a free port of 127.0.0.1
(the port of the examples, 8000, is swapped for it). ``python tests/server/test_server_docs.py``
rewrites the outputs in the document from a fresh run.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

try:
    from tests.support.doc_console import section_text
except ImportError:  # run as a script to regenerate the outputs: the repository on the path
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from tests.support.doc_console import section_text

DOC = Path(__file__).resolve().parents[2] / "README.md"
SECTION = "For tender platforms: the HTTP API"
DOC_URL = "http://127.0.0.1:8000"
FENCE = re.compile(r"^```(\S*)[ \t]*(\S*)\n(.*?)^```$", re.M | re.S)


@dataclass
class Command:
    line: str
    expected: str
    start: int
    """Offset of the expected output in the document."""
    end: int


def parse(text: str, base: int = 0) -> tuple[dict[str, str], list[Command]]:
    """The files and the console commands of ``text``, in order.

    ``base`` is the offset of ``text`` in the document (commands' offsets include it).
    """
    files: dict[str, str] = {}
    commands: list[Command] = []
    for match in FENCE.finditer(text):
        lang, name, body = match.group(1), match.group(2), match.group(3)
        if name:
            files[name] = body
        if lang != "console":
            continue
        offset = base + match.start(3)
        current: Command | None = None
        for line in body.splitlines(keepends=True):
            if line.startswith("$ "):
                current = Command(line[2:].rstrip("\n"), "", offset + len(line), offset + len(line))
                commands.append(current)
            elif current is not None:
                current.expected += line
                current.end += len(line)
            offset += len(line)
    return files, commands


@contextmanager
def serving(args: list[str], cwd: Path) -> Iterator[str]:
    cmd = [sys.executable, "-m", "ia_empreinte_cli", "serve", *args, "--port", "0"]
    with subprocess.Popen(
        cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    ) as proc:
        try:
            assert proc.stderr is not None
            for line in proc.stderr:
                if "Uvicorn running on " in line:
                    yield line.split("Uvicorn running on ")[1].split()[0]
                    break
            else:
                raise AssertionError(f"server did not start: {shlex.join(args)}")
        finally:
            proc.terminate()
            proc.wait(timeout=10)


def run_doc(folder: Path) -> list[tuple[Command, str]]:
    """Run every command of the document in ``folder``; (command, actual output) pairs."""
    files, commands = parse(*section_text(DOC, SECTION))
    for name, body in files.items():
        (folder / name).write_text(body, encoding="utf-8")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    results: list[tuple[Command, str]] = []
    base = DOC_URL
    server = ExitStack()
    try:
        for command in commands:
            words = shlex.split(command.line)
            if words[:2] == ["ia-empreinte", "serve"]:
                assert words[-1] == "&", "a server line ends with '&'"
                server.close()
                server = ExitStack()
                base = server.enter_context(serving(words[2:-1], folder))
                results.append((command, ""))
                continue
            out = subprocess.run(
                ["bash", "-o", "pipefail", "-c", command.line.replace(DOC_URL, base)],
                cwd=folder, env=env, capture_output=True, text=True, timeout=120,
            )
            assert out.returncode == 0, f"{command.line}\n{out.stderr}"
            results.append((command, out.stdout.replace(base, DOC_URL)))
    finally:
        server.close()
    return results


needs_tools = pytest.mark.skipif(
    shutil.which("curl") is None or shutil.which("jq") is None, reason="needs curl and jq"
)


@needs_tools
def test_every_command_prints_what_the_document_shows(tmp_path: Path) -> None:
    results = run_doc(tmp_path)
    assert len(results) >= 12
    for command, actual in results:
        assert actual == command.expected, (
            f"{command.line}\n(after an engine or data change: "
            "python tests/server/test_server_docs.py rewrites the outputs; review the diff)"
        )


def test_document_examples_are_the_openapi_examples() -> None:
    import json

    from ia_empreinte.server.bodies import EXAMPLE_OFFER, EXAMPLE_PROFILE

    files, _ = parse(*section_text(DOC, SECTION))
    assert json.loads(files["profile.json"]) == EXAMPLE_PROFILE
    assert json.loads(files["offer.json"]) == EXAMPLE_OFFER


def regenerate() -> None:
    """Rewrite the outputs shown in the document from a fresh run."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        results = run_doc(Path(folder))
    text = DOC.read_text(encoding="utf-8")
    for command, actual in sorted(results, key=lambda r: -r[0].start):
        text = text[: command.start] + actual + text[command.end :]
    DOC.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    regenerate()
