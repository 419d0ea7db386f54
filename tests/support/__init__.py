"""Helpers shared by the tests, in one place.

- :mod:`tests.support.bench`: hand-computable benchmark records, the tiny test server;
- :mod:`tests.support.compare`: a fixed comparison built from hand-made draws;
- :mod:`tests.support.doc_console`: runs the console blocks of the README and the
  guides (``python -m tests.support.doc_console FILE`` refreshes their outputs).
"""
