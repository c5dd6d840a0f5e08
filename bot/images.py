"""Images: the card's QR code (segno, PNG in memory)."""

from __future__ import annotations

import io

import segno


def qr_png(content: str, *, scale: int = 10) -> bytes:
    """A PNG QR code with a quiet zone, large enough to scan from a phone screen."""
    buffer = io.BytesIO()
    segno.make(content, error="m", micro=False).save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()
