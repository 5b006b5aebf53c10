"""Income beside value: yen per week and per calendar month, yen per hour (時給換算), the monthly goal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

INCOME = "income"  # the log column (kpi_core.columns.INCOME): yen, a refund negative; never a count or a result


def has_income(log: pd.DataFrame) -> bool:
    """True when the log has an income column with at least one amount written.

    A column left empty on every row (the template's, never filled in) says nothing about money, so it
    reads as no income column: the figures stay unknown instead of showing ¥0 every week.
    """
    return INCOME in log.columns and bool(log[INCOME].notna().any())


def _amounts(log: pd.DataFrame) -> np.ndarray:
    """Each row's yen as float; an empty cell is a day no money came in (0), not an unknown amount."""
    return pd.array(log[INCOME], dtype="Float64").to_numpy(dtype="float64", na_value=0.0)


def weekly_income(log: pd.DataFrame, week_index: np.ndarray, n_weeks: int) -> pd.Series:
    """Yen per week (Int64), `week_index` giving each row's week (0 = the first).

    NA every week when the log has no income (see has_income). With income recorded, a week without rows
    or whose cells are all empty has 0: income is written on the day money comes in, so an empty week is a
    week without income, unlike a count nobody counted.
    """
    if not has_income(log):
        return pd.Series(pd.array([pd.NA] * n_weeks, dtype="Int64"))
    index = np.asarray(week_index, dtype=np.int64)
    totals = np.bincount(index, weights=_amounts(log), minlength=n_weeks)[:n_weeks] if len(index) else \
        np.zeros(n_weeks)
    return pd.Series(pd.array(np.rint(totals).astype("int64"), dtype="Int64"))


def yen_per_hour(income: pd.Series | np.ndarray, minutes: pd.Series | np.ndarray) -> np.ndarray:
    """Income ÷ (minutes / 60) as float: NaN where income is unknown or no minutes were spent."""
    money = pd.array(income, dtype="Float64").to_numpy(dtype="float64", na_value=np.nan)
    spent = np.asarray(minutes, dtype="float64")
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where((spent > 0) & ~np.isnan(money), money / (spent / 60.0), np.nan)


def monthly_income(log: pd.DataFrame) -> pd.DataFrame:
    """One row per calendar month from the log's first to its last (months without rows included).

    Columns: month (its first day, datetime64), income (Int64 yen; NA every month without income records,
    0 for a month with none), minutes (float), yen_per_hour (float, NaN without income or minutes).
    """
    log = log[log["date"].notna()] if len(log) else log
    if log.empty:
        return pd.DataFrame({"month": pd.Series([], dtype="datetime64[us]"), INCOME: pd.Series([], dtype="Int64"),
                             "minutes": pd.Series([], dtype="float64"),
                             "yen_per_hour": pd.Series([], dtype="float64")})
    dates = pd.to_datetime(log["date"])
    ordinal = (dates.dt.year * 12 + dates.dt.month - 1).to_numpy(dtype=np.int64)  # months since year 0
    first = int(ordinal.min())
    index = ordinal - first
    span = pd.period_range(pd.Period(year=first // 12, month=first % 12 + 1, freq="M"),
                           periods=int(index.max()) + 1, freq="M")
    minutes = np.bincount(index, weights=log["minutes"].to_numpy(dtype="float64", na_value=0.0),
                          minlength=len(span))
    income = weekly_income(log, index, len(span))  # the same sum, by month instead of by week
    return pd.DataFrame({"month": span.to_timestamp().astype("datetime64[us]"), INCOME: income.array,
                         "minutes": minutes, "yen_per_hour": yen_per_hour(income, minutes)})


@dataclass(frozen=True)
class GoalProgress:
    """A calendar month's income against the plan's monthly goal."""

    month: date  # the month's first day
    income: int
    goal: int
    remaining: int  # yen still to go (0 once met)
    share: float | None  # income ÷ goal (1.0 = met); None for a goal of 0
    met: bool


def goal_progress(log: pd.DataFrame, goal: int | None, month: date | None = None) -> GoalProgress | None:
    """The month's income against `goal` (default month: the one holding the log's last date).

    None when there is no goal or the log has no income to compare (see has_income).
    """
    if goal is None or not has_income(log) or log["date"].notna().sum() == 0:
        return None
    if month is None:
        month = pd.Timestamp(log["date"].max()).date()
    first = date(month.year, month.month, 1)
    dates = pd.to_datetime(log["date"])
    inside = ((dates.dt.year == first.year) & (dates.dt.month == first.month)).to_numpy()
    income = int(round(float(_amounts(log)[inside].sum())))
    return GoalProgress(month=first, income=income, goal=int(goal), remaining=max(int(goal) - income, 0),
                        share=income / goal if goal > 0 else None, met=income >= goal)


@dataclass(frozen=True)
class IncomeSummary:
    """What the dashboard shows beside the value figures: the latest week, its calendar month, the goal."""

    week_start: date
    week_income: int | None
    week_yen_per_hour: float | None
    month: date
    month_income: int | None
    month_yen_per_hour: float | None
    progress: GoalProgress | None


def _number(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def income_summary(log: pd.DataFrame, weeks: pd.DataFrame, goal: int | None = None) -> IncomeSummary | None:
    """The latest week's income and yen per hour (from weekly_metrics' weeks) and its calendar month's.

    The month is the one holding the log's last date. None when the log has no income or no weeks.
    """
    if not has_income(log) or weeks.empty or INCOME not in weeks.columns:
        return None
    latest = weeks.iloc[-1]
    months = monthly_income(log)
    month = months.iloc[-1]
    week_income = _number(latest[INCOME])
    month_income = _number(month[INCOME])
    return IncomeSummary(
        week_start=pd.Timestamp(latest["week_start"]).date(),
        week_income=None if week_income is None else int(week_income),
        week_yen_per_hour=_number(latest["yen_per_hour"]),
        month=pd.Timestamp(month["month"]).date(),
        month_income=None if month_income is None else int(month_income),
        month_yen_per_hour=_number(month["yen_per_hour"]),
        progress=goal_progress(log, goal, pd.Timestamp(month["month"]).date()),
    )


def yen(value: float | None) -> str:
    """An amount as people read it: ¥12,000, -¥3,000 (a refund), — when unknown; rounded to the yen."""
    if value is None or pd.isna(value):
        return "—"
    amount = int(round(float(value)))
    return f"-¥{-amount:,}" if amount < 0 else f"¥{amount:,}"
