"""Heavy kpi_core calls cached per input, so a dashboard rerun over ten years of logs stays quick.

st.cache_data is shared by every session of the server: each cache here is keyed on the whole content of what it
reads (frames by content_key), so one person's figures come back only for the very same data.
"""

from __future__ import annotations

import hashlib
import json
import pickle
from collections.abc import Mapping, Sequence

import pandas as pd
import streamlit as st

from kpi_core.attribution import results_by_category
from kpi_core.income import IncomeSummary, income_summary, monthly_income
from kpi_core.metrics import WeeklyReport
from kpi_core.personas import default_catalog
from kpi_core.plan import Plan
from kpi_core.report import fatigue_answers, report_for_plan


def content_key(frame: pd.DataFrame) -> bytes:
    """A frame's whole content — column names, dtypes, every value, the index — as a SHA-256 digest.

    Streamlit's own frame hash looks at a sample of 10,000 rows from 50,000 on, so two people's long logs that
    differ outside the sample would share a key in a cache every session reads; it also costs ~1.3 ms for a weekly
    table. Pickled column by column, so equal frames laid out differently in memory (a copy, another session's
    report) give the same key; distinct content always pickles differently, so it never shares a key (equal content
    may, rarely, pickle differently: a second computation, never someone else's figures).
    """
    columns = [(name, str(column.dtype), column.to_numpy()) for name, column in frame.items()]
    return hashlib.sha256(pickle.dumps((columns, frame.index.to_numpy()), protocol=pickle.HIGHEST_PROTOCOL)).digest()


BY_CONTENT = {pd.DataFrame: content_key}  # hash_funcs for every cache that takes a frame


def fatigue_key(reviews: Mapping[str, Mapping] | None) -> str:
    """The reviews' fatigue answers as JSON ({"YYYY-MM-DD": 1–5}): all of the reviews the report reads."""
    return json.dumps({day.isoformat(): value for day, value in sorted(fatigue_answers(reviews).items())})


@st.cache_data(show_spinner=False, max_entries=32, hash_funcs=BY_CONTENT)
def weekly_report(log: pd.DataFrame, plan_yaml: str, _plan: Plan, fatigue: str = "{}") -> WeeklyReport:
    """report_for_plan, keyed by the log's content, the plan's YAML (the Plan object is not hashed) and the
    fatigue answers (fatigue_key(session.reviews)), the only part of the reviews the report reads."""
    reviews = {week: {"fatigue": value} for week, value in json.loads(fatigue).items()}
    return report_for_plan(log, _plan, default_catalog(), reviews=reviews)


@st.cache_data(show_spinner=False, max_entries=128, ttl=3600, hash_funcs=BY_CONTENT)
def income_figures(log: pd.DataFrame, weeks: pd.DataFrame,
                   goal: int | None) -> tuple[IncomeSummary | None, pd.DataFrame | None]:
    """income_summary and monthly_income for the dashboard's income section (None, None without income)."""
    summary = income_summary(log, weeks, goal)
    return summary, None if summary is None else monthly_income(log)


@st.cache_data(show_spinner=False, max_entries=128, ttl=3600, hash_funcs=BY_CONTENT)
def category_results(period_log: pd.DataFrame, key_result: str, key_columns: Sequence[str] | None,
                     solved_phrases: Sequence[str]) -> pd.DataFrame:
    """results_by_category for the period's rows (the dashboard's table by kind of action)."""
    return results_by_category(period_log, key_result=key_result, key_columns=key_columns,
                               solved_phrases=solved_phrases)
