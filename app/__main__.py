"""`python -m app` is `python -m bot`: the same command line."""

from __future__ import annotations

import sys

from app.cli import main

if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
