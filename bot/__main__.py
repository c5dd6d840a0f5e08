"""`python -m bot` starts the platform: the composition root lives in app/ (see app/cli.py)."""

from __future__ import annotations

import sys

from app.cli import main

if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
