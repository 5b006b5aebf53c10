"""Nothing entered is lost, and every text follows the chosen language (AppTest).

A reload is a new AppTest on the same workspace file: a new session with nothing in its state.
"""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from kpi_core.demo import demo_plan
from kpi_core.messages import t
from kpi_core.plan import KpiChoice, custom_kpi_name, custom_kpi_short_name
from kpi_core.report import CUSTOM_KPI_ID
from kpi_core.store.workspace import Workspace
from pages._ui.markdown import literal
from tests.test_pages import APP, WORKED, clean_caches, open_page, upload  # noqa: F401 (autouse fixture)

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def reload(page: str, lang: str = "ja") -> AppTest:
    """What a browser reload gives: a new session (the language comes back from the stored plan)."""
    return open_page(page, lang)


def next_step(at: AppTest, lang: str) -> AppTest:
    next(b for b in at.button if b.label == t("define.next", lang)).click().run()
    assert not at.exception
    return at


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_define_page_reopens_at_the_step_reached_after_a_reload(tmp_path, lang):
    at = open_page("define", lang)
    at.text_input(key="define_person").input("育休明けの30代の営業職").run()
    next_step(next_step(at, lang), lang)  # person → problem → solution
    assert at.header[0].value == t("define.step.solution", lang)
    with Workspace.open(tmp_path / "workspace.sqlite3") as stored:
        assert stored.load_plan().define_step == 2  # saved with the plan when the step changed

    again = reload("define", lang)
    assert again.header[0].value == t("define.step.solution", lang)
    assert again.session_state["plan"].statement.person == "育休明けの30代の営業職"
    next(b for b in again.button if b.label == t("define.back", lang)).click().run()
    next(b for b in again.button if b.label == t("define.back", lang)).click().run()
    assert again.text_input(key="define_person").value == "育休明けの30代の営業職"


def test_text_typed_in_a_field_is_there_after_a_page_switch_and_says_how_it_is_kept():
    at = open_page("define")
    person = at.text_input(key="define_person")
    assert person.help == t("kept.field", "ja")  # the field says how its text is kept
    person.input("残業に追われる事務職").run()
    next_step(at, "ja")
    problem = at.text_area(key="define_problem")
    assert problem.help == t("kept.field", "ja")
    problem.input("Excelに時間がかかりすぎる").run()
    at.switch_page("pages/2_persona.py")
    at.run()
    at.switch_page("pages/1_define.py")
    at.run()
    assert at.text_area(key="define_problem").value == "Excelに時間がかかりすぎる"  # the same step, the same text
    again = reload("define")
    assert again.text_area(key="define_problem").value == "Excelに時間がかかりすぎる"
    assert again.session_state["plan"].statement.person == "残業に追われる事務職"


def test_a_reflection_says_how_it_is_kept_and_survives_a_page_switch():
    at = upload(open_page("log"), ("good.csv", WORKED))
    at.switch_page("pages/5_review.py")
    at.run()
    field = next(a for a in at.text_area if a.label == t("review.field.worked", "ja"))
    assert field.help == t("kept.field", "ja")
    field.input("体験談の投稿に相談が来た").run()
    at.switch_page("pages/2_persona.py")
    at.run()
    at.switch_page("pages/5_review.py")
    at.run()
    field = next(a for a in at.text_area if a.label == t("review.field.worked", "ja"))
    assert field.value == "体験談の投稿に相談が来た"


def test_a_hosted_session_says_a_reload_clears_what_was_typed(monkeypatch):
    monkeypatch.setenv("KPI_COACH_HOSTED", "1")
    at = open_page("define")
    assert at.text_input(key="define_person").help == t("kept.field.session", "ja")


def test_another_tabs_edit_of_a_row_is_seen_without_a_change_in_the_row_count(tmp_path):
    first = upload(open_page("log"), ("good.csv", WORKED))
    second = open_page("dashboard")
    assert sorted(second.session_state["log"]["minutes"]) == [20, 30, 30, 30]
    with Workspace.open(tmp_path / "workspace.sqlite3") as other:  # the first tab's editor saves an edit
        log = other.load_log()
        log.loc[log.index[0], "minutes"] = 45
        other.replace_log(log)
    second.run()  # the second tab's next run (any tap, a page switch)
    assert sorted(second.session_state["log"]["minutes"]) == [20, 30, 30, 45]
    first.run()
    assert sorted(first.session_state["log"]["minutes"]) == [20, 30, 30, 45]


def test_a_tiredness_tap_is_kept_when_another_tab_saved_a_review_meanwhile(tmp_path):
    at = upload(open_page("log"), ("good.csv", WORKED))
    at.switch_page("pages/5_review.py")
    at.run()
    with Workspace.open(tmp_path / "workspace.sqlite3") as other:
        other.save_review("2025-01-06", {"worked": "別のタブで書いた"})
    at.get("button_group")[0].set_value(3).run()  # the pills: the tap's callback runs before the page
    reviews = reload("home").session_state["reviews"]
    assert reviews["2025-01-06"] == {"worked": "別のタブで書いた"}
    assert reviews["2025-01-13"]["fatigue"] == 3


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_templates_header_language_follows_the_app(lang):
    at = open_page("persona", lang)
    choice = at.radio(key=f"template_lang_{lang}")
    assert choice.value == lang
    names = [b.proto.label for b in at.get("download_button")]
    assert names == [t("persona.template.download_xlsx", lang), t("persona.template.download", lang)]
    other = "en" if lang == "ja" else "ja"
    choice.set_value(other).run()  # the person may still pick the other language
    assert at.radio(key=f"template_lang_{lang}").value == other


def test_switching_the_app_language_switches_the_templates_headers():
    at = open_page("persona", "ja")
    at.session_state["lang"] = "en"
    at.run()
    assert at.radio(key="template_lang_en").value == "en"


def test_the_sample_opened_in_english_is_in_english():
    at = open_page("data", "en")
    at.selectbox(key="demo_persona").set_value("homemaker").run()
    next(b for b in at.button if b.key == "demo_start").click().run()
    assert not at.exception
    session = at.session_state
    assert session["plan"].statement == demo_plan("homemaker", lang="en").statement
    assert not JAPANESE.search(" ".join(vars(session["plan"].statement).values()))
    texts = [str(v) for fields in session["reviews"].values() for v in fields.values()]
    assert texts and not any(JAPANESE.search(text) for text in texts)
    log = session["log"]
    assert not any(JAPANESE.search(str(text)) for text in [*log["action"], *log["memo"]])
    at.switch_page("pages/1_define.py")
    at.run()
    assert at.text_input(key="define_person~1").value == demo_plan("homemaker", lang="en").statement.person


def test_the_sample_opened_in_japanese_stays_japanese():
    at = open_page("data", "ja")
    next(b for b in at.button if b.key == "demo_start").click().run()
    assert at.session_state["plan"].statement == demo_plan("office_worker").statement


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_long_custom_kpi_name_is_shown_cut_with_the_whole_name_one_tap_away(lang):
    at = upload(open_page("log", lang), ("good.csv", WORKED))
    statement = at.session_state["plan"].statement
    statement.person = "育休から復帰したばかりで、朝の支度と夕飯作りが回らない30代の共働きのママ"
    statement.problem, statement.solution = "家事が回らず自分を責めてしまう", "時短家事を手順つきで伝えること"
    at.session_state["plan"].kpis.append(KpiChoice(CUSTOM_KPI_ID, 1))
    full, shown = custom_kpi_name(statement, lang), custom_kpi_short_name(statement, lang)
    assert len(shown) == 24 < len(full)
    at.switch_page("pages/2_persona.py")
    at.run()
    box = at.checkbox(key="use_custom")
    assert box.label == t("persona.custom", lang, name=literal(shown)) and box.help == literal(full)
    at.switch_page("pages/4_dashboard.py")
    at.run()
    line = next(m for m in at.markdown if literal(shown) in m.value)
    assert line.help == literal(full)
