"""How the CLI reports a user error: one line on stderr, exit code 2."""

from __future__ import annotations

import importlib
from typing import Any

import click

__all__ = ["CliError", "needs_extra"]


class CliError(click.ClickException):
    """A user error: one line on stderr, exit code 2, no traceback."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        click.echo(f"Error: {self.format_message()}", err=True)


def needs_extra(command: str, extra: str, *modules: str) -> None:
    """Stop ``command`` with one line naming ``extra`` when one of its ``modules`` is missing.

    The harness (``bench run``) and the HTTP API (``serve``) are optional parts, installed
    with ``pip install 'ia-empreinte[harness]'`` or ``'ia-empreinte[server]'``.

    Raises:
        CliError: e.g. ``'ia-empreinte serve' needs the server extra: pip install
            'ia-empreinte[server]'``.
    """
    for module in modules:
        try:
            importlib.import_module(module)
        except ImportError:
            raise CliError(
                f"'ia-empreinte {command}' needs the {extra} extra: "
                f"pip install 'ia-empreinte[{extra}]'"
            ) from None
