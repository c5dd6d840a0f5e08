"""What every refusal is."""

from __future__ import annotations


class DomainError(Exception):
    """A refusal: the request was understood and rejected; nothing changed."""

    def __str__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"{type(self).__name__}({fields})"
