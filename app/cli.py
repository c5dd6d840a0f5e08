"""`python -m bot [run | webhook | migrate | backup FILE | playground | wallet ... | newkey |
rekey]`."""

from __future__ import annotations

import os
import sys

from bot.config import ConfigError, MissingToken, load_settings

USAGE = (
    "usage: python -m bot [run | webhook | migrate | backup FILE | playground | wallet ...]\n"
    "  run         long polling (the default)\n"
    "  webhook     webhook mode on $PORT (WEBHOOK_URL, WEBHOOK_SECRET; WEB_CONCURRENCY workers)\n"
    "  migrate     bring the database schema up to date\n"
    "  backup FILE copy the SQLite database to FILE while the bot runs\n"
    "  playground  try the bot in this terminal, no token needed\n"
    "  wallet apple CARD FILE  write a card's Apple Wallet pass to FILE\n"
    "  newkey      print a new key for BOT_TOKEN_KEY (café bots' tokens at rest)\n"
    "  rekey       re-encrypt every café bot's token under the first key of BOT_TOKEN_KEY"
)
PLAYGROUND_OFFER = "No TELEGRAM_BOT_TOKEN set. Start the local playground now? [Y/n] "


def offers_playground(
    command: str, problem: ConfigError, *, stdin_tty: bool, stdout_tty: bool
) -> bool:
    """Whether to offer the playground: a person at a terminal ran the bot with no token at all.
    Services, scripts and pipes keep the one line saying how to get a token."""
    return command == "run" and isinstance(problem, MissingToken) and stdin_tty and stdout_tty


def accepts(answer: str | None) -> bool:
    """A [Y/n] answer: Enter or yes starts; no, anything else or end of input does not."""
    return answer is not None and answer.strip().lower() in ("", "y", "yes")


def _ask(question: str) -> str | None:
    try:
        return input(question)
    except (EOFError, KeyboardInterrupt):
        print()
        return None


def main(argv: list[str]) -> int:
    command, arguments = (argv[0], argv[1:]) if argv else ("run", [])
    if command in ("-h", "--help", "help"):
        print(USAGE)
        return 0
    if command == "playground":
        from app.playground import run_playground

        return run_playground(arguments)
    if command == "wallet":
        from bot.wallet.command import run_wallet_command

        return run_wallet_command(arguments)
    if command == "newkey":
        from infra.bots import TokenCipher

        print(TokenCipher.new_key())
        return 0
    if command not in ("run", "webhook", "migrate", "backup", "rekey") or (
        command == "backup"
    ) != bool(arguments):
        print(USAGE, file=sys.stderr)
        return 2
    try:
        settings = load_settings()
    except ConfigError as problem:
        at_terminal = offers_playground(
            command, problem, stdin_tty=sys.stdin.isatty(), stdout_tty=sys.stdout.isatty()
        )
        if at_terminal and accepts(_ask(PLAYGROUND_OFFER)):
            from app.playground import run_playground

            return run_playground([])
        print(problem, file=sys.stderr)
        return 2
    from app import runner  # heavy imports only once the settings are valid

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
    if command == "rekey":
        return runner.rekey(settings)
    if command == "webhook":
        from app.webhook import serve

        return serve(settings, workers=int(workers))
    return runner.run_polling(settings)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
