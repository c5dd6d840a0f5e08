"""`python -m bot [run | migrate]`: settings → application → polling."""

from __future__ import annotations

import sys

from bot.config import ConfigError, load_settings


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "run"
    if command not in ("run", "migrate"):
        print(
            f"unknown command {command!r}: use `python -m bot` or `python -m bot migrate`",
            file=sys.stderr,
        )
        return 2
    try:
        settings = load_settings()
    except ConfigError as problem:
        print(problem, file=sys.stderr)
        return 2
    from bot.runner import migrate, run_polling  # heavy imports only once settings are valid

    if command == "migrate":
        return migrate(settings)
    return run_polling(settings)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
