"""Tests for kpi_core.coaching: the rule table walked in both languages, and one synthetic log per pattern."""

import string
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from kpi_core.coaching import RULES, RULES_BY_ID, SEVERITIES, CoachingMessage, Weeks, coach, show, vanity_headers
from kpi_core.messages import LANGS, catalog
from kpi_core.metrics import weekly_metrics
from kpi_core.reader import FileReport, IgnoredColumn

BUDGET = 300
START = date(2025, 1, 6)  # a Monday


def week(posts=3, replies=2, *, post_minutes=40, reply_minutes=15, post_reactions=6, reply_reactions=2,
         post_quality=4, reply_quality=3, inquiries=1, thanks=1):
    """One week of rows (category, minutes, reactions, quality, inquiries, thanks); counts go on the posts."""
    rows = [("post", post_minutes, post_reactions, post_quality, int(i < inquiries), int(i < thanks))
            for i in range(posts)]
    rows += [("reply", reply_minutes, reply_reactions, reply_quality, 0, 0) for _ in range(replies)]
    return rows


HEALTHY = week()  # 150 minutes, 5 actions, 21 reactions, rating 3.6, 1 inquiry, 1 thanks


def log_of(weeks):
    """A canonical log from a list of weeks; week i starts at START + 7i, rows a day apart from Monday."""
    records = [(START + timedelta(days=7 * i + j % 7), *row) for i, rows in enumerate(weeks) for j, row in
               enumerate(rows)]
    return pd.DataFrame({
        "date": pd.to_datetime([r[0] for r in records]).astype("datetime64[ns]"),
        "action": [r[1] for r in records],
        "category": [r[1] for r in records],
        "minutes": [float(r[2]) for r in records],
        "reactions": pd.array([r[3] for r in records], dtype="Int64"),
        "quality": pd.array([r[4] for r in records], dtype="Int64"),
        "inquiries": pd.array([r[5] for r in records], dtype="Int64"),
        "thanks": pd.array([r[6] for r in records], dtype="Int64"),
        "source": "log.csv",
        "source_row": np.arange(2, len(records) + 2, dtype="int64"),
    })


def run(weeks, *, rest_weeks=(), **options):
    report = weekly_metrics(log_of(weeks), budget_minutes=BUDGET, rest_weeks=rest_weeks)
    return coach(report, budget_minutes=BUDGET, rest_weeks=rest_weeks, **options)


def rules(messages, severities=("warning", "praise")):
    return {m.rule for m in messages if m.severity in severities}


# ---------------------------------------------------------------- the scenario suite

TREADMILL = [HEALTHY] * 9 + [week(2, 8, reply_minutes=20, reply_reactions=r, inquiries=0, thanks=0) for r in (2, 3, 4)]
EMPATHY = [HEALTHY] * 9 + [week(4, 1, post_reactions=8, inquiries=0, thanks=0)] * 3
BURNOUT = [HEALTHY] * 9 + [week(5, post_minutes=50), week(6, post_minutes=55, post_quality=3),
                           week(7, post_minutes=60, post_quality=2, reply_quality=2)]
QUALITY = [week(6, post_minutes=30, post_quality=3)] * 11 + [week(3, 0, post_quality=5, inquiries=3)]
STALE = [HEALTHY] * 8 + [week(3, 1, post_reactions=2, reply_reactions=0, inquiries=0, thanks=0)] * 4
REST_LAST = {"rest_weeks": [START + timedelta(weeks=11)]}
COSTLIER = [week(inquiries=2)] * 11 + [week(post_minutes=60, inquiries=2)]
WINDOW = {"window": Weeks(START + timedelta(weeks=9), START + timedelta(weeks=11))}

# rule id -> (log where it must fire, coach options), (a near miss where it must not, options)
SCENARIOS = {
    "interaction_treadmill": ((TREADMILL, {}), (TREADMILL[:-1] + [week(2, 8, reply_minutes=20, reply_reactions=4,
                                                                          inquiries=1, thanks=0)], {})),
    "empathy_without_trust": ((EMPATHY, {}), ([HEALTHY] * 9 + [week(4, 1, post_reactions=1, reply_reactions=0,
                                                                    inquiries=0, thanks=0)] * 3, {})),
    "burnout_risk": ((BURNOUT, {}), (BURNOUT[:10] + [week(6, post_minutes=55), week(7, post_minutes=60)], {})),
    "quality_over_quantity": ((QUALITY, {}), (QUALITY[:11] + [week(3, 0, post_quality=3, inquiries=3)], {})),
    "stale_statement": ((STALE, {}), (STALE[:10] + [week(3, 1, post_reactions=2, reply_reactions=0, inquiries=0)]
                                      + STALE[11:], {})),
    "vanity_drift": (([HEALTHY] * 12, {"vanity_columns": ["フォロワー数", "インプレッション"]}), ([HEALTHY] * 12, {})),
    "not_enough_data": (([HEALTHY] * 2, {}), ([HEALTHY] * 3, {})),
    "rest_week": (([HEALTHY] * 12, REST_LAST), ([HEALTHY] * 12, {})),
    # 75 minutes per inquiry, then 105 (1.4×) in the last week; 82.5 (1.1×) is within the noise.
    "rising_cost": ((COSTLIER, {}), (COSTLIER[:11] + [week(post_minutes=45, inquiries=2)], {})),
    "steady": (([HEALTHY] * 12, {}), (COSTLIER, {})),
}
# What else a scenario shows besides its own rule: healthy weeks are steady whatever info is added.
ALSO = {"vanity_drift": {"steady"}}


def test_every_rule_has_a_scenario_and_a_near_miss():
    assert set(SCENARIOS) == {rule.id for rule in RULES}


@pytest.mark.parametrize("rule_id", list(SCENARIOS))
def test_rule_fires_on_its_scenario(rule_id):
    weeks, options = SCENARIOS[rule_id][0]
    messages = run(weeks, **options)
    assert rule_id in {m.rule for m in messages}
    # A pattern scenario shows that pattern and no other warning or praise.
    expected = {rule_id} if RULES_BY_ID[rule_id].severity != "info" else set()
    assert rules(messages) == expected | ALSO.get(rule_id, set())


@pytest.mark.parametrize("rule_id", list(SCENARIOS))
def test_rule_stays_quiet_on_its_near_miss(rule_id):
    weeks, options = SCENARIOS[rule_id][1]
    assert rule_id not in {m.rule for m in run(weeks, **options)}


def test_a_healthy_twelve_weeks_trigger_no_warning_and_say_what_works():
    messages = run([HEALTHY] * 12)
    assert [m.rule for m in messages] == ["steady"]
    # 3 weeks × (1 inquiry + 1 thanks); 150 minutes per inquiry at both ends.
    assert messages[0].params == {"weeks": 3, "signals": 6, "mpr_from": 150.0, "mpr_to": 150.0, **WINDOW}
    assert messages[0].title("ja") == "この形でうまくいっています"


# ---------------------------------------------------------------- the table, in both languages


def placeholders(text):
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_every_rule_is_declared_in_both_languages(rule):
    assert rule.severity in SEVERITIES
    assert rule.message_key == f"coaching.{rule.id}.message" and rule.next_step_key == f"coaching.{rule.id}.next"
    for lang in LANGS:
        for key in (rule.message_key, rule.next_step_key, f"coaching.{rule.id}.title"):
            assert catalog(lang)[key].strip()
    assert placeholders(catalog("ja")[rule.message_key]) == placeholders(catalog("en")[rule.message_key])


@pytest.mark.parametrize("rule_id", list(SCENARIOS))
def test_messages_render_every_placeholder_from_params(rule_id):
    weeks, options = SCENARIOS[rule_id][0]
    message = next(m for m in run(weeks, **options) if m.rule == rule_id)
    rule = RULES_BY_ID[rule_id]
    assert placeholders(catalog("ja")[rule.message_key]) <= set(message.params)
    assert placeholders(catalog("en")[rule.next_step_key]) <= set(message.params)
    for lang in LANGS:
        assert "{" not in message.message(lang) and message.next_step(lang)


def test_yields_only_to_rules_listed_before():
    seen = set()
    for rule in RULES:
        assert set(rule.yields_to) <= seen
        seen.add(rule.id)


def test_rules_are_frozen_and_ids_unique():
    assert len(RULES_BY_ID) == len(RULES)
    with pytest.raises(AttributeError):
        RULES[0].id = "other"


# ---------------------------------------------------------------- the numbers quoted


def test_treadmill_quotes_its_numbers():
    message = next(m for m in run(TREADMILL) if m.rule == "interaction_treadmill")
    assert message.week_start == START + timedelta(weeks=11)
    # 3 weeks × (2 posts + 8 replies); 2×40 + 8×20 = 240 minutes a week; reactions 2×6 + 8×r for r = 2, 4.
    assert message.params == {"weeks": 3, "exchanges": 24, "actions": 30, "share": 80, "minutes": 720,
                              "reactions_from": 28, "reactions_to": 44, **WINDOW}
    assert "24件(80%)" in message.message("ja") and "720分" in message.message("ja")
    assert "24 (80%)" in message.message("en")


def test_empathy_quotes_reactions():
    message = next(m for m in run(EMPATHY) if m.rule == "empathy_without_trust")
    assert message.params == {"weeks": 3, "reactions": 102, **WINDOW}  # (4×8 + 2) × 3


def test_burnout_quotes_minutes_budget_and_rating():
    message = next(m for m in run(BURNOUT) if m.rule == "burnout_risk")
    # week 12: 7×60 + 2×15 = 450 minutes; rating (5×4 + 2×3)/7 = 3.71 in week 10, 2.0 in week 12.
    assert message.params == {"minutes": 450, "budget": 300, "over": 150, "rating_from": 3.7, "rating_to": 2.0,
                              **WINDOW}
    assert "450分" in message.message("ja") and "3.7から2.0" in message.message("ja")


def test_quality_over_quantity_quotes_the_change():
    message = next(m for m in run(QUALITY) if m.rule == "quality_over_quantity")
    # before: 8 actions, rating 3, 2 inquiries in 2 × 210 minutes; now 3 posts, rating 5, 3 inquiries in 120.
    assert message.params == {"weeks": 2, "actions_from": 8, "actions_to": 3, "rating_from": 3.0,
                              "rating_to": 5.0, "per_hour_from": 0.29, "per_hour_to": 1.5, **WINDOW}
    assert message.severity == "praise"


def test_stale_statement_quotes_the_effort():
    message = next(m for m in run(STALE) if m.rule == "stale_statement")
    assert message.params == {"weeks": 4, "actions": 16, "minutes": 540,  # 4 × (3×40 + 15)
                              "window": Weeks(START + timedelta(weeks=8), START + timedelta(weeks=11))}


def test_as_dict_is_the_json_form():
    message = next(m for m in run(STALE) if m.rule == "stale_statement")
    assert message.as_dict("en") == {
        "rule": "stale_statement", "week_start": "2025-03-24", "severity": "warning",
        "message": "In the last 4 weeks (weeks of Mar 3 – Mar 24, 2025), 16 actions and 540 minutes "
                   "brought no value signal at all: no inquiry, consultation, thanks, problem-solved note or any "
                   "other signal your persona counts.",
    }
    assert message.as_dict()["message"].startswith("直近4週")  # the language given to coach, ja by default


def test_vanity_columns_are_quoted_in_each_language():
    message = next(m for m in run([HEALTHY] * 12, vanity_columns=["フォロワー数", "フォロワー数", "impressions"])
                   if m.rule == "vanity_drift")
    assert message.params == {"columns": ["フォロワー数", "impressions"]}
    assert "「フォロワー数」「impressions」" in message.message("ja")
    assert "“フォロワー数”, “impressions”" in message.message("en")


def test_vanity_headers_come_from_the_reader_reports():
    reports = [FileReport("a.csv", ignored_columns=[IgnoredColumn("フォロワー数", "vanity"),
                                                      IgnoredColumn("謎の列", "unknown")]),
               FileReport("b.csv", ignored_columns=[IgnoredColumn("フォロワー数", "vanity")])]
    assert vanity_headers(reports) == ["フォロワー数"]


def test_not_enough_data_quotes_weeks_and_holds_back():
    messages = run(BURNOUT[-2:])  # two weeks, the second over budget with a falling rating
    assert [(m.rule, m.params) for m in messages] == [("not_enough_data", {"weeks": 2, "needed": 3})]
    assert "2週分" in messages[0].message("ja")


def test_show_formats_numbers_dates_and_lists():
    assert show(1200) == "1,200" and show(3.0) == "3.0" and show(40.0) == "40" and show(0.29) == "0.29"
    assert show(date(2025, 3, 3), "ja") == "2025年3月3日" and show(date(2025, 3, 3), "en") == "Mar 3, 2025"
    assert show(None) == "—" and show(float("nan"), "en") == "—"


def test_a_span_of_weeks_names_its_year_once():
    same = Weeks(date(2025, 3, 3), date(2025, 3, 24))
    assert show(same, "ja") == "2025年3月3日〜3月24日" and show(same, "en") == "Mar 3 – Mar 24, 2025"
    across = Weeks(date(2024, 12, 23), date(2025, 1, 6))
    assert show(across, "ja") == "2024年12月23日〜2025年1月6日"
    assert show(across, "en") == "Dec 23, 2024 – Jan 6, 2025"


def test_steady_without_a_result_at_either_end_says_what_arrived_not_a_cost():
    weeks = [HEALTHY] * 9 + [week(inquiries=0), HEALTHY, HEALTHY]  # week 10: thanks but no inquiry
    message = next(m for m in run(weeks) if m.rule == "steady")
    assert message.params == {"case": "signals_only", "weeks": 3, "signals": 5, **WINDOW}
    assert "—" not in message.message("ja") and "15件" not in message.message("ja")


def test_one_result_more_or_less_is_not_a_rising_cost():
    # 150 → 210 minutes per inquiry (1.4×) counts only with two inquiries or more at both ends.
    assert "rising_cost" in {m.rule for m in run(COSTLIER)}  # 75 → 105 minutes per inquiry, two a week
    one = [week(inquiries=2)] * 9 + [week(inquiries=1), week(inquiries=2), week(post_minutes=60, inquiries=1)]
    assert "rising_cost" not in {m.rule for m in run(one)}


# ---------------------------------------------------------------- rest weeks


def test_a_rest_week_is_acknowledged_and_never_judged():
    # The burnout week declared as rest: only the acknowledgement, no warning.
    messages = run(BURNOUT, **REST_LAST)
    assert [(m.rule, m.severity) for m in messages] == [("rest_week", "info")]
    assert messages[0].params == {"week": date(2025, 3, 24)}
    assert "2025年3月24日からの週" in messages[0].message("ja")


def test_rest_week_given_to_coach_only_is_still_rest():
    report = weekly_metrics(log_of(BURNOUT), budget_minutes=BUDGET)
    messages = coach(report, budget_minutes=BUDGET, rest_weeks=[date(2025, 3, 27)])  # a Thursday of week 12
    assert [m.rule for m in messages] == ["rest_week"]


def test_rest_weeks_do_not_count_as_weeks_without_value():
    quiet = week(3, 1, post_reactions=2, reply_reactions=0, inquiries=0, thanks=0)
    weeks = [HEALTHY] * 8 + [quiet, week(0, 1, inquiries=0, thanks=0), quiet, quiet]
    assert "stale_statement" in rules(run(weeks))
    # Declared rest, week 10 drops out of the window, which then reaches back to a week with value.
    assert "stale_statement" not in rules(run(weeks, rest_weeks=[START + timedelta(weeks=9)]))


def test_rest_weeks_do_not_count_towards_enough_data():
    messages = run([HEALTHY] * 3, rest_weeks=[START + timedelta(weeks=1)])
    assert [(m.rule, m.params) for m in messages] == [("not_enough_data", {"weeks": 2, "needed": 3})]


# ---------------------------------------------------------------- the week under review


def test_an_earlier_week_is_judged_on_the_weeks_up_to_it():
    report = weekly_metrics(log_of(BURNOUT + [HEALTHY] * 2), budget_minutes=BUDGET)
    # Two calmer weeks later the burnout is over (and the recovery earns praise).
    assert rules(coach(report, budget_minutes=BUDGET)) == {"quality_over_quantity"}
    messages = coach(report, budget_minutes=BUDGET, week=date(2025, 3, 26))
    assert [m.rule for m in messages] == ["burnout_risk"] and messages[0].week_start == date(2025, 3, 24)


def test_min_weeks_is_the_callers_choice():
    assert rules(run(BURNOUT[-2:], min_weeks=2)) == {"burnout_risk"}


def test_unknown_counts_are_not_zero():
    log = log_of(STALE)
    log["inquiries"] = pd.array([pd.NA] * len(log), dtype="Int64")
    log["thanks"] = pd.array([pd.NA] * len(log), dtype="Int64")
    report = weekly_metrics(log, budget_minutes=BUDGET, key_result="inquiries")
    assert "stale_statement" not in rules(coach(report, budget_minutes=BUDGET))


def test_empty_report_gives_no_message_and_bad_input_raises():
    report = weekly_metrics(log_of([]), budget_minutes=BUDGET)
    assert coach(report, budget_minutes=BUDGET) == []
    with pytest.raises(ValueError):
        coach(report, budget_minutes=0)
    with pytest.raises(ValueError):
        coach(report, budget_minutes=BUDGET, min_weeks=0)


def test_message_is_data_rendered_late():
    message = CoachingMessage("not_enough_data", date(2025, 1, 6), "info", {"weeks": 1, "needed": 3}, "en")
    assert message.message() == message.message("en") != message.message("ja")
    assert message.title("ja") == "判断には記録が足りません" and message.title() == "Not enough data yet"


# ---------------------------------------------------------------- burnout: chronic overload and fatigue

from kpi_core.coaching import OVERLOAD_RATIO, OVERLOAD_WEEKS  # noqa: E402


def overwork(minutes):
    """An office worker's heavy week: 5 long posts and a 15-minute reply, rating steady at 23/6 = 3.8."""
    return week(5, 1, post_minutes=(minutes - 15) / 5, reply_minutes=15)


OVERWORK = [overwork(m) for m in (510, 505, 525, 520)]  # the office-worker sample's first four weeks


def burnout(report, at: int):
    """The burnout message for week `at` (0-based) of the report, or None."""
    messages = coach(report, budget_minutes=BUDGET, week=START + timedelta(weeks=at))
    return next((m for m in messages if m.rule == "burnout_risk"), None)


def quoted(message, *names):
    return {name: message.params[name] for name in names}


def test_overload_constants():
    assert (OVERLOAD_RATIO, OVERLOAD_WEEKS) == (1.5, 3)


def test_chronic_overload_fires_at_the_third_heavy_week_and_not_before():
    report = weekly_metrics(log_of([HEALTHY] * 3 + OVERWORK), budget_minutes=BUDGET)
    assert report.weeks["quality_mean"].round(2).tolist()[3:] == [3.83] * 4  # the rating holds
    assert burnout(report, 3) is None  # the first heavy week
    assert burnout(report, 4) is None  # the second
    message = burnout(report, 5)  # the third: 510, 505, 525 against 450 = 1.5 × 300
    assert quoted(message, "case", "weeks", "least", "minutes", "budget", "limit") == {
        "case": "overload", "weeks": 3, "least": 505, "minutes": 525, "budget": 300, "limit": 450}
    assert quoted(burnout(report, 6), "least", "minutes") == {"least": 505, "minutes": 520}


def test_chronic_overload_fires_as_soon_as_coaching_has_three_weeks():
    report = weekly_metrics(log_of(OVERWORK), budget_minutes=BUDGET)
    # Judged from the second week on (min_weeks=2), two heavy weeks are not yet a run.
    assert "burnout_risk" not in {m.rule for m in coach(report, budget_minutes=BUDGET, min_weeks=2,
                                                          week=START + timedelta(weeks=1))}
    assert burnout(report, 2) is not None


def test_overload_at_exactly_one_and_a_half_budgets_fires_and_just_under_does_not():
    exactly = weekly_metrics(log_of([HEALTHY] * 3 + [overwork(450)] * 3), budget_minutes=BUDGET)
    assert exactly.weeks["minutes"].tolist()[3:] == [450.0] * 3
    assert quoted(burnout(exactly, 5), "case", "least") == {"case": "overload", "least": 450}
    under = weekly_metrics(log_of([HEALTHY] * 3 + [overwork(450), overwork(449), overwork(450)]),
                           budget_minutes=BUDGET)
    assert burnout(under, 5) is None  # over budget, rating steady, no tiredness said: nothing else fires


def test_a_declared_rest_week_is_skipped_and_an_empty_week_breaks_the_run():
    rest = START + timedelta(weeks=5)
    heavy = [HEALTHY] * 3 + OVERWORK[:2] + [overwork(600), OVERWORK[2]]
    report = weekly_metrics(log_of(heavy), budget_minutes=BUDGET, rest_weeks=[rest])
    assert quoted(burnout(report, 6), "weeks", "least", "minutes") == {"weeks": 3, "least": 505, "minutes": 525}
    gap = weekly_metrics(log_of([HEALTHY] * 3 + OVERWORK[:2] + [[], OVERWORK[2]]), budget_minutes=BUDGET)
    assert burnout(gap, 6) is None


def test_the_person_saying_they_are_tired_while_over_budget_fires():
    tired_week = START + timedelta(weeks=3)
    log = log_of([HEALTHY] * 3 + [overwork(360)])  # over the budget, under 1.5 ×, rating steady
    for answer, fires in ((4, True), (5, True), (3, False), (None, False)):
        fatigue = {} if answer is None else {tired_week: answer}
        message = burnout(weekly_metrics(log, budget_minutes=BUDGET, fatigue=fatigue), 3)
        assert (message is not None) == fires, answer
        if fires:
            assert quoted(message, "case", "fatigue", "minutes", "budget", "over") == {
                "case": "tired", "fatigue": answer, "minutes": 360, "budget": 300, "over": 60}
    within = weekly_metrics(log_of([HEALTHY] * 4), budget_minutes=BUDGET, fatigue={tired_week: 5})
    assert burnout(within, 3) is None  # tired, but within the budget: the index shows it, no warning


def test_each_burnout_case_says_which_it_is_in_both_languages():
    overload = burnout(weekly_metrics(log_of(OVERWORK[:3]), budget_minutes=BUDGET), 2)
    tired = burnout(weekly_metrics(log_of([HEALTHY] * 3 + [overwork(360)]), budget_minutes=BUDGET,
                                   fatigue={START + timedelta(weeks=3): 5}), 3)
    falling = next(m for m in run(BURNOUT) if m.rule == "burnout_risk")
    assert "case" not in falling.params  # the rating-falls case keeps the rule's own message
    for message, key in ((overload, "coaching.burnout_risk.message.overload"),
                         (tired, "coaching.burnout_risk.message.tired")):
        assert placeholders(catalog("ja")[key]) == placeholders(catalog("en")[key]) <= set(message.params)
        for lang in LANGS:
            assert message.message(lang) != falling.message(lang) and "{" not in message.next_step(lang)
    assert "525分" in overload.message("ja") and "300分" in overload.message("ja")
    assert "450分" in overload.message("ja") and "1.5倍" in overload.message("ja")
    assert "525 this week" in overload.message("en") and "budget of 300" in overload.message("en")
    assert "疲れ具合は5" in tired.message("ja") and "360分" in tired.message("ja") and "60分" in tired.message("ja")
    assert "(5, where 5 is worn out)" in tired.message("en")


def test_the_office_worker_samples_overload_is_named_as_soon_as_coaching_speaks():
    from kpi_core.demo import demo_log, demo_plan
    from kpi_core.personas import default_catalog
    from kpi_core.report import report_for_plan

    plan = demo_plan("office_worker")
    report = report_for_plan(demo_log("office_worker"), plan, default_catalog())
    budget = plan.weekly_budget_minutes
    assert (report.weeks["minutes"].iloc[:3] >= OVERLOAD_RATIO * budget).all()  # the story's daily-posting weeks
    found = [coach(report, budget_minutes=budget, week=w.date()) for w in report.weeks["week_start"].iloc[:3]]
    assert ["burnout_risk" in {m.rule for m in messages} for messages in found] == [False, False, True]
    assert next(m for m in found[2] if m.rule == "burnout_risk").params["case"] == "overload"


def test_a_quarter_more_minutes_per_result_exactly_is_a_rising_cost():
    # 160 minutes for 2 inquiries (80 each), then 200 (100 each): exactly 1.25 times.
    before = week(inquiries=2, post_minutes=50, reply_minutes=5)
    at_the_limit = [before] * 11 + [week(inquiries=2, post_minutes=60, reply_minutes=10)]
    message = next(m for m in run(at_the_limit) if m.rule == "rising_cost")
    assert (message.params["mpr_from"], message.params["mpr_to"]) == (80.0, 100.0)
    just_under = [before] * 11 + [week(inquiries=2, post_minutes=60, reply_minutes=9.5)]  # 199 → 99.5
    assert "rising_cost" not in {m.rule for m in run(just_under)}


def test_three_quiet_weeks_are_not_called_steady():
    quiet = week(inquiries=0, thanks=0, post_reactions=1, reply_reactions=0)  # known zeros, few reactions
    assert run([HEALTHY] * 9 + [quiet] * 3) == []


# ---------------------------------------------------------------- thresholds at their exact values (issue 13)

QUIET = {"inquiries": 0, "thanks": 0}


def patterns(weeks, **options):
    return {m.rule: m.params for m in run(weeks, **options) if m.severity != "info"}


def test_reactions_rise_from_a_fifth_more_and_not_below():
    # 3 posts and 7 replies a week (70 % exchanges); reactions 30 → 36 is exactly 1.2 ×, 30 → 35 is not.
    first = week(3, 7, post_reactions=3, reply_reactions=3, **QUIET)  # 30
    exactly = week(3, 7, post_reactions=5, reply_reactions=3, **QUIET)  # 36
    under = week(3, 7, post_reactions=7, reply_reactions=2, **QUIET)  # 35
    found = patterns([HEALTHY] * 9 + [first, first, exactly])
    assert set(found) == {"interaction_treadmill"}
    assert (found["interaction_treadmill"]["reactions_from"], found["interaction_treadmill"]["reactions_to"]) == (
        30, 36)
    assert set(patterns([HEALTHY] * 9 + [first, first, under])) == {"empathy_without_trust"}


def test_no_reactions_at_all_is_not_a_rise():
    # 0 → 0 is "at least 1.2 × the first week" but not a rise: the treadmill needs more attention, not none.
    assert patterns([HEALTHY] * 9 + [week(2, 8, post_reactions=0, reply_reactions=0, **QUIET)] * 3) == {}


def test_exchanges_from_half_the_actions_and_not_below():
    def weeks(posts, replies):
        return [HEALTHY] * 9 + [week(posts, replies, post_reactions=r, reply_reactions=r, **QUIET) for r in (3, 3, 4)]

    found = patterns(weeks(5, 5))  # 15 replies of 30 actions: exactly half
    assert set(found) == {"interaction_treadmill"}
    assert (found["interaction_treadmill"]["exchanges"], found["interaction_treadmill"]["share"]) == (15, 50)
    assert set(patterns(weeks(6, 4))) == {"empathy_without_trust"}  # 12 of 30: under half


def test_burnout_needs_the_week_over_the_budget_not_at_it():
    # The rating falls from 3.7 to 2.0 both times; 5 × 54 + 2 × 15 = 300 minutes is the budget itself.
    def falling(post_minutes):
        return [HEALTHY] * 9 + [week(5, post_minutes=54), week(5, post_minutes=54, post_quality=3),
                                week(5, post_minutes=post_minutes, post_quality=2, reply_quality=2)]

    assert "burnout_risk" not in patterns(falling(54))
    found = patterns(falling(54.2))  # 301 minutes
    assert found["burnout_risk"] == {"minutes": 301, "budget": 300, "over": 1, "rating_from": 3.7,
                                     "rating_to": 2.0, **WINDOW}


def test_a_rating_falling_by_half_a_point_is_a_fall_and_less_is_not():
    steady = week(4, 0, post_minutes=80, post_quality=4)  # 320 minutes, rating 4.0
    half = [("post", 80, 6, 4, 1, 1)] * 2 + [("post", 80, 6, 3, 1, 1)] * 2  # 320 minutes, rating 3.5
    less = [("post", 80, 6, 4, 1, 1)] * 3 + [("post", 80, 6, 3, 1, 1)] * 2  # 400 minutes, rating 3.6
    found = patterns([HEALTHY] * 9 + [steady, steady, half])
    assert (found["burnout_risk"]["rating_from"], found["burnout_risk"]["rating_to"]) == (4.0, 3.5)
    assert "burnout_risk" not in patterns([HEALTHY] * 9 + [steady, steady, less])


def test_ten_reactions_a_week_without_trust_is_empathy_and_nine_is_not():
    ten = week(4, 1, post_reactions=2, reply_reactions=2, **QUIET)
    nine = week(4, 1, post_reactions=2, reply_reactions=1, **QUIET)
    assert patterns([HEALTHY] * 9 + [ten] * 3) == {"empathy_without_trust": {"weeks": 3, "reactions": 30, **WINDOW}}
    assert patterns([HEALTHY] * 9 + [ten, ten, nine]) == {}


def test_a_declared_rest_week_without_activity_does_not_break_an_overload_run():
    rest = START + timedelta(weeks=5)
    heavy = [HEALTHY] * 3 + OVERWORK[:2] + [[], OVERWORK[2]]  # week 5: nothing done, declared rest
    report = weekly_metrics(log_of(heavy), budget_minutes=BUDGET, rest_weeks=[rest])
    assert quoted(burnout(report, 6), "case", "weeks", "least") == {"case": "overload", "weeks": 3, "least": 505}


def test_a_rest_week_given_to_coach_only_is_skipped_by_an_overload_run():
    # Week 5 is a light week the person calls rest when asking for coaching (the report does not know it).
    report = weekly_metrics(log_of([HEALTHY] * 3 + OVERWORK[:2] + [HEALTHY, OVERWORK[2]]), budget_minutes=BUDGET)
    messages = coach(report, budget_minutes=BUDGET, week=START + timedelta(weeks=6),
                     rest_weeks=[START + timedelta(weeks=5)])
    assert [(m.rule, m.params["case"], m.params["least"]) for m in messages] == [("burnout_risk", "overload", 505)]


def test_a_report_without_rest_flags_reads_as_no_rest_week():
    import dataclasses

    report = weekly_metrics(log_of([HEALTHY] * 3 + OVERWORK[:3]), budget_minutes=BUDGET)
    bare = dataclasses.replace(report, weeks=report.weeks.drop(columns="rest"))  # a report built by hand
    assert quoted(burnout(bare, 5), "case", "weeks") == {"case": "overload", "weeks": 3}


def test_a_week_without_activity_is_not_judged_on_the_weeks_before_it():
    # Coaching asked for week 12, which has no action: no praise, no warning borrowed from week 11.
    gap = START + timedelta(weeks=12)
    for weeks in (QUALITY, [HEALTHY] * 12, BURNOUT):
        assert patterns(weeks + [[], HEALTHY], week=gap) == {}
        assert patterns(weeks) != {}  # the same weeks judged at week 11 do say something


def test_quality_over_quantity_needs_only_one_week_before_when_coaching_starts_at_two():
    found = patterns(QUALITY[-2:], min_weeks=2)
    assert found["quality_over_quantity"]["weeks"] == 1


def test_quality_over_quantity_needs_every_earlier_week_of_the_span_to_know_its_results():
    log = log_of(QUALITY)
    week_10 = log["date"] >= pd.Timestamp(START + timedelta(weeks=10))
    week_10 &= log["date"] < pd.Timestamp(START + timedelta(weeks=11))
    log.loc[week_10, "inquiries"] = pd.NA
    report = weekly_metrics(log, budget_minutes=BUDGET, key_result="inquiries")
    assert "quality_over_quantity" not in rules(coach(report, budget_minutes=BUDGET))


def test_quality_over_quantity_never_divides_by_zero_minutes_and_one_minute_counts():
    def posts(n, minutes, quality, inquiries):
        """n posts, the first taking `minutes`, the rest none; `inquiries` spread one per post."""
        return [("post", minutes if i == 0 else 0, 6, quality, int(i < inquiries), 0) for i in range(n)]

    assert "quality_over_quantity" not in patterns(QUALITY[:11] + [posts(3, 0, 5, 3)])  # now: no minutes
    found = patterns(QUALITY[:11] + [posts(3, 1, 5, 3)])  # now: one minute for three inquiries
    assert found["quality_over_quantity"]["per_hour_to"] == 180.0
    before_none = [posts(6, 0, 3, 0)] * 11
    assert "quality_over_quantity" not in patterns(before_none + [posts(3, 1, 5, 3)])  # before: no minutes at all
    before_one = [posts(6, 0, 3, 0)] * 10 + [posts(6, 1, 3, 1)]  # before: one minute, one inquiry
    found = patterns(before_one + [posts(3, 1, 5, 3)])
    assert (found["quality_over_quantity"]["per_hour_from"], found["quality_over_quantity"]["per_hour_to"]) == (
        60.0, 180.0)


def test_one_value_signal_in_the_span_is_enough_to_be_steady():
    quiet = week(inquiries=0, thanks=0)
    found = patterns([HEALTHY] * 9 + [week(inquiries=0, thanks=1), quiet, quiet])
    assert found == {"steady": {"case": "signals_only", "weeks": 3, "signals": 1, **WINDOW}}


def test_a_rising_cost_needs_two_results_in_the_first_and_the_last_week_of_the_span():
    # The middle week's two inquiries do not stand in for either end.
    first_one = [week(inquiries=2)] * 9 + [week(inquiries=1), week(inquiries=2), week(post_minutes=120, inquiries=2)]
    assert set(patterns(first_one)) == {"steady"}  # 150 → 195 minutes per inquiry, but one inquiry first
    last_one = [week(inquiries=2)] * 11 + [week(inquiries=1)]
    assert set(patterns(last_one)) == {"steady"}  # 75 → 150, but one inquiry last


def test_all_zero_means_some_weeks_and_each_known_zero():
    from kpi_core.coaching import _all_zero

    assert _all_zero(np.array([0.0])) and _all_zero(np.array([0.0, 0.0, 0.0]))
    assert not _all_zero(np.array([])) and not _all_zero(np.array([0.0, np.nan])) and not _all_zero(np.array([0, 1.0]))


def test_quality_over_quantity_at_its_exact_edges():
    # Before (weeks 10 and 11): 8 actions a week, rating 3.0, 2 inquiries in 420 minutes (0.29 an hour).
    before = QUALITY[:11]
    fewer = [("post", 35, 6, q, 1, 0) for q in (4, 4, 3)] + [("post", 35, 6, 3, 0, 0)]  # 4 actions, rating 3.5
    found = patterns(before + [fewer])["quality_over_quantity"]
    assert (found["rating_to"], found["per_hour_to"]) == (3.5, 1.29)  # a rise of exactly half a point counts
    same_count = week(8, 0, post_minutes=15, post_quality=5, inquiries=3)  # as many actions as before
    assert "quality_over_quantity" not in patterns(before + [same_count])
    same_rate = week(3, 0, post_minutes=70, post_quality=5, inquiries=1)  # 1 inquiry in 210 minutes: 0.29 too
    assert "quality_over_quantity" not in patterns(before + [same_rate])


def test_coach_checks_its_budget_and_min_weeks():
    report = weekly_metrics(log_of([HEALTHY] * 3), budget_minutes=BUDGET)
    assert [m.rule for m in coach(report, budget_minutes=0.5)] == ["burnout_risk"]  # any positive budget
    assert [m.rule for m in coach(report, budget_minutes=BUDGET, min_weeks=1)] == ["steady"]
    with pytest.raises(ValueError, match="weekly budget must be a positive number of minutes, got 0"):
        coach(report, budget_minutes=0)
    with pytest.raises(ValueError, match="got inf"):
        coach(report, budget_minutes=float("inf"))
    with pytest.raises(ValueError, match="min_weeks must be at least 1, got 0"):
        coach(report, budget_minutes=BUDGET, min_weeks=0)


def test_every_key_column_counts_as_a_result_the_rules_look_for():
    # Reactions counted with inquiries as the result: a quiet month with reactions is not "stale".
    plain = weekly_metrics(log_of(STALE), budget_minutes=BUDGET, key_result="inquiries")
    assert "stale_statement" in rules(coach(plain, budget_minutes=BUDGET))
    both = weekly_metrics(log_of(STALE), budget_minutes=BUDGET, key_result="inquiries",
                          key_columns=("inquiries", "reactions"))
    assert "stale_statement" not in rules(coach(both, budget_minutes=BUDGET))
