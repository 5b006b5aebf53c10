"""The week a page opens on (the last finished one, in the person's calendar) and choices kept in the URL.

A choice kept as a query parameter survives a reload and can be opened again as a link on one's own machine:
read when the page loads (a value the page does not offer is dropped, the default used) and written when the
person changes it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, timedelta

import pandas as pd
import streamlit as st

from kpi_core.coaching import show
from kpi_core.messages import t
from kpi_core.weeks import LogWeeks, choose, log_weeks
from pages._ui import state

WEEK_PARAM = "week"  # the review's (and the check-in's) week: ?week=2026-11-23
PERIOD_PARAM = "period"  # the dashboard's period: ?period=4 | 12 | all


def seen_today(days: Iterable[object]) -> LogWeeks:
    """The weeks of `days` (week starts or log dates) as the person sees them today: the last finished one,
    the one in progress. Today comes from state.today() (the browser's time zone; tests freeze it)."""
    return log_weeks(days, state.today(), state.plan().week_start)


def checkin_week() -> date | None:
    """The week the home page offers to check in on: the log's last finished week (None before one has ended)."""
    log = state.log()
    return None if log.empty else seen_today(log["date"]).last_finished


def week_label(weeks: LogWeeks, lang: str) -> Callable[[str], str]:
    """A week list's labels: the ISO date, the week still going marked as in progress."""
    return lambda iso: iso if weeks.finished(iso) else t("week.in_progress", lang, week=iso)


def week_span(start: object, lang: str) -> dict[str, str]:
    """{start, end}: a week's first and last day as the language writes dates."""
    first = pd.Timestamp(start).date()
    return {"start": show(first, lang), "end": show(first + timedelta(days=6), lang)}


def from_url(name: str, options: Sequence[str], default: str) -> str:
    """The choice the URL holds when it is one of `options`; else `default` (a bad value is dropped from the URL)."""
    raw = st.query_params.get_all(name)
    chosen = choose(raw, options, default)
    if raw and raw[-1] != chosen:
        del st.query_params[name]
    return chosen


def to_url(name: str, key: str) -> None:
    """on_change callback: keep the widget `key`'s new value in the URL as `name`."""
    value = st.session_state.get(key)
    if value is None:
        st.query_params.pop(name, None)
    else:
        st.query_params[name] = str(value)
