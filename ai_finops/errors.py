"""Errors a user sees: each names the file, the column and the problem, never a traceback."""

from __future__ import annotations

from pathlib import Path


class IngestError(Exception):
    """A delivery was refused. Nothing of it landed and nothing landed before changed."""

    def __init__(
        self, file: Path | str, column: str | None, problem: str, others: list[str] | None = None
    ) -> None:
        self.file = str(file)
        self.column = column
        self.problem = problem
        # Further problems found by the same check stage, each a full message (kept in REASON.json).
        self.others = list(others or [])
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"column {self.column!r}: " if self.column else ""
        return f"{self.file}: {where}{self.problem}"


class LandingError(Exception):
    """The landing zone or the DuckDB file could not be updated."""
