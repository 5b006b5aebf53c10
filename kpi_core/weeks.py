"""Which week to look at: the last finished one by the person's own calendar, and the one still in progress.

A week is finished once the person's "today" (their own time zone: kpi_core.localtime.local_today) is past its
last day. The dashboard, the review and the check-in open on the newest finished week the log holds; a newer
week in the log is the current one, shown as "in progress" with what is in so far, never as the headline.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from kpi_core.metrics import WeeklyReport


def week_of(day: date, week_start: int = 0) -> date:
    """The first day of the week holding `day` (week_start: 0 = Monday … 6 = Sunday, as Plan.week_start and
    metrics.week_start_days)."""
    day = _day(day)
    return day - timedelta(days=(day.weekday() - week_start) % 7)


def last_finished_week(today: date, week_start: int = 0) -> date:
    """The first day of the last calendar week that has ended by `today`: the week before the one holding it."""
    return week_of(today, week_start) - timedelta(days=7)


def _day(value: object) -> date:
    return value if isinstance(value, date) and not isinstance(value, pd.Timestamp) else pd.Timestamp(value).date()


@dataclass(frozen=True)
class LogWeeks:
    """The log's weeks seen from `today`: which are finished, which one is still in progress."""

    weeks: tuple[date, ...]  # the first day of each week in the log, oldest first
    current: date  # the first day of the week holding today: not finished

    def finished(self, week: object) -> bool:
        """True when the week holding `week` ended before today."""
        return _day(week) < self.current

    @property
    def last_finished(self) -> date | None:
        """The newest week in the log that has ended (None when every week in it is still going)."""
        done = [w for w in self.weeks if w < self.current]
        return done[-1] if done else None

    @property
    def in_progress(self) -> date | None:
        """The log's newest week when it has not ended yet (the current week, or a later one written ahead)."""
        return self.weeks[-1] if self.weeks and self.weeks[-1] >= self.current else None

    @property
    def default(self) -> date | None:
        """The week a page opens on: the last finished one, else (only unfinished weeks) the newest; None empty."""
        if self.last_finished is not None:
            return self.last_finished
        return self.weeks[-1] if self.weeks else None


def log_weeks(days: Iterable[object], today: date, week_start: int = 0) -> LogWeeks:
    """The weeks from the first to the last of `days` (a report's week starts, or a log's dates: any order, any
    day of a week), empty weeks between included as a report has them, seen on `today` in the person's calendar.
    """
    stamps = pd.to_datetime(pd.Series(days if isinstance(days, pd.Series) else list(days), dtype=object),
                            errors="coerce").dropna()
    current = week_of(today, week_start)
    if stamps.empty:
        return LogWeeks((), current)
    first, last = week_of(stamps.min().date(), week_start), week_of(stamps.max().date(), week_start)
    return LogWeeks(tuple(first + timedelta(weeks=n) for n in range((last - first).days // 7 + 1)), current)


def choose(value: object, options: Sequence[str], default: str) -> str:
    """`value` (a query parameter, say) when it is one of `options`, else `default`: a bad link opens the default."""
    if isinstance(value, list | tuple):  # a parameter given twice: the last one, as a browser reads it
        value = value[-1] if value else None
    return value if isinstance(value, str) and value in options else default


def report_until(report: WeeklyReport, week: object) -> WeeklyReport:
    """The report without the weeks after `week` (a week start): the headline then reads that week as latest."""
    end = pd.Timestamp(_day(week))
    return replace(report, weeks=report.weeks[report.weeks["week_start"] <= end],
                   kpis=report.kpis[report.kpis["week_start"] <= end])
