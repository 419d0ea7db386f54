"""The buyer's web application: server-rendered pages on the HTTP API's application.

``ia-empreinte serve`` serves it at ``/`` beside the API (``/v1``): describe the use,
load the offers, compare and score, download the sheet and the kit, verify a sheet.
Jinja2 templates (autoescaped), one stylesheet, no script, no cookie, no state on the
server: see :mod:`ia_empreinte.server.web.pages` and :mod:`.journey`.
"""

from ia_empreinte.server.web.pages import CSP, static_files_root, web_router

__all__ = ["CSP", "static_files_root", "web_router"]
