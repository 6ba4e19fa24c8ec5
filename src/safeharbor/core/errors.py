"""Errors raised by services and rules; views and the API turn them into 4xx answers."""

from __future__ import annotations


class ApplicationError(Exception):
    """A business rule refused the operation. `field` names the input at fault, when there is one."""

    def __init__(self, message: str, *, field: str | None = None, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code


class StaleEditError(ApplicationError):
    """The record changed since the user loaded it."""

    def __init__(self) -> None:
        super().__init__(
            "Someone else changed this record after you opened it. Reload it, check their changes, "
            "and make your edit again.",
            field="version",
            code="stale",
        )
