"""Benchmarks of the loyalty bot on this machine: `uv run python -m benchmarks --help`.

Every figure comes from real processes talking HTTP on 127.0.0.1: the bot (`python -m bot`),
the Bot API emulator (`python -m emulator`) and this load generator. See docs/performance.md.
"""
