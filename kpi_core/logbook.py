"""Reading a batch of uploaded files into one log, with the per-file reports and the totals."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd

from kpi_core.merge import merge_logs
from kpi_core.reader import FileReport, read_log


@dataclass
class Batch:
    """Several files read together: one merged log, a report per file, and totals that add up."""

    reports: list[FileReport]
    log: pd.DataFrame
    duplicates: int

    @property
    def accepted(self) -> int:
        """Rows accepted over all files (before duplicates across files are removed)."""
        return sum(r.accepted for r in self.reports)

    @property
    def rejected(self) -> int:
        """Rows rejected over all files."""
        return sum(r.rejected for r in self.reports)

    def as_dict(self, lang: str) -> dict:
        """The `kpi-coach check --json` object."""
        return {
            "files": [r.as_dict(lang) for r in self.reports],
            "accepted": self.accepted,
            "rejected": self.rejected,
            "duplicates": self.duplicates,
        }


def persona_columns(catalog) -> tuple:
    """Every persona's extra log columns, each id once, so a log made from any template is understood."""
    seen: dict[str, object] = {}
    for persona in catalog.personas.values():
        for column in persona.columns:
            seen.setdefault(column.id, column)
    return tuple(seen.values())


def read_files(
    sources: Sequence[tuple[str, bytes]],
    *,
    encoding: str | None = None,
    catalog=None,
    progress: Callable[[int, int, str], None] | None = None,
    sheet: str | None = None,
    mapping: dict[str, str | None] | None = None,
    column_maps: dict[str, dict[str, str]] | None = None,
) -> Batch:
    """Read (file name, bytes) pairs with every persona's columns known and actions categorised.

    `sheet` names the sheet to read in workbooks (see reader.read_log); CSV files ignore it. `mapping`
    ({field id: header as written}) applies to every file; `column_maps` (the remembered mappings by header
    signature, `Plan.column_maps`) to each file whose header set has one (see kpi_core.matching).
    """
    if catalog is None:
        from kpi_core.personas import default_catalog

        catalog = default_catalog()
    extra = persona_columns(catalog)
    results = []
    for number, (name, data) in enumerate(sources):
        if progress:
            progress(number, len(sources), name)
        results.append(read_log(data, name, encoding=encoding, extra_columns=extra,
                                categorize=catalog.category_of, sheet=sheet, mapping=mapping,
                                column_maps=column_maps))
    log, duplicates = merge_logs([r.rows for r in results])
    return Batch([r.report for r in results], log, duplicates)
