"""Heavy kpi_core calls cached per input, so a dashboard rerun over ten years of logs stays quick."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kpi_core.metrics import WeeklyReport
from kpi_core.personas import default_catalog
from kpi_core.plan import Plan
from kpi_core.report import report_for_plan


@st.cache_data(show_spinner=False, max_entries=32)
def weekly_report(log: pd.DataFrame, plan_yaml: str, _plan: Plan) -> WeeklyReport:
    """report_for_plan, keyed by the log's content and the plan's YAML (the Plan object is not hashed)."""
    return report_for_plan(log, _plan, default_catalog())
