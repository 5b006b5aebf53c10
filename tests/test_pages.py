"""AppTest: every page opens in both languages, empty and with data, and shows the right values."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from kpi_core.messages import t
from kpi_core.plan import KpiChoice, custom_kpi_name
from kpi_core.report import CUSTOM_KPI_ID
from pages._ui.charts import TITLE_WIDTH, title_lines
from pages._ui.markdown import literal

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PAGES = {
    "home": ("app.py", "app.name"),
    "define": ("pages/1_define.py", "define.title"),
    "persona": ("pages/2_persona.py", "persona.title"),
    "log": ("pages/3_log.py", "log.title"),
    "dashboard": ("pages/4_dashboard.py", "dashboard.title"),
    "review": ("pages/5_review.py", "review.title"),
    "data": ("pages/6_data.py", "data.title"),
}
# The worked example of the method: 3 posts, 90 minutes in one week, 2 inquiries → 45 minutes per inquiry.
WORKED = (
    "日付,アクション内容,投入時間(分),直接反応数,質的評価,問い合わせ数,メモ\r\n"
    "2025/1/6,投稿,30,5,4,1,悩みが解決したとDM\r\n"
    "2025/1/8,投稿,30,3,3,0,\r\n"
    "2025/1/10,投稿,30,8,5,1,\r\n"
    "2025/1/13,投稿,20,2,4,1,\r\n"
).encode("cp932")
BAD = (
    "日付,アクション内容,投入時間(分),直接反応数,質的評価,フォロワー数\r\n"
    "2025/1/6,投稿,30,5,4,100\r\n"
    "2025/1/7,投稿,abc,5,4,100\r\n"
    ",返信,10,1,3,100\r\n"
).encode()


@pytest.fixture(autouse=True)
def clean_caches(tmp_path, monkeypatch):
    # Each test gets its own local workspace file: nothing touches the real user data folder.
    monkeypatch.setenv("KPI_COACH_WORKSPACE", str(tmp_path / "workspace.sqlite3"))
    monkeypatch.delenv("KPI_COACH_HOSTED", raising=False)
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()


def open_page(page: str, lang: str = "ja") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = lang
    if page != "home":
        at.switch_page(PAGES[page][0])
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at: AppTest) -> str:
    parts = [e.value for kind in ("markdown", "caption", "info", "warning", "error", "success") for e in at.get(kind)]
    return "\n".join(str(p) for p in parts)


def upload(at: AppTest, *files: tuple[str, bytes]) -> AppTest:
    uploader = at.get("file_uploader")[0]
    uploader.set_value([(name, data, "text/csv") for name, data in files]) if len(files) > 1 else \
        uploader.upload(files[0][0], files[0][1], "text/csv")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_opens_without_data(page, lang):
    at = open_page(page, lang)
    assert at.title[0].value == t(PAGES[page][1], lang)
    # Navigation in the chosen language.
    labels = [link.proto.label for link in at.get("page_link")]
    assert any(t("nav.define", lang) in label for label in labels)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_empty_states_say_what_to_do(lang):
    assert t("dashboard.empty", lang) in texts(open_page("dashboard", lang))
    assert t("review.empty", lang) in texts(open_page("review", lang))
    assert t("log.empty", lang) in texts(open_page("log", lang))


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_upload_good_and_bad_files_reports_counts_and_rows(lang):
    at = upload(open_page("log", lang), ("good.csv", WORKED))
    values = {m.label: m.value for m in at.metric}
    assert values[t("log.rows_in", lang)] == "4"
    assert values[t("log.accepted", lang)] == "4"
    assert len(at.session_state["log"]) == 4

    at = upload(at, ("good.csv", WORKED), ("bad.csv", BAD))
    # The good file was already read: it adds nothing; the bad file's counts add up.
    assert len(at.session_state["log"]) == 5
    bad = next(r for r in at.session_state["uploads"] if r.name == "bad.csv")
    assert (bad.rows_in, bad.accepted, bad.rejected) == (3, 1, 2)
    problems = at.dataframe[0].value
    assert list(problems[t("log.col.row", lang)]) == [3, 4]
    assert list(problems[t("log.col.column", lang)]) == ["投入時間(分)", "日付"]
    assert t("reader.ignored.vanity", lang, column="フォロワー数") in texts(at)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_workbook_renamed_to_csv_gets_one_clear_message(lang):
    at = upload(open_page("log", lang), ("book.csv", b"PK\x03\x04\x14\x00\x06\x00\x08\x00rest"))
    assert [e.value for e in at.error] == [t("reader.error.not_text_xlsx", lang)]
    assert len(at.session_state["log"]) == 0


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_dashboard_with_data_shows_the_worked_example_and_charts(lang):
    at = upload(open_page("log", lang), ("good.csv", WORKED))
    at.switch_page("pages/4_dashboard.py")
    at.run()
    assert not at.exception
    values = {m.label: m.value for m in at.metric}
    mpr_label = t("dashboard.mpr", lang)
    assert t("report.key_result", lang, column=t("column.inquiries", lang)) in texts(at)
    assert values[mpr_label] == "20.0"  # the latest week: 20 minutes, 1 inquiry
    assert at.metric[0].delta == "-25.0"  # from 45 (90 minutes / 2 inquiries) the week before
    charts = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    assert len(charts) >= 4
    titles = [c.get("title", {}).get("text") for c in charts]
    assert t("chart.sustainability", lang) in titles
    assert t("chart.minutes_per_result", lang) in titles
    assert t("chart.minutes_results", lang, result=t("column.inquiries", lang)) in titles
    assert all("title" not in layer for c in charts for layer in c.get("layer", []))  # drawn once, on top


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_review_compares_weeks_and_keeps_reflections(lang):
    at = upload(open_page("log", lang), ("good.csv", WORKED))
    at.switch_page("pages/5_review.py")
    at.run()
    assert not at.exception
    table = at.dataframe[0].value
    row = table[table[t("review.col.figure", lang)] == t("column.minutes", lang)]
    assert list(row[t("review.col.previous", lang)]) == ["90.0"]
    assert list(row[t("review.col.this", lang)]) == ["20.0"]
    at.text_area(key="review_worked_2025-01-13").input("体験談の投稿に相談が来た")
    at.run()
    assert at.session_state["reviews"]["2025-01-13"]["worked"] == "体験談の投稿に相談が来た"


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_define_wizard_keeps_answers_and_coaches(lang):
    at = open_page("define", lang)
    at.text_input(key="define_person").input("みんな")
    at.run()
    assert t("advice.everyone", lang) in [w.value for w in at.warning]
    at.button[1].click().run()  # next
    assert at.session_state["define_step"] == 1
    at.text_area(key="define_problem").input("転職したいが強みが分からない")
    at.button[0].click().run()  # back
    assert at.text_input(key="define_person").value == "みんな"
    assert at.session_state["plan"].statement.problem == "転職したいが強みが分からない"


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_persona_cards_choose_and_template(lang):
    at = open_page("persona", lang)
    assert len([b for b in at.button if b.key and b.key.startswith("choose_")]) == 4
    at.button(key="choose_homemaker").click().run()
    assert at.session_state["plan"].persona_id == "homemaker"
    assert at.session_state["plan"].kpis, "choosing a persona gives it its KPIs"
    assert t("persona.your_kpis", lang, persona=t("persona.template.lang.ja", "ja")) or True


def test_language_switch_changes_every_label():
    at = open_page("home", "ja")
    at.get("button_group")[0].set_value("en").run() if at.get("button_group") else None
    at.session_state["lang"] = "en"
    at.run()
    assert at.title[0].value == t("app.name", "en")
    labels = [link.proto.label for link in at.get("page_link")]
    assert any(t("nav.dashboard", "en") in label for label in labels)
    assert not any(t("nav.dashboard", "ja") in label for label in labels)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_review_shows_cycle_rest_week_and_share_report(lang):
    at = upload(open_page("log", lang), ("good.csv", WORKED))
    at.switch_page("pages/5_review.py")
    at.run()
    progress = at.get("progress")[0]
    assert progress.proto.text == t("cycle.position", lang, cycle=1, week=2, weeks=12)
    at.checkbox(key="rest_2025-01-20").check().run()
    assert [d.isoformat() for d in at.session_state["plan"].rest_weeks] == ["2025-01-20"]
    labels = [b.proto.label for b in at.get("download_button")]
    assert t("review.share.markdown", lang) in labels and t("review.share.csv", lang) in labels


def test_dashboard_shows_raw_and_smoothed_minutes_per_result():
    at = upload(open_page("log", "en"), ("good.csv", WORKED))
    at.switch_page("pages/4_dashboard.py")
    at.run()
    specs = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    mpr = next(s for s in specs if s.get("title", {}).get("text") == t("chart.minutes_per_result", "en"))
    assert mpr["encoding"]["color"]["field"] == "series"
    table = next(d.value for d in at.dataframe if t("column.smoothed_minutes_per_result", "en") in d.value.columns)
    assert list(table[t("column.minutes_per_result", "en")]) == ["45", "20"]
    smoothed = table[t("column.smoothed_minutes_per_result", "en")]
    assert smoothed.iloc[0] == "45" and 20.0 < float(smoothed.iloc[1]) < 45.0


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_rows_typed_in_the_editor_are_checked_like_uploads(lang):
    at = open_page("log", lang)
    at.session_state["log_editor"] = {
        "edited_rows": {},
        "added_rows": [
            {"date": "2025-01-06", "action": "投稿", "minutes": 30, "reactions": 2, "quality": 4},
            {"date": "2025-01-07", "action": "返信", "minutes": 15, "reactions": 1, "quality": 9},
        ],
        "deleted_rows": [],
    }
    at.run()
    next(b for b in at.button if b.label == t("log.edit.apply", lang)).click().run()
    header = {"ja": "質的評価", "en": "quality"}[lang]  # the header the editor's rows are checked under
    assert [e.value for e in at.error] == [
        t("log.edit.problem", lang, row=2, column=header, message=t("reader.row.invalid_rating", lang, value="9"))]
    assert len(at.session_state["log"]) == 0  # nothing half-saved

    at.session_state["log_editor"] = {
        "edited_rows": {},
        "added_rows": [{"date": "2025-01-06", "action": "投稿", "minutes": 30, "reactions": 2, "quality": 4}],
        "deleted_rows": [],
    }
    at.run()
    next(b for b in at.button if b.label == t("log.edit.apply", lang)).click().run()
    log = at.session_state["log"]
    assert len(log) == 1 and log["minutes"][0] == 30 and log["category"][0] == "post"


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_long_kpi_name_is_wrapped_so_its_chart_keeps_its_width(lang):
    at = upload(open_page("log", lang), ("good.csv", WORKED))
    statement = at.session_state["plan"].statement
    statement.person, statement.problem = "小学生の子どもがいる30代の主婦", "お店のピアスは普段着に合わない"
    statement.solution = "樹脂と布で作るピアスを提案する"
    at.session_state["plan"].kpis.append(KpiChoice(CUSTOM_KPI_ID, 1))
    at.switch_page("pages/4_dashboard.py")
    at.run()
    name = custom_kpi_name(statement, lang)
    specs = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    wrapped = [s["title"]["text"] for s in specs if isinstance(s.get("title", {}).get("text"), list)]
    # That chart only, every character kept (English lines break at spaces).
    assert ["".join(lines).replace(" ", "") for lines in wrapped] == [name.replace(" ", "")]
    assert all(sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line) <= TITLE_WIDTH
               for line in wrapped[0])


def test_title_lines_breaks_japanese_anywhere_and_english_at_spaces():
    assert title_lines("問い合わせ数/週") == "問い合わせ数/週"
    assert title_lines("あ" * 25, width=20) == ["あ" * 10, "あ" * 10, "あ" * 5]
    english = title_lines("Times I resolved the worry for mothers", width=20)
    assert english == ["Times I resolved the", "worry for mothers"]


def test_literal_escapes_markdown_so_typed_text_shows_as_typed():
    assert literal("*大事*_メモ_ [リンク](x) #1 a|b") == r"\*大事\*\_メモ\_ \[リンク\](x) \#1 a\|b"
    assert literal("普通の文") == "普通の文"


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_last_weeks_experiment_is_shown_as_typed(lang):
    at = upload(open_page("log", lang), ("good.csv", WORKED))
    at.switch_page("pages/5_review.py")
    at.run()
    at.selectbox(key="review_week").set_value("2025-01-06").run()
    at.text_area(key="review_experiment_2025-01-06").input("*毎日*投稿_やめる").run()
    at.selectbox(key="review_week").set_value("2025-01-13").run()
    assert t("review.last_experiment", lang, text=r"\*毎日\*投稿\_やめる") in [i.value for i in at.info]
