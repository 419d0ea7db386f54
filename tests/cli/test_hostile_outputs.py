"""Hostile output targets: what ``-o`` names is written through, never replaced by mistake.

A symbolic link keeps pointing where it did, a hard link stays shared, a device or a
FIFO is written into, a file keeps its mode (and its owner under root), a long name
works; no output overwrites a file the command read, whether named on the command line
or reached through a document (the benchmark record an offer pins); an existing offer
or record needs ``--force``; a full standard output is one line, not a traceback.
"""

from __future__ import annotations

import os
import shutil
import socket
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from ia_empreinte.errors import InputFileError
from ia_empreinte.render.files import check_writable, write_output
from ia_empreinte_cli.app import cli
from tests.conftest import ROOT

RECORD = "records/releve-candidat-b.json"
EST = ["--draws", "10"]


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A profile, an offer pinning a record, the record and a usage log; cwd is there."""
    shutil.copy(ROOT / "profiles" / "assistant-redaction-agents.yaml", tmp_path / "p.yaml")
    (tmp_path / "offers").mkdir()
    (tmp_path / "records").mkdir()
    shutil.copy(ROOT / "examples" / "offers" / "essai-releve-tinylm.yaml", tmp_path / "offers")
    shutil.copy(ROOT / "examples" / "records" / "releve-candidat-b.json", tmp_path / "records")
    shutil.copy(ROOT / "examples" / "usage-logs" / "chatbot-extrait-janvier.csv",
                tmp_path / "log.csv")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _listing(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and not p.is_symlink()}


# --- items 3: no output overwrites a file read, directly or through a document ----------


OFFER = "offers/essai-releve-tinylm.yaml"


@pytest.mark.parametrize(
    "args",
    [
        ["estimate", "p.yaml", OFFER, *EST, "-o", RECORD],
        ["report", "p.yaml", OFFER, *EST, "-o", RECORD],
        ["audit", OFFER, "log.csv", *EST, "-o", RECORD],
        # the same through a symbolic link and a hard link to the record
        ["estimate", "p.yaml", OFFER, *EST, "-o", "sym.json"],
        ["estimate", "p.yaml", OFFER, *EST, "-o", "hard.json"],
    ],
    ids=["estimate", "report", "audit", "symlink", "hardlink"],
)
def test_the_record_an_offer_pins_is_never_an_output(folder: Path, args: list[str]) -> None:
    (folder / "sym.json").symlink_to(folder / RECORD)
    os.link(folder / RECORD, folder / "hard.json")
    before = _listing(folder)
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    assert result.output == (f"Error: {args[-1]}: is also an input of this command; "
                             "expected another output file\n")
    assert _listing(folder) == before
    assert (folder / "sym.json").is_symlink()


@pytest.mark.parametrize("target", ["p.yaml", OFFER, "log.csv"])
def test_direct_inputs_are_protected_through_links(folder: Path, target: str) -> None:
    os.link(folder / target, folder / "alias")
    args = (["audit", OFFER, "log.csv"] if target == "log.csv" else
            ["estimate", "p.yaml", OFFER])
    result = CliRunner().invoke(cli, [*args, *EST, "-o", "alias"])
    assert result.exit_code == 2
    assert result.output == ("Error: alias: is also an input of this command; "
                             "expected another output file\n")


# --- item 2: write through links and devices, keep mode, owner and hard links -----------


def test_a_symbolic_link_is_followed_not_replaced(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "out.txt").write_text("old")
    link = tmp_path / "out.txt"
    link.symlink_to(Path("real") / "out.txt")
    chain = tmp_path / "chain.txt"
    chain.symlink_to(link)
    write_output(chain, "new")
    assert link.is_symlink() and chain.is_symlink()
    assert os.readlink(link) == str(Path("real") / "out.txt")
    assert (tmp_path / "real" / "out.txt").read_text() == "new"
    # a link to a file not there yet: the file is created where the link points
    dangling = tmp_path / "later.txt"
    dangling.symlink_to(tmp_path / "real" / "later.txt")
    write_output(dangling, "created")
    assert dangling.is_symlink()
    assert (tmp_path / "real" / "later.txt").read_text() == "created"
    assert sorted(p.name for p in (tmp_path / "real").iterdir()) == ["later.txt", "out.txt"]


def test_a_hard_link_stays_shared(tmp_path: Path) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("old")
    os.link(a, b)
    write_output(a, "new content")
    assert b.read_text() == "new content"
    assert a.stat().st_ino == b.stat().st_ino and a.stat().st_nlink == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.txt"]


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o755])
def test_the_mode_of_a_replaced_file_is_kept(tmp_path: Path, mode: int) -> None:
    target = tmp_path / "out.json"
    target.write_text("old")
    target.chmod(mode)
    write_output(target, "new")
    assert stat.S_IMODE(target.stat().st_mode) == mode
    assert target.read_text() == "new"


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to someone else")
def test_the_owner_is_kept_under_root(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text("old")
    os.chown(target, 4321, 4322)
    write_output(target, "new")
    st = target.stat()
    assert (st.st_uid, st.st_gid, target.read_text()) == (4321, 4322, "new")


def test_a_link_to_dev_null_is_written_through(tmp_path: Path) -> None:
    link = tmp_path / "null.json"
    link.symlink_to("/dev/null")
    check_writable(link)
    write_output(link, "discarded")
    assert link.is_symlink() and os.readlink(link) == "/dev/null"
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    assert list(tmp_path.iterdir()) == [link]


def test_a_fifo_is_written_into(tmp_path: Path) -> None:
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    got: list[bytes] = []

    def read() -> None:
        with open(fifo, "rb") as fh:
            got.append(fh.read())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    for _ in range(200):  # the writer needs a reader that has opened the FIFO
        try:
            write_output(fifo, "through the pipe")
            break
        except InputFileError:
            threading.Event().wait(0.01)
    reader.join(timeout=10)
    assert got == [b"through the pipe"]
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert list(tmp_path.iterdir()) == [fifo]


def test_a_fifo_without_reader_is_one_line(tmp_path: Path) -> None:
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    with pytest.raises(InputFileError) as caught:
        write_output(fifo, "x")
    assert str(caught.value) == (
        f"{fifo}: cannot write the output (no process reads this FIFO or socket)")


def test_a_symbolic_link_loop_is_one_line(tmp_path: Path) -> None:
    loop = tmp_path / "loop.json"
    loop.symlink_to(loop)
    for call in (lambda: write_output(loop, "x"), lambda: check_writable(loop)):
        with pytest.raises(InputFileError) as caught:
            call()
        assert str(caught.value) == (
            f"{loop}: cannot write the output (a symbolic link loop; expected a file name)")


def test_a_250_character_name_is_written(tmp_path: Path) -> None:
    target = tmp_path / ("a" * 245 + ".json")
    check_writable(target)
    write_output(target, "{}")
    assert target.read_text() == "{}"
    assert list(tmp_path.iterdir()) == [target]


def test_dev_fd_1_is_standard_output(folder: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "ia_empreinte_cli", "estimate", "p.yaml", OFFER, *EST,
         "--format", "json", "-o", "/dev/fd/1"],
        capture_output=True, text=True, timeout=120)
    assert (run.returncode, run.stderr) == (0, "")
    assert run.stdout.startswith("{")


# --- item 9: an existing filled-in offer or record is not overwritten silently ----------


def test_offer_template_refuses_an_existing_file(folder: Path) -> None:
    offer = folder / OFFER
    before = offer.read_bytes()
    result = CliRunner().invoke(cli, ["offer", "template", "-o", OFFER])
    assert result.exit_code == 2
    assert result.output == f"Error: {OFFER}: file exists; use --force to overwrite it\n"
    assert offer.read_bytes() == before
    result = CliRunner().invoke(cli, ["offer", "template", "-o", OFFER, "--force"])
    assert result.exit_code == 0, result.output
    assert offer.read_bytes() != before


def test_bench_run_refuses_an_existing_record(folder: Path) -> None:
    before = _listing(folder)
    result = CliRunner().invoke(cli, [
        "bench", "run", "--callable", "nowhere.py:f", "--workload",
        str(ROOT / "benchmarks" / "workloads" / "chat-fr.json"), "--smoke", "-q",
        "-o", RECORD])
    assert result.exit_code == 2
    assert result.output == f"Error: {RECORD}: file exists; use --force to overwrite it\n"
    assert _listing(folder) == before


# --- item 22: standard output on a full device ----------------------------------------


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full here")
def test_a_full_standard_output_is_one_line(folder: Path) -> None:
    with open("/dev/full", "w") as full:
        run = subprocess.run(
            [sys.executable, "-m", "ia_empreinte_cli", "estimate", "p.yaml", OFFER, *EST],
            stdout=full, stderr=subprocess.PIPE, text=True, timeout=120)
    assert run.returncode == 2
    assert run.stderr == "Error: standard output: cannot write (No space left on device)\n"


# --- item 26: serve on a bad address or a busy port ------------------------------------


def test_serve_on_a_bad_host_is_one_line() -> None:
    result = CliRunner().invoke(cli, ["serve", "--host", "256.1.1.1"])
    assert result.exit_code == 2
    assert result.output.startswith("Error: --host 256.1.1.1: not a usable address (")
    assert result.output.count("\n") == 1


def test_serve_on_a_busy_port_is_one_line() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(cli, ["serve", "--port", str(port)])
    assert result.exit_code == 2
    assert result.output == (f"Error: --host 127.0.0.1 --port {port}: cannot listen there "
                             "(Address already in use)\n")


# --- item 26: the same offer twice names the file ---------------------------------------


@pytest.mark.parametrize("command", ["compare", "report"])
def test_the_same_offer_twice_names_the_file(folder: Path, command: str) -> None:
    shutil.copy(ROOT / "examples" / "offers" / "open-mid-cloud-fr.yaml", folder / "o.yaml")
    shutil.copy(folder / "o.yaml", folder / "copy.yaml")
    out = ["-o", "f.json"] if command == "report" else []
    result = CliRunner().invoke(cli, [command, "p.yaml", "o.yaml", "./o.yaml", *EST, *out])
    assert result.exit_code == 2
    assert result.output == "Error: ./o.yaml: given twice; expected each offer once\n"
    result = CliRunner().invoke(cli, [command, "p.yaml", "o.yaml", "copy.yaml", *EST, *out])
    assert result.exit_code == 2
    assert result.output == ("Error: copy.yaml: id: 'open-mid-cloud-fr' is also the id of "
                             "o.yaml; expected distinct offer ids\n")
    assert not (folder / "f.json").exists()
