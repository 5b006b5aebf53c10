"""Income beside value: monthly income, yen per hour, the monthly goal, storage, and the pages that show them."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import streamlit as st
from pandas.testing import assert_frame_equal
from streamlit.testing.v1 import AppTest

from kpi_core.export import log_csv_bytes
from kpi_core.income import GoalProgress, goal_progress, has_income, income_summary, monthly_income, yen
from kpi_core.logbook import read_files
from kpi_core.merge import merge_logs
from kpi_core.messages import t
from kpi_core.metrics import weekly_metrics
from kpi_core.reader import read_log
from kpi_core.store.workspace import UploadInfo, Workspace

HEADER = "日付,アクション内容,投入時間(分),直接反応数,質的評価,問い合わせ数,売上(円)"
# The week of Monday 2025-01-27 spans January and February; March has no rows; a refund in April.
ROWS = [
    "2025/1/30,個別相談,60,1,5,1,\"￥12,000\"",
    "2025/2/1,投稿,30,4,4,0,3000円",
    "2025/2/10,投稿,30,2,4,0,",
    "2025/4/2,個別相談,60,1,5,1,1.2万円",
    "2025/4/3,返金,30,0,2,0,▲3000",
]
WITHOUT_INCOME = [",".join(row.split(",")[:6]) for row in ROWS]  # the same rows, the income cell left out
HEADER_WITHOUT_INCOME = HEADER.rsplit(",", 1)[0]


def csv_bytes(*rows: str, header: str = HEADER) -> bytes:
    return ("\r\n".join([header, *rows]) + "\r\n").encode("cp932")


def income_log(*rows: str, header: str = HEADER) -> pd.DataFrame:
    batch = read_files([("log.csv", csv_bytes(*(rows or ROWS), header=header))])
    assert batch.rejected == 0
    return batch.log


# ---------------------------------------------------------------- figures


def test_a_week_across_two_months_counts_once_a_week_and_apart_by_month():
    log = income_log()
    weeks = weekly_metrics(log, budget_minutes=300).weeks
    assert weeks["income"].iloc[0] == 15000  # 12000 on Thursday 30 January + 3000 on Saturday 1 February
    assert weeks["yen_per_hour"].iloc[0] == 10000.0  # 15000 ÷ 1.5 h
    months = monthly_income(log)
    assert [m.date() for m in months["month"]] == [date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1),
                                                   date(2025, 4, 1)]
    assert months["income"].tolist() == [12000, 3000, 0, 9000]  # April: 12000 less a 3000 refund
    assert months["minutes"].tolist() == [60.0, 60.0, 0.0, 90.0]
    # 12000 ÷ 1 h; 3000 ÷ 1 h; no minutes in March: unknown; 9000 ÷ 1.5 h.
    assert months["yen_per_hour"].iloc[[0, 1, 3]].tolist() == [12000.0, 3000.0, 6000.0]
    assert np.isnan(months["yen_per_hour"].iloc[2])
    assert str(months["income"].dtype) == "Int64"


def test_without_income_the_months_are_unknown_and_an_empty_log_has_none():
    log = income_log(*WITHOUT_INCOME, header=HEADER_WITHOUT_INCOME)
    assert not has_income(log)
    months = monthly_income(log)
    assert len(months) == 4 and months["income"].isna().all() and months["yen_per_hour"].isna().all()
    assert months["minutes"].tolist() == [60.0, 60.0, 0.0, 90.0]
    assert list(monthly_income(log.iloc[:0]).columns) == ["month", "income", "minutes", "yen_per_hour"]
    assert monthly_income(log.iloc[:0]).empty


def test_a_template_column_never_filled_in_is_no_income():
    log = income_log(*(row + "," for row in WITHOUT_INCOME))
    assert "income" in log.columns and not has_income(log)
    assert weekly_metrics(log, budget_minutes=300).weeks["income"].isna().all()


def test_goal_progress_for_a_calendar_month():
    log = income_log()
    # Default month: the one holding the log's last date (April: 12000 − 3000).
    assert goal_progress(log, 20000) == GoalProgress(date(2025, 4, 1), 9000, 20000, 11000, 0.45, False)
    assert goal_progress(log, 10000, date(2025, 1, 15)) == GoalProgress(date(2025, 1, 1), 12000, 10000, 0, 1.2, True)
    assert goal_progress(log, 5000, date(2025, 3, 1)) == GoalProgress(date(2025, 3, 1), 0, 5000, 5000, 0.0, False)
    assert goal_progress(log, 0) == GoalProgress(date(2025, 4, 1), 9000, 0, 0, None, True)
    assert goal_progress(log, None) is None
    no_income = log.drop(columns="income")
    assert goal_progress(no_income, 20000) is None


def test_the_dashboard_summary_is_the_latest_week_and_its_month():
    log = income_log()
    weeks = weekly_metrics(log, budget_minutes=300).weeks
    summary = income_summary(log, weeks, 20000)
    assert (summary.week_start, summary.week_income, summary.week_yen_per_hour) == (date(2025, 3, 31), 9000, 6000.0)
    assert (summary.month, summary.month_income, summary.month_yen_per_hour) == (date(2025, 4, 1), 9000, 6000.0)
    assert summary.progress.remaining == 11000
    assert income_summary(log.drop(columns="income"), weeks, 20000) is None


@pytest.mark.parametrize(("value", "text"), [(12000, "¥12,000"), (-3000, "-¥3,000"), (2499.6, "¥2,500"),
                                             (None, "—"), (np.nan, "—"), (pd.NA, "—"), (0, "¥0")])
def test_yen_as_people_read_it(value, text):
    assert yen(value) == text


# ---------------------------------------------------------------- storage


def test_income_survives_export_workspace_merge_and_the_export_zip(tmp_path):
    log = income_log()
    # Our own CSV writes the refund as '-3000 (no formula) and reads it back as -3000.
    again = read_log(log_csv_bytes(log, "en"), "log.csv").rows
    assert again["income"].tolist()[:2] == [12000, 3000] and again["income"].tolist()[-1] == -3000
    assert again["income"].isna().tolist() == [False, False, True, False, False]
    overlap = income_log(ROWS[-1], "2025/4/7,個別相談,60,1,5,1,8000")
    with Workspace.open(tmp_path / "a.sqlite3") as ws:
        ws.append_rows(log, UploadInfo.of("a.csv", b"a"))
        ws.append_rows(overlap, UploadInfo.of("b.csv", b"b"))  # the refund row again: kept once
        loaded = ws.load_log()
        assert_frame_equal(loaded, merge_logs([log, overlap])[0])
        assert str(loaded["income"].dtype) == "Int64"
        assert loaded["income"].sum() == 12000 + 3000 + 12000 - 3000 + 8000
        data = ws.export_zip()
    assert b"income" in zipfile.ZipFile(io.BytesIO(data)).read("log.csv").splitlines()[0]
    with Workspace.open(tmp_path / "b.sqlite3") as ws:
        ws.import_zip(data, "replace")
        assert_frame_equal(ws.load_log(), loaded)


# ---------------------------------------------------------------- pages

APP = str(Path(__file__).resolve().parent.parent / "app.py")


@pytest.fixture
def own_workspace(tmp_path, monkeypatch):
    monkeypatch.setenv("KPI_COACH_WORKSPACE", str(tmp_path / "workspace.sqlite3"))
    monkeypatch.delenv("KPI_COACH_HOSTED", raising=False)
    st.cache_data.clear()
    st.cache_resource.clear()
    yield tmp_path / "workspace.sqlite3"
    st.cache_data.clear()


def open_page(page_file: str, lang: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = lang
    at.switch_page(page_file)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_persona_page_sets_and_clears_a_monthly_income_goal(own_workspace, lang):
    at = open_page("pages/2_persona.py", lang)
    goal = at.number_input(key="persona_income_goal")
    assert goal.label == t("persona.income_goal", lang) and goal.value is None  # no goal until one is typed
    goal.set_value(150000).run()
    assert not at.exception
    assert at.session_state["plan"].monthly_income_goal == 150000
    with Workspace.open(own_workspace) as ws:
        assert ws.load_plan().monthly_income_goal == 150000  # saved with the plan
    at.number_input(key="persona_income_goal").set_value(None).run()
    assert at.session_state["plan"].monthly_income_goal is None


def dashboard_with(rows_csv: bytes, lang: str, goal: int | None) -> AppTest:
    at = open_page("pages/3_log.py", lang)
    at.get("file_uploader")[0].upload("log.csv", rows_csv, "text/csv")
    at.run()
    at.session_state["plan"].monthly_income_goal = goal
    at.switch_page("pages/4_dashboard.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_dashboard_shows_income_beside_value_with_the_goal(own_workspace, lang):
    at = dashboard_with(csv_bytes(*ROWS), lang, 20000)
    metrics = {m.label: m.value for m in at.metric}
    month = t("dashboard.income.month_name", lang, year=2025, month=4)
    assert metrics[t("dashboard.income.week", lang)] == "¥9,000"
    assert metrics[t("dashboard.income.yen_per_hour", lang)] == "¥6,000"
    assert metrics[t("dashboard.income.month", lang, month=month)] == "¥9,000"
    shown = [m.value for m in at.markdown]
    assert t("dashboard.income.goal", lang, month=month, income="¥9,000", goal="¥20,000", percent="45",
             remaining="¥11,000") in shown
    headers = [h.value for h in at.header]
    assert headers.index(t("dashboard.income", lang)) > headers.index(t("dashboard.kpis", lang))  # never first
    assert t("dashboard.income.none", lang) not in [c.value for c in at.caption]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_dashboard_says_how_to_add_income_when_the_log_has_none(own_workspace, lang):
    at = dashboard_with(csv_bytes(*WITHOUT_INCOME, header=HEADER_WITHOUT_INCOME), lang, 20000)
    assert t("dashboard.income.none", lang) in [c.value for c in at.caption]
    assert t("dashboard.income.week", lang) not in [m.label for m in at.metric]
