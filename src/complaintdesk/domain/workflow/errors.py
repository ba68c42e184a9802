"""The workflow's domain exception."""

from __future__ import annotations

from ..errors import DomainError


class WorkflowError(DomainError):
    """An action is not allowed now, not allowed to this user, or its data is incomplete.

    `message_zh` says what is wrong and what to do; `field` names the offending data field
    (when there is one) so the UI can show the message next to it; `fields` holds a
    message for every offending field when there are several (e.g. all missing ones).
    """

    def __init__(self, message_zh: str, field: str | None = None,
                 fields: dict[str, str] | None = None) -> None:
        super().__init__(message_zh)
        self.field = field
        self.fields = fields or ({field: message_zh} if field else {})
