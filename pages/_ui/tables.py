"""Tables as a person reads them: named columns, dates without times, rounded numbers, — for unknown."""

from __future__ import annotations

import numbers

import pandas as pd

from kpi_core.report import column_label


def compact(value: object) -> str:
    """A number as people write it: 3, 0.5, 1,200, 45.33 — and — when unknown."""
    cell = _cell(float(value) if isinstance(value, int | float) and not isinstance(value, bool) else value)
    return str(cell)


def _cell(value: object) -> object:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "—"
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, bool):
        return "✓" if value else "—"
    if isinstance(value, numbers.Integral):  # numpy's ints too: a number left among "—" texts breaks Arrow
        return f"{int(value):,}"
    if isinstance(value, numbers.Real):
        value = float(value)
        return f"{value:,.2f}".rstrip("0").rstrip(".") if not value.is_integer() else f"{int(value):,}"
    return value


def readable(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A copy for display only (never for export): every cell as text, column names in `lang`."""
    shown = frame.astype(object).map(_cell)
    if "met" in frame.columns:  # a target missed is a cross, not the dash of an unknown week
        shown["met"] = [("✓" if v else "✗") if isinstance(v, bool) else "—" for v in frame["met"].astype(object)]
    return shown.rename(columns=lambda c: column_label(c, lang))
