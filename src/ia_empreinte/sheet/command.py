"""The command that recomputes a fiche, derived from its inputs, never taken as stored.

A fiche shows the ``ia-empreinte report`` command that produced it. That text used to
be stored as given and shown in every format: a sheet edited to say ``curl ... | sh``
still verified, and the buyer's absolute local paths travelled with the sheet. Here the
command is rebuilt from the fiche's canonical inputs (options, seed, draws,
consultation); only the file names are read from the given text, reduced to bare names.
:func:`report_command` is what :func:`~ia_empreinte.sheet.build_fiche` stores and what
the renderers print; :func:`~ia_empreinte.sheet.verify_fiche` reports a stored command
that differs from it.
"""

from __future__ import annotations

import re
import shlex
from pathlib import PureWindowsPath

from ia_empreinte.sheet.model import FicheInputs

__all__ = ["command_files", "report_command", "verify_command"]

_PROGRAM = ["ia-empreinte", "report"]
_WITH_VALUE = {
    "-o", "--output", "--indicator", "--scope", "--method", "--points", "--seed", "--draws",
    "--floor", "--floor-fraction", "--lang", "--consultation", "--lot", "--buyer",
    "--weight",
}
_FLAGS = {"--rc-clause"}
_NAME = re.compile(r"^[^\x00-\x1f\x7f-\x9f\-][^\x00-\x1f\x7f-\x9f]{0,199}$")
"""A bare file name: no control character, not an option, at most 200 characters."""


def _number(value: float) -> str:
    """Shortest text that reads back as exactly ``value`` (``10``, ``0.05``)."""
    short = f"{value:g}"
    return short if float(short) == value else repr(value)


def _name(path: str) -> str | None:
    """The bare file name of ``path`` (POSIX or Windows form), None if not a plain name."""
    name = PureWindowsPath(path).name  # splits on both / and \
    return name if _NAME.match(name) and name not in (".", "..") else None


def command_files(command: str, offers: int) -> tuple[list[str], str, str] | None:
    """Bare input file names, output name and language of an ``ia-empreinte report`` line.

    Returns:
        ``(inputs, output, lang)``: the profile then one file per offer, the ``-o``
        file (``fiche.json`` when absent) and ``--lang`` (``""`` when absent); None when
        ``command`` is not such a line for ``offers`` offers.
    """
    try:
        args = shlex.split(command)
    except ValueError:
        return None
    if args[:2] != _PROGRAM:
        return None
    files: list[str] = []
    output, lang = "fiche.json", ""
    i = 2
    while i < len(args):
        arg = args[i]
        if arg in _FLAGS:
            i += 1
            continue
        if arg in _WITH_VALUE:
            if i + 1 >= len(args):
                return None
            if arg in ("-o", "--output"):
                name = _name(args[i + 1])
                if name is None:
                    return None
                output = name
            elif arg == "--lang":
                if args[i + 1] not in ("fr", "en"):
                    return None
                lang = args[i + 1]
            i += 2
            continue
        if arg.startswith("-"):
            return None
        name = _name(arg)
        if name is None:
            return None
        files.append(name)
        i += 1
    if len(files) != 1 + offers:
        return None
    return files, output, lang


def report_command(inputs: FicheInputs, stated: str) -> str:
    """The ``ia-empreinte report`` line that recomputes a fiche with these ``inputs``.

    Args:
        inputs: the fiche's canonical inputs; every option is taken from them.
        stated: the command as given (by the CLI, or as stored in a fiche); only its
            file names (reduced to bare names, no folder), ``-o`` and ``--lang`` are
            kept.

    Returns:
        The command, or ``""`` when ``stated`` is not an ``ia-empreinte report`` line
        naming one profile and one file per offer.
    """
    found = command_files(stated, len(inputs.offers))
    if found is None:
        return ""
    files, output, lang = found
    o = inputs.options
    args = [*_PROGRAM, *files, "-o", output, "--indicator", o.indicator, "--scope", o.scope,
            "--method", o.method, "--points", _number(o.points), "--seed", str(o.seed),
            "--draws", str(o.draws)]
    if lang:
        args += ["--lang", lang]
    if o.floor is not None:
        args += ["--floor", _number(o.floor)]
    else:
        args += ["--floor-fraction", _number(o.floor_fraction or 0.0)]
    c = inputs.consultation
    for flag, value in (("--consultation", c.reference), ("--lot", c.lot), ("--buyer", c.buyer)):
        if value:
            args += [flag, value]
    if c.weight_pct is not None:
        args += ["--weight", _number(c.weight_pct)]
    return shlex.join(args)


def verify_command(command: str) -> str:
    """``ia-empreinte verify FILE`` for the ``-o`` file of a :func:`report_command` line
    (``fiche.json`` when there is none)."""
    try:
        args = shlex.split(command)
        output = args[args.index("-o") + 1]
    except (ValueError, IndexError):
        output = "fiche.json"
    return shlex.join(["ia-empreinte", "verify", output])
