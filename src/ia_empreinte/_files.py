"""Files on disk, hostile ones included: reading inputs and writing outputs.

Reading: only regular files, never more than a limit, each read recorded (by device
and inode) for the running command, see :func:`tracking_reads`.

Writing: a regular file is replaced atomically (a temporary file in the same folder,
then a rename) keeping its mode, and its owner when run as root. A symbolic link is
followed: the file it points at is written, the link stays. A file with several hard
links is rewritten in place, so that every link sees the new content (its old content
is put back if the write fails). A device, a FIFO or a terminal (``/dev/null``,
``/dev/tty``) is written through, never replaced; ``/dev/stdout``, ``/dev/stderr`` and
``/dev/fd/N`` write to the process's own standard streams or descriptors. Every file
the command read is refused as an output, whether named on the command line or reached
through a document (the benchmark record an offer pins).

The lowest layer, so that every reader (documents, usage logs, records, tokens) and the
writer share one record of what was read.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import sys
import tempfile
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ia_empreinte.errors import InputFileError

__all__ = [
    "MAX_FILE_BYTES",
    "InputsRead",
    "check_writable",
    "note_read",
    "read_input_bytes",
    "tracking_reads",
    "was_read",
    "write_atomic",
    "write_output",
]

MAX_FILE_BYTES = 10 * 1024 * 1024
"""Largest input document accepted: 10 MiB (a profile or an offer is a few KiB)."""


class InputsRead:
    """The files one command has read, by device and inode (what a rename cannot fool).

    Made by :func:`tracking_reads`; the output writer refuses any of them as a target,
    so an output never destroys an input, even one reached through a document (the
    benchmark record an offer pins).
    """

    def __init__(self) -> None:
        self.files: dict[tuple[int, int], str] = {}

    def add(self, status: os.stat_result, name: str) -> None:
        """Remember the file of ``status`` (read as ``name``)."""
        self.files.setdefault((status.st_dev, status.st_ino), name)

    def holds(self, status: os.stat_result) -> bool:
        """Whether the file of ``status`` was read."""
        return (status.st_dev, status.st_ino) in self.files


_ACTIVE: list[InputsRead] = []
_ACTIVE_LOCK = threading.Lock()


@contextmanager
def tracking_reads() -> Iterator[InputsRead]:
    """Record every file read (by :func:`read_input_bytes`) until the block ends.

    The CLI opens one per command. Reads from any thread count, so that a file read by
    a worker thread is protected too.
    """
    log = InputsRead()
    with _ACTIVE_LOCK:
        _ACTIVE.append(log)
    try:
        yield log
    finally:
        with _ACTIVE_LOCK:
            _ACTIVE.remove(log)


def note_read(path: str | Path | os.stat_result) -> None:
    """Record ``path`` (or an already taken status) as read by the running command.

    A reader that does not go through :func:`read_input_bytes` calls this with one line.
    """
    if isinstance(path, os.stat_result):
        status, name = path, "?"
    else:
        try:
            status, name = os.stat(path), str(path)
        except OSError:
            return
    with _ACTIVE_LOCK:
        for log in _ACTIVE:
            log.add(status, name)


def was_read(status: os.stat_result) -> bool:
    """Whether the file of ``status`` was read by the running command."""
    with _ACTIVE_LOCK:
        return any(log.holds(status) for log in _ACTIVE)


_FILE_TYPES = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def not_regular(mode: int) -> str:
    """What a file of this mode is, for a message: 'is a FIFO (named pipe)'..."""
    for test, label in _FILE_TYPES:
        if test(mode):
            return label
    return "not a regular file"


def _mib(n: int) -> str:
    return f"{n / 1024 / 1024:.1f}"


def read_input_bytes(path: str | Path, *, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of the regular file ``path``, at most ``limit`` of them, recorded as read.

    Never blocks nor reads without end: a FIFO, a device or a socket is refused before
    anything is read, and so is a file larger than ``limit``.

    Raises:
        InputFileError: missing, a symbolic link loop, a directory, not a regular file,
            too large, or unreadable.
    """
    name = str(path)
    try:
        status = os.stat(path)
    except OSError as exc:
        raise _unreadable(path, exc) from None
    if stat.S_ISDIR(status.st_mode):
        raise InputFileError("is a directory; expected a file", file=name)
    if not stat.S_ISREG(status.st_mode):
        raise InputFileError(f"is {not_regular(status.st_mode)}; expected a regular file",
                             file=name)
    too_large = (f"the limit is {_mib(limit).removesuffix('.0')} MiB" if limit >= 1 << 20
                 else f"the limit is {limit} bytes")
    if status.st_size > limit:
        raise InputFileError(f"file is {_mib(status.st_size)} MiB; {too_large}", file=name)
    try:  # O_NONBLOCK: a file swapped for a FIFO since stat() does not block the open
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        raise _unreadable(path, exc) from None
    try:
        opened = os.fstat(fd)
        if not stat.S_ISREG(opened.st_mode):
            raise InputFileError(
                f"is {not_regular(opened.st_mode)}; expected a regular file", file=name)
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise _unreadable(path, exc) from None
    finally:
        os.close(fd)
    if size > limit:  # grew since stat()
        raise InputFileError(f"file is larger than the limit; {too_large}", file=name)
    with _ACTIVE_LOCK:
        for log in _ACTIVE:
            log.files[(opened.st_dev, opened.st_ino)] = name
    return b"".join(chunks)


def _unreadable(path: str | Path, exc: OSError) -> InputFileError:
    name = str(path)
    if exc.errno == errno.ELOOP:
        return InputFileError("symbolic link loop; expected a file", file=name)
    if exc.errno == errno.ENOENT:
        if os.path.islink(path):
            return InputFileError(
                f"symbolic link to a missing file ({os.readlink(path)})", file=name)
        return InputFileError("file not found", file=name)
    if exc.errno == errno.ENOTDIR:
        return InputFileError("file not found (a part of the path is not a folder)",
                              file=name)
    if exc.errno == errno.EISDIR:
        return InputFileError("is a directory; expected a file", file=name)
    return InputFileError(f"cannot read file ({exc.strerror or exc})", file=name)


_TEMP_PREFIX = ".iae-"
"""Short temporary names: a legal 250-character output name still fits (255 at most)."""

_STREAMS = {"/dev/stdout": 1, "/dev/stderr": 2}
_FD_PATH = re.compile(r"/(?:dev/fd|proc/self/fd)/([0-9]+)")


def _stream_fd(path: str | Path) -> int | None:
    """The descriptor ``/dev/stdout``, ``/dev/stderr``, ``/dev/fd/N`` stand for, if any."""
    text = os.path.normpath(os.path.abspath(path))
    if text in _STREAMS:
        return _STREAMS[text]
    match = _FD_PATH.fullmatch(text)
    return int(match.group(1)) if match else None


def _resolve(path: str | Path) -> tuple[str, os.stat_result | None]:
    """The file ``path`` finally names (links followed) and its status (None: absent).

    Raises:
        OSError: a symbolic link loop, a path through a non-folder, no permission.
    """
    real = os.path.realpath(path)
    try:
        return real, os.stat(real)
    except FileNotFoundError:
        return real, None


def write_atomic(path: str | Path, data: bytes | str) -> None:
    """Write ``data`` to ``path`` as described in the module documentation.

    Raises:
        OSError: the folder does not exist or is not writable, a FIFO has no reader...
            (nothing is left behind, an existing file keeps its content).
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd = _stream_fd(path)
    if fd is not None:
        _write_stream(fd, payload)
        return
    real, st = _resolve(path)
    if st is None:
        _replace(real, payload, None)
    elif stat.S_ISDIR(st.st_mode):
        raise IsADirectoryError(errno.EISDIR, "Is a directory")
    elif not stat.S_ISREG(st.st_mode):
        _write_through(real, payload)
    elif st.st_nlink > 1:
        _rewrite_in_place(real, payload)
    else:
        _replace(real, payload, st)


def _write_stream(fd: int, payload: bytes) -> None:
    stream = {1: sys.stdout, 2: sys.stderr}.get(fd)
    if stream is not None:  # keep the order with what was already printed
        stream.flush()
        buffer = getattr(stream, "buffer", None)
        if buffer is not None:
            buffer.write(payload)
            buffer.flush()
        else:
            stream.write(payload.decode("utf-8"))
            stream.flush()
        return
    _write_all(fd, payload)


def _write_all(fd: int, payload: bytes) -> None:
    view = memoryview(payload)
    while view:
        view = view[os.write(fd, view):]


def _write_through(real: str, payload: bytes) -> None:
    """A device, a FIFO, a socket...: write into it, never replace it."""
    try:  # a FIFO without a reader would block forever: say so instead
        fd = os.open(real, os.O_WRONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        if exc.errno == errno.ENXIO:
            raise OSError(errno.ENXIO, "no process reads this FIFO or socket") from None
        raise
    try:
        os.set_blocking(fd, True)
        _write_all(fd, payload)
    finally:
        os.close(fd)


def _rewrite_in_place(real: str, payload: bytes) -> None:
    """A file with several hard links: rewrite it, putting the old content back on failure."""
    fd = os.open(real, os.O_RDWR | os.O_CLOEXEC)
    try:
        old = b""
        while chunk := os.read(fd, 1 << 20):
            old += chunk
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            os.ftruncate(fd, 0)
            _write_all(fd, payload)
        except OSError:
            os.lseek(fd, 0, os.SEEK_SET)
            os.ftruncate(fd, 0)
            _write_all(fd, old)
            raise
    finally:
        os.close(fd)


def _replace(real: str, payload: bytes, old: os.stat_result | None) -> None:
    """Write a temporary file next to ``real``, then rename it over ``real``."""
    folder = os.path.dirname(real) or "."
    fd, tmp = tempfile.mkstemp(prefix=_TEMP_PREFIX, suffix=".tmp", dir=folder)
    try:
        if old is None:  # mkstemp creates the file 0600; give it what open() would give
            umask = os.umask(0)
            os.umask(umask)
            os.fchmod(fd, 0o666 & ~umask)
        else:  # keep the replaced file's mode, and its owner when allowed (root)
            if (old.st_uid, old.st_gid) != (os.geteuid(), os.getegid()):
                with contextlib.suppress(PermissionError):
                    os.fchown(fd, old.st_uid, old.st_gid)
            os.fchmod(fd, stat.S_IMODE(old.st_mode))
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
        os.replace(tmp, real)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _cannot_write(path: str | Path, exc: OSError) -> InputFileError:
    reason = exc.strerror or type(exc).__name__
    if exc.errno == errno.ELOOP:
        reason = "a symbolic link loop; expected a file name"
    elif isinstance(exc, IsADirectoryError) or os.path.isdir(path):
        reason = "it is a directory; expected a file name"
    return InputFileError(f"cannot write the output ({reason})", file=str(path))


def _refuse_inputs(path: str | Path, inputs: Iterable[str | Path], overwrite: bool) -> None:
    fd = _stream_fd(path)
    try:
        st = os.fstat(fd) if fd is not None else _resolve(path)[1]
    except OSError:
        return  # the write itself will say why
    if st is None:
        return
    for other in inputs:
        try:
            o = os.stat(other)
        except OSError:
            continue
        if (o.st_dev, o.st_ino) == (st.st_dev, st.st_ino):
            break
    else:
        if not was_read(st):
            if not overwrite and fd is None and stat.S_ISREG(st.st_mode):
                raise InputFileError("file exists; use --force to overwrite it", file=str(path))
            return
    raise InputFileError(
        "is also an input of this command; expected another output file", file=str(path)
    )


def write_output(
    path: str | Path,
    data: bytes | str,
    *,
    inputs: Iterable[str | Path] = (),
    overwrite: bool = True,
) -> None:
    """:func:`write_atomic` for a file the user named: errors become one clear line.

    Args:
        path: the output file.
        data: its content.
        inputs: files the command read; writing over one of them is refused, as over
            any file read so far under :func:`tracking_reads`.
        overwrite: False refuses an existing regular file (``--force`` not given).

    Raises:
        InputFileError: ``FILE: cannot write the output (reason)``, the output is an
            input, or it exists and ``overwrite`` is False; nothing is left behind.
    """
    _refuse_inputs(path, inputs, overwrite)
    try:
        write_atomic(path, data)
    except OSError as exc:
        raise _cannot_write(path, exc) from None


def check_writable(
    path: str | Path, *, inputs: Iterable[str | Path] = (), overwrite: bool = True
) -> None:
    """Fail early, before a long computation, when ``path`` could not be written.

    Creates and removes a temporary file in the target's folder (so missing folders,
    read-only file systems and permissions are all caught); nothing is left behind.

    Raises:
        InputFileError: as :func:`write_output` would.
    """
    _refuse_inputs(path, inputs, overwrite)
    fd = _stream_fd(path)
    try:
        if fd is not None:
            os.fstat(fd)
            return
        real, st = _resolve(path)
        if st is not None and stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError(errno.EISDIR, "Is a directory")
        if st is not None and (not stat.S_ISREG(st.st_mode) or st.st_nlink > 1):
            if not os.access(real, os.W_OK):
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))
            return
        tmp_fd, tmp = tempfile.mkstemp(prefix=_TEMP_PREFIX, suffix=".tmp",
                                       dir=os.path.dirname(real) or ".")
        os.close(tmp_fd)
        os.unlink(tmp)
    except OSError as exc:
        raise _cannot_write(path, exc) from None
