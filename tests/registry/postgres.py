"""A real PostgreSQL server for the tests: started in a temporary folder, listening on a
Unix socket only, stopped at the end.

The binaries are found on the PATH, in ``/usr/local/bin`` or in Debian's
``/usr/lib/postgresql/*/bin`` (``.ci/run`` installs Debian's ``postgresql`` where they
are missing). PostgreSQL refuses to run as root: as root, the server runs as the
``postgres`` system user when there is one, else as ``nobody``.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["find_binaries", "postgres_server"]


def find_binaries() -> Path | None:
    """The folder holding ``initdb``, ``pg_ctl`` and ``postgres``, or None."""
    candidates: list[Path] = []
    found = shutil.which("initdb")
    if found:
        candidates.append(Path(found).resolve().parent)
    candidates.append(Path("/usr/local/bin"))
    candidates += [Path(p) for p in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)]
    for folder in candidates:
        if all((folder / name).is_file() for name in ("initdb", "pg_ctl", "postgres")):
            return folder
    return None


def _run_as() -> list[str]:
    if os.geteuid() != 0:
        return []
    for user in ("postgres", "nobody"):
        try:
            pwd.getpwnam(user)
        except KeyError:
            continue
        return ["runuser", "-u", user, "--"]
    raise RuntimeError("running as root and no 'postgres' nor 'nobody' user to run PostgreSQL")


@contextmanager
def postgres_server(*, durable: bool = False) -> Iterator[str]:
    """Start a throw-away server; yields the URL of its ``postgres`` database
    (``postgresql+psycopg://postgres@/postgres?host=SOCKET_FOLDER``).

    Args:
        durable: keep PostgreSQL's default durability (fsync, synchronous commits), as
            a benchmark should; the tests turn it off to run faster.
    """
    binaries = find_binaries()
    if binaries is None:
        raise RuntimeError("PostgreSQL binaries not found (initdb, pg_ctl, postgres)")
    prefix = _run_as()
    folder = Path(tempfile.mkdtemp(prefix="ia-empreinte-pg-"))
    if prefix:
        user = pwd.getpwnam(prefix[2])
        os.chown(folder, user.pw_uid, user.pw_gid)
    data = folder / "data"
    log = folder / "server.log"
    env = {**os.environ, "LC_ALL": "C", "LANG": "C"}
    try:
        subprocess.run([*prefix, str(binaries / "initdb"), "-D", str(data), "-U", "postgres",
                        "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions"],
                       check=True, capture_output=True, env=env, cwd=folder)
        options = f"-k {folder} -c listen_addresses='' -c max_connections=60"
        if not durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        subprocess.run([*prefix, str(binaries / "pg_ctl"), "-D", str(data), "-l", str(log),
                        "-o", options, "-w", "-t", "60", "start"],
                       check=True, capture_output=True, env=env, cwd=folder)
        try:
            yield f"postgresql+psycopg://postgres@/postgres?host={folder}"
        finally:
            subprocess.run([*prefix, str(binaries / "pg_ctl"), "-D", str(data), "-m", "fast",
                            "-w", "stop"], check=False, capture_output=True, env=env,
                           cwd=folder)
    except subprocess.CalledProcessError as exc:
        tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        raise RuntimeError(f"PostgreSQL did not start: {exc.stderr!r} {tail}") from exc
    finally:
        shutil.rmtree(folder, ignore_errors=True)
