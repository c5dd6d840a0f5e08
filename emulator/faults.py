"""Fault injection and flood control: the ways Telegram misbehaves, on demand.

Tests use these to prove the bot survives 429s, 403s, 5xx, slow replies and lost
connections. All of it is off by default. Method names match case-insensitively; ``"*"``
matches every method except getUpdates.
"""

from __future__ import annotations

import math
import time
from collections import deque
from dataclasses import dataclass

from emulator.errors import DEFAULT_DESCRIPTIONS, ApiError, too_many_requests


@dataclass
class _Rule:
    method: str
    remaining: int
    chat_id: int | None

    def matches(self, method: str, chat_id: int | str | None) -> bool:
        if self.remaining <= 0:
            return False
        if self.method == "*" and method == "getupdates":
            return False
        if self.method not in {"*", method}:
            return False
        return self.chat_id is None or self.chat_id == chat_id


@dataclass
class _Failure(_Rule):
    error: ApiError


@dataclass
class _Drop(_Rule):
    after_processing: bool


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """Token buckets per chat and overall, like Telegram's flood control.

    ``per_chat`` and ``overall`` are messages per second (``None``: unlimited); ``burst`` is
    how many messages may go out at once before the rate applies (default: one second's worth).
    """

    def __init__(
        self, per_chat: float | None = None, overall: float | None = None, burst: int | None = None
    ) -> None:
        self.per_chat = per_chat
        self.overall = overall
        self.burst = burst
        self._chats: dict[int | str, _Bucket] = {}
        self._overall = _Bucket(0.0, 0.0)

    @property
    def enabled(self) -> bool:
        return self.per_chat is not None or self.overall is not None

    def _wait(self, bucket: _Bucket, rate: float | None, now: float) -> float:
        """Refill ``bucket``; seconds until it holds one token (0 when it already does)."""
        if rate is None:
            return 0.0
        capacity = float(self.burst or max(1, math.ceil(rate)))
        if bucket.updated == 0.0:
            bucket.tokens, bucket.updated = capacity, now
        bucket.tokens = min(capacity, bucket.tokens + (now - bucket.updated) * rate)
        bucket.updated = now
        return 0.0 if bucket.tokens >= 1 else (1 - bucket.tokens) / rate

    def check(self, chat_id: int | str | None) -> None:
        """Count one message to ``chat_id`` or raise Telegram's 429 with retry_after."""
        if not self.enabled:
            return
        now = time.monotonic()
        chat = self._chats.setdefault(chat_id, _Bucket(0.0, 0.0)) if chat_id is not None else None
        wait = self._wait(self._overall, self.overall, now)
        if chat is not None:
            wait = max(wait, self._wait(chat, self.per_chat, now))
        if wait > 0:
            raise too_many_requests(max(1, math.ceil(wait)))
        if self.overall is not None:
            self._overall.tokens -= 1
        if chat is not None and self.per_chat is not None:
            chat.tokens -= 1


class SendWindow:
    """Every message the bot sends, in a sliding one-second window: Telegram's bot-wide limit.

    With ``limit``, a message that would make more than ``limit`` in one second (counted from
    any moment, not in fixed slots) is refused with 429 and ``retry_after``. Whether limited or
    not, it records the most messages accepted within one second and how many it refused, so a
    test can show that a bot stayed under the limit rather than merely that it was not refused.
    """

    def __init__(self, limit: int | None = None) -> None:
        self.limit = limit
        self.accepted = 0
        self.refused = 0
        self.most_in_one_second = 0
        self._recent: deque[float] = deque()  # monotonic times of accepted messages, < 1 s old

    def admit(self) -> None:
        """Count one message or raise Telegram's 429."""
        now = time.monotonic()
        while self._recent and self._recent[0] <= now - 1.0:
            self._recent.popleft()
        if self.limit is not None and len(self._recent) >= self.limit:
            self.refused += 1
            raise too_many_requests(max(1, math.ceil(self._recent[0] + 1.0 - now)))
        self._recent.append(now)
        self.accepted += 1
        self.most_in_one_second = max(self.most_in_one_second, len(self._recent))

    def reset_counts(self) -> None:
        """Forget what was seen (the limit stays), e.g. after a benchmark's warm-up."""
        self.accepted = 0
        self.refused = 0
        self.most_in_one_second = 0


class Faults:
    """Scheduled failures, dropped connections and delays, consumed as requests arrive."""

    def __init__(self) -> None:
        self._failures: list[_Failure] = []
        self._drops: list[_Drop] = []
        self.delays: dict[str, float] = {}
        self.rate_limiter = RateLimiter()
        self.send_window = SendWindow()

    def fail_next(
        self,
        method: str,
        status: int,
        *,
        description: str | None = None,
        retry_after: int | None = None,
        times: int = 1,
        chat_id: int | None = None,
    ) -> None:
        """Make the next ``times`` calls of ``method`` (to ``chat_id``, if given) fail."""
        if status == 429:
            retry_after = retry_after or 1
            error = too_many_requests(retry_after)
            if description:
                error.description = description
        else:
            text = description or DEFAULT_DESCRIPTIONS.get(status, f"Error {status}")
            error = ApiError(status, text, retry_after=retry_after)
        self._failures.append(_Failure(method.lower(), times, chat_id, error))

    def drop_connections(
        self, method: str, n: int = 1, *, after_processing: bool = False, chat_id: int | None = None
    ) -> None:
        """Close the connection of the next ``n`` calls without any response.

        With ``after_processing`` the call takes effect first (the message is sent) and only
        the response is lost: the case that makes clients retry and duplicate.
        """
        self._drops.append(_Drop(method.lower(), n, chat_id, after_processing))

    def set_delay(self, method: str, seconds: float) -> None:
        """Answer every call of ``method`` ``seconds`` late (0 removes the delay)."""
        if seconds > 0:
            self.delays[method.lower()] = seconds
        else:
            self.delays.pop(method.lower(), None)

    def delay_for(self, method: str) -> float:
        delay = self.delays.get(method, 0.0)
        return delay if method == "getupdates" else max(delay, self.delays.get("*", 0.0))

    def take_failure(self, method: str, chat_id: int | str | None) -> ApiError | None:
        """The injected error for this call, if one is scheduled (and count it down)."""
        for rule in self._failures:
            if rule.matches(method, chat_id):
                rule.remaining -= 1
                return rule.error
        return None

    def take_drop(self, method: str, chat_id: int | str | None, after_processing: bool) -> bool:
        """Whether to drop this call's connection at this stage (and count it down)."""
        for rule in self._drops:
            if rule.after_processing == after_processing and rule.matches(method, chat_id):
                rule.remaining -= 1
                return True
        return False

    def clear(self) -> None:
        """Remove every scheduled fault and delay (flood control settings stay)."""
        self._failures.clear()
        self._drops.clear()
        self.delays.clear()
