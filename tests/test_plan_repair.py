"""Every plan that comes in is validated: refused on import, restore and the CLI's --plan; repaired (and said)
when a stored plan can no longer be used; no page ever meets an invalid plan."""

from __future__ import annotations

import copy
import dataclasses
import io
import sqlite3
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from kpi_core.bounds import MAX_LONG_CHARS, MAX_SENTENCE_CHARS, MAX_SHORT_CHARS
from kpi_core.cli import main
from kpi_core.logbook import read_files
from kpi_core.messages import t
from kpi_core.personas import default_catalog
from kpi_core.plan import (
    MAX_BUDGET_MINUTES,
    MAX_INCOME_GOAL,
    MIN_BUDGET_MINUTES,
    STATEMENT_LIMITS,
    CycleDecision,
    KpiChoice,
    Plan,
    ValueStatement,
    admit_plan,
    check_plan,
    custom_kpi_name,
    default_plan,
    plan_to_yaml,
    read_stored_plan,
    repair_plan,
    statement_sentence,
)
from kpi_core.store.workspace import Workspace, WorkspaceImportError
from pages._ui.markdown import literal
from tests.test_pages import APP, PAGES, WORKED, clean_caches  # noqa: F401 (autouse fixture)

CATALOG = default_catalog()


def base() -> Plan:
    return default_plan("office_worker", CATALOG)


def with_kpi(plan: Plan, index: int, choice: KpiChoice) -> Plan:
    kpis = list(plan.kpis)
    kpis[index] = choice
    return dataclasses.replace(plan, kpis=kpis)


# Each defect: the plan, what check_plan says (path, code), and what repair_plan says it changed.
DEFECTS = {
    "unknown persona": (dataclasses.replace(base(), persona_id="astronaut"),
                        [("persona_id", "unknown_persona")], ["persona_replaced"]),
    "unknown KPI": (dataclasses.replace(base(), kpis=[*base().kpis, KpiChoice("no_such_kpi", 1.0)]),
                    [("kpis[5].id", "unknown_kpi")], ["kpi_dropped"]),
    "KPI of another persona": (dataclasses.replace(base(), kpis=[KpiChoice("tips_posts_per_week", 2.0)]),
                               [("kpis[1].id", "unknown_kpi")], ["kpi_dropped"]),
    "unknown key result": (dataclasses.replace(base(), key_result="no_such_result"),
                           [("key_result", "unknown_key_result")], ["key_result_reset"]),
    "band max below min": (with_kpi(base(), 0, KpiChoice("value_posts_per_week", 5.0, 1.0)),
                           [("kpis[1].target_max", "band_max_below_min")], ["band_swapped"]),
    "negative target": (with_kpi(base(), 3, KpiChoice("inquiry_rate", -1.0)),
                        [("kpis[4].target", "bad_target")], ["target_reset"]),
    "unknown column in a column map": (dataclasses.replace(base(), column_maps={"abc": {"no_such_field": "成果"}}),
                                       [("column_maps.abc.no_such_field", "unknown_column")],
                                       ["column_map_dropped"]),
    "negative income goal": (dataclasses.replace(base(), monthly_income_goal=-1),
                             [("monthly_income_goal", "bad_income_goal")], ["income_goal_dropped"]),
    "income goal past the page's limit": (dataclasses.replace(base(), monthly_income_goal=MAX_INCOME_GOAL + 1),
                                          [("monthly_income_goal", "out_of_range")], ["income_goal_dropped"]),
    "budget below the page's range": (dataclasses.replace(base(), weekly_budget_minutes=MIN_BUDGET_MINUTES - 1),
                                      [("weekly_budget_minutes", "out_of_range")], ["budget_changed"]),
    "budget above the page's range": (dataclasses.replace(base(), weekly_budget_minutes=MAX_BUDGET_MINUTES + 1),
                                      [("weekly_budget_minutes", "out_of_range")], ["budget_changed"]),
}
# What a YAML file says about the same defects when it is read (plan_from_yaml refuses negative numbers itself).
READ_CODES = {"negative target": ["negative"], "negative income goal": ["negative"]}


# ---------------------------------------------------------------- kpi_core: check and repair


@pytest.mark.parametrize("name", list(DEFECTS))
def test_each_defect_is_found_and_repaired(name):
    plan, found, changed = DEFECTS[name]
    assert [(p.path, p.code) for p in check_plan(plan, CATALOG)] == found
    repaired, changes = repair_plan(plan, CATALOG)
    assert [c.code for c in changes] == changed
    assert check_plan(repaired, CATALOG) == []
    assert all(c.message("ja") and c.message("en") and "{" not in c.message("en") for c in changes)
    assert check_plan(plan, CATALOG) != []  # the plan given is left as it was


def test_repairs_are_exact():
    posts, *_ = base().kpis
    assert repair_plan(DEFECTS["band max below min"][0], CATALOG)[0].kpis[0] == KpiChoice(posts.id, 1.0, 5.0)
    assert repair_plan(DEFECTS["negative target"][0], CATALOG)[0].kpis[3] == KpiChoice("inquiry_rate", 3.0)
    assert repair_plan(DEFECTS["budget below the page's range"][0], CATALOG)[0].weekly_budget_minutes == 30
    assert repair_plan(DEFECTS["budget above the page's range"][0], CATALOG)[0].weekly_budget_minutes == 5000
    assert repair_plan(DEFECTS["negative income goal"][0], CATALOG)[0].monthly_income_goal is None
    assert repair_plan(DEFECTS["unknown column in a column map"][0], CATALOG)[0].column_maps == {}
    assert repair_plan(DEFECTS["unknown key result"][0], CATALOG)[0].key_result == "inquiries"
    dropped = repair_plan(DEFECTS["unknown KPI"][0], CATALOG)[0]
    assert [k.id for k in dropped.kpis] == [k.id for k in base().kpis]


def test_an_unknown_persona_becomes_the_default_with_its_kpis_and_keeps_the_persons_own():
    plan = dataclasses.replace(default_plan("student", CATALOG), persona_id="astronaut", weekly_budget_minutes=120,
                               key_result="no_such_result")
    plan.kpis.append(KpiChoice("custom", 4.0))
    plan.statement.person = "転職に悩む20代"
    repaired, changes = repair_plan(plan, CATALOG)
    assert repaired.persona_id == "office_worker"
    assert [k.id for k in repaired.kpis] == [k.id for k in base().kpis] + ["custom"]
    assert repaired.kpis[-1] == KpiChoice("custom", 4.0)  # the statement's own KPI is the person's, not the persona's
    assert repaired.key_result == base().key_result
    assert (repaired.weekly_budget_minutes, repaired.statement.person) == (120, "転職に悩む20代")
    assert [c.code for c in changes] == ["persona_replaced"]
    assert changes[0].message("ja") == (
        "属性「astronaut」はこの版にないため、「会社員」にしました。KPIと結果の数え方は「会社員」の初期値です。"
        "属性のページで選び直せます。")


def test_the_custom_kpi_and_auto_result_are_valid():
    plan = dataclasses.replace(base(), kpis=[*base().kpis, KpiChoice("custom", 2.0)], key_result="auto")
    assert check_plan(plan, CATALOG) == []
    assert repair_plan(plan, CATALOG) == (plan, [])


def test_text_over_its_cap_is_found_and_cut_in_the_statement_and_an_earlier_one():
    plan = base()
    plan.statement.person = "あ" * (MAX_SHORT_CHARS + 1)
    plan.statement.problem = "い" * 10**6
    plan.cycle_decisions = [CycleDecision(1, "rewrite", None, ValueStatement(why_me="う" * (MAX_LONG_CHARS + 5)))]
    assert [(p.path, p.code) for p in check_plan(plan, CATALOG)] == [
        ("statement.person", "text_too_long"), ("statement.problem", "text_too_long"),
        ("cycle_decisions[cycle 1].previous_statement.why_me", "text_too_long")]
    repaired, changes = repair_plan(plan, CATALOG)
    assert repaired.statement.person == "あ" * 200
    assert repaired.statement.problem == "い" * 2000
    assert repaired.cycle_decisions[0].previous_statement.why_me == "う" * 2000
    assert [c.message("ja") for c in changes] == [
        "「その一人(例:年齢、立場)」が201文字あったため、はじめの200文字だけを残しました。",
        "「その人の問題(その人の言葉で)」が1,000,000文字あったため、はじめの2,000文字だけを残しました。",
        "サイクル1の前の文の「あなたである理由」が2,005文字あったため、はじめの2,000文字だけを残しました。"]
    assert check_plan(repaired, CATALOG) == []


def test_statement_caps_are_exact_and_the_generated_sentence_always_fits():
    assert (MAX_SHORT_CHARS, MAX_LONG_CHARS, MAX_SENTENCE_CHARS) == (200, 2000, 4300)
    assert STATEMENT_LIMITS == {
        "person": 200, "words": 200, "offer": 200, "situation": 2000, "worries": 2000, "future": 2000,
        "problem": 2000, "solution": 2000, "why_me": 2000, "change": 2000, "custom_kpi": 4300, "sentence": 4300}
    longest = ValueStatement(person="あ" * 200, problem="い" * 1999 + "う", solution="え" * 1999 + "く")
    for lang in ("ja", "en"):  # "う"/"く" end a clause: the template wraps it, the longest form
        assert len(statement_sentence(longest, lang)) <= MAX_SENTENCE_CHARS
        assert len(custom_kpi_name(longest, lang)) <= MAX_SENTENCE_CHARS


def test_admit_refuses_every_defect_but_cuts_long_text():
    plan, problems, cuts = admit_plan(DEFECTS["unknown key result"][0], CATALOG)
    assert (plan, [p.code for p in problems], cuts) == (None, ["unknown_key_result"], [])
    long = base()
    long.statement.offer = "x" * 201
    plan, problems, cuts = admit_plan(long, CATALOG)
    assert (plan.statement.offer, problems, [c.code for c in cuts]) == ("x" * 200, [], ["text_cut"])


_CHOICE = st.builds(KpiChoice, st.sampled_from(["value_posts_per_week", "inquiry_rate", "custom", "tips_posts_per_week",
                                                 "sessions_per_week", "nope"]),
                    st.floats(allow_nan=True, allow_infinity=True) | st.integers(-5, 5),
                    st.none() | st.floats(allow_nan=True) | st.integers(-5, 5))


@settings(max_examples=200, deadline=None)
@given(persona=st.sampled_from([*CATALOG.personas, "astronaut"]), kpis=st.lists(_CHOICE, max_size=6),
       key=st.sampled_from(["auto", "value_signals", "inquiries", "thanks", "nope"]),
       budget=st.integers(-100, 10_000), week_start=st.integers(-2, 9),
       goal=st.none() | st.integers(-10, 10**11), person=st.text(max_size=300),
       field=st.sampled_from(["minutes", "client_results", "nope"]))
def test_a_repaired_plan_always_passes_the_check(persona, kpis, key, budget, week_start, goal, person, field):
    plan = Plan(ValueStatement(person=person), persona, kpis, budget, week_start, key, monthly_income_goal=goal,
                column_maps={"sig": {field: "見出し"}})
    repaired, changes = repair_plan(plan, CATALOG)
    assert check_plan(repaired, CATALOG) == []
    assert bool(changes) == bool(check_plan(plan, CATALOG))
    assert repair_plan(repaired, CATALOG) == (repaired, [])  # repairing twice changes nothing more


# ---------------------------------------------------------------- import, restore, load, CLI


def export_with_plan(plan_text: str) -> bytes:
    """A real export (4 rows, one review) whose plan.yaml is `plan_text`."""
    with Workspace.open(":memory:") as ws:
        ws.append_rows(read_files([("jan.csv", WORKED)]).log)
        ws.save_review("2025-01-06", {"worked": "体験談"})
        ws.save_plan(base())
        good = ws.export_zip()
    source = zipfile.ZipFile(io.BytesIO(good))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in source.namelist():
            archive.writestr(name, plan_text.encode() if name == "plan.yaml" else source.read(name))
    return buffer.getvalue()


def expected_details(name: str) -> list[str]:
    return READ_CODES.get(name) or [code for _, code in DEFECTS[name][1]]


@pytest.mark.parametrize("name", list(DEFECTS))
def test_import_refuses_each_defect_with_what_is_wrong_and_changes_nothing(tmp_path, name):
    data = export_with_plan(plan_to_yaml(DEFECTS[name][0]))
    with Workspace.open(tmp_path / "w.sqlite3") as ws:
        ws.save_plan(base())
        preview = ws.preview_import(data)
        assert not preview.ok
        blocking = [p for p in preview.problems if p.blocking]
        assert [p.code for p in blocking] == ["import.plan_invalid"] * len(blocking)
        assert [p.detail.code for p in blocking] == expected_details(name)
        for lang in ("ja", "en"):
            assert preview.lines(lang)[0].startswith(t("workspace.import.plan_invalid", lang, detail="")[:12])
        for mode in ("merge", "replace"):
            with pytest.raises(WorkspaceImportError):
                ws.import_zip(data, mode)
        assert (ws.row_count(), ws.load_plan(), ws.load_reviews(), ws.backups()) == (0, base(), {}, [])


def test_an_unknown_persona_is_named_in_both_languages_on_import():
    preview = Workspace.open(":memory:").preview_import(export_with_plan(plan_to_yaml(DEFECTS["unknown persona"][0])))
    assert preview.lines("ja") == [
        "plan.yaml にこのアプリで使えない内容があるため、取り込みません(何も変えていません): plan.yaml: persona_id: "
        "「astronaut」という属性はありません。使えるのは office_worker, homemaker, student, freelancer です。"]
    assert preview.lines("en") == [
        "plan.yaml holds something this app cannot use, so nothing is imported (nothing was changed): plan.yaml: "
        "persona_id: there is no persona \"astronaut\". Personas: office_worker, homemaker, student, freelancer"]


def test_import_lists_every_problem_of_a_plan_at_once():
    plan = dataclasses.replace(DEFECTS["unknown key result"][0], kpis=[KpiChoice("no_such_kpi", 1.0)],
                               column_maps={"abc": {"no_such_field": "成果"}})
    preview = Workspace.open(":memory:").preview_import(export_with_plan(plan_to_yaml(plan)))
    assert [p.detail.code for p in preview.problems] == ["unknown_column", "unknown_kpi", "unknown_key_result"]


def test_a_plan_field_that_cannot_be_read_refuses_the_import_too():
    text = plan_to_yaml(base()).replace("week_start: 0", "week_start: 9")
    preview = Workspace.open(":memory:").preview_import(export_with_plan(text))
    assert [(p.code, p.detail.code) for p in preview.problems] == [("import.plan_invalid", "out_of_range")]


@pytest.mark.parametrize("name", list(DEFECTS))
def test_restore_refuses_a_backup_whose_plan_is_invalid_and_changes_nothing(tmp_path, name):
    with Workspace.open(tmp_path / "w.sqlite3") as ws:
        ws.append_rows(read_files([("jan.csv", WORKED)]).log)
        ws.save_plan(DEFECTS[name][0])  # stored by an older version, say
        backup_id = ws.backup()
        ws.save_plan(base())
        ws.save_review("2025-01-13", {"worked": "now"})
        preview = ws.preview_restore(backup_id)
        assert not preview.ok
        assert [p.detail.code for p in preview.problems] == expected_details(name)
        assert preview.restore_lines("ja")[0].startswith("plan.yaml にこのアプリで使えない内容があるため")
        with pytest.raises(WorkspaceImportError):
            ws.restore(backup_id)
        assert (ws.load_plan(), ws.load_reviews(), len(ws.backups())) == (base(), {"2025-01-13": {"worked": "now"}},
                                                                          1)


def store_raw(path, plan: Plan) -> None:
    """Write a plan into the workspace file as an older version would have: no check on the way in."""
    conn = sqlite3.connect(path)
    with conn:  # the plan of the file's one person, LOCAL_OWNER
        conn.execute("INSERT OR IGNORE INTO people (issuer, subject, created_at) VALUES ('local', 'local', '')")
        conn.execute("INSERT OR REPLACE INTO plan (person_id, yaml, saved_at) SELECT id, ?, '2025-01-01T00:00:00+00:00'"
                     " FROM people WHERE issuer = 'local' AND subject = 'local'", (plan_to_yaml(plan),))
    conn.close()


@pytest.mark.parametrize("name", list(DEFECTS))
def test_a_stored_plan_an_upgrade_made_invalid_is_repaired_saved_and_said_once(tmp_path, name):
    path = tmp_path / "w.sqlite3"
    Workspace.open(path).close()
    store_raw(path, DEFECTS[name][0])
    with Workspace.open(path) as ws:
        plan, changes = ws.load_checked_plan()
        # A negative number is not even read back from YAML: the field keeps its default, and that is said.
        assert [c.code for c in changes] == (["unreadable"] if name in READ_CODES else DEFECTS[name][2])
        assert check_plan(plan, CATALOG) == []
        assert plan == ws.load_plan()  # saved back
        if name not in READ_CODES:
            assert plan == repair_plan(DEFECTS[name][0], CATALOG)[0]
        assert [b.reason for b in ws.backups()] == ["repair"]  # the plan as it was is kept
        assert ws.load_checked_plan() == (plan, [])  # valid now: nothing more to say
        assert t("workspace.backup.reason.repair", "ja") in ws.backups()[0].label("ja")


def test_a_valid_stored_plan_is_loaded_as_is_without_a_write(tmp_path):
    with Workspace.open(tmp_path / "w.sqlite3") as ws:
        assert ws.load_checked_plan() == (None, [])
        ws.save_plan(base())
        assert ws.load_checked_plan() == (base(), [])
        assert ws.backups() == []


@pytest.mark.parametrize("name", ["unknown persona", "unknown key result", "band max below min"])
def test_the_cli_refuses_an_invalid_plan_file_with_what_is_wrong(tmp_path, capsys, name):
    plan = tmp_path / "plan.yaml"
    plan.write_text(plan_to_yaml(DEFECTS[name][0]), encoding="utf-8")
    log = tmp_path / "log.csv"
    log.write_bytes(WORKED)
    status = main(["report", str(log), "--plan", str(plan), "--lang", "en"])
    _, err = capsys.readouterr()
    assert status == 2
    problem = check_plan(DEFECTS[name][0], CATALOG, str(plan))[0]
    assert err.strip() == t("cli.bad_plan", "en", path=plan, details=problem.message("en"))


def test_the_cli_cuts_a_long_text_in_a_plan_file_and_says_so(tmp_path, capsys):
    long = base()
    long.statement.person = "x" * 10**6
    plan = tmp_path / "plan.yaml"
    plan.write_text(plan_to_yaml(long), encoding="utf-8")
    log = tmp_path / "log.csv"
    log.write_bytes(WORKED)
    assert main(["report", str(log), "--plan", str(plan), "--lang", "en", "--json"]) == 0
    _, err = capsys.readouterr()
    assert err.strip() == f"{plan}: \"The one person (age, role…)\" had 1,000,000 characters; the first 200 are kept."


# ---------------------------------------------------------------- pages


@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_opens_with_a_repaired_plan_and_says_what_changed(tmp_path, monkeypatch, page):
    path = tmp_path / "w.sqlite3"
    monkeypatch.setenv("KPI_COACH_WORKSPACE", str(path))
    with Workspace.open(path) as ws:
        ws.append_rows(read_files([("jan.csv", WORKED)]).log)
    broken = dataclasses.replace(copy.deepcopy(DEFECTS["unknown persona"][0]), key_result="no_such_result",
                                 kpis=[KpiChoice("no_such_kpi", 1.0), KpiChoice("custom", -2.0)],
                                 weekly_budget_minutes=10, monthly_income_goal=-5,
                                 column_maps={"abc": {"no_such_field": "成果"}})
    broken.statement.person = "p" * 10**6
    store_raw(path, broken)
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = "en"
    if page != "home":
        at.switch_page(PAGES[page][0])
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    notice = next(w.value for w in at.warning if w.value.startswith(t("repair.notice", "en")))
    changes = read_stored_plan(plan_to_yaml(broken), CATALOG)[1]
    assert [c.code for c in changes] == ["unreadable", "unreadable", "text_cut", "budget_changed",
                                         "column_map_dropped", "persona_replaced"]
    assert notice == t("repair.notice", "en") + "\n\n" + "\n".join(f"- {literal(c.message('en'))}" for c in changes)
    assert check_plan(at.session_state["plan"], CATALOG) == []
    with Workspace.open(path) as stored:
        assert check_plan(stored.load_plan(), CATALOG) == []  # saved back, a backup of the old one first
        assert [b.reason for b in stored.backups()] == ["repair"]
    at.button(key="repairs_ok").click().run()  # read: the notice goes
    assert not [w for w in at.warning if w.value.startswith(t("repair.notice", "en"))]
    assert not at.exception
