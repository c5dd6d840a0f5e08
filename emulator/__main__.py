"""``python -m emulator``: a standalone Bot API emulator with its JSON control API.

The first line on stdout is ``listening on http://127.0.0.1:PORT`` (useful with
``--port 0``); the process runs until SIGINT or SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio
import signal

from emulator.driver import BotApiEmulator


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m emulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--token", default="123456:TEST-TOKEN")
    parser.add_argument("--username", default="loyalty_test_bot", help="the bot's username")
    parser.add_argument("--bot-name", default="Loyalty Test Bot")
    parser.add_argument("--rate-limit-chat", type=float, help="messages/s per chat (429 above)")
    parser.add_argument("--rate-limit-overall", type=float, help="messages/s in total")
    parser.add_argument(
        "--bot-wide-limit", type=int, help="messages within any one second (429 above)"
    )
    parser.add_argument("--callback-ttl", type=float, default=15.0)
    parser.add_argument("--webhook-retry-delay", type=float, default=0.1)
    return parser.parse_args(argv)


async def serve(args: argparse.Namespace) -> None:
    """Run until a termination signal arrives."""
    emulator = BotApiEmulator(
        args.token,
        args.username,
        bot_name=args.bot_name,
        host=args.host,
        port=args.port,
        rate_limit_per_chat=args.rate_limit_chat,
        rate_limit_overall=args.rate_limit_overall,
        bot_wide_limit=args.bot_wide_limit,
        callback_ttl=args.callback_ttl,
        webhook_retry_delay=args.webhook_retry_delay,
        control_api=True,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with emulator:
        print(f"listening on {emulator.url} (Bot API base_url {emulator.base_url})", flush=True)
        await stop.wait()


def main(argv: list[str] | None = None) -> None:
    asyncio.run(serve(_arguments(argv)))


if __name__ == "__main__":
    main()
