"""Domain errors: raised by pure domain code, shown to the user as-is (STYLE habit 12)."""

from __future__ import annotations


class Cancelled(Exception):  # noqa: N818 - the UI catches it by this plain name
    """The user cancelled a long job (an export); what it half wrote is discarded. Here,
    at the bottom of the layers, so documents raise it and services and the UI catch it
    without the UI importing the documents package."""


class DomainError(Exception):
    """A rule of the policy was broken. `message_zh` says, in Chinese, what to do."""

    def __init__(self, message_zh: str) -> None:
        super().__init__(message_zh)
        self.message_zh = message_zh

    def __str__(self) -> str:
        return self.message_zh
