"""The one exception genoassoc raises for bad input.

The CLI turns an `InputError` into a single line on stderr and exit code 2; pipelines that import
genoassoc catch it to report the same line.
"""

from __future__ import annotations


class InputError(ValueError):
    """Bad input: names the file, the row (1-based, header = row 1) and the column when known."""

    def __init__(
        self,
        problem: str,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.problem = problem
        self.file = file
        self.row = row
        self.column = column
        super().__init__(str(self))

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(str(self.file))
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column '{self.column}'")
        return f"{', '.join(where)}: {self.problem}" if where else self.problem

    def located(self, file: str | None = None, row: int | None = None) -> InputError:
        """The same problem with a file or row filled in where it was not known."""
        return InputError(self.problem, self.file or file, self.row if self.row else row, self.column)
