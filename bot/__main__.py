"""`python -m bot [run | webhook | migrate | backup FILE | playground | wallet ...]`."""

from __future__ import annotations

import os
import sys

from bot.config import ConfigError, load_settings

USAGE = (
    "usage: python -m bot [run | webhook | migrate | backup FILE | playground | wallet ...]\n"
    "  run         long polling (the default)\n"
    "  webhook     webhook mode on $PORT (WEBHOOK_URL, WEBHOOK_SECRET; WEB_CONCURRENCY workers)\n"
    "  migrate     bring the database schema up to date\n"
    "  backup FILE copy the SQLite database to FILE while the bot runs\n"
    "  playground  try the bot in this terminal, no token needed\n"
    "  wallet apple CARD FILE  write a card's Apple Wallet pass to FILE"
)


def main(argv: list[str]) -> int:
    command, arguments = (argv[0], argv[1:]) if argv else ("run", [])
    if command in ("-h", "--help", "help"):
        print(USAGE)
        return 0
    if command == "playground":
        from bot.playground import run_playground

        return run_playground(arguments)
    if command == "wallet":
        from bot.wallet.command import run_wallet_command

        return run_wallet_command(arguments)
    if command not in ("run", "webhook", "migrate", "backup") or (command == "backup") != bool(
        arguments
    ):
        print(USAGE, file=sys.stderr)
        return 2
    try:
        settings = load_settings()
    except ConfigError as problem:
        print(problem, file=sys.stderr)
        return 2
    from bot import runner  # heavy imports only once the settings are valid

    if command == "backup":
        return runner.backup(settings, arguments[0])
    workers = os.environ.get("WEB_CONCURRENCY", "1")
    if command == "webhook":
        if settings.webhook_url is None or settings.webhook_secret is None:
            print("WEBHOOK_URL and WEBHOOK_SECRET are both needed in webhook mode", file=sys.stderr)
            return 2
        if not workers.isdigit() or not 1 <= int(workers) <= 64:
            print("WEB_CONCURRENCY is malformed: expected a number from 1 to 64", file=sys.stderr)
            return 2
    unusable = runner.database_problem(settings)
    if unusable is not None:
        print(unusable, file=sys.stderr)
        return 2
    if command == "migrate":
        return runner.migrate(settings)
    if command == "webhook":
        from bot.webhook import serve

        return serve(settings, workers=int(workers))
    return runner.run_polling(settings)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
