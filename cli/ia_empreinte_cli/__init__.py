"""The ``ia-empreinte`` command line: parse options, call the library, render, write."""
