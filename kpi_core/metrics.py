"""Weekly value metrics: minutes per result, sustainability and each chosen KPI, from the canonical log."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from kpi_core.income import weekly_income, yen_per_hour
from kpi_core.personas import Kpi, Part
from kpi_core.signals import DEFAULT_SOLVED_PHRASES, count_solved_signals
from kpi_core.sustainability import sustainability

# Log columns that are not optional counts; every other numeric column is one (core or a persona's).
_NOT_COUNTS = frozenset({
    "date", "action", "category", "minutes", "reactions", "quality", "memo", "source", "source_row",
    "solved_signals",
    "income",  # yen beside value: never summed as a count, a value signal or a result
})
_MONTH_WEEKS = 4  # a "month" KPI period is the 4 weeks ending with the week
_EPOCH_WEEKDAY = 3  # 1970-01-01 was a Thursday (Monday = 0)


@dataclass(frozen=True)
class WeeklyReport:
    """One row per week (zero weeks included), the KPI long table, and the key-result column used."""

    weeks: pd.DataFrame
    kpis: pd.DataFrame
    key_result: str
    key_columns: tuple[str, ...] = ()  # the columns summed into "results"
    measures: Any = None  # the kpi_core.measures.Measures it was computed for, when built from a plan


def week_start_days(dates: pd.Series | Sequence[date], week_start: int) -> np.ndarray:
    """Days since 1970-01-01 of the start of each date's week (week_start: 0 = Monday … 6 = Sunday)."""
    days = np.asarray(pd.to_datetime(pd.Series(dates)).to_numpy().astype("datetime64[D]").astype(np.int64))
    return days - (days + _EPOCH_WEEKDAY - week_start) % 7


def count_columns(log: pd.DataFrame) -> list[str]:
    """The optional count columns the log has (core ones like inquiries, and persona extras), in log order."""
    types = pd.api.types
    return [
        c for c in log.columns
        if c not in _NOT_COUNTS and types.is_numeric_dtype(log[c]) and not types.is_bool_dtype(log[c])
    ]


def known_sum(frame: pd.DataFrame, columns: Sequence[str]) -> pd.Series:
    """Row by row, the sum of the written values of those `columns` the frame has (Float64); NA where none of
    them is written or the frame has none of them: an unknown count is not zero."""
    held = [c for c in columns if c in frame.columns]
    if not held:
        return pd.Series(pd.NA, index=frame.index, dtype="Float64")
    return frame[held].astype("Float64").sum(axis=1, min_count=1)


def resolve_key_result(log: pd.DataFrame, key_result: str = "auto") -> str:
    """"auto" = inquiries when the log has any, else reactions; any other id is used as given."""
    if key_result != "auto":
        return key_result
    if "inquiries" in log.columns and log["inquiries"].notna().any():
        return "inquiries"
    return "reactions"


def _cells(log: pd.DataFrame, week_index: np.ndarray, cat_codes: np.ndarray, sums: list[str]) -> pd.DataFrame:
    """Totals per (week, category) cell: rows, minutes, the count columns (NA when all NA), quality sum/n."""
    n_cat = int(cat_codes.max()) + 2 if len(cat_codes) else 1
    key = week_index * n_cat + (cat_codes + 1)  # one int key: far faster to group than two columns
    frame = log[["minutes", *sums]].copy()
    frame["quality_sum"] = log["quality"]
    grouped = frame.groupby(key, sort=True)
    cells = grouped[["minutes", *sums]].sum(min_count=1)
    cells["minutes"] = cells["minutes"].fillna(0.0)
    cells["quality_sum"] = grouped["quality_sum"].sum().astype("float64")
    cells["quality_n"] = grouped["quality_sum"].count()
    cells["rows"] = grouped.size()
    cells["week"] = cells.index.to_numpy() // n_cat
    cells["cat"] = cells.index.to_numpy() % n_cat - 1
    return cells.reset_index(drop=True)


def _per_week(cells: pd.DataFrame, column: str, n_weeks: int, min_count: int = 1) -> pd.Series:
    """A cell column summed per week: NA where every row was NA (min_count=1); 0 for weeks without rows."""
    summed = cells.groupby("week")[column].sum(min_count=min_count)
    return summed.reindex(range(n_weeks), fill_value=0)


def _part_values(part: Part, cells: pd.DataFrame, cat_ids: dict[str, int], n_weeks: int) -> pd.Series:
    """A formula part per week as float (NaN = NA): rows counted or a column summed, in its categories."""
    if part.categories:
        codes = [cat_ids[c] for c in part.categories if c in cat_ids]
        cells = cells[cells["cat"].isin(codes)]
    if part.kind == "count":
        values = _per_week(cells, "rows", n_weeks, min_count=0)
    elif part.kind == "sum" and part.column in cells.columns:
        values = _per_week(cells, part.column, n_weeks)
    elif part.kind == "sum":
        values = pd.Series(pd.NA, index=range(n_weeks))  # a column the log does not have: unknown, not 0
    else:
        raise ValueError(f"unknown formula part kind {part.kind!r}")
    return pd.Series(pd.array(values, dtype="Float64").to_numpy(dtype="float64", na_value=np.nan))


def _kpi_values(kpi: Kpi, cells: pd.DataFrame, cat_ids: dict[str, int], n_weeks: int) -> np.ndarray:
    """numerator (/ denominator) × scale per week; a month sums each part over the 4 weeks first."""
    formula = kpi.formula
    parts = [formula.numerator] + ([formula.denominator] if formula.denominator is not None else [])
    values = [_part_values(p, cells, cat_ids, n_weeks) for p in parts]
    if formula.period == "month":
        # Early weeks use the weeks there are; NaN weeks are skipped, an all-NaN window stays NaN.
        values = [v.rolling(_MONTH_WEEKS, min_periods=1).sum() for v in values]
    elif formula.period != "week":
        raise ValueError(f"unknown KPI period {formula.period!r}")
    value = values[0]
    if len(values) == 2:
        value = value / values[1].where(values[1] > 0)  # a zero denominator is NA, not 0 or infinity
    return (value * formula.scale).to_numpy(dtype="float64")


def _kpi_table(
    kpis: Sequence[tuple[Kpi, float]], cells: pd.DataFrame, cat_ids: dict[str, int], weeks: pd.DataFrame
) -> pd.DataFrame:
    """Long table: week_start, id, value, target, target_max, met, direction.

    met is NA for NA values and rest weeks; a band (target … target_max, both ends included) has its high end
    in target_max, which is NaN for higher / lower KPIs.
    """
    frames = []
    for order, (kpi, target) in enumerate(kpis):
        target = kpi.target if target is None else float(target)
        value = _kpi_values(kpi, cells, cat_ids, len(weeks))
        target_max = np.nan
        if kpi.direction == "higher":
            met = value >= target
        elif kpi.direction == "lower":
            met = value <= target
        elif kpi.direction == "band" and kpi.target_max is not None:
            target_max = float(kpi.target_max)
            met = (value >= target) & (value <= target_max)
        else:
            raise ValueError(f"unknown KPI direction {kpi.direction!r} (a band needs target_max)")
        met = pd.array(met, dtype="boolean")
        met[np.isnan(value) | weeks["rest"].to_numpy()] = pd.NA  # a rest week is not judged
        frames.append(pd.DataFrame({
            "week_start": weeks["week_start"].to_numpy(), "id": kpi.id, "value": value, "target": target,
            "target_max": target_max, "met": met, "direction": kpi.direction, "_order": order,
        }))
    if not frames:
        return pd.DataFrame({
            "week_start": pd.Series(dtype="datetime64[ns]"), "id": pd.Series(dtype=object),
            "value": pd.Series(dtype="float64"), "target": pd.Series(dtype="float64"),
            "target_max": pd.Series(dtype="float64"), "met": pd.Series(dtype="boolean"),
            "direction": pd.Series(dtype=object),
        })
    table = pd.concat(frames, ignore_index=True).sort_values(["week_start", "_order"], kind="stable")
    return table.drop(columns="_order").reset_index(drop=True)


def weekly_metrics(
    log: pd.DataFrame,
    *,
    kpis: Sequence[tuple[Kpi, float]] = (),
    budget_minutes: float,
    week_start: int = 0,
    key_result: str = "auto",
    key_columns: Sequence[str] | None = None,
    rest_weeks: Iterable[date] = (),
    solved_phrases: Iterable[str] = DEFAULT_SOLVED_PHRASES,
    categories: Sequence[str] = (),
    fatigue: Mapping[date, int] = {},  # noqa: B006 - read only
) -> WeeklyReport:
    """Weekly figures from the canonical log, one row per week from its first week to its last.

    Columns: week_start, minutes, actions, actions_<category> (declared `categories` first, then any other
    in the log), reactions, the optional counts, solved_signals (with a memo column), quality_mean,
    results (the sum of `key_columns`, by default the key result's own column), minutes_per_result,
    results_per_hour, rest, and the sustainability columns. A week without rows has zero counts; a week
    whose rows all leave a count empty keeps NA.
    Any date inside a rest week marks that week as rest.
    `fatigue`: the person's answer to "how tired are you this week?" (1 rested … 5 worn out) by week-start
    date (any date inside the week counts for it; a later date wins) → column fatigue (float, NaN when not
    given; answers outside 1–5 are ignored), which enters the sustainability index as its own part.
    """
    if week_start not in range(7):
        raise ValueError(f"week_start must be 0 (Monday) … 6 (Sunday), got {week_start!r}")
    if not budget_minutes > 0 or math.isinf(budget_minutes):
        raise ValueError(f"weekly budget must be a positive number of minutes, got {budget_minutes!r}")
    key = resolve_key_result(log, key_result)
    key_columns = (key,) if key_columns is None else tuple(key_columns)
    if log["date"].isna().any():  # the reader rejects such rows; a row without a date has no week
        log = log[log["date"].notna()]
    sums = ["reactions", *count_columns(log)]
    if "memo" in log.columns:
        log = log.assign(solved_signals=count_solved_signals(log["memo"], solved_phrases))
        sums.append("solved_signals")

    days = week_start_days(log["date"], week_start)
    first = int(days.min()) if len(days) else 0
    n_weeks = (int(days.max()) - first) // 7 + 1 if len(days) else 0
    cat_codes, cat_names = pd.factorize(log["category"], use_na_sentinel=True)
    cat_ids = {str(name): code for code, name in enumerate(cat_names)}
    cells = _cells(log, (days - first) // 7, cat_codes, sums)

    starts = (first + 7 * np.arange(n_weeks)).astype("datetime64[D]").astype("datetime64[ns]")
    weeks = pd.DataFrame({"week_start": starts})
    weeks["minutes"] = _per_week(cells, "minutes", n_weeks, min_count=0).astype("float64").to_numpy()
    weeks["actions"] = _per_week(cells, "rows", n_weeks, min_count=0).astype("int64").to_numpy()
    shown = list(dict.fromkeys([*categories, *sorted(cat_ids)]))
    for cat in shown:
        in_cat = cells[cells["cat"] == cat_ids[cat]] if cat in cat_ids else cells.iloc[:0]
        weeks[f"actions_{cat}"] = _per_week(in_cat, "rows", n_weeks, min_count=0).astype("int64").to_numpy()
    for column in sums:
        weeks[column] = pd.array(_per_week(cells, column, n_weeks), dtype="Int64")
    quality_n = _per_week(cells, "quality_n", n_weeks, min_count=0).to_numpy()
    quality_sum = _per_week(cells, "quality_sum", n_weeks, min_count=0).to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        weeks["quality_mean"] = np.where(quality_n > 0, quality_sum / quality_n, np.nan)

    # An explicit key result the log lacks is unknown every week, not zero.
    weeks["results"] = known_sum(weeks, key_columns).astype("Int64")
    results = weeks["results"].to_numpy(dtype="float64", na_value=np.nan)
    minutes = weeks["minutes"].to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        weeks["minutes_per_result"] = np.where(results > 0, minutes / results, np.nan)
        weeks["results_per_hour"] = np.where(minutes > 0, results / (minutes / 60.0), np.nan)
    # Income beside value (kpi_core.income): NA every week without an income column, else 0 for a week
    # without any; yen per hour NaN without income or minutes.
    weeks["income"] = weekly_income(log, (days - first) // 7, n_weeks).array
    weeks["yen_per_hour"] = yen_per_hour(weeks["income"], minutes)

    rest_list = list(rest_weeks)
    rest_starts = week_start_days(rest_list, week_start) if rest_list else np.array([], dtype=np.int64)
    weeks["rest"] = np.isin(first + 7 * np.arange(n_weeks), rest_starts)
    weeks["fatigue"] = _fatigue_per_week(fatigue, first, n_weeks, week_start)
    activity = weeks[["week_start", "minutes", "quality_mean", "fatigue"]].assign(active=weeks["actions"] > 0)
    rest_dates = weeks.loc[weeks["rest"], "week_start"].tolist()
    weeks = pd.concat([weeks, sustainability(activity, budget_minutes, rest_dates)], axis=1)
    return WeeklyReport(weeks=weeks, kpis=_kpi_table(kpis, cells, cat_ids, weeks), key_result=key,
                        key_columns=key_columns)


def _fatigue_per_week(fatigue: Mapping[date, int], first: int, n_weeks: int, week_start: int) -> np.ndarray:
    """The fatigue answers (1–5) placed on the report's weeks; NaN for weeks without a valid answer."""
    out = np.full(n_weeks, np.nan)
    answers = [(day, value) for day, value in sorted(fatigue.items(), key=lambda item: pd.Timestamp(item[0]))
               if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
               and value in range(1, 6)]
    if not answers or not n_weeks:
        return out
    index = (week_start_days([day for day, _ in answers], week_start) - first) // 7
    for i, (_, value) in zip(index, answers, strict=True):
        if 0 <= i < n_weeks:
            out[i] = float(value)
    return out


# Which way is better, for the dashboard headline's arrows.
_HEADLINE = {"minutes_per_result": "lower", "sustainability": "higher", "quality_mean": "higher"}


def _number(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def latest_change(report: WeeklyReport) -> dict:
    """The latest week against the week before: per headline figure, latest, previous, delta and better.

    {"week_start": Timestamp | None, "previous_week_start": Timestamp | None,
     "minutes_per_result": {"latest", "previous", "delta", "better"}, "sustainability": {...},
     "quality_mean": {...}}; a missing figure is None, and so is every delta or "better" that needs it.
    """
    weeks = report.weeks
    latest = weeks.iloc[-1] if len(weeks) else None
    previous = weeks.iloc[-2] if len(weeks) > 1 else None
    change: dict = {
        "week_start": None if latest is None else latest["week_start"],
        "previous_week_start": None if previous is None else previous["week_start"],
    }
    for column, direction in _HEADLINE.items():
        now = None if latest is None else _number(latest[column])
        before = None if previous is None else _number(previous[column])
        delta = None if now is None or before is None else now - before
        better = None if delta is None or delta == 0 else (delta < 0) == (direction == "lower")
        change[column] = {"latest": now, "previous": before, "delta": delta, "better": better}
    return change
