"""Errors a person reads: Chinese text that says what is wrong and what to do."""

from __future__ import annotations

_SENTENCE_END = ("。", "？", "！", "…")


def sentence(message: str) -> str:
    """A Chinese message as a sentence: ends in a full stop (issue 13: messages missed their
    final 。). A message ending in its own punctuation is left as it is."""
    text = message.rstrip()
    if not text or text.endswith(_SENTENCE_END):
        return text
    if text.endswith(("：", ":", "，", ",", "；", ";")):
        text = text[:-1]
    return text + "。"


class ServiceError(Exception):
    """A use case refused. `field` names the form field the message belongs next to; `row`,
    for a table the person edits (the rule table), the 0-based row it is about — so the
    widget selects it without reading the text. The message always reads as a sentence,
    ending in 。."""

    def __init__(self, message: str, field: str | None = None,
                 fields: dict[str, str] | None = None, *, row: int | None = None) -> None:
        message = sentence(message)
        fields = {k: sentence(v) for k, v in fields.items()} if fields else None
        super().__init__(message)
        self.message = message
        self.field = field
        self.fields = fields or ({field: message} if field else {})
        self.row = row


class PermissionDenied(ServiceError):
    pass


class ConflictError(ServiceError):
    """Optimistic locking: someone else acted on the case first."""

    def __init__(self, message: str = "已被他人处理：该案件刚刚被其他人更新，请刷新后重试。") -> None:
        super().__init__(message)


class NotFound(ServiceError):
    pass


class BusyError(ConflictError):
    """Another PC held the data too long (a lock wait timed out) or the server broke a
    deadlock between two PCs: nothing was saved; trying again works."""

    def __init__(self, message: str = "其他电脑正在同时修改这些数据，本次操作未保存，请稍后重试。") -> None:
        super().__init__(message)
