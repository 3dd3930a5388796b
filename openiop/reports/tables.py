"""What every report selector returns: a table of figures, optionally drawn as a chart.

Pages render tables generically (the chart above, its numbers in a table below), and the same
table is what the CSV export writes. Columns that identify a person (names, dates of birth,
contact details, free text) are marked, and a de-identified export leaves them out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "text"  # text | number | percent | date | hours
    identifying: bool = False  # left out of de-identified exports


@dataclass(frozen=True)
class Chart:
    kind: str  # line | bar
    x: str  # the column whose values label the x axis
    series: tuple[str, ...]  # the columns drawn
    y_label: str = ""
    stacked: bool = False


@dataclass(frozen=True)
class Table:
    key: str  # a slug: the table's CSV is reports:export with table=<key>
    title: str
    definition: str  # numerator, denominator and exclusions, in the reader's words
    columns: tuple[Column, ...]
    rows: tuple[tuple[Any, ...], ...]
    chart: Chart | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    def deidentified(self) -> Table:
        """The same table without its identifying columns."""
        keep = [i for i, column in enumerate(self.columns) if not column.identifying]
        return Table(
            key=self.key,
            title=self.title,
            definition=self.definition,
            columns=tuple(self.columns[i] for i in keep),
            rows=tuple(tuple(row[i] for i in keep) for row in self.rows),
            chart=None,
            notes=self.notes,
        )

    def column_values(self, key: str) -> list[Any]:
        index = [column.key for column in self.columns].index(key)
        return [row[index] for row in self.rows]


def percent(numerator: int, denominator: int) -> float | None:
    """A share as a percentage with one decimal, or None when there is nothing to divide by."""
    return round(100 * numerator / denominator, 1) if denominator else None
