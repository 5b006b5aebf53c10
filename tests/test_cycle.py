"""Tests for kpi_core.cycle: week N of 12, checkpoints in numbers and reflections, experiment verdicts."""

from datetime import date

import numpy as np
import pandas as pd
import pytest

from kpi_core.cycle import (
    checkpoint,
    checkpoints_due,
    cycle_position,
    experiments,
    last_experiment,
    normalize_verdict,
)
from kpi_core.metrics import weekly_metrics

START = date(2025, 1, 8)  # a Wednesday: with Monday weeks, week 1 begins 2025-01-06


def make_log(rows):
    """A canonical log from (date, minutes, quality, inquiries) post rows."""
    return pd.DataFrame({
        "date": pd.to_datetime([r[0] for r in rows]).astype("datetime64[ns]"),
        "action": "post", "category": "post",
        "minutes": [float(r[1]) for r in rows],
        "reactions": pd.array([4] * len(rows), dtype="Int64"),
        "quality": pd.array([r[2] for r in rows], dtype="Int64"),
        "inquiries": pd.array([r[3] for r in rows], dtype="Int64"),
        "source": "log.csv", "source_row": np.arange(2, len(rows) + 2, dtype="int64"),
    })


# week 1: 60 min, 1 inquiry, rating 3 · week 2: 120 min, 1, 3 · week 3: 90 min, 2, 4 · week 4: 30 min, 1, 5
ROWS = [("2025-01-06", 60, 3, 1), ("2025-01-13", 60, 3, 0), ("2025-01-15", 60, 3, 1), ("2025-01-20", 90, 4, 2),
        ("2025-01-27", 30, 5, 1)]


def report(rest_weeks=()):
    return weekly_metrics(make_log(ROWS), budget_minutes=300, rest_weeks=rest_weeks)


# ---------------------------------------------------------------- position


@pytest.mark.parametrize(("on", "week", "cycle", "in_cycle", "is_checkpoint"), [
    (date(2025, 1, 6), 1, 1, 1, False),     # Monday of the start week
    (date(2025, 1, 12), 1, 1, 1, False),    # its Sunday
    (date(2025, 2, 2), 4, 1, 4, True),
    (date(2025, 3, 30), 12, 1, 12, True),
    (date(2025, 3, 31), 13, 2, 1, False),
    (date(2025, 5, 26), 21, 2, 9, False),
])
def test_week_n_of_twelve(on, week, cycle, in_cycle, is_checkpoint):
    position = cycle_position(START, on)
    assert (position.week, position.cycle, position.week_in_cycle, position.checkpoint) == (
        week, cycle, in_cycle, is_checkpoint)


def test_before_the_plan_there_is_no_position():
    assert cycle_position(START, date(2025, 1, 5)) is None


def test_cycle_start_and_week_start_day():
    assert cycle_position(START, date(2025, 4, 2)).cycle_start == date(2025, 3, 31)
    # Sunday weeks: the week holding Wed 2025-01-08 starts Sun 2025-01-05; Sun 2025-01-12 is week 2.
    assert cycle_position(START, date(2025, 1, 12), week_start=6).week == 2
    assert cycle_position(START, date(2025, 1, 5), week_start=6).week == 1


def test_label_in_both_languages():
    position = cycle_position(START, date(2025, 1, 22))
    assert position.label("ja") == "1回目のサイクル:3週目/全12週"
    assert position.label("en") == "Cycle 1: week 3 of 12"


def test_checkpoints_due():
    assert checkpoints_due(START, date(2025, 2, 5)) == [(1, 4)]
    assert checkpoints_due(START, date(2025, 1, 28)) == [(1, 4)]
    assert checkpoints_due(START, date(2025, 4, 30)) == [(1, 4), (1, 8), (1, 12), (2, 4)]
    assert checkpoints_due(START, date(2024, 12, 1)) == []


# ---------------------------------------------------------------- checkpoint numbers


def changes(point):
    return {c.id: c for c in point.changes}


def test_week_four_compares_first_two_weeks_with_last_two():
    point = checkpoint(report(), START, 4)
    assert point.week_start == date(2025, 1, 27)
    assert point.start_weeks == (date(2025, 1, 6), date(2025, 1, 13))
    assert point.recent_weeks == (date(2025, 1, 20), date(2025, 1, 27))
    found = changes(point)
    # start: 180 minutes, 2 inquiries, ratings 3 and 3; now: 120 minutes, 3 inquiries, ratings 4 and 5.
    assert (found["minutes"].start, found["minutes"].now, found["minutes"].better) == (90.0, 60.0, None)
    assert (found["inquiries"].start, found["inquiries"].now, found["inquiries"].better) == (1.0, 1.5, True)
    assert (found["minutes_per_result"].start, found["minutes_per_result"].now) == (90.0, 40.0)
    assert found["minutes_per_result"].delta == -50.0 and found["minutes_per_result"].better is True
    assert (found["quality_mean"].start, found["quality_mean"].now, found["quality_mean"].delta) == (3.0, 4.5, 1.5)
    assert found["actions"].start == 1.5 and found["actions"].now == 1.0 and found["actions"].better is None
    assert "consultations" not in found  # the log has no such column
    assert "results" not in found  # the key result is inquiries, already shown


def test_the_comparison_is_described():
    point = checkpoint(report(), START, 4)
    assert point.compared("ja") == ("最初の2週(2025年1月6日から)と直近の2週(2025年1月20日から)の平均を比べています。"
                                    "休養週は除いています。")
    assert checkpoint(report(), START, 1).compared("en") == "There are not enough weeks to compare yet."
    assert changes(point)["minutes_per_result"].label("en") == "Minutes per result"


def test_smoothed_figure_is_read_at_the_end_of_each_span():
    # Half-life 4, m = 2^(-1/4). End of week 2: (60m + 120) / (m + 1) minutes over (m + 1)/(m + 1) results.
    m = 2 ** -0.25
    found = changes(checkpoint(report(), START, 4))
    assert found["smoothed_minutes_per_result"].start == pytest.approx((60 * m + 120) / (m + 1), abs=1e-6)
    assert found["smoothed_minutes_per_result"].start == pytest.approx(92.592817, abs=1e-6)  # 60 · 2.840896 / 1.840896


def test_sustainability_is_the_mean_of_the_span():
    weeks = report().weeks
    found = changes(checkpoint(report(), START, 4))
    assert found["sustainability"].start == pytest.approx(weeks["sustainability"].iloc[:2].mean(), abs=1e-9)


def test_rest_weeks_are_left_out_of_the_comparison():
    point = checkpoint(report(rest_weeks=[date(2025, 1, 22)]), START, 4)
    # Three weeks remain: one on each side, week 1 against week 4.
    assert point.start_weeks == (date(2025, 1, 6),) and point.recent_weeks == (date(2025, 1, 27),)
    assert changes(point)["minutes_per_result"].now == 30.0


def test_too_few_weeks_compare_nothing():
    point = checkpoint(report(), START, 1)
    assert point.changes == () and point.start_weeks == ()


def test_checkpoint_rejects_a_week_outside_the_cycle():
    with pytest.raises(ValueError):
        checkpoint(report(), START, 13)


# ---------------------------------------------------------------- reflections and verdicts

REFLECTIONS = {
    date(2025, 1, 6): {"experiment": "投稿を週3回に絞る", "went_well": "朝の投稿に反応があった"},
    "2025-01-13": {"verdict": "keep", "experiment": "  朝に書く "},
    date(2025, 1, 20): {"verdict": "Drop "},
    date(2025, 1, 27): {"verdict": "keep"},  # nothing open to judge: ignored
    date(2025, 3, 31): {"experiment": "事例を1本書く"},  # cycle 2
}


def test_verdicts_pair_each_experiment_with_the_next_review():
    found = experiments(REFLECTIONS)
    assert [(e.week_start, e.text, e.verdict, e.judged_in) for e in found] == [
        (date(2025, 1, 6), "投稿を週3回に絞る", "keep", date(2025, 1, 13)),
        (date(2025, 1, 13), "朝に書く", "drop", date(2025, 1, 20)),
        (date(2025, 3, 31), "事例を1本書く", None, None),
    ]


def test_last_experiment_is_the_one_from_an_earlier_review():
    assert last_experiment(REFLECTIONS, date(2025, 1, 13)).text == "投稿を週3回に絞る"
    assert last_experiment(REFLECTIONS, date(2025, 1, 20)).text == "朝に書く"
    assert last_experiment(REFLECTIONS, date(2025, 1, 6)) is None
    assert last_experiment({}, date(2025, 1, 6)) is None


@pytest.mark.parametrize(("value", "verdict"), [("keep", "keep"), (" UNCLEAR", "unclear"), ("続ける", None),
                                                (None, None), (3, None)])
def test_normalize_verdict(value, verdict):
    assert normalize_verdict(value) == verdict


def test_checkpoint_keeps_the_cycles_reflections_and_verdicts():
    point = checkpoint(report(), START, 4, reflections=REFLECTIONS)
    assert [d for d, _ in point.reflections] == [date(2025, 1, 6), date(2025, 1, 13), date(2025, 1, 20),
                                                 date(2025, 1, 27)]
    assert point.reflections[0][1]["went_well"] == "朝の投稿に反応があった"
    assert point.verdict_counts() == {"keep": 1, "drop": 1, "unclear": 0}
    assert point.title("ja") == "4週目の振り返り:始めたころから何が変わったか"
    assert point.title("en") == "Week 4 checkpoint: what changed since the start"


def test_second_cycle_checkpoint_reads_only_its_weeks():
    point = checkpoint(report(), START, 4, reflections=REFLECTIONS, cycle=2)
    assert point.week_start == date(2025, 4, 21)
    assert [d for d, _ in point.reflections] == [date(2025, 3, 31)]
    assert point.changes == ()  # the log ends in January


# ---------------------------------------------------------------- the cycle's story (kpi_core.cycle_story)

from kpi_core.cycle_story import (  # noqa: E402
    STORY_WEEKS,
    carried_over,
    cycle_story,
    decide,
    decided_text,
    decision_for,
    latest_decision,
    previous_sentence,
    story_offer,
    verdict_label,
)
from kpi_core.plan import CycleDecision, Plan, ValueStatement  # noqa: E402

NAN = float("nan")
# Twelve Monday weeks from 2025-01-06 (week 1 of a plan begun on START). Weeks 5 and 11 are rest weeks, with
# figures that would change every mean if they were counted.
#        minutes results thanks income fatigue rest
STORY_ROWS = [
    (660, 1, 0, 0, 4, False),        # 1
    (540, 0, 1, 3000, 5, False),     # 2
    (600, 1, 0, 0, NAN, False),      # 3
    (600, 2, 1, 0, 4, False),        # 4
    (60, 9, 9, 90000, 1, True),      # 5 rest
    (300, 2, 1, 2000, 3, False),     # 6
    (300, 2, 1, 2000, 3, False),     # 7
    (240, 3, 2, 6000, 2, False),     # 8
    (200, 3, 2, 10000, 2, False),    # 9
    (180, 2, 3, 6000, NAN, False),   # 10
    (30, 9, 9, 90000, 1, True),      # 11 rest
    (220, 4, 1, 6000, 3, False),     # 12
]


def story_weeks(rows=STORY_ROWS, first=date(2025, 1, 6), drop=()):
    frame = pd.DataFrame({
        "week_start": pd.date_range(pd.Timestamp(first), periods=len(rows), freq="7D"),
        "minutes": [float(r[0]) for r in rows],
        "results": pd.array([r[1] for r in rows], dtype="Int64"),
        "inquiries": pd.array([r[1] for r in rows], dtype="Int64"),
        "thanks": pd.array([r[2] for r in rows], dtype="Int64"),
        "income": pd.array([r[3] for r in rows], dtype="Int64"),
        "fatigue": [float(r[4]) for r in rows],
        "rest": [r[5] for r in rows],
    })
    return frame.drop(columns=list(drop))


def figures(story):
    return {f.id: (f.first, f.last) for f in story.figures}


def test_story_compares_the_first_four_weeks_with_the_last_four():
    story = cycle_story(story_weeks(), START, key_result="inquiries",
                        signals=["inquiries", "thanks", "conversations"])
    assert STORY_WEEKS == 4
    # Rest weeks 5 and 11 are skipped: weeks 1–4 against weeks 8, 9, 10 and 12.
    assert story.first_weeks == (date(2025, 1, 6), date(2025, 1, 13), date(2025, 1, 20), date(2025, 1, 27))
    assert story.last_weeks == (date(2025, 2, 24), date(2025, 3, 3), date(2025, 3, 10), date(2025, 3, 24))
    found = figures(story)
    # First: 2400 minutes, 4 results, thanks 0+1+0+1, ¥3,000, tiredness 4, 5, 4 (one week unanswered).
    # Last: 840 minutes, 12 results, thanks 2+2+3+1, ¥28,000, tiredness 2, 2, 3.
    assert found["minutes"] == (600.0, 210.0)
    assert found["minutes_per_result"] == (600.0, 70.0)  # 2400 / 4, 840 / 12
    assert found["results"] == (1.0, 3.0)
    assert found["thanks"] == (0.5, 2.0)
    assert found["yen_per_hour"] == (75.0, 2000.0)  # 3000 / 40 h, 28000 / 14 h
    assert found["fatigue"] == (pytest.approx(13 / 3), pytest.approx(7 / 3))
    # inquiries is the key result (the "results" row); a signal the frame lacks is left out.
    assert [f.id for f in story.figures] == ["minutes", "minutes_per_result", "results", "thanks", "yen_per_hour",
                                             "fatigue"]
    better = {f.id: f.better for f in story.figures}
    assert better == {"minutes": None, "minutes_per_result": True, "results": True, "thanks": True,
                      "yen_per_hour": True, "fatigue": True}


def test_story_figures_are_none_when_the_frame_lacks_their_column():
    story = cycle_story(story_weeks(drop=("income", "fatigue")), START, key_result="inquiries", signals=["thanks"])
    found = figures(story)
    assert found["yen_per_hour"] == (None, None) and found["fatigue"] == (None, None)
    assert found["minutes_per_result"] == (600.0, 70.0)
    assert story.figure("yen_per_hour").better is None
    # The table leaves out what is known on neither side, unless asked to keep it.
    table = story.table("en")
    assert list(table.columns) == ["Figure", "First 4 weeks", "Last 4 weeks", "Change"]
    assert list(table["Figure"]) == ["Minutes per week", "Minutes per result (Inquiries)", "Inquiries per week",
                                     "Thanks messages per week"]
    assert list(story.table("en", skip_unknown=False)["Figure"])[-2:] == [
        "Yen per hour", "Tiredness (1 = rested … 5 = worn out)"]


def test_story_figures_are_none_when_unknown_over_those_weeks():
    rows = [(r[0], r[1], r[2], r[3], NAN, r[5]) for r in STORY_ROWS]
    weeks = story_weeks(rows)
    weeks["income"] = pd.array([pd.NA] * len(rows), dtype="Int64")  # a log without an income column
    weeks["results"] = pd.array([0] * len(rows), dtype="Int64")
    found = figures(cycle_story(weeks, START, key_result="inquiries"))
    assert found["yen_per_hour"] == (None, None)
    assert found["fatigue"] == (None, None)
    assert found["minutes_per_result"] == (None, None)  # no result at all: no minutes per result
    assert found["results"] == (0.0, 0.0)


def test_story_table_in_japanese_names_persona_columns_and_changes():
    story = cycle_story(story_weeks(), START, key_result="inquiries", signals=["thanks"])
    table = story.table("ja", names={"thanks": {"ja": "ありがとうの声", "en": "thank-yous"}})
    assert list(table.columns) == ["数字", "最初の4週", "最後の4週", "変化"]
    assert list(table["数字"]) == ["1週あたりの時間(分)", "1件の成果にかかった時間(分・成果は問い合わせ数)",
                                 "問い合わせ数(1週あたり)", "ありがとうの声(1週あたり)", "時給換算(円)",
                                 "疲れ具合(1=元気〜5=くたくた)"]
    assert list(table["変化"]) == ["—", "改善", "改善", "改善", "改善", "改善"]
    assert story.title("ja") == "1回目のサイクル:12週をふりかえる"
    assert story.compared("ja") == ("最初の4週(2025年1月6日から)と最後の4週(2025年2月24日から)を比べています。"
                                    "休んだ週は除いています。")


def test_a_worse_figure_is_said_worse():
    rows = list(STORY_ROWS)
    rows[7] = (240, 3, 2, 6000, 5, False)  # tiredness 5, 5, –, 5 at the end against 4, 5, –, 4 at the start
    rows[8] = (200, 3, 2, 10000, 5, False)
    rows[11] = (220, 4, 1, 6000, 5, False)
    story = cycle_story(story_weeks(rows), START, key_result="inquiries")
    assert story.figure("fatigue").last == 5.0
    assert story.figure("fatigue").better is False
    assert story.table("en")["Change"].iloc[-1] == "Worse"


def test_story_so_far_halves_the_weeks_it_has():
    story = cycle_story(story_weeks(), START, week=6, key_result="inquiries")
    # Weeks 1–6 less the rest week 5: five weeks, two on each side.
    assert story.first_weeks == (date(2025, 1, 6), date(2025, 1, 13))
    assert story.last_weeks == (date(2025, 1, 27), date(2025, 2, 10))
    assert figures(story)["minutes"] == (600.0, 450.0)
    assert story.title("en") == "Cycle 1: looking back on the 6 weeks so far"
    assert story.compared("en") == ("Comparing your first 2 weeks (from Jan 6, 2025) with your last 2 "
                                    "(from Jan 27, 2025); rest weeks are left out.")


def test_story_with_too_few_weeks_compares_nothing():
    story = cycle_story(story_weeks(STORY_ROWS[:1]), START)
    assert story.figures == () and story.first_weeks == ()
    assert story.compared("en") == "There are not enough weeks to compare yet."


def test_story_of_the_second_cycle_reads_only_its_weeks():
    weeks = story_weeks(STORY_ROWS + STORY_ROWS)
    story = cycle_story(weeks, START, cycle=2, key_result="inquiries",
                        reflections={"2025-03-31": {"experiment": "事例を1本書く"}, "2025-01-06": {"experiment": "x"}})
    assert story.first_weeks[0] == date(2025, 3, 31) and story.last_weeks[-1] == date(2025, 6, 16)
    assert figures(story)["minutes"] == (600.0, 210.0)
    assert [e.text for e in story.experiments] == ["事例を1本書く"]
    with pytest.raises(ValueError):
        cycle_story(weeks, START, week=13)


def test_story_keeps_the_cycles_experiments_and_verdicts():
    story = cycle_story(story_weeks(), START, reflections=REFLECTIONS)
    assert [(e.text, e.verdict) for e in story.experiments] == [("投稿を週3回に絞る", "keep"), ("朝に書く", "drop")]
    assert story.verdict_counts() == {"keep": 1, "drop": 1, "unclear": 0}
    assert story.verdicts("ja") == "実験の判定:続ける1件・やめる1件・まだわからない0件"
    assert [verdict_label(e, "en") for e in story.experiments] == ["Keep", "Drop"]
    assert [d for d, _ in story.reflections][0] == date(2025, 1, 6) and len(story.reflections) == 4
    open_one = cycle_story(story_weeks(), START, reflections={"2025-03-24": {"experiment": "夜は書かない"}})
    assert verdict_label(open_one.experiments[0], "ja") == "判定はまだ"


@pytest.mark.parametrize(("on", "offer"), [
    (date(2025, 1, 27), None),           # week 4: the checkpoint card, no story
    (date(2025, 2, 3), "on_demand"),     # week 5
    (date(2025, 3, 17), "on_demand"),    # week 11
    (date(2025, 3, 24), "end"),          # week 12
    (date(2025, 3, 31), None),           # week 1 of cycle 2
    (date(2025, 6, 16), "end"),          # week 12 of cycle 2
])
def test_story_offer(on, offer):
    assert story_offer(cycle_position(START, on)) == offer
    assert story_offer(None) is None


# ---------------------------------------------------------------- the decision

OLD = ValueStatement(person="20代女性", problem="転職不安", solution="実体験に基づくアドバイス")


def test_deciding_to_rewrite_keeps_the_statement_from_before():
    plan = Plan(statement=ValueStatement(**vars(OLD)))
    made = decide(plan, 1, "rewrite", date(2025, 3, 24))
    assert plan.cycle_decisions == [CycleDecision(1, "rewrite", date(2025, 3, 24), OLD)]
    plan.statement.person = "30代の営業職"  # the rewrite itself: the snapshot is a copy
    assert made.previous_statement.person == "20代女性"
    assert previous_sentence(plan, "ja") == "20代女性の転職不安を、実体験に基づくアドバイスで解決する"
    # Saving the same decision again after rewriting keeps the statement from before any rewriting.
    decide(plan, 1, "rewrite", date(2025, 3, 24))
    assert [d.previous_statement.person for d in plan.cycle_decisions] == ["20代女性"]


def test_one_decision_per_cycle_and_the_latest_one_counts():
    plan = Plan()
    decide(plan, 1, "rewrite", date(2025, 3, 24))
    decide(plan, 1, "keep", date(2025, 3, 24))  # changed her mind: replaces, no snapshot kept
    assert plan.cycle_decisions == [CycleDecision(1, "keep", date(2025, 3, 24), None)]
    assert previous_sentence(plan) is None
    decide(plan, 2, "change_kpis", date(2025, 6, 16))
    assert latest_decision(plan).decision == "change_kpis"
    assert decision_for(plan, 1).decision == "keep" and decision_for(plan, 3) is None
    assert latest_decision(Plan()) is None
    with pytest.raises(ValueError):
        decide(plan, 1, "stop")
    with pytest.raises(ValueError):
        decide(plan, 0, "keep")


def test_the_next_cycle_starts_from_the_decision():
    plan = Plan(start_date=START)
    decide(plan, 1, "change_kpis", date(2025, 3, 24))
    assert carried_over(plan, cycle_position(START, date(2025, 3, 31))).decision == "change_kpis"
    assert carried_over(plan, cycle_position(START, date(2025, 3, 24))) is None  # still cycle 1
    assert carried_over(plan, None) is None
    assert decided_text(plan.cycle_decisions[0], "ja") == (
        "1回目のサイクルの終わり(2025年3月24日の週)に「KPIを選び直す」と決めました。")
    assert decided_text(CycleDecision(1, "keep"), "en") == (
        "At the end of cycle 1 you decided: “Keep the plan for another 12 weeks”.")
