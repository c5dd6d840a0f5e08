"""Host names to addresses, as outgoing requests would reach them (the webhooks' address check)."""

from __future__ import annotations

import asyncio
import socket


async def resolve_host(host: str) -> list[str]:
    """The addresses a request to `host` may go to (empty when the name is unknown)."""
    loop = asyncio.get_running_loop()
    try:
        found = await loop.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return []
    return sorted({str(info[4][0]) for info in found})
