"""AppTest: the result that counts is chosen on the persona page and drawn by the dashboard and the review."""

from __future__ import annotations

import json

import pytest

from kpi_core.demo import demo_log, demo_plan
from kpi_core.measures import VALUE_SIGNALS
from kpi_core.messages import t
from kpi_core.store.workspace import Workspace
from tests.test_pages import clean_caches, open_page, texts  # noqa: F401  (the autouse fixture too)


def homemaker_workspace(tmp_path, key_result: str | None = None):
    plan = demo_plan("homemaker")
    if key_result:
        plan.key_result = key_result
    with Workspace.open(tmp_path / "workspace.sqlite3") as workspace:
        workspace.save_plan(plan)
        workspace.append_rows(demo_log("homemaker"))
    return plan


def key_result_box(at):
    return next(s for s in at.selectbox if s.key and s.key.startswith("persona_key_result"))


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_persona_column_chosen_as_key_result_is_kept_and_drawn(lang, tmp_path):
    homemaker_workspace(tmp_path)
    at = open_page("persona", lang)
    box = key_result_box(at)
    assert box.value == VALUE_SIGNALS  # the homemaker's default, preselected
    box.set_value("practice_reports")
    at.run()
    assert not at.exception
    assert at.session_state["plan"].key_result == "practice_reports"
    at.switch_page("pages/4_dashboard.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    name = "実践報告数" if lang == "ja" else "Practice reports"
    assert t("measures.counted", lang, result=name) in texts(at)
    titles = [json.loads(c.proto.spec).get("title", {}).get("text") for c in at.get("vega_lite_chart")]
    assert t("chart.minutes_results", lang, result=name) in titles


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_review_shows_each_message_with_its_title_and_the_weeks_it_quotes(lang, tmp_path):
    homemaker_workspace(tmp_path)
    at = open_page("review", lang)
    shown = texts(at)
    assert f"**{t('coaching.steady.title', lang)}**" in shown
    evidence = [d.value for d in at.dataframe if t("coaching.evidence.week", lang) in d.value.columns]
    assert evidence and t("coaching.evidence.total", lang) in evidence[0][t("coaching.evidence.week", lang)].tolist()


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_log_without_value_signals_is_told_what_stands_in(lang, tmp_path):
    plan = demo_plan("student")
    log = demo_log("student")[["date", "action", "category", "minutes", "reactions", "quality", "source",
                               "source_row"]]
    with Workspace.open(tmp_path / "workspace.sqlite3") as workspace:
        workspace.save_plan(plan)
        workspace.append_rows(log)
    at = open_page("dashboard", lang)
    # The student's own result is the column to add, named as the template writes it.
    column = "同世代からの相談数" if lang == "ja" else "Peer advice requests"
    assert t("measures.stand_in", lang, column=column) in [w.value for w in at.warning]
    # The review says it too, where the coaching would otherwise be silent about value signals.
    at.switch_page("pages/5_review.py")
    at.run()
    assert not at.exception
    assert t("measures.stand_in", lang, column=column) in [w.value for w in at.warning]
    titles = [t(f"coaching.{rule}.title", lang) for rule in ("steady", "empathy_without_trust", "stale_statement")]
    assert not [m.value for m in at.markdown if any(title in m.value for title in titles)]
