"""What checking a form gives: messages per field."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ValidationResult:
    errors: dict[str, str] = field(default_factory=dict)  # field → message (blocks saving)
    warnings: dict[str, str] = field(default_factory=dict)  # field → message (can override)

    @property
    def ok(self) -> bool:
        return not self.errors
