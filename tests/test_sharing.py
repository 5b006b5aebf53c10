"""Tests for kpi_core.sharing: the weekly and monthly report for a manager, as Markdown and Excel-safe CSV."""

import csv
import io
import re
from datetime import date

import numpy as np
import pandas as pd
import pytest

from kpi_core.export import EXCEL_ENCODING
from kpi_core.metrics import weekly_metrics
from kpi_core.personas import Formula, Kpi, Part
from kpi_core.sharing import ConventionalFigure, share_report

T = {"ja": "-", "en": "-"}
POSTS = Kpi("posts_per_week", T, T, T, Formula(Part("count", categories=("post",))), T, "higher", 3)
INQUIRIES = Kpi("inquiries_per_week", T, T, T, Formula(Part("sum", "inquiries")), T, "higher", 2)
NAMES = {"posts_per_week": {"ja": "投稿数/週", "en": "Posts a week"}, "inquiries_per_week": "問い合わせ/週"}


def make_report(rest_weeks=()):
    """Eight weekly posts from 2025-01-06: four of 60 min, 1 inquiry, rating 3; then four of 30 min, 2, 1 thanks, 5."""
    return weekly_metrics(_log(), kpis=[(POSTS, 3), (INQUIRIES, 2)], budget_minutes=300, rest_weeks=rest_weeks)


def _log():
    rows = [(i, 60, 5, 3, 1, 0) for i in range(4)] + [(i, 30, 8, 5, 2, 1) for i in range(4, 8)]
    log = pd.DataFrame({
        "date": pd.to_datetime([pd.Timestamp("2025-01-06") + pd.Timedelta(weeks=r[0]) for r in rows]),
        "action": "投稿", "category": "post",
        "minutes": [float(r[1]) for r in rows],
        "reactions": pd.array([r[2] for r in rows], dtype="Int64"),
        "quality": pd.array([r[3] for r in rows], dtype="Int64"),
        "inquiries": pd.array([r[4] for r in rows], dtype="Int64"),
        "thanks": pd.array([r[5] for r in rows], dtype="Int64"),
        "source": "log.csv", "source_row": np.arange(2, len(rows) + 2, dtype="int64"),
    })
    log["date"] = log["date"].astype("datetime64[ns]")
    return log


FOLLOWERS = ConventionalFigure("フォロワー数", 8000, 10000, "手入力")


def values(share, section="value"):
    return {r.id: (r.value, r.previous, r.change) for r in share.rows if r.section == section}


def test_monthly_value_indicators_against_the_four_weeks_before():
    share = share_report(make_report(), period="month", conventional=[FOLLOWERS], names=NAMES)
    assert (share.start, share.end) == (date(2025, 2, 3), date(2025, 3, 2))
    found = values(share)
    assert list(found)[:2] == ["inquiries", "thanks"]  # value signals first
    assert found["inquiries"] == (8.0, 4.0, 4.0)
    assert found["thanks"] == (4.0, 0.0, 4.0)
    assert found["minutes"] == (120.0, 240.0, -120.0)
    assert found["minutes_per_result"] == (15.0, 60.0, -45.0)
    assert found["quality_mean"] == (5.0, 3.0, 2.0)
    assert found["reactions"] == (32.0, 20.0, 12.0)
    assert values(share, "conventional") == {"フォロワー数": (8000, 10000, -2000.0)}


def test_minutes_of_weeks_without_a_recorded_result_stay_out_of_minutes_per_result():
    report = make_report()
    report.weeks.loc[7, "results"] = pd.NA  # the last week's file had no inquiries column
    share = share_report(report, period="month")
    found = values(share)
    assert found["minutes"][0] == 120.0  # the time is still reported …
    assert found["minutes_per_result"][0] == 90.0 / 6  # … but only weeks with a result count per result


def test_kpis_show_the_period_and_how_often_they_were_met():
    share = share_report(make_report(), period="month", names=NAMES)
    kpis = {r.id: (r.value, r.previous, r.target, r.met_weeks, r.judged_weeks) for r in share.rows
            if r.section == "kpi"}
    assert kpis == {"posts_per_week": (1.0, 1.0, 3.0, 0, 4), "inquiries_per_week": (2.0, 1.0, 2.0, 4, 4)}


def test_weekly_report_and_a_log_too_short_for_a_previous_period():
    share = share_report(make_report(), period="week", week=date(2025, 1, 8))
    assert (share.start, share.end) == (date(2025, 1, 6), date(2025, 1, 12))
    assert values(share)["inquiries"] == (1.0, None, None)
    month = share_report(make_report(), period="month", week=date(2025, 1, 27))
    assert values(month)["inquiries"] == (4.0, None, None)  # no four weeks before: not compared


def test_markdown_report():
    text = share_report(make_report(), period="month", conventional=[FOLLOWERS], names=NAMES).markdown("ja")
    lines = text.splitlines()
    assert lines[0] == "# 月次レポート(2025年2月3日〜2025年3月2日の4週間)"
    assert "## 価値の指標" in lines and "## 目標と達成状況" in lines and "## 従来の数字(手入力)" in lines
    assert "| 指標 | 直近4週 | その前の4週 | 増減 | メモ |" in lines
    assert "| 問い合わせ数 | 8 | 4 | +4 |  |" in lines
    assert "| 1件の成果にかかった時間(分) | 15 | 60 | -45 |  |" in lines
    assert "| 投稿数/週 | 1 | 3 | 4週中0週で達成 |" in lines
    assert "| フォロワー数 | 8,000 | 10,000 | -2,000 | 手入力 |" in lines
    assert "「1件の成果にかかった時間」の成果は問い合わせ数を指します。" in lines
    english = share_report(make_report(), period="month", names=NAMES).markdown("en")
    assert "| Posts a week | 1 | 3 | met in 0 of 4 week(s) |" in english.splitlines()


def test_markdown_escapes_a_typed_pipe():
    text = share_report(make_report(), conventional=[ConventionalFigure("X|Instagram", 5)]).markdown("en")
    assert "| X\\|Instagram | 5 | — | — |  |" in text.splitlines()


TYPED = '![x](http://127.0.0.1:9/p) <img src="http://127.0.0.1:9/i"> [link](javascript:alert(1)) **bold**'
ESCAPED = r'!\[x\](http://127.0.0.1:9/p) \<img src="http://127.0.0.1:9/i"\> \[link\](javascript:alert(1)) \*\*bold\*\*'


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_markdown_keeps_the_persons_text_as_typed(lang):
    # A KPI's name, a column's name and a typed figure with its label and note: no image, HTML, link or bold.
    names = {**NAMES, "posts_per_week": TYPED, "inquiries": TYPED}
    typed = ConventionalFigure(TYPED, TYPED, None, TYPED)
    text = share_report(make_report(), period="month", conventional=[typed], names=names).markdown(lang)
    lines = text.splitlines()
    assert f"| {ESCAPED} | {ESCAPED} | — | — | {ESCAPED} |" in lines  # label, figure and note as typed
    assert f"| {ESCAPED} | 8 | 4 | +4 |  |" in lines  # a value signal named by the person
    assert [line for line in lines if line.startswith(f"| {ESCAPED} | 1 | 3 | ")] != []  # the KPI's own name
    assert any(ESCAPED in line and "|" not in line for line in lines)  # the result that counts, in a sentence
    assert "![" not in text and "**bold**" not in text and "[link](" not in text
    assert not re.search(r"(?<!\\)<img", text)


def test_csv_is_excel_safe():
    evil = ConventionalFigure("=HYPERLINK(\"http://x\")", "n/a")
    data = share_report(make_report(), period="month", conventional=[FOLLOWERS, evil]).csv("ja")
    assert data.startswith("\ufeff".encode(EXCEL_ENCODING)[:3]) and b"\r\n" in data
    rows = list(csv.reader(io.StringIO(data.decode(EXCEL_ENCODING))))
    assert rows[0] == ["区分", "指標", "直近4週", "その前の4週", "増減", "目標", "メモ"]
    assert rows[1] == ["期間", "", "2025-02-03/2025-03-02", "", "", "", ""]
    assert ["価値の指標", "問い合わせ数", "8", "4", "4", "", ""] in rows
    assert ["価値の指標", "作業時間(分)", "120", "240", "▲120", "", ""] in rows
    assert ["従来の数字(手入力)", "フォロワー数", "8000", "10000", "▲2000", "", "手入力"] in rows
    assert ["従来の数字(手入力)", "'=HYPERLINK(\"http://x\")", "n/a", "", "", "", ""] in rows


def test_csv_in_english_writes_a_true_minus():
    rows = list(csv.reader(io.StringIO(share_report(make_report(), period="month").csv("en").decode(EXCEL_ENCODING))))
    assert rows[0] == ["Section", "Indicator", "Last 4 weeks", "4 weeks before", "Change", "Target", "Note"]
    assert ["Value indicators", "Minutes", "120", "240", "\u2212120", "", ""] in rows


def test_rest_weeks_are_mentioned_and_not_averaged():
    share = share_report(make_report(rest_weeks=[date(2025, 2, 24)]), period="month")
    assert share.rest_weeks == 1
    assert "この期間のうち1週は休養週です。" in share.markdown("ja")
    report = make_report(rest_weeks=[date(2025, 2, 24)])
    expected = report.weeks["sustainability"].iloc[4:7].mean()  # the rest week has no index
    assert values(share)["sustainability"][0] == pytest.approx(expected, abs=1e-9)


def test_bad_requests_raise():
    with pytest.raises(ValueError):
        share_report(make_report(), period="year")
    with pytest.raises(ValueError):
        share_report(make_report(), week=date(2024, 12, 1))


def test_monthly_kpis_are_the_mean_of_the_weeks_and_unrecorded_counts_stay_unknown():
    report = make_report()
    last = report.kpis.index[report.kpis["id"] == "inquiries_per_week"][-1]
    report.kpis.loc[last, "value"] = 5.0  # one strong last week must not stand for the whole period
    share = share_report(report, period="month", names=NAMES)
    kpis = {r.id: r.value for r in share.rows if r.section == "kpi"}
    assert kpis["inquiries_per_week"] == pytest.approx((2 + 2 + 2 + 5) / 4)
    report.weeks["thanks"] = pd.array([None] * len(report.weeks), dtype="Int64")
    assert values(share_report(report, period="month"))["thanks"][0] is None


def make_income_report():
    """Eight weekly posts from 2025-01-06 (60 min each, then 30), 1 inquiry each, income beside them."""
    income = [pd.NA, 5000, pd.NA, 5000, 10000, pd.NA, 20000, 10000]
    log = pd.DataFrame({
        "date": pd.to_datetime([pd.Timestamp("2025-01-06") + pd.Timedelta(weeks=i) for i in range(8)]),
        "action": "投稿", "category": "post", "minutes": [60.0] * 4 + [30.0] * 4,
        "reactions": pd.array([5] * 8, dtype="Int64"), "quality": pd.array([4] * 8, dtype="Int64"),
        "inquiries": pd.array([1] * 8, dtype="Int64"), "income": pd.array(income, dtype="Int64"),
        "source": "log.csv", "source_row": np.arange(2, 10, dtype="int64"),
    })
    return weekly_metrics(log, budget_minutes=300)



def test_income_and_yen_per_hour_sit_beside_the_value_figures_never_first():
    share = share_report(make_income_report(), period="month")
    found = values(share)
    ids = list(found)
    assert ids[0] == "inquiries" and ids.index("income") > ids.index("sustainability")
    assert ids[ids.index("income") + 1] == "yen_per_hour"
    # Last 4 weeks: 10000 + 20000 + 10000 in 120 minutes; the 4 before: 5000 + 5000 in 240 minutes.
    assert found["income"] == (40000.0, 10000.0, 30000.0)
    assert found["yen_per_hour"] == (20000.0, 2500.0, 17500.0)
    lines = share.markdown("ja").splitlines()
    assert "| 売上(円) | 40,000 | 10,000 | +30,000 |  |" in lines
    assert "| 時給換算(円/時間) | 20,000 | 2,500 | +17,500 |  |" in lines
    assert "| Income (yen) | 40,000 | 10,000 | +30,000 |  |" in share.markdown("en").splitlines()


def test_no_income_rows_without_an_income_column():
    assert not {"income", "yen_per_hour"} & set(values(share_report(make_report(), period="month")))


def test_a_band_target_reads_as_a_range_in_markdown_and_csv():
    band = Kpi("posts_per_week", T, T, T, Formula(Part("count", categories=("post",))), T, "band", 1, target_max=2)
    report = weekly_metrics(_log(), kpis=[(band, 1)], budget_minutes=300)
    share = share_report(report, period="month", names=NAMES)
    row = next(r for r in share.rows if r.section == "kpi")
    assert (row.target, row.target_max, row.met_weeks, row.judged_weeks) == (1.0, 2.0, 4, 4)
    assert "| 投稿数/週 | 1 | 1–2 | 4週中4週で達成 |" in share.markdown("ja").splitlines()
    cells = list(csv.reader(io.StringIO(share.csv("en").decode(EXCEL_ENCODING))))
    assert next(c for c in cells if c[1] == "Posts a week")[5] == "1–2"
