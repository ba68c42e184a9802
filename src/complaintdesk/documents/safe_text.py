"""Text on its way out to a workbook or a PDF: stored text never stops a writer (issue 16).

Old data can hold what input rules now refuse — a vertical tab pasted into 车型, a NUL from
an import, half of an emoji's surrogate pair. XML (the inside of an .xlsx) cannot hold the
C0 control characters other than tab, line feed and carriage return, nor a lone surrogate,
nor U+FFFE/U+FFFF; PDF text goes through the same UTF-8 encoding. They are removed (a lone
surrogate becomes U+FFFD) on the way out; the record itself is left as it is."""

from __future__ import annotations

import re
from typing import Any

# \\x09 \\x0a \\x0d are allowed in XML; every other C0 control is not. Any surrogate code point
# in a Python str is unpaired (a pair decodes to one astral character).
_CONTROL = "\x00-\x08\x0b\x0c\x0e-\x1f"
_BAD = re.compile(f"[{_CONTROL}\ud800-\udfff\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_DROP = re.compile(f"[{_CONTROL}\ufffe\uffff]")


def clean(text: str) -> str:
    """`text` with what XML cannot hold taken out (the usual text is returned as is)."""
    if _BAD.search(text) is None:
        return text
    return _DROP.sub("", _SURROGATE.sub("\ufffd", text))


def clean_value(value: Any) -> Any:
    """A cell value: strings cleaned, anything else as it is."""
    return clean(value) if type(value) is str else value


class ExportRowError(ValueError):
    """A row that still could not be written, naming it (the case or slip number)."""

    def __init__(self, sheet: str, row: int, key: Any, cause: BaseException) -> None:
        what = f"（{key}）" if key not in (None, "") else ""
        super().__init__(f"“{sheet}”表第 {row} 行{what}无法写入：{type(cause).__name__}: {cause}。")
        self.key = key
