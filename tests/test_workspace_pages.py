"""The app keeps everything in a workspace: restarts, hosted-mode isolation, demo isolation, backups."""

from __future__ import annotations

import io
import zipfile

import pytest
from streamlit.testing.v1 import AppTest

from kpi_core.messages import t
from kpi_core.store.workspace import Workspace
from tests.test_pages import APP, WORKED, clean_caches, open_page, upload  # noqa: F401 (autouse fixture)


@pytest.fixture
def workspace_path(tmp_path, monkeypatch):
    path = tmp_path / "mine.sqlite3"
    monkeypatch.setenv("KPI_COACH_WORKSPACE", str(path))
    return path



def confirm_box(at: AppTest):
    """The restore confirmation box (its key changes after each restore, so it always starts unticked)."""
    return next(c for c in at.checkbox if c.key.startswith("restore_sure"))

def button(at: AppTest, key: str):
    return next(b for b in at.button if b.key == key)


def test_everything_survives_a_reload_or_restart(workspace_path):
    at = upload(open_page("log"), ("good.csv", WORKED))
    at.switch_page("pages/1_define.py")
    at.run()
    at.text_input(key="define_person").input("転職に悩む20代後半の事務職").run()
    at.switch_page("pages/5_review.py")
    at.run()
    at.text_area(key="review_worked_2025-01-13").input("体験談の投稿に相談").run()

    again = open_page("home")  # a new session: what a reload or a restart gives
    assert len(again.session_state["log"]) == 4
    assert again.session_state["plan"].statement.person == "転職に悩む20代後半の事務職"
    assert again.session_state["reviews"]["2025-01-13"]["worked"] == "体験談の投稿に相談"
    with Workspace.open(workspace_path) as stored:
        assert stored.row_count() == 4
        assert [u.file_name for u in stored.uploads()] == ["good.csv"]


def test_two_tabs_adding_rows_lose_nothing(workspace_path):
    first = open_page("log")
    second = open_page("log")
    upload(first, ("jan.csv", WORKED))
    later = WORKED.replace(b"2025/1/13", b"2025/1/20")
    upload(second, ("jan_later.csv", later))
    # Three rows are the same in both files, the fourth differs: 4 + 1.
    with Workspace.open(workspace_path) as stored:
        assert stored.row_count() == 5
    first.run()
    assert len(first.session_state["log"]) == 5  # the other tab's rows show up


def test_hosted_mode_keeps_each_visitor_apart(tmp_path, monkeypatch, workspace_path):
    monkeypatch.setenv("KPI_COACH_HOSTED", "1")
    visitor_a = upload(open_page("log"), ("good.csv", WORKED))
    visitor_b = open_page("dashboard")
    assert len(visitor_a.session_state["log"]) == 4
    assert len(visitor_b.session_state["log"]) == 0
    assert t("dashboard.empty", "ja") in [i.value for i in visitor_b.info]
    assert not workspace_path.exists()  # nothing written on the server
    data_page = open_page("data")
    assert t("data.where.hosted", "ja") in [i.value for i in data_page.info]


def test_demo_never_mixes_with_own_data(workspace_path):
    at = upload(open_page("log"), ("good.csv", WORKED))
    at.switch_page("pages/6_data.py")
    at.run()
    at.selectbox(key="demo_persona").set_value("office_worker").run()
    button(at, "demo_start").click().run()
    assert at.session_state["demo"] == "office_worker"
    demo_log = at.session_state["log"]
    assert len(demo_log) > 20 and set(demo_log["source"]) == {"demo"}
    assert at.session_state["plan"].statement.person  # the demo plan tells a story
    with Workspace.open(workspace_path) as stored:
        assert stored.row_count() == 4  # own data untouched
        assert stored.load_plan() is None or stored.load_plan().statement.person == ""
    button(at, "leave_demo").click().run()
    assert at.session_state["demo"] is None
    assert len(at.session_state["log"]) == 4


def test_export_then_import_into_a_fresh_workspace(tmp_path, monkeypatch, workspace_path):
    at = upload(open_page("log"), ("good.csv", WORKED))
    at.switch_page("pages/1_define.py")
    at.run()
    at.text_input(key="define_person").input("子育て中の30代").run()
    exported = Workspace.open(workspace_path).export_zip()
    names = set(zipfile.ZipFile(io.BytesIO(exported)).namelist())
    assert {"plan.yaml", "log.csv", "reviews.yaml", "manifest.yaml"} <= names

    monkeypatch.setenv("KPI_COACH_WORKSPACE", str(tmp_path / "new_machine.sqlite3"))
    fresh = open_page("data")
    fresh.get("file_uploader")[0].upload("backup.zip", exported, "application/zip")
    fresh.run()
    preview = " ".join(m.value for m in fresh.markdown)
    assert t("workspace.preview.rows_merge", "ja", added=4, present=0) in preview
    button(fresh, "import_go").click().run()
    assert len(fresh.session_state["log"]) == 4
    assert fresh.session_state["plan"].statement.person == "子育て中の30代"
    assert fresh.session_state["log"]["minutes"].tolist() == at.session_state["log"]["minutes"].tolist()


def test_deleting_the_log_asks_first_and_can_be_undone(workspace_path):
    at = upload(open_page("log"), ("good.csv", WORKED))
    at.switch_page("pages/6_data.py")
    at.run()
    assert not [b for b in at.button if b.key == "reset_log_go"]  # no delete button before confirming
    at.checkbox(key="reset_log_sure").check().run()
    button(at, "reset_log_go").click().run()
    assert len(at.session_state["log"]) == 0
    backups = Workspace.open(workspace_path).backups()
    assert backups and backups[0].rows == 4
    confirm_box(at).check().run()
    button(at, "restore_go").click().run()
    assert len(at.session_state["log"]) == 4


def test_two_tabs_editing_the_plan_and_a_review_keep_both_changes(workspace_path):
    tab_a = upload(open_page("log"), ("good.csv", WORKED))
    tab_b = open_page("define")
    tab_a.switch_page("pages/2_persona.py")
    tab_a.run()
    next(n for n in tab_a.number_input if n.label == t("persona.budget", "ja")).set_value(240).run()
    tab_b.text_input(key="define_person").input("育休明けの30代営業職").run()
    for tab, field, text in ((tab_a, "change", "夜の返信を減らす"), (tab_b, "thanks", "DMでお礼")):
        tab.switch_page("pages/5_review.py")
        tab.run()
        next(a for a in tab.text_area if a.label == t(f"review.field.{field}", "ja")).input(text).run()
    fresh = open_page("home")
    assert fresh.session_state["plan"].weekly_budget_minutes == 240
    assert fresh.session_state["plan"].statement.person == "育休明けの30代営業職"
    review = fresh.session_state["reviews"]["2025-01-13"]
    assert (review["change"], review["thanks"]) == ("夜の返信を減らす", "DMでお礼")


def test_opening_a_week_stores_no_empty_review(workspace_path):
    at = upload(open_page("log"), ("good.csv", WORKED))
    at.switch_page("pages/5_review.py")
    at.run()
    assert at.session_state["reviews"] == {}
    with Workspace.open(workspace_path) as stored:
        assert stored.load_reviews() == {}


def test_choosing_another_persona_resets_its_budget_and_targets(workspace_path):
    at = open_page("persona")
    at.number_input(key="persona_budget").set_value(150).run()
    button(at, "choose_homemaker").click().run()
    # A new widget (new key) shows the new persona's budget; a browser cannot send the old value back.
    budget = at.number_input(key="persona_budget~1")
    assert budget.value == at.session_state["plan"].weekly_budget_minutes != 150
    again = open_page("home")
    assert "persona" in again.session_state["plan"].steps_done  # the path remembers the choice


def test_editing_rows_keeps_where_the_others_came_from(workspace_path):
    at = upload(open_page("log"), ("good.csv", WORKED))
    at.session_state["log_editor"] = {
        "edited_rows": {"1": {"minutes": 35}},
        "added_rows": [{"date": "2025-01-14", "action": "DM", "minutes": 10, "reactions": 1, "quality": 3}],
        "deleted_rows": [],
    }
    at.run()
    next(b for b in at.button if b.label == t("log.edit.apply", "ja")).click().run()
    log = at.session_state["log"]
    assert len(log) == 5 and sorted(log["minutes"]) == [10, 20, 30, 30, 35]
    assert list(log["source"]).count("good.csv") == 4
    assert set(log.loc[log["source"] == "good.csv", "source_row"]) == {2, 3, 4, 5}
    assert t("log.edit.saved", "ja", rows=5) in [s.value for s in at.success]


def test_an_editor_row_without_a_date_is_reported_not_a_crash(workspace_path):
    at = open_page("log")
    at.session_state["log_editor"] = {"edited_rows": {}, "deleted_rows": [],
                                      "added_rows": [{"action": "投稿", "minutes": 30, "reactions": 1, "quality": 4}]}
    at.run()
    next(b for b in at.button if b.label == t("log.edit.apply", "ja")).click().run()
    assert not at.exception
    message = t("reader.row.required_empty_date", "ja", column="日付", value="")
    assert [e.value for e in at.error] == [t("log.edit.problem", "ja", row=1, column="日付", message=message)]


def test_the_chosen_language_is_remembered_for_the_next_visit(workspace_path):
    at = open_page("home")
    assert at.title[0].value == t("app.name", "ja")
    at.get("button_group")[0].set_value("en").run()
    assert at.title[0].value == t("app.name", "en")
    again = AppTest.from_file(APP, default_timeout=60)
    again.run()  # a reload: a new session with nothing set
    assert again.title[0].value == t("app.name", "en")


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_follower_figure_typed_for_a_report_survives_a_reload(workspace_path, lang):
    at = upload(open_page("log", lang), ("good.csv", WORKED))
    at.switch_page("pages/5_review.py")
    at.run()
    at.text_input(key="share_followers_2025-01-13").input("1,234").run()
    assert "1,234" in at.expander[-1].code[0].value  # in the report preview (shown as text, never rendered)

    again = open_page("review", lang)  # a reload
    assert again.text_input(key="share_followers_2025-01-13").value == "1,234"
    assert again.session_state["reviews"]["2025-01-13"]["followers"] == "1,234"
    assert again.session_state["reviews"]["2025-01-13"].get("worked", "") == ""  # nothing else invented
