"""AppTest: every page opens in both languages, empty and with data, and shows the right values."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from kpi_core.messages import t
from kpi_core.personas import default_catalog
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
    # The navigation bar in the chosen language, first on the page: home, the five steps, the data page.
    labels = [link.proto.label for link in at.get("page_link")]
    assert labels[:7] == [t(f"nav.bar.{p}", lang) for p in ("home", "define", "persona", "log", "dashboard",
                                                            "review", "data")]


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
    assert list(problems[t("log.col.row", lang)]) == ["3", "4"]  # every shown cell is text (tables.readable)
    assert list(problems[t("log.col.column", lang)]) == ["投入時間(分)", "日付"]
    assert t("reader.ignored.vanity", lang, column="フォロワー数") in texts(at)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_workbook_renamed_to_csv_gets_one_clear_message(lang):
    # A damaged workbook (workbooks themselves are read since issue 11): one message, no crash.
    at = upload(open_page("log", lang), ("book.csv", b"PK\x03\x04\x14\x00\x06\x00\x08\x00rest"))
    assert [e.value for e in at.error] == [t("reader.error.workbook_broken_zip", lang)]
    assert len(at.session_state["log"]) == 0


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_dashboard_with_data_shows_the_worked_example_and_charts(lang):
    at = upload(open_page("log", lang), ("good.csv", WORKED))
    at.switch_page("pages/4_dashboard.py")
    at.run()
    assert not at.exception
    values = {m.label: m.value for m in at.metric}
    mpr_label = t("dashboard.mpr", lang)
    # The office worker's default result: inquiries, said in words with why; nothing stands in for it.
    assert t("measures.counted", lang, result=t("column.inquiries", lang)) in texts(at)
    assert not [w for w in at.warning if w.value.startswith(t("measures.stand_in", lang, column="")[:8])]
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
    homemaker = default_catalog().personas["homemaker"].name[lang]
    assert t("persona.your_kpis", lang, persona=homemaker) in [h.value for h in at.header]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_persona_page_offers_the_template_as_xlsx_and_csv(lang):
    at = open_page("persona", lang)
    buttons = {b.proto.label: b.proto for b in at.get("download_button")}
    assert list(buttons) == [t("persona.template.download_xlsx", lang), t("persona.template.download", lang)]
    assert buttons[t("persona.template.download_xlsx", lang)].type == "primary"


def test_language_switch_changes_every_label():
    at = open_page("home", "ja")
    at.get("button_group")[0].set_value("en").run() if at.get("button_group") else None
    at.session_state["lang"] = "en"
    at.run()
    assert at.title[0].value == t("app.name", "en")
    labels = [link.proto.label for link in at.get("page_link")]
    assert t("nav.bar.dashboard", "en") in labels
    assert any(t("nav.dashboard", "en") in label for label in labels)  # the home page's path
    assert not any(t("nav.dashboard", "ja") in label or t("nav.bar.dashboard", "ja") in label for label in labels)


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


# ---------------------------------------------------------------- the end of the 12 weeks

import datetime as _dt  # noqa: E402

from kpi_core.cycle_story import cycle_story  # noqa: E402
from kpi_core.demo import DEMO_START, demo_log, demo_plan  # noqa: E402
from kpi_core.metrics import weekly_metrics  # noqa: E402
from kpi_core.plan import CycleDecision, statement_sentence  # noqa: E402
from kpi_core.store.workspace import Workspace  # noqa: E402
from pages._ui.tables import compact  # noqa: E402

WEEK_12 = DEMO_START + _dt.timedelta(weeks=11)  # 2026-03-23: the twelfth week of every demo


def sample_workspace(tmp_path, weeks: int = 12, decisions=()):
    """The office worker's sample in the workspace the page opens (the autouse fixture's file)."""
    plan = demo_plan("office_worker")
    plan.cycle_decisions = list(decisions)
    with Workspace.open(tmp_path / "workspace.sqlite3") as workspace:
        workspace.save_plan(plan)
        workspace.append_rows(demo_log("office_worker", weeks=weeks))
    return plan


def widget(widgets, prefix: str):
    return next(w for w in widgets if w.key and w.key.startswith(prefix))


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_week_12_tells_the_story_and_keeps_the_decision(lang, tmp_path):
    plan = sample_workspace(tmp_path)
    at = open_page("review", lang)
    assert at.selectbox(key="review_week").value == WEEK_12.isoformat()  # the newest week comes first
    shown = texts(at)
    assert f"**{t('story.title.end', lang, cycle=1, weeks=12)}**" in shown
    assert t("cycle.checkpoint.final", lang) in shown
    assert t("cycle.checkpoint.title", lang, week=12) not in shown  # the story replaces week 12's card
    # The story's table: the same figures kpi_core computes for the sample, first four weeks against last four.
    table = next(d.value for d in at.dataframe if t("story.col.first", lang, n=4) in d.value.columns)
    catalog_report = weekly_metrics(demo_log("office_worker"), budget_minutes=plan.weekly_budget_minutes,
                                    key_result=plan.key_result)
    story = cycle_story(catalog_report.weeks, plan.start_date, key_result=catalog_report.key_result)
    mpr = story.figure("minutes_per_result")
    row = table[table[t("story.col.figure", lang)] == story.label(mpr, lang)]
    assert list(row[t("story.col.first", lang, n=4)]) == [compact(mpr.first)]
    assert list(row[t("story.col.last", lang, n=4)]) == [compact(mpr.last)]
    assert list(row[t("story.col.change", lang)]) == [t("cycle.change.better", lang)]
    assert mpr.last < mpr.first  # the office worker's story: fewer, careful posts cost less time per result

    decision = widget(at.radio, "cycle_decision_1")
    assert decision.value is None and decision.options == [
        t(f"story.decision.{d}", lang) for d in ("keep", "rewrite", "change_kpis")]
    decision.set_value("rewrite").run()
    widget(at.button, "cycle_decision_1_save").click().run()
    assert not at.exception
    saved = at.session_state["plan"].cycle_decisions
    assert saved == [CycleDecision(1, "rewrite", WEEK_12, plan.statement)]
    assert [s.value for s in at.success] == [
        t("story.decided.week", lang, cycle=1, decision=t("story.decision.rewrite", lang),
          week={"ja": "2026年3月23日", "en": "Mar 23, 2026"}[lang])]
    links = [link.proto.label for link in at.get("page_link")]
    assert t("review.story.next.rewrite", lang) in links
    with Workspace.open(tmp_path / "workspace.sqlite3") as workspace:  # saved with the plan
        assert workspace.load_plan().cycle_decisions == saved

    # The define page shows the sentence from before, escaped, while the statement is rewritten.
    at.switch_page("pages/1_define.py")
    at.run()
    old = t("define.previous", lang, sentence=literal(statement_sentence(plan.statement, lang)))
    assert old in [i.value for i in at.info]
    at.text_input(key="define_person").input("新しい一人").run()
    assert at.session_state["plan"].statement.person == "新しい一人"
    assert old in [i.value for i in at.info]


def test_weeks_4_and_8_keep_their_card_and_the_story_opens_on_demand(tmp_path):
    sample_workspace(tmp_path)
    at = open_page("review", "en")
    at.selectbox(key="review_week").set_value((DEMO_START + _dt.timedelta(weeks=3)).isoformat()).run()
    assert t("cycle.checkpoint.title", "en", week=4) in texts(at)
    assert t("review.story.open", "en") not in [e.label for e in at.expander]
    at.selectbox(key="review_week").set_value((DEMO_START + _dt.timedelta(weeks=7)).isoformat()).run()
    assert t("cycle.checkpoint.title", "en", week=8) in texts(at)
    assert t("review.story.open", "en") in [e.label for e in at.expander]
    assert f"**{t('story.title.so_far', 'en', cycle=1, week=8)}**" in texts(at)


def test_the_next_cycle_starts_from_the_decision(tmp_path):
    sample_workspace(tmp_path, weeks=13, decisions=[CycleDecision(1, "change_kpis", WEEK_12)])
    at = open_page("review", "ja")
    assert at.get("progress")[0].proto.text == t("cycle.position", "ja", cycle=2, week=1, weeks=12)
    carried = t("story.decided.week", "ja", cycle=1, decision=t("story.decision.change_kpis", "ja"),
                week="2026年3月23日")
    assert t("review.story.carried", "ja", text=carried) in [i.value for i in at.info]
    assert f"**{t('story.title.end', 'ja', cycle=1, weeks=12)}**" not in texts(at)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_band_kpi_is_set_from_and_to_and_the_dashboard_shows_the_range(lang):
    from kpi_core.personas import default_catalog

    posts = default_catalog().kpi("value_posts_per_week", "office_worker")
    rate = default_catalog().kpi("inquiry_rate")
    at = open_page("persona", lang)
    low = at.number_input(key="target_value_posts_per_week")
    high = at.number_input(key="target_max_value_posts_per_week")
    assert (low.value, high.value) == (2.0, 4.0)
    assert low.label == t("persona.target.from", lang, unit=posts.unit_text(lang))
    assert high.label == t("persona.target.to", lang, unit=posts.unit_text(lang))
    # A rate shows what it divides by beside its unit.
    assert at.number_input(key="target_inquiry_rate").label == t("persona.target", lang, unit=rate.unit_text(lang))
    high.set_value(3.0).run()
    assert at.session_state["plan"].kpis[0] == KpiChoice("value_posts_per_week", 2.0, 3.0)
    assert not at.warning or t("persona.target.band.reversed", lang) not in [w.value for w in at.warning]
    low.set_value(3.5).run()
    assert t("persona.target.band.reversed", lang) in [w.value for w in at.warning]
    low.set_value(2.0).run()

    at = upload_from(at, "log")
    at.switch_page("pages/4_dashboard.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    shown = texts(at)
    # The latest week (2025-01-13) has one post: below the 2–3 band, with the unit as written.
    name = posts.name[lang]
    line = t("dashboard.kpi_line", lang, verdict="⏳", name=name, value="1", target="2–3", unit=posts.unit_text(lang))
    assert line in shown
    # Both weeks are in its four-week window: 3 inquiries from 5 + 3 + 8 + 2 = 18 reactions → 16.67 per 100.
    assert t("dashboard.kpi_line", lang, verdict="✅", name=rate.name[lang], value="16.67", target="3",
             unit=rate.unit_text(lang)) in shown
    charts = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    band_chart = next(c for c in charts if c.get("title", {}).get("text") == name)
    marks = [layer["mark"]["type"] for layer in band_chart["layer"]]
    assert marks == ["rect", "line", "rule", "rule"]  # the shaded range, the values, its two ends


def upload_from(at: AppTest, page: str) -> AppTest:
    at.switch_page(PAGES[page][0])
    at.run()
    return upload(at, ("good.csv", WORKED))


# ---------------------------------------------------------------- fatigue in the weekly review


def figure_row(table, lang, column):
    row = table[table[t("review.col.figure", lang)] == t(f"column.{column}", lang)]
    return list(row[t("review.col.previous", lang)]) + list(row[t("review.col.this", lang)])


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_fatigue_is_one_tap_stored_with_the_review_and_shown_beside_the_index(lang):
    at = upload(open_page("log", lang), ("good.csv", WORKED))
    at.switch_page("pages/5_review.py")
    at.run()
    pills = at.pills(key="review_fatigue_2025-01-13")
    assert pills.label == t("review.fatigue", lang) and pills.value is None
    assert "2025-01-13" not in at.session_state["reviews"]  # opening the week stores nothing
    # Both weeks within the 300-minute budget, rated 4 on average → load 1, rhythm 1, rating 0.75: 92.5.
    assert figure_row(at.dataframe[0].value, lang, "sustainability") == ["92.5", "92.5"]
    assert figure_row(at.dataframe[0].value, lang, "fatigue") == ["—", "—"]

    pills.set_value(4).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["reviews"]["2025-01-13"] == {"fatigue": 4}
    assert at.session_state["ws"].load_reviews()["2025-01-13"] == {"fatigue": 4}  # saved at the end of the run
    # Counted in the same run: (0.4 + 0.3 + 0.225 + 0.4 × 0.25) / 1.4 = 73.2.
    assert figure_row(at.dataframe[0].value, lang, "sustainability") == ["92.5", "73.2"]
    assert figure_row(at.dataframe[0].value, lang, "fatigue") == ["—", "4"]

    at.switch_page("pages/4_dashboard.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert {m.label: m.value for m in at.metric}[t("dashboard.sustainability", lang)] == "73.2"
    shown = texts(at)
    assert t("dashboard.fatigue", lang, value=t("review.fatigue.4", lang)) in shown
    assert "(29%)" in shown and "(21%)" in shown  # the parts' shares with an answer: 0.4 / 1.4, 0.3 / 1.4

    at.switch_page("pages/5_review.py")
    at.run()
    at.pills(key="review_fatigue_2025-01-13").set_value(None).run()  # tapped again: cleared
    assert "fatigue" not in at.session_state["reviews"]["2025-01-13"]
    assert figure_row(at.dataframe[0].value, lang, "sustainability") == ["92.5", "92.5"]
    at.switch_page("pages/4_dashboard.py")
    at.run()
    assert t("dashboard.fatigue.none", lang) in texts(at)
    assert "(40%)" in texts(at)  # without an answer: load, rhythm and rating as before


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_rating_rubric_is_on_the_persona_and_log_pages(lang):
    at = open_page("persona", lang)
    shown = texts(at)
    assert t("rubric.title", lang) in [e.label for e in at.expander]
    assert t("rubric.1", lang) in shown and t("rubric.5", lang) in shown
    assert t("rubric.short", lang) in shown  # beside the template download
    at = open_page("log", lang)
    assert t("rubric.title", lang) in [e.label for e in at.expander]
    assert t("rubric.3", lang) in texts(at)
