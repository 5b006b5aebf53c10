"""Heavy kpi_core calls cached per input, so a dashboard rerun over ten years of logs stays quick."""

from __future__ import annotations

import json
from collections.abc import Mapping

import pandas as pd
import streamlit as st

from kpi_core.metrics import WeeklyReport
from kpi_core.personas import default_catalog
from kpi_core.plan import Plan
from kpi_core.report import fatigue_answers, report_for_plan


def fatigue_key(reviews: Mapping[str, Mapping] | None) -> str:
    """The reviews' fatigue answers as JSON ({"YYYY-MM-DD": 1–5}): all of the reviews the report reads."""
    return json.dumps({day.isoformat(): value for day, value in sorted(fatigue_answers(reviews).items())})


@st.cache_data(show_spinner=False, max_entries=32)
def weekly_report(log: pd.DataFrame, plan_yaml: str, _plan: Plan, fatigue: str = "{}") -> WeeklyReport:
    """report_for_plan, keyed by the log's content, the plan's YAML (the Plan object is not hashed) and the
    fatigue answers (fatigue_key(session.reviews)), the only part of the reviews the report reads."""
    reviews = {week: {"fatigue": value} for week, value in json.loads(fatigue).items()}
    return report_for_plan(log, _plan, default_catalog(), reviews=reviews)
