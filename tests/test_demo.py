"""Demo data: deterministic, in the canonical log form, read back unchanged, and each persona's story holds."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from kpi_core.columns import CORE_OPTIONAL
from kpi_core.demo import CORE_COUNTS, DEMO_PERSONAS, DEMO_START, demo_log, demo_plan, demo_reviews
from kpi_core.export import log_csv_bytes
from kpi_core.logbook import persona_columns, read_files
from kpi_core.measures import solved_phrases
from kpi_core.metrics import weekly_metrics
from kpi_core.personas import default_catalog
from kpi_core.plan import check_plan, plan_from_yaml, plan_to_yaml, statement_sentence
from kpi_core.signals import count_solved_signals

CATALOG = default_catalog()


def weeks_of(persona_id: str, seed: int = 0) -> pd.DataFrame:
    log = demo_log(persona_id, seed=seed)
    plan = demo_plan(persona_id)
    return weekly_metrics(log, budget_minutes=plan.weekly_budget_minutes, week_start=plan.week_start).weeks


def total(weeks: pd.DataFrame, column: str, first: int, last: int) -> float:
    """A column summed over weeks first..last (1-based, inclusive)."""
    return float(weeks[column].iloc[first - 1:last].astype("float64").sum())


def test_the_demo_personas_are_the_shipped_ones():
    assert set(DEMO_PERSONAS) == set(CATALOG.personas)
    assert [c.id for c in CORE_OPTIONAL] == [*CORE_COUNTS, "memo"]


@pytest.mark.parametrize("persona_id", DEMO_PERSONAS)
def test_demo_logs_are_deterministic_for_a_seed(persona_id):
    assert_frame_equal(demo_log(persona_id, seed=3), demo_log(persona_id, seed=3))
    assert not demo_log(persona_id, seed=3).equals(demo_log(persona_id, seed=4))


@pytest.mark.parametrize("persona_id", DEMO_PERSONAS)
def test_demo_logs_are_canonical(persona_id):
    log = demo_log(persona_id)
    own = [c.id for c in CATALOG.personas[persona_id].columns]
    assert list(log.columns) == ["date", "action", "category", "minutes", "reactions", "quality", *CORE_COUNTS,
                                 "memo", *own, "income", "source", "source_row"]
    assert str(log["date"].dtype) == "datetime64[us]" and log["minutes"].dtype == "float64"
    assert all(str(log[c].dtype) == "Int64" for c in ["reactions", "quality", *CORE_COUNTS, *own, "income"])
    assert log["income"].sum() > 0 and log["income"].isna().sum() > 0  # written only where money came in
    assert log["action"].dtype == object and log["memo"].dtype == object
    assert log["category"].tolist() == [CATALOG.category_of(a) for a in log["action"]]
    assert set(log["source"]) == {"demo"}
    assert log["source_row"].tolist() == list(range(2, len(log) + 2))
    assert log["date"].is_monotonic_increasing
    assert log["date"].iloc[0].date() >= DEMO_START and log["date"].iloc[-1].date() < DEMO_START + dt.timedelta(84)
    assert log["date"].dt.to_period("W").nunique() == 12  # twelve weeks, none empty
    assert log["quality"].between(1, 5).all() and (log["minutes"] > 0).all() and (log["reactions"] >= 0).all()
    assert int(count_solved_signals(log["memo"]).sum()) >= 3  # memos that say a problem got solved


@pytest.mark.parametrize("persona_id", DEMO_PERSONAS)
def test_a_demo_log_written_as_csv_reads_back_the_same(persona_id):
    log = demo_log(persona_id)
    data = log_csv_bytes(log, "ja", persona_columns(CATALOG))
    batch = read_files([("demo", data)])
    assert batch.rejected == 0
    assert_frame_equal(batch.log, log)


def test_demo_start_moves_the_whole_story():
    log = demo_log("homemaker", start=dt.date(2025, 3, 5))  # a Wednesday: week 1 starts that Monday
    assert log["date"].iloc[0].date() >= dt.date(2025, 3, 3)
    assert demo_plan("homemaker", start=dt.date(2025, 3, 5)).start_date == dt.date(2025, 3, 3)
    assert len(demo_log("student", weeks=24)["date"].dt.to_period("W").unique()) == 24


@pytest.mark.parametrize("today", [dt.date(2026, 3, 30), dt.date(2026, 4, 5)])  # a Monday and a Sunday
def test_a_demo_ending_today_ends_with_the_last_finished_week(today):
    log = demo_log("office_worker", end=today)
    last_monday = dt.date(2026, 3, 23)  # the week before the one holding today, whole and reviewable
    assert log["date"].max().date() <= last_monday + dt.timedelta(days=6)
    assert log["date"].min().date() >= last_monday - dt.timedelta(weeks=11)
    assert demo_plan("office_worker", end=today).start_date == last_monday - dt.timedelta(weeks=11)
    reviews = demo_reviews("office_worker", end=today)
    assert max(reviews) == last_monday.isoformat()  # the twelfth week has its review too


@pytest.mark.parametrize("persona_id", DEMO_PERSONAS)
def test_demo_reviews_tell_experiments_verdicts_and_fatigue(persona_id):
    reviews = demo_reviews(persona_id)
    assert min(reviews) >= DEMO_START.isoformat() and len(reviews) >= 5
    assert all(fields.get("fatigue") in range(1, 6) for fields in reviews.values())
    experiments = [f["experiment"] for f in reviews.values() if f.get("experiment")]
    verdicts = [f["verdict"] for f in reviews.values() if f.get("verdict")]
    assert len(experiments) >= 2 and set(verdicts) <= {"keep", "drop", "unclear"} and len(verdicts) >= 2


def test_the_office_workers_fatigue_falls_after_the_switch():
    fatigue = [f["fatigue"] for _, f in sorted(demo_reviews("office_worker").items())]
    assert min(fatigue[:3]) >= 4 and max(fatigue[-3:]) <= 2


@pytest.mark.parametrize("persona_id", DEMO_PERSONAS)
def test_demo_plans_are_complete_and_valid(persona_id):
    plan = demo_plan(persona_id)
    assert check_plan(plan, CATALOG) == []
    assert plan.start_date == DEMO_START == demo_log(persona_id)["date"].iloc[0].date() - dt.timedelta(
        days=demo_log(persona_id)["date"].iloc[0].weekday())
    statement = plan.statement
    assert all(getattr(statement, part).strip() for part in ("person", "problem", "solution", "why_me", "change"))
    assert "解決する" in statement_sentence(plan, "ja")
    assert plan_from_yaml(plan_to_yaml(plan)) == (plan, [])
    demo_plan(persona_id).statement.person = "edited"
    assert demo_plan(persona_id).statement.person == statement.person  # each call is a fresh copy


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_office_worker_story_minutes_per_inquiry_fall(seed):
    weeks = weeks_of("office_worker", seed)
    early = total(weeks, "minutes", 1, 4) / total(weeks, "inquiries", 1, 4)
    late = total(weeks, "minutes", 9, 12) / total(weeks, "inquiries", 9, 12)
    assert late < early / 4
    assert weeks["actions_post"].iloc[:4].tolist() == [7, 7, 7, 7]  # daily posting …
    assert weeks["actions_post"].iloc[4:].tolist() == [3] * 8  # … then three careful posts a week
    assert total(weeks, "minutes", 1, 4) / 4 > 300 > total(weeks, "minutes", 9, 12) / 4  # over, then within budget
    assert weeks["quality_mean"].iloc[8:].mean() > weeks["quality_mean"].iloc[:4].mean() + 1
    assert total(weeks, "consultations", 1, 12) == 2 and total(weeks, "repeat_consultations", 1, 12) == 1
    assert total(weeks, "reactions", 1, 4) > total(weeks, "reactions", 9, 12)  # fewer likes, more inquiries


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_homemaker_story_short_sessions_and_growing_thanks_and_practice_reports(seed):
    log = demo_log("homemaker", seed=seed)
    weeks = weeks_of("homemaker", seed)
    assert log["minutes"].median() <= 10  # fragmented time
    assert total(weeks, "thanks", 9, 12) > total(weeks, "thanks", 1, 4)
    assert total(weeks, "practice_reports", 9, 12) > total(weeks, "practice_reports", 1, 4)
    assert total(weeks, "conversations", 9, 12) > total(weeks, "conversations", 1, 4)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_student_story_learning_in_public_and_peers_asking(seed):
    weeks = weeks_of("student", seed)
    assert total(weeks, "learning_reports", 9, 12) >= total(weeks, "learning_reports", 1, 4) > 0
    assert total(weeks, "failure_shares", 1, 4) == 0 < total(weeks, "failure_shares", 9, 12)
    assert total(weeks, "peer_advice_requests", 9, 12) > total(weeks, "peer_advice_requests", 1, 4)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_freelancer_story_case_studies_client_results_and_referrals(seed):
    weeks = weeks_of("freelancer", seed)
    assert total(weeks, "actions_case_study", 1, 4) == 0
    assert weeks["actions_case_study"].iloc[4:].tolist() == [1] * 8
    assert total(weeks, "client_results", 9, 12) > total(weeks, "client_results", 1, 4)
    assert total(weeks, "industry_referrals", 1, 4) == 0 < total(weeks, "industry_referrals", 9, 12)
    assert total(weeks, "referrals", 1, 12) >= 1


def test_unknown_persona_is_refused():
    with pytest.raises(ValueError):
        demo_log("astronaut")
    with pytest.raises(ValueError):
        demo_plan("astronaut")


# ---------------------------------------------------------------- the sample in English


JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def japanese_in(texts) -> list[str]:
    return [text for text in texts if isinstance(text, str) and JAPANESE.search(text)]


@pytest.mark.parametrize("persona_id", DEMO_PERSONAS)
def test_the_english_sample_plan_says_the_same_in_english(persona_id):
    ja, en = demo_plan(persona_id), demo_plan(persona_id, lang="en")
    assert japanese_in(vars(en.statement).values()) == []
    assert [bool(v) for v in vars(en.statement).values()] == [bool(v) for v in vars(ja.statement).values()]
    assert (en.language, ja.language) == ("en", "ja")
    assert check_plan(en, CATALOG) == [] and plan_from_yaml(plan_to_yaml(en)) == (en, [])
    assert statement_sentence(en, "en").startswith("I solve ")
    assert replace(en, statement=ja.statement, language="ja") == ja  # only the words differ


@pytest.mark.parametrize("persona_id", DEMO_PERSONAS)
def test_the_english_sample_reviews_say_the_same_in_english(persona_id):
    ja, en = demo_reviews(persona_id), demo_reviews(persona_id, lang="en")
    assert japanese_in(v for fields in en.values() for v in fields.values()) == []
    assert {w: sorted(f) for w, f in en.items()} == {w: sorted(f) for w, f in ja.items()}
    for week, fields in ja.items():
        assert {k: v for k, v in en[week].items() if k in ("fatigue", "verdict")} == \
               {k: v for k, v in fields.items() if k in ("fatigue", "verdict")}


@pytest.mark.parametrize("persona_id", DEMO_PERSONAS)
@pytest.mark.parametrize("seed", [0, 1])
def test_the_english_sample_log_counts_the_same(persona_id, seed):
    ja, en = demo_log(persona_id, seed=seed, weeks=24), demo_log(persona_id, seed=seed, weeks=24, lang="en")
    assert japanese_in([*en["action"], *en["memo"]]) == []
    assert_frame_equal(en.drop(columns=["action", "memo"]), ja.drop(columns=["action", "memo"]))  # categories too
    phrases = solved_phrases(CATALOG)
    assert count_solved_signals(en["memo"], phrases).tolist() == count_solved_signals(ja["memo"], phrases).tolist()
    assert count_solved_signals(ja["memo"], phrases).sum() > 0
