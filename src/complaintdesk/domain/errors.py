"""Domain errors: raised by pure domain code, shown to the user as-is (STYLE habit 12)."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the policy was broken. `message_zh` says, in Chinese, what to do."""

    def __init__(self, message_zh: str) -> None:
        super().__init__(message_zh)
        self.message_zh = message_zh

    def __str__(self) -> str:
        return self.message_zh
