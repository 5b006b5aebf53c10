"""The plan survives a YAML round trip exactly, reports hand-edit mistakes, and renders its sentences."""

from __future__ import annotations

import datetime
from dataclasses import fields

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpi_core.messages import LANGS
from kpi_core.personas import default_catalog
from kpi_core.plan import (
    KpiChoice,
    Plan,
    ValueStatement,
    check_plan,
    custom_kpi_name,
    default_plan,
    plan_from_yaml,
    plan_to_yaml,
    statement_sentence,
)

EXAMPLE = ValueStatement(person="20代女性", problem="転職不安", solution="実体験に基づくアドバイス")


def _round_trip(plan: Plan) -> Plan:
    loaded, problems = plan_from_yaml(plan_to_yaml(plan))
    assert problems == []
    return loaded


@pytest.mark.parametrize("persona_id", ["office_worker", "homemaker", "student", "freelancer"])
def test_default_plan_round_trip(persona_id):
    catalog = default_catalog()
    plan = default_plan(persona_id, catalog)
    persona = catalog.personas[persona_id]
    assert [k.id for k in plan.kpis] == [k.id for k in persona.kpis] + list(persona.core_kpis)
    assert [k.target for k in plan.kpis[: len(persona.kpis)]] == [k.target for k in persona.kpis]
    assert [k.target_max for k in plan.kpis[: len(persona.kpis)]] == [k.target_max for k in persona.kpis]
    assert plan.weekly_budget_minutes == persona.weekly_budget_minutes
    assert plan.key_result == persona.key_result
    assert check_plan(plan, catalog) == []
    assert _round_trip(plan) == plan


def test_full_plan_round_trip():
    plan = Plan(
        statement=ValueStatement(
            person="20代女性", situation="営業職3年目", worries="このままでいいのか",
            words="「私にもできるかも」", future="好きな仕事で自立", problem="転職不安",
            solution="実体験に基づくアドバイス", offer="個別相談 60分", why_me="3回の転職経験",
            change="求人に応募できた", custom_kpi=""),
        persona_id="office_worker",
        kpis=[KpiChoice("value_posts_per_week", 3.0), KpiChoice("inquiry_rate", 2.5)],
        weekly_budget_minutes=240, week_start=6, key_result="inquiries",
        start_date=datetime.date(2025, 1, 6),
        rest_weeks=[datetime.date(2025, 2, 3), datetime.date(2025, 4, 28)],
    )
    text = plan_to_yaml(plan)
    assert "20代女性" in text  # readable, not escaped
    assert _round_trip(plan) == plan


_TRICKY = st.sampled_from([
    "", "yes", "no", "on", "off", "null", "~", "012", "0x1F", "1e3", "2025-01-06", "3:30", "a: b", "- item",
    "# not a comment", '"double"', "'single'", "&anchor", "*alias", "!tag", "%", "@", "`", "{x}", "[x]",
    " leading", "trailing ", "two\nlines", "crlf\r\nline", "tab\there", "\u3000全角スペース",
    "悩みが解決した！",
    "NEL\x85x", "\ufeffbom", "line\u2028sep", "ends with backslash\\",
])
_TEXT = st.one_of(st.text(), _TRICKY, st.lists(_TRICKY, max_size=4).map("".join))
_ID = st.from_regex(r"[a-z][a-z0-9_]{0,15}", fullmatch=True)
_DATE = st.dates(min_value=datetime.date(1990, 1, 1), max_value=datetime.date(2100, 12, 31))

_PLANS = st.builds(
    Plan,
    statement=st.builds(ValueStatement, **{f.name: _TEXT for f in fields(ValueStatement)}),
    persona_id=_ID,
    kpis=st.lists(st.builds(KpiChoice, id=_ID, target=st.floats(0, 1e9, allow_nan=False),
                            target_max=st.none() | st.floats(0, 1e9, allow_nan=False)), max_size=6,
                  unique_by=lambda k: k.id),
    weekly_budget_minutes=st.integers(1, 7 * 24 * 60),
    week_start=st.integers(0, 6),
    key_result=st.sampled_from(["auto", "inquiries", "reactions", "consultations"]),
    start_date=st.none() | _DATE,
    rest_weeks=st.lists(_DATE, max_size=5),
)


@settings(max_examples=300, deadline=None)
@given(_PLANS)
def test_any_plan_round_trips(plan):
    assert _round_trip(plan) == plan


# ---------------------------------------------------------------- hand-edited files


def test_unquoted_hand_typed_values_are_accepted():
    text = ("persona_id: student\nstart_date: 2025-01-06\nrest_weeks: [2025-02-03]\n"
            "kpis:\n- {id: x, target: 2}\n")
    plan, problems = plan_from_yaml(text)
    assert problems == []
    assert plan.persona_id == "student"
    assert plan.start_date == datetime.date(2025, 1, 6)
    assert plan.rest_weeks == [datetime.date(2025, 2, 3)]
    assert plan.kpis == [KpiChoice("x", 2.0)]
    assert plan.statement == ValueStatement()


@pytest.mark.parametrize("text, path, code", [
    ("week_start: 9\n", "week_start", "out_of_range"),
    ("weekly_budget_minutes: yes\n", "weekly_budget_minutes", "expected_integer"),
    ("start_date: '2025-13-01'\n", "start_date", "bad_date"),
    ("start_date: next monday\n", "start_date", "bad_date"),
    ("rest_weeks: [2025-01-06, soon]\n", "rest_weeks[2]", "bad_date"),
    ("statement: {person: 30}\n", "statement.person", "expected_string"),
    ("statement: {persona: x}\n", "statement.persona", "unknown_key"),
    ("kpis:\n- {id: a, target: 1}\n- {id: a, target: 2}\n", "kpis[2].id", "duplicate_id"),
    ("kpis:\n- {id: a, target: many}\n", "kpis[1].target", "expected_number"),
    ("kpis:\n- {id: a}\n", "kpis[1].target", "missing_key"),
    ("kpis:\n- {id: a, target: 2, target_max: lots}\n", "kpis[1].target_max", "expected_number"),
    ("kpis:\n- {id: a, target: 2, max: 4}\n", "kpis[1].max", "unknown_key"),
    ("budget: 300\n", "budget", "unknown_key"),
])
def test_hand_edit_mistakes_are_reported(text, path, code):
    plan, problems = plan_from_yaml(text, "my_plan.yaml")
    assert plan is not None  # one bad field costs that field, not the plan
    assert [(p.path, p.code) for p in problems] == [(path, code)]
    for lang in LANGS:
        assert problems[0].message(lang).startswith(f"my_plan.yaml: {path}: ")


@pytest.mark.parametrize("text, code", [
    ("persona_id: [x\n", "yaml_error"),
    ("start_date: 2025-13-01\n", "yaml_error"),  # unquoted: YAML itself fails on the impossible date
    ("- a\n", "expected_mapping"),
    ("", "empty_file"),
])
def test_unreadable_plan(text, code):
    plan, problems = plan_from_yaml(text)
    assert plan is None
    assert [p.code for p in problems] == [code]
    assert problems[0].message("ja")


def test_default_plans_result_and_bands():
    catalog = default_catalog()
    office = default_plan("office_worker", catalog)
    assert office.key_result == "inquiries"
    assert office.kpis[0] == KpiChoice("value_posts_per_week", 2.0, 4.0)  # the band, 2–4 a week
    assert all(k.target_max is None for k in office.kpis[1:])
    assert default_plan("homemaker", catalog).key_result == "value_signals"
    assert default_plan("student", catalog).key_result == "peer_advice_requests"
    assert default_plan("freelancer", catalog).key_result == "client_results"


def test_band_target_max_round_trips_and_stays_out_of_other_entries():
    plan = Plan(kpis=[KpiChoice("value_posts_per_week", 2.0, 3.5), KpiChoice("inquiry_rate", 3.0)])
    text = plan_to_yaml(plan)
    assert "target_max: 3.5" in text
    assert text.count("target_max") == 1  # a plain target writes no target_max: older readers see no change
    assert _round_trip(plan).kpis == [KpiChoice("value_posts_per_week", 2.0, 3.5), KpiChoice("inquiry_rate", 3.0)]
    old = plan_from_yaml("kpis:\n- {id: value_posts_per_week, target: 3}\n")[0]
    assert old.kpis == [KpiChoice("value_posts_per_week", 3.0, None)]


def test_check_plan_reports_a_band_whose_high_end_is_below_its_low_end():
    catalog = default_catalog()
    plan = default_plan("office_worker", catalog)
    plan.kpis[0] = KpiChoice("value_posts_per_week", 3.0, 2.0)
    problems = check_plan(plan, catalog)
    assert [(p.path, p.code) for p in problems] == [("kpis[1].target_max", "band_max_below_min")]
    assert problems[0].message("en") == (
        "plan.yaml: kpis[1].target_max: the upper end of the range (2) is below the lower end (3); "
        "make it the same or higher.")
    plan.kpis[0] = KpiChoice("value_posts_per_week", 5.0)  # no own high end: the declared 4 is below 5
    assert [(p.path, p.code) for p in check_plan(plan, catalog)] == [("kpis[1].target_max", "band_max_below_min")]
    plan.kpis[0] = KpiChoice("value_posts_per_week", 3.0, 3.0)  # a band of one value is fine
    assert check_plan(plan, catalog) == []


def test_plan_kpis_carry_the_chosen_band():
    from kpi_core.report import plan_kpis

    catalog = default_catalog()
    plan = default_plan("office_worker", catalog)
    plan.kpis = [KpiChoice("value_posts_per_week", 1.0, 3.0), KpiChoice("inquiry_rate", 2.0, 9.0)]
    (posts, low), (rate, target) = plan_kpis(plan, catalog)
    assert (posts.direction, low, posts.target_max) == ("band", 1.0, 3.0)
    assert (rate.direction, target, rate.target_max) == ("higher", 2.0, None)  # not a band: no high end
    plan.kpis = [KpiChoice("value_posts_per_week", 2.0)]
    assert plan_kpis(plan, catalog)[0][0].target_max == 4.0  # the declared high end
    assert catalog.kpi("value_posts_per_week").target_max == 4.0  # the catalog's KPI is left as it was


def test_check_plan_against_catalog():
    catalog = default_catalog()
    plan = default_plan("homemaker", catalog)
    plan.kpis.append(KpiChoice("value_posts_per_week", 3))  # an office-worker KPI
    assert [(p.path, p.code) for p in check_plan(plan, catalog)] == [("kpis[5].id", "unknown_kpi")]
    plan.persona_id = "astronaut"
    problems = check_plan(plan, catalog)
    assert [(p.path, p.code) for p in problems] == [("persona_id", "unknown_persona")]
    assert "office_worker" in problems[0].message("en")


# ---------------------------------------------------------------- sentences


def test_statement_sentence_in_both_languages():
    assert statement_sentence(EXAMPLE, "ja") == "20代女性の転職不安を、実体験に基づくアドバイスで解決する"
    english = ValueStatement(person="women in their twenties", problem="job-change anxiety",
                             solution="advice from my own experience")
    assert statement_sentence(english, "en") == (
        "I solve job-change anxiety for women in their twenties through advice from my own experience")
    for lang in LANGS:
        sentence = statement_sentence(Plan(statement=EXAMPLE), lang)
        for part in (EXAMPLE.person, EXAMPLE.problem, EXAMPLE.solution):
            assert part in sentence


def test_sentence_trims_particles_the_template_already_has():
    typed = ValueStatement(person="20代女性の", problem="転職不安を", solution="実体験に基づくアドバイスで。")
    assert statement_sentence(typed, "ja") == statement_sentence(EXAMPLE, "ja")


def test_parts_typed_as_clauses_read_as_japanese():
    # Answers typed as clauses (a verb or adjective at the end) get a noun before の/を/で.
    typed = ValueStatement(person="子育てで時間がない", problem="お店のピアスは普段着に合わない",
                           solution="樹脂と布で作るピアスを提案する")
    assert statement_sentence(typed, "ja") == (
        "子育てで時間がない人の「お店のピアスは普段着に合わない」という悩みを、樹脂と布で作るピアスを提案することで解決する")
    assert custom_kpi_name(typed, "ja").endswith("提案することで解消した回数")
    assert "という悩み" not in statement_sentence(typed, "en")  # English reads the answers as typed


def test_blank_parts_show_what_is_missing():
    for lang in LANGS:
        sentence = statement_sentence(ValueStatement(problem="転職不安"), lang)
        assert "転職不安" in sentence
        assert "(" in sentence  # placeholders for whom and how
    assert statement_sentence(ValueStatement(), "en") == "I solve (what problem) for (whom) through (how)"


def test_custom_kpi_name():
    assert custom_kpi_name(EXAMPLE, "ja") == "20代女性の転職不安を、実体験に基づくアドバイスで解消した回数"
    assert custom_kpi_name(EXAMPLE, "en") == (
        "Times I resolved 転職不安 for 20代女性 with 実体験に基づくアドバイス")
    edited = ValueStatement(person="20代女性", problem="転職不安", custom_kpi=" 応募できた人数 ")
    for lang in LANGS:
        assert custom_kpi_name(edited, lang) == "応募できた人数"
        assert custom_kpi_name(Plan(statement=edited), lang) == "応募できた人数"


# ---------------------------------------------------------------- end-of-cycle decisions

from kpi_core.plan import CYCLE_DECISIONS, CycleDecision  # noqa: E402


def test_cycle_decisions_round_trip():
    plan = Plan(statement=ValueStatement(person="30代の営業職"), cycle_decisions=[
        CycleDecision(1, "rewrite", datetime.date(2025, 3, 24), EXAMPLE),
        CycleDecision(2, "keep", datetime.date(2025, 6, 16)),
        CycleDecision(3, "change_kpis"),
    ])
    text = plan_to_yaml(plan)
    assert "20代女性" in text and 'decision: "rewrite"' in text
    assert _round_trip(plan) == plan
    assert CYCLE_DECISIONS == ("keep", "rewrite", "change_kpis")
    assert _round_trip(Plan()).cycle_decisions == []


@settings(max_examples=100, deadline=None)
@given(st.lists(st.builds(CycleDecision, cycle=st.integers(1, 50), decision=st.sampled_from(CYCLE_DECISIONS),
                          week=st.none() | _DATE,
                          previous_statement=st.none() | st.builds(
                              ValueStatement, **{f.name: _TEXT for f in fields(ValueStatement)})),
                max_size=4))
def test_any_cycle_decisions_round_trip(decisions):
    plan = Plan(cycle_decisions=decisions)
    assert _round_trip(plan) == plan


def test_hand_typed_cycle_decision_is_read():
    plan, problems = plan_from_yaml("cycle_decisions:\n- {cycle: 1, decision: keep, week: 2025-03-24}\n")
    assert problems == []
    assert plan.cycle_decisions == [CycleDecision(1, "keep", datetime.date(2025, 3, 24))]


@pytest.mark.parametrize("text, path, code", [
    ("cycle_decisions:\n- {cycle: 1, decision: stop}\n", "cycle_decisions[1].decision", "unknown_decision"),
    ("cycle_decisions:\n- {cycle: 1, decision: 3}\n", "cycle_decisions[1].decision", "unknown_decision"),
    ("cycle_decisions:\n- {cycle: 0, decision: keep}\n", "cycle_decisions[1].cycle", "not_positive"),
    ("cycle_decisions:\n- {cycle: one, decision: keep}\n", "cycle_decisions[1].cycle", "expected_integer"),
    ("cycle_decisions:\n- {decision: keep}\n", "cycle_decisions[1].cycle", "missing_key"),
    ("cycle_decisions:\n- {cycle: 1, decision: keep, week: soon}\n", "cycle_decisions[1].week", "bad_date"),
    ("cycle_decisions:\n- {cycle: 1, decision: keep, why: x}\n", "cycle_decisions[1].why", "unknown_key"),
    ("cycle_decisions:\n- {cycle: 1, decision: rewrite, previous_statement: {person: 30}}\n",
     "cycle_decisions[1].previous_statement.person", "expected_string"),
    ("cycle_decisions: keep\n", "cycle_decisions", "expected_list"),
])
def test_cycle_decision_mistakes_are_reported(text, path, code):
    plan, problems = plan_from_yaml(text, "my_plan.yaml")
    assert plan is not None
    assert [(p.path, p.code) for p in problems] == [(path, code)]
    for lang in LANGS:
        assert problems[0].message(lang).startswith(f"my_plan.yaml: {path}: ")


def test_a_bad_decision_names_the_choices_and_leaves_the_others():
    text = "cycle_decisions:\n- {cycle: 1, decision: stop}\n- {cycle: 2, decision: keep}\n"
    plan, problems = plan_from_yaml(text)
    assert plan.cycle_decisions == [CycleDecision(2, "keep")]
    assert problems[0].message("en") == (
        'plan.yaml: cycle_decisions[1].decision: there is no decision "stop". Decisions: keep, rewrite, change_kpis')
    assert problems[0].message("ja") == (
        "plan.yaml: cycle_decisions[1].decision: "
        "「stop」という決め方はありません。使えるのは keep, rewrite, change_kpis です。")


@pytest.mark.parametrize("goal", [None, 0, 200_000])
def test_monthly_income_goal_round_trip(goal):
    plan = Plan(persona_id="freelancer", monthly_income_goal=goal)
    text = plan_to_yaml(plan)
    assert f"monthly_income_goal: {'null' if goal is None else goal}" in text
    assert _round_trip(plan) == plan
    assert check_plan(plan, default_catalog()) == []


def test_a_plan_without_the_goal_key_has_no_goal():
    text = "\n".join(line for line in plan_to_yaml(Plan(monthly_income_goal=5)).splitlines()
                     if not line.startswith("monthly_income_goal"))
    loaded, problems = plan_from_yaml(text)
    assert (loaded.monthly_income_goal, problems) == (None, [])


@pytest.mark.parametrize(("written", "code"), [("-5000", "negative"), ("1.5", "expected_integer"),
                                               ("'lots'", "expected_integer"), ("true", "expected_integer")])
def test_a_bad_income_goal_is_reported_and_means_no_goal(written, code):
    text = plan_to_yaml(Plan(monthly_income_goal=1))
    text = text.replace("monthly_income_goal: 1", f"monthly_income_goal: {written}")
    loaded, problems = plan_from_yaml(text)
    assert loaded.monthly_income_goal is None
    assert [(p.path, p.code) for p in problems] == [("monthly_income_goal", code)]


@pytest.mark.parametrize("goal", [-1, 1.5, True, "200000"])
def test_check_plan_wants_a_whole_number_of_yen_of_zero_or_more(goal):
    problems = check_plan(Plan(monthly_income_goal=goal), default_catalog())
    assert [(p.path, p.code) for p in problems] == [("monthly_income_goal", "bad_income_goal")]
    for lang in LANGS:
        assert str(goal) in problems[0].message(lang)


# ---------------------------------------------------------------- where the define page reopens; short names

from kpi_core.plan import SHORT_NAME_CHARS, custom_kpi_short_name, short_name  # noqa: E402


@pytest.mark.parametrize("step", [1, 5])
def test_the_define_step_reached_round_trips(step):
    plan = Plan(define_step=step)
    assert f"define_step: {step}" in plan_to_yaml(plan)
    assert _round_trip(plan) == plan


def test_a_plan_at_the_first_step_writes_no_step_and_reads_as_before():
    assert "define_step" not in plan_to_yaml(Plan())
    assert plan_from_yaml(plan_to_yaml(Plan()))[0].define_step == 0


@pytest.mark.parametrize(("written", "code"), [("-1", "negative"), ("'two'", "expected_integer"),
                                               ("1.5", "expected_integer")])
def test_a_bad_define_step_is_reported_and_reopens_the_first_step(written, code):
    text = plan_to_yaml(Plan(define_step=2)).replace("define_step: 2", f"define_step: {written}")
    loaded, problems = plan_from_yaml(text)
    assert loaded.define_step == 0
    assert [(p.path, p.code) for p in problems] == [("define_step", code)]


def test_a_long_name_is_cut_to_24_characters_with_an_ellipsis():
    assert SHORT_NAME_CHARS == 24
    assert short_name("応募できた人数") == "応募できた人数"
    assert short_name("あ" * 24) == "あ" * 24  # exactly the limit: whole
    assert short_name("あ" * 25) == "あ" * 23 + "…"
    assert short_name("  padded  ") == "padded"
    assert short_name("Times I resolved the job worries", 10) == "Times I r…"
    assert short_name("Times I resolved", 9) == "Times I…"  # no space left before the ellipsis


@pytest.mark.parametrize("lang", LANGS)
def test_the_generated_custom_kpi_name_is_shown_cut_and_kept_whole(lang):
    long = ValueStatement(person="育休から復帰したばかりで、朝の支度と夕飯作りが回らない30代の共働きのママ",
                          problem="家事が回らず自分を責めてしまう",
                          solution="3人の子育てで試してきた時短家事を手順つきで伝えること")
    full = custom_kpi_name(long, lang)
    assert len(full) > 60
    shown = custom_kpi_short_name(long, lang)
    assert len(shown) == SHORT_NAME_CHARS and shown.endswith("…") and full.startswith(shown[:-1])
    assert custom_kpi_short_name(EXAMPLE, lang) == short_name(custom_kpi_name(EXAMPLE, lang))


# ---------------------------------------------------------------- the emitter

import dataclasses  # noqa: E402

import yaml  # noqa: E402

from kpi_core import plan as plan_module  # noqa: E402


@given(st.text(max_size=40))
@settings(max_examples=200, deadline=None)
def test_libyamls_emitter_writes_the_plan_exactly_as_the_pure_python_one(text):
    """plan_to_yaml uses libyaml's emitter for speed; stored plans were written by PyYAML's own: the same text
    (line breaks, NEL, BOM, controls, YAML 1.1 words) must come out the same, or a stored plan would look changed."""

    class PurePython(yaml.SafeDumper):
        pass

    PurePython.add_representer(plan_module._Quoted, lambda dumper, data: dumper.represent_scalar(
        "tag:yaml.org,2002:str", str(data), style='"'))
    catalog = default_catalog()
    plan = default_plan(catalog.personas["office_worker"], catalog)
    plan = dataclasses.replace(plan, statement=dataclasses.replace(plan.statement, person=text, problem=text * 2))
    fast = plan_to_yaml(plan)
    original = plan_module._PlanDumper
    try:
        plan_module._PlanDumper = PurePython
        assert plan_to_yaml(plan) == fast
    finally:
        plan_module._PlanDumper = original
    assert plan_from_yaml(fast)[0] == plan
