"""The dashboard's income section: income beside value, after the KPIs and never the headline."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kpi_core.income import yen
from kpi_core.messages import t
from pages._ui.cached import income_figures
from pages._ui.tables import compact, readable


def income_section(log: pd.DataFrame, weeks: pd.DataFrame, goal: int | None, lang: str) -> None:
    """This week's and this month's income, yen per hour and the goal; how to add income when there is none."""
    st.header(t("dashboard.income", lang))
    income, months = income_figures(log, weeks, goal)  # shared by sessions, keyed on the log's content
    if income is None:
        st.caption(t("dashboard.income.none", lang))
        return
    st.caption(t("dashboard.income.intro", lang))
    month_name = t("dashboard.income.month_name", lang, year=income.month.year, month=income.month.month)
    columns = st.columns(3)
    columns[0].metric(t("dashboard.income.week", lang), yen(income.week_income))
    columns[1].metric(t("dashboard.income.yen_per_hour", lang), yen(income.week_yen_per_hour),
                      help=t("help.yen_per_hour", lang))
    columns[2].metric(t("dashboard.income.month", lang, month=month_name), yen(income.month_income))
    st.caption(t("dashboard.income.month_per_hour", lang, month=month_name, per_hour=yen(income.month_yen_per_hour),
                 hours=compact(round(float(months["minutes"].iloc[-1]) / 60, 1))))
    to_goal = income.progress
    if to_goal is not None:
        percent = "—" if to_goal.share is None else f"{to_goal.share * 100:.0f}"
        st.write(t("dashboard.income.goal_met" if to_goal.met else "dashboard.income.goal", lang,
                   month=month_name, income=yen(to_goal.income), goal=yen(to_goal.goal), percent=percent,
                   remaining=yen(to_goal.remaining)))
        if to_goal.share is not None:
            st.progress(min(max(to_goal.share, 0.0), 1.0))
    # The table by month is built only while its box is open (opening it reruns the page).
    by_month_box = st.expander(t("dashboard.income.by_month", lang), key="income_by_month", on_change="rerun")
    if by_month_box.open:
        by_month = months.assign(month=months["month"].dt.strftime("%Y-%m"))
        by_month_box.dataframe(readable(by_month[["month", "income", "minutes", "yen_per_hour"]], lang),
                               hide_index=True, width="stretch")
