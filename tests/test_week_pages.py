"""AppTest: the dashboard and the review open on the last finished week ("today" frozen on a Monday and on a
Sunday), the week and period kept in the URL, and the weekly check-in saving into that week's review."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from kpi_core.coaching import show
from kpi_core.messages import t
from kpi_core.reader import read_log
from kpi_core.store.workspace import Workspace
from pages._ui import state
from pages._ui.tables import compact

APP = str(Path(__file__).resolve().parent.parent / "app.py")
MONDAY, SUNDAY = dt.date(2025, 1, 20), dt.date(2025, 1, 26)  # the week the log's newest row is in
FINISHED, BEFORE = "2025-01-13", "2025-01-06"
# The method's worked example (45 minutes per inquiry, then 20), and a first row of the week still going.
LOG = (
    "日付,アクション内容,投入時間(分),直接反応数,質的評価,問い合わせ数,メモ\r\n"
    "2025/1/6,投稿,30,5,4,1,\r\n"
    "2025/1/8,投稿,30,3,3,0,\r\n"
    "2025/1/10,投稿,30,8,5,1,\r\n"
    "2025/1/13,投稿,20,2,4,1,\r\n"
    "2025/1/20,投稿,45,1,3,0,\r\n"
).encode("cp932")


@pytest.fixture(autouse=True)
def workspace(tmp_path, monkeypatch):
    """A workspace holding LOG, opened by every page of the test; caches cleared around each test."""
    path = tmp_path / "workspace.sqlite3"
    monkeypatch.setenv("KPI_COACH_WORKSPACE", str(path))
    monkeypatch.delenv("KPI_COACH_HOSTED", raising=False)
    st.cache_data.clear()
    st.cache_resource.clear()
    with Workspace.open(path) as opened:
        opened.append_rows(read_log(LOG, "log.csv").rows)
    yield path
    st.cache_data.clear()


def freeze(monkeypatch, day: dt.date) -> None:
    """The pages' one clock (the person's own date) stopped on `day`."""
    monkeypatch.setattr(state, "today", lambda: day)


def open_page(path: str | None, lang: str, query: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = lang
    at.query_params.update(query or {})
    if path:
        at.switch_page(path)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at: AppTest) -> list[str]:
    return [str(e.value) for kind in ("markdown", "caption", "info", "success", "warning") for e in at.get(kind)]


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("today", [MONDAY, SUNDAY], ids=["monday", "sunday"])
def test_dashboard_headlines_the_last_finished_week_and_shows_this_week_so_far(monkeypatch, today, lang):
    freeze(monkeypatch, today)
    at = open_page("pages/4_dashboard.py", lang)
    assert t("dashboard.latest", lang, week=FINISHED) in [h.value for h in at.header]
    metrics = {m.label: m for m in at.metric}
    assert metrics[t("dashboard.mpr", lang)].value == "20.0"  # 20 minutes, 1 inquiry: not this week's "—"
    assert metrics[t("dashboard.mpr", lang)].delta == "-25.0"  # from 45 the week before
    so_far = t("dashboard.so_far", lang, start=show(MONDAY, lang), minutes=compact(45.0), actions=1,
               result=t("column.inquiries", lang), results="0")
    assert so_far in texts(at)


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("today", [MONDAY, SUNDAY], ids=["monday", "sunday"])
def test_review_opens_on_the_last_finished_week_and_marks_this_week_in_progress(monkeypatch, today, lang):
    freeze(monkeypatch, today)
    at = open_page("pages/5_review.py", lang)
    week = at.selectbox(key="review_week")
    assert week.value == FINISHED
    assert week.options == [t("week.in_progress", lang, week="2025-01-20"), FINISHED, BEFORE]
    table = at.dataframe[0].value
    row = table[table[t("review.col.figure", lang)] == t("column.minutes", lang)]
    assert list(row[t("review.col.previous", lang)]) == ["90.0"] and list(row[t("review.col.this", lang)]) == ["20.0"]
    # This week can still be opened, for what is in so far.
    week.set_value("2025-01-20").run()
    assert not at.exception and list(at.dataframe[0].value[t("review.col.this", lang)])[0] == "45.0"


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_once_the_week_has_ended_it_is_the_headline(monkeypatch, lang):
    freeze(monkeypatch, MONDAY + dt.timedelta(days=7))
    at = open_page("pages/5_review.py", lang)
    assert at.selectbox(key="review_week").value == "2025-01-20"
    assert at.selectbox(key="review_week").options[0] == "2025-01-20"  # no longer in progress
    at = open_page("pages/4_dashboard.py", lang)
    assert t("dashboard.latest", lang, week="2025-01-20") in [h.value for h in at.header]
    assert not [c for c in at.caption if c.value.startswith(t("dashboard.so_far", lang, start="", minutes="",
                                                                   actions="", result="", results="")[:6])]


def test_a_log_with_only_this_week_waits_for_the_week_to_end(monkeypatch, workspace):
    freeze(monkeypatch, dt.date(2025, 1, 8))  # Wednesday of the log's first week
    at = open_page("pages/4_dashboard.py", "en")
    assert t("dashboard.no_finished", "en", end=show(dt.date(2025, 1, 12), "en")) in texts(at)
    assert not at.metric and not at.get("vega_lite_chart")
    at = open_page("pages/0_checkin.py", "en")
    assert t("checkin.no_finished", "en", end=show(dt.date(2025, 1, 12), "en")) in texts(at)
    assert not at.text_area


def test_the_chosen_week_and_period_come_back_from_the_url(monkeypatch):
    freeze(monkeypatch, MONDAY)
    at = open_page("pages/5_review.py", "ja", {"week": BEFORE})
    assert at.selectbox(key="review_week").value == BEFORE  # a reload, or the link opened again
    at.selectbox(key="review_week").set_value("2025-01-20").run()
    assert at.query_params["week"] == "2025-01-20"  # written when the person changes it
    at = open_page("pages/5_review.py", "ja", {"week": "2025-13-01"})
    assert at.selectbox(key="review_week").value == FINISHED  # a bad value: ignored, the default used…
    assert "week" not in at.query_params  # …and dropped from the URL
    at = open_page("pages/5_review.py", "ja", {"week": "2024-12-30"})  # a week the log does not have
    assert at.selectbox(key="review_week").value == FINISHED

    at = open_page("pages/4_dashboard.py", "ja", {"period": "4"})
    assert at.get("button_group")[0].value == "4"
    at.get("button_group")[0].set_value("all").run()
    assert at.query_params["period"] == "all"
    at.get("button_group")[0].set_value(None).run()  # tapped again: no choice, the page's 12 weeks
    assert "period" not in at.query_params and not at.exception
    at = open_page("pages/4_dashboard.py", "ja", {"period": "1000"})
    assert at.get("button_group")[0].value == "12" and "period" not in at.query_params


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_home_offers_the_checkin_for_the_last_finished_week(monkeypatch, lang):
    freeze(monkeypatch, SUNDAY)
    at = open_page(None, lang)
    link = next(p.proto for p in at.get("page_link") if t("home.checkin", lang) in p.proto.label)
    assert link.page.endswith("checkin")
    assert t("home.checkin.week", lang, start=show(dt.date(2025, 1, 13), lang), end=show(dt.date(2025, 1, 19), lang)) \
        in texts(at)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_checkin_saves_answers_and_tiredness_into_the_last_finished_weeks_review(monkeypatch, workspace, lang):
    freeze(monkeypatch, MONDAY)
    at = open_page("pages/0_checkin.py", lang)
    assert at.title[0].value == t("checkin.title", lang)
    shown = texts(at)
    span = {"start": show(dt.date(2025, 1, 13), lang), "end": show(dt.date(2025, 1, 19), lang)}
    assert t("checkin.week", lang, **span) in shown
    inquiries = t("column.inquiries", lang)
    assert t("checkin.line.mpr", lang, value="20", minutes="20", result=inquiries, results="1") in shown
    assert t("checkin.line.sustainability", lang, value="92.5") in shown
    assert not at.get("vega_lite_chart")  # one screen: no chart to scroll past
    assert [a.label for a in at.text_area] == [t(f"review.field.{f}", lang) for f in ("worked", "change", "experiment")]
    assert FINISHED not in at.session_state["reviews"]  # opening it stores nothing

    at.text_area(key=f"checkin_worked_{FINISHED}").input("体験談の投稿に相談が来た")
    at.text_area(key=f"checkin_change_{FINISHED}").input("夜の返信が長すぎた")
    at.text_area(key=f"checkin_experiment_{FINISHED}").input("返信は朝だけにする")
    at.pills(key=f"review_fatigue_{FINISHED}").set_value(2)
    at.button(key="checkin_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    expected = {"worked": "体験談の投稿に相談が来た", "change": "夜の返信が長すぎた",
                "experiment": "返信は朝だけにする", "fatigue": 2}
    assert at.session_state["reviews"][FINISHED] == expected
    assert t("checkin.saved", lang, week=show(dt.date(2025, 1, 13), lang)) in [s.value for s in at.success]
    with Workspace.open(workspace) as stored:
        assert stored.load_reviews()[FINISHED] == expected
    # The tiredness answer is counted in the line at once; the full review shows the same words.
    assert any(line.endswith(f"{t('review.fatigue.2', lang)})") for line in texts(at))
    at.switch_page("pages/5_review.py")
    at.run()
    assert at.text_area(key=f"review_worked_{FINISHED}").value == "体験談の投稿に相談が来た"


def test_the_checkin_shows_the_coaching_short_with_its_figures_folded(monkeypatch):
    freeze(monkeypatch, MONDAY)
    at = open_page("pages/0_checkin.py", "en")
    assert t("checkin.coaching", "en") in [h.value for h in at.header]
    # Two weeks are too few to judge: the coach says so, as title and message on one line.
    title = t("coaching.not_enough_data.title", "en")
    assert any(m.value.startswith(f"💡 **{title}** — ") for m in at.markdown)


def test_the_vanity_notice_is_in_plain_view_on_the_log_page():
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("pages/3_log.py")
    at.run()
    data = "日付,アクション内容,投入時間(分),直接反応数,質的評価,フォロワー数\r\n2025/1/6,投稿,30,5,4,100\r\n".encode()
    at.get("file_uploader")[0].upload("f.csv", data, "text/csv")
    at.run()
    notice = t("reader.ignored.vanity", "ja", column="フォロワー数")
    assert notice in [i.value for i in at.info]
    card = at.expander[0]
    assert card.label.startswith("✅") and not card.proto.expanded  # the file read fine: its card is closed…
    assert notice not in [i.value for i in card.info]  # …and the notice is not inside it
